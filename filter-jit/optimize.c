/*
 * optimize.c: libpcap 1.10.3's optimizer, re-derived to take the same
 * decisions -- they decide which loads a truncated packet reaches, and
 * which expressions "reject all packets" -- in near-linear time per pass.
 * This file: the fixed-point loop and each pass's snapshots (levels,
 * in-edges, dominators, register uses), the per-block work (value
 * numbering with constant folding, peephole rules, dead stores), and at
 * the end the merging of identical blocks.  Branch threading is in
 * thread.c, the OR/AND pull-ups in pullup.c.
 *
 * The shape is libpcap's on purpose: the same loop, the same snapshots
 * taken at the start of a pass, the same visiting order, because the
 * rewrites interact and their order shows in verdicts.  What differs is
 * how each question is answered: dominators from a tree (not bit sets),
 * dominating edges from indexes (not a scan of every edge), runs of a
 * chain skipped whole, value numbers from a hash table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter-jit/opt.h"

#define AX_ATOM N_ATOMS		/* "uses both A and X" */
#define NO_ATOM (-1)

void *opt_alloc(struct opt *o, size_t n, size_t size)
{
	if (n != 0 && size > SIZE_MAX / n)
		cc_fail(o->cc, "filter is too complex to optimize");
	return cc_alloc(o->cc, n * size);
}

static struct node *node_of(const struct blk *b)
{
	return b->aux;
}

/* One value number's defining operation. */
struct vnode {
	int code;
	uint32_t v0, v1, val;
	uint32_t pass;		/* the pass that made it */
};

/* ------------------------------------------------------------------ */
/* Value numbering.                                                     */

/* Entries of earlier passes count as empty: no clearing per pass. */
static void vals_reset(struct opt *o)
{
	o->curval = 0;
	o->vcount = 0;
	o->vpass++;
}

static bool vnode_live(const struct opt *o, const struct vnode *e)
{
	return e->val != 0 && e->pass == o->vpass;
}

static uint32_t vhash(int code, uint32_t v0, uint32_t v1)
{
	return opt_hash((uint32_t)code, v0, v1);
}

static void vtab_grow(struct opt *o)
{
	struct vnode *old = o->vtab;
	uint32_t oldcap = o->vcap;

	o->vcap = oldcap ? oldcap * 2 : 1024;
	o->vtab = opt_alloc(o, o->vcap, sizeof *o->vtab);
	for (uint32_t i = 0; i < oldcap; i++) {
		if (!vnode_live(o, &old[i]))
			continue;
		uint32_t h = vhash(old[i].code, old[i].v0, old[i].v1);

		for (;; h++)
			if (o->vtab[h & (o->vcap - 1)].val == 0) {
				o->vtab[h & (o->vcap - 1)] = old[i];
				break;
			}
	}
}

static void vmap_reserve(struct opt *o, uint32_t val)
{
	if (val < o->vmax)
		return;
	uint32_t cap = o->vmax ? o->vmax : 1024;

	while (cap <= val)
		cap *= 2;
	uint8_t *ic = opt_alloc(o, cap, 1);
	uint32_t *cv = opt_alloc(o, cap, sizeof *cv);

	if (o->vmax) {
		memcpy(ic, o->is_const, o->vmax);
		memcpy(cv, o->const_val, sizeof *cv * o->vmax);
	}
	o->is_const = ic;
	o->const_val = cv;
	o->vmax = cap;
}

/* The value number of (code v0 v1), made on first sight. */
static uint32_t value_of(struct opt *o, int code, uint32_t v0, uint32_t v1)
{
	if ((o->vcount + 1) * 2 > o->vcap)
		vtab_grow(o);

	uint32_t h = vhash(code, v0, v1);

	for (;; h++) {
		struct vnode *e = &o->vtab[h & (o->vcap - 1)];

		if (!vnode_live(o, e)) {
			uint32_t val = ++o->curval;

			vmap_reserve(o, val);
			o->is_const[val] = 0;
			if (BPF_MODE(code) == BPF_IMM &&
			    (BPF_CLASS(code) == BPF_LD ||
			     BPF_CLASS(code) == BPF_LDX)) {
				o->is_const[val] = 1;
				o->const_val[val] = v0;
			}
			*e = (struct vnode){ code, v0, v1, val, o->vpass };
			o->vcount++;
			return val;
		}
		if (e->code == code && e->v0 == v0 && e->v1 == v1)
			return e->val;
	}
}

static uint32_t konst(struct opt *o, uint32_t k)
{
	return value_of(o, BPF_LD | BPF_IMM | BPF_W, k, 0);
}

static bool val_const(const struct opt *o, uint32_t v)
{
	return o->is_const[v] != 0;
}


/* ------------------------------------------------------------------ */
/* Uses and definitions.                                                */

