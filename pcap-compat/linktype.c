/*
 * linktype.c: mapping between the DLT_* values of the API and the
 * LINKTYPE_* values written in savefiles.  Most are equal; a few DLTs
 * differ between operating systems and get OS-neutral file numbers.
 */
#include "config.h"

#include <pcap/dlt.h>

#include "pcap-compat/linktype.h"

/* File numbers that differ from this platform's DLT values. */
enum {
	LINKTYPE_PPP_HDLC = 50,
	LINKTYPE_PPP_ETHER = 51,
	LINKTYPE_ATM_RFC1483 = 100,
	LINKTYPE_RAW = 101,
	LINKTYPE_SLIP_BSDOS = 102,
	LINKTYPE_PPP_BSDOS = 103,
	LINKTYPE_MATCHING_MIN = 104,
	LINKTYPE_C_HDLC = 104,
	LINKTYPE_ATM_CLIP = 106,
	LINKTYPE_NETBSD_HDLC = 112,
	LINKTYPE_PFSYNC = 246,
	LINKTYPE_PKTAP = 258,
	LINKTYPE_MATCHING_MAX = 289,
};

static const struct {
	int dlt;
	int linktype;
} remapped[] = {
	{ DLT_ATM_RFC1483, LINKTYPE_ATM_RFC1483 },
	{ DLT_RAW, LINKTYPE_RAW },
	{ DLT_SLIP_BSDOS, LINKTYPE_SLIP_BSDOS },
	{ DLT_PPP_BSDOS, LINKTYPE_PPP_BSDOS },
	{ DLT_HDLC, LINKTYPE_NETBSD_HDLC },
	{ DLT_C_HDLC, LINKTYPE_C_HDLC },
	{ DLT_ATM_CLIP, LINKTYPE_ATM_CLIP },
	{ DLT_PPP_SERIAL, LINKTYPE_PPP_HDLC },
	{ DLT_PPP_ETHER, LINKTYPE_PPP_ETHER },
};

#define N_REMAPPED (sizeof remapped / sizeof remapped[0])

/* DLT values below 20 that are written unchanged. */
static int is_low_identity_dlt(int dlt)
{
	switch (dlt) {
	case DLT_NULL: case DLT_EN10MB: case DLT_EN3MB: case DLT_AX25:
	case DLT_PRONET: case DLT_CHAOS: case DLT_IEEE802: case DLT_ARCNET:
	case DLT_SLIP: case DLT_PPP: case DLT_FDDI:
	case DLT_SYMANTEC_FIREWALL:
		return 1;
	default:
		return 0;
	}
}

int dlt_to_linktype(int dlt)
{
	if (dlt == DLT_PFSYNC)
		return LINKTYPE_PFSYNC;
	if (dlt == DLT_PKTAP)
		return LINKTYPE_PKTAP;
	if (dlt >= DLT_MATCHING_MIN && dlt <= DLT_MATCHING_MAX)
		return dlt;
	if (is_low_identity_dlt(dlt))
		return dlt;
	for (unsigned i = 0; i < N_REMAPPED; i++)
		if (remapped[i].dlt == dlt)
			return remapped[i].linktype;
	return -1;
}

int linktype_to_dlt(int linktype)
{
	if (linktype == LINKTYPE_PFSYNC)
		return DLT_PFSYNC;
	if (linktype == LINKTYPE_PKTAP)
		return DLT_PKTAP;
	if (linktype >= LINKTYPE_MATCHING_MIN &&
	    linktype <= LINKTYPE_MATCHING_MAX && linktype != LINKTYPE_ATM_CLIP)
		return linktype;
	for (unsigned i = 0; i < N_REMAPPED; i++)
		if (remapped[i].linktype == linktype)
			return remapped[i].dlt;
	return linktype;
}

unsigned int max_snaplen_for_dlt(int dlt)
{
	switch (dlt) {
	case DLT_DBUS:
		return 128 * 1024 * 1024;
	case DLT_EBHSCR:
		return 8 * 1024 * 1024;
	case DLT_USBPCAP:
		return 1024 * 1024;
	default:
		return MAXIMUM_SNAPLEN;
	}
}
