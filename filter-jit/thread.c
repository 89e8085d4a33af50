/*
 * thread.c: branch threading (libpcap's opt_j).  An edge that reaches a
 * block whose branch is decided by an edge dominating it -- same opcode,
 * same A, and the same operand (or a taken "jeq" with another constant)
 * -- skips that block.  libpcap scans every dominating edge, lowest
 * number first; here each pass indexes the dominating edges by what they
 * test, so a query is a hash lookup and a binary search.
 */
#include "config.h"

#include <string.h>

#include "filter-jit/opt.h"

#define NONE_ID UINT32_MAX

/* A dominating edge seen from the blocks it dominates: [tin, tout]. */
struct cover {
	uint32_t tin, tout;
	uint32_t id, oval;
	uint32_t group;
};

/* What an interval index answers at a point: the best ids around it. */
struct best {
	uint32_t id1, oval1;	/* lowest id */
	uint32_t id2;		/* lowest id with an oval other than oval1 */
};

struct bpoint {
	uint32_t pos;
	struct best best;
};

/* Edges alike for branch threading: same sense, opcode, A and operand. */
struct group_key {
	uint8_t kind;		/* GK_TRUE, GK_FALSE, GK_JEQ_ANY */
	uint16_t code;
	uint32_t aval, oval;
};

enum { GK_TRUE, GK_FALSE, GK_JEQ_ANY };

struct group {
	struct group_key key;
	uint32_t first, n;	/* its covers, then its breakpoints */
	uint32_t bp_first, bp_n;
};

struct thread_index {
	struct cover *covers;
	uint32_t n_covers;
	struct group *groups;
	uint32_t n_groups;
	uint32_t *gtab;		/* hash: group index + 1, 0 empty */
	uint32_t *gstamp;	/* the pass each gtab slot was filled in */
	uint32_t gcap;
	struct bpoint *bpoints;
	uint32_t n_bpoints;
	struct cover *sorted, *cstack;
	struct best *bstack;
};

void thread_init(struct opt *o)
{
	struct thread_index *t = opt_alloc(o, 1, sizeof *t);
	size_t n = o->n;

	t->covers = opt_alloc(o, 2 * n + 1, sizeof *t->covers);
	t->sorted = opt_alloc(o, 2 * n + 1, sizeof *t->sorted);
	t->cstack = opt_alloc(o, 2 * n + 1, sizeof *t->cstack);
	t->bstack = opt_alloc(o, 2 * n + 1, sizeof *t->bstack);
	t->groups = opt_alloc(o, 2 * n + 1, sizeof *t->groups);
	t->bpoints = opt_alloc(o, 4 * n + 2, sizeof *t->bpoints);
	t->gcap = 16;
	while (t->gcap < 4 * n)
		t->gcap *= 2;
	t->gtab = opt_alloc(o, t->gcap, sizeof *t->gtab);
	t->gstamp = opt_alloc(o, t->gcap, sizeof *t->gstamp);
	o->threads = t;
}

static uint32_t gk_hash(const struct group_key *k)
{
	return opt_hash(k->kind << 16 | k->code, k->aval, k->oval * 31 + 7);
}

static bool gk_eq(const struct group_key *a, const struct group_key *b)
{
	return a->kind == b->kind && a->code == b->code &&
	       a->aval == b->aval && a->oval == b->oval;
}

static struct group *group_find(struct opt *o, const struct group_key *k,
				bool make)
{
	struct thread_index *t = o->threads;
	uint32_t h = gk_hash(k);

	for (;; h++) {
		uint32_t at = h & (t->gcap - 1);

		if (t->gstamp[at] != o->pass) {	/* empty this pass */
			if (!make)
				return NULL;
			struct group *g = &t->groups[t->n_groups++];

			*g = (struct group){ .key = *k };
			t->gtab[at] = t->n_groups;
			t->gstamp[at] = o->pass;
			return g;
		}
		if (gk_eq(&t->groups[t->gtab[at] - 1].key, k))
			return &t->groups[t->gtab[at] - 1];
	}
}

static void add_cover(struct opt *o, const struct group_key *k,
		      const struct node *v, const struct edge *e)
{
	struct group *g = group_find(o, k, true);

	o->threads->covers[o->threads->n_covers++] = (struct cover){
		.tin = v->tin, .tout = v->tout, .id = e->id,
		.oval = e->pred->oval, .group = (uint32_t)(g - o->threads->groups),
	};
	g->n++;
}