static int atom_used(const struct insn *s)
{
	uint16_t c = s->code;

	if (c == INSN_NOP)
		return NO_ATOM;
	switch (BPF_CLASS(c)) {
	case BPF_RET:
		return BPF_RVAL(c) == BPF_A ? A_ATOM :
		       BPF_RVAL(c) == BPF_X ? X_ATOM : NO_ATOM;
	case BPF_LD:
	case BPF_LDX:
		return BPF_MODE(c) == BPF_IND ? X_ATOM :
		       BPF_MODE(c) == BPF_MEM ? MEM_ATOM(s->k) :
		       NO_ATOM;
	case BPF_ST:
		return A_ATOM;
	case BPF_STX:
		return X_ATOM;
	case BPF_JMP:
	case BPF_ALU:
		return BPF_SRC(c) == BPF_X ? AX_ATOM : A_ATOM;
	default:	/* BPF_MISC */
		return BPF_MISCOP(c) == BPF_TXA ? X_ATOM : A_ATOM;
	}
}

static int atom_defined(const struct insn *s)
{
	uint16_t c = s->code;

	if (c == INSN_NOP)
		return NO_ATOM;
	switch (BPF_CLASS(c)) {
	case BPF_LD:
	case BPF_ALU:
		return A_ATOM;
	case BPF_LDX:
		return X_ATOM;
	case BPF_ST:
	case BPF_STX:
		return MEM_ATOM(s->k);
	case BPF_MISC:
		return BPF_MISCOP(c) == BPF_TAX ? X_ATOM : A_ATOM;
	default:
		return NO_ATOM;
	}
}

static atomset use_mask(int atom)
{
	if (atom == NO_ATOM)
		return 0;
	if (atom == AX_ATOM)
		return ATOM_BIT(A_ATOM) | ATOM_BIT(X_ATOM);
	return ATOM_BIT(atom);
}

static void local_uses(struct node *p)
{
	struct blk *b = p->b;
	atomset def = 0, use = 0, kill = 0;

	for (unsigned i = 0; i < b->n_stmts; i++) {
		const struct insn *s = &b->stmts[i];
		int d;

		use |= use_mask(atom_used(s)) & ~def;
		d = atom_defined(s);
		if (d != NO_ATOM) {
			if (!(use & ATOM_BIT(d)))
				kill |= ATOM_BIT(d);
			def |= ATOM_BIT(d);
		}
	}
	if (BPF_CLASS(b->code) == BPF_JMP) {
		struct insn j = { .code = b->code };

		use |= use_mask(atom_used(&j)) & ~def;
	}
	p->kill = kill;
	p->in_use = use;
	p->out_use = 0;
}

/* ------------------------------------------------------------------ */
/* The pass's snapshots: levels, in-edges, dominators, uses.            */

/*
 * Levels: 0 for returns, else one more than the higher successor.  Each
 * level lists its blocks latest-finished first (a depth-first walk, true
 * successor first); passes visit blocks level by level in that order.
 */
static void assign_levels(struct opt *o)
{
	uint32_t sp = 0, n_post = 0;
	struct node **post = o->order;	/* postorder first, sorted below */
	uint32_t *count;

	o->mark++;
	o->stack[sp++] = o->root;
	o->root->mark = o->mark;
	o->state[o->root->id] = 0;
	while (sp > 0) {
		struct node *p = o->stack[sp - 1];

		if (!is_leaf(p) && o->state[p->id] < 2) {
			struct node *c = p->succ[o->state[p->id]++];

			if (c->mark != o->mark) {
				c->mark = o->mark;
				o->state[c->id] = 0;
				o->stack[sp++] = c;
			}
			continue;
		}
		p->level = is_leaf(p) ? 0 :
			   1 + (JT(p)->level > JF(p)->level ? JT(p)->level
							    : JF(p)->level);
		post[n_post++] = p;
		sp--;
	}
	o->max_level = o->root->level;

	/* Counting sort by level, highest first, keeping latest-first. */
	count = o->level_first;
	memset(count, 0, sizeof *count * (o->max_level + 2));
	for (uint32_t i = 0; i < n_post; i++)
		count[post[i]->level]++;
	uint32_t at = 0;
	for (int l = o->max_level; l >= 0; l--) {
		uint32_t c = count[l];

		count[l] = at;
		at += c;
	}
	struct node **sorted = o->stack + o->n;

	for (uint32_t i = n_post; i-- > 0;) {
		struct node *p = post[i];

		sorted[count[p->level]++] = p;
	}
	/* count[l] now ends level l; rebuild the starts. */
	at = 0;
	for (int l = o->max_level; l >= 0; l--) {
		uint32_t end = count[l];

		count[l] = at;
		at = end;
	}
	memcpy(o->order, sorted, sizeof *sorted * n_post);
	o->n_order = n_post;
}

/* Blocks of level l: order[level_first[l] .. level_end(l)). */
static uint32_t level_end(const struct opt *o, int l)
{
	return l == 0 ? o->n_order : o->level_first[l - 1];
}

