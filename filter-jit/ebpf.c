/*
 * ebpf.c: classic BPF (libpcap's bpf_filter semantics, bpf-interp.c) to
 * eBPF that the kernel verifier accepts, for XDP, TC and socket-filter
 * (incl. PACKET_FANOUT_EBPF) programs.  Two passes: emit with jump fix-ups
 * recorded per classic target, then patch them from the index map.
 *
 * Register use: A = r0, X = r2, scratch r3 r4; r6 ctx, r7 data,
 * r8 data_end, r9 wire length; M[0..15] at r10-64, zeroed in the prologue.
 * The socket context reads the packet with the legacy LD_ABS/LD_IND
 * instructions instead (they clobber r1-r5): X = r7, r8 saves A.
 * A and X live in the low 32 bits (every ALU op is 32-bit, which
 * zero-extends), so 32-bit jumps (BPF_JMP32) give cBPF's unsigned compares.
 *
 * Packets are assumed smaller than 64 KiB (the verifier's MAX_PACKET_OFF):
 * a load at or past that offset rejects without looking.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-jit/ebpf.h"
#include "filter-jit/filter.h"

/* eBPF encodings pcap/bpf.h does not have (linux/bpf.h values). */
#define EB_JMP32	0x06
#define EB_ALU64	0x07
#define EB_DW		0x18
#define EB_MEM		0x60
#define EB_MOV		0xb0
#define EB_END		0xd0
#define EB_TO_BE	0x08
#define EB_JNE		0x50
#define EB_JLT		0xa0
#define EB_CALL		0x80
#define EB_EXIT		0x90
#define EB_FUNC_SKB_PULL_DATA 39

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };
#define RA R0
#define RT1 R3
#define RT2 R4
#define RCTX R6
#define RDATA R7
#define RDEND R8
#define RLEN R9

#define MAX_PKT_OFF 0xffffu	/* the verifier's MAX_PACKET_OFF */
#define SCRATCH_OFF (-4 * BPF_MEMWORDS)
#define TARGET_REJECT ((u_int)-1)
#define TARGET_ACCEPT ((u_int)-2)
/* Past this, 16-bit eBPF jump offsets could not span the program anyway. */
#define EBPF_MAX_CBPF 65536u

/* Context layouts and verdicts (linux/bpf.h, linux/pkt_cls.h; ebpf-load.c
 * checks them against the headers). */
struct ctx_def {
	int16_t data, data_end, len;	/* len < 0: data_end - data */
	int16_t vlan_present, vlan_tci;	/* < 0: not available */
	int32_t accept, reject;
	bool raw_return;	/* returns the classic value, not a verdict */
	bool pull_data;		/* linearize the skb first */
};

static const struct ctx_def ctx_defs[] = {
	[EBPF_CTX_XDP] = { .data = 0, .data_end = 4, .len = -1,
			   .vlan_present = -1, .vlan_tci = -1,
			   .accept = 2 /* XDP_PASS */, .reject = 1 /* XDP_DROP */ },
	[EBPF_CTX_SKB] = { .data = 76, .data_end = 80, .len = 0,
			   .vlan_present = 20, .vlan_tci = 24,
			   .accept = 0 /* TC_ACT_OK */,
			   .reject = 2 /* TC_ACT_SHOT */, .pull_data = true },
	/* No direct packet access: LD_ABS / LD_IND. */
	[EBPF_CTX_SOCKET] = { .data = -1, .data_end = -1, .len = 0,
			      .vlan_present = 20, .vlan_tci = 24,
			      .accept = 0, .reject = 0, .raw_return = true },
};

struct fixup {
	u_int at;	/* the jump instruction */
	u_int target;	/* classic index, TARGET_REJECT or TARGET_ACCEPT */
};

