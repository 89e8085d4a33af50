/*
 * jit-x86.c: classic BPF to x86-64 machine code, with bpf_interp's
 * semantics instruction for instruction.  One emit_* helper per instruction
 * form (encoded by x86-asm.c).  The code is laid out in passes until jump
 * sizes settle, then written into a fresh mapping made read+execute only
 * once complete (W^X).
 *
 * Registers: A = eax, X = ecx (shift counts need cl), pkt = rdi,
 * wirelen = esi, buflen = r8 (zero-extended), aux = r10, temporaries edx
 * and r11.  Scratch memory M[] sits in the red zone below rsp: the
 * function is a leaf and calls nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "filter-jit/jit.h"
#include "filter-jit/x86-asm.h"

#ifdef __x86_64__

/* ld [k], already bounds-checked by its block (see block_need). */
static void emit_ld_abs(struct jit_state *s, uint16_t code, uint32_t k)
{
	int size = load_size(code);

	if (size == 1 && is_aux_offset(k)) {
		emit_rr(s, true, 0x85, R10, R10);	/* test r10, r10 */
		emit_jump_ret0(s, CC_E);
		if (k == BPF_AUX_VLAN_TAG)
			emit_rm(s, false, 0x0fb7, REG_A, R10, NO_INDEX,
				offsetof(struct bpf_aux_data, vlan_tag));
		else
			emit_rm(s, false, 0x0fb6, REG_A, R10, NO_INDEX,
				offsetof(struct bpf_aux_data, vlan_tag_present));
		return;
	}
	emit_load_abs(s, load_opcode(size), REG_A, k);
	emit_swap(s, REG_A, size);
}

/* ld [x + k]: r11 = X + k in 64 bits, so the sum cannot wrap. */
static void emit_ld_ind(struct jit_state *s, uint16_t code, uint32_t k)
{
	int size = load_size(code);

	/* rcx holds X zero-extended (every write to X is 32-bit), so for a
	 * small k: rdx = X + k + size, then load from [rdi + rcx + k]. */
	if (k + (uint64_t)size <= INT32_MAX) {
		emit_rm(s, true, 0x8d, RDX, REG_X, NO_INDEX, (int32_t)(k + size));
		emit_rr(s, true, 0x39, R8, RDX);	/* cmp rdx, r8 */
		emit_jump_ret0(s, CC_A);
		emit_rm(s, false, load_opcode(size), REG_A, RDI, REG_X,
			(int32_t)k);
		emit_swap(s, REG_A, size);
		return;
	}
	emit_mov_reg(s, R11, REG_X);
	if (k != 0) {
		emit_mov_imm(s, RDX, k);
		emit_rr(s, true, 0x01, RDX, R11);	/* add r11, rdx */
	}
	if (size == 1) {
		emit_rr(s, true, 0x39, R8, R11);	/* cmp r11, r8 */
		emit_jump_ret0(s, CC_AE);
	} else {
		emit_rm(s, true, 0x8d, RDX, R11, NO_INDEX, size); /* lea */
		emit_rr(s, true, 0x39, R8, RDX);	/* cmp rdx, r8 */
		emit_jump_ret0(s, CC_A);
	}
	emit_rm(s, false, load_opcode(size), REG_A, RDI, R11, 0);
	emit_swap(s, REG_A, size);
}

/* ldx 4*([k]&0xf), already bounds-checked by its block. */
static void emit_ldx_msh(struct jit_state *s, uint32_t k)
{
	emit_load_abs(s, 0x0fb6, REG_X, k);
	emit_alu_imm(s, ALU_AND, REG_X, 0xf);
	emit_shift_imm(s, 4, REG_X, 2);
}

