/*
 * x86-asm.h: the x86-64 encoder the filter JIT writes with.  Each emit_*
 * appends one instruction at s->pos (only counting bytes while s->buf is
 * NULL, during layout passes).  Registers the generated code gives a
 * meaning to: pkt = rdi, wirelen = esi, buflen = r8 (zero-extended),
 * aux = r10.
 */
#ifndef ACCEL_X86_ASM_H
#define ACCEL_X86_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter-jit/filter.h"

enum { RAX = 0, RCX = 1, RDX = 2, RSP = 4, RSI = 6, RDI = 7,
       R8 = 8, R9 = 9, R10 = 10, R11 = 11 };
#define REG_A RAX
#define REG_X RCX

/* Condition codes (the low nibble of jcc). */
enum { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7 };

#define MEM_BASE (-64)		/* M[k] at [rsp - 64 + 4k], in the red zone */
#define NO_INDEX (-1)

struct jit_state {
	uint8_t *buf;		/* NULL while sizing */
	size_t pos;
	uint32_t *insn_off;	/* code offset of each instruction (+1 end) */
	uint32_t *prev_off;	/* the previous pass's offsets: jump sizes */
	uint32_t ret0_off, prev_ret0;	/* "return 0" */
	bool long_jumps;	/* every jump rel32: the safe fallback layout */
};

/* 32-bit ALU with an immediate: digit is the /n of opcode 81 (or 83). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6,
       ALU_CMP = 7 };

void emit_u8(struct jit_state *s, uint8_t b);
void emit_u32(struct jit_state *s, uint32_t v);
bool fits_s8(int64_t v);
void emit_rex(struct jit_state *s, bool w, int reg, int index, int base);
void emit_modrm_reg(struct jit_state *s, int reg, int rm);
void emit_modrm_mem(struct jit_state *s, int reg, int base, int index,
		int32_t disp);
void emit_rr(struct jit_state *s, bool w, uint16_t op, int reg, int rm);
void emit_rm(struct jit_state *s, bool w, uint16_t op, int reg,
		int base, int index, int32_t disp);
void emit_alu_imm(struct jit_state *s, int digit, int reg, uint32_t imm);
void emit_mov_imm(struct jit_state *s, int reg, uint32_t imm);
void emit_mov_reg(struct jit_state *s, int dst, int src);
void emit_shift_imm(struct jit_state *s, int digit, int reg, uint8_t n);
void emit_jump_to(struct jit_state *s, int cc, uint32_t target,
		uint32_t prev_target);
void emit_jump_insn(struct jit_state *s, int cc, u_int insn);
void emit_jump_ret0(struct jit_state *s, int cc);
void emit_load_abs(struct jit_state *s, uint16_t op, int reg, uint32_t k);
void emit_swap(struct jit_state *s, int reg, int size);
uint16_t load_opcode(int size);
int load_size(uint16_t code);
bool is_aux_offset(uint32_t k);
void emit_mov_imm_keep_flags(struct jit_state *s, int reg, uint32_t k);

#endif
