/*
 * gen-arith.c: arithmetic expressions and their comparisons -- constants,
 * "len", packet loads "proto[expr:size]" with the protocol checks that
 * must hold first, the operators, "less"/"greater" and "byte".  Every
 * value lives in a scratch register, taken and released exactly as
 * libpcap does (that decides both register numbers and when an
 * expression needs too many).
 */
#include "config.h"

#include "filter-jit/gen-net.h"

static struct arth *arth_new(struct cc *cc)
{
	struct arth *a = cc_alloc(cc, sizeof *a);

	a->reg = -1;
	return a;
}

static void emit(struct cc *cc, struct arth *a, uint16_t code, uint32_t k)
{
	code_add(cc, &a->code, code, k);
}

static void emit_store(struct cc *cc, struct arth *a)
{
	emit(cc, a, BPF_ST, (uint32_t)a->reg);
}

struct arth *gen_loadi(struct cc *cc, uint32_t v)
{
	struct arth *a = arth_new(cc);

	a->reg = cc_alloc_reg(cc);
	emit(cc, a, BPF_LD | BPF_IMM, v);
	emit_store(cc, a);
	return a;
}

struct arth *gen_loadlen(struct cc *cc)
{
	struct arth *a = arth_new(cc);

	a->reg = cc_alloc_reg(cc);
	emit(cc, a, BPF_LD | BPF_W | BPF_LEN, 0);
	emit_store(cc, a);
	return a;
}

struct arth *gen_neg(struct cc *cc, struct arth *a)
{
	emit(cc, a, BPF_LD | BPF_MEM, (uint32_t)a->reg);
	emit(cc, a, BPF_ALU | BPF_NEG, 0);
	emit_store(cc, a);
	return a;
}

/* checks = checks AND b, checks running first. */
static void add_check(struct cc *cc, struct arth *a, struct pred *b)
{
	a->checks = a->checks != NULL ? pred_and(cc, a->checks, b) : b;
}

/* ------------------------------------------------------------------ */
/* proto[index:size]                                                   */

static const struct {
	uint8_t qual;		/* enum q_proto */
	enum { LD_RADIO, LD_LINK, LD_NET, LD_TRANSPORT, LD_ICMPV6 } base;
} load_bases[] = {
	{ QP_RADIO, LD_RADIO },
	{ QP_LINK, LD_LINK },
	{ QP_IP, LD_NET }, { QP_ARP, LD_NET }, { QP_RARP, LD_NET },
	{ QP_ATALK, LD_NET }, { QP_DECNET, LD_NET }, { QP_SCA, LD_NET },
	{ QP_LAT, LD_NET }, { QP_MOPRC, LD_NET }, { QP_MOPDL, LD_NET },
	{ QP_IPV6, LD_NET },
	{ QP_SCTP, LD_TRANSPORT }, { QP_TCP, LD_TRANSPORT },
	{ QP_UDP, LD_TRANSPORT }, { QP_ICMP, LD_TRANSPORT },
	{ QP_IGMP, LD_TRANSPORT }, { QP_IGRP, LD_TRANSPORT },
	{ QP_PIM, LD_TRANSPORT }, { QP_VRRP, LD_TRANSPORT },
	{ QP_CARP, LD_TRANSPORT },
	{ QP_ICMPV6, LD_ICMPV6 },
};

static int load_base(struct cc *cc, int proto)
{
	for (size_t i = 0; i < sizeof load_bases / sizeof load_bases[0]; i++)
		if (load_bases[i].qual == proto)
			return (int)load_bases[i].base;
	cc_fail(cc, "unsupported index operation");
}

/*
 * X = the index, plus the run-time part of off when it has one; then
 * A = the size-byte field at X + k.
 */
static void load_indexed(struct cc *cc, struct arth *a,
			 struct abs_offset *off, unsigned k, unsigned size)
{
	if (abs_offset_varpart(cc, &a->code, off)) {
		emit(cc, a, BPF_LD | BPF_MEM, (uint32_t)a->reg);
		emit(cc, a, BPF_ALU | BPF_ADD | BPF_X, 0);
		emit(cc, a, BPF_MISC | BPF_TAX, 0);
	} else {
		emit(cc, a, BPF_LDX | BPF_MEM, (uint32_t)a->reg);
	}
	emit(cc, a, (uint16_t)(BPF_LD | BPF_IND | size), k);
}

