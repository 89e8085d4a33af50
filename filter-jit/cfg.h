/*
 * cfg.h: the control-flow graph between the predicate tree and classic
 * BPF.  One block per test -- its code, then one branch -- plus the two
 * returns, which is the shape libpcap's optimizer works on; lower.c builds
 * it, optimize.c and sets.c rewrite it, emit.c lays it out.
 */
#ifndef ACCEL_CFG_H
#define ACCEL_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "filter-jit/compile.h"

/* A statement the optimizer deleted (not an opcode: codes are < 0x100). */
#define INSN_NOP 0xffffu

struct blk {
	/*
	 * The test's code.  It may branch forward inside itself (jt/jf count
	 * instructions, as in cBPF); such blocks are emitted verbatim.
	 */
	struct insn *stmts;
	unsigned n_stmts;
	bool inner_jumps;	/* stmts hold jumps */
	uint16_t code;		/* BPF_JMP|op|src, or BPF_RET|BPF_K */
	uint32_t k;
	struct blk *jt, *jf;	/* NULL for a return */
	unsigned id;		/* creation order */

	/* Scratch for the passes (each sets what it reads). */
	unsigned mark;
	int order;		/* emission: place in the layout */
	unsigned pos;		/* emission: first instruction */
	uint8_t far;		/* emission: jt/jf need a "ja" */
	void *aux;		/* a pass's per-block data */
};

static inline bool blk_is_ret(const struct blk *b)
{
	return BPF_CLASS(b->code) == BPF_RET;
}

struct cfg {
	struct blk **v;		/* every block made; some may be unreachable */
	unsigned n, cap;
	struct blk *entry;
};

/* How cfg_emit places trampolines. */
struct emit_opts {
	bool pools;		/* shared between branches (else libpcap's) */
};

/* lower.c */
struct blk *cfg_new_blk(struct cc *cc, struct cfg *g);
void cfg_lower(struct cc *cc, struct cfg *g, const struct pred *root);
/*
 * The blocks reachable from the entry in libpcap's layout order (reverse
 * postorder, "false" successors searched first, so a block is followed
 * by its "true" successor when it can be).  Sets b->order.
 */
struct blk **cfg_layout_order(struct cc *cc, struct cfg *g, unsigned *n);

/* optimize.c: libpcap's optimizer; fails as pcap_compile does. */
void cfg_optimize(struct cc *cc, struct cfg *g);

/* sets.c: comparison trees for OR-chains of equality tests; how many. */
unsigned cfg_build_sets(struct cc *cc, struct cfg *g);

/* emit.c */
struct bpf_insn *cfg_emit(struct cc *cc, struct cfg *g,
			  const struct emit_opts *opts, unsigned *len);

#endif
