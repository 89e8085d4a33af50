/*
 * gen-link.c: link-layer primitives -- MAC address tests per medium
 * (Ethernet, FDDI, Token Ring, 802.11, IP over Fibre Channel, ARCnet),
 * broadcast and multicast, packet direction and interface, the pflog
 * header fields, 802.11 frame type and direction, and 802.2 LLC frames.
 */
#include "config.h"

#include <string.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"

/* Linux's ancillary "packet" fields, read by loads at these offsets. */
#define LINUX_AUX_OFF		0xfffff000u
#define LINUX_AUX_PKTTYPE	4
#define LINUX_AUX_IFINDEX	8
#define LINUX_PACKET_OUTGOING	4	/* also the SLL packet type */

/* ------------------------------------------------------------------ */
/* Host addresses.                                                      */

/* Where a medium keeps the source and destination addresses. */
struct mac_layout {
	unsigned src, dst, len;
	/* Tail of the error for 802.11-only qualifiers. */
	const char *only_80211;
};

static const char only_80211_hdr[] = "supported on 802.11 with 802.11 headers";
static const char only_80211[] = "supported on 802.11";

/* libpcap's text for each 802.11-only direction on other media. */
static _Noreturn void refuse_80211_dir(struct cc *cc, int dir,
				       const char *tail)
{
	static const struct { int dir; const char *what; } names[] = {
		{ QD_ADDR1, "'addr1' and 'address1' are" },
		{ QD_ADDR2, "'addr2' and 'address2' are" },
		{ QD_ADDR3, "'addr3' and 'address3' are" },
		{ QD_ADDR4, "'addr4' and 'address4' are" },
		{ QD_RA, "'ra' is" },
		{ QD_TA, "'ta' is" },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].dir == dir)
			cc_fail(cc, "%s only %s", names[i].what, tail);
	cc_fail(cc, "invalid direction qualifier");
}

/* src, dst, and their combinations, on a medium with fixed offsets. */
static struct pred *gen_mac_hostop(struct cc *cc, const struct mac_layout *l,
				   const uint8_t *a, int dir)
{
	struct pred *s, *d;

	switch (dir) {
	case QD_SRC:
		return gen_bcmp(cc, OR_LINKHDR, l->src, l->len, a);
	case QD_DST:
		return gen_bcmp(cc, OR_LINKHDR, l->dst, l->len, a);
	case QD_AND:
	case QD_DEFAULT:
	case QD_OR:
		s = gen_bcmp(cc, OR_LINKHDR, l->src, l->len, a);
		d = gen_bcmp(cc, OR_LINKHDR, l->dst, l->len, a);
		return dir == QD_AND ? pred_and(cc, s, d) : pred_or(cc, s, d);
	default:
		refuse_80211_dir(cc, dir, l->only_80211);
	}
}

struct pred *gen_ehostop(struct cc *cc, const uint8_t *eaddr, int dir)
{
	static const struct mac_layout ether = { 6, 0, 6, only_80211_hdr };

	return gen_mac_hostop(cc, &ether, eaddr, dir);
}

struct pred *gen_fhostop(struct cc *cc, const uint8_t *eaddr, int dir)
{
	/* After the frame-control byte (and any padding). */
	struct mac_layout fddi = {
		7 + cc->fddipad, 1 + cc->fddipad, 6, only_80211
	};

	return gen_mac_hostop(cc, &fddi, eaddr, dir);
}

struct pred *gen_thostop(struct cc *cc, const uint8_t *eaddr, int dir)
{
	static const struct mac_layout token_ring = { 8, 2, 6, only_80211 };

	return gen_mac_hostop(cc, &token_ring, eaddr, dir);
}

struct pred *gen_ipfchostop(struct cc *cc, const uint8_t *eaddr, int dir)
{
	static const struct mac_layout ipfc = { 10, 2, 6, only_80211 };

	return gen_mac_hostop(cc, &ipfc, eaddr, dir);
}

/* ARCnet: one-byte addresses, source first. */
static struct pred *gen_ahostop(struct cc *cc, const uint8_t *aid, int dir)
{
	static const struct mac_layout arcnet = { 0, 1, 1, only_80211 };