static struct best best_add(struct best b, uint32_t id, uint32_t oval)
{
	if (id < b.id1) {
		if (oval != b.oval1)
			b.id2 = b.id1;
		b.id1 = id;
		b.oval1 = oval;
	} else if (oval != b.oval1 && id < b.id2) {
		b.id2 = id;
	}
	return b;
}

static const struct best NO_BEST = { NONE_ID, 0, NONE_ID };

/*
 * One group's laminar intervals, in preorder, to breakpoints: from each
 * breakpoint on, the best ids among the intervals that contain the point.
 */
static void group_breakpoints(struct opt *o, struct group *g,
			      const struct cover *cv, struct cover *stack,
			      struct best *bstack)
{
	uint32_t sp = 0;

	g->bp_first = o->threads->n_bpoints;
	for (uint32_t i = 0; i <= g->n; i++) {
		uint32_t at = i < g->n ? cv[i].tin : UINT32_MAX;

		while (sp > 0 && stack[sp - 1].tout < at) {
			uint32_t pos = stack[sp - 1].tout + 1;

			sp--;
			o->threads->bpoints[o->threads->n_bpoints++] = (struct bpoint){
				pos, sp > 0 ? bstack[sp - 1] : NO_BEST };
		}
		if (i == g->n)
			break;
		struct best b = best_add(sp > 0 ? bstack[sp - 1] : NO_BEST,
					 cv[i].id, cv[i].oval);

		stack[sp] = cv[i];
		bstack[sp++] = b;
		o->threads->bpoints[o->threads->n_bpoints++] = (struct bpoint){ cv[i].tin, b };
	}
	g->bp_n = o->threads->n_bpoints - g->bp_first;
}

void thread_index_build(struct opt *o)
{
	o->threads->n_covers = o->threads->n_groups = o->threads->n_bpoints = 0;
	o->pass++;	/* empties gtab, and the blocks' group caches */

	/* By preorder number: each group's list comes out sorted. */
	struct node **by_tin = o->stack;
	uint32_t n_pre = o->n_order;

	for (uint32_t i = 0; i < n_pre; i++)
		by_tin[o->order[i]->tin] = o->order[i];
	for (uint32_t i = 0; i < n_pre; i++) {
		struct node *v = by_tin[i];
		const struct edge *e = v->only_in;

		if (v->n_in != 1)
			continue;
		struct node *u = e->pred;
		bool sense = e == &u->e[0];
		struct group_key k = {
			.kind = sense ? GK_TRUE : GK_FALSE,
			.code = u->b->code, .aval = u->val[A_ATOM],
			.oval = u->oval,
		};

		add_cover(o, &k, v, e);
		if (sense && u->b->code == (BPF_JMP | BPF_JEQ | BPF_K)) {
			k = (struct group_key){ .kind = GK_JEQ_ANY,
				.code = u->b->code, .aval = u->val[A_ATOM] };
			add_cover(o, &k, v, e);
		}
	}

	/* Bucket covers by group, keeping tin order. */
	struct cover *sorted = o->threads->sorted;
	uint32_t at = 0;

	for (uint32_t i = 0; i < o->threads->n_groups; i++) {
		o->threads->groups[i].first = at;
		at += o->threads->groups[i].n;
		o->threads->groups[i].n = 0;
	}
	for (uint32_t i = 0; i < o->threads->n_covers; i++) {
		struct group *g = &o->threads->groups[o->threads->covers[i].group];

		sorted[g->first + g->n++] = o->threads->covers[i];
	}
	struct cover *cstack = o->threads->cstack;
	struct best *bstack = o->threads->bstack;

	for (uint32_t i = 0; i < o->threads->n_groups; i++)
		group_breakpoints(o, &o->threads->groups[i], sorted + o->threads->groups[i].first,
				  cstack, bstack);
}