/* A op= k, or A op= X. */
static void emit_alu(struct jit_state *s, uint16_t code, uint32_t k)
{
	static const int8_t imm_digit[16] = {
		[BPF_ADD >> 4] = ALU_ADD, [BPF_SUB >> 4] = ALU_SUB,
		[BPF_AND >> 4] = ALU_AND, [BPF_OR >> 4] = ALU_OR,
		[BPF_XOR >> 4] = ALU_XOR,
	};
	static const uint8_t reg_opcode[16] = {
		[BPF_ADD >> 4] = 0x01, [BPF_SUB >> 4] = 0x29,
		[BPF_AND >> 4] = 0x21, [BPF_OR >> 4] = 0x09,
		[BPF_XOR >> 4] = 0x31,
	};
	const bool by_x = BPF_SRC(code) == BPF_X;
	const int op = BPF_OP(code);

	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_OR: case BPF_XOR:
		if (by_x)
			emit_rr(s, false, reg_opcode[op >> 4], REG_X, REG_A);
		else
			emit_alu_imm(s, imm_digit[op >> 4], REG_A, k);
		return;
	case BPF_MUL:
		if (by_x) {
			emit_rr(s, false, 0x0faf, REG_A, REG_X);
		} else {
			emit_rr(s, false, 0x69, REG_A, REG_A);
			emit_u32(s, k);
		}
		return;
	case BPF_DIV:
	case BPF_MOD:
		if (by_x) {
			emit_rr(s, false, 0x85, REG_X, REG_X);	/* test ecx */
			emit_jump_ret0(s, CC_E);
		} else if (k == 0) {
			emit_jump_ret0(s, -1);
			return;
		} else {
			emit_mov_imm(s, R11, k);
		}
		emit_rr(s, false, 0x31, RDX, RDX);
		emit_rr(s, false, 0xf7, 6, by_x ? REG_X : R11);	/* div */
		if (op == BPF_MOD)
			emit_mov_reg(s, REG_A, RDX);
		return;
	case BPF_LSH:
	case BPF_RSH:
		if (!by_x) {
			if ((k & 31) != 0)
				emit_shift_imm(s, op == BPF_LSH ? 4 : 5, REG_A,
					       k & 31);
			return;
		}
		/* The hardware masks cl to 5 bits; a count >= 32 must give 0:
		 * edx = X < 32 ? ~0 : 0 (cmp sets CF when X < 32), A &= edx. */
		emit_rr(s, false, 0xd3, op == BPF_LSH ? 4 : 5, REG_A);
		emit_alu_imm(s, ALU_CMP, REG_X, 32);
		emit_rr(s, false, 0x19, RDX, RDX);		/* sbb edx, edx */
		emit_rr(s, false, 0x21, RDX, REG_A);		/* and eax, edx */
		return;
	}
}

static const int8_t cc_of[16] = {
	[BPF_JEQ >> 4] = CC_E, [BPF_JGT >> 4] = CC_A,
	[BPF_JGE >> 4] = CC_AE, [BPF_JSET >> 4] = CC_NE,
};

/* Flags from A against the jump's operand. */
static void emit_compare(struct jit_state *s, const struct bpf_insn *p)
{
	if (BPF_SRC(p->code) == BPF_X)
		emit_rr(s, false, BPF_OP(p->code) == BPF_JSET ? 0x85 : 0x39,
			REG_X, REG_A);
	else if (BPF_OP(p->code) == BPF_JSET) {
		emit_u8(s, 0xa9);				/* test eax, imm */
		emit_u32(s, p->k);
	} else
		emit_alu_imm(s, ALU_CMP, REG_A, p->k);
}

/* Go to jt if cc holds, else to jf; a fall-through costs nothing. */
static void emit_branch(struct jit_state *s, int cc, u_int jt, u_int jf,
			u_int next)
{
	if (jf == next) {
		emit_jump_insn(s, cc, jt);
	} else if (jt == next) {
		emit_jump_insn(s, cc ^ 1, jf);		/* the negated condition */
	} else {
		emit_jump_insn(s, cc, jt);
		emit_jump_insn(s, -1, jf);
	}
}

static bool is_ret_k(const struct bpf_insn *p)
{
	return p->code == (BPF_RET | BPF_K);
}

/*
 * Data-dependent branches are what a small filter spends its time on when
 * packets vary, so three shapes the compiler makes often are branch-free
 * or fused here (the later instructions keep their own code for any other
 * way in):
 *  - both targets return a constant: a conditional move, no branch;
 *  - "A >= lo, then A > hi" (a range): one unsigned compare of A - lo;
 *  - "A == k1 or A == k2 ..." to one target: the tests or'ed, one branch.
 */
