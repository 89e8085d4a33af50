/*
 * gen-host.c: "host" and "net" tests on network-layer addresses -- IPv4
 * (in IP, ARP and RARP headers), IPv6, and DECnet -- with libpcap's
 * default expansion, load order and refusals of meaningless qualifiers.
 */
#include "config.h"

#include "filter-jit/gen-net.h"

/* Where the addresses sit in a network header, and what to compare. */
struct host_site {
	uint32_t ll_proto;	/* the network protocol's ethertype */
	unsigned src_off, dst_off;
	uint32_t addr, mask;	/* IPv4 */
	const uint8_t *addr6, *mask6;	/* IPv6 */
};

static struct pred *ipv4_side(struct cc *cc, const void *ctx, bool is_src)
{
	const struct host_site *s = ctx;
	struct pred *b0 = gen_linktype(cc, s->ll_proto);
	struct pred *b1 = gen_mcmp(cc, OR_LINKPL,
				   is_src ? s->src_off : s->dst_off, BPF_W,
				   s->addr, s->mask);

	return pred_and(cc, b0, b1);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * The four words are built last word first (that is the order libpcap
 * creates them in, which decides scratch-register numbers) but tested
 * first word first, after the link-layer type.
 */
static struct pred *ipv6_side(struct cc *cc, const void *ctx, bool is_src)
{
	const struct host_site *s = ctx;
	unsigned off = is_src ? s->src_off : s->dst_off;
	struct pred *b = NULL;

	for (int w = 3; w >= 0; w--) {
		struct pred *t = gen_mcmp(cc, OR_LINKPL, off + 4 * (unsigned)w,
					  BPF_W, be32(s->addr6 + 4 * w),
					  be32(s->mask6 + 4 * w));

		b = b != NULL ? pred_and(cc, t, b) : t;
	}
	return pred_and(cc, gen_linktype(cc, s->ll_proto), b);
}

static struct pred *hostop(struct cc *cc, struct host_site *s, int dir)
{
	return gen_by_direction(cc, dir,
				"addresses other than 802.11 MAC addresses",
				ipv4_side, s);
}

/* DECnet addresses are little-endian on the wire. */
static uint32_t swap16(uint32_t v)
{
	return (v >> 8 & 0xff) | (v & 0xff) << 8;
}

/*
 * DECnet data packets only: the long and the short header format, each
 * with and without one pad byte.  The tests run in the reverse of the
 * order they are built in (each new one is OR-ed in front).
 */
static struct pred *decnet_side(struct cc *cc, const void *ctx, bool is_src)
{
	uint32_t addr = swap16(*(const uint32_t *)ctx);
	unsigned long_off = is_src ? 15 : 7;	/* past flags, area, HIORD */
	unsigned short_off = is_src ? 3 : 1;	/* past flags (and dst) */
	static const struct {
		bool pad, long_hdr;
	} forms[] = {
		{ true, true }, { false, true }, { true, false },
		{ false, false },
	};
	struct pred *b0 = gen_linktype(cc, ET_DN), *b1 = NULL;

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		unsigned hdr = forms[i].long_hdr ? long_off : short_off;
		uint32_t flags = forms[i].long_hdr ? 0x06 : 0x02;
		struct pred *flag_test, *t;

		if (forms[i].pad)	/* pad byte 0x81, then the flags */
			flag_test = gen_mcmp(cc, OR_LINKPL, 2, BPF_H,
					     swap16(flags << 8 | 0x81),
					     swap16(0x07ff));
		else
			flag_test = gen_mcmp(cc, OR_LINKPL, 2, BPF_B, flags,
					     0x7);
		t = gen_cmp(cc, OR_LINKPL, 2 + (forms[i].pad ? 1 : 0) + hdr,
			    BPF_H, addr);
		t = pred_and(cc, flag_test, t);
		b1 = b1 != NULL ? pred_or(cc, t, b1) : t;
	}
	return pred_and(cc, b0, b1);
}

/* Qualifiers with no host test of their own: the name messages use. */
static const char *const host_unimplemented[] = {
	[QP_ATALK] = "AppleTalk", [QP_LAT] = "LAT", [QP_SCA] = "SCA",
	[QP_MOPRC] = "MOPRC", [QP_MOPDL] = "MOPDL", [QP_AARP] = "AARP",
	[QP_ISO] = "ISO", [QP_IPX] = "IPX",
};

static const char *unimplemented_name(int proto)
{
	if (proto < 0 || (size_t)proto >= sizeof host_unimplemented /
					  sizeof host_unimplemented[0])
		return NULL;
	return host_unimplemented[proto];
}

struct pred *gen_host(struct cc *cc, uint32_t addr, uint32_t mask,
		      int proto, int dir, int type)
{
	const char *typestr = type == QA_NET ? "net" : "host";
	struct host_site s = { .addr = addr, .mask = mask };
	struct pred *b0, *b1;

	switch (proto) {
	case QP_DEFAULT:
		b0 = gen_host(cc, addr, mask, QP_IP, dir, type);
		/* Inside MPLS only IPv4 can follow. */
		if (cc->label_stack_depth == 0) {
			b1 = gen_host(cc, addr, mask, QP_ARP, dir, type);
			b0 = pred_or(cc, b0, b1);
			b1 = gen_host(cc, addr, mask, QP_RARP, dir, type);
			b0 = pred_or(cc, b0, b1);
		}
		return b0;
	case QP_IP:
		s.ll_proto = ET_IP;
		s.src_off = 12;
		s.dst_off = 16;
		return hostop(cc, &s, dir);
	case QP_ARP:
	case QP_RARP:
		s.ll_proto = proto == QP_ARP ? ET_ARP : ET_REVARP;
		s.src_off = 14;
		s.dst_off = 24;
		return hostop(cc, &s, dir);
	case QP_DECNET:
		return gen_by_direction(cc, dir,
				"addresses other than 802.11 MAC addresses",
				decnet_side, &addr);
	case QP_LINK:
		cc_fail(cc, "link-layer modifier applied to %s", typestr);
	case QP_IPV6:
		cc_fail(cc, "'ip6' modifier applied to ip host");
	}
	if (unimplemented_name(proto) != NULL)
		cc_fail(cc, "%s host filtering not implemented",
			unimplemented_name(proto));
	if (qp_keyword(proto) != NULL)
		cc_fail(cc, "'%s' modifier applied to %s", qp_keyword(proto),
			typestr);
	cc_fail(cc, "internal error: bad protocol qualifier %d", proto);
}

struct pred *gen_host6(struct cc *cc, const uint8_t addr[16],
		       const uint8_t mask[16], int proto, int dir, int type)
{
	const char *typestr = type == QA_NET ? "net" : "host";
	struct host_site s = {
		.ll_proto = ET_IPV6, .src_off = 8, .dst_off = 24,
		.addr6 = addr, .mask6 = mask,
	};

	switch (proto) {
	case QP_DEFAULT:
	case QP_IPV6:
		return gen_by_direction(cc, dir,
				"addresses other than 802.11 MAC addresses",
				ipv6_side, &s);
	case QP_LINK:
		cc_fail(cc, "link-layer modifier applied to ip6 %s", typestr);
	case QP_ATALK:
		cc_fail(cc, "AppleTalk modifier applied to ip6 %s", typestr);
	}
	if (qp_keyword(proto) != NULL)
		cc_fail(cc, "'%s' modifier applied to ip6 %s",
			qp_keyword(proto), typestr);
	cc_fail(cc, "internal error: bad protocol qualifier %d", proto);
}