static bool has_radio_header(int dlt)
{
	return dlt == DLT_IEEE802_11_RADIO_AVS || dlt == DLT_IEEE802_11_RADIO ||
	       dlt == DLT_PRISM_HEADER;
}

struct arth *gen_load(struct cc *cc, int proto, struct arth *index,
		      unsigned size)
{
	int reg = cc_alloc_reg(cc);	/* before the index's is released */
	unsigned nl = cc->off_linkpl.constant_part + cc->off_nl;
	struct arth *a = index;
	struct pred *b, *frag;
	unsigned sz;

	cc_free_reg(cc, a->reg);
	switch (size) {
	case 1: sz = BPF_B; break;
	case 2: sz = BPF_H; break;
	case 4: sz = BPF_W; break;
	default:
		cc_fail(cc, "data size must be 1, 2, or 4");
	}
	switch (load_base(cc, proto)) {
	case LD_RADIO:
		/* Relative to the packet's start, which the radio header is. */
		if (!has_radio_header(cc->cur_linktype))
			cc_fail(cc, "radio information not present in capture");
		emit(cc, a, BPF_LDX | BPF_MEM, (uint32_t)a->reg);
		emit(cc, a, (uint16_t)(BPF_LD | BPF_IND | sz), 0);
		break;
	case LD_LINK:
		load_indexed(cc, a, &cc->off_linkhdr,
			     cc->off_linkhdr.constant_part, sz);
		break;
	case LD_NET:
		load_indexed(cc, a, &cc->off_linkpl, nl, sz);
		add_check(cc, a, gen_proto_abbrev(cc, proto));
		break;
	case LD_TRANSPORT:
		/* X = IPv4 header length (+ variable link part) + index */
		loadx_iphdrlen(cc, &a->code);
		emit(cc, a, BPF_LD | BPF_MEM, (uint32_t)a->reg);
		emit(cc, a, BPF_ALU | BPF_ADD | BPF_X, 0);
		emit(cc, a, BPF_MISC | BPF_TAX, 0);
		emit(cc, a, (uint16_t)(BPF_LD | BPF_IND | sz), nl);
		/*
		 * Only in an IPv4 packet of that protocol that is the first
		 * fragment.  (libpcap's compiler builds the fragment check
		 * before the protocol's.)
		 */
		frag = gen_ipfrag(cc);
		b = pred_and(cc, gen_proto_abbrev(cc, proto), frag);
		if (a->checks != NULL)
			b = pred_and(cc, a->checks, b);
		a->checks = pred_and(cc, gen_proto_abbrev(cc, QP_IP), b);
		break;
	case LD_ICMPV6:
		/* Right behind the fixed IPv6 header, next header 58. */
		add_check(cc, a, gen_proto_abbrev(cc, QP_IPV6));
		add_check(cc, a, gen_cmp(cc, OR_LINKPL, 6, BPF_B, IPP_ICMPV6));
		load_indexed(cc, a, &cc->off_linkpl, nl + 40, sz);
		break;
	}
	a->reg = reg;
	emit_store(cc, a);
	return a;
}

/* ------------------------------------------------------------------ */
/* Operators and comparisons                                           */

/* The operand is a literal if its code starts by loading one. */
static bool starts_with_imm(const struct arth *a, uint32_t *k)
{
	if (a->code.n == 0 || a->code.v[0].code != (BPF_LD | BPF_IMM))
		return false;
	*k = a->code.v[0].k;
	return true;
}

/*
 * Refused even unoptimized, as libpcap does.  libpcap looks only at the
 * first instruction of the right operand, so "1 / (0 + 1)" is refused
 * too; we keep that.
 */