	return gen_mac_hostop(cc, &arcnet, aid, dir);
}

/*
 * The byte libpcap makes of an ARCnet id token ("$" and one or two hex
 * digits): it runs the whole token, '$' included, through its MAC
 * address parser, which values non-hex characters as if they were
 * upper-case hex letters and keeps the low 8 bits.
 */
static uint8_t hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (uint8_t)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (uint8_t)(c - 'a' + 10);
	return (uint8_t)(c - 'A' + 10);
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static uint8_t arcnet_id_byte(const char *s)
{
	unsigned v;

	if (*s == ':' || *s == '.' || *s == '-')
		s++;
	if (*s == '\0')
		return 0;
	v = hex_value((unsigned char)*s++);
	if (is_hex((unsigned char)*s))
		v = v << 4 | hex_value((unsigned char)*s);
	return (uint8_t)v;
}

struct pred *gen_acode(struct cc *cc, const char *s, struct qual q)
{
	uint8_t aid[1];

	if (cc->cur_linktype != DLT_ARCNET &&
	    cc->cur_linktype != DLT_ARCNET_LINUX)
		cc_fail(cc, "aid supported only on ARCnet");
	if ((q.addr != QA_HOST && q.addr != QA_DEFAULT) ||
	    q.proto != QP_LINK)
		cc_fail(cc, "ARCnet address used in non-arc expression");
	aid[0] = arcnet_id_byte(s);
	return gen_ahostop(cc, aid, q.dir);
}

/* "link[off] & bits" as a test. */
static struct pred *gen_link_jset(struct cc *cc, unsigned off, uint32_t bits)
{
	struct code c = { 0 };

	load_a(cc, &c, OR_LINKHDR, off, BPF_B);
	return pred_test(cc, &c, BPF_JMP | BPF_JSET | BPF_K, bits);
}

/* Frame-control bits of 802.11 headers. */
#define FC0_DATA	0x08	/* type: data (with CTL clear) */
#define FC0_CTL		0x04	/* type: control (with DATA clear) */
#define FC0_TYPE_MASK	0x0c
#define FC0_SUBTYPE_MASK 0xf0
#define FC0_SUBTYPE_CTS	0xc0
#define FC0_SUBTYPE_ACK	0xd0
#define FC1_TODS	0x01
#define FC1_FROMDS	0x02
#define FC1_DIR_MASK	0x03

/* A test of the address at some offset: bytes, or the group bit. */
typedef struct pred *(*addr_test_fn)(struct cc *cc, unsigned off,
				     const uint8_t *a);

static struct pred *addr_equals(struct cc *cc, unsigned off, const uint8_t *a)
{
	return gen_bcmp(cc, OR_LINKHDR, off, 6, a);
}

static struct pred *addr_is_group(struct cc *cc, unsigned off,
				  const uint8_t *a)
{
	(void)a;
	return gen_link_jset(cc, off, 1);
}

/* (bit set in link[off] and test at t) or (bit clear and test at f). */
static struct pred *by_flag(struct cc *cc, unsigned off, uint32_t bit,
			    struct pred *when_set, struct pred *when_clear)
{
	struct pred *set = pred_and(cc, gen_link_jset(cc, off, bit), when_set);
	struct pred *clear = pred_and(cc,
				      pred_not(cc, gen_link_jset(cc, off, bit)),
				      when_clear);

	return pred_or(cc, clear, set);
}

/*
 * An address field 802.11 moves with the frame type and the DS bits:
 * data frames put it at data_off (or behind To DS / From DS), management
 * frames at mgmt_off, control frames have none.  from_ds: the address
 * moves with From DS too (SA) -- to data_fromds_tods / data_fromds.
 */
struct wlan_addr {
	unsigned plain;		/* management; data with no DS bit */
	unsigned tods;		/* data with To DS set (DA) */
	bool from_ds;		/* SA: also depends on From DS */
	unsigned fromds, fromds_tods;
};

