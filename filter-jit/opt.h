/*
 * opt.h: what the optimizer's files share (optimize.c: passes, values,
 * blocks; thread.c: branch threading; pullup.c: OR/AND pull-ups) -- the
 * optimizer's view of a block, its edges, and the state of a run.
 */
#ifndef ACCEL_OPT_H
#define ACCEL_OPT_H

#include <stdbool.h>
#include <stdint.h>

#include "filter-jit/cfg.h"

/*
 * Atoms: what a statement reads or writes -- A, X, then the scratch
 * registers (A and X first, so programs without scratch memory keep
 * their values in a few bytes: see struct opt's n_atoms).
 */
#define A_ATOM 0
#define X_ATOM 1
#define MEM_ATOM(k) (2 + (int)((k) % BPF_MEMWORDS))
#define N_ATOMS (BPF_MEMWORDS + 2)
#define VAL_UNKNOWN 0u
#define NOT_IN_TREE UINT32_MAX

typedef uint32_t atomset;
#define ATOM_BIT(a) ((atomset)1 << (a))

struct node;

struct edge {
	struct node *pred;
	int code;		/* the branch's opcode; negated on the false edge */
	uint32_t id;		/* true edges 0..n-1, false edges n..2n-1 */
	struct edge *next_in;	/* the successor's in-edge list */
};

/* What every pass reads first comes first (big graphs miss the cache). */
struct node {
	struct node *succ[2];	/* jt, jf; NULL for a return */
	uint32_t val[N_ATOMS];	/* value numbers on exit */
	uint32_t tin, tout;	/* preorder interval; NOT_IN_TREE: not reached */
	int level;
	uint32_t id;		/* depth-first preorder, fixed at the start */
	unsigned mark;
	uint32_t oval;		/* value number of the branch operand */
	atomset kill, in_use, out_use;
	struct edge *in_edges;
	struct blk *b;
	struct edge e[2];	/* et, ef */
	/* This pass's dominator tree. */
	struct node *idom, *jump, *child, *sibling;
	unsigned depth;
	unsigned n_in;		/* in-edges from reachable blocks */
	struct edge *only_in;	/* the in-edge when n_in == 1 */
	struct node *rep;	/* merging: the block this one merges into */
	uint32_t groups[3];	/* threading: its tests' groups, + 1 (0: none) */
	uint32_t groups_pass;
};

#define JT(p) ((p)->succ[0])
#define JF(p) ((p)->succ[1])

struct thread_index;	/* thread.c */
struct runs;		/* pullup.c */

struct opt {
	struct cc *cc;
	struct node *nodes;
	uint32_t n;
	struct node *root;
	bool done;
	bool moved_other;	/* libpcap's non_branch_movement_performed */
	unsigned mark;
	unsigned n_atoms;	/* A, X and the scratch registers in use */

	/* This pass: reachable nodes by level, highest first. */
	struct node **order;
	uint32_t n_order;
	uint32_t *level_first;	/* order index where each level starts */
	int max_level;

	/* Value numbers (reset each pass). */
	struct vnode *vtab;
	uint32_t vcap, vcount;
	uint32_t curval;
	uint32_t vpass;
	uint8_t *is_const;
	uint32_t *const_val;
	uint32_t vmax;

	struct thread_index *threads;
	uint32_t pass;		/* counts passes (stamps per-pass caches) */
	struct runs *runs[2];	/* per pull-up side */

	struct node **stack;	/* scratch: 2n + 2 */
	uint8_t *state;		/* scratch: n + 1 */
};

void *opt_alloc(struct opt *o, size_t n, size_t size);

static inline bool is_leaf(const struct node *p)
{
	return p->succ[0] == NULL;
}

/* b dominates p at the start of the pass (unreached p: by everything). */
static inline bool dominates(const struct node *b, const struct node *p)
{
	if (p->tin == NOT_IN_TREE)
		return true;
	return b->tin <= p->tin && p->tin <= b->tout;
}

/* Something other than a branch moved: another pass is due. */
static inline void changed(struct opt *o)
{
	o->moved_other = true;
	o->done = false;
}

static inline uint32_t opt_hash(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull;

	h ^= b + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
	h ^= c + 0x85157af5ull + (h << 6) + (h >> 2);
	return (uint32_t)(h ^ (h >> 29));
}

/* thread.c */
void thread_init(struct opt *o);
void thread_index_build(struct opt *o);
void thread_edge(struct opt *o, struct edge *ep);

/* pullup.c */
void pullup_init(struct opt *o);
void pullup_begin(struct opt *o);
void pullup(struct opt *o, struct node *b, int side);

#endif