static void check_operand(struct cc *cc, int op, const struct arth *a1)
{
	uint32_t k;

	if (!starts_with_imm(a1, &k))
		return;
	if (op == BPF_DIV && k == 0)
		cc_fail(cc, "division by zero");
	if (op == BPF_MOD && k == 0)
		cc_fail(cc, "modulus by zero");
	if ((op == BPF_LSH || op == BPF_RSH) && k > 31)
		cc_fail(cc, "shift by more than 31 bits");
}

/* a0's code, then a1's, then X = a1, A = a0. */
static void load_operands(struct cc *cc, struct arth *a0,
			  const struct arth *a1)
{
	code_append(cc, &a0->code, &a1->code);
	emit(cc, a0, BPF_LDX | BPF_MEM, (uint32_t)a1->reg);
	emit(cc, a0, BPF_LD | BPF_MEM, (uint32_t)a0->reg);
}

/* The result keeps a0's protocol checks only, as libpcap's does. */
struct arth *gen_arth(struct cc *cc, int op, struct arth *a0, struct arth *a1)
{
	check_operand(cc, op, a1);
	load_operands(cc, a0, a1);
	emit(cc, a0, (uint16_t)(BPF_ALU | BPF_X | op), 0);
	cc_free_reg(cc, a0->reg);
	cc_free_reg(cc, a1->reg);
	a0->reg = cc_alloc_reg(cc);
	emit_store(cc, a0);
	return a0;
}

struct pred *gen_relation(struct cc *cc, int jtype, struct arth *a0,
			  struct arth *a1, bool reversed)
{
	struct pred *b, *checks;

	load_operands(cc, a0, a1);
	if (jtype == BPF_JEQ) {
		emit(cc, a0, BPF_ALU | BPF_SUB | BPF_X, 0);
		b = pred_test(cc, &a0->code, BPF_JMP | BPF_JEQ | BPF_K, 0);
	} else {
		b = pred_test(cc, &a0->code,
			      (uint16_t)(BPF_JMP | jtype | BPF_X), 0);
	}
	if (reversed)
		b = pred_not(cc, b);
	cc_free_reg(cc, a0->reg);
	cc_free_reg(cc, a1->reg);
	checks = a0->checks;
	if (a1->checks != NULL)
		checks = checks != NULL ? pred_and(cc, checks, a1->checks)
					: a1->checks;
	return checks != NULL ? pred_and(cc, checks, b) : b;
}

/* ------------------------------------------------------------------ */
/* less, greater, byte                                                 */

static struct pred *gen_len(struct cc *cc, uint16_t jmp, uint32_t n)
{
	struct code c = { 0 };

	code_add(cc, &c, BPF_LD | BPF_W | BPF_LEN, 0);
	return pred_test(cc, &c, (uint16_t)(BPF_JMP | jmp | BPF_K), n);
}

struct pred *gen_greater(struct cc *cc, unsigned n)
{
	return gen_len(cc, BPF_JGE, n);
}

/* "less n" is len <= n. */
struct pred *gen_less(struct cc *cc, unsigned n)
{
	return pred_not(cc, gen_len(cc, BPF_JGT, n));
}

/*
 * "byte idx op val", idx from the link-layer header.  For & and |
 * libpcap never loads the byte: the operation applies to whatever A
 * holds.  We keep that, since it decides which packets match.
 */
struct pred *gen_byteop(struct cc *cc, int op, unsigned idx, uint32_t val)
{
	struct code c = { 0 };

	switch (op) {
	case '=':
		return gen_cmp(cc, OR_LINKHDR, idx, BPF_B, val);
	case '<':
		return gen_cmp_lt(cc, OR_LINKHDR, idx, BPF_B, val);
	case '>':
		return gen_cmp_gt(cc, OR_LINKHDR, idx, BPF_B, val);
	case '|':
		code_add(cc, &c, BPF_ALU | BPF_OR | BPF_K, val);
		break;
	case '&':
		code_add(cc, &c, BPF_ALU | BPF_AND | BPF_K, val);
		break;
	default:
		cc_fail(cc, "internal error: bad byte operator %d", op);
	}
	return pred_not(cc, pred_test(cc, &c, BPF_JMP | BPF_JEQ | BPF_K, 0));
}
