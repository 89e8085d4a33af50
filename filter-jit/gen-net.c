/*
 * gen-net.c: from "qualifiers + a name or number" to a test -- host and
 * network names and numbers (IPv4, IPv6, DECnet, MAC), ports and port
 * ranges, "proto" and "protochain" -- resolving names through the
 * system as libpcap does, and refusing what libpcap refuses, in its
 * order and words.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include <pcap/namedb.h>

#include "filter-jit/gen-net.h"
#include "pcap-compat/nametoaddr.h"

/* ------------------------------------------------------------------ */
/* The qualifier vocabulary                                            */

static const char *const qp_keywords[] = {
	[QP_LINK] = "link", [QP_IP] = "ip", [QP_ARP] = "arp",
	[QP_RARP] = "rarp", [QP_SCTP] = "sctp", [QP_TCP] = "tcp",
	[QP_UDP] = "udp", [QP_ICMP] = "icmp", [QP_IGMP] = "igmp",
	[QP_IGRP] = "igrp", [QP_ATALK] = "atalk", [QP_DECNET] = "decnet",
	[QP_LAT] = "lat", [QP_SCA] = "sca", [QP_MOPRC] = "moprc",
	[QP_MOPDL] = "mopdl", [QP_IPV6] = "ip6", [QP_ICMPV6] = "icmp6",
	[QP_AH] = "ah", [QP_ESP] = "esp", [QP_PIM] = "pim",
	[QP_VRRP] = "vrrp", [QP_AARP] = "aarp", [QP_ISO] = "iso",
	[QP_ESIS] = "esis", [QP_ISIS] = "isis", [QP_CLNP] = "clnp",
	[QP_STP] = "stp", [QP_IPX] = "ipx", [QP_NETBEUI] = "netbeui",
	[QP_ISIS_L1] = "l1", [QP_ISIS_L2] = "l2", [QP_ISIS_IIH] = "iih",
	[QP_ISIS_SNP] = "snp", [QP_ISIS_CSNP] = "csnp",
	[QP_ISIS_PSNP] = "psnp", [QP_ISIS_LSP] = "lsp",
	[QP_RADIO] = "radio", [QP_CARP] = "carp",
};

const char *qp_keyword(int proto)
{
	if (proto < 0 || (size_t)proto >= sizeof qp_keywords /
					  sizeof qp_keywords[0])
		return NULL;
	return qp_keywords[proto];
}

/* How the 802.11 address qualifiers are refused on other addresses. */
static const char *const wlan_dir_refusals[] = {
	[QD_ADDR1] = "'addr1' and 'address1' are not valid qualifiers",
	[QD_ADDR2] = "'addr2' and 'address2' are not valid qualifiers",
	[QD_ADDR3] = "'addr3' and 'address3' are not valid qualifiers",
	[QD_ADDR4] = "'addr4' and 'address4' are not valid qualifiers",
	[QD_RA] = "'ra' is not a valid qualifier",
	[QD_TA] = "'ta' is not a valid qualifier",
};

struct pred *gen_by_direction(struct cc *cc, int dir, const char *what,
			      side_fn one, const void *ctx)
{
	struct pred *b0, *b1;

	switch (dir) {
	case QD_SRC:
		return one(cc, ctx, true);
	case QD_DST:
		return one(cc, ctx, false);
	case QD_AND:
		b0 = one(cc, ctx, true);
		b1 = one(cc, ctx, false);
		return pred_and(cc, b0, b1);
	case QD_DEFAULT:
	case QD_OR:
		b0 = one(cc, ctx, true);
		b1 = one(cc, ctx, false);
		return pred_or(cc, b0, b1);
	}
	if (dir > 0 && (size_t)dir < sizeof wlan_dir_refusals /
				    sizeof wlan_dir_refusals[0] &&
	    wlan_dir_refusals[dir] != NULL)
		cc_fail(cc, "%s for %s", wlan_dir_refusals[dir], what);
	cc_fail(cc, "internal error: bad direction qualifier %d", dir);
}

/* ------------------------------------------------------------------ */
/* MAC addresses                                                       */

typedef struct pred *(*mac_host_fn)(struct cc *, const uint8_t *, int);

