/*
 * gen-load.c: loading packet fields relative to the header the compiler
 * is currently looking at (constant offsets, or a run-time part kept in a
 * scratch register), and the comparison tests built on them.
 */
#include "config.h"

#include "filter-jit/compile.h"

bool abs_offset_varpart(struct cc *cc, struct code *c, struct abs_offset *off)
{
	if (!off->is_variable)
		return false;
	if (off->reg == -1)
		off->reg = cc_alloc_reg(cc);
	code_add(cc, c, BPF_LDX | BPF_MEM, (uint32_t)off->reg);
	return true;
}

/* A load at off->constant_part + offset, indexed by X when off is variable. */
static void load_rel(struct cc *cc, struct code *c, struct abs_offset *off,
		     unsigned offset, unsigned size)
{
	uint16_t mode = abs_offset_varpart(cc, c, off) ? BPF_IND : BPF_ABS;

	code_add(cc, c, (uint16_t)(BPF_LD | mode | size),
		 off->constant_part + offset);
}

void loadx_iphdrlen(struct cc *cc, struct code *c)
{
	if (abs_offset_varpart(cc, c, &cc->off_linkpl)) {
		/* X = off_linkpl (variable) + 4 * IHL */
		code_add(cc, c, BPF_LD | BPF_IND | BPF_B,
			 cc->off_linkpl.constant_part + cc->off_nl);
		code_add(cc, c, BPF_ALU | BPF_AND | BPF_K, 0xf);
		code_add(cc, c, BPF_ALU | BPF_LSH | BPF_K, 2);
		code_add(cc, c, BPF_ALU | BPF_ADD | BPF_X, 0);
		code_add(cc, c, BPF_MISC | BPF_TAX, 0);
	} else {
		code_add(cc, c, BPF_LDX | BPF_MSH | BPF_B,
			 cc->off_linkpl.constant_part + cc->off_nl);
	}
}

void load_a(struct cc *cc, struct code *c, enum offrel rel, unsigned off,
	    unsigned size)
{
	switch (rel) {
	case OR_PACKET:
		code_add(cc, c, (uint16_t)(BPF_LD | BPF_ABS | size), off);
		break;
	case OR_LINKHDR:
		load_rel(cc, c, &cc->off_linkhdr, off, size);
		break;
	case OR_PREVLINKHDR:
		load_rel(cc, c, &cc->off_prevlinkhdr, off, size);
		break;
	case OR_LLC:
		load_rel(cc, c, &cc->off_linkpl, off, size);
		break;
	case OR_PREVMPLSHDR:
		load_rel(cc, c, &cc->off_linkpl, cc->off_nl - 4 + off, size);
		break;
	case OR_LINKPL:
		load_rel(cc, c, &cc->off_linkpl, cc->off_nl + off, size);
		break;
	case OR_LINKPL_NOSNAP:
		load_rel(cc, c, &cc->off_linkpl, cc->off_nl_nosnap + off, size);
		break;
	case OR_LINKTYPE:
		load_rel(cc, c, &cc->off_linktype, off, size);
		break;
	case OR_TRAN_IPV4:
		loadx_iphdrlen(cc, c);
		code_add(cc, c, (uint16_t)(BPF_LD | BPF_IND | size),
			 cc->off_linkpl.constant_part + cc->off_nl + off);
		break;
	case OR_TRAN_IPV6:
		load_rel(cc, c, &cc->off_linkpl, cc->off_nl + 40 + off, size);
		break;
	}
}

struct pred *gen_ncmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, uint32_t mask, uint16_t jtype,
		      bool reverse, uint32_t v)
{
	struct code c = { 0 };
	struct pred *p;

	load_a(cc, &c, rel, off, size);
	if (mask != 0xffffffff)
		code_add(cc, &c, BPF_ALU | BPF_AND | BPF_K, mask);
	p = pred_test(cc, &c, (uint16_t)(BPF_JMP | jtype | BPF_K), v);
	if (reverse && (jtype == BPF_JGT || jtype == BPF_JGE))
		p = pred_not(cc, p);
	return p;
}

struct pred *gen_cmp(struct cc *cc, enum offrel rel, unsigned off,
		     unsigned size, uint32_t v)
{
	return gen_ncmp(cc, rel, off, size, 0xffffffff, BPF_JEQ, false, v);
}

struct pred *gen_cmp_gt(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v)
{
	return gen_ncmp(cc, rel, off, size, 0xffffffff, BPF_JGT, false, v);
}

struct pred *gen_cmp_ge(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v)
{
	return gen_ncmp(cc, rel, off, size, 0xffffffff, BPF_JGE, false, v);
}

struct pred *gen_cmp_lt(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v)
{
	return gen_ncmp(cc, rel, off, size, 0xffffffff, BPF_JGE, true, v);
}

struct pred *gen_cmp_le(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v)
{
	return gen_ncmp(cc, rel, off, size, 0xffffffff, BPF_JGT, true, v);
}

struct pred *gen_mcmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, uint32_t v, uint32_t mask)
{
	return gen_ncmp(cc, rel, off, size, mask, BPF_JEQ, false, v);
}

/*
 * Compare size bytes at off with v: 32-bit words from the end first,
 * then a 16-bit and an 8-bit piece, the last piece tested first.
 */
struct pred *gen_bcmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, const uint8_t *v)
{
	struct pred *b = NULL, *t;

	while (size >= 4) {
		const uint8_t *q = v + size - 4;
		uint32_t w = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
			     (uint32_t)q[2] << 8 | q[3];

		t = gen_cmp(cc, rel, off + size - 4, BPF_W, w);
		b = b != NULL ? pred_and(cc, b, t) : t;
		size -= 4;
	}
	while (size >= 2) {
		const uint8_t *q = v + size - 2;

		t = gen_cmp(cc, rel, off + size - 2, BPF_H,
			    (uint32_t)q[0] << 8 | q[1]);
		b = b != NULL ? pred_and(cc, b, t) : t;
		size -= 2;
	}
	if (size > 0) {
		t = gen_cmp(cc, rel, off, BPF_B, v[0]);
		b = b != NULL ? pred_and(cc, b, t) : t;
	}
	return b;
}
