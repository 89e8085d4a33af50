/*
 * fuzz-jit.c: libFuzzer target for the JIT.  The input makes a valid
 * classic BPF program (byte 0: length; 7 bytes per instruction: code,
 * jt, jf, k; fixed up until bpf_check accepts it) and a packet (the rest;
 * one byte of it picks the aux data).  The compiled code must give the
 * interpreter's verdict on the packet whole and truncated.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter-jit/filter.h"
#include "filter-jit/jit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Instruction i of a len-long program, made valid on its own terms. */
static void fix_insn(struct bpf_insn *p, u_int i, u_int len)
{
	const u_int room = len - 2 - i;	/* reach up to the last insn */
	struct bpf_insn alone[2] = { *p, BPF_STMT(BPF_RET | BPF_A, 0) };

	if (BPF_CLASS(p->code) == BPF_JMP) {
		if (BPF_OP(p->code) == BPF_JA) {
			p->k %= room + 1;
			return;
		}
		p->jt %= room + 1;
		p->jf %= room + 1;
		alone[0].jt = alone[0].jf = 0;
	}
	if (BPF_CLASS(p->code) == BPF_ST || BPF_CLASS(p->code) == BPF_STX ||
	    BPF_MODE(p->code) == BPF_MEM)
		p->k %= BPF_MEMWORDS, alone[0].k = p->k;
	if (BPF_CLASS(p->code) == BPF_ALU && p->k == 0 &&
	    (BPF_OP(p->code) == BPF_DIV || BPF_OP(p->code) == BPF_MOD))
		p->k = alone[0].k = 1;
	if (!bpf_check(alone, 2))
		*p = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_IMM, p->k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_insn prog[64];
	struct bpf_aux_data aux;
	const u_char *pkt;
	u_int len, buflen;
	bpf_jit_fn fn;
	size_t code_size;

	if (size < 2)
		return 0;
	len = 1 + data[0] % 64;
	if (size < 1 + 7 * (size_t)len + 1)
		return 0;
	for (u_int i = 0; i < len; i++) {
		const uint8_t *d = data + 1 + 7 * i;

		prog[i].code = d[0] | (d[1] == 0xff ? 0x100 : 0);
		prog[i].jt = d[1];
		prog[i].jf = d[2];
		prog[i].k = (uint32_t)d[3] | (uint32_t)d[4] << 8 |
			    (uint32_t)d[5] << 16 | (uint32_t)d[6] << 24;
		if (i + 1 < len)
			fix_insn(&prog[i], i, len);
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET)
		prog[len - 1].code = BPF_RET | (prog[len - 1].code & 1 ? BPF_A
								 : BPF_K);
	if (!bpf_check(prog, (int)len))
		abort();	/* the fix-ups above must make it valid */
	fn = bpf_jit_compile(prog, len, &code_size);
	if (fn == NULL)
		abort();	/* forward jumps only: never refused */
	data += 1 + 7 * len;
	size -= 1 + 7 * len;
	aux.vlan_tag = data[0] * 17 % 4096;
	aux.vlan_tag_present = data[0] & 1;
	pkt = data + 1;
	buflen = (u_int)(size - 1);
	/* Exactly n bytes: ASan checks the interpreter's reads; a JIT read
	 * past the end shows as a different verdict or a fault. */
	for (u_int cut = 0; cut < 3; cut++) {
		u_int n = cut == 0 ? buflen : cut == 1 ? buflen / 2 : 0;
		u_char *copy = malloc(n ? n : 1);

		memcpy(copy, pkt, n);
		for (int with_aux = 0; with_aux < 2; with_aux++) {
			const struct bpf_aux_data *a = with_aux ? &aux : NULL;

			if (fn(copy, buflen, n, a) !=
			    bpf_interp(prog, copy, buflen, n, a))
				abort();
		}
		free(copy);
	}
	bpf_jit_free(fn, code_size);
	return 0;
}
