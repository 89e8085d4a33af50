/*
 * devices.c: finding capture devices and their IPv4 network --
 * pcap_findalldevs, pcap_freealldevs, pcap_lookupdev, pcap_lookupnet.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap-compat/pcap-int.h"

PCAP_EXPORT int pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	*alldevsp = NULL;
	pcap_errf(errbuf, "listing devices is not supported by this "
		  "accel-pcap build yet");
	return PCAP_ERROR;
}

static void free_addresses(pcap_addr_t *a)
{
	while (a != NULL) {
		pcap_addr_t *next = a->next;

		free(a->addr);
		free(a->netmask);
		free(a->broadaddr);
		free(a->dstaddr);
		free(a);
		a = next;
	}
}

PCAP_EXPORT void pcap_freealldevs(pcap_if_t *alldevs)
{
	while (alldevs != NULL) {
		pcap_if_t *next = alldevs->next;

		free_addresses(alldevs->addresses);
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
