/*
 * gen-net.h: what the network- and transport-layer generators share
 * among themselves (gen-net.c, gen-host.c, gen-transport.c, gen-proto.c,
 * gen-arith.c): protocol numbers and the internal generators the
 * qualifier dispatch in gen-net.c calls.
 */
#ifndef ACCEL_GEN_NET_H
#define ACCEL_GEN_NET_H

#include "filter-jit/compile.h"

/* Ethernet types of the network protocols the keywords name. */
enum {
	ET_IP = 0x0800, ET_ARP = 0x0806, ET_REVARP = 0x8035,
	ET_IPV6 = 0x86dd, ET_ATALK = 0x809b, ET_AARP = 0x80f3,
	ET_DN = 0x6003, ET_SCA = 0x6007, ET_LAT = 0x6004,
	ET_MOPDL = 0x6001, ET_MOPRC = 0x6002,
};

/* 802.2 SAPs. */
enum {
	SAP_ISONS = 0xfe, SAP_8021D = 0x42, SAP_IPX = 0xe0,
	SAP_NETBEUI = 0xf0,
};

/* IP protocol numbers (IPv6 extension headers included). */
enum {
	IPP_HOPOPTS = 0, IPP_ICMP = 1, IPP_IGMP = 2, IPP_TCP = 6,
	IPP_IGRP = 9, IPP_UDP = 17, IPP_ROUTING = 43, IPP_FRAGMENT = 44,
	IPP_ESP = 50, IPP_AH = 51, IPP_ICMPV6 = 58, IPP_NONE = 59,
	IPP_DSTOPTS = 60, IPP_PIM = 103, IPP_VRRP = 112, IPP_CARP = 112,
	IPP_SCTP = 132,
};

/* "Either TCP, UDP or SCTP" for ports, as pcap_nametoport() says it. */
#define IPP_ANY_PORT (-1)

/* OSI network-layer protocol ids and IS-IS PDU types. */
enum {
	NLPID_CLNP = 0x81, NLPID_ESIS = 0x82, NLPID_ISIS = 0x83,
};
enum {
	ISIS_L1_LAN_IIH = 15, ISIS_L2_LAN_IIH = 16, ISIS_PTP_IIH = 17,
	ISIS_L1_LSP = 18, ISIS_L2_LSP = 20, ISIS_L1_CSNP = 24,
	ISIS_L2_CSNP = 25, ISIS_L1_PSNP = 26, ISIS_L2_PSNP = 27,
};

/* gen-net.c: the qualifier vocabulary. */

/* The keyword of a protocol qualifier, as error messages quote it. */
const char *qp_keyword(int proto);

/*
 * One test per direction, combined as the direction qualifier says:
 * src, dst, "src and dst" (source test first) or the default "src or
 * dst".  one(cc, ctx, is_src) builds the test for one side.  The 802.11
 * directions are refused with libpcap's message "... qualifiers for
 * <what>".
 */
typedef struct pred *(*side_fn)(struct cc *cc, const void *ctx, bool is_src);
struct pred *gen_by_direction(struct cc *cc, int dir, const char *what,
			      side_fn one, const void *ctx);

/* gen-host.c: address tests.  type is QA_HOST or QA_NET (for messages). */
struct pred *gen_host(struct cc *cc, uint32_t addr, uint32_t mask,
		      int proto, int dir, int type);
struct pred *gen_host6(struct cc *cc, const uint8_t addr[16],
		       const uint8_t mask[16], int proto, int dir, int type);

/* gen-transport.c: fragments, ports and port ranges over IPv4 and IPv6.
 * ip_proto is IPP_TCP, IPP_UDP, IPP_SCTP or IPP_ANY_PORT. */
struct pred *gen_ipfrag(struct cc *cc);
struct pred *gen_port(struct cc *cc, unsigned port, int ip_proto, int dir);
struct pred *gen_port6(struct cc *cc, unsigned port, int ip_proto, int dir);
struct pred *gen_portrange(struct cc *cc, unsigned lo, unsigned hi,
			   int ip_proto, int dir);
struct pred *gen_portrange6(struct cc *cc, unsigned lo, unsigned hi,
			    int ip_proto, int dir);

/* gen-proto.c: "proto" and "protochain". */
int lookup_proto(struct cc *cc, const char *name, int proto);
struct pred *gen_proto(struct cc *cc, uint32_t v, int proto, int dir);
struct pred *gen_protochain(struct cc *cc, uint32_t v, int proto);

#endif
