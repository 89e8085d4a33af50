/*
 * gen-proto.c: protocol tests -- the bare protocol keywords (tcp, ip6,
 * isis, l1, ...), "[qual] proto N" for every protocol family, and
 * "protochain N", the walk along the IPv6/IPv4 extension-header chain.
 */
#include "config.h"

#include <string.h>
#include <pcap/pcap.h>
#include <pcap/namedb.h>

#include "filter-jit/gen-net.h"

int lookup_proto(struct cc *cc, const char *name, int proto)
{
	static const struct {
		const char *name;
		int nlpid;
	} osi[] = {
		{ "esis", NLPID_ESIS }, { "isis", NLPID_ISIS },
		{ "clnp", NLPID_CLNP },
	};
	int v;

	switch (proto) {
	case QP_DEFAULT:
	case QP_IP:
	case QP_IPV6:
		v = pcap_nametoproto(name);
		if (v == PROTO_UNDEF)
			cc_fail(cc, "unknown ip proto '%s'", name);
		return v;
	case QP_LINK:
		v = pcap_nametoeproto(name);
		if (v == PROTO_UNDEF)
			v = pcap_nametollc(name);
		if (v == PROTO_UNDEF)
			cc_fail(cc, "unknown ether proto '%s'", name);
		return v;
	case QP_ISO:
		for (size_t i = 0; i < sizeof osi / sizeof osi[0]; i++)
			if (strcmp(name, osi[i].name) == 0)
				return osi[i].nlpid;
		cc_fail(cc, "unknown osi proto '%s'", name);
	default:
		return PROTO_UNDEF;
	}
}

/* ------------------------------------------------------------------ */
/* "proto N"                                                           */

/* Qualifiers whose "proto" is refused with a sentence of their own. */
static const char *const proto_refusals[] = {
	[QP_ARP] = "arp does not encapsulate another protocol",
	[QP_RARP] = "rarp does not encapsulate another protocol",
	[QP_ATALK] = "AppleTalk encapsulation is not specifiable",
	[QP_DECNET] = "DECNET encapsulation is not specifiable",
	[QP_LAT] = "LAT does not encapsulate another protocol",
	[QP_SCA] = "SCA does not encapsulate another protocol",
	[QP_MOPRC] = "MOPRC does not encapsulate another protocol",
	[QP_MOPDL] = "MOPDL does not encapsulate another protocol",
	[QP_CLNP] = "'clnp proto' is not supported",
};

static struct pred *proto_ipv4(struct cc *cc, uint32_t v)
{
	/* Always the ethertype: FDDI, 802.x and ATM carry IP over SNAP. */
	struct pred *b0 = gen_linktype(cc, ET_IP);

	return pred_and(cc, b0, gen_cmp(cc, OR_LINKPL, 9, BPF_B, v));
}

/* The next header, or the one behind a fragment header. */
static struct pred *proto_ipv6(struct cc *cc, uint32_t v)
{
	struct pred *b0 = gen_linktype(cc, ET_IPV6), *frag, *b1;

	frag = gen_cmp(cc, OR_LINKPL, 6, BPF_B, IPP_FRAGMENT);
	b1 = pred_and(cc, frag, gen_cmp(cc, OR_LINKPL, 40, BPF_B, v));
	b1 = pred_or(cc, gen_cmp(cc, OR_LINKPL, 6, BPF_B, v), b1);
	return pred_and(cc, b0, b1);
}

static struct pred *proto_iso(struct cc *cc, uint32_t v)
{
	struct pred *b0;

	switch (cc->cur_linktype) {
	case DLT_FRELAY:
		/* The NLPID right after a UI control byte (0x03). */
		return gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | v);
	case DLT_C_HDLC:
	case DLT_HDLC:
		/* Cisco's OSI type 0xfefe, then a padding byte. */
		b0 = gen_linktype(cc, SAP_ISONS << 8 | SAP_ISONS);
		return pred_and(cc, b0,
				gen_cmp(cc, OR_LINKPL_NOSNAP, 1, BPF_B, v));
	default:
		b0 = gen_linktype(cc, SAP_ISONS);
		return pred_and(cc, b0,
				gen_cmp(cc, OR_LINKPL_NOSNAP, 0, BPF_B, v));
	}
}

struct pred *gen_proto(struct cc *cc, uint32_t v, int proto, int dir)
{
	struct pred *b0, *b1;

