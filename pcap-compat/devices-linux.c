/*
 * devices-linux.c: the network interfaces pcap_findalldevs lists -- every
 * name getifaddrs reports, with its addresses, and the flags libpcap
 * derives from sysfs and ethtool.
 */
#include "config.h"

/* glibc's <net/if.h> before the kernel's headers, which then defer to it. */
#include <net/if.h>

#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcap-compat/devices.h"

/* One pass over getifaddrs' answer. */
struct iface_walk {
	struct dev_list *list;
	int ioctl_fd;		/* opened for the first device that needs it */
	char *errbuf;
};

/* The pcap flags that interface flags give directly. */
static const struct {
	unsigned int iff;
	bpf_u_int32 pcap;
} iff_to_pcap[] = {
	{ IFF_LOOPBACK, PCAP_IF_LOOPBACK },
	{ IFF_UP, PCAP_IF_UP },
	{ IFF_RUNNING, PCAP_IF_RUNNING },
};

/* Link types libpcap calls wireless (besides a sysfs "wireless" entry). */
static const unsigned int wireless_types[] = {
	ARPHRD_IRDA, ARPHRD_IEEE80211, ARPHRD_IEEE80211_PRISM,
	ARPHRD_IEEE80211_RADIOTAP, ARPHRD_IEEE802154,
	ARPHRD_IEEE802154_MONITOR, ARPHRD_6LOWPAN,
};

/*
 * Sockets that may carry device ioctls, best first.  Netlink answers them
 * on kernels 4.6 and later without IP configured in and without capture
 * permission; the probe ioctl tells an older kernel's refusal apart.
 */
static const struct {
	int domain, type, protocol;
	bool probe;
} ioctl_sockets[] = {
	{ AF_NETLINK, SOCK_RAW, NETLINK_GENERIC, true },
	{ AF_UNIX, SOCK_RAW, 0, false },
	{ AF_INET6, SOCK_DGRAM, 0, false },
	{ AF_INET, SOCK_DGRAM, 0, false },
};

static bool answers_device_ioctls(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	return ioctl(fd, SIOCGIFNAME, &ifr) == 0 || errno != EOPNOTSUPP;
}

static int open_ioctl_socket(void)
{
	int fd = -1;

	for (size_t i = 0; i < sizeof ioctl_sockets / sizeof ioctl_sockets[0]; i++) {
		fd = socket(ioctl_sockets[i].domain,
			    ioctl_sockets[i].type | SOCK_CLOEXEC,
			    ioctl_sockets[i].protocol);
		if (fd < 0)
			continue;
		if (!ioctl_sockets[i].probe || answers_device_ioctls(fd))
			return fd;
		close(fd);
		fd = -1;
		errno = EOPNOTSUPP;
	}
	return fd;
}

static int walk_ioctl_fd(struct iface_walk *w, const char *name)
{
	if (w->ioctl_fd < 0)
		w->ioctl_fd = open_ioctl_socket();
	if (w->ioctl_fd < 0)
		pcap_errnof(w->errbuf, errno, "Can't create socket to get "
			    "ethtool information for %s", name);
	return w->ioctl_fd;
}

/* /sys/class/net/NAME/LEAF; names are shorter than IFNAMSIZ. */
static void sysfs_path(char *path, size_t size, const char *name,
		       const char *leaf)
{
	snprintf(path, size, "/sys/class/net/%s/%s", name, leaf);
}

#define SYSFS_PATH_SIZE (sizeof "/sys/class/net//wireless" + IFNAMSIZ)

static bool has_wireless_dir(const char *name)
{
	char path[SYSFS_PATH_SIZE];
	struct stat st;

	sysfs_path(path, sizeof path, name, "wireless");
	return stat(path, &st) == 0;
}

/* The ARPHRD_* type of the link; false if sysfs does not say. */
static bool link_type(const char *name, unsigned int *type)
{
	char path[SYSFS_PATH_SIZE];
	FILE *f;
	bool ok;

	sysfs_path(path, sizeof path, name, "type");
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	ok = fscanf(f, "%u", type) == 1;
	fclose(f);
	return ok;
}

static bool is_wireless_type(unsigned int type)
{
	for (size_t i = 0; i < sizeof wireless_types / sizeof wireless_types[0]; i++)
		if (wireless_types[i] == type)
			return true;
	return false;
}