struct tx {
	const struct ctx_def *cd;
	const struct ebpf_wrap *wrap;	/* NULL: verdicts returned */
	int rx;		/* X's register */
	struct ebpf_insn *buf;
	u_int n, cap;
	struct fixup *fix;
	u_int nfix, capfix;
	bool oom;
};

static void emit(struct tx *t, uint8_t code, int dst, int src, int16_t off,
		 int32_t imm)
{
	if (t->n == t->cap) {
		u_int cap = t->cap ? 2 * t->cap : 256;
		struct ebpf_insn *b = realloc(t->buf, cap * sizeof *b);

		if (b == NULL) {
			t->oom = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	t->buf[t->n++] = (struct ebpf_insn){ .code = code, .dst_reg = dst,
					     .src_reg = src, .off = off,
					     .imm = imm };
}

/* A jump whose offset pass two fills in. */
static void emit_jump(struct tx *t, uint8_t code, int dst, int src,
		      int32_t imm, u_int target)
{
	if (t->nfix == t->capfix) {
		u_int cap = t->capfix ? 2 * t->capfix : 256;
		struct fixup *f = realloc(t->fix, cap * sizeof *f);

		if (f == NULL) {
			t->oom = true;
			return;
		}
		t->fix = f;
		t->capfix = cap;
	}
	t->fix[t->nfix++] = (struct fixup){ t->n, target };
	emit(t, code, dst, src, 0, imm);
}

static void alu32_k(struct tx *t, int op, int dst, uint32_t k)
{
	emit(t, BPF_ALU | op | BPF_K, dst, 0, 0, (int32_t)k);
}

static void alu32_x(struct tx *t, int op, int dst, int src)
{
	emit(t, BPF_ALU | op | BPF_X, dst, src, 0, 0);
}

static void alu64_k(struct tx *t, int op, int dst, int32_t k)
{
	emit(t, EB_ALU64 | op | BPF_K, dst, 0, 0, k);
}

static void alu64_x(struct tx *t, int op, int dst, int src)
{
	emit(t, EB_ALU64 | op | BPF_X, dst, src, 0, 0);
}

static void ldx(struct tx *t, int size, int dst, int src, int16_t off)
{
	emit(t, BPF_LDX | size | EB_MEM, dst, src, off, 0);
}

static void ret_const(struct tx *t, bool accept)
{
	if (t->wrap != NULL) {		/* the caller's code decides */
		emit_jump(t, BPF_JMP | BPF_JA, 0, 0, 0,
			  accept ? TARGET_ACCEPT : TARGET_REJECT);
		return;
	}
	alu32_k(t, EB_MOV, R0, accept ? t->cd->accept : t->cd->reject);
	emit(t, BPF_JMP | EB_EXIT, 0, 0, 0, 0);
}

/* RET K, RET A: the value itself, or the verdict it stands for. */
static void emit_ret(struct tx *t, const struct bpf_insn *in)
{
	if (t->cd->raw_return && t->wrap == NULL) {
		if (BPF_RVAL(in->code) == BPF_K)
			alu32_k(t, EB_MOV, R0, in->k);
		emit(t, BPF_JMP | EB_EXIT, 0, 0, 0, 0);
	} else if (BPF_RVAL(in->code) == BPF_K) {
		ret_const(t, in->k != 0);
	} else if (t->wrap != NULL) {
		emit_jump(t, EB_JMP32 | EB_JNE | BPF_K, RA, 0, 0, TARGET_ACCEPT);
		ret_const(t, false);
	} else {
		emit(t, EB_JMP32 | EB_JNE | BPF_K, RA, 0, 2, 0);
		ret_const(t, false);
		ret_const(t, true);
	}
}

static int size_bytes(int size)
{
	return size == BPF_W ? 4 : size == BPF_H ? 2 : 1;
}

static bool is_vlan_aux(uint32_t k)
{
	return k == BPF_AUX_VLAN_TAG || k == BPF_AUX_VLAN_TAG_PRESENT;
}

/*
 * Instructions that reject every packet they see (the interpreter returns
 * 0): a load that cannot be in bounds, a division by constant zero, an
 * opcode outside the set.  They end a path, like a return.
 */
static bool always_rejects(const struct bpf_insn *in)
{
	uint32_t k = in->k;

	switch (in->code) {
	case BPF_LD | BPF_B | BPF_ABS:
		return !is_vlan_aux(k) && k + 1ull > MAX_PKT_OFF;
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_W | BPF_ABS:
		return k + (uint64_t)size_bytes(BPF_SIZE(in->code)) > MAX_PKT_OFF;
	case BPF_LDX | BPF_MSH | BPF_B:
		return k + 1ull > MAX_PKT_OFF;
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_W | BPF_IND:
		return k > MAX_PKT_OFF;
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_K:
		return k == 0;
	default:
		return !bpf_is_insn(in->code);
	}
}

static void emit_reject(struct tx *t)
{
	emit_jump(t, BPF_JMP | BPF_JA, 0, 0, 0, TARGET_REJECT);
}

/*
 * Socket context: the kernel's LD_ABS / LD_IND read skb data (linear or
 * not) into r0, big-endian to host order, and end the program with 0 when
 * out of bounds: classic BPF's own rule.  Offsets stay below 64 KiB so the
 * kernel never takes them for its negative SKF_* areas.
 */
static void emit_legacy_abs(struct tx *t, int size, int dst, uint32_t k)
{
	if (dst != RA)
		alu64_x(t, EB_MOV, R8, RA);
	emit(t, BPF_LD | size | BPF_ABS, 0, 0, 0, (int32_t)k);
	if (dst != RA) {
		alu32_x(t, EB_MOV, dst, R0);
		alu64_x(t, EB_MOV, RA, R8);
	}
}

static void emit_legacy_ind(struct tx *t, int size, uint32_t k)
{
	int n = size_bytes(size);

	alu32_x(t, EB_MOV, RT1, t->rx);
	alu64_k(t, BPF_ADD, RT1, (int32_t)k);
	emit_jump(t, BPF_JMP | BPF_JGT | BPF_K, RT1, 0,
		  (int32_t)(MAX_PKT_OFF - n), TARGET_REJECT);
	emit(t, BPF_LD | size | BPF_IND, 0, t->rx, 0, (int32_t)k);
}

/* A = packet[k .. k+size), big-endian; bounds known constant. */
static void emit_load_abs(struct tx *t, int size, int dst, uint32_t k)
{
	int n = size_bytes(size);

	if (t->cd->data < 0) {
		emit_legacy_abs(t, size, dst, k);
		return;
	}
	alu64_x(t, EB_MOV, RT1, RDATA);
	alu64_k(t, BPF_ADD, RT1, (int32_t)(k + n));
	emit_jump(t, BPF_JMP | BPF_JGT | BPF_X, RT1, RDEND, 0, TARGET_REJECT);
	if (k <= INT16_MAX) {
		ldx(t, size, dst, RDATA, (int16_t)k);
	} else {
		alu64_x(t, EB_MOV, RT2, RDATA);
		alu64_k(t, BPF_ADD, RT2, (int32_t)k);
		ldx(t, size, dst, RT2, 0);
	}
	if (n > 1)
		emit(t, BPF_ALU | EB_END | EB_TO_BE, dst, 0, 0, n * 8);
}

/*
 * A = packet[X + k ..], k <= MAX_PKT_OFF.  The variable offset is bounded
 * first so the verifier can follow the pointer; past the bound the packet
 * is too short anyway.
 */
static void emit_load_ind(struct tx *t, int size, uint32_t k)
{
	int n = size_bytes(size);

	if (t->cd->data < 0) {
		emit_legacy_ind(t, size, k);
		return;
	}
	alu32_x(t, EB_MOV, RT1, t->rx);
	alu64_k(t, BPF_ADD, RT1, (int32_t)k);
	emit_jump(t, BPF_JMP | BPF_JGT | BPF_K, RT1, 0,
		  (int32_t)(MAX_PKT_OFF - n), TARGET_REJECT);
	alu64_x(t, EB_MOV, RT2, RDATA);
	alu64_x(t, BPF_ADD, RT2, RT1);
	alu64_x(t, EB_MOV, RT1, RT2);
	alu64_k(t, BPF_ADD, RT1, n);
	emit_jump(t, BPF_JMP | BPF_JGT | BPF_X, RT1, RDEND, 0, TARGET_REJECT);
	ldx(t, size, RA, RT2, 0);
	if (n > 1)
		emit(t, BPF_ALU | EB_END | EB_TO_BE, RA, 0, 0, n * 8);
}

/* VLAN ancillary data: the skb's fields, as pcap-linux fills aux. */
static void emit_load_vlan(struct tx *t, uint32_t k)
{
	if (k == BPF_AUX_VLAN_TAG) {
		ldx(t, BPF_W, RA, RCTX, t->cd->vlan_tci);
		alu32_k(t, BPF_AND, RA, 0x0fff);
	} else {
		ldx(t, BPF_W, RA, RCTX, t->cd->vlan_present);
	}
}

/* X = 0 or X >= 32: the interpreter's shift by X. */
static void emit_shift_x(struct tx *t, int op)
{
	emit(t, BPF_JMP | EB_JLT | BPF_K, t->rx, 0, 2, 32);
	alu32_k(t, EB_MOV, RA, 0);
	emit(t, BPF_JMP | BPF_JA, 0, 0, 1, 0);
	alu32_x(t, op, RA, t->rx);
}

static int scratch_off(uint32_t k)
{
	return SCRATCH_OFF + 4 * (int)(k % BPF_MEMWORDS);
}

static void emit_cond(struct tx *t, const struct bpf_insn *in, u_int i)
{
	u_int jt = i + 1 + in->jt, jf = i + 1 + in->jf;

	if (jt == jf) {
		emit_jump(t, BPF_JMP | BPF_JA, 0, 0, 0, jt);
		return;
	}
	if (BPF_SRC(in->code) == BPF_X)
		emit_jump(t, EB_JMP32 | BPF_OP(in->code) | BPF_X, RA, t->rx, 0, jt);
	else
		emit_jump(t, EB_JMP32 | BPF_OP(in->code) | BPF_K, RA, 0,
			  (int32_t)in->k, jt);
	if (jf != i + 1)
		emit_jump(t, BPF_JMP | BPF_JA, 0, 0, 0, jf);
}

static void emit_insn(struct tx *t, const struct bpf_insn *in, u_int i)
{
	uint32_t k = in->k;
	int op = BPF_OP(in->code);

	if (always_rejects(in)) {
		emit_reject(t);
		return;
	}
	switch (in->code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
		emit_ret(t, in);
		return;
	case BPF_LD | BPF_B | BPF_ABS:
		if (is_vlan_aux(k))
			emit_load_vlan(t, k);
		else
			emit_load_abs(t, BPF_B, RA, k);
		return;
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_W | BPF_ABS:
		emit_load_abs(t, BPF_SIZE(in->code), RA, k);
		return;
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_W | BPF_IND:
		emit_load_ind(t, BPF_SIZE(in->code), k);
		return;
	case BPF_LDX | BPF_MSH | BPF_B:
		emit_load_abs(t, BPF_B, t->rx, k);
		alu32_k(t, BPF_AND, t->rx, 0xf);
		alu32_k(t, BPF_LSH, t->rx, 2);
		return;
	case BPF_LD | BPF_W | BPF_LEN:
		alu32_x(t, EB_MOV, RA, RLEN);
		return;
	case BPF_LDX | BPF_W | BPF_LEN:
		alu32_x(t, EB_MOV, t->rx, RLEN);
		return;
	case BPF_LD | BPF_IMM:
		alu32_k(t, EB_MOV, RA, k);
		return;
	case BPF_LDX | BPF_IMM:
		alu32_k(t, EB_MOV, t->rx, k);
		return;
	case BPF_LD | BPF_MEM:
		ldx(t, BPF_W, RA, R10, scratch_off(k));
		return;
	case BPF_LDX | BPF_MEM:
		ldx(t, BPF_W, t->rx, R10, scratch_off(k));
		return;
	case BPF_ST:
		emit(t, BPF_STX | BPF_W | EB_MEM, R10, RA, scratch_off(k), 0);
		return;
	case BPF_STX:
		emit(t, BPF_STX | BPF_W | EB_MEM, R10, t->rx, scratch_off(k), 0);
		return;
	case BPF_JMP | BPF_JA:
		emit_jump(t, BPF_JMP | BPF_JA, 0, 0, 0, i + 1 + k);
		return;
	case BPF_MISC | BPF_TAX:
		alu32_x(t, EB_MOV, t->rx, RA);
		return;
	case BPF_MISC | BPF_TXA:
		alu32_x(t, EB_MOV, RA, t->rx);
		return;
	case BPF_ALU | BPF_NEG:
		alu32_k(t, BPF_NEG, RA, 0);
		return;
	}
	if (BPF_CLASS(in->code) == BPF_JMP) {
		emit_cond(t, in, i);
		return;
	}
	/* BPF_ALU with K or X. */
	if (BPF_SRC(in->code) == BPF_K) {
		if (op == BPF_LSH || op == BPF_RSH)
			k &= 31;
		alu32_k(t, op, RA, k);
		return;
	}
	if (op == BPF_LSH || op == BPF_RSH) {
		emit_shift_x(t, op);
		return;
	}
	if (op == BPF_DIV || op == BPF_MOD)
		emit_jump(t, BPF_JMP | BPF_JEQ | BPF_K, t->rx, 0, 0, TARGET_REJECT);
	alu32_x(t, op, RA, t->rx);
}

/*
 * Marks the instructions some path reaches (the verifier refuses
 * unreachable code), and refuses what eBPF cannot express.
 */
static int mark_reachable(const struct bpf_insn *prog, u_int len,
			  enum ebpf_ctx ctx, bool *reach, bool *uses_len,
			  bool *uses_mem, char *errbuf)
{
	reach[0] = true;
	for (u_int i = 0; i < len; i++) {
		const struct bpf_insn *in = &prog[i];
		uint64_t next[2];
		int nn = 0;

		if (!reach[i])
			continue;
		if (always_rejects(in) || BPF_CLASS(in->code) == BPF_RET)
			continue;
		if (in->code == (BPF_LD | BPF_B | BPF_ABS) && is_vlan_aux(in->k) &&
		    ctx_defs[ctx].vlan_present < 0) {
			snprintf(errbuf, EBPF_ERRBUF_SIZE,
				 "instruction %u reads VLAN metadata, which XDP "
				 "does not have", i);
			return -1;
		}
		if (in->code == (BPF_LD | BPF_W | BPF_LEN) ||
		    in->code == (BPF_LDX | BPF_W | BPF_LEN))
			*uses_len = true;
		if (BPF_CLASS(in->code) == BPF_ST || BPF_CLASS(in->code) == BPF_STX ||
		    ((BPF_CLASS(in->code) == BPF_LD ||
		      BPF_CLASS(in->code) == BPF_LDX) &&
		     BPF_MODE(in->code) == BPF_MEM))
			*uses_mem = true;
		if (in->code == (BPF_JMP | BPF_JA)) {
			if ((int32_t)in->k < 0) {
				snprintf(errbuf, EBPF_ERRBUF_SIZE,
					 "instruction %u jumps backward (a "
					 "protochain loop): not translatable", i);
				return -1;
			}
			next[nn++] = i + 1ull + in->k;
		} else if (BPF_CLASS(in->code) == BPF_JMP) {
			next[nn++] = i + 1ull + in->jt;
			next[nn++] = i + 1ull + in->jf;
		} else {
			next[nn++] = i + 1ull;
		}
		for (int j = 0; j < nn; j++) {
			if (next[j] >= len) {
				snprintf(errbuf, EBPF_ERRBUF_SIZE,
					 "instruction %u leaves the program", i);
				return -1;
			}
			reach[next[j]] = true;
		}
	}
	return 0;
}

/* r7, r8 = the packet's bounds; r9 = its length when the program asks. */
static void emit_packet_pointers(struct tx *t, bool uses_len)
{
	const struct ctx_def *cd = t->cd;

	ldx(t, BPF_W, RDATA, RCTX, cd->data);
	ldx(t, BPF_W, RDEND, RCTX, cd->data_end);
	if (cd->pull_data) {
		/* Make every byte direct-readable (len 0 pulls it all), unless
		 * they all are already: the usual case, and the call is not
		 * free.  pointer - pointer needs CAP_PERFMON. */
		alu64_x(t, EB_MOV, R2, RDEND);
		alu64_x(t, BPF_SUB, R2, RDATA);
		ldx(t, BPF_W, R3, RCTX, cd->len);
		emit(t, BPF_JMP | BPF_JGE | BPF_X, R2, R3, 5, 0);
		alu64_x(t, EB_MOV, R1, RCTX);
		alu64_k(t, EB_MOV, R2, 0);
		emit(t, BPF_JMP | EB_CALL, 0, 0, 0, EB_FUNC_SKB_PULL_DATA);
		ldx(t, BPF_W, RDATA, RCTX, cd->data);
		ldx(t, BPF_W, RDEND, RCTX, cd->data_end);
	}
	if (!uses_len)
		return;
	if (cd->len >= 0) {
		ldx(t, BPF_W, RLEN, RCTX, cd->len);
	} else {
		/* XDP: the linear frame (fragments of multi-buffer frames are
		 * not counted).  pointer - pointer needs CAP_PERFMON. */
		alu64_x(t, EB_MOV, RLEN, RDEND);
		alu64_x(t, BPF_SUB, RLEN, RDATA);
	}
}

static void emit_prologue(struct tx *t, bool uses_len, bool uses_mem)
{
	alu64_x(t, EB_MOV, RCTX, R1);	/* LD_ABS/LD_IND also want it there */
	if (t->cd->data >= 0)
		emit_packet_pointers(t, uses_len);
	else if (uses_len)
		ldx(t, BPF_W, RLEN, RCTX, t->cd->len);
	alu32_k(t, EB_MOV, RA, 0);
	alu32_k(t, EB_MOV, t->rx, 0);
	if (uses_mem)
		for (int off = SCRATCH_OFF; off < 0; off += 8)
			emit(t, BPF_ST | EB_DW | EB_MEM, R10, 0, off, 0);
}

/* Pass two: every jump gets its offset from the classic-index map. */
static int patch_jumps(struct tx *t, const u_int *start, u_int reject_at,
		       u_int accept_at, char *errbuf)
{
	for (u_int f = 0; f < t->nfix; f++) {
		u_int to = t->fix[f].target == TARGET_REJECT ? reject_at
			   : t->fix[f].target == TARGET_ACCEPT ? accept_at
			   : start[t->fix[f].target];
		long off = (long)to - (long)t->fix[f].at - 1;

		if (off < INT16_MIN || off > INT16_MAX) {
			snprintf(errbuf, EBPF_ERRBUF_SIZE,
				 "program too large: a jump spans %ld eBPF "
				 "instructions", off);
			return -1;
		}
		t->buf[t->fix[f].at].off = (int16_t)off;
	}
	return 0;
}

static bool jumps_to(const struct tx *t, u_int target)
{
	for (u_int f = 0; f < t->nfix; f++)
		if (t->fix[f].target == target)
			return true;
	return false;
}

/* The caller's instructions, as they are (their jumps are their own). */
static void append(struct tx *t, const struct ebpf_insn *insns, u_int n)
{
	for (u_int i = 0; i < n; i++)
		emit(t, insns[i].code, insns[i].dst_reg, insns[i].src_reg,
		     insns[i].off, insns[i].imm);
}

int cbpf_to_ebpf(const struct bpf_insn *prog, u_int len, enum ebpf_ctx ctx,
		 struct ebpf_prog *out, char *errbuf)
{
	return cbpf_to_ebpf_wrapped(prog, len, ctx, NULL, out, errbuf);
}

int cbpf_to_ebpf_wrapped(const struct bpf_insn *prog, u_int len,
			 enum ebpf_ctx ctx, const struct ebpf_wrap *wrap,
			 struct ebpf_prog *out, char *errbuf)
{
	struct tx t = { .wrap = wrap };
	bool *reach = NULL, uses_len = false, uses_mem = false;
	u_int *start = NULL, reject_at, accept_at = 0;
	int rc = -1;

	out->insns = NULL;
	out->len = 0;
	if ((unsigned)ctx >= sizeof ctx_defs / sizeof ctx_defs[0]) {
		snprintf(errbuf, EBPF_ERRBUF_SIZE, "unknown eBPF context %d",
			 (int)ctx);
		return -1;
	}
	if (wrap != NULL && ctx == EBPF_CTX_SOCKET) {
		/* Its packet loads end the program themselves. */
		snprintf(errbuf, EBPF_ERRBUF_SIZE,
			 "socket filters cannot be wrapped");
		return -1;
	}
	if (prog == NULL || len == 0 || len > EBPF_MAX_CBPF) {
		snprintf(errbuf, EBPF_ERRBUF_SIZE, "bad program length %u", len);
		return -1;
	}
	t.cd = &ctx_defs[ctx];
	t.rx = t.cd->data < 0 ? R7 : R2;
	reach = calloc(len, sizeof *reach);
	start = calloc(len, sizeof *start);
	if (reach == NULL || start == NULL)
		goto oom;
	if (mark_reachable(prog, len, ctx, reach, &uses_len, &uses_mem,
			   errbuf) != 0)
		goto out;
	if (wrap != NULL)
		append(&t, wrap->prologue, wrap->prologue_len);
	emit_prologue(&t, uses_len, uses_mem);
	for (u_int i = 0; i < len; i++) {
		start[i] = t.n;
		if (reach[i])
			emit_insn(&t, &prog[i], i);
	}
	reject_at = t.n;
	if (wrap != NULL) {
		/* Only what some jump reaches: the verifier refuses dead code. */
		if (jumps_to(&t, TARGET_REJECT))
			append(&t, wrap->reject, wrap->reject_len);
		accept_at = t.n;
		if (jumps_to(&t, TARGET_ACCEPT))
			append(&t, wrap->accept, wrap->accept_len);
	} else {
		for (u_int f = 0; f < t.nfix; f++)
			if (t.fix[f].target == TARGET_REJECT) {
				ret_const(&t, false);
				break;
			}
	}
	if (t.oom)
		goto oom;
	if (patch_jumps(&t, start, reject_at, accept_at, errbuf) != 0)
		goto out;
	out->insns = t.buf;
	out->len = t.n;
	t.buf = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(errbuf, EBPF_ERRBUF_SIZE, "out of memory");
out:
	free(t.buf);
	free(t.fix);
	free(reach);
	free(start);
	return rc;
}

bool ebpf_accepts(enum ebpf_ctx ctx, uint32_t retval)
{
	const struct ctx_def *cd = &ctx_defs[ctx];

	return cd->raw_return ? retval != 0 : retval == (uint32_t)cd->accept;
}

void ebpf_prog_free(struct ebpf_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}
