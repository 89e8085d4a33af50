/*
 * sets.c: OR-chains of equality tests on one value as sorted comparison
 * trees.  A chain is "jeq #k1" falling (on false) to "jeq #k2" and so on,
 * every test jumping to the same block on true, the later tests either
 * without statements (they test the A the first one left) or repeating
 * the first one's statements, which reload the same A.  Such a chain means
 * "A in {k1, k2, ...}"; it becomes "jgt" splits down to buckets of "jeq"
 * (or "jge"/"jgt" range checks for runs of consecutive constants).  The
 * first test keeps its statements, so loads run exactly where they ran.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter-jit/cfg.h"

#define SET_MIN_TESTS 12	/* shorter chains stay as they are */
#define SET_LEAF_RUNS 8		/* runs in a bucket at the tree's leaves */

#define JEQ_K (BPF_JMP | BPF_JEQ | BPF_K)

struct run {
	uint32_t lo, hi;	/* consecutive constants lo..hi */
};

struct set_builder {
	struct cc *cc;
	struct cfg *g;
	struct blk *t, *f;	/* where "in the set" and "not in it" go */
	struct blk **made;	/* the tree's blocks, for merging */
	unsigned n_made, cap_made;
};

/* ------------------------------------------------------------------ */
/* Which blocks chain.                                                  */

static unsigned live_stmts(const struct blk *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_stmts; i++)
		n += b->stmts[i].code != INSN_NOP;
	return n;
}

static bool same_live_stmts(const struct blk *x, const struct blk *y)
{
	unsigned i = 0, j = 0;

	for (;;) {
		while (i < x->n_stmts && x->stmts[i].code == INSN_NOP)
			i++;
		while (j < y->n_stmts && y->stmts[j].code == INSN_NOP)
			j++;
		if (i == x->n_stmts || j == y->n_stmts)
			return i == x->n_stmts && j == y->n_stmts;
		if (x->stmts[i].code != y->stmts[j].code ||
		    x->stmts[i].k != y->stmts[j].k)
			return false;
		i++;
		j++;
	}
}

/* Register read by a statement (0..15 scratch, 16 A, 17 X; -1 none). */
static int reads(const struct insn *s)
{
	switch (BPF_CLASS(s->code)) {
	case BPF_LD:
	case BPF_LDX:
		return BPF_MODE(s->code) == BPF_IND ? 17 :
		       BPF_MODE(s->code) == BPF_MEM ? (int)(s->k % 16) : -1;
	case BPF_ST:
		return 16;
	case BPF_STX:
		return 17;
	case BPF_ALU:	/* and X for BPF_X: see reads_x */
		return 16;
	default:	/* BPF_MISC */
		return BPF_MISCOP(s->code) == BPF_TXA ? 17 : 16;
	}
}

static int writes(const struct insn *s)
{
	switch (BPF_CLASS(s->code)) {
	case BPF_LD:
	case BPF_ALU:
		return 16;
	case BPF_LDX:
		return 17;
	case BPF_ST:
	case BPF_STX:
		return (int)(s->k % 16);
	default:
		return BPF_MISCOP(s->code) == BPF_TAX ? 17 : 16;
	}
}

/*
 * Running the statements again right after them changes nothing: no
 * register they read before writing it is one they write.
 */
static bool idempotent(const struct blk *b)
{
	uint32_t written = 0, read_first = 0;

	if (b->inner_jumps)
		return false;
	for (unsigned i = 0; i < b->n_stmts; i++) {
		const struct insn *s = &b->stmts[i];
		int r = reads(s);

		if (s->code == INSN_NOP)
			continue;
		if (r >= 0 && !(written & (1u << r)))
			read_first |= 1u << r;
		if (BPF_CLASS(s->code) == BPF_ALU && BPF_SRC(s->code) == BPF_X &&
		    !(written & (1u << 17)))
			read_first |= 1u << 17;
		written |= 1u << writes(s);
	}
	return (written & read_first) == 0;
}