/* In-edges of every successor of a listed block above level 0. */
static void link_in_edges(struct opt *o)
{
	for (uint32_t i = 0; i < o->n; i++)
		o->nodes[i].in_edges = NULL;
	for (uint32_t i = 0; i < level_end(o, 1); i++) {
		struct node *p = o->order[i];

		for (int s = 0; s < 2; s++) {
			p->e[s].next_in = p->succ[s]->in_edges;
			p->succ[s]->in_edges = &p->e[s];
		}
	}
}

/* Jump pointers (Myers' skew-binary scheme): O(log n) ancestor steps. */
static void tree_attach(struct node *v, struct node *parent)
{
	struct node *j = parent->jump;

	v->idom = parent;
	v->depth = parent->depth + 1;
	if (parent->depth - j->depth == j->depth - j->jump->depth)
		v->jump = j->jump;
	else
		v->jump = parent;
}

static struct node *tree_lca(struct node *u, struct node *v)
{
	if (u->depth < v->depth) {
		struct node *t = u;

		u = v;
		v = t;
	}
	while (u->depth > v->depth)
		u = u->jump->depth >= v->depth ? u->jump : u->idom;
	while (u != v) {
		if (u->jump != v->jump) {
			u = u->jump;
			v = v->jump;
		} else {
			u = u->idom;
			v = v->idom;
		}
	}
	return u;
}

/*
 * Dominators of the pass's graph: in a DAG taken in topological order, a
 * block's immediate dominator is the common ancestor of its predecessors.
 * Then a preorder numbering, so "a dominates b" is an interval test.
 */
static void compute_dominators(struct opt *o)
{
	for (uint32_t i = 0; i < o->n; i++) {
		struct node *p = &o->nodes[i];

		p->tin = NOT_IN_TREE;
		p->child = p->sibling = NULL;
		p->n_in = 0;
		p->only_in = NULL;
	}
	for (uint32_t i = 0; i < o->n_order; i++) {
		struct node *p = o->order[i];
		struct node *d = NULL;

		for (struct edge *e = p->in_edges; e != NULL; e = e->next_in) {
			d = d == NULL ? e->pred : tree_lca(d, e->pred);
			p->n_in++;
			p->only_in = e;
		}
		if (p == o->root) {
			p->idom = NULL;
			p->jump = p;
			p->depth = 0;
			continue;
		}
		tree_attach(p, d);
		p->sibling = d->child;
		d->child = p;
	}

	uint32_t sp = 0, t = 0;

	o->stack[sp++] = o->root;
	o->root->tin = NOT_IN_TREE - 1;	/* "entered" */
	while (sp > 0) {
		struct node *p = o->stack[sp - 1];

		if (p->tin == NOT_IN_TREE - 1) {
			p->tin = t++;
			for (struct node *c = p->child; c; c = c->sibling) {
				c->tin = NOT_IN_TREE - 1;
				o->stack[sp++] = c;
			}
			continue;
		}
		sp--;
		p->tout = t - 1;
	}
}

static void find_uses(struct opt *o)
{
	for (uint32_t i = 0; i < o->n_order; i++)
		local_uses(o->order[i]);
	for (int l = 1; l <= o->max_level; l++)
		for (uint32_t i = o->level_first[l]; i < level_end(o, l); i++) {
			struct node *p = o->order[i];

			p->out_use |= JT(p)->in_use | JF(p)->in_use;
			p->in_use |= p->out_use & ~p->kill;
		}
}

/* ------------------------------------------------------------------ */
/* Statements: symbolic evaluation and the rewrites it allows.          */

/* Store a value number, or drop the statement if it changes nothing. */
static void store_value(struct insn *s, uint32_t *slot, uint32_t v, bool alter)
{
	if (alter && v != VAL_UNKNOWN && *slot == v)
		s->code = INSN_NOP;
	else
		*slot = v;
}

/* Constant folding of a binary ALU operation into "ld #result". */
static void fold_alu(struct opt *o, struct insn *s, uint32_t v0, uint32_t v1)
{
	uint32_t a = o->const_val[v0], b = o->const_val[v1];

	switch (BPF_OP(s->code)) {
	case BPF_ADD: a += b; break;
	case BPF_SUB: a -= b; break;
	case BPF_MUL: a *= b; break;
	case BPF_DIV:
		if (b == 0)
			cc_fail(o->cc, "division by zero");
		a /= b;
		break;
	case BPF_MOD:
		if (b == 0)
			cc_fail(o->cc, "modulus by zero");
		a %= b;
		break;
	case BPF_AND: a &= b; break;
	case BPF_OR: a |= b; break;
	case BPF_XOR: a ^= b; break;
	case BPF_LSH: a = b < 32 ? a << b : 0; break;
	case BPF_RSH: a = b < 32 ? a >> b : 0; break;
	default:
		cc_fail(o->cc, "internal error: folding ALU op 0x%x", s->code);
	}
	s->k = a;
	s->code = BPF_LD | BPF_IMM;
	changed(o);
}

