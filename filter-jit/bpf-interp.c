/*
 * bpf-interp.c: the reference interpreter for classic BPF, with libpcap
 * 1.10.3's verdicts for every program its validator accepts.  The JIT and
 * every other fast path are checked against this file.
 */
#include "config.h"

#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "filter-jit/filter.h"
#include "pcap-compat/pcap-int.h"

static inline uint32_t load_be32(const u_char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return be32toh(v);
}

static inline uint32_t load_be16(const u_char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return be16toh(v);
}

/*
 * Where libpcap's own code has undefined behaviour, this interpreter picks
 * the safe reading and documents it:
 *  - an opcode outside the instruction set (libpcap aborts) rejects;
 *  - division or modulo by a constant 0 (validator-rejected; libpcap traps)
 *    rejects, like division by X == 0 does;
 *  - scratch memory starts zeroed, and its index is taken modulo 16;
 *  - a constant shift count uses its low 5 bits, which is what libpcap's
 *    compiled "A <<= k" does on x86.
 * Jump targets are not checked: there is no length here, as in libpcap;
 * programs come through bpf_check first (pcap_setfilter).
 */
u_int bpf_interp(const struct bpf_insn *pc, const u_char *pkt, u_int wirelen,
		 u_int buflen, const struct bpf_aux_data *aux)
{
	/* 64-bit sums below cannot wrap, so one compare bounds each load. */
	const uint64_t len = buflen;
	/* Byte loads below this need no ancillary-offset test. */
	const uint32_t plain_byte_limit =
		buflen < BPF_AUX_OFF ? buflen : BPF_AUX_OFF;
	uint32_t A = 0, X = 0;
	uint32_t mem[BPF_MEMWORDS] = { 0 };
	uint32_t k;

	if (pc == NULL)
		return (u_int)-1;	/* no program: accept everything */

	/*
	 * pc steps past an instruction before running it: jump offsets add
	 * straight to it, and each case ends in a single jump to the dispatch.
	 */
	for (;;) {
		const struct bpf_insn *cur = pc++;

		k = cur->k;
		switch (cur->code) {
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return A;

		case BPF_LD | BPF_W | BPF_ABS:
			if (k + (uint64_t)4 > len)
				return 0;
			A = load_be32(pkt + k);
			continue;
		case BPF_LD | BPF_H | BPF_ABS:
			if (k + (uint64_t)2 > len)
				return 0;
			A = load_be16(pkt + k);
			continue;
		case BPF_LD | BPF_B | BPF_ABS:
			if (__builtin_expect(k < plain_byte_limit, 1)) {
				A = pkt[k];
				continue;
			}
			if (k == BPF_AUX_VLAN_TAG || k == BPF_AUX_VLAN_TAG_PRESENT) {
				if (aux == NULL)
					return 0;
				A = k == BPF_AUX_VLAN_TAG ? aux->vlan_tag
							  : aux->vlan_tag_present;
				continue;
			}
			if (k >= buflen)
				return 0;
			A = pkt[k];
			continue;

		case BPF_LD | BPF_W | BPF_IND:
			if (X + (uint64_t)k + 4 > len)
				return 0;
			A = load_be32(pkt + (X + k));
			continue;
		case BPF_LD | BPF_H | BPF_IND:
			if (X + (uint64_t)k + 2 > len)
				return 0;
			A = load_be16(pkt + (X + k));
			continue;
		case BPF_LD | BPF_B | BPF_IND:
			if (X + (uint64_t)k >= len)
				return 0;
			A = pkt[X + k];
			continue;
		case BPF_LDX | BPF_MSH | BPF_B:
			if (k >= buflen)
				return 0;
			X = (uint32_t)(pkt[k] & 0xf) << 2;
			continue;

		case BPF_LD | BPF_W | BPF_LEN:
			A = wirelen;
			continue;
		case BPF_LDX | BPF_W | BPF_LEN:
			X = wirelen;
			continue;
		case BPF_LD | BPF_IMM:
			A = k;
			continue;
		case BPF_LDX | BPF_IMM:
			X = k;
			continue;
		case BPF_LD | BPF_MEM:
			A = mem[k % BPF_MEMWORDS];
			continue;
		case BPF_LDX | BPF_MEM:
			X = mem[k % BPF_MEMWORDS];
			continue;
		case BPF_ST:
			mem[k % BPF_MEMWORDS] = A;
			continue;
		case BPF_STX:
			mem[k % BPF_MEMWORDS] = X;
			continue;

		case BPF_JMP | BPF_JA:
			/* Signed: backward jumps implement "ip6 protochain". */
			pc += (int32_t)k;
			continue;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += A > k ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += A >= k ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == k ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & k) != 0 ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JGT | BPF_X:
			pc += A > X ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JGE | BPF_X:
			pc += A >= X ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += A == X ? cur->jt : cur->jf;
			continue;
		case BPF_JMP | BPF_JSET | BPF_X:
			pc += (A & X) != 0 ? cur->jt : cur->jf;
			continue;

		case BPF_ALU | BPF_ADD | BPF_K:
			A += k;
			continue;
		case BPF_ALU | BPF_SUB | BPF_K:
			A -= k;
			continue;
		case BPF_ALU | BPF_MUL | BPF_K:
			A *= k;
			continue;
		case BPF_ALU | BPF_DIV | BPF_K:
			if (k == 0)
				return 0;
			A /= k;
			continue;
		case BPF_ALU | BPF_MOD | BPF_K:
			if (k == 0)
				return 0;
			A %= k;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			continue;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			continue;
		case BPF_ALU | BPF_XOR | BPF_K:
			A ^= k;
			continue;
		case BPF_ALU | BPF_LSH | BPF_K:
			A <<= k & 31;
			continue;
		case BPF_ALU | BPF_RSH | BPF_K:
			A >>= k & 31;
			continue;

		case BPF_ALU | BPF_ADD | BPF_X:
			A += X;
			continue;
		case BPF_ALU | BPF_SUB | BPF_X:
			A -= X;
			continue;
		case BPF_ALU | BPF_MUL | BPF_X:
			A *= X;
			continue;
		case BPF_ALU | BPF_DIV | BPF_X:
			if (X == 0)
				return 0;
			A /= X;
			continue;
		case BPF_ALU | BPF_MOD | BPF_X:
			if (X == 0)
				return 0;
			A %= X;
			continue;
		case BPF_ALU | BPF_AND | BPF_X:
			A &= X;
			continue;
		case BPF_ALU | BPF_OR | BPF_X:
			A |= X;
			continue;
		case BPF_ALU | BPF_XOR | BPF_X:
			A ^= X;
			continue;
		/* A count of X >= 32 clears A (checked, unlike the constant). */
		case BPF_ALU | BPF_LSH | BPF_X:
			A = X < 32 ? A << X : 0;
			continue;
		case BPF_ALU | BPF_RSH | BPF_X:
			A = X < 32 ? A >> X : 0;
			continue;
		case BPF_ALU | BPF_NEG:
			A = 0u - A;
			continue;

		case BPF_MISC | BPF_TAX:
			X = A;
			continue;
		case BPF_MISC | BPF_TXA:
			A = X;
			continue;

		default:
			return 0;
		}
	}
}

/* libpcap's historical name for the same interpreter, without aux data. */
PCAP_EXPORT u_int bpf_filter(const struct bpf_insn *pc, const u_char *pkt,
			     u_int wirelen, u_int buflen)
{
	return bpf_interp(pc, pkt, wirelen, buflen, NULL);
}