static struct best group_query(const struct opt *o, const struct group *g,
			       uint32_t pos)
{
	const struct bpoint *bp = o->threads->bpoints + g->bp_first;
	uint32_t lo = 0, hi = g->bp_n;

	while (lo < hi) {	/* first breakpoint after pos */
		uint32_t mid = lo + (hi - lo) / 2;

		if (bp[mid].pos <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? NO_BEST : bp[lo - 1].best;
}

/*
 * The groups a block's branch would be looked up in (kept for the pass:
 * a block is asked about many times, its keys do not change).
 */
static const uint32_t *child_groups(struct opt *o, struct node *c)
{
	if (c->groups_pass != o->pass) {
		struct group_key k = { .code = c->b->code,
				       .aval = c->val[A_ATOM], .oval = c->oval };
		struct group *g;

		for (int kind = GK_TRUE; kind <= GK_JEQ_ANY; kind++) {
			k.kind = (uint8_t)kind;
			if (kind == GK_JEQ_ANY) {
				k.oval = 0;
				if (c->b->code != (BPF_JMP | BPF_JEQ | BPF_K)) {
					c->groups[kind] = 0;
					continue;
				}
			}
			g = group_find(o, &k, false);
			c->groups[kind] = g == NULL ? 0 :
				(uint32_t)(g - o->threads->groups) + 1;
		}
		c->groups_pass = o->pass;
	}
	return c->groups;
}

static uint32_t lookup_min(struct opt *o, uint32_t group, uint32_t pos)
{
	if (group == 0)
		return NONE_ID;
	return group_query(o, &o->threads->groups[group - 1], pos).id1;
}

/* Lowest-numbered "jeq #k true" edge with the same A and another k. */
static uint32_t lookup_jeq_other(struct opt *o, uint32_t group,
				 const struct node *c, uint32_t pos)
{
	struct best b;

	if (group == 0)
		return NONE_ID;
	b = group_query(o, &o->threads->groups[group - 1], pos);
	return b.oval1 != c->oval ? b.id1 : b.id2;
}

/* ------------------------------------------------------------------ */
/* Branch threading.                                                    */

/* Would moving pred's edge to succ change a value succ's successors read? */
static bool use_conflicts_with(const struct node *pred, const struct node *succ)
{
	atomset use = succ->out_use;

	for (int a = 0; use != 0; a++, use >>= 1)
		if ((use & 1) && pred->val[a] != succ->val[a])
			return true;
	return false;
}

/*
 * What a dominating edge d tells about child's branch (libpcap's
 * fold_edge): same opcode and same A -- the same operand means the same
 * outcome; a taken "jeq" with another constant means "false".
 */
static struct node *edge_outcome(const struct node *child, const struct edge *d)
{
	int code = d->code;
	bool sense = code >= 0;

	if (!sense)
		code = -code;
	if (child->b->code != code)
		return NULL;
	if (child->val[A_ATOM] != d->pred->val[A_ATOM])
		return NULL;
	if (child->oval == d->pred->oval)
		return sense ? JT(child) : JF(child);
	if (sense && code == (BPF_JMP | BPF_JEQ | BPF_K))
		return JF(child);
	return NULL;
}

/*
 * The lowest-numbered edge dominating ep (ep included) that decides
 * child's branch without a use conflict, and where it leads.
 */
static struct node *thread_target(struct opt *o, const struct edge *ep,
				  struct node *child)
{
	uint32_t pos = ep->pred->tin;
	uint32_t best = NONE_ID, id;
	struct node *to = NULL, *t;
	const uint32_t *groups = child_groups(o, child);
	bool t_ok = groups[GK_TRUE] && !use_conflicts_with(ep->pred, JT(child));
	bool f_ok = (groups[GK_FALSE] || groups[GK_JEQ_ANY]) &&
		    !use_conflicts_with(ep->pred, JF(child));

	/* ep itself dominates ep. */
	t = edge_outcome(child, ep);
	if (t != NULL && !use_conflicts_with(ep->pred, t)) {
		best = ep->id;
		to = t;
	}
	if (t_ok) {
		id = lookup_min(o, groups[GK_TRUE], pos);
		if (id < best) {
			best = id;
			to = JT(child);
		}
	}
	if (f_ok) {
		id = lookup_min(o, groups[GK_FALSE], pos);
		uint32_t id2 = lookup_jeq_other(o, groups[GK_JEQ_ANY], child,
						pos);

		if (id2 < id)
			id = id2;
		if (id < best) {
			best = id;
			to = JF(child);
		}
	}
	return to;
}

void thread_edge(struct opt *o, struct edge *ep)
{
	struct node *pred = ep->pred;
	int side = ep == &pred->e[0] ? 0 : 1;
	struct node *succ = pred->succ[side];

	if (is_leaf(succ))
		return;
	if (JT(succ) == JF(succ) && !use_conflicts_with(pred, JT(succ))) {
		changed(o);
		pred->succ[side] = succ = JT(succ);
	}
	/* A return's code is no branch: nothing folds into it. */
	while (!is_leaf(succ)) {
		struct node *to = thread_target(o, ep, succ);

		if (to == NULL)
			return;
		o->done = false;
		pred->succ[side] = succ = to;
		if (is_leaf(to))
			return;
	}
}