static struct pred *gen_wlan_addr(struct cc *cc, const struct wlan_addr *w,
				  addr_test_fn test, const uint8_t *a)
{
	struct pred *data, *mgmt;

	if (w->from_ds) {
		struct pred *fromds = by_flag(cc, 1, FC1_TODS,
					      test(cc, w->fromds_tods, a),
					      test(cc, w->fromds, a));

		fromds = pred_and(cc, gen_link_jset(cc, 1, FC1_FROMDS), fromds);
		data = pred_or(cc, pred_and(cc,
					    pred_not(cc, gen_link_jset(cc, 1,
								FC1_FROMDS)),
					    test(cc, w->plain, a)),
			       fromds);
	} else {
		data = by_flag(cc, 1, FC1_TODS, test(cc, w->tods, a),
			       test(cc, w->plain, a));
	}
	data = pred_and(cc, gen_link_jset(cc, 0, FC0_DATA), data);
	mgmt = pred_and(cc, pred_not(cc, gen_link_jset(cc, 0, FC0_DATA)),
			test(cc, w->plain, a));
	return pred_and(cc, pred_not(cc, gen_link_jset(cc, 0, FC0_CTL)),
			pred_or(cc, mgmt, data));
}

static const struct wlan_addr wlan_sa = { 10, 0, true, 16, 24 };
static const struct wlan_addr wlan_da = { 4, 16, false, 0, 0 };

/* Not a CTS or ACK control frame (those carry no second address). */
static struct pred *gen_wlan_has_addr2(struct cc *cc)
{
	struct pred *not_ctl, *not_cts, *not_ack;

	not_ctl = pred_not(cc, gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_CTL,
					FC0_TYPE_MASK));
	not_cts = pred_not(cc, gen_mcmp(cc, OR_LINKHDR, 0, BPF_B,
					FC0_SUBTYPE_CTS, FC0_SUBTYPE_MASK));
	not_ack = pred_not(cc, gen_mcmp(cc, OR_LINKHDR, 0, BPF_B,
					FC0_SUBTYPE_ACK, FC0_SUBTYPE_MASK));
	return pred_or(cc, not_ctl, pred_and(cc, not_cts, not_ack));
}

struct pred *gen_wlanhostop(struct cc *cc, const uint8_t *eaddr, int dir)
{
	struct pred *b0, *b1;

	switch (dir) {
	case QD_SRC:
		return gen_wlan_addr(cc, &wlan_sa, addr_equals, eaddr);
	case QD_DST:
		return gen_wlan_addr(cc, &wlan_da, addr_equals, eaddr);
	case QD_AND:
	case QD_DEFAULT:
	case QD_OR:
		b0 = gen_wlan_addr(cc, &wlan_sa, addr_equals, eaddr);
		b1 = gen_wlan_addr(cc, &wlan_da, addr_equals, eaddr);
		return dir == QD_AND ? pred_and(cc, b0, b1)
				     : pred_or(cc, b0, b1);
	case QD_ADDR1:
		return gen_bcmp(cc, OR_LINKHDR, 4, 6, eaddr);
	case QD_ADDR2:
		return pred_and(cc, gen_wlan_has_addr2(cc),
				gen_bcmp(cc, OR_LINKHDR, 10, 6, eaddr));
	case QD_ADDR3:
		/* Control frames have no third address. */
		b0 = pred_not(cc, gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, FC0_CTL,
					   FC0_TYPE_MASK));
		return pred_and(cc, b0, gen_bcmp(cc, OR_LINKHDR, 16, 6, eaddr));
	case QD_ADDR4:
		/* Only frames with both DS bits have one. */
		b0 = gen_mcmp(cc, OR_LINKHDR, 1, BPF_B, FC1_DIR_MASK,
			      FC1_DIR_MASK);
		return pred_and(cc, b0, gen_bcmp(cc, OR_LINKHDR, 24, 6, eaddr));
	case QD_RA:
		/* addr1, in frames whose type's high bit is set. */
		return pred_and(cc, gen_link_jset(cc, 0, FC0_DATA),
				gen_bcmp(cc, OR_LINKHDR, 4, 6, eaddr));
	case QD_TA:
		/* Not management, then as addr2 (the frame type first). */
		b0 = gen_wlan_has_addr2(cc);
		b1 = gen_link_jset(cc, 0, FC0_DATA);
		b0 = pred_and(cc, b1, b0);
		return pred_and(cc, b0, gen_bcmp(cc, OR_LINKHDR, 10, 6, eaddr));
	default:
		cc_fail(cc, "invalid direction qualifier");
	}
}