static bool emit_ret_select(struct jit_state *s, const struct bpf_insn *p,
			    int cc, const struct bpf_insn *t,
			    const struct bpf_insn *f)
{
	if (!is_ret_k(t) || !is_ret_k(f))
		return false;
	emit_compare(s, p);
	emit_mov_imm_keep_flags(s, RDX, t->k);
	emit_mov_imm_keep_flags(s, REG_A, f->k);
	emit_rr(s, false, 0x0f40 | cc, REG_A, RDX);	/* cmovcc eax, edx */
	emit_u8(s, 0xc3);
	return true;
}

static bool emit_range(struct jit_state *s, const struct bpf_insn *base,
		       u_int i, u_int next)
{
	const struct bpf_insn *p = &base[i], *q;
	u_int j = i + 1 + p->jt, out = i + 1 + p->jf;

	if (p->code != (BPF_JMP | BPF_JGE | BPF_K) || j == out)
		return false;
	q = &base[j];
	if (q->code != (BPF_JMP | BPF_JGT | BPF_K) || j + 1 + q->jt != out ||
	    q->k < p->k)
		return false;
	/* lo <= A <= hi  <=>  (unsigned)(A - lo) <= hi - lo */
	emit_rm(s, false, 0x8d, RDX, REG_A, NO_INDEX, (int32_t)(0u - p->k));
	emit_alu_imm(s, ALU_CMP, RDX, q->k - p->k);
	emit_branch(s, CC_BE, j + 1 + q->jf, out, next);
	return true;
}

/* Length of the run of "jeq #k" at i whose true targets agree and whose
 * false targets are the next test. */
static u_int eq_chain(const struct bpf_insn *base, u_int i)
{
	const u_int target = i + 1 + base[i].jt;
	u_int n = 1;

	if (base[i].code != (BPF_JMP | BPF_JEQ | BPF_K))
		return 1;
	while (n < 8 && base[i + n - 1].jf == 0 &&
	       base[i + n].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
	       i + n + 1 + base[i + n].jt == target && target > i + n)
		n++;
	return n;
}

static bool emit_eq_chain(struct jit_state *s, const struct bpf_insn *base,
			  u_int i, u_int next)
{
	const u_int n = eq_chain(base, i);
	const struct bpf_insn *last = &base[i + n - 1];

	if (n < 2)
		return false;
	/* setcc writes a byte: whole registers zeroed first, so it does not
	 * wait for whatever they held (the previous packet, say). */
	emit_mov_imm(s, RDX, 0);
	emit_mov_imm(s, R11, 0);
	for (u_int j = 0; j < n; j++) {
		emit_alu_imm(s, ALU_CMP, REG_A, base[i + j].k);
		/* sete dl, then or'ed in through r11b */
		emit_rex(s, false, 0, NO_INDEX, j == 0 ? RDX : R11);
		emit_u8(s, 0x0f);
		emit_u8(s, 0x94);
		emit_modrm_reg(s, 0, j == 0 ? RDX : R11);
		if (j > 0) {
			emit_u8(s, 0x44);			/* or dl, r11b */
			emit_u8(s, 0x08);
			emit_modrm_reg(s, R11, RDX);
		}
	}
	emit_u8(s, 0x84);					/* test dl, dl */
	emit_modrm_reg(s, RDX, RDX);
	emit_branch(s, CC_NE, i + 1 + base[i].jt, i + n + last->jf, next);
	return true;
}

/* A conditional jump: compare, then one or two jumps. */
static void emit_cond_jump(struct jit_state *s, const struct bpf_insn *base,
			   u_int i)
{
	const struct bpf_insn *p = &base[i];
	const int cc = cc_of[BPF_OP(p->code) >> 4];
	const u_int jt = i + 1 + p->jt, jf = i + 1 + p->jf;

	if (jt == jf) {
		if (jt != i + 1)
			emit_jump_insn(s, -1, jt);
		return;
	}
	if (emit_ret_select(s, p, cc, &base[jt], &base[jf]) ||
	    emit_range(s, base, i, i + 1) || emit_eq_chain(s, base, i, i + 1))
		return;
	emit_compare(s, p);
	emit_branch(s, cc, jt, jf, i + 1);
}

