/*
 * code.c: building the compiler's intermediate form -- instruction
 * sequences (struct code) and the predicate tree (struct pred) every
 * generator returns.  AND/OR nodes are flattened as they are built; the
 * tree keeps libpcap's left-to-right short-circuit order exactly.
 */
#include "config.h"

#include <string.h>

#include "filter-jit/compile.h"

static void code_reserve(struct cc *cc, struct code *c, unsigned more)
{
	if (c->n + more <= c->cap)
		return;
	unsigned cap = c->cap ? c->cap * 2 : 4;
	while (cap < c->n + more)
		cap *= 2;
	struct insn *v = cc_alloc(cc, sizeof *v * cap);
	if (c->n > 0)
		memcpy(v, c->v, sizeof *v * c->n);
	c->v = v;
	c->cap = cap;
}

void code_add_jump(struct cc *cc, struct code *c, uint16_t code, uint32_t k,
		   uint8_t jt, uint8_t jf)
{
	code_reserve(cc, c, 1);
	c->v[c->n++] = (struct insn){ .code = code, .jt = jt, .jf = jf, .k = k };
}

void code_add(struct cc *cc, struct code *c, uint16_t code, uint32_t k)
{
	code_add_jump(cc, c, code, k, 0, 0);
}

void code_append(struct cc *cc, struct code *dst, const struct code *src)
{
	if (src->n == 0)
		return;
	code_reserve(cc, dst, src->n);
	memcpy(dst->v + dst->n, src->v, sizeof *src->v * src->n);
	dst->n += src->n;
}

void code_prepend(struct cc *cc, struct code *dst, const struct code *src)
{
	if (src->n == 0)
		return;
	code_reserve(cc, dst, src->n);
	memmove(dst->v + src->n, dst->v, sizeof *dst->v * dst->n);
	memcpy(dst->v, src->v, sizeof *src->v * src->n);
	dst->n += src->n;
}

static struct pred *pred_new(struct cc *cc, enum pred_kind kind)
{
	struct pred *p = cc_alloc(cc, sizeof *p);

	p->kind = kind;
	return p;
}

struct pred *pred_test(struct cc *cc, const struct code *code, uint16_t jmp,
		       uint32_t k)
{
	struct pred *p = pred_new(cc, PRED_TEST);

	if (code != NULL)
		code_append(cc, &p->code, code);
	p->jmp = jmp;
	p->k = k;
	return p;
}

static void pred_add_kid(struct cc *cc, struct pred *p, struct pred *kid)
{
	if (p->n_kids == p->cap_kids) {
		unsigned cap = p->cap_kids ? p->cap_kids * 2 : 4;
		struct pred **kids = cc_alloc(cc, sizeof *kids * cap);

		if (p->n_kids > 0)
			memcpy(kids, p->kids, sizeof *kids * p->n_kids);
		p->kids = kids;
		p->cap_kids = cap;
	}
	p->kids[p->n_kids++] = kid;
}

/* a OP b, reusing a's node when it is already an OP list. */
static struct pred *pred_join(struct cc *cc, enum pred_kind op,
			      struct pred *a, struct pred *b)
{
	struct pred *p = a;

	if (a->kind != op) {
		p = pred_new(cc, op);
		pred_add_kid(cc, p, a);
	}
	if (b->kind == op)
		for (unsigned i = 0; i < b->n_kids; i++)
			pred_add_kid(cc, p, b->kids[i]);
	else
		pred_add_kid(cc, p, b);
	return p;
}

struct pred *pred_and(struct cc *cc, struct pred *a, struct pred *b)
{
	return pred_join(cc, PRED_AND, a, b);
}

struct pred *pred_or(struct cc *cc, struct pred *a, struct pred *b)
{
	return pred_join(cc, PRED_OR, a, b);
}

struct pred *pred_not(struct cc *cc, struct pred *a)
{
	struct pred *p;

	if (a->kind == PRED_NOT)
		return a->kids[0];
	p = pred_new(cc, PRED_NOT);
	pred_add_kid(cc, p, a);
	return p;
}

struct pred *pred_true(struct cc *cc)
{
	return pred_new(cc, PRED_TRUE);
}

struct pred *pred_false(struct cc *cc)
{
	return pred_new(cc, PRED_FALSE);
}
