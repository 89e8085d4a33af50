/*
 * devices-accel.c: the accel:DEV entries pcap_findalldevs appends after
 * libpcap's own list (which stays exactly libpcap's, in its order), one
 * per network interface, so device pickers offer the accelerated capture.
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>

#include "pcap-compat/devices.h"

static pcap_if_t *new_entry(const pcap_if_t *dev, char *errbuf)
{
	char name[sizeof "accel:" + IF_NAMESIZE];
	char description[64 + IF_NAMESIZE];

	snprintf(name, sizeof name, "accel:%s", dev->name);
	snprintf(description, sizeof description,
		 "Accelerated capture on %s (accel-pcap)", dev->name);
	return dev_new(name, dev->flags, description, errbuf);
}

int find_accel_devices(struct dev_list *list, char *errbuf)
{
	pcap_if_t **tail = &list->first, *dev;
	pcap_if_t *added = NULL, **added_tail = &added;

	while (*tail != NULL)
		tail = &(*tail)->next;
	for (dev = list->first; dev != NULL; dev = dev->next) {
		pcap_if_t *e;

		/* Network interfaces only: not "any", not pseudo-devices. */
		if (if_nametoindex(dev->name) == 0)
			continue;
		e = new_entry(dev, errbuf);
		if (e == NULL) {
			pcap_freealldevs(added);
			return PCAP_ERROR;
		}
		*added_tail = e;
		added_tail = &e->next;
	}
	*tail = added;
	return 0;
}