/* The link types with MAC addresses, and how each names them. */
static const struct {
	int dlt;
	const char *name;	/* "unknown <name> host" */
	mac_host_fn gen;
	bool prev_check;	/* behind another link header (geneve) */
} mac_links[] = {
	{ DLT_EN10MB, "ether", gen_ehostop, true },
	{ DLT_NETANALYZER, "ether", gen_ehostop, true },
	{ DLT_NETANALYZER_TRANSPARENT, "ether", gen_ehostop, true },
	{ DLT_FDDI, "FDDI", gen_fhostop, false },
	{ DLT_IEEE802, "token ring", gen_thostop, false },
	{ DLT_IEEE802_11, "802.11", gen_wlanhostop, false },
	{ DLT_PRISM_HEADER, "802.11", gen_wlanhostop, false },
	{ DLT_IEEE802_11_RADIO_AVS, "802.11", gen_wlanhostop, false },
	{ DLT_IEEE802_11_RADIO, "802.11", gen_wlanhostop, false },
	{ DLT_PPI, "802.11", gen_wlanhostop, false },
	{ DLT_IP_OVER_FC, "Fibre Channel", gen_ipfchostop, false },
};

static int mac_link_index(struct cc *cc)
{
	for (size_t i = 0; i < sizeof mac_links / sizeof mac_links[0]; i++)
		if (mac_links[i].dlt == cc->cur_linktype)
			return (int)i;
	return -1;
}

/* Takes a malloc()ed address (NULL: failed lookup) into the arena. */
static uint8_t *mac_to_arena(struct cc *cc, u_char *mac)
{
	uint8_t tmp[6];

	if (mac == NULL)
		return NULL;
	memcpy(tmp, mac, sizeof tmp);
	free(mac);
	return memcpy(cc_alloc(cc, sizeof tmp), tmp, sizeof tmp);
}

static struct pred *mac_host(struct cc *cc, int link, const uint8_t *mac,
			     int dir)
{
	struct pred *prev = NULL, *b;

	if (mac_links[link].prev_check)
		prev = gen_prevlinkhdr_check(cc);
	b = mac_links[link].gen(cc, mac, dir);
	return prev != NULL ? pred_and(cc, prev, b) : b;
}

static struct pred *mac_host_by_name(struct cc *cc, const char *name,
				     int dir)
{
	int link = mac_link_index(cc);
	const uint8_t *mac;

	if (link < 0)
		cc_fail(cc, "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name");
	mac = mac_to_arena(cc, pcap_ether_hostton(name));
	if (mac == NULL)
		cc_fail(cc, "unknown %s host '%s'", mac_links[link].name, name);
	return mac_host(cc, link, mac, dir);
}

struct pred *gen_ecode(struct cc *cc, const char *s, struct qual q)
{
	const uint8_t *mac;
	int link;

	if ((q.addr != QA_HOST && q.addr != QA_DEFAULT) || q.proto != QP_LINK)
		cc_fail(cc, "ethernet address used in non-ether expression");
	mac = mac_to_arena(cc, pcap_ether_aton(s));
	if (mac == NULL)
		cc_fail(cc, "malloc");
	link = mac_link_index(cc);
	if (link < 0)
		cc_fail(cc, "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel");
	return mac_host(cc, link, mac, q.dir);
}

/* ------------------------------------------------------------------ */
/* IP host names                                                       */

struct ip_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint32_t v4;		/* host order */
	uint8_t v6[16];
};

/*
 * Resolves name into an arena array (NULL: unknown), so that no
 * resolver memory is held while generators may fail.
 */
static struct ip_addr *resolve(struct cc *cc, const char *name, unsigned *n)
{
	struct addrinfo *res = pcap_nametoaddrinfo(name), *ai;
	struct ip_addr *v;
	unsigned count = 0;

	if (res == NULL)
		return NULL;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	/* (Only running out of memory here could leak res.) */
	v = cc_alloc(cc, sizeof *v * count);
	count = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct ip_addr *a = &v[count];

		if (ai->ai_addr == NULL)
			continue;
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin =
				(const struct sockaddr_in *)ai->ai_addr;

			a->family = AF_INET;
			a->v4 = ntohl(sin->sin_addr.s_addr);
			count++;
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 =
				(const struct sockaddr_in6 *)ai->ai_addr;

