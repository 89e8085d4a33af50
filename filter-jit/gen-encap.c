/*
 * gen-encap.c: the encapsulation primitives -- vlan, mpls, pppoed, pppoes
 * and geneve.  Each tests for its header and then moves the compiler's
 * header offsets inside it, so that every primitive parsed afterwards
 * looks at the encapsulated packet (libpcap 1.10.3's documented model).
 */
#include "config.h"

#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/filter.h"
#include "filter-jit/gen-net.h"

/* EtherTypes and PPP protocol numbers these primitives look for. */
enum {
	ETYPE_TEB = 0x6558,		/* transparent Ethernet bridging */
	ETYPE_8021Q = 0x8100,
	ETYPE_MPLS = 0x8847,
	ETYPE_PPPOED = 0x8863,
	ETYPE_PPPOES = 0x8864,
	ETYPE_8021AD = 0x88a8,
	ETYPE_8021QINQ = 0x9100,
	PPPPROTO_MPLS_UCAST = 0x0281,
};

#define GENEVE_UDP_PORT 6081
#define VLAN_VID_MAX 0x0fffu
#define MPLS_LABEL_MAX 0xfffffu
#define PPPOE_SESSION_MAX 0xffffu
#define GENEVE_VNI_MAX 0xffffffu

void cc_push_linkhdr(struct cc *cc, int linktype, bool is_variable,
		     unsigned constant_part, int reg)
{
	cc->prev_linktype = cc->cur_linktype;
	cc->off_prevlinkhdr = cc->off_linkhdr;
	cc->cur_linktype = linktype;
	cc->off_linkhdr.is_variable = is_variable;
	cc->off_linkhdr.constant_part = constant_part;
	cc->off_linkhdr.reg = reg;
	cc->is_geneve = false;
}

/* The test a combined predicate runs first (where libpcap's head is). */
static struct pred *pred_first_test(struct pred *p)
{
	while (p->kind == PRED_AND || p->kind == PRED_OR ||
	       p->kind == PRED_NOT)
		p = p->kids[0];
	return p;
}

/* ------------------------------------------------------------------ */
/* vlan                                                                 */

/* 802.1Q, 802.1ad, or the old QinQ TPID, in that order. */
static struct pred *vlan_tpid_test(struct cc *cc)
{
	struct pred *b = gen_linktype(cc, ETYPE_8021Q);

	b = pred_or(cc, b, gen_linktype(cc, ETYPE_8021AD));
	return pred_or(cc, b, gen_linktype(cc, ETYPE_8021QINQ));
}

static struct pred *vlan_vid_test(struct cc *cc, uint32_t vid)
{
	if (vid > VLAN_VID_MAX)
		cc_fail(cc, "VLAN tag %u greater than maximum %u", vid,
			VLAN_VID_MAX);
	return gen_mcmp(cc, OR_LINKPL, 0, BPF_H, vid, VLAN_VID_MAX);
}

/* The tag is in the packet: test it, then step over its 4 bytes. */
static struct pred *vlan_in_packet(struct cc *cc, uint32_t vid, bool has_vid)
{
	struct pred *b = vlan_tpid_test(cc);

	if (has_vid)
		b = pred_and(cc, b, vlan_vid_test(cc, vid));
	cc->off_linkpl.constant_part += 4;
	cc->off_linktype.constant_part += 4;
	return b;
}

/* Append "M[reg] += v" for off, making off's run-time part a register. */
static void vlan_offset_add(struct cc *cc, struct code *c,
			    struct abs_offset *off, uint32_t v)
{
	off->is_variable = true;
	if (off->reg == -1)
		off->reg = cc_alloc_reg(cc);
	code_add(cc, c, BPF_LD | BPF_MEM, (uint32_t)off->reg);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, v);
	code_add(cc, c, BPF_ST, (uint32_t)off->reg);
}

/*
 * Live Linux captures: the kernel may have stripped the outer tag into
 * metadata.  "tag in metadata, or (shift offsets by 4, then a TPID in the
 * packet)"; the VID comes from the metadata when it is there, else from
 * the packet.  Both tests are generated before the offsets become
 * variable, so they read the packet at the untagged positions; the shift
 * only affects what follows.
 */
static struct pred *vlan_in_metadata(struct cc *cc, uint32_t vid, bool has_vid)
{
	struct code present = { 0 }, shift = { 0 };
	struct pred *b, *tpid, *vidt = NULL;

