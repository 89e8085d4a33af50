/*
 * pullup.c: libpcap's OR and AND pull-ups.  In a chain of tests sharing
 * one "true" target (OR; "false" for AND), a later test of the value the
 * chain's head tested moves up next to it: from block b, skip the tests
 * of that value, skip tests of other values, and move the first test of
 * the value found after them in front of those.
 *
 * The walks are libpcap's, step for step, except that a run -- tests in
 * a row on the chain with one value and one shared target -- is skipped
 * whole when b dominates all of it.  Runs are kept as jump pointers that
 * follow each move; anything else that changes a chain drops them, and
 * they are rebuilt when a walk gets long.  That makes a pass over a chain
 * of n tests near-linear where libpcap's is quadratic.
 */
#include "config.h"

#include <string.h>

#include "filter-jit/opt.h"

#define WALK_BEFORE_INDEX 8	/* steps a walk takes before it wants runs */

/*
 * Runs of one side: a block is linked to its successor on that side when
 * both leave the same A and share the other side's target.  Following
 * links from a block leads to the tail of its run; "jump" pointers, kept
 * short by path compression, skip ahead along the links, each with the
 * lowest and highest preorder number of the blocks it skips (so whether
 * b dominates them all is two comparisons).
 */
struct runs {
	bool valid;
	struct node **jump;		/* per block id: self at a tail */
	uint32_t *lo, *hi;		/* preorder bounds of jump's span */
	uint32_t *n_linked_in;		/* per block id */
};

void pullup_init(struct opt *o)
{
	for (int side = 0; side < 2; side++) {
		struct runs *r = opt_alloc(o, 1, sizeof *r);

		r->jump = opt_alloc(o, o->n + 1, sizeof *r->jump);
		r->lo = opt_alloc(o, o->n + 1, sizeof *r->lo);
		r->hi = opt_alloc(o, o->n + 1, sizeof *r->hi);
		r->n_linked_in = opt_alloc(o, o->n + 1, sizeof *r->n_linked_in);
		o->runs[side] = r;
	}
}

/* Unreached blocks pass every dominance test: never skip over them. */
static uint32_t lo_of(const struct node *p)
{
	return p->tin == NOT_IN_TREE ? 0 : p->tin;
}

static uint32_t hi_of(const struct node *p)
{
	return p->tin == NOT_IN_TREE ? UINT32_MAX : p->tin;
}

static void set_jump(struct runs *r, struct node *p, struct node *to,
		     uint32_t lo, uint32_t hi)
{
	r->jump[p->id] = to;
	r->lo[p->id] = lo;
	r->hi[p->id] = hi;
}

/* Is p linked to its successor on this side? */
static bool linked(const struct node *p, int side)
{
	const struct node *s;

	if (is_leaf(p))
		return false;
	s = p->succ[side];
	return !is_leaf(s) && s->val[A_ATOM] == p->val[A_ATOM] &&
	       s->succ[!side] == p->succ[!side];
}

static void link(struct runs *r, struct node *p, struct node *s)
{
	uint32_t lo = lo_of(p) < lo_of(s) ? lo_of(p) : lo_of(s);
	uint32_t hi = hi_of(p) > hi_of(s) ? hi_of(p) : hi_of(s);

	set_jump(r, p, s, lo, hi);
	r->n_linked_in[s->id]++;
}

static void runs_build(struct opt *o, int side)
{
	struct runs *r = o->runs[side];

	for (uint32_t i = 0; i < o->n; i++) {
		struct node *p = &o->nodes[i];

		set_jump(r, p, p, lo_of(p), hi_of(p));
		r->n_linked_in[i] = 0;
	}
	for (uint32_t i = 0; i < o->n; i++) {
		struct node *p = &o->nodes[i];

		if (linked(p, side))
			link(r, p, p->succ[side]);
	}
	r->valid = true;
}

/* The tail of p's run, with the bounds of p..tail; compresses the path. */
static struct node *run_find(struct opt *o, struct runs *r, struct node *p,
			     uint32_t *lo, uint32_t *hi)
{
	struct node **path = o->stack;
	unsigned n = 0;
	struct node *t = p;

	while (r->jump[t->id] != t) {
		path[n++] = t;
		t = r->jump[t->id];
	}
	/* Back to front: each node jumps straight to the tail. */
	uint32_t l = lo_of(t), h = hi_of(t);

	while (n-- > 0) {
		struct node *q = path[n];

		if (r->lo[q->id] < l)
			l = r->lo[q->id];
		if (r->hi[q->id] > h)
			h = r->hi[q->id];
		set_jump(r, q, t, l, h);
	}
	*lo = l;
	*hi = h;
	return t;
}

void pullup_begin(struct opt *o)
{
	o->runs[0]->valid = false;
	o->runs[1]->valid = false;
}

