/*
 * link-types.c: Linux hardware types as pcap link types -- the mapping
 * libpcap 1.10 uses on live devices, as one table, plus the few cases
 * that depend on the device's name or kind.
 */
#include "config.h"

#include <linux/if_arp.h>
#include <pcap/pcap.h>
#include <stddef.h>
#include <string.h>

#include "accel/link-types.h"

#define LIST2(a, b) 2, { a, b }
#define LIST3(a, b, c) 3, { a, b, c }

/* ATM and PPP are captured cooked: libpcap gets no usable header there. */
static const struct link_type table[] = {
	{ ARPHRD_ETHER, DLT_EN10MB, false, LIST2(DLT_EN10MB, DLT_DOCSIS) },
	{ ARPHRD_METRICOM, DLT_EN10MB, false, 0, { 0 } },
	{ ARPHRD_LOOPBACK, DLT_EN10MB, false, 0, { 0 } },
	{ ARPHRD_EETHER, DLT_EN3MB, false, 0, { 0 } },
	{ ARPHRD_AX25, DLT_AX25_KISS, false, 0, { 0 } },
	{ ARPHRD_PRONET, DLT_PRONET, false, 0, { 0 } },
	{ ARPHRD_CHAOS, DLT_CHAOS, false, 0, { 0 } },
	{ ARPHRD_CAN, DLT_CAN_SOCKETCAN, false, 0, { 0 } },
	{ ARPHRD_IEEE802_TR, DLT_IEEE802, false, 0, { 0 } },
	{ ARPHRD_IEEE802, DLT_IEEE802, false, 0, { 0 } },
	{ ARPHRD_ARCNET, DLT_ARCNET_LINUX, false, 0, { 0 } },
	{ ARPHRD_FDDI, DLT_FDDI, false, 0, { 0 } },
	{ ARPHRD_ATM, DLT_LINUX_SLL, true, 0, { 0 } },
	{ ARPHRD_IEEE80211, DLT_IEEE802_11, false, 0, { 0 } },
	{ ARPHRD_IEEE80211_PRISM, DLT_PRISM_HEADER, false, 0, { 0 } },
	{ ARPHRD_IEEE80211_RADIOTAP, DLT_IEEE802_11_RADIO, false, 0, { 0 } },
	{ ARPHRD_PPP, DLT_LINUX_SLL, true, 0, { 0 } },
	{ ARPHRD_CISCO, DLT_C_HDLC, false, 0, { 0 } },
	{ ARPHRD_TUNNEL, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_SIT, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_CSLIP, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_SLIP6, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_CSLIP6, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_ADAPT, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_SLIP, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_RAWHDLC, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_DLCI, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_FRAD, DLT_FRELAY, false, 0, { 0 } },
	{ ARPHRD_LOCALTLK, DLT_LTALK, false, 0, { 0 } },
	{ 18 /* Fibre Channel, RFC 4338 */, DLT_IP_OVER_FC, false, 0, { 0 } },
	{ ARPHRD_FCPP, DLT_FC_2, false,
	  LIST3(DLT_FC_2, DLT_FC_2_WITH_FRAME_DELIMS, DLT_IP_OVER_FC) },
	{ ARPHRD_FCAL, DLT_FC_2, false,
	  LIST3(DLT_FC_2, DLT_FC_2_WITH_FRAME_DELIMS, DLT_IP_OVER_FC) },
	{ ARPHRD_FCPL, DLT_FC_2, false,
	  LIST3(DLT_FC_2, DLT_FC_2_WITH_FRAME_DELIMS, DLT_IP_OVER_FC) },
	{ ARPHRD_FCFABRIC, DLT_FC_2, false,
	  LIST3(DLT_FC_2, DLT_FC_2_WITH_FRAME_DELIMS, DLT_IP_OVER_FC) },
	{ ARPHRD_IRDA, DLT_LINUX_IRDA, true, 0, { 0 } },
	{ 8445 /* ARPHRD_LAPD */, DLT_LINUX_LAPD, true, 0, { 0 } },
	{ ARPHRD_NONE, DLT_RAW, false, 0, { 0 } },
	{ ARPHRD_IEEE802154, DLT_IEEE802_15_4_NOFCS, false, 0, { 0 } },
	{ ARPHRD_NETLINK, DLT_NETLINK, true, 0, { 0 } },
	{ ARPHRD_VSOCKMON, DLT_VSOCK, false, 0, { 0 } },
};

/* Ethernet-typed devices that are something else. */
static const struct link_type cdma_rmnet = { ARPHRD_ETHER, DLT_RAW, false,
					     0, { 0 } };
static const struct link_type ether_wireless = { ARPHRD_ETHER, DLT_EN10MB,
						 false, 0, { 0 } };
static const struct link_type ether_isdn = { ARPHRD_ETHER, DLT_EN10MB, true,
					     LIST2(DLT_EN10MB, DLT_DOCSIS) };

const struct link_type *link_type_for_hw(int hw, const char *device,
					 bool wireless)
{
	if (hw == ARPHRD_ETHER) {
		if (strncmp(device, "cdma_rmnet", 10) == 0)
			return &cdma_rmnet;
		if (strncmp(device, "isdn", 4) == 0 ||
		    strncmp(device, "isdY", 4) == 0)
			return &ether_isdn;
		if (wireless)
			return &ether_wireless;
	}
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].hw == hw)
			return &table[i];
	return NULL;
}