/* ------------------------------------------------------------------ */
/* Broadcast and multicast.                                             */

static const uint8_t mac_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff };
static const uint8_t arcnet_broadcast[1] = { 0 };

static bool is_wlan(int dlt)
{
	return dlt == DLT_IEEE802_11 || dlt == DLT_PRISM_HEADER ||
	       dlt == DLT_IEEE802_11_RADIO_AVS ||
	       dlt == DLT_IEEE802_11_RADIO || dlt == DLT_PPI;
}

static bool is_ether(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_NETANALYZER ||
	       dlt == DLT_NETANALYZER_TRANSPARENT;
}

/* An encapsulation's checks first, then the inner link test. */
static struct pred *after_prevlinkhdr(struct cc *cc, struct pred *b)
{
	struct pred *pre = gen_prevlinkhdr_check(cc);

	return pre != NULL ? pred_and(cc, pre, b) : b;
}

static struct pred *gen_link_broadcast(struct cc *cc)
{
	int dlt = cc->cur_linktype;

	if (dlt == DLT_ARCNET || dlt == DLT_ARCNET_LINUX)
		return gen_ahostop(cc, arcnet_broadcast, QD_DST);
	if (is_ether(dlt))
		return after_prevlinkhdr(cc, gen_ehostop(cc, mac_broadcast,
							 QD_DST));
	if (dlt == DLT_FDDI)
		return gen_fhostop(cc, mac_broadcast, QD_DST);
	if (dlt == DLT_IEEE802)
		return gen_thostop(cc, mac_broadcast, QD_DST);
	if (is_wlan(dlt))
		return gen_wlanhostop(cc, mac_broadcast, QD_DST);
	if (dlt == DLT_IP_OVER_FC)
		return gen_ipfchostop(cc, mac_broadcast, QD_DST);
	cc_fail(cc, "not a broadcast link");
}

#define ET_IP	0x0800
#define ET_IPV6	0x86dd

struct pred *gen_broadcast(struct cc *cc, int proto)
{
	uint32_t hostmask;
	struct pred *b0, *b1;

	switch (proto) {
	case QP_DEFAULT:
	case QP_LINK:
		return gen_link_broadcast(cc);
	case QP_IP:
		if (cc->netmask == PCAP_NETMASK_UNKNOWN)
			cc_fail(cc, "netmask not known, so 'ip broadcast' not "
				    "supported");
		b0 = gen_linktype(cc, ET_IP);
		/* Host part all zeros or all ones. */
		hostmask = ~cc->netmask;
		b1 = pred_or(cc, gen_mcmp(cc, OR_LINKPL, 16, BPF_W, 0, hostmask),
			     gen_mcmp(cc, OR_LINKPL, 16, BPF_W, hostmask,
				      hostmask));
		return pred_and(cc, b0, b1);
	default:
		cc_fail(cc, "only link-layer/IP broadcast filters supported");
	}
}

static struct pred *gen_mac_multicast(struct cc *cc, unsigned off)
{
	return gen_link_jset(cc, off, 1);
}

/* NULL: the link type has no multicast. */
static struct pred *gen_link_multicast(struct cc *cc)
{
	int dlt = cc->cur_linktype;

	if (dlt == DLT_ARCNET || dlt == DLT_ARCNET_LINUX)
		/* ARCnet multicasts use the broadcast address. */
		return gen_ahostop(cc, arcnet_broadcast, QD_DST);
	if (is_ether(dlt))
		return after_prevlinkhdr(cc, gen_mac_multicast(cc, 0));
	if (dlt == DLT_FDDI)
		return gen_mac_multicast(cc, 1);
	if (dlt == DLT_IEEE802)
		return gen_mac_multicast(cc, 2);
	if (is_wlan(dlt))
		return gen_wlan_addr(cc, &wlan_da, addr_is_group, NULL);
	if (dlt == DLT_IP_OVER_FC)
		return gen_mac_multicast(cc, 2);
	return NULL;
}

