/*
 * lower.c: the predicate tree to a control-flow graph, block for block the
 * graph libpcap's gencode builds: each test is one block (its code, then
 * its branch), TRUE and FALSE are "ld #0/#1; jeq #0" blocks, AND/OR/NOT
 * only wire branch targets, so the tests run in the tree's short-circuit
 * order.  Also the walk that orders blocks for emission.
 */
#include "config.h"

#include <string.h>

#include "filter-jit/cfg.h"

struct blk *cfg_new_blk(struct cc *cc, struct cfg *g)
{
	struct blk *b = cc_alloc(cc, sizeof *b);

	if (g->n == g->cap) {
		unsigned cap = g->cap ? g->cap * 2 : 64;
		struct blk **v = cc_alloc(cc, sizeof *v * cap);

		if (g->n > 0)
			memcpy(v, g->v, sizeof *v * g->n);
		g->v = v;
		g->cap = cap;
	}
	b->id = g->n;
	b->order = -1;
	g->v[g->n++] = b;
	return b;
}

static struct blk *new_ret(struct cc *cc, struct cfg *g, uint32_t k)
{
	struct blk *b = cfg_new_blk(cc, g);

	b->code = BPF_RET | BPF_K;
	b->k = k;
	return b;
}

static struct blk *new_branch(struct cc *cc, struct cfg *g,
			      const struct code *code, uint16_t jmp,
			      uint32_t k, struct blk *t, struct blk *f)
{
	struct blk *b = cfg_new_blk(cc, g);

	if (code->n > 0) {
		b->stmts = cc_alloc(cc, sizeof *b->stmts * code->n);
		memcpy(b->stmts, code->v, sizeof *b->stmts * code->n);
		b->n_stmts = code->n;
	}
	b->code = jmp;
	b->k = k;
	b->jt = t;
	b->jf = f;
	return b;
}

/*
 * Jumps inside a test's code must land inside it (index n is the test's
 * own branch); "ja" may go backwards ("ip6 protochain" loops).
 */
static void check_inner_jumps(struct cc *cc, struct blk *b)
{
	uint64_t n = b->n_stmts;

	for (unsigned i = 0; i < b->n_stmts; i++) {
		const struct insn *s = &b->stmts[i];

		if (BPF_CLASS(s->code) == BPF_RET)
			cc_fail(cc, "internal error: a test's code returns");
		if (BPF_CLASS(s->code) != BPF_JMP)
			continue;
		b->inner_jumps = true;
		if (BPF_OP(s->code) == BPF_JA) {
			if ((uint32_t)(i + 1 + s->k) > n)
				cc_fail(cc, "internal error: a test's code jumps outside it");
		} else if (i + 1 + (uint64_t)s->jt > n ||
			   i + 1 + (uint64_t)s->jf > n) {
			cc_fail(cc, "internal error: a test's code jumps outside it");
		}
	}
}

/* libpcap's constant blocks: A = 0 (true) or 1 (false), "jeq #0". */
static struct blk *new_const(struct cc *cc, struct cfg *g, bool value,
			     struct blk *t, struct blk *f)
{
	struct insn ld = { .code = BPF_LD | BPF_IMM, .k = value ? 0 : 1 };
	struct code c = { .v = &ld, .n = 1, .cap = 1 };

	return new_branch(cc, g, &c, BPF_JMP | BPF_JEQ | BPF_K, 0, t, f);
}

static struct blk *lower(struct cc *cc, struct cfg *g, const struct pred *p,
			 struct blk *t, struct blk *f)
{
	struct blk *next;

	switch (p->kind) {
	case PRED_TEST:
		next = new_branch(cc, g, &p->code, p->jmp, p->k, t, f);
		check_inner_jumps(cc, next);
		return next;
	case PRED_AND:
		/* Built back to front: each kid's "true" is the next kid. */
		next = t;
		for (unsigned i = p->n_kids; i-- > 0;)
			next = lower(cc, g, p->kids[i], next, f);
		return next;
	case PRED_OR:
		next = f;
		for (unsigned i = p->n_kids; i-- > 0;)
			next = lower(cc, g, p->kids[i], t, next);
		return next;
	case PRED_NOT:
		return lower(cc, g, p->kids[0], f, t);
	case PRED_TRUE:
		return new_const(cc, g, true, t, f);
	case PRED_FALSE:
		return new_const(cc, g, false, t, f);
	}
	cc_fail(cc, "internal error: unknown predicate kind %d", (int)p->kind);
}

void cfg_lower(struct cc *cc, struct cfg *g, const struct pred *root)
{
	struct blk *accept = new_ret(cc, g, cc->snaplen);
	struct blk *reject = new_ret(cc, g, 0);

	g->entry = root == NULL ? accept : lower(cc, g, root, accept, reject);
}

/*
 * Depth-first from the entry, "false" successors first; the reverse of
 * the postorder is the layout (libpcap fills its program from the end
 * in that postorder).
 */
struct blk **cfg_layout_order(struct cc *cc, struct cfg *g, unsigned *n)
{
	struct blk **out = cc_alloc(cc, sizeof *out * (g->n + 1));
	struct blk **stack = cc_alloc(cc, sizeof *stack * (g->n + 1));
	unsigned char *state = cc_alloc(cc, g->n + 1);
	unsigned sp = 0, done = 0;

	for (unsigned i = 0; i < g->n; i++) {
		g->v[i]->mark = 0;
		g->v[i]->order = -1;
	}
	stack[sp++] = g->entry;
	g->entry->mark = 1;
	while (sp > 0) {
		struct blk *b = stack[sp - 1];

		if (!blk_is_ret(b) && state[b->id] < 2) {
			struct blk *c = state[b->id]++ == 0 ? b->jf : b->jt;

			if (c->mark == 0) {
				c->mark = 1;
				stack[sp++] = c;
			}
			continue;
		}
		out[done++] = b;
		sp--;
	}
	for (unsigned i = 0; i < done / 2; i++) {
		struct blk *tmp = out[i];

		out[i] = out[done - 1 - i];
		out[done - 1 - i] = tmp;
	}
	for (unsigned i = 0; i < done; i++)
		out[i]->order = (int)i;
	*n = done;
	return out;
}