			a->family = AF_INET6;
			memcpy(a->v6, &sin6->sin6_addr, 16);
			count++;
		}
	}
	freeaddrinfo(res);
	*n = count;
	return v;
}

static struct pred *ip_host_by_name(struct cc *cc, const char *name,
				    struct qual q)
{
	static const uint8_t all_ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	int proto4 = q.proto, proto6 = q.proto;
	struct pred *b = NULL, *t;
	struct ip_addr *addrs;
	unsigned n = 0;

	addrs = resolve(cc, name, &n);
	if (addrs == NULL)
		cc_fail(cc, "unknown host '%s'", name);
	/* No link-layer type field: say which IP version is meant. */
	if (cc->off_linktype.constant_part == OFFSET_NOT_SET &&
	    q.proto == QP_DEFAULT) {
		proto4 = QP_IP;
		proto6 = QP_IPV6;
	}
	for (unsigned i = 0; i < n; i++) {
		if (addrs[i].family == AF_INET) {
			if (proto4 == QP_IPV6)
				continue;
			t = gen_host(cc, addrs[i].v4, 0xffffffff, proto4,
				     q.dir, q.addr);
		} else {
			if (proto6 == QP_IP)
				continue;
			t = gen_host6(cc, addrs[i].v6, all_ones, proto6, q.dir,
				      q.addr);
		}
		b = b != NULL ? pred_or(cc, b, t) : t;
	}
	if (b == NULL)
		cc_fail(cc, "unknown host '%s'%s", name,
			q.proto == QP_DEFAULT ?
				"" : " for specified address family");
	return b;
}

/* ------------------------------------------------------------------ */
/* Ports                                                               */

/* The transport protocols a port qualifier may name. */
static const struct {
	uint8_t qual;
	int ip_proto;
	const char *name;
} port_protos[] = {
	{ QP_TCP, IPP_TCP, "tcp" },
	{ QP_UDP, IPP_UDP, "udp" },
	{ QP_SCTP, IPP_SCTP, "sctp" },
};

/* The IP protocol a port qualifier stands for; -2 if it is not one. */
static int port_qual_proto(int qual)
{
	if (qual == QP_DEFAULT)
		return IPP_ANY_PORT;
	for (size_t i = 0; i < sizeof port_protos / sizeof port_protos[0]; i++)
		if (port_protos[i].qual == qual)
			return port_protos[i].ip_proto;
	return -2;
}

static const char *port_proto_name(int ip_proto)
{
	for (size_t i = 0; i < sizeof port_protos / sizeof port_protos[0]; i++)
		if (port_protos[i].ip_proto == ip_proto)
			return port_protos[i].name;
	return NULL;
}

/*
 * The protocol a named port is looked for under: the qualifier's,
 * unless the service exists only for another transport protocol.
 * what is "port" or "port in range".
 */
static int named_port_proto(struct cc *cc, int qual, int found,
			    const char *what, const char *name)
{
	int want = port_qual_proto(qual);

	if (want == IPP_ANY_PORT)
		return found;
	if (found != want && port_proto_name(found) != NULL)
		cc_fail(cc, "%s '%s' is %s", what, name,
			port_proto_name(found));
	return want;
}

static void check_port_number(struct cc *cc, int port)
{
	if (port < 0)
		cc_fail(cc, "illegal port number %d < 0", port);
	if (port > 65535)
		cc_fail(cc, "illegal port number %d > 65535", port);
}

/* IPv6 first, then IPv4, as libpcap ORs them. */
static struct pred *port_both(struct cc *cc, unsigned lo, unsigned hi,
			      bool range, int ip_proto, int dir)
{
	struct pred *b4, *b6;

	if (range) {
		b4 = gen_portrange(cc, lo, hi, ip_proto, dir);
		b6 = gen_portrange6(cc, lo, hi, ip_proto, dir);
	} else {
		b4 = gen_port(cc, lo, ip_proto, dir);
		b6 = gen_port6(cc, lo, ip_proto, dir);
	}
	return pred_or(cc, b6, b4);
}

static struct pred *port_by_name(struct cc *cc, const char *name,
				 struct qual q)
{
	int port, ip_proto;