struct pred *gen_multicast(struct cc *cc, int proto)
{
	struct pred *b = NULL;

	switch (proto) {
	case QP_DEFAULT:
	case QP_LINK:
		b = gen_link_multicast(cc);
		break;
	case QP_IP:
		b = gen_linktype(cc, ET_IP);
		return pred_and(cc, b, gen_cmp_ge(cc, OR_LINKPL, 16, BPF_B, 224));
	case QP_IPV6:
		b = gen_linktype(cc, ET_IPV6);
		return pred_and(cc, b, gen_cmp(cc, OR_LINKPL, 24, BPF_B, 255));
	default:
		break;
	}
	if (b == NULL)
		cc_fail(cc, "link-layer multicast filters supported only on "
			    "ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/"
			    "Fibre Channel");
	return b;
}

/* ------------------------------------------------------------------ */
/* Direction and interface.                                             */

/* Packet metadata only a live Linux socket filter can read. */
static struct pred *gen_linux_aux_cmp(struct cc *cc, unsigned field,
				      unsigned size, uint32_t v,
				      const char *what)
{
	if (cc->savefile)
		cc_fail(cc, "%s not supported on %s when reading savefiles",
			what,
			pcap_datalink_val_to_description_or_dlt(cc->cur_linktype));
	return gen_cmp(cc, OR_LINKHDR, LINUX_AUX_OFF + field, size, v);
}

struct pred *gen_ifindex(struct cc *cc, int ifindex)
{
	if (cc->cur_linktype == DLT_LINUX_SLL2)
		return gen_cmp(cc, OR_LINKHDR, 4, BPF_W, (uint32_t)ifindex);
	return gen_linux_aux_cmp(cc, LINUX_AUX_IFINDEX, BPF_W,
				 (uint32_t)ifindex, "ifindex");
}

/* SLIP: libpcap's "link[0] == 0" arithmetic, so the same registers. */
static struct pred *gen_slip_inbound(struct cc *cc, bool outbound)
{
	struct arth *zero = gen_loadi(cc, 0);
	struct arth *dir = gen_load(cc, QP_LINK, gen_loadi(cc, 0), 1);

	return gen_relation(cc, BPF_JEQ, dir, zero, outbound);
}

/* dir: 0 inbound, 1 outbound. */
struct pred *gen_inbound(struct cc *cc, int dir)
{
	bool out = dir != 0;
	struct pred *b;

	switch (cc->cur_linktype) {
	case DLT_SLIP:
		return gen_slip_inbound(cc, out);
	case DLT_IPNET:
		return gen_cmp(cc, OR_LINKHDR, 2, BPF_H, out ? 1 : 2);
	case DLT_LINUX_SLL:
		b = gen_cmp(cc, OR_LINKHDR, 0, BPF_H, LINUX_PACKET_OUTGOING);
		return out ? b : pred_not(cc, b);
	case DLT_LINUX_SLL2:
		b = gen_cmp(cc, OR_LINKHDR, 10, BPF_B, LINUX_PACKET_OUTGOING);
		return out ? b : pred_not(cc, b);
	case DLT_PFLOG:
		/* The dir byte: PF_IN 1, PF_OUT 2. */
		return gen_cmp(cc, OR_LINKHDR, 60, BPF_B, out ? 2 : 1);
	case DLT_PPP_PPPD:
		return gen_cmp(cc, OR_LINKHDR, 0, BPF_B, out ? 1 : 0);
	default:
		break;
	}
	if (dlt_is_juniper(cc->cur_linktype))
		/* Flags byte after the magic; bit 0 set means inbound. */
		return gen_mcmp(cc, OR_LINKHDR, 3, BPF_B, out ? 0 : 1, 0x01);
	b = gen_linux_aux_cmp(cc, LINUX_AUX_PKTTYPE, BPF_H,
			      LINUX_PACKET_OUTGOING, "inbound/outbound");
	return out ? b : pred_not(cc, b);
}