/* One instruction.  Codes bpf_interp does not execute reject the packet. */
static void emit_insn(struct jit_state *s, const struct bpf_insn *p, u_int i)
{
	const uint32_t k = p->k;

	switch (p->code) {
	case BPF_RET | BPF_K:
		emit_mov_imm(s, REG_A, k);
		emit_u8(s, 0xc3);
		return;
	case BPF_RET | BPF_A:
		emit_u8(s, 0xc3);
		return;
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		emit_ld_abs(s, p->code, k);
		return;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		emit_ld_ind(s, p->code, k);
		return;
	case BPF_LDX | BPF_MSH | BPF_B:
		emit_ldx_msh(s, k);
		return;
	case BPF_LD | BPF_W | BPF_LEN:
		emit_mov_reg(s, REG_A, RSI);
		return;
	case BPF_LDX | BPF_W | BPF_LEN:
		emit_mov_reg(s, REG_X, RSI);
		return;
	case BPF_LD | BPF_IMM:
		emit_mov_imm(s, REG_A, k);
		return;
	case BPF_LDX | BPF_IMM:
		emit_mov_imm(s, REG_X, k);
		return;
	case BPF_LD | BPF_MEM:
		emit_rm(s, false, 0x8b, REG_A, RSP, NO_INDEX,
			MEM_BASE + 4 * (k % BPF_MEMWORDS));
		return;
	case BPF_LDX | BPF_MEM:
		emit_rm(s, false, 0x8b, REG_X, RSP, NO_INDEX,
			MEM_BASE + 4 * (k % BPF_MEMWORDS));
		return;
	case BPF_ST:
		emit_rm(s, false, 0x89, REG_A, RSP, NO_INDEX,
			MEM_BASE + 4 * (k % BPF_MEMWORDS));
		return;
	case BPF_STX:
		emit_rm(s, false, 0x89, REG_X, RSP, NO_INDEX,
			MEM_BASE + 4 * (k % BPF_MEMWORDS));
		return;
	case BPF_JMP | BPF_JA:
		if (k != 0)
			emit_jump_insn(s, -1, i + 1 + k);
		return;
	case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X: case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JEQ | BPF_X: case BPF_JMP | BPF_JSET | BPF_X:
		emit_cond_jump(s, p - i, i);
		return;
	case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:  case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
		emit_alu(s, p->code, k);
		return;
	case BPF_ALU | BPF_NEG:
		emit_rr(s, false, 0xf7, 3, REG_A);		/* neg eax */
		return;
	case BPF_MISC | BPF_TAX:
		emit_mov_reg(s, REG_X, REG_A);
		return;
	case BPF_MISC | BPF_TXA:
		emit_mov_reg(s, REG_A, REG_X);
		return;
	default:
		emit_jump_ret0(s, -1);
		return;
	}
}

/*
 * Bytes of packet a constant-offset load needs (0: none).  Within a
 * straight-line block every exit before the block's end returns 0, so one
 * check for the block's largest need at its start gives the same verdicts
 * as a check at each load.
 */
static uint64_t insn_need(const struct bpf_insn *p)
{
	switch (p->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return p->k + (uint64_t)4;
	case BPF_LD | BPF_H | BPF_ABS:
		return p->k + (uint64_t)2;
	case BPF_LD | BPF_B | BPF_ABS:
		return is_aux_offset(p->k) ? 0 : p->k + (uint64_t)1;
	case BPF_LDX | BPF_MSH | BPF_B:
		return p->k + (uint64_t)1;
	default:
		return 0;
	}
}

static bool ends_block(const struct bpf_insn *p)
{
	return BPF_CLASS(p->code) == BPF_JMP || BPF_CLASS(p->code) == BPF_RET;
}