	if (dir != QD_DEFAULT)
		cc_fail(cc, "direction applied to 'proto'");
	switch (proto) {
	case QP_DEFAULT:
		b0 = gen_proto(cc, v, QP_IP, dir);
		b1 = gen_proto(cc, v, QP_IPV6, dir);
		return pred_or(cc, b0, b1);
	case QP_LINK:
		return gen_linktype(cc, v);
	case QP_IP:
		return proto_ipv4(cc, v);
	case QP_IPV6:
		return proto_ipv6(cc, v);
	case QP_ISO:
		return proto_iso(cc, v);
	case QP_ISIS:
		/* The PDU type, 4 bytes into the IS-IS header. */
		b0 = gen_proto(cc, NLPID_ISIS, QP_ISO, QD_DEFAULT);
		return pred_and(cc, b0,
				gen_cmp(cc, OR_LINKPL_NOSNAP, 4, BPF_B, v));
	}
	if (proto > 0 && (size_t)proto < sizeof proto_refusals /
					 sizeof proto_refusals[0] &&
	    proto_refusals[proto] != NULL)
		cc_fail(cc, "%s", proto_refusals[proto]);
	if (qp_keyword(proto) != NULL)
		cc_fail(cc, "'%s proto' is bogus", qp_keyword(proto));
	cc_fail(cc, "internal error: bad protocol qualifier %d", proto);
}

/* ------------------------------------------------------------------ */
/* "protochain N"                                                      */

/*
 * The chain walk is code with jumps inside it.  Forward jumps are
 * recorded with their target label and patched once every label has
 * its place; the loop back to the top is a "ja" with a negative offset.
 */
enum chain_label { L_NEXT = -1, L_END, L_V6ADVANCE, L_AHCHECK, L_NLABELS };

struct chain_fix {
	unsigned insn;
	bool jt;			/* else jf */
	enum chain_label to;
};

struct chain_asm {
	struct code c;
	int at[L_NLABELS];		/* label positions, -1 unknown */
	struct chain_fix fix[16];
	unsigned n_fix;
};

static void chain_op(struct cc *cc, struct chain_asm *a, uint16_t code,
		     uint32_t k)
{
	code_add(cc, &a->c, code, k);
}

/* "if (A == k) goto jt_to else goto jf_to". */
static void chain_jeq(struct cc *cc, struct chain_asm *a, uint32_t k,
		      enum chain_label jt_to, enum chain_label jf_to)
{
	unsigned at = a->c.n;

	if (a->n_fix + 2 > sizeof a->fix / sizeof a->fix[0])
		cc_fail(cc, "internal error: protochain jumps");
	code_add_jump(cc, &a->c, BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0);
	if (jt_to != L_NEXT)
		a->fix[a->n_fix++] = (struct chain_fix){ at, true, jt_to };
	if (jf_to != L_NEXT)
		a->fix[a->n_fix++] = (struct chain_fix){ at, false, jf_to };
}

static void chain_label(struct chain_asm *a, enum chain_label l)
{
	a->at[l] = (int)a->c.n;
}

static void chain_patch(struct cc *cc, struct chain_asm *a)
{
	for (unsigned i = 0; i < a->n_fix; i++) {
		struct insn *j = &a->c.v[a->fix[i].insn];
		int off = a->at[a->fix[i].to] - (int)a->fix[i].insn - 1;

		if (a->at[a->fix[i].to] < 0 || off < 0 || off > 255)
			cc_fail(cc, "internal error: protochain jump");
		if (a->fix[i].jt)
			j->jt = (uint8_t)off;
		else
			j->jf = (uint8_t)off;
	}
}

/* "goto again" backwards: cBPF's ja takes a 32-bit offset. */
static void chain_ja_back(struct cc *cc, struct chain_asm *a, unsigned again)
{
	int32_t off = (int32_t)again - (int32_t)a->c.n - 1;

	chain_op(cc, a, BPF_JMP | BPF_JA, (uint32_t)off);
}

/*
 * A = next header, X = its offset from the network header; loop:
 * done if A is v or "no next header"; step over IPv6 hop-by-hop,
 * destination, routing and fragment headers (8-byte units) and AH;
 * anything else ends the walk.  The caller's test then
 * compares A with v.
 */
static struct code chain_walk(struct cc *cc, uint32_t v, int proto, int reg)
{
	unsigned nl = cc->off_linkpl.constant_part + cc->off_nl;
	struct chain_asm a = { .at = { -1, -1, -1 } };
	unsigned again;