static bool is_test(const struct blk *b)
{
	return b->code == JEQ_K && !b->inner_jumps;
}

/* Does b continue a chain whose previous test is p? */
static bool continues(const struct blk *p, const struct blk *b)
{
	if (!is_test(b) || b->jt != p->jt || p->jf != b)
		return false;
	if (live_stmts(b) == 0)
		return true;
	return same_live_stmts(b, p) && idempotent(b);
}

/* ------------------------------------------------------------------ */
/* Trees.                                                               */

static struct blk *new_test(struct set_builder *s, uint16_t code, uint32_t k,
			    struct blk *jt, struct blk *jf)
{
	struct blk *b = cfg_new_blk(s->cc, s->g);

	b->code = code;
	b->k = k;
	b->jt = jt;
	b->jf = jf;
	if (s->n_made == s->cap_made) {
		unsigned cap = s->cap_made ? s->cap_made * 2 : 64;
		struct blk **v = cc_alloc(s->cc, sizeof *v * cap);

		if (s->n_made)
			memcpy(v, s->made, sizeof *v * s->n_made);
		s->made = v;
		s->cap_made = cap;
	}
	s->made[s->n_made++] = b;
	return b;
}

/* One run, A known to lie in [lo, hi]: in the run goes to t, else next. */
static struct blk *run_test(struct set_builder *s, struct run r, uint64_t lo,
			    uint64_t hi, struct blk *next)
{
	if (r.lo == r.hi)
		return new_test(s, JEQ_K, r.lo, s->t, next);
	if (r.lo <= lo)		/* only the upper end to check */
		return new_test(s, BPF_JMP | BPF_JGT | BPF_K, r.hi, next, s->t);
	if (r.hi >= hi)
		return new_test(s, BPF_JMP | BPF_JGE | BPF_K, r.lo, s->t, next);
	struct blk *upper = new_test(s, BPF_JMP | BPF_JGT | BPF_K, r.hi,
				     next, s->t);

	return new_test(s, BPF_JMP | BPF_JGE | BPF_K, r.lo, upper, next);
}