static void eval_alu_k(struct opt *o, struct insn *s, uint32_t *val,
		       bool alter)
{
	int op = BPF_OP(s->code);

	if (alter) {
		if (s->k == 0) {
			/* "sub #0" stays: later peepholes may need it. */
			if (op == BPF_ADD || op == BPF_LSH || op == BPF_RSH ||
			    op == BPF_OR || op == BPF_XOR) {
				s->code = INSN_NOP;
				return;
			}
			if (op == BPF_MUL || op == BPF_AND) {
				s->code = BPF_LD | BPF_IMM;
				val[A_ATOM] = konst(o, s->k);
				return;
			}
			if (op == BPF_DIV)
				cc_fail(o->cc, "division by zero");
			if (op == BPF_MOD)
				cc_fail(o->cc, "modulus by zero");
		}
		if (val_const(o, val[A_ATOM])) {
			fold_alu(o, s, val[A_ATOM], konst(o, s->k));
			val[A_ATOM] = konst(o, s->k);
			return;
		}
	}
	val[A_ATOM] = value_of(o, s->code, val[A_ATOM], konst(o, s->k));
}

static void eval_alu_x(struct opt *o, struct insn *s, uint32_t *val,
		       bool alter)
{
	int op = BPF_OP(s->code);

	if (alter && val_const(o, val[X_ATOM])) {
		if (val_const(o, val[A_ATOM])) {
			fold_alu(o, s, val[A_ATOM], val[X_ATOM]);
			val[A_ATOM] = konst(o, s->k);
		} else {
			s->code = (uint16_t)(BPF_ALU | BPF_K | op);
			s->k = o->const_val[val[X_ATOM]];
			if ((op == BPF_LSH || op == BPF_RSH) && s->k > 31)
				cc_fail(o->cc, "shift by more than 31 bits");
			changed(o);
			val[A_ATOM] = value_of(o, s->code, val[A_ATOM],
					       konst(o, s->k));
		}
		return;
	}
	/* 0 op X: a move or a constant, which may open other rewrites. */
	if (alter && val_const(o, val[A_ATOM]) &&
	    o->const_val[val[A_ATOM]] == 0) {
		if (op == BPF_ADD || op == BPF_OR || op == BPF_XOR) {
			s->code = BPF_MISC | BPF_TXA;
			store_value(s, &val[A_ATOM], val[X_ATOM], alter);
			return;
		}
		if (op == BPF_MUL || op == BPF_DIV || op == BPF_MOD ||
		    op == BPF_AND || op == BPF_LSH || op == BPF_RSH) {
			s->code = BPF_LD | BPF_IMM;
			s->k = 0;
			store_value(s, &val[A_ATOM], konst(o, s->k), alter);
			return;
		}
	}
	val[A_ATOM] = value_of(o, s->code, val[A_ATOM], val[X_ATOM]);
}

/* Scratch loads of a known constant become immediates. */
static void eval_mem_load(struct opt *o, struct insn *s, uint32_t *val,
			  int dst, bool alter)
{
	uint32_t v = val[MEM_ATOM(s->k)];

	if (alter && val_const(o, v)) {
		s->code = dst == A_ATOM ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM;
		s->k = o->const_val[v];
		changed(o);
	}
	store_value(s, &val[dst], v, alter);
}