	if (proto == QP_IP) {
		chain_op(cc, &a, BPF_LD | BPF_ABS | BPF_B, nl + 9);
		chain_op(cc, &a, BPF_LDX | BPF_MSH | BPF_B, nl);
	} else {
		chain_op(cc, &a, BPF_LD | BPF_ABS | BPF_B, nl + 6);
		chain_op(cc, &a, BPF_LDX | BPF_IMM, 40);
	}
	again = a.c.n;
	chain_jeq(cc, &a, v, L_END, L_NEXT);
	chain_jeq(cc, &a, IPP_NONE, L_END, L_NEXT);
	if (proto == QP_IPV6) {
		chain_jeq(cc, &a, IPP_HOPOPTS, L_V6ADVANCE, L_NEXT);
		chain_jeq(cc, &a, IPP_DSTOPTS, L_V6ADVANCE, L_NEXT);
		chain_jeq(cc, &a, IPP_ROUTING, L_V6ADVANCE, L_NEXT);
		chain_jeq(cc, &a, IPP_FRAGMENT, L_V6ADVANCE, L_AHCHECK);
		chain_label(&a, L_V6ADVANCE);
		/* A = next header; X += (length + 1) * 8 */
		chain_op(cc, &a, BPF_LD | BPF_IND | BPF_B, nl);
		chain_op(cc, &a, BPF_ST, (uint32_t)reg);
		chain_op(cc, &a, BPF_LD | BPF_IND | BPF_B, nl + 1);
		chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_K, 1);
		chain_op(cc, &a, BPF_ALU | BPF_MUL | BPF_K, 8);
		chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_X, 0);
		chain_op(cc, &a, BPF_MISC | BPF_TAX, 0);
		chain_op(cc, &a, BPF_LD | BPF_MEM, (uint32_t)reg);
		chain_ja_back(cc, &a, again);
	} else {
		chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_K, 0);	/* nop */
	}
	chain_label(&a, L_AHCHECK);
	chain_jeq(cc, &a, IPP_AH, L_NEXT, L_END);
	/*
	 * A = next header; X = (length + 2) * 4.  libpcap sets X here
	 * instead of adding to it, so the walk can revisit a header (and
	 * loop forever on some packets); its verdicts are the spec.
	 */
	chain_op(cc, &a, BPF_MISC | BPF_TXA, 0);
	chain_op(cc, &a, BPF_LD | BPF_IND | BPF_B, nl);
	chain_op(cc, &a, BPF_ST, (uint32_t)reg);
	chain_op(cc, &a, BPF_MISC | BPF_TXA, 0);
	chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_K, 1);
	chain_op(cc, &a, BPF_MISC | BPF_TAX, 0);
	chain_op(cc, &a, BPF_LD | BPF_IND | BPF_B, nl);
	chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_K, 2);
	chain_op(cc, &a, BPF_ALU | BPF_MUL | BPF_K, 4);
	chain_op(cc, &a, BPF_MISC | BPF_TAX, 0);
	chain_op(cc, &a, BPF_LD | BPF_MEM, (uint32_t)reg);
	chain_ja_back(cc, &a, again);
	chain_label(&a, L_END);
	chain_op(cc, &a, BPF_ALU | BPF_ADD | BPF_K, 0);	/* nop */
	chain_patch(cc, &a);
	return a.c;
}

struct pred *gen_protochain(struct cc *cc, uint32_t v, int proto)
{
	/* Taken before anything else, and kept by the default case. */
	int reg = cc_alloc_reg(cc);
	struct pred *b0, *b;
	struct code walk;

	switch (proto) {
	case QP_IP:
	case QP_IPV6:
		break;
	case QP_DEFAULT:
		b0 = gen_protochain(cc, v, QP_IP);
		b = gen_protochain(cc, v, QP_IPV6);
		return pred_or(cc, b0, b);
	default:
		cc_fail(cc, "bad protocol applied for 'protochain'");
	}
	if (cc->off_linkpl.is_variable)
		cc_fail(cc, "'protochain' not supported with variable length "
			"headers");
	/* The walk loops backwards: the optimizer must leave it alone. */
	cc->no_optimize = true;
	b0 = gen_linktype(cc, proto == QP_IP ? ET_IP : ET_IPV6);
	walk = chain_walk(cc, v, proto, reg);
	b = pred_test(cc, &walk, BPF_JMP | BPF_JEQ | BPF_K, v);
	cc_free_reg(cc, reg);
	return pred_and(cc, b0, b);
}

/* ------------------------------------------------------------------ */
/* Bare protocol keywords                                              */