	code_add(cc, &present, BPF_LD | BPF_B | BPF_ABS,
		 BPF_AUX_VLAN_TAG_PRESENT);
	b = pred_test(cc, &present, BPF_JMP | BPF_JEQ | BPF_K, 1);

	tpid = vlan_tpid_test(cc);
	if (has_vid)
		vidt = vlan_vid_test(cc, vid);

	cc->is_vlan_vloffset = true;
	vlan_offset_add(cc, &shift, &cc->off_linkpl, 4);
	vlan_offset_add(cc, &shift, &cc->off_linktype, 4);
	code_prepend(cc, &pred_first_test(tpid)->code, &shift);
	b = pred_or(cc, b, tpid);

	if (has_vid) {
		struct code pick = { 0 };
		unsigned n = vidt->code.n;	/* load, then "and #0xfff" */

		code_add(cc, &pick, BPF_LD | BPF_B | BPF_ABS,
			 BPF_AUX_VLAN_TAG_PRESENT);
		/* present: take the TCI from metadata; absent: from packet */
		code_add_jump(cc, &pick, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2);
		code_add(cc, &pick, BPF_LD | BPF_B | BPF_ABS,
			 BPF_AUX_VLAN_TAG);
		/* skip the packet load, not the mask */
		code_add(cc, &pick, BPF_JMP | BPF_JA, n - 1);
		code_prepend(cc, &vidt->code, &pick);
		b = pred_and(cc, b, vidt);
	}
	return b;
}

/* The outermost header, not yet shifted: the only place a tag can be
 * in metadata. */
static bool vlan_at_outer_header(const struct cc *cc)
{
	return cc->vlan_stack_depth == 0 && !cc->off_linkhdr.is_variable &&
	       cc->off_linkhdr.constant_part ==
		       cc->off_outermostlinkhdr.constant_part;
}

struct pred *gen_vlan(struct cc *cc, uint32_t vlan, bool has_vlan)
{
	struct pred *b;

	if (cc->label_stack_depth > 0)
		cc_fail(cc, "no VLAN match after MPLS");

	switch (cc->cur_linktype) {
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
		if (cc->linux_vlan_ext && vlan_at_outer_header(cc))
			b = vlan_in_metadata(cc, vlan, has_vlan);
		else
			b = vlan_in_packet(cc, vlan, has_vlan);
		break;
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
		b = vlan_in_packet(cc, vlan, has_vlan);
		break;
	default:
		cc_fail(cc, "no VLAN support for %s",
			pcap_datalink_val_to_description_or_dlt(
				cc->cur_linktype));
	}
	cc->vlan_stack_depth++;
	return b;
}

/* ------------------------------------------------------------------ */
/* mpls                                                                 */

static struct pred *mpls_outer_test(struct cc *cc)
{
	switch (cc->cur_linktype) {
	case DLT_C_HDLC:
	case DLT_HDLC:
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
		return gen_linktype(cc, ETYPE_MPLS);
	case DLT_PPP:
		return gen_linktype(cc, PPPPROTO_MPLS_UCAST);
	default:
		cc_fail(cc, "no MPLS support for %s",
			pcap_datalink_val_to_description_or_dlt(
				cc->cur_linktype));
	}
}

struct pred *gen_mpls(struct cc *cc, uint32_t label, bool has_label)
{
	struct pred *b;

	if (cc->label_stack_depth > 0)
		/* inside a stack: the previous entry is not the last one */
		b = gen_mcmp(cc, OR_PREVMPLSHDR, 2, BPF_B, 0, 0x01);
	else
		b = mpls_outer_test(cc);

	if (has_label) {
		if (label > MPLS_LABEL_MAX)
			cc_fail(cc, "MPLS label %u greater than maximum %u",
				label, MPLS_LABEL_MAX);
		/* the label is the top 20 bits of the entry */
		b = pred_and(cc, b, gen_mcmp(cc, OR_LINKPL, 0, BPF_W,
					     label << 12, 0xfffff000));
	}
	cc->off_nl_nosnap += 4;
	cc->off_nl += 4;
	cc->label_stack_depth++;
	return b;
}

/*
 * Inside an MPLS stack only IPv4 and IPv6 can be recognised: the last
 * entry has its bottom-of-stack bit set, and the payload starts with the
 * IP version nibble.
 */
struct pred *gen_mpls_linktype(struct cc *cc, uint32_t ll_proto)
{
	uint32_t version;
	struct pred *b;