	if (port_qual_proto(q.proto) == -2)
		cc_fail(cc, "illegal qualifier of 'port'");
	if (pcap_nametoport(name, &port, &ip_proto) == 0)
		cc_fail(cc, "unknown port '%s'", name);
	ip_proto = named_port_proto(cc, q.proto, ip_proto, "port", name);
	check_port_number(cc, port);
	return port_both(cc, (unsigned)port, (unsigned)port, false, ip_proto,
			 q.dir);
}

static struct pred *portrange_by_name(struct cc *cc, const char *name,
				      struct qual q)
{
	int lo, hi, ip_proto;

	if (port_qual_proto(q.proto) == -2)
		cc_fail(cc, "illegal qualifier of 'portrange'");
	if (pcap_nametoportrange(name, &lo, &hi, &ip_proto) == 0)
		cc_fail(cc, "unknown port in range '%s'", name);
	ip_proto = named_port_proto(cc, q.proto, ip_proto, "port in range",
				    name);
	check_port_number(cc, lo);
	check_port_number(cc, hi);
	return port_both(cc, (unsigned)lo, (unsigned)hi, true, ip_proto,
			 q.dir);
}

static struct pred *port_by_number(struct cc *cc, uint32_t v, struct qual q,
				   bool range)
{
	int ip_proto = port_qual_proto(q.proto);

	if (ip_proto == -2)
		cc_fail(cc, range ? "illegal qualifier of 'portrange'"
				  : "illegal qualifier of 'port'");
	if (v > 65535)
		cc_fail(cc, "illegal port number %u > 65535", v);
	return port_both(cc, v, v, range, ip_proto, q.dir);
}

/* ------------------------------------------------------------------ */
/* The parser's entry points                                           */

static _Noreturn void syntax_error(struct cc *cc)
{
	cc_fail(cc, "syntax error in filter expression");
}

/* Moves a short network number to the top: 10 -> 10.0.0.0/8. */
static void left_justify_net(uint32_t *net, uint32_t *mask)
{
	*mask = 0xffffffff;
	while (*net != 0 && (*net & 0xff000000) == 0) {
		*net <<= 8;
		*mask <<= 8;
	}
}

static struct pred *host_by_name(struct cc *cc, const char *name,
				 struct qual q)
{
	u_short dn;

	if (q.proto == QP_LINK)
		return mac_host_by_name(cc, name, q.dir);
	if (q.proto == QP_DECNET) {
		if (!names_nametodnaddr(name, &dn))
			cc_fail(cc, "decnet name support not included, '%s' cannot be translated\n",
				name);
		return gen_host(cc, dn, 0, q.proto, q.dir, q.addr);
	}
	return ip_host_by_name(cc, name, q);
}

static struct pred *proto_by_name(struct cc *cc, const char *name,
				  struct qual q)
{
	int v = lookup_proto(cc, name, q.proto);

	if (v < 0)
		cc_fail(cc, "unknown protocol: %s", name);
	if (q.addr == QA_PROTO)
		return gen_proto(cc, (uint32_t)v, q.proto, q.dir);
	return gen_protochain(cc, (uint32_t)v, q.proto);
}

struct pred *gen_scode(struct cc *cc, const char *name, struct qual q)
{
	uint32_t net, mask;

	switch (q.addr) {
	case QA_NET:
		net = pcap_nametonetaddr(name);
		if (net == 0)
			cc_fail(cc, "unknown network '%s'", name);
		left_justify_net(&net, &mask);
		return gen_host(cc, net, mask, q.proto, q.dir, q.addr);
	case QA_DEFAULT:
	case QA_HOST:
		return host_by_name(cc, name, q);
	case QA_PORT:
		return port_by_name(cc, name, q);
	case QA_PORTRANGE:
		return portrange_by_name(cc, name, q);
	case QA_GATEWAY:
		/* libpcap built with IPv6 (as on Linux) has no gateway. */
		cc_fail(cc, "'gateway' not supported in this configuration");
	case QA_PROTO:
	case QA_PROTOCHAIN:
		return proto_by_name(cc, name, q);
	case QA_UNDEF:
		syntax_error(cc);
	}
	cc_fail(cc, "internal error: bad address qualifier %d", q.addr);
}

/* Parses s as an IPv4 number of 1-4 parts into *v; its length in bits. */
static int parse_ipv4(struct cc *cc, const char *s, uint32_t *v)
{
	int len = names_atoin(s, v);

	if (len < 0)
		cc_fail(cc, "invalid IPv4 address '%s'", s);
	return len;
}

