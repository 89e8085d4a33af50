/*
 * devices.c: the device list -- pcap_findalldevs (the finders in
 * libpcap's order, each entry ranked as libpcap ranks it),
 * pcap_freealldevs, pcap_lookupdev, and pcap_lookupnet.
 */
#include "config.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap-compat/devices.h"
#include "pcap-compat/pcap-int.h"

/* The sources of devices, in the order libpcap asks its own. */
static int (*const finders[])(struct dev_list *, char *) = {
	find_interfaces,
	find_any,
	find_bluetooth_adapters,
	find_bluetooth_monitor,
	find_usbmon_buses,
	find_netfilter,
	find_dbus,
	find_accel_devices,
};

/*
 * The rank of a device: lower comes first.  Each rule whose flags match
 * adds its weight, the first rule weighing most.  Devices of equal rank
 * stay in the order they were found.
 */
static const struct {
	bpf_u_int32 mask;
	bpf_u_int32 value;
	u_int weight;
} rank_rules[] = {
	{ PCAP_IF_RUNNING, 0, 0x80000000 },
	{ PCAP_IF_UP, 0, 0x40000000 },
	/* Unplugged wires give no traffic; a disassociated radio still may. */
	{ PCAP_IF_WIRELESS | PCAP_IF_CONNECTION_STATUS,
	  PCAP_IF_CONNECTION_STATUS_DISCONNECTED, 0x20000000 },
	{ PCAP_IF_LOOPBACK, PCAP_IF_LOOPBACK, 0x10000000 },
};

/* "any" goes after every other usable device, before loopback. */
#define RANK_ANY 0x08000000

static u_int device_rank(const pcap_if_t *dev)
{
	u_int rank = 0;

	for (size_t i = 0; i < sizeof rank_rules / sizeof rank_rules[0]; i++)
		if ((dev->flags & rank_rules[i].mask) == rank_rules[i].value)
			rank |= rank_rules[i].weight;
	if (strcmp(dev->name, "any") == 0)
		rank |= RANK_ANY;
	return rank;
}

pcap_if_t *dev_list_find(const struct dev_list *list, const char *name)
{
	for (pcap_if_t *dev = list->first; dev != NULL; dev = dev->next)
		if (strcmp(dev->name, name) == 0)
			return dev;
	return NULL;
}

/* After the last device ranked no worse than dev. */
static void insert_ranked(struct dev_list *list, pcap_if_t *dev)
{
	u_int rank = device_rank(dev);
	pcap_if_t **link = &list->first;

	while (*link != NULL && device_rank(*link) <= rank)
		link = &(*link)->next;
	dev->next = *link;
	*link = dev;
}

pcap_if_t *dev_new(const char *name, bpf_u_int32 flags,
		   const char *description, char *errbuf)
{
	pcap_if_t *dev = calloc(1, sizeof *dev);

	if (dev == NULL)
		goto nomem;
	dev->name = strdup(name);
	if (dev->name == NULL)
		goto nomem;
	if (description != NULL) {
		dev->description = strdup(description);
		if (dev->description == NULL)
			goto nomem;
	}
	dev->flags = flags;
	return dev;

nomem:
	pcap_errnof(errbuf, errno, "malloc");
	if (dev != NULL)
		free(dev->name);
	free(dev);
	return NULL;
}

pcap_if_t *dev_list_add(struct dev_list *list, const char *name,
			bpf_u_int32 flags, const char *description,
			char *errbuf)
{
	pcap_if_t *dev = dev_new(name, flags, description, errbuf);

	if (dev != NULL)
		insert_ranked(list, dev);
	return dev;
}

/* How many bytes of each family libpcap copies (struct sockaddr if unknown). */
static const struct {
	sa_family_t family;
	size_t size;
} sockaddr_sizes[] = {
	{ AF_INET, sizeof(struct sockaddr_in) },
	{ AF_INET6, sizeof(struct sockaddr_in6) },
	{ AF_PACKET, sizeof(struct sockaddr_ll) },
};

static size_t sockaddr_size(const struct sockaddr *sa)
{
	for (size_t i = 0; i < sizeof sockaddr_sizes / sizeof sockaddr_sizes[0]; i++)
		if (sockaddr_sizes[i].family == sa->sa_family)
			return sockaddr_sizes[i].size;
	return sizeof(struct sockaddr);
}

/* A copy of size bytes of sa into *out (NULL stays NULL).  0 or -1. */
static int copy_sockaddr(struct sockaddr **out, const struct sockaddr *sa,
			 size_t size)
{
	*out = NULL;
	if (sa == NULL)
		return 0;
	*out = malloc(size);
	if (*out == NULL)
		return -1;
	memcpy(*out, sa, size);
	return 0;
}

static void free_address(pcap_addr_t *a)
{
	free(a->addr);
	free(a->netmask);
	free(a->broadaddr);
	free(a->dstaddr);
	free(a);
}

