/*
 * emit.c: the control-flow graph to classic BPF, and cc_generate, the
 * back end's driver.  Blocks are laid out as libpcap lays them out (a
 * block is followed by its "true" successor when it can be).  A branch
 * that cannot reach its target within 255 instructions goes through a
 * trampoline: libpcap puts a "ja" right after the branch; we share
 * trampolines between branches in pools placed between blocks (a copy
 * of the return, or one "ja", per distant target), which keeps big set
 * trees small.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter-jit/cfg.h"
#include "filter-jit/filter.h"

#define FAR_JT 1u
#define FAR_JF 2u
#define NO_POS UINT32_MAX

/* A trampoline in a pool: where it sits and where it goes. */
struct tramp {
	uint32_t pos;
	struct blk *to;
};

struct layout {
	struct cc *cc;
	const struct emit_opts *opts;
	struct blk **order;
	unsigned n;
	uint32_t *via;		/* per block and side: trampoline, or NO_POS */
	struct tramp *tramps;
	unsigned n_tramps, cap_tramps;
	uint64_t len;
};

/* Statements that survive the optimizer. */
static unsigned live_stmts(const struct blk *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_stmts; i++)
		n += b->stmts[i].code != INSN_NOP;
	return n;
}

static uint32_t branch_pos(const struct blk *b)
{
	return b->pos + live_stmts(b);
}

/* A conditional jump's offsets count from the instruction after it. */
static bool reaches_pos(uint64_t from_next, uint64_t to)
{
	return to >= from_next && to - from_next <= 255;
}

static unsigned blk_size(const struct layout *L, const struct blk *b)
{
	unsigned n = live_stmts(b) + 1;

	if (!L->opts->pools && !blk_is_ret(b))
		n += !!(b->far & FAR_JT) + !!(b->far & FAR_JF);
	return n;
}

static void check_len(struct layout *L, uint64_t pos)
{
	if (pos > (uint64_t)INT32_MAX)
		cc_fail(L->cc, "expression too complex: the program would be "
			"longer than BPF allows");
}

/* ------------------------------------------------------------------ */
/* Pools.                                                               */

/* Far branches waiting for a trampoline, with the last place it may be. */
struct pending {
	struct blk *b;
	int side;
	uint64_t deadline;
};

static void add_tramp(struct layout *L, uint32_t pos, struct blk *to)
{
	if (L->n_tramps == L->cap_tramps) {
		unsigned cap = L->cap_tramps ? L->cap_tramps * 2 : 64;
		struct tramp *v = cc_alloc(L->cc, sizeof *v * cap);

		if (L->n_tramps)
			memcpy(v, L->tramps, sizeof *v * L->n_tramps);
		L->tramps = v;
		L->cap_tramps = cap;
	}
	L->tramps[L->n_tramps++] = (struct tramp){ pos, to };
}

/*
 * One trampoline per distinct target of the waiting branches, at pos;
 * returns the position after the pool.
 */
static uint64_t flush_pool(struct layout *L, struct pending *wait,
			   unsigned n_wait, uint64_t pos)
{
	unsigned first = L->n_tramps;

	for (unsigned i = 0; i < n_wait; i++) {
		struct blk *to = wait[i].side ? wait[i].b->jf : wait[i].b->jt;
		unsigned t;

		for (t = first; t < L->n_tramps; t++)
			if (L->tramps[t].to == to)
				break;
		if (t == L->n_tramps) {
			check_len(L, pos);
			add_tramp(L, (uint32_t)pos++, to);
		}
		L->via[wait[i].b->order * 2 + wait[i].side] = L->tramps[t].pos;
	}
	return pos;
}

/*
 * Positions with pools: a pool goes in before the block that would push
 * the most urgent waiting branch out of reach of its trampoline.
 */
