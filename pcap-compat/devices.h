/*
 * devices.h: the list pcap_findalldevs builds and the finders that fill
 * it, each adding its devices in libpcap's order (network interfaces in
 * devices-linux.c, pseudo-devices in devices-pseudo.c).
 */
#ifndef ACCEL_DEVICES_H
#define ACCEL_DEVICES_H

#include <sys/socket.h>

#include "pcap-compat/pcap-int.h"

struct dev_list {
	pcap_if_t *first;
};

/* One address of a device as the system reports it; any member may be NULL. */
struct dev_address {
	const struct sockaddr *addr;
	const struct sockaddr *netmask;
	const struct sockaddr *broadaddr;
	const struct sockaddr *dstaddr;
};

pcap_if_t *dev_list_find(const struct dev_list *list, const char *name);

/* A new entry in no list yet.  NULL with the reason in errbuf. */
pcap_if_t *dev_new(const char *name, bpf_u_int32 flags,
		   const char *description, char *errbuf);

/*
 * A new entry, placed by libpcap's ranking (see devices.c), even if the
 * name is listed already.  NULL with the reason in errbuf on failure.
 */
pcap_if_t *dev_list_add(struct dev_list *list, const char *name,
			bpf_u_int32 flags, const char *description,
			char *errbuf);

/* Append a copy of the address to the device's list.  0 or PCAP_ERROR. */
int dev_add_address(pcap_if_t *dev, const struct dev_address *a,
		    char *errbuf);

/* Finders: 0, or PCAP_ERROR with the reason in errbuf. */
int find_interfaces(struct dev_list *list, char *errbuf);
int find_any(struct dev_list *list, char *errbuf);
int find_bluetooth_adapters(struct dev_list *list, char *errbuf);
int find_bluetooth_monitor(struct dev_list *list, char *errbuf);
int find_usbmon_buses(struct dev_list *list, char *errbuf);
int find_netfilter(struct dev_list *list, char *errbuf);
int find_dbus(struct dev_list *list, char *errbuf);
/* devices-accel.c: after all the others, outside libpcap's ranking. */
int find_accel_devices(struct dev_list *list, char *errbuf);

#endif