int dev_add_address(pcap_if_t *dev, const struct dev_address *a,
		    char *errbuf)
{
	pcap_addr_t *copy = calloc(1, sizeof *copy);
	pcap_addr_t **tail = &dev->addresses;
	/* The netmask is copied at the address's size, as libpcap does. */
	size_t addr_size = a->addr != NULL ? sockaddr_size(a->addr) : 0;

	if (copy == NULL ||
	    copy_sockaddr(&copy->addr, a->addr, addr_size) < 0 ||
	    copy_sockaddr(&copy->netmask, a->netmask, addr_size) < 0 ||
	    copy_sockaddr(&copy->broadaddr, a->broadaddr,
			  a->broadaddr ? sockaddr_size(a->broadaddr) : 0) < 0 ||
	    copy_sockaddr(&copy->dstaddr, a->dstaddr,
			  a->dstaddr ? sockaddr_size(a->dstaddr) : 0) < 0) {
		pcap_errnof(errbuf, errno, "malloc");
		if (copy != NULL)
			free_address(copy);
		return PCAP_ERROR;
	}
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = copy;
	return 0;
}

PCAP_EXPORT int pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	struct dev_list list = { NULL };

	for (size_t i = 0; i < sizeof finders / sizeof finders[0]; i++) {
		if (finders[i](&list, errbuf) != 0) {
			pcap_freealldevs(list.first);
			*alldevsp = NULL;
			return PCAP_ERROR;
		}
	}
	*alldevsp = list.first;
	return 0;
}

PCAP_EXPORT void pcap_freealldevs(pcap_if_t *alldevs)
{
	while (alldevs != NULL) {
		pcap_if_t *next = alldevs->next;

		while (alldevs->addresses != NULL) {
			pcap_addr_t *a = alldevs->addresses;

			alldevs->addresses = a->next;
			free_address(a);
		}
		free(alldevs->name);
		free(alldevs->description);
		free(alldevs);
		alldevs = next;
	}
}

PCAP_EXPORT char *pcap_lookupdev(char *errbuf)
{
	/* The API hands back storage that outlives the call; keep it per thread. */
	static _Thread_local char device[IF_NAMESIZE + 1];
	pcap_if_t *all;
	char *found = NULL;

	if (pcap_init_called()) {
		pcap_errf(errbuf, "pcap_lookupdev() is deprecated and is not "
			  "supported in programs calling pcap_init()");
		return NULL;
	}
	if (pcap_findalldevs(&all, errbuf) == -1)
		return NULL;
	if (all == NULL || (all->flags & PCAP_IF_LOOPBACK)) {
		pcap_errf(errbuf, "no suitable device found");
	} else {
		snprintf(device, sizeof device, "%s", all->name);
		found = device;
	}
	pcap_freealldevs(all);
	return found;
}

/* One SIOCGIF* query for device; the address in network byte order. */
static int query_ipv4(int fd, unsigned long request, const char *device,
		      bpf_u_int32 *out)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_addr.sa_family = AF_INET;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	if (ioctl(fd, request, &ifr) < 0)
		return -1;
	*out = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	return 0;
}

PCAP_EXPORT int pcap_lookupnet(const char *device, bpf_u_int32 *netp,
			       bpf_u_int32 *maskp, char *errbuf)
{
	int fd;

	/* Pseudo-devices have no network of their own. */
	if (device == NULL || strcmp(device, "any") == 0 ||
	    strstr(device, "bluetooth") != NULL ||
	    strstr(device, "usbmon") != NULL) {
		*netp = *maskp = 0;
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pcap_errnof(errbuf, errno, "socket");
		return -1;
	}
	if (query_ipv4(fd, SIOCGIFADDR, device, netp) < 0) {
		if (errno == EADDRNOTAVAIL)
			pcap_errf(errbuf, "%s: no IPv4 address assigned", device);
		else
			pcap_errnof(errbuf, errno, "SIOCGIFADDR: %s", device);
		close(fd);
		return -1;
	}
	if (query_ipv4(fd, SIOCGIFNETMASK, device, maskp) < 0) {
		pcap_errnof(errbuf, errno, "SIOCGIFNETMASK: %s", device);
		close(fd);
		return -1;
	}
	close(fd);
	/*
	 * No netmask: libpcap falls back to the classful one, testing the
	 * class on the address as stored (network byte order); so do we.
	 */
	if (*maskp == 0) {
		if (IN_CLASSA(*netp))
			*maskp = IN_CLASSA_NET;
		else if (IN_CLASSB(*netp))
			*maskp = IN_CLASSB_NET;
		else if (IN_CLASSC(*netp))
			*maskp = IN_CLASSC_NET;
		else {
			pcap_errf(errbuf, "inet class for 0x%x unknown", *netp);
			return -1;
		}
	}
	*netp &= *maskp;
	return 0;
}