static uint64_t place_with_pools(struct layout *L)
{
	struct pending *wait = cc_alloc(L->cc, sizeof *wait * (2 * L->n + 1));
	unsigned n_wait = 0, n_targets = 0, pool = 1;
	uint64_t pos = 0, min_deadline = UINT64_MAX;

	for (unsigned i = 0; i < L->n; i++)
		L->order[i]->mark = 0;	/* the pool a target last joined */

	L->n_tramps = 0;
	for (unsigned i = 0; i < 2 * L->n; i++)
		L->via[i] = NO_POS;
	for (unsigned i = 0; i < L->n; i++) {
		struct blk *b = L->order[i];
		unsigned size = blk_size(L, b);

		/* Room for this block, then the pool with b's own two. */
		if (n_wait > 0 && pos + size + n_targets + 2 > min_deadline) {
			pos = flush_pool(L, wait, n_wait, pos);
			n_wait = n_targets = 0;
			min_deadline = UINT64_MAX;
			pool++;
		}
		b->pos = (uint32_t)pos;
		pos += size;
		check_len(L, pos);
		for (int side = 0; side < 2; side++) {
			uint64_t deadline = (uint64_t)branch_pos(b) + 1 + 255;

			if (blk_is_ret(b) || !(b->far & (side ? FAR_JF : FAR_JT)))
				continue;
			struct blk *to = side ? b->jf : b->jt;

			wait[n_wait++] = (struct pending){ b, side, deadline };
			if (to->mark != pool) {
				to->mark = pool;
				n_targets++;
			}
			if (deadline < min_deadline)
				min_deadline = deadline;
		}
	}
	if (n_wait > 0)
		pos = flush_pool(L, wait, n_wait, pos);
	return pos;
}

/* Positions with libpcap's trampolines: right after each far branch. */
static uint64_t place_plain(struct layout *L)
{
	uint64_t pos = 0;

	for (unsigned i = 0; i < L->n; i++) {
		L->order[i]->pos = (uint32_t)pos;
		pos += blk_size(L, L->order[i]);
		check_len(L, pos);
	}
	return pos;
}

/*
 * Positions, then mark branches whose targets are out of reach; repeat
 * until nothing new is marked.  Marks only ever lengthen the program, so
 * what is out of reach stays so: this ends at the least set of marks.
 */
static void layout(struct layout *L)
{
	for (;;) {
		bool changed = false;

		L->len = L->opts->pools ? place_with_pools(L) : place_plain(L);
		for (unsigned i = 0; i < L->n; i++) {
			struct blk *b = L->order[i];
			uint64_t next = (uint64_t)branch_pos(b) + 1;
			uint8_t far = b->far;

			if (blk_is_ret(b))
				continue;
			if (!reaches_pos(next, b->jt->pos))
				far |= FAR_JT;
			if (!reaches_pos(next, b->jf->pos))
				far |= FAR_JF;
			if (far != b->far) {
				b->far = far;
				changed = true;
			}
		}
		if (!changed)
			return;
	}
}

/* ------------------------------------------------------------------ */
/* Instructions.                                                        */

static struct bpf_insn insn(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	return (struct bpf_insn){ .code = code, .jt = jt, .jf = jf, .k = k };
}

static struct bpf_insn tramp_insn(uint32_t at, const struct blk *to)
{
	if (blk_is_ret(to))
		return insn(to->code, 0, 0, to->k);
	return insn(BPF_JMP | BPF_JA, 0, 0, to->pos - (at + 1));
}

/*
 * Relative jumps inside a test's code, renumbered around deleted
 * statements (a jump to a deleted one lands on what follows it).
 */
static void emit_inner(struct cc *cc, const struct blk *b,
		       struct bpf_insn *out)
{
	unsigned n = b->n_stmts, at = 0;
	unsigned *map = cc_alloc(cc, sizeof *map * (n + 1));

	for (unsigned i = 0; i < n; i++) {
		map[i] = at;
		at += b->stmts[i].code != INSN_NOP;
	}
	map[n] = at;
	for (unsigned i = 0; i < n; i++) {
		const struct insn *s = &b->stmts[i];
		struct bpf_insn *d = &out[map[i]];

		if (s->code == INSN_NOP)
			continue;
		*d = insn(s->code, 0, 0, s->k);
		if (BPF_CLASS(s->code) != BPF_JMP)
			continue;
		if (BPF_OP(s->code) == BPF_JA) {
			d->k = map[(uint32_t)(i + 1 + s->k)] - (map[i] + 1);
		} else {
			d->jt = (uint8_t)(map[i + 1 + s->jt] - (map[i] + 1));
			d->jf = (uint8_t)(map[i + 1 + s->jf] - (map[i] + 1));
		}
	}
}