/*
 * Where a walk from x (which passed the walk's own tests) may jump: the
 * tail of x's run, when b dominates all of x..tail.  NULL: take one step.
 */
static struct node *run_tail(struct opt *o, int side, const struct node *b,
			     struct node *x, unsigned steps)
{
	struct runs *r = o->runs[side];
	uint32_t lo, hi;

	if (!r->valid) {
		if (steps < WALK_BEFORE_INDEX)
			return NULL;
		runs_build(o, side);
	}
	struct node *t = run_find(o, r, x, &lo, &hi);

	if (t == x || lo < b->tin || hi > b->tout)
		return NULL;
	return t;
}

/*
 * The index after a move: pull left the run it headed (between q and
 * its old successor) and joined p's run (in front of the block p now
 * reaches through it).  Other changes drop the index.
 */
static void runs_after_move(struct opt *o, int side, struct node *q,
			    struct node *pull, bool pull_was_linked,
			    struct node *const *preds, unsigned n_preds,
			    bool keep_side_changed)
{
	struct runs *r = o->runs[side];

	o->runs[!side]->valid = false;	/* its shared targets moved */
	if (!r->valid)
		return;
	if (keep_side_changed || linked(pull, side) ||
	    (pull_was_linked && r->n_linked_in[pull->id] > 0)) {
		r->valid = false;
		return;
	}
	if (pull_was_linked) {
		/* Its old successor is q's now; nothing ran through pull. */
		r->n_linked_in[q->succ[side]->id]--;
		set_jump(r, pull, pull, lo_of(pull), hi_of(pull));
	}
	if (linked(q, side))
		link(r, q, q->succ[side]);
	for (unsigned i = 0; i < n_preds; i++)
		if (linked(preds[i], side))
			link(r, preds[i], pull);
}

static struct node **slot_to(struct node *pred, struct node *b)
{
	return JT(pred) == b ? &JT(pred) : &JF(pred);
}

/* side 1: OR chains (walk false edges); side 0: AND chains. */
void pullup(struct opt *o, struct node *b, int side)
{
	int keep = !side;	/* the shared target's side */
	struct node *target = b->succ[keep];
	struct edge *ep = b->in_edges;
	struct node **diffp, **samep, *pull, *diff_owner = NULL, *same_owner;
	uint32_t val;
	bool at_top = true;
	unsigned steps = 0;

	if (ep == NULL)
		return;
	val = ep->pred->val[A_ATOM];
	for (ep = ep->next_in; ep != NULL; ep = ep->next_in)
		if (ep->pred->val[A_ATOM] != val)
			return;

	/* The tests of the value. */
	diffp = slot_to(b->in_edges->pred, b);
	for (;; steps++) {
		struct node *d = *diffp, *t;

		if (d == NULL || d->succ[keep] != target || !dominates(b, d))
			return;
		if (d->val[A_ATOM] != val)
			break;
		t = run_tail(o, side, b, d, steps);
		if (t != NULL)
			d = t;
		diffp = &d->succ[side];
		diff_owner = d;
		at_top = false;
	}
	/* Tests of other values, up to one of the value. */
	same_owner = *diffp;
	samep = &same_owner->succ[side];
	for (;; steps++) {
		struct node *s = *samep, *t;

		if (s == NULL || s->succ[keep] != target || !dominates(b, s))
			return;
		if (s->val[A_ATOM] == val)
			break;
		t = run_tail(o, side, b, s, steps);
		if (t != NULL)
			s = t;
		samep = &s->succ[side];
		same_owner = s;
	}

	/* Move it. */
	bool pull_was_linked, keep_side_changed = false;
	struct node *preds_buf[1], **preds = preds_buf;
	unsigned n_preds = 0;

	pull = *samep;
	pull_was_linked = linked(pull, side);
	*samep = pull->succ[side];
	pull->succ[side] = *diffp;
	if (at_top) {
		unsigned n = 0;

		for (ep = b->in_edges; ep != NULL; ep = ep->next_in)
			n++;
		if (n > 1)
			preds = opt_alloc(o, n, sizeof *preds);
		for (ep = b->in_edges; ep != NULL; ep = ep->next_in) {
			struct node **slot = slot_to(ep->pred, b);

			/* (A stale in-edge rewrites a slot that is not b's.) */
			if (slot == &ep->pred->succ[keep] || *slot != b)
				keep_side_changed = true;
			else
				preds[n_preds++] = ep->pred;
			*slot = pull;
		}
	} else {
		*diffp = pull;
		preds[n_preds++] = diff_owner;
	}
	o->done = false;
	runs_after_move(o, side, same_owner, pull, pull_was_linked, preds,
			n_preds, keep_side_changed);
}