/*
 * need[i] at each block start: the bytes the block must check, or 0 when
 * every path into it has already checked as many (known[], forward only).
 */
static int plan_bounds(const struct bpf_insn *insns, u_int len,
		       uint64_t *need)
{
	uint64_t *known = malloc(sizeof *known * (len + 1));
	bool *leader = calloc(len + 1, sizeof *leader);
	u_int i, start;

	if (known == NULL || leader == NULL) {
		free(known);
		free(leader);
		return -1;
	}
	for (i = 0; i <= len; i++)
		known[i] = UINT64_MAX;
	leader[0] = true;
	for (i = 0; i < len; i++) {
		const struct bpf_insn *p = &insns[i];

		if (!ends_block(p))
			continue;
		leader[i + 1] = true;
		if (BPF_CLASS(p->code) == BPF_JMP && BPF_OP(p->code) == BPF_JA)
			leader[i + 1 + p->k] = true;
		else if (BPF_CLASS(p->code) == BPF_JMP) {
			leader[i + 1 + p->jt] = true;
			leader[i + 1 + p->jf] = true;
		}
	}
	known[0] = 0;
	for (start = 0; start < len; start = i) {
		uint64_t max = 0, have = known[start] == UINT64_MAX ? 0
								    : known[start];
		const struct bpf_insn *last;

		for (i = start; i < len; i++) {
			uint64_t n = insn_need(&insns[i]);

			max = n > max ? n : max;
			if (ends_block(&insns[i]) || leader[i + 1]) {
				i++;
				break;
			}
		}
		need[start] = max > have ? max : 0;
		have = max > have ? max : have;
		/* Successors of the block's last instruction. */
		last = &insns[i - 1];
		if (BPF_CLASS(last->code) == BPF_RET)
			continue;
		if (BPF_CLASS(last->code) != BPF_JMP) {
			known[i] = known[i] < have ? known[i] : have;
		} else if (BPF_OP(last->code) == BPF_JA) {
			u_int t = i + last->k;

			known[t] = known[t] < have ? known[t] : have;
		} else {
			u_int t = i + last->jt, f = i + last->jf;

			known[t] = known[t] < have ? known[t] : have;
			known[f] = known[f] < have ? known[f] : have;
		}
	}
	free(known);
	free(leader);
	return 0;
}

/* buflen < need: reject (a need beyond 32 bits never passes). */
static void emit_bounds_check(struct jit_state *s, uint64_t need)
{
	if (need > UINT32_MAX) {
		emit_jump_ret0(s, -1);
		return;
	}
	emit_alu_imm(s, ALU_CMP, R8, (uint32_t)need);
	emit_jump_ret0(s, CC_B);
}

static bool uses_memory_loads(const struct bpf_insn *insns, u_int len)
{
	for (u_int i = 0; i < len; i++)
		if (insns[i].code == (BPF_LD | BPF_MEM) ||
		    insns[i].code == (BPF_LDX | BPF_MEM))
			return true;
	return false;
}

/* What the layout passes write: the program and its plans. */
struct program {
	const struct bpf_insn *insns;
	u_int len;
	const uint64_t *need;			/* plan_bounds */
	bool zero_memory;			/* M[] is read */
};

/* One pass over the program; offsets land in s->insn_off. */
static void emit_program(struct jit_state *s, const struct program *prog)
{
	s->pos = 0;
	emit_rr(s, true, 0x89, RCX, R10);		/* mov r10, rcx */
	emit_mov_reg(s, R8, RDX);			/* mov r8d, edx */
	emit_mov_imm(s, REG_A, 0);
	emit_mov_imm(s, REG_X, 0);
	if (prog->zero_memory)		/* M[] reads as 0 before any store */
		for (int j = 0; j < BPF_MEMWORDS * 4; j += 8) {
			emit_rm(s, true, 0xc7, 0, RSP, NO_INDEX, MEM_BASE + j);
			emit_u32(s, 0);
		}
	for (u_int i = 0; i < prog->len; i++) {
		s->insn_off[i] = (uint32_t)s->pos;
		if (prog->need[i] != 0)
			emit_bounds_check(s, prog->need[i]);
		emit_insn(s, &prog->insns[i], i);
	}
	s->insn_off[prog->len] = (uint32_t)s->pos;
	s->ret0_off = (uint32_t)s->pos;
	emit_mov_imm(s, REG_A, 0);
	emit_u8(s, 0xc3);
}