/* Where one side of a branch at "at" jumps, and its trampoline if any. */
static uint32_t side_target(const struct layout *L, const struct blk *b,
			    int side, uint32_t at, struct bpf_insn *out)
{
	const struct blk *to = side ? b->jf : b->jt;

	if (!(b->far & (side ? FAR_JF : FAR_JT)))
		return to->pos;
	if (L->opts->pools)
		return L->via[b->order * 2 + side];
	/* libpcap's: jt's "ja" first, then jf's. */
	uint32_t t = at + 1 + (side && (b->far & FAR_JT));

	out[t] = insn(BPF_JMP | BPF_JA, 0, 0, to->pos - (t + 1));
	return t;
}

static void emit_blk(struct layout *L, const struct blk *b,
		     struct bpf_insn *out)
{
	uint32_t at = b->pos;

	if (b->inner_jumps) {
		emit_inner(L->cc, b, &out[at]);
		at += live_stmts(b);
	} else {
		for (unsigned i = 0; i < b->n_stmts; i++)
			if (b->stmts[i].code != INSN_NOP)
				out[at++] = insn(b->stmts[i].code, 0, 0,
						 b->stmts[i].k);
	}
	if (blk_is_ret(b)) {
		out[at] = insn(b->code, 0, 0, b->k);
		return;
	}
	uint32_t t = side_target(L, b, 0, at, out);
	uint32_t f = side_target(L, b, 1, at, out);

	if (!reaches_pos(at + 1, t) || !reaches_pos(at + 1, f))
		cc_fail(L->cc, "internal error: a branch cannot reach its target");
	uint32_t jt = t - (at + 1), jf = f - (at + 1);

	out[at] = insn(b->code, (uint8_t)jt, (uint8_t)jf, b->k);
}

struct bpf_insn *cfg_emit(struct cc *cc, struct cfg *g,
			  const struct emit_opts *opts, unsigned *len)
{
	struct layout L = { .cc = cc, .opts = opts };
	struct bpf_insn *out;

	L.order = cfg_layout_order(cc, g, &L.n);
	L.via = cc_alloc(cc, sizeof *L.via * (2 * L.n + 1));
	for (unsigned i = 0; i < L.n; i++)
		L.order[i]->far = 0;
	layout(&L);
	out = calloc(L.len, sizeof *out);
	if (out == NULL)
		cc_fail(cc, "out of memory");
	for (unsigned i = 0; i < L.n; i++)
		emit_blk(&L, L.order[i], out);
	for (unsigned i = 0; i < L.n_tramps; i++)
		out[L.tramps[i].pos] = tramp_insn(L.tramps[i].pos,
						  L.tramps[i].to);
	if (!bpf_check(out, (int)L.len)) {
		free(out);
		cc_fail(cc, "internal error: the generated program is not valid BPF");
	}
	*len = (unsigned)L.len;
	return out;
}

struct bpf_insn *cc_generate(struct cc *cc, unsigned *len)
{
	struct cfg g = { 0 };
	struct emit_opts opts = { .pools = false };

	cfg_lower(cc, &g, cc->root);
	if (cc->optimize && !cc->no_optimize) {
		cfg_optimize(cc, &g);
		/* libpcap's verdict on what its optimizer leaves. */
		if (blk_is_ret(g.entry) && g.entry->k == 0)
			cc_fail(cc, "expression rejects all packets");
	}
	/*
	 * Without set trees the program is libpcap's, instruction for
	 * instruction; with them, trampolines are shared to keep it small.
	 */
	opts.pools = cfg_build_sets(cc, &g) > 0;
	return cfg_emit(cc, &g, &opts, len);
}