static void eval_stmt(struct opt *o, struct insn *s, uint32_t *val,
		      bool alter)
{
	uint32_t v;

	switch (s->code) {
	case BPF_LD | BPF_ABS | BPF_W:
	case BPF_LD | BPF_ABS | BPF_H:
	case BPF_LD | BPF_ABS | BPF_B:
		store_value(s, &val[A_ATOM], value_of(o, s->code, s->k, 0), alter);
		break;
	case BPF_LD | BPF_IND | BPF_W:
	case BPF_LD | BPF_IND | BPF_H:
	case BPF_LD | BPF_IND | BPF_B:
		v = val[X_ATOM];
		if (alter && val_const(o, v)) {
			s->code = (uint16_t)(BPF_LD | BPF_ABS | BPF_SIZE(s->code));
			s->k += o->const_val[v];
			v = value_of(o, s->code, s->k, 0);
			changed(o);
		} else {
			v = value_of(o, s->code, s->k, v);
		}
		store_value(s, &val[A_ATOM], v, alter);
		break;
	case BPF_LD | BPF_LEN:
		store_value(s, &val[A_ATOM], value_of(o, s->code, 0, 0), alter);
		break;
	case BPF_LD | BPF_IMM:
		store_value(s, &val[A_ATOM], konst(o, s->k), alter);
		break;
	case BPF_LDX | BPF_IMM:
		store_value(s, &val[X_ATOM], konst(o, s->k), alter);
		break;
	case BPF_LDX | BPF_MSH | BPF_B:
		store_value(s, &val[X_ATOM], value_of(o, s->code, s->k, 0), alter);
		break;
	case BPF_ALU | BPF_NEG:
		if (alter && val_const(o, val[A_ATOM])) {
			s->code = BPF_LD | BPF_IMM;
			s->k = 0u - o->const_val[val[A_ATOM]];
			val[A_ATOM] = konst(o, s->k);
		} else {
			val[A_ATOM] = value_of(o, s->code, val[A_ATOM], 0);
		}
		break;
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		eval_alu_k(o, s, val, alter);
		break;
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
		eval_alu_x(o, s, val, alter);
		break;
	case BPF_MISC | BPF_TXA:
		store_value(s, &val[A_ATOM], val[X_ATOM], alter);
		break;
	case BPF_LD | BPF_MEM:
		eval_mem_load(o, s, val, A_ATOM, alter);
		break;
	case BPF_LDX | BPF_MEM:
		eval_mem_load(o, s, val, X_ATOM, alter);
		break;
	case BPF_MISC | BPF_TAX:
		store_value(s, &val[X_ATOM], val[A_ATOM], alter);
		break;
	case BPF_ST:
		store_value(s, &val[MEM_ATOM(s->k)], val[A_ATOM], alter);
		break;
	case BPF_STX:
		store_value(s, &val[MEM_ATOM(s->k)], val[X_ATOM], alter);
		break;
	default:	/* values unknown to libpcap's optimizer stay as they are */
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Peephole rules.                                                      */

static unsigned next_op(const struct blk *b, unsigned i)
{
	while (i < b->n_stmts && b->stmts[i].code == INSN_NOP)
		i++;
	return i;
}

static void swap_targets(struct node *p)
{
	struct node *t = JT(p);

	JT(p) = JF(p);
	JF(p) = t;
}

/*
 * "ld #k; [ldxms]; add x; tax; ld [x + j]" with X dead afterwards: the
 * constant folds into the indexed load (tcp[k], udp[k] with constant k).
 */
static bool peep_index_const(struct opt *o, struct node *p, unsigned i,
			     unsigned nx)
{
	struct blk *b = p->b;
	unsigned add, tax, ild;

	if (p->out_use & ATOM_BIT(X_ATOM))
		return false;
	add = b->stmts[nx].code == (BPF_LDX | BPF_MSH | BPF_B)
		      ? next_op(b, nx + 1) : nx;
	if (add >= b->n_stmts ||
	    b->stmts[add].code != (BPF_ALU | BPF_ADD | BPF_X))
		return false;
	tax = next_op(b, add + 1);
	if (tax >= b->n_stmts || b->stmts[tax].code != (BPF_MISC | BPF_TAX))
		return false;
	ild = next_op(b, tax + 1);
	if (ild >= b->n_stmts || BPF_CLASS(b->stmts[ild].code) != BPF_LD ||
	    BPF_MODE(b->stmts[ild].code) != BPF_IND)
		return false;
	b->stmts[ild].k += b->stmts[i].k;
	b->stmts[i].code = INSN_NOP;
	b->stmts[add].code = INSN_NOP;
	b->stmts[tax].code = INSN_NOP;
	changed(o);
	return true;
}

/* The statement rules, pair by pair; returns the last statement looked at. */
static unsigned peep_stmts(struct opt *o, struct node *p)
{
	struct blk *b = p->b;
	unsigned last = 0;	/* libpcap starts from the list's head */

	for (unsigned i = next_op(b, 0); i < b->n_stmts;) {
		unsigned nx = next_op(b, i + 1);
		struct insn *s, *n;

		if (nx >= b->n_stmts)
			break;
		last = nx;
		s = &b->stmts[i];
		n = &b->stmts[nx];
		if (s->code == BPF_ST && n->code == (BPF_LDX | BPF_MEM) &&
		    s->k == n->k) {
			n->code = BPF_MISC | BPF_TAX;
			changed(o);
		}
		if (s->code == (BPF_LD | BPF_IMM) &&
		    n->code == (BPF_MISC | BPF_TAX)) {
			s->code = BPF_LDX | BPF_IMM;
			n->code = BPF_MISC | BPF_TXA;
			changed(o);
		}
		if (s->code == (BPF_LD | BPF_IMM))
			peep_index_const(o, p, i, nx);
		i = next_op(b, nx);
	}
	return last;
}

/* A "jeq" after arithmetic on A nobody reads: fold the arithmetic in. */
static void peep_jeq(struct opt *o, struct node *p, struct insn *last)
{
	struct blk *b = p->b;

	if (b->code != (BPF_JMP | BPF_JEQ | BPF_K) ||
	    (p->out_use & ATOM_BIT(A_ATOM)))
		return;
	if (last->code == (BPF_ALU | BPF_SUB | BPF_X)) {
		uint32_t x = p->val[X_ATOM];

		if (val_const(o, x)) {
			b->k += o->const_val[x];
			last->code = INSN_NOP;
			changed(o);
		} else if (b->k == 0) {
			last->code = INSN_NOP;
			b->code = BPF_JMP | BPF_JEQ | BPF_X;
			changed(o);
		}
	} else if (last->code == (BPF_ALU | BPF_SUB | BPF_K)) {
		last->code = INSN_NOP;
		b->k += last->k;
		changed(o);
	} else if (last->code == (BPF_ALU | BPF_AND | BPF_K) && b->k == 0) {
		b->k = last->k;
		b->code = BPF_JMP | BPF_JSET | BPF_K;
		last->code = INSN_NOP;
		changed(o);
		swap_targets(p);
	}
}

/* Branches whose outcome the values decide. */
static void peep_branch(struct opt *o, struct node *p)
{
	struct blk *b = p->b;
	uint32_t v;

	if (b->code == (BPF_JMP | BPF_JSET | BPF_K)) {
		if (b->k == 0)
			JT(p) = JF(p);
		if (b->k == 0xffffffffu)
			JF(p) = JT(p);
	}
	v = p->val[X_ATOM];
	if (val_const(o, v) && BPF_SRC(b->code) == BPF_X) {
		b->code &= (uint16_t)~BPF_X;
		b->k = o->const_val[v];
	}
	v = p->val[A_ATOM];
	if (val_const(o, v) && BPF_SRC(b->code) == BPF_K) {
		uint32_t a = o->const_val[v];
		bool taken;

		switch (BPF_OP(b->code)) {
		case BPF_JEQ: taken = a == b->k; break;
		case BPF_JGT: taken = a > b->k; break;
		case BPF_JGE: taken = a >= b->k; break;
		case BPF_JSET: taken = (a & b->k) != 0; break;
		default:
			cc_fail(o->cc, "internal error: branch op 0x%x", b->code);
		}
		if (JF(p) != JT(p))
			changed(o);
		if (taken)
			JF(p) = JT(p);
		else
			JT(p) = JF(p);
	}
}

static void peephole_block(struct opt *o, struct node *p)
{
	struct blk *b = p->b;
	unsigned last;

	if (b->n_stmts == 0)
		return;
	last = peep_stmts(o, p);
	peep_jeq(o, p, &b->stmts[last]);
	peep_branch(o, p);
}

/* ------------------------------------------------------------------ */
/* Dead stores: a definition overwritten unread, or not read after.     */

/* last[a]: a's latest definition not read since (bit a of *pending). */
static void dead_step(struct opt *o, struct insn *s, struct insn **last,
		      atomset *pending)
{
	int a = atom_defined(s);

	*pending &= ~use_mask(atom_used(s));
	if (a != NO_ATOM) {
		if (*pending & ATOM_BIT(a)) {
			last[a]->code = INSN_NOP;
			changed(o);
		}
		last[a] = s;
		*pending |= ATOM_BIT(a);
	}
}

static void drop_dead_stores(struct opt *o, struct node *p)
{
	struct blk *b = p->b;
	struct insn *last[N_ATOMS];
	struct insn branch = { .code = b->code, .k = b->k };
	atomset pending = 0;

	for (unsigned i = 0; i < b->n_stmts; i++)
		dead_step(o, &b->stmts[i], last, &pending);
	dead_step(o, &branch, last, &pending);
	pending &= ~p->out_use;
	for (int a = 0; pending != 0; a++, pending >>= 1)
		if (pending & 1) {
			last[a]->code = INSN_NOP;
			changed(o);
		}
}

/* ------------------------------------------------------------------ */
/* One block.                                                           */

/* Atoms beyond n_atoms are never written: they stay unknown. */
static void entry_values(const struct opt *o, struct node *p)
{
	struct edge *e = p->in_edges;
	size_t size = sizeof *p->val * o->n_atoms;

	if (e == NULL) {
		memset(p->val, 0, size);
		return;
	}
	memcpy(p->val, e->pred->val, size);
	for (e = e->next_in; e != NULL; e = e->next_in) {
		if (memcmp(p->val, e->pred->val, size) == 0)
			continue;
		for (unsigned a = 0; a < o->n_atoms; a++)
			if (p->val[a] != e->pred->val[a])
				p->val[a] = VAL_UNKNOWN;
	}
}

static void optimize_block(struct opt *o, struct node *p, bool do_stmts)
{
	struct blk *b = p->b;
	uint32_t aval, xval;

	entry_values(o, p);
	aval = p->val[A_ATOM];
	xval = p->val[X_ATOM];
	/*
	 * Code that branches inside itself (live VLAN tags) is read as
	 * straight code, jumps as uses of A: libpcap's reading, kept so the
	 * program is libpcap's.
	 */
	for (unsigned i = 0; i < b->n_stmts; i++)
		eval_stmt(o, &b->stmts[i], p->val, do_stmts);

	/*
	 * Nothing after reads what this block leaves and A and X come out
	 * as they went in (or it is a return): its statements go, the list
	 * with them.
	 */
	if (do_stmts &&
	    ((p->out_use == 0 && aval != VAL_UNKNOWN &&
	      p->val[A_ATOM] == aval && xval != VAL_UNKNOWN &&
	      p->val[X_ATOM] == xval) || blk_is_ret(b))) {
		if (b->n_stmts != 0) {
			b->n_stmts = 0;
			b->inner_jumps = false;
			changed(o);
		}
	} else {
		peephole_block(o, p);
		drop_dead_stores(o, p);
	}
	p->oval = BPF_SRC(b->code) == BPF_K ? konst(o, b->k)
					    : p->val[X_ATOM];
	p->e[0].code = b->code;
	p->e[1].code = -(int)b->code;
}

/* ------------------------------------------------------------------ */
/* Dominating-edge index: for threading, the lowest-numbered edge that   */
/* dominates a block and tests the same thing as a given block.         */

/* ------------------------------------------------------------------ */
/* Passes.                                                              */

static void optimize_blocks(struct opt *o, bool do_stmts)
{
	vals_reset(o);
	for (uint32_t i = 0; i < o->n_order; i++)
		optimize_block(o, o->order[i], do_stmts);
	if (do_stmts)
		return;

	thread_index_build(o);
	for (int l = 1; l <= o->max_level; l++)
		for (uint32_t i = o->level_first[l]; i < level_end(o, l); i++) {
			thread_edge(o, &o->order[i]->e[0]);
			thread_edge(o, &o->order[i]->e[1]);
		}
	link_in_edges(o);
	pullup_begin(o);
	for (int l = 1; l <= o->max_level; l++)
		for (uint32_t i = o->level_first[l]; i < level_end(o, l); i++) {
			pullup(o, o->order[i], 1);
			pullup(o, o->order[i], 0);
		}
}

static void optimize_until_stable(struct opt *o, bool do_stmts)
{
	int idle_passes = 0;

	for (;;) {
		o->done = true;
		o->moved_other = false;
		assign_levels(o);
		link_in_edges(o);
		compute_dominators(o);
		find_uses(o);
		optimize_blocks(o, do_stmts);
		if (o->done)
			break;
		/* Only branches moved: libpcap gives up after 100 such. */
		if (o->moved_other) {
			idle_passes = 0;
		} else if (++idle_passes >= 100) {
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Merging identical blocks (same statements, branch and successors).   */

static uint64_t blk_hash(const struct node *p)
{
	const struct blk *b = p->b;
	uint64_t h = vhash(b->code, b->k, 0);

	for (unsigned i = 0; i < b->n_stmts; i++)
		if (b->stmts[i].code != INSN_NOP)
			h = h * 1000003u ^ vhash(b->stmts[i].code,
						 b->stmts[i].k, 1);
	if (!is_leaf(p))
		h = h * 31 + JT(p)->id * 7919u + JF(p)->id;
	return h;
}

static bool same_stmts(const struct blk *x, const struct blk *y)
{
	unsigned i = 0, j = 0;

	for (;;) {
		i = next_op(x, i);
		j = next_op(y, j);
		if (i == x->n_stmts || j == y->n_stmts)
			return i == x->n_stmts && j == y->n_stmts;
		if (x->stmts[i].code != y->stmts[j].code ||
		    x->stmts[i].k != y->stmts[j].k)
			return false;
		i++;
		j++;
	}
}

static bool same_blk(const struct node *x, const struct node *y)
{
	return x->b->code == y->b->code && x->b->k == y->b->k &&
	       JT(x) == JT(y) && JF(x) == JF(y) && same_stmts(x->b, y->b);
}

/*
 * Children before parents, so equal successors are already one block;
 * a hash of each block's content finds its twin.
 */
static void merge_equal_blocks(struct opt *o)
{
	uint32_t cap = 16;

	assign_levels(o);
	while (cap < o->n_order * 2)
		cap *= 2;
	struct node **tab = opt_alloc(o, cap, sizeof *tab);

	for (uint32_t i = o->n_order; i-- > 0;) {
		struct node *p = o->order[i];

		if (!is_leaf(p)) {
			JT(p) = JT(p)->rep;
			JF(p) = JF(p)->rep;
		}
		uint64_t h = blk_hash(p);

		for (;; h++) {
			struct node **slot = &tab[h & (cap - 1)];

			if (*slot == NULL) {
				*slot = p;
				p->rep = p;
				break;
			}
			if (same_blk(*slot, p)) {
				p->rep = *slot;
				break;
			}
		}
	}
}

/* Skip a root whose branch goes one way; its statements move along. */
static void trim_root(struct opt *o)
{
	struct node *r = o->root;
	struct blk *first = r->b;

	while (!is_leaf(r) && JT(r) == JF(r))
		r = JT(r);
	if (r != o->root) {
		struct blk *b = r->b;
		unsigned n = first->n_stmts + b->n_stmts;
		struct insn *v = opt_alloc(o, n ? n : 1, sizeof *v);

		if (first->n_stmts)
			memcpy(v, first->stmts, sizeof *v * first->n_stmts);
		if (b->n_stmts)
			memcpy(v + first->n_stmts, b->stmts,
			       sizeof *v * b->n_stmts);
		b->stmts = v;
		b->n_stmts = n;
		b->inner_jumps = b->inner_jumps || first->inner_jumps;
		first->n_stmts = 0;
	}
	if (blk_is_ret(r->b))
		r->b->n_stmts = 0;
	o->root = r;
}

/* ------------------------------------------------------------------ */

/* A, X, and scratch registers up to the highest any statement names. */
static unsigned atoms_in_use(const struct cfg *g)
{
	unsigned n = 2;

	for (unsigned i = 0; i < g->n; i++) {
		const struct blk *b = g->v[i];

		for (unsigned j = 0; j < b->n_stmts; j++) {
			const struct insn *s = &b->stmts[j];
			int c = BPF_CLASS(s->code);
			bool mem = c == BPF_ST || c == BPF_STX ||
				   ((c == BPF_LD || c == BPF_LDX) &&
				    BPF_MODE(s->code) == BPF_MEM);

			if (mem && (unsigned)MEM_ATOM(s->k) + 1 > n)
				n = (unsigned)MEM_ATOM(s->k) + 1;
		}
	}
	return n;
}

/* The blocks reachable from the entry, each with its optimizer node. */
static void number_blocks(struct opt *o, struct cfg *g)
{
	struct blk **stack = opt_alloc(o, g->n + 1, sizeof *stack);
	uint32_t sp = 0, n = 0;

	for (unsigned i = 0; i < g->n; i++)
		g->v[i]->mark = 0;
	stack[sp++] = g->entry;
	g->entry->mark = 1;
	o->nodes = opt_alloc(o, g->n, sizeof *o->nodes);
	while (sp > 0) {
		struct blk *b = stack[--sp];
		struct node *p = &o->nodes[n];

		p->b = b;
		p->id = n++;	/* renumber_recursive gives libpcap's */
		b->aux = p;
		if (blk_is_ret(b))
			continue;
		if (b->jf->mark == 0) {
			b->jf->mark = 1;
			stack[sp++] = b->jf;
		}
		if (b->jt->mark == 0) {
			b->jt->mark = 1;
			stack[sp++] = b->jt;
		}
	}
	o->n = n;
}

/*
 * The stack-based walk above numbers jf before the jt subtree ends;
 * libpcap numbers recursively (jt's whole subtree first).  Renumber so
 * edge ids -- which break ties in threading -- match.
 */
static void renumber_recursive(struct opt *o)
{
	uint32_t sp = 0, n = 0;
	struct node **stack = o->stack;

	o->mark++;
	stack[sp++] = o->root;
	while (sp > 0) {
		struct node *p = stack[--sp];

		if (p->mark == o->mark)
			continue;
		p->mark = o->mark;
		p->id = n++;
		if (is_leaf(p))
			continue;
		stack[sp++] = JF(p);
		stack[sp++] = JT(p);
	}
}

void cfg_optimize(struct cc *cc, struct cfg *g)
{
	struct opt o = { .cc = cc };

	number_blocks(&o, g);
	for (uint32_t i = 0; i < o.n; i++) {
		struct node *p = &o.nodes[i];

		if (!blk_is_ret(p->b)) {
			JT(p) = node_of(p->b->jt);
			JF(p) = node_of(p->b->jf);
		}
		p->e[0].pred = p->e[1].pred = p;
	}
	o.root = &o.nodes[0];
	o.n_atoms = atoms_in_use(g);
	o.stack = opt_alloc(&o, 2 * (size_t)o.n + 2, sizeof *o.stack);
	o.state = opt_alloc(&o, o.n + 1, 1);
	o.order = opt_alloc(&o, o.n + 1, sizeof *o.order);
	o.level_first = opt_alloc(&o, o.n + 2, sizeof *o.level_first);
	thread_init(&o);
	pullup_init(&o);

	renumber_recursive(&o);
	for (uint32_t i = 0; i < o.n; i++) {
		o.nodes[i].e[0].id = o.nodes[i].id;
		o.nodes[i].e[1].id = o.n + o.nodes[i].id;
	}

	vtab_grow(&o);
	optimize_until_stable(&o, false);
	optimize_until_stable(&o, true);

	merge_equal_blocks(&o);
	trim_root(&o);
	for (uint32_t i = 0; i < o.n; i++) {
		struct node *p = &o.nodes[i];

		if (!is_leaf(p)) {
			p->b->jt = JT(p)->b;
			p->b->jf = JF(p)->b;
		}
	}
	g->entry = o.root->b;
}