/* A dotted number's bits moved to the top (10.1 -> 10.1.0.0). */
static uint32_t promote(uint32_t v, int len)
{
	return len >= 32 ? v : v << (32 - len);
}

struct pred *gen_ncode(struct cc *cc, const char *s, uint32_t v, struct qual q)
{
	uint32_t mask;
	int vlen = 32;

	if (s != NULL && q.proto == QP_DECNET) {
		vlen = names_atodn(s, &v);
		if (vlen == 0)
			cc_fail(cc, "malformed decnet address '%s'", s);
	} else if (s != NULL) {
		vlen = parse_ipv4(cc, s, &v);
	}

	switch (q.addr) {
	case QA_DEFAULT:
	case QA_HOST:
	case QA_NET:
		if (q.proto == QP_DECNET)
			return gen_host(cc, v, 0, q.proto, q.dir, q.addr);
		if (q.proto == QP_LINK)
			cc_fail(cc, "illegal link layer address");
		if (s == NULL && q.addr == QA_NET) {
			left_justify_net(&v, &mask);
		} else {
			v = promote(v, vlen);
			mask = promote(0xffffffff, vlen);
		}
		return gen_host(cc, v, mask, q.proto, q.dir, q.addr);
	case QA_PORT:
		return port_by_number(cc, v, q, false);
	case QA_PORTRANGE:
		return port_by_number(cc, v, q, true);
	case QA_GATEWAY:
		cc_fail(cc, "'gateway' requires a name");
	case QA_PROTO:
		return gen_proto(cc, v, q.proto, q.dir);
	case QA_PROTOCHAIN:
		return gen_protochain(cc, v, q.proto);
	case QA_UNDEF:
		syntax_error(cc);
	}
	cc_fail(cc, "internal error: bad address qualifier %d", q.addr);
}

struct pred *gen_mcode(struct cc *cc, const char *s1, const char *s2,
		       unsigned masklen, struct qual q)
{
	uint32_t net, mask;
	int len;

	len = parse_ipv4(cc, s1, &net);
	net = promote(net, len);
	if (s2 != NULL) {
		len = parse_ipv4(cc, s2, &mask);
		mask = promote(mask, len);
		if ((net & ~mask) != 0)
			cc_fail(cc, "non-network bits set in \"%s mask %s\"",
				s1, s2);
	} else {
		if (masklen > 32)
			cc_fail(cc, "mask length must be <= 32");
		mask = masklen == 0 ? 0 : 0xffffffffU << (32 - masklen);
		if ((net & ~mask) != 0)
			cc_fail(cc, "non-network bits set in \"%s/%u\"", s1,
				masklen);
	}
	if (q.addr != QA_NET)
		cc_fail(cc, "Mask syntax for networks only");
	return gen_host(cc, net, mask, q.proto, q.dir, q.addr);
}

struct pred *gen_mcode6(struct cc *cc, const char *s, unsigned masklen,
			struct qual q)
{
	uint8_t mask[16] = { 0 };
	struct ip_addr *addr;
	unsigned n = 0;

	addr = resolve(cc, s, &n);
	if (addr == NULL)
		cc_fail(cc, "invalid ip6 address %s", s);
	if (n > 1)
		cc_fail(cc, "%s resolved to multiple address", s);
	if (n == 0 || addr->family != AF_INET6)
		cc_fail(cc, "invalid ip6 address %s", s);
	if (masklen > 128)
		cc_fail(cc, "mask length must be <= 128");
	memset(mask, 0xff, masklen / 8);
	if (masklen % 8 != 0)
		mask[masklen / 8] = (uint8_t)(0xff << (8 - masklen % 8));
	for (int i = 0; i < 16; i++)
		if ((addr->v6[i] & ~mask[i]) != 0)
			cc_fail(cc, "non-network bits set in \"%s/%u\"", s,
				masklen);
	switch (q.addr) {
	case QA_DEFAULT:
	case QA_HOST:
		if (masklen != 128)
			cc_fail(cc, "Mask syntax for networks only");
		/* fall through */
	case QA_NET:
		return gen_host6(cc, addr->v6, mask, q.proto, q.dir, q.addr);
	}
	cc_fail(cc, "invalid qualifier against IPv6 address");
}