/* ------------------------------------------------------------------ */
/* pflog header fields.                                                 */

enum {
	PFLOG_ACTION = 2, PFLOG_REASON = 3, PFLOG_IFNAME = 4,
	PFLOG_RULESET = 20, PFLOG_RULENR = 36, PFLOG_SUBRULENR = 40,
	PFLOG_NAME_SIZE = 16,
};

static void require_pflog(struct cc *cc, const char *what)
{
	if (cc->cur_linktype != DLT_PFLOG)
		cc_fail(cc, "%s supported only on PF linktype", what);
}

struct pred *gen_pf_ifname(struct cc *cc, const char *ifname)
{
	size_t len = strlen(ifname);

	require_pflog(cc, "ifname");
	if (len >= PFLOG_NAME_SIZE)
		cc_fail(cc, "ifname interface names can only be %d characters",
			PFLOG_NAME_SIZE - 1);
	return gen_bcmp(cc, OR_LINKHDR, PFLOG_IFNAME, (unsigned)len,
			(const uint8_t *)ifname);
}

struct pred *gen_pf_ruleset(struct cc *cc, const char *ruleset)
{
	size_t len = strlen(ruleset);

	require_pflog(cc, "ruleset");
	if (len >= PFLOG_NAME_SIZE)
		cc_fail(cc, "ruleset names can only be %ld characters",
			(long)PFLOG_NAME_SIZE - 1);
	return gen_bcmp(cc, OR_LINKHDR, PFLOG_RULESET, (unsigned)len,
			(const uint8_t *)ruleset);
}

struct pred *gen_pf_rnr(struct cc *cc, int rnr)
{
	require_pflog(cc, "rnr");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_RULENR, BPF_W, (uint32_t)rnr);
}

struct pred *gen_pf_srnr(struct cc *cc, int srnr)
{
	require_pflog(cc, "srnr");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_SUBRULENR, BPF_W,
		       (uint32_t)srnr);
}

struct pred *gen_pf_reason(struct cc *cc, int reason)
{
	require_pflog(cc, "reason");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_REASON, BPF_B, (uint32_t)reason);
}

struct pred *gen_pf_action(struct cc *cc, int action)
{
	require_pflog(cc, "action");
	return gen_cmp(cc, OR_LINKHDR, PFLOG_ACTION, BPF_B, (uint32_t)action);
}

struct name_value {
	const char *name;
	int value;
};

/* The names libpcap knows when built for Linux (no BSD extras). */
static const struct name_value pf_reasons[] = {
	{ "match", 0 }, { "bad-offset", 1 }, { "fragment", 2 },
	{ "short", 3 }, { "normalize", 4 }, { "memory", 5 },
	{ "bad-timestamp", 6 }, { "congestion", 7 }, { "ip-option", 8 },
	{ "proto-cksum", 9 }, { "state-mismatch", 10 },
	{ "state-insert", 11 }, { "state-limit", 12 }, { "src-limit", 13 },
	{ "synproxy", 14 },
};

static const struct name_value pf_actions[] = {
	{ "pass", 0 }, { "accept", 0 }, { "drop", 1 }, { "block", 1 },
	{ "scrub", 2 }, { "noscrub", 3 }, { "nat", 4 }, { "nonat", 5 },
	{ "binat", 6 }, { "nobinat", 7 }, { "rdr", 8 }, { "nordr", 9 },
	{ "synproxy-drop", 10 },
};

/* Case-insensitive in ASCII only, whatever the locale (as libpcap). */
static bool ascii_caseless_equal(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (x == '\0')
			return true;
	}
}

static int lookup_name(const struct name_value *t, size_t n,
		       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_caseless_equal(t[i].name, name))
			return t[i].value;
	return -1;
}

int pfreason_to_num(struct cc *cc, const char *reason)
{
	int v = lookup_name(pf_reasons, sizeof pf_reasons / sizeof *pf_reasons,
			    reason);

	if (v < 0)
		cc_fail(cc, "unknown PF reason \"%s\"", reason);
	return v;
}