	switch (ll_proto) {
	case ET_IP:
		version = 0x40;
		break;
	case ET_IPV6:
		version = 0x60;
		break;
	default:
		cc_fail(cc, "unsupported protocol over mpls");
	}
	/* the bottom-of-stack bit is in the entry's third byte */
	b = gen_mcmp(cc, OR_LINKPL, (unsigned)-2, BPF_B, 0x01, 0x01);
	return pred_and(cc, b, gen_mcmp(cc, OR_LINKPL, 0, BPF_B, version, 0xf0));
}

/* ------------------------------------------------------------------ */
/* pppoed, pppoes                                                       */

struct pred *gen_pppoed(struct cc *cc)
{
	return gen_linktype(cc, ETYPE_PPPOED);
}

struct pred *gen_pppoes(struct cc *cc, uint32_t sess, bool has_sess)
{
	struct pred *b = gen_linktype(cc, ETYPE_PPPOES);

	if (has_sess) {
		if (sess > PPPOE_SESSION_MAX)
			cc_fail(cc, "PPPoE session number %u greater than "
				"maximum %u", sess, PPPOE_SESSION_MAX);
		/* the session id is the low half of the first word */
		b = pred_and(cc, b, gen_mcmp(cc, OR_LINKPL, 0, BPF_W, sess,
					     PPPOE_SESSION_MAX));
	}
	/*
	 * What follows is a PPP frame without HDLC framing, 6 bytes past
	 * the PPPoE header's start: its protocol field is its first two
	 * bytes, its payload comes after them, and there is no LLC.
	 */
	cc_push_linkhdr(cc, DLT_PPP, cc->off_linkpl.is_variable,
			cc->off_linkpl.constant_part + cc->off_nl + 6,
			cc->off_linkpl.reg);
	cc->off_linktype = cc->off_linkhdr;
	cc->off_linkpl.constant_part = cc->off_linkhdr.constant_part + 2;
	cc->off_nl = 0;
	cc->off_nl_nosnap = 0;
	return b;
}

/* ------------------------------------------------------------------ */
/* geneve                                                               */

typedef struct pred *port_test_fn(struct cc *cc, unsigned port, int ip_proto,
				  int dir);

/* UDP to the Geneve port, version 0, and the VNI if one was given. */
static struct pred *geneve_header_test(struct cc *cc, port_test_fn *port_test,
				       enum offrel udp, uint32_t vni,
				       bool has_vni)
{
	struct pred *b = port_test(cc, GENEVE_UDP_PORT, IPP_UDP, QD_DST);

	/* the version is the top 2 bits of the Geneve header */
	b = pred_and(cc, b, gen_mcmp(cc, udp, 8, BPF_B, 0, 0xc0));
	if (has_vni) {
		if (vni > GENEVE_VNI_MAX)
			cc_fail(cc, "Geneve VNI %u greater than maximum %u",
				vni, GENEVE_VNI_MAX);
		b = pred_and(cc, b, gen_mcmp(cc, udp, 12, BPF_W, vni << 8,
					     0xffffff00));
	}
	return b;
}

/* A test that always holds ("A == X" right after A and X are made
 * equal), carrying code that must run when what precedes it matched. */
static struct pred *always_with(struct cc *cc, struct code *c)
{
	return pred_test(cc, c, BPF_JMP | BPF_JEQ | BPF_X, 0);
}

/* Geneve over IPv4; on a match A holds the IPv4 header's length plus any
 * run-time part of the payload offset. */
static struct pred *geneve_over_ipv4(struct cc *cc, uint32_t vni, bool has_vni)
{
	struct pred *b = geneve_header_test(cc, gen_port, OR_TRAN_IPV4, vni,
					    has_vni);
	struct code c = { 0 };

	loadx_iphdrlen(cc, &c);
	code_add(cc, &c, BPF_MISC | BPF_TXA, 0);
	return pred_and(cc, b, always_with(cc, &c));
}

/* Geneve over IPv6 (no extension headers); on a match A and X hold 40
 * plus any run-time part of the payload offset. */
static struct pred *geneve_over_ipv6(struct cc *cc, uint32_t vni, bool has_vni)
{
	struct pred *b = geneve_header_test(cc, gen_port6, OR_TRAN_IPV6, vni,
					    has_vni);
	struct code c = { 0 };

