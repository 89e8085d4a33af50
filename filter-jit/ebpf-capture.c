/*
 * ebpf-capture.c: the whole XDP program of an AF_XDP capture, around the
 * translated filter (ebpf.c).  Before the filter it stamps the packet: a
 * 16-byte metadata area in front of the frame holds bpf_ktime_get_ns()
 * and a marker, so user space gets the time of arrival (AF_XDP copies the
 * metadata into the socket's frame).  A packet the filter accepts is
 * counted (per-CPU, the handle's ps_recv) and redirected to the AF_XDP
 * socket of its receive queue; every other packet goes on to the stack.
 */
#include "config.h"

#include <linux/bpf.h>
#include <stdio.h>

#include "filter-jit/ebpf.h"

static struct ebpf_insn insn(uint8_t code, int dst, int src, int16_t off,
			     int32_t imm)
{
	return (struct ebpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
				   .off = off, .imm = imm };
}

#define MOV64_REG(d, s)	insn(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, k)	insn(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define ADD64_IMM(d, k)	insn(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, k)
#define LDX(sz, d, s, o) insn(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) insn(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, k)	insn(BPF_ST | BPF_MEM | (sz), d, 0, o, k)
#define CALL(f)		insn(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define JNE_IMM(d, k, o) insn(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, k)
#define JEQ_IMM(d, k, o) insn(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, k)
#define JGT_REG(d, s, o) insn(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
/* ld_imm64 of a map: two instructions */
#define LD_MAP(d, fd)	insn(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, \
			     0, fd), insn(0, 0, 0, 0, 0)

/* struct xdp_md */
#define XDP_DATA 0
#define XDP_DATA_META 8
#define XDP_RX_QUEUE 16

int ebpf_xdp_capture(const struct bpf_insn *filter, u_int len,
		     int xsk_map_fd, int count_map_fd, struct ebpf_prog *out,
		     char *errbuf)
{
	const struct ebpf_insn prologue[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		CALL(BPF_FUNC_ktime_get_ns),
		MOV64_REG(BPF_REG_7, BPF_REG_0),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		MOV64_IMM(BPF_REG_2, -XSK_META_LEN),
		CALL(BPF_FUNC_xdp_adjust_meta),
		JNE_IMM(BPF_REG_0, 0, 7),	/* no metadata here: skip */
		LDX(BPF_W, BPF_REG_2, BPF_REG_6, XDP_DATA_META),
		LDX(BPF_W, BPF_REG_3, BPF_REG_6, XDP_DATA),
		MOV64_REG(BPF_REG_4, BPF_REG_2),
		ADD64_IMM(BPF_REG_4, XSK_META_LEN),
		JGT_REG(BPF_REG_4, BPF_REG_3, 2),
		STX(BPF_DW, BPF_REG_2, BPF_REG_7, 0),
		ST(BPF_DW, BPF_REG_2, 8, XSK_META_MAGIC),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
	};
	const struct ebpf_insn accept[] = {
		/* (*matched[0])++ on this CPU */
		ST(BPF_W, BPF_REG_10, -72, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, -72),
		LD_MAP(BPF_REG_1, count_map_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 3),
		LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ADD64_IMM(BPF_REG_1, 1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		/* to this queue's socket; no socket there: on to the stack */
		LD_MAP(BPF_REG_1, xsk_map_fd),
		LDX(BPF_W, BPF_REG_2, BPF_REG_6, XDP_RX_QUEUE),
		MOV64_IMM(BPF_REG_3, XDP_PASS),
		CALL(BPF_FUNC_redirect_map),
		EXIT(),
	};
	const struct ebpf_insn reject[] = {
		MOV64_IMM(BPF_REG_0, XDP_PASS),
		EXIT(),
	};
	const struct ebpf_wrap wrap = {
		.prologue = prologue,
		.prologue_len = sizeof prologue / sizeof prologue[0],
		.accept = accept, .accept_len = sizeof accept / sizeof accept[0],
		.reject = reject, .reject_len = sizeof reject / sizeof reject[0],
	};

	return cbpf_to_ebpf_wrapped(filter, len, EBPF_CTX_XDP, &wrap, out,
				    errbuf);
}
