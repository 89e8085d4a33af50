/*
 * link-types.h: what a Linux device's hardware type (ARPHRD_*) is as a
 * pcap link type, libpcap's table, and which types it captures cooked.
 */
#ifndef ACCEL_LINK_TYPES_H
#define ACCEL_LINK_TYPES_H

#include <stdbool.h>

struct link_type {
	int hw;			/* ARPHRD_* */
	int dlt;
	bool cooked;		/* SOCK_DGRAM, libpcap builds an SLL header */
	unsigned char dlt_list_len;
	int dlt_list[3];	/* pcap_list_datalinks; empty: just dlt */
};

/* NULL: a type libpcap does not know (it captures those cooked). */
const struct link_type *link_type_for_hw(int hw, const char *device,
					 bool wireless);

#endif