/* Link up or down, as ethtool sees it; devices without the notion say so. */
static int add_connection_status(int fd, const char *name,
				 bpf_u_int32 *flags, char *errbuf)
{
	struct ethtool_value link = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_data = (void *)&link;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		*flags |= link.data ? PCAP_IF_CONNECTION_STATUS_CONNECTED
				    : PCAP_IF_CONNECTION_STATUS_DISCONNECTED;
		return 0;
	}
	switch (errno) {
	case EOPNOTSUPP:
	case EINVAL:
		*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
		return 0;
	case ENODEV:
		/* Gone since it was listed: activating it will tell. */
		return 0;
	default:
		pcap_errnof(errbuf, errno,
			    "%s: SIOCETHTOOL(ETHTOOL_GLINK) ioctl failed", name);
		return PCAP_ERROR;
	}
}

/*
 * What the interface flags do not say: wireless, and the connection
 * status where it means something (not for loopback, by flag or by type).
 */
static int add_link_flags(struct iface_walk *w, const char *name,
			  bpf_u_int32 *flags)
{
	unsigned int type;
	int fd;

	if (*flags & PCAP_IF_LOOPBACK) {
		*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
		return 0;
	}
	fd = walk_ioctl_fd(w, name);
	if (fd < 0)
		return PCAP_ERROR;
	/* A Wi-Fi link reports Ethernet as its type outside monitor mode. */
	if (has_wireless_dir(name)) {
		*flags |= PCAP_IF_WIRELESS;
	} else if (link_type(name, &type)) {
		if (type == ARPHRD_LOOPBACK)
			return 0;
		if (is_wireless_type(type))
			*flags |= PCAP_IF_WIRELESS;
	}
	return add_connection_status(fd, name, flags, w->errbuf);
}

static pcap_if_t *add_interface(struct iface_walk *w, const char *name,
				unsigned int iff)
{
	bpf_u_int32 flags = 0;

	for (size_t i = 0; i < sizeof iff_to_pcap / sizeof iff_to_pcap[0]; i++)
		if (iff & iff_to_pcap[i].iff)
			flags |= iff_to_pcap[i].pcap;
	if (add_link_flags(w, name, &flags) != 0)
		return NULL;
	/* libpcap asks SIOCGIFDESCR, which Linux lacks; ifalias is not read. */
	return dev_list_add(w->list, name, flags, NULL, w->errbuf);
}

/*
 * The device an entry belongs to: an alias label "eth0:1" (a colon and
 * only digits) names eth0; other labels ("eth0:web") are devices of
 * their own, as in libpcap.
 */
static void device_name(char *name, size_t size, const char *label)
{
	char *colon;

	snprintf(name, size, "%s", label);
	colon = strchr(name, ':');
	if (colon != NULL &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1))
		*colon = '\0';
}

/* The device of one getifaddrs entry, and the entry's address. */
static int add_ifaddr(struct iface_walk *w, const struct ifaddrs *ifa)
{
	char name[IFNAMSIZ];
	pcap_if_t *dev;
	struct dev_address a = { NULL };

	device_name(name, sizeof name, ifa->ifa_name);
	dev = dev_list_find(w->list, name);
	if (dev == NULL)
		dev = add_interface(w, name, ifa->ifa_flags);
	if (dev == NULL)
		return PCAP_ERROR;
	if (ifa->ifa_addr == NULL)
		return 0;
	a.addr = ifa->ifa_addr;
	a.netmask = ifa->ifa_netmask;
	/* One field holds either; the link flags say which it is. */
	if (ifa->ifa_flags & IFF_BROADCAST)
		a.broadaddr = ifa->ifa_broadaddr;
	if (ifa->ifa_flags & IFF_POINTOPOINT)
		a.dstaddr = ifa->ifa_dstaddr;
	return dev_add_address(dev, &a, w->errbuf);
}

int find_interfaces(struct dev_list *list, char *errbuf)
{
	struct iface_walk w = { .list = list, .ioctl_fd = -1, .errbuf = errbuf };
	struct ifaddrs *all;
	int status = 0;

	if (getifaddrs(&all) != 0) {
		pcap_errnof(errbuf, errno, "getifaddrs");
		return PCAP_ERROR;
	}
	for (struct ifaddrs *ifa = all; ifa != NULL && status == 0;
	     ifa = ifa->ifa_next)
		status = add_ifaddr(&w, ifa);
	freeifaddrs(all);
	if (w.ioctl_fd >= 0)
		close(w.ioctl_fd);
	return status;
}