/* Runs v[0..n), A known to lie in [lo, hi]. */
static struct blk *tree(struct set_builder *s, const struct run *v,
			unsigned n, uint64_t lo, uint64_t hi)
{
	if (n <= SET_LEAF_RUNS) {
		struct blk *next = s->f;

		for (unsigned i = n; i-- > 0;)
			next = run_test(s, v[i], lo, hi, next);
		return next;
	}
	/* As few buckets as will do, split evenly: fewer "jgt"s. */
	unsigned buckets = (n + SET_LEAF_RUNS - 1) / SET_LEAF_RUNS;
	unsigned half = (unsigned)((uint64_t)n * (buckets / 2) / buckets);
	uint32_t pivot = v[half - 1].hi;
	struct blk *above = tree(s, v + half, n - half, (uint64_t)pivot + 1, hi);
	struct blk *below = tree(s, v, half, lo, pivot);

	return new_test(s, BPF_JMP | BPF_JGT | BPF_K, pivot, above, below);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted constants to runs of consecutive values; returns how many. */
static unsigned to_runs(uint32_t *k, unsigned n, struct run *out)
{
	unsigned m = 0;

	qsort(k, n, sizeof *k, cmp_u32);
	for (unsigned i = 0; i < n; i++) {
		if (m > 0 && out[m - 1].hi == k[i])
			continue;	/* a duplicate */
		if (m > 0 && out[m - 1].hi + 1 == k[i])
			out[m - 1].hi = k[i];
		else
			out[m++] = (struct run){ k[i], k[i] };
	}
	return m;
}

/* ------------------------------------------------------------------ */
/* Merging equal tree blocks: equal sets with equal targets share.      */

static uint64_t test_hash(const struct blk *b)
{
	uint64_t h = (uint64_t)b->code * 0x9e3779b97f4a7c15ull ^ b->k;

	h = h * 1000003u ^ (uintptr_t)b->jt;
	return h * 1000003u ^ (uintptr_t)b->jf;
}

/* Blocks are made children first, so one pass in order suffices. */
static void merge_trees(struct cc *cc, struct blk **made, unsigned n)
{
	unsigned cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	struct blk **tab = cc_alloc(cc, sizeof *tab * cap);

	for (unsigned i = 0; i < n; i++) {
		struct blk *b = made[i];

		if (b->jt->aux != NULL)
			b->jt = b->jt->aux;
		if (b->jf->aux != NULL)
			b->jf = b->jf->aux;
		for (uint64_t h = test_hash(b);; h++) {
			struct blk **slot = &tab[h & (cap - 1)];

			if (*slot == NULL) {
				*slot = b;
				break;
			}
			if ((*slot)->code == b->code && (*slot)->k == b->k &&
			    (*slot)->jt == b->jt && (*slot)->jf == b->jf) {
				b->aux = *slot;
				break;
			}
		}
	}
}

/* ------------------------------------------------------------------ */

/* Chain heads: tests some block reaches other than as a continuation. */
static void find_heads(struct blk *const *order, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		order[i]->mark = i == 0;	/* the entry is a head */
	for (unsigned i = 0; i < n; i++) {
		struct blk *p = order[i];

		if (blk_is_ret(p))
			continue;
		if (!is_test(p) || !continues(p, p->jf))
			p->jf->mark = 1;
		p->jt->mark = 1;
		if (p->jt == p->jf)
			p->jf->mark = 1;
	}
}

unsigned cfg_build_sets(struct cc *cc, struct cfg *g)
{
	unsigned n;
	struct blk **order = cfg_layout_order(cc, g, &n);
	struct set_builder s = { .cc = cc, .g = g };
	uint32_t *k = NULL;
	struct run *runs = NULL;
	unsigned cap = 0, n_trees = 0;
	/* Chains may share tails; bound the walking (it is an optimization). */
	uint64_t budget = 16 * (uint64_t)n + 1024;

	find_heads(order, n);
	for (unsigned i = 0; i < g->n; i++)
		g->v[i]->aux = NULL;
	for (unsigned i = 0; i < n; i++) {
		struct blk *h = order[i];
		unsigned m = 0;

		if (!h->mark || !is_test(h))
			continue;
		for (struct blk *b = h; budget > 0; b = b->jf, budget--) {
			if (m == cap) {
				cap = cap ? cap * 2 : 64;
				uint32_t *nk = cc_alloc(cc, sizeof *nk * cap);

				if (m)
					memcpy(nk, k, sizeof *k * m);
				k = nk;
				runs = cc_alloc(cc, sizeof *runs * cap);
			}
			k[m++] = b->k;
			if (!continues(b, b->jf))
				break;
		}
		if (m < SET_MIN_TESTS)
			continue;
		s.t = h->jt;
		struct blk *last = h;

		for (unsigned j = 1; j < m; j++)
			last = last->jf;
		s.f = last->jf;

		unsigned nr = to_runs(k, m, runs);
		struct blk *root = tree(&s, runs, nr, 0, UINT32_MAX);

		h->code = root->code;
		h->k = root->k;
		h->jt = root->jt;
		h->jf = root->jf;
		n_trees++;
	}
	merge_trees(cc, s.made, s.n_made);
	/* The heads point into the trees too. */
	for (unsigned i = 0; i < n; i++) {
		struct blk *h = order[i];

		if (blk_is_ret(h))
			continue;
		if (h->jt->aux != NULL)
			h->jt = h->jt->aux;
		if (h->jf->aux != NULL)
			h->jf = h->jf->aux;
	}
	for (unsigned i = 0; i < g->n; i++)
		g->v[i]->aux = NULL;
	return n_trees;
}
