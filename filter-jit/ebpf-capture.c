/*
 * ebpf-capture.c: whole capture programs around the translated filter
 * (ebpf.c).
 *
 * AF_XDP (ebpf_xdp_capture): before the filter the packet is stamped, a
 * 16-byte metadata area in front of the frame holding bpf_ktime_get_ns()
 * and a marker, so user space gets the time of arrival (AF_XDP copies the
 * metadata into the socket's frame).  A packet the filter accepts is
 * counted (per-CPU, the handle's ps_recv) and redirected to the AF_XDP
 * socket of its receive queue; every other packet goes on to the stack.
 *
 * BPF ring (ebpf_tc_capture): a TC program for one direction.  It leaves
 * at once when the handle's direction excludes its own; a packet the
 * filter accepts is counted, copied (up to the snapshot length, behind a
 * struct bpfring_rec) into this CPU's scratch buffer and from there into
 * the ring buffer; a full ring is counted as a drop.  Every packet goes
 * on unchanged (TCX_NEXT: the next program on the hook runs too).
 */
#include "config.h"

#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <stddef.h>
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
#define JLE_IMM(d, k, o) insn(BPF_JMP | BPF_JLE | BPF_K, d, 0, o, k)
#define JA(o)		insn(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define AND64_IMM(d, k)	insn(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, k)
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

#define SKB(field) ((int16_t)offsetof(struct __sk_buff, field))
#define REC(field) ((int16_t)offsetof(struct bpfring_rec, field))
#define TCX_NEXT (-1)		/* TC_ACT_UNSPEC: on to the next program */
#define KEY (-72)		/* a map key, below the filter's M[] */

_Static_assert(sizeof(struct bpfring_rec) == 32, "bpfring_rec layout");

int ebpf_tc_capture(const struct bpf_insn *filter, u_int len,
		    const struct ebpf_tc_maps *maps, bool egress,
		    uint32_t snaplen, struct ebpf_prog *out, char *errbuf)
{
	const int32_t cap = (int32_t)(snaplen < BPFRING_MAX_CAPLEN
				      ? snaplen : BPFRING_MAX_CAPLEN);
	const struct ebpf_insn prologue[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		ST(BPF_W, BPF_REG_10, KEY, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, KEY),
		LD_MAP(BPF_REG_1, maps->config_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 4),
		LDX(BPF_W, BPF_REG_1, BPF_REG_0, 0),	/* direction bits */
		AND64_IMM(BPF_REG_1, egress ? BPFRING_DIR_OUT : BPFRING_DIR_IN),
		JEQ_IMM(BPF_REG_1, 0, 1),
		JA(2),
		MOV64_IMM(BPF_REG_0, TCX_NEXT),
		EXIT(),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
	};
	const struct ebpf_insn accept[] = {
		/* counts[0]++: accepted */
		ST(BPF_W, BPF_REG_10, KEY, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, KEY),
		LD_MAP(BPF_REG_1, maps->count_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 3),
		LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ADD64_IMM(BPF_REG_1, 1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		/* r7 = this CPU's scratch record */
		CALL(BPF_FUNC_get_smp_processor_id),
		STX(BPF_W, BPF_REG_10, BPF_REG_0, KEY),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, KEY),
		LD_MAP(BPF_REG_1, maps->scratch_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 46),		/* to "pass" */
		MOV64_REG(BPF_REG_7, BPF_REG_0),
		/* r8 = length, r9 = min(length, snapshot) */
		LDX(BPF_W, BPF_REG_8, BPF_REG_6, SKB(len)),
		MOV64_REG(BPF_REG_9, BPF_REG_8),
		JLE_IMM(BPF_REG_9, cap, 1),
		MOV64_IMM(BPF_REG_9, cap),
		CALL(BPF_FUNC_ktime_get_ns),
		STX(BPF_DW, BPF_REG_7, BPF_REG_0, REC(ts_ns)),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(ifindex)),
		STX(BPF_W, BPF_REG_7, BPF_REG_1, REC(ifindex)),
		STX(BPF_W, BPF_REG_7, BPF_REG_8, REC(len)),
		STX(BPF_W, BPF_REG_7, BPF_REG_9, REC(caplen)),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(protocol)),
		STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(protocol)),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_tci)),
		STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(vlan_tci)),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_proto)),
		STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(vlan_tpid)),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_present)),
		STX(BPF_B, BPF_REG_7, BPF_REG_1, REC(vlan_present)),
		egress ? MOV64_IMM(BPF_REG_1, PACKET_OUTGOING)
		       : LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(pkt_type)),
		STX(BPF_B, BPF_REG_7, BPF_REG_1, REC(pkttype)),
		/* the bytes */
		JEQ_IMM(BPF_REG_9, 0, 6),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		MOV64_IMM(BPF_REG_2, 0),
		MOV64_REG(BPF_REG_3, BPF_REG_7),
		ADD64_IMM(BPF_REG_3, (int32_t)sizeof(struct bpfring_rec)),
		MOV64_REG(BPF_REG_4, BPF_REG_9),
		CALL(BPF_FUNC_skb_load_bytes),
		/* into the ring; no room: counts[1]++ */
		LD_MAP(BPF_REG_1, maps->ring_fd),
		MOV64_REG(BPF_REG_2, BPF_REG_7),
		MOV64_REG(BPF_REG_3, BPF_REG_9),
		ADD64_IMM(BPF_REG_3, (int32_t)sizeof(struct bpfring_rec)),
		MOV64_IMM(BPF_REG_4, 0),
		CALL(BPF_FUNC_ringbuf_output),
		JEQ_IMM(BPF_REG_0, 0, 10),
		ST(BPF_W, BPF_REG_10, KEY, 1),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, KEY),
		LD_MAP(BPF_REG_1, maps->count_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 3),
		LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ADD64_IMM(BPF_REG_1, 1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		/* pass: */
		MOV64_IMM(BPF_REG_0, TCX_NEXT),
		EXIT(),
	};
	const struct ebpf_insn reject[] = {
		MOV64_IMM(BPF_REG_0, TCX_NEXT),
		EXIT(),
	};
	const struct ebpf_wrap wrap = {
		.prologue = prologue,
		.prologue_len = sizeof prologue / sizeof prologue[0],
		.accept = accept, .accept_len = sizeof accept / sizeof accept[0],
		.reject = reject, .reject_len = sizeof reject / sizeof reject[0],
	};

	return cbpf_to_ebpf_wrapped(filter, len, EBPF_CTX_SKB, &wrap, out,
				    errbuf);
}