/* Keywords that are "proto N" of an enclosing protocol. */
static const struct {
	uint8_t in;		/* enum q_proto */
	uint8_t n;		/* how many numbers, tested last first */
	uint8_t v[5];
} proto_sets[] = {
	[QP_SCTP] = { QP_DEFAULT, 1, { IPP_SCTP } },
	[QP_TCP] = { QP_DEFAULT, 1, { IPP_TCP } },
	[QP_UDP] = { QP_DEFAULT, 1, { IPP_UDP } },
	[QP_ICMP] = { QP_IP, 1, { IPP_ICMP } },
	[QP_IGMP] = { QP_IP, 1, { IPP_IGMP } },
	[QP_IGRP] = { QP_IP, 1, { IPP_IGRP } },
	[QP_PIM] = { QP_DEFAULT, 1, { IPP_PIM } },
	[QP_VRRP] = { QP_IP, 1, { IPP_VRRP } },
	[QP_CARP] = { QP_IP, 1, { IPP_CARP } },
	[QP_ICMPV6] = { QP_IPV6, 1, { IPP_ICMPV6 } },
	[QP_AH] = { QP_DEFAULT, 1, { IPP_AH } },
	[QP_ESP] = { QP_DEFAULT, 1, { IPP_ESP } },
	[QP_ESIS] = { QP_ISO, 1, { NLPID_ESIS } },
	[QP_ISIS] = { QP_ISO, 1, { NLPID_ISIS } },
	[QP_CLNP] = { QP_ISO, 1, { NLPID_CLNP } },
	/* The IS-IS PDU-type groups; the first two are tested last. */
	[QP_ISIS_L1] = { QP_ISIS, 5, { ISIS_L1_LAN_IIH, ISIS_PTP_IIH,
				       ISIS_L1_LSP, ISIS_L1_CSNP,
				       ISIS_L1_PSNP } },
	[QP_ISIS_L2] = { QP_ISIS, 5, { ISIS_L2_LAN_IIH, ISIS_PTP_IIH,
				       ISIS_L2_LSP, ISIS_L2_CSNP,
				       ISIS_L2_PSNP } },
	[QP_ISIS_IIH] = { QP_ISIS, 3, { ISIS_L1_LAN_IIH, ISIS_L2_LAN_IIH,
					ISIS_PTP_IIH } },
	[QP_ISIS_LSP] = { QP_ISIS, 2, { ISIS_L1_LSP, ISIS_L2_LSP } },
	[QP_ISIS_SNP] = { QP_ISIS, 4, { ISIS_L1_CSNP, ISIS_L2_CSNP,
					ISIS_L1_PSNP, ISIS_L2_PSNP } },
	[QP_ISIS_CSNP] = { QP_ISIS, 2, { ISIS_L1_CSNP, ISIS_L2_CSNP } },
	[QP_ISIS_PSNP] = { QP_ISIS, 2, { ISIS_L1_PSNP, ISIS_L2_PSNP } },
};

/* Keywords that are a link-layer type. */
static const uint16_t proto_linktypes[] = {
	[QP_IP] = ET_IP, [QP_ARP] = ET_ARP, [QP_RARP] = ET_REVARP,
	[QP_ATALK] = ET_ATALK, [QP_AARP] = ET_AARP, [QP_DECNET] = ET_DN,
	[QP_SCA] = ET_SCA, [QP_LAT] = ET_LAT, [QP_MOPDL] = ET_MOPDL,
	[QP_MOPRC] = ET_MOPRC, [QP_IPV6] = ET_IPV6, [QP_ISO] = SAP_ISONS,
	[QP_STP] = SAP_8021D, [QP_IPX] = SAP_IPX, [QP_NETBEUI] = SAP_NETBEUI,
};

#define IN_TABLE(t, i) ((i) >= 0 && (size_t)(i) < sizeof(t) / sizeof((t)[0]))

/*
 * The first two numbers of a set are OR-ed in order, each further one
 * in front of what is there (so l1 tests PSNP, CSNP, LSP, LAN IIH, PTP
 * IIH, in that order), as libpcap builds them.
 */
static struct pred *proto_set(struct cc *cc, int proto)
{
	struct pred *b1 = gen_proto(cc, proto_sets[proto].v[0],
				    proto_sets[proto].in, QD_DEFAULT);

	for (unsigned i = 1; i < proto_sets[proto].n; i++) {
		struct pred *b0 = gen_proto(cc, proto_sets[proto].v[i],
					    proto_sets[proto].in, QD_DEFAULT);

		b1 = i == 1 ? pred_or(cc, b1, b0) : pred_or(cc, b0, b1);
	}
	return b1;
}

struct pred *gen_proto_abbrev(struct cc *cc, int proto)
{
	if (IN_TABLE(proto_sets, proto) && proto_sets[proto].n > 0)
		return proto_set(cc, proto);
	if (IN_TABLE(proto_linktypes, proto) && proto_linktypes[proto] != 0)
		return gen_linktype(cc, proto_linktypes[proto]);
	switch (proto) {
	case QP_LINK:
		cc_fail(cc, "link layer applied in wrong context");
	case QP_RADIO:
		cc_fail(cc, "'radio' is not a valid protocol type");
	}
	cc_fail(cc, "internal error: bad protocol keyword %d", proto);
}
