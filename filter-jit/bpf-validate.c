/*
 * bpf-validate.c: which programs libpcap 1.10.3 accepts as valid.  Its
 * rules are per instruction class (addressing modes, ALU and jump
 * operations), not per opcode, so they live here as small tables.
 */
#include "config.h"

#include <stdint.h>

#include "filter-jit/filter.h"
#include "pcap-compat/pcap-int.h"

/*
 * Addressing modes a load may use (BPF_MODE >> 5): imm, abs, ind, mem,
 * len, msh.  The size bits and the register are not looked at, so some
 * accepted codes are not instructions (libpcap's interpreter aborts on
 * them; ours rejects the packet).
 */
static const bool load_mode_ok[8] = {
	[BPF_IMM >> 5] = true, [BPF_ABS >> 5] = true, [BPF_IND >> 5] = true,
	[BPF_MEM >> 5] = true, [BPF_LEN >> 5] = true, [BPF_MSH >> 5] = true,
};

/* ALU operations (BPF_OP >> 4); the source bit is not looked at. */
static const bool alu_op_ok[16] = {
	[BPF_ADD >> 4] = true, [BPF_SUB >> 4] = true, [BPF_MUL >> 4] = true,
	[BPF_DIV >> 4] = true, [BPF_OR >> 4] = true,  [BPF_AND >> 4] = true,
	[BPF_LSH >> 4] = true, [BPF_RSH >> 4] = true, [BPF_NEG >> 4] = true,
	[BPF_MOD >> 4] = true, [BPF_XOR >> 4] = true,
};

/* Conditional jump operations (BPF_OP >> 4); "ja" is checked apart. */
static const bool cond_jump_op_ok[16] = {
	[BPF_JEQ >> 4] = true, [BPF_JGT >> 4] = true, [BPF_JGE >> 4] = true,
	[BPF_JSET >> 4] = true,
};

/*
 * One instruction at index i of a len-long program.  Jump targets are
 * reckoned in 32-bit unsigned arithmetic, as libpcap does: a "ja" whose
 * offset wraps around to an earlier instruction is accepted (backward
 * jumps implement "ip6 protochain").
 */
static bool insn_ok(const struct bpf_insn *p, uint32_t i, uint32_t len)
{
	const uint32_t next = i + 1;

	switch (BPF_CLASS(p->code)) {
	case BPF_LD:
	case BPF_LDX:
		if (!load_mode_ok[BPF_MODE(p->code) >> 5])
			return false;
		return BPF_MODE(p->code) != BPF_MEM || p->k < BPF_MEMWORDS;
	case BPF_ST:
	case BPF_STX:
		return p->k < BPF_MEMWORDS;
	case BPF_ALU:
		if (!alu_op_ok[BPF_OP(p->code) >> 4])
			return false;
		/* A constant divisor of 0 is refused; X == 0 rejects at run time. */
		if (BPF_OP(p->code) == BPF_DIV || BPF_OP(p->code) == BPF_MOD)
			return BPF_SRC(p->code) != BPF_K || p->k != 0;
		return true;
	case BPF_JMP:
		if (BPF_OP(p->code) == BPF_JA)
			return next + p->k < len;
		return cond_jump_op_ok[BPF_OP(p->code) >> 4] &&
		       next + p->jt < len && next + p->jf < len;
	default:		/* BPF_RET, BPF_MISC: anything goes */
		return true;
	}
}

int bpf_check(const struct bpf_insn *insns, int len)
{
	uint32_t i;

	if (len < 1)
		return 0;
	for (i = 0; i < (uint32_t)len; i++)
		if (!insn_ok(&insns[i], i, (uint32_t)len))
			return 0;
	return BPF_CLASS(insns[len - 1].code) == BPF_RET;
}

PCAP_EXPORT int bpf_validate(const struct bpf_insn *f, int len)
{
	return bpf_check(f, len);
}