/* Only forward jumps inside the program: "ja" that wraps backwards is left
 * to the interpreter. */
static bool jumps_forward(const struct bpf_insn *insns, u_int len)
{
	for (u_int i = 0; i < len; i++) {
		const struct bpf_insn *p = &insns[i];

		if (BPF_CLASS(p->code) != BPF_JMP)
			continue;
		if (BPF_OP(p->code) == BPF_JA) {
			if (i + 1 + (uint64_t)p->k >= len)
				return false;
		} else if (i + 1 + (uint64_t)p->jt >= len ||
			   i + 1 + (uint64_t)p->jf >= len) {
			return false;
		}
	}
	return true;
}

/* The offsets of this pass become the next pass's guesses; true when
 * they did not move. */
static bool settled(struct jit_state *s, u_int len)
{
	bool same = memcmp(s->prev_off, s->insn_off,
			   sizeof *s->prev_off * (len + 1)) == 0 &&
		    s->prev_ret0 == s->ret0_off;

	memcpy(s->prev_off, s->insn_off, sizeof *s->prev_off * (len + 1));
	s->prev_ret0 = s->ret0_off;
	return same;
}

/* Lay out until no jump changes size; then write and seal the code. */
static bpf_jit_fn assemble(struct jit_state *s, const struct program *prog,
			   size_t *size)
{
	size_t bytes;
	void *mem;

	s->long_jumps = true;
	emit_program(s, prog);
	settled(s, prog->len);
	s->long_jumps = false;
	for (int pass = 0;; pass++) {
		emit_program(s, prog);
		if (settled(s, prog->len))
			break;
		if (pass == 32) {	/* not settling: every jump long */
			s->long_jumps = true;
			emit_program(s, prog);
			settled(s, prog->len);
			break;
		}
	}
	bytes = s->pos;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	s->buf = mem;
	emit_program(s, prog);
	if (s->pos != bytes || mprotect(mem, bytes, PROT_READ | PROT_EXEC) != 0) {
		munmap(mem, bytes);
		errno = s->pos != bytes ? EINVAL : errno;
		return NULL;
	}
	*size = bytes;
	return (bpf_jit_fn)mem;
}

bpf_jit_fn bpf_jit_compile(const struct bpf_insn *insns, u_int len,
			   size_t *size)
{
	struct jit_state s = { 0 };
	struct program prog = { .insns = insns, .len = len };
	uint64_t *need;
	bpf_jit_fn fn = NULL;

	if (insns == NULL || len == 0 || len > (1u << 20) ||
	    !bpf_check(insns, (int)len) || !jumps_forward(insns, len)) {
		errno = EINVAL;
		return NULL;
	}
	need = calloc(len + 1, sizeof *need);
	s.insn_off = calloc(len + 1, sizeof *s.insn_off);
	s.prev_off = calloc(len + 1, sizeof *s.prev_off);
	if (need != NULL && s.insn_off != NULL && s.prev_off != NULL &&
	    plan_bounds(insns, len, need) == 0) {
		prog.need = need;
		prog.zero_memory = uses_memory_loads(insns, len);
		fn = assemble(&s, &prog, size);
	} else {
		errno = ENOMEM;
	}
	free(need);
	free(s.insn_off);
	free(s.prev_off);
	return fn;
}

void bpf_jit_free(bpf_jit_fn fn, size_t size)
{
	if (fn != NULL)
		munmap((void *)fn, size);
}

#else /* !__x86_64__ */

bpf_jit_fn bpf_jit_compile(const struct bpf_insn *insns, u_int len,
			   size_t *size)
{
	errno = ENOSYS;
	return NULL;
}

void bpf_jit_free(bpf_jit_fn fn, size_t size)
{
}

#endif