	if (abs_offset_varpart(cc, &c, &cc->off_linkpl)) {
		code_add(cc, &c, BPF_LD | BPF_IMM, 40);
		code_add(cc, &c, BPF_ALU | BPF_ADD | BPF_X, 0);
	} else {
		code_add(cc, &c, BPF_LD | BPF_IMM, 40);
	}
	code_add(cc, &c, BPF_MISC | BPF_TAX, 0);
	return pred_and(cc, b, always_with(cc, &c));
}

/*
 * Code that, with A = IP header length (+ run-time prefix), computes
 * where the encapsulated frame's type field and payload are, into fresh
 * registers, and makes them the current offsets.  The inner frame is
 * taken as Ethernet when the Geneve protocol type is TEB, otherwise the
 * Geneve protocol type itself serves as the link type and the payload
 * starts right after the Geneve header.
 */
static void geneve_inner_offsets(struct cc *cc, struct code *c)
{
	/* X = start of the Geneve header */
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K,
		 cc->off_linkpl.constant_part + cc->off_nl + 8);
	code_add(cc, c, BPF_MISC | BPF_TAX, 0);

	/* link type: Geneve's protocol type, 2 bytes in */
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 2);
	cc->off_linktype.reg = cc_alloc_reg(cc);
	cc->off_linktype.is_variable = true;
	cc->off_linktype.constant_part = 0;
	code_add(cc, c, BPF_ST, (uint32_t)cc->off_linktype.reg);

	/* end of the Geneve header: 8 + 4 * option length words */
	code_add(cc, c, BPF_LD | BPF_IND | BPF_B, 0);
	code_add(cc, c, BPF_ALU | BPF_AND | BPF_K, 0x3f);
	code_add(cc, c, BPF_ALU | BPF_MUL | BPF_K, 4);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 8);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_X, 0);

	/* the inner link header starts there (if it is Ethernet) */
	cc_push_linkhdr(cc, DLT_EN10MB, true, 0, cc_alloc_reg(cc));
	code_add(cc, c, BPF_ST, (uint32_t)cc->off_linkhdr.reg);

	code_add(cc, c, BPF_LD | BPF_IND | BPF_H, 2);
	code_add(cc, c, BPF_LDX | BPF_MEM, (uint32_t)cc->off_linkhdr.reg);
	/* not TEB: jump to the store, X already is the payload's offset */
	code_add_jump(cc, c, BPF_JMP | BPF_JEQ | BPF_K, ETYPE_TEB, 0, 5);
	code_add(cc, c, BPF_MISC | BPF_TXA, 0);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 12);
	code_add(cc, c, BPF_ST, (uint32_t)cc->off_linktype.reg);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 2);
	code_add(cc, c, BPF_MISC | BPF_TAX, 0);

	cc->off_linkpl.reg = cc_alloc_reg(cc);
	cc->off_linkpl.is_variable = true;
	cc->off_linkpl.constant_part = 0;
	code_add(cc, c, BPF_STX, (uint32_t)cc->off_linkpl.reg);

	cc->off_nl = 0;
}

struct pred *gen_geneve(struct cc *cc, uint32_t vni, bool has_vni)
{
	struct pred *b = geneve_over_ipv4(cc, vni, has_vni);
	struct code c = { 0 };

	b = pred_or(cc, b, geneve_over_ipv6(cc, vni, has_vni));

	/* an always-true test ("ld #0; jeq #0") runs the offset code */
	geneve_inner_offsets(cc, &c);
	code_add(cc, &c, BPF_LD | BPF_IMM, 0);
	b = pred_and(cc, b, pred_test(cc, &c, BPF_JMP | BPF_JEQ | BPF_K, 0));

	cc->is_geneve = true;
	/* libpcap leaves programs with this hand-made jump unoptimized */
	cc->no_optimize = true;
	return b;
}

/*
 * Inside Geneve, an Ethernet-only test needs an inner Ethernet header:
 * one is there when the link header and the payload start apart.  Both
 * offsets are pure registers after gen_geneve.
 */
struct pred *gen_geneve_ll_check(struct cc *cc)
{
	struct code c = { 0 };

	code_add(cc, &c, BPF_LD | BPF_MEM, (uint32_t)cc->off_linkhdr.reg);
	code_add(cc, &c, BPF_LDX | BPF_MEM, (uint32_t)cc->off_linkpl.reg);
	return pred_not(cc, pred_test(cc, &c, BPF_JMP | BPF_JEQ | BPF_X, 0));
}
