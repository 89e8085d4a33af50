/*
 * x86-asm.c: instruction encoding for the filter JIT (see x86-asm.h).
 */
#include "config.h"

#include "filter-jit/x86-asm.h"

#ifdef __x86_64__

void emit_u8(struct jit_state *s, uint8_t b)
{
	if (s->buf != NULL)
		s->buf[s->pos] = b;
	s->pos++;
}

void emit_u32(struct jit_state *s, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		emit_u8(s, (uint8_t)(v >> (8 * i)));
}

bool fits_s8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* A REX prefix when one is needed: w (64-bit), r/x/b register extensions. */
void emit_rex(struct jit_state *s, bool w, int reg, int index, int base)
{
	uint8_t rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) |
		      (index >= 0 && (index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0);

	if (rex != 0x40)
		emit_u8(s, rex);
}

/* ModRM for a register-direct operand. */
void emit_modrm_reg(struct jit_state *s, int reg, int rm)
{
	emit_u8(s, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* ModRM (+SIB, +displacement) for [base + index + disp]. */
void emit_modrm_mem(struct jit_state *s, int reg, int base, int index,
			   int32_t disp)
{
	int mod = disp == 0 && (base & 7) != 5 ? 0 : fits_s8(disp) ? 1 : 2;

	if (index == NO_INDEX && (base & 7) != RSP) {
		emit_u8(s, mod << 6 | (reg & 7) << 3 | (base & 7));
	} else {
		emit_u8(s, mod << 6 | (reg & 7) << 3 | 4);
		emit_u8(s, ((index == NO_INDEX ? 4 : index) & 7) << 3 | (base & 7));
	}
	if (mod == 1)
		emit_u8(s, (uint8_t)disp);
	else if (mod == 2)
		emit_u32(s, (uint32_t)disp);
}

/* op reg, rm: a one- or two-byte opcode between two registers. */
void emit_rr(struct jit_state *s, bool w, uint16_t op, int reg, int rm)
{
	emit_rex(s, w, reg, NO_INDEX, rm);
	if (op > 0xff)
		emit_u8(s, op >> 8);
	emit_u8(s, op & 0xff);
	emit_modrm_reg(s, reg, rm);
}

/* op reg, [base + index + disp]. */
void emit_rm(struct jit_state *s, bool w, uint16_t op, int reg,
	     int base, int index, int32_t disp)
{
	emit_rex(s, w, reg, index, base);
	if (op > 0xff)
		emit_u8(s, op >> 8);
	emit_u8(s, op & 0xff);
	emit_modrm_mem(s, reg, base, index, disp);
}

void emit_alu_imm(struct jit_state *s, int digit, int reg, uint32_t imm)
{
	emit_rex(s, false, 0, NO_INDEX, reg);
	if (fits_s8((int32_t)imm)) {
		emit_u8(s, 0x83);
		emit_modrm_reg(s, digit, reg);
		emit_u8(s, (uint8_t)imm);
	} else {
		emit_u8(s, 0x81);
		emit_modrm_reg(s, digit, reg);
		emit_u32(s, imm);
	}
}

void emit_mov_imm(struct jit_state *s, int reg, uint32_t imm)
{
	if (imm == 0) {
		emit_rr(s, false, 0x31, reg, reg);	/* xor reg, reg */
		return;
	}
	emit_rex(s, false, 0, NO_INDEX, reg);
	emit_u8(s, 0xb8 | (reg & 7));
	emit_u32(s, imm);
}

/* mov dst, src (32-bit: zero-extends). */
void emit_mov_reg(struct jit_state *s, int dst, int src)
{
	emit_rr(s, false, 0x89, src, dst);
}

/* shl/shr reg, imm: digit 4 or 5 of opcode C1. */
void emit_shift_imm(struct jit_state *s, int digit, int reg, uint8_t n)
{
	emit_rex(s, false, 0, NO_INDEX, reg);
	emit_u8(s, 0xc1);
	emit_modrm_reg(s, digit, reg);
	emit_u8(s, n);
}

/* A jump to a code offset: short when the previous pass says it fits. */
void emit_jump_to(struct jit_state *s, int cc, uint32_t target,
		  uint32_t prev_target)
{
	/* Jumps only go forward, so code shrinking never breaks a short one. */
	int64_t guess = (int64_t)prev_target - (int64_t)(s->pos + 2);

	if (!s->long_jumps && fits_s8(guess)) {
		emit_u8(s, cc < 0 ? 0xeb : 0x70 | cc);
		emit_u8(s, (uint8_t)(int8_t)((int64_t)target - (int64_t)(s->pos + 1)));
		return;
	}
	if (cc < 0) {
		emit_u8(s, 0xe9);
	} else {
		emit_u8(s, 0x0f);
		emit_u8(s, 0x80 | cc);
	}
	emit_u32(s, (uint32_t)((int64_t)target - (int64_t)(s->pos + 4)));
}

void emit_jump_insn(struct jit_state *s, int cc, u_int insn)
{
	emit_jump_to(s, cc, s->insn_off[insn], s->prev_off[insn]);
}

void emit_jump_ret0(struct jit_state *s, int cc)
{
	emit_jump_to(s, cc, s->ret0_off, s->prev_ret0);
}

/* The constant part of a packet address: disp32 when it fits, else r11. */
void emit_load_abs(struct jit_state *s, uint16_t op, int reg, uint32_t k)
{
	if (k <= INT32_MAX) {
		emit_rm(s, false, op, reg, RDI, NO_INDEX, (int32_t)k);
		return;
	}
	emit_mov_imm(s, R11, k);
	emit_rm(s, false, op, reg, RDI, R11, 0);
}

/* reg = the big-endian value of the size bytes just loaded into it
 * (eax, ecx or edx). */
void emit_swap(struct jit_state *s, int reg, int size)
{
	if (size == 4) {
		emit_u8(s, 0x0f);		/* bswap reg */
		emit_u8(s, 0xc8 | reg);
	} else if (size == 2) {
		emit_u8(s, 0x66);		/* ror reg16, 8 */
		emit_shift_imm(s, 1, reg, 8);
	}
}

uint16_t load_opcode(int size)
{
	return size == 4 ? 0x8b : size == 2 ? 0x0fb7 : 0x0fb6;
}

int load_size(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W: return 4;
	case BPF_H: return 2;
	default:    return 1;
	}
}

bool is_aux_offset(uint32_t k)
{
	return k == BPF_AUX_VLAN_TAG || k == BPF_AUX_VLAN_TAG_PRESENT;
}

/* mov reg, imm32 without touching the flags (no xor for 0). */
void emit_mov_imm_keep_flags(struct jit_state *s, int reg, uint32_t k)
{
	emit_rex(s, false, 0, NO_INDEX, reg);
	emit_u8(s, 0xb8 | (reg & 7));
	emit_u32(s, k);
}

#endif