int pfaction_to_num(struct cc *cc, const char *action)
{
	int v = lookup_name(pf_actions, sizeof pf_actions / sizeof *pf_actions,
			    action);

	if (v < 0)
		cc_fail(cc, "unknown PF action \"%s\"", action);
	return v;
}

/* ------------------------------------------------------------------ */
/* 802.11 frame type, subtype and direction.                            */

/* With an 802.11 header at a known place (PPI is not one of them). */
static bool has_80211_header(int dlt)
{
	return dlt == DLT_IEEE802_11 || dlt == DLT_PRISM_HEADER ||
	       dlt == DLT_IEEE802_11_RADIO_AVS || dlt == DLT_IEEE802_11_RADIO;
}

struct pred *gen_p80211_type(struct cc *cc, uint32_t type, uint32_t mask)
{
	if (!has_80211_header(cc->cur_linktype))
		cc_fail(cc, "802.11 link-layer types supported only on 802.11");
	return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, type, mask);
}

struct pred *gen_p80211_fcdir(struct cc *cc, uint32_t fcdir)
{
	if (!has_80211_header(cc->cur_linktype))
		cc_fail(cc, "frame direction supported only with 802.11 "
			    "headers");
	return gen_mcmp(cc, OR_LINKHDR, 1, BPF_B, fcdir, FC1_DIR_MASK);
}

/* ------------------------------------------------------------------ */
/* 802.2 LLC frames.                                                    */

#define LLC_S_FMT	1
#define LLC_U_FMT	3
#define LLC_FMT_MASK	0x03
#define LLC_S_CMD_MASK	0x0f
#define LLC_U_CMD_MASK	0xef

struct pred *gen_llc(struct cc *cc)
{
	struct pred *b0, *b1;

	switch (cc->cur_linktype) {
	case DLT_EN10MB:
		/* An 802.3 length, and not Novell's raw 802.3 (FF FF). */
		b0 = pred_not(cc, gen_cmp_gt(cc, OR_LINKTYPE, 0, BPF_H, 1500));
		b1 = pred_not(cc, gen_cmp(cc, OR_LLC, 0, BPF_H, 0xffff));
		return pred_and(cc, b0, b1);
	case DLT_SUNATM:
		return gen_atmtype_llc(cc);
	case DLT_IEEE802:
	case DLT_FDDI:
	case DLT_ATM_RFC1483:
		/* Always 802.2 (or, for ATM, unknowable). */
		return pred_true(cc);
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_PPI:
		return gen_wlan_data_frame(cc);
	default:
		cc_fail(cc, "'llc' not supported for %s",
			pcap_datalink_val_to_description_or_dlt(cc->cur_linktype));
	}
}

/* LLC, then the control byte under mask equals v. */
static struct pred *gen_llc_control(struct cc *cc, uint32_t v, uint32_t mask)
{
	struct pred *llc = gen_llc(cc);

	return pred_and(cc, llc, gen_mcmp(cc, OR_LLC, 2, BPF_B, v, mask));
}

struct pred *gen_llc_i(struct cc *cc)
{
	struct pred *llc = gen_llc(cc);
	struct code c = { 0 };
	struct pred *i_frame;

	/* I frames have the control byte's low bit clear. */
	load_a(cc, &c, OR_LLC, 2, BPF_B);
	i_frame = pred_not(cc, pred_test(cc, &c, BPF_JMP | BPF_JSET | BPF_K,
					 0x01));
	return pred_and(cc, llc, i_frame);
}

struct pred *gen_llc_s(struct cc *cc)
{
	return gen_llc_control(cc, LLC_S_FMT, LLC_FMT_MASK);
}

struct pred *gen_llc_u(struct cc *cc)
{
	return gen_llc_control(cc, LLC_U_FMT, LLC_FMT_MASK);
}

struct pred *gen_llc_s_subtype(struct cc *cc, uint32_t subtype)
{
	return gen_llc_control(cc, subtype, LLC_S_CMD_MASK);
}

struct pred *gen_llc_u_subtype(struct cc *cc, uint32_t subtype)
{
	return gen_llc_control(cc, subtype, LLC_U_CMD_MASK);
}
