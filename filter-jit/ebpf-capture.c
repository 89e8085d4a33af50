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
#include <stdlib.h>
#include <string.h>

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

/* struct xdp_md */
#define XDP_DATA 0
#define XDP_DATA_META 8
#define XDP_RX_QUEUE 16

#define KEY (-72)		/* a map key, below the filter's M[] */

/* A few instructions with forward jumps to labels, resolved at the end. */
#define BUILD_MAX 192
struct build {
	struct ebpf_insn insn[BUILD_MAX];
	int label_of[BUILD_MAX];	/* jump i goes to label; -1: none */
	int at[8];			/* where each label is */
	u_int n;
};

static void put_jump(struct build *b, struct ebpf_insn in, int label)
{
	if (b->n == BUILD_MAX)
		abort();	/* a fixed program outgrew BUILD_MAX */
	b->label_of[b->n] = label;
	b->insn[b->n++] = in;
}

static void put(struct build *b, struct ebpf_insn in)
{
	put_jump(b, in, -1);
}

static void label(struct build *b, int l)
{
	b->at[l] = (int)b->n;
}

static void put_ld_map(struct build *b, int reg, int fd)
{
	put(b, insn(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
	put(b, insn(0, 0, 0, 0, 0));
}

static void resolve(struct build *b)
{
	for (u_int i = 0; i < b->n; i++)
		if (b->label_of[i] >= 0)
			b->insn[i].off = (int16_t)(b->at[b->label_of[i]] - (int)i - 1);
}

/* (*(u64 *)map[key])++ on this CPU (a per-CPU array). */
static void count(struct build *b, int map_fd, int32_t key)
{
	put(b, ST(BPF_W, BPF_REG_10, KEY, key));
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	put(b, ADD64_IMM(BPF_REG_2, KEY));
	put_ld_map(b, BPF_REG_1, map_fd);
	put(b, CALL(BPF_FUNC_map_lookup_elem));
	put(b, JEQ_IMM(BPF_REG_0, 0, 3));
	put(b, LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0));
	put(b, ADD64_IMM(BPF_REG_1, 1));
	put(b, STX(BPF_DW, BPF_REG_0, BPF_REG_1, 0));
}

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
	struct build accept = { .n = 0 };
	const struct ebpf_insn reject[] = {
		MOV64_IMM(BPF_REG_0, XDP_PASS),
		EXIT(),
	};
	struct ebpf_wrap wrap = {
		.prologue = prologue,
		.prologue_len = sizeof prologue / sizeof prologue[0],
		.accept = accept.insn,
		.reject = reject, .reject_len = sizeof reject / sizeof reject[0],
	};

	count(&accept, count_map_fd, 0);
	/* to this queue's socket; no socket there: on to the stack */
	put_ld_map(&accept, BPF_REG_1, xsk_map_fd);
	put(&accept, LDX(BPF_W, BPF_REG_2, BPF_REG_6, XDP_RX_QUEUE));
	put(&accept, MOV64_IMM(BPF_REG_3, XDP_PASS));
	put(&accept, CALL(BPF_FUNC_redirect_map));
	put(&accept, EXIT());
	wrap.accept_len = accept.n;
	return cbpf_to_ebpf_wrapped(filter, len, EBPF_CTX_XDP, &wrap, out,
				    errbuf);
}

#define SKB(field) ((int16_t)offsetof(struct __sk_buff, field))
#define REC(field) ((int16_t)offsetof(struct bpfring_rec, field))
#define TCX_NEXT (-1)		/* TC_ACT_UNSPEC: on to the next program */

_Static_assert(sizeof(struct bpfring_rec) == 32, "bpfring_rec layout");

/* dst = *(u32 *)map[key], or on to TAKE when there is none. */
static void load_member(struct build *b, int map_fd, int32_t key, int dst,
			int take)
{
	put(b, ST(BPF_W, BPF_REG_10, KEY, key));
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	put(b, ADD64_IMM(BPF_REG_2, KEY));
	put_ld_map(b, BPF_REG_1, map_fd);
	put(b, CALL(BPF_FUNC_map_lookup_elem));
	put_jump(b, JEQ_IMM(BPF_REG_0, 0, 0), take);
	put(b, LDX(BPF_W, dst, BPF_REG_0, 0));
}

#define GROUP_BUF (-128)	/* 40 bytes of packet, below the map key */
#define GROUP_RANK (-136)	/* this member's rank */
#define ETH_TYPE_OFF 12

/* The packet's bytes [r2, r2 + n) to GROUP_BUF, or on to FAIL. */
static void load_bytes(struct build *b, int32_t n, int fail)
{
	put(b, MOV64_REG(BPF_REG_1, BPF_REG_6));
	put(b, MOV64_REG(BPF_REG_3, BPF_REG_10));
	put(b, ADD64_IMM(BPF_REG_3, GROUP_BUF));
	put(b, MOV64_IMM(BPF_REG_4, n));
	put(b, CALL(BPF_FUNC_skb_load_bytes));
	put_jump(b, JNE_IMM(BPF_REG_0, 0, 0), fail);
}

static void xor_word(struct build *b, int16_t off)
{
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_10, GROUP_BUF + off));
	put(b, insn(BPF_ALU | BPF_XOR | BPF_X, BPF_REG_9, BPF_REG_1, 0, 0));
}

/*
 * A group member takes the packets of its share: with n members (n > 1)
 * and this one ranked r, those whose flow hash modulo n is r.  The hash
 * is symmetric (both directions of a flow agree): source xor destination
 * address, xor source port xor destination port for TCP, UDP and SCTP
 * (IPv4 unfragmented, IPv6 without extension headers); 0 for anything
 * else.  One VLAN tag still in the frame is stepped over.  Registers: r7
 * the network header's offset, r8 n, r9 the hash (r1-r5 do not survive
 * helper calls).  Ends at "take" (falls through) or returns TCX_NEXT.
 */
enum { L_TAKE, L_MIX, L_V6, L_PORTS, L_TYPE, L_PORTS_LOAD };

static void group_block(struct build *b, int group_fd, uint32_t slot)
{
	load_member(b, group_fd, 0, BPF_REG_8, L_TAKE);		/* n */
	put_jump(b, JLE_IMM(BPF_REG_8, 1, 0), L_TAKE);
	load_member(b, group_fd, (int32_t)(1 + slot), BPF_REG_1, L_TAKE);
	put(b, STX(BPF_W, BPF_REG_10, BPF_REG_1, GROUP_RANK));
	put(b, MOV64_IMM(BPF_REG_9, 0));
	put(b, MOV64_IMM(BPF_REG_7, ETH_TYPE_OFF + 2));
	put(b, MOV64_IMM(BPF_REG_2, ETH_TYPE_OFF));
	load_bytes(b, 2, L_MIX);
	put(b, LDX(BPF_H, BPF_REG_1, BPF_REG_10, GROUP_BUF));
	put_jump(b, JNE_IMM(BPF_REG_1, 0x0081, 0), L_TYPE);	/* 0x8100 */
	put(b, MOV64_IMM(BPF_REG_7, ETH_TYPE_OFF + 6));
	put(b, MOV64_IMM(BPF_REG_2, ETH_TYPE_OFF + 4));
	load_bytes(b, 2, L_MIX);
	put(b, LDX(BPF_H, BPF_REG_1, BPF_REG_10, GROUP_BUF));
	label(b, L_TYPE);
	put_jump(b, JEQ_IMM(BPF_REG_1, 0xdd86, 0), L_V6);	/* 0x86dd */
	put_jump(b, JNE_IMM(BPF_REG_1, 0x0008, 0), L_MIX);	/* 0x0800 */
	/* IPv4 */
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_7));
	load_bytes(b, 20, L_MIX);
	xor_word(b, 12);
	xor_word(b, 16);
	put(b, LDX(BPF_H, BPF_REG_1, BPF_REG_10, GROUP_BUF + 6));
	put(b, insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, 0xff3f));
	put_jump(b, JNE_IMM(BPF_REG_1, 0, 0), L_MIX);	/* a fragment */
	put(b, LDX(BPF_B, BPF_REG_1, BPF_REG_10, GROUP_BUF));	/* ihl */
	put(b, insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, 0xf));
	put(b, insn(BPF_ALU | BPF_LSH | BPF_K, BPF_REG_1, 0, 0, 2));
	put(b, insn(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_7, BPF_REG_1, 0, 0));
	put(b, LDX(BPF_B, BPF_REG_1, BPF_REG_10, GROUP_BUF + 9));
	put_jump(b, JA(0), L_PORTS);
	label(b, L_V6);
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_7));
	load_bytes(b, 40, L_MIX);
	for (int16_t w = 8; w < 40; w += 4)
		xor_word(b, w);
	put(b, ADD64_IMM(BPF_REG_7, 40));
	put(b, LDX(BPF_B, BPF_REG_1, BPF_REG_10, GROUP_BUF + 6));
	label(b, L_PORTS);
	/* r1: the transport protocol */
	put_jump(b, JEQ_IMM(BPF_REG_1, 6, 0), L_PORTS_LOAD);
	put_jump(b, JEQ_IMM(BPF_REG_1, 17, 0), L_PORTS_LOAD);
	put_jump(b, JNE_IMM(BPF_REG_1, 132, 0), L_MIX);
	label(b, L_PORTS_LOAD);
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_7));
	put(b, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));
	load_bytes(b, 4, L_MIX);
	put(b, LDX(BPF_H, BPF_REG_1, BPF_REG_10, GROUP_BUF));
	put(b, insn(BPF_ALU | BPF_XOR | BPF_X, BPF_REG_9, BPF_REG_1, 0, 0));
	put(b, LDX(BPF_H, BPF_REG_1, BPF_REG_10, GROUP_BUF + 2));
	put(b, insn(BPF_ALU | BPF_XOR | BPF_X, BPF_REG_9, BPF_REG_1, 0, 0));
	label(b, L_MIX);
	/* spread the bits; this member's share, or on to the next program */
	put(b, insn(BPF_ALU | BPF_MUL | BPF_K, BPF_REG_9, 0, 0,
		    (int32_t)0x9e3779b1));
	put(b, insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_9, 0, 0, 16));
	put(b, insn(BPF_ALU | BPF_MOD | BPF_X, BPF_REG_9, BPF_REG_8, 0, 0));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_10, GROUP_RANK));
	put_jump(b, insn(BPF_JMP | BPF_JEQ | BPF_X, BPF_REG_9, BPF_REG_1, 0, 0),
		 L_TAKE);
	put(b, MOV64_IMM(BPF_REG_0, TCX_NEXT));
	put(b, EXIT());
	label(b, L_TAKE);
}

/* Count the packet, write its record and bytes to the ring (a full one
 * counted as a drop), and let it go on. */
static void record_block(struct build *b, const struct ebpf_tc_maps *maps,
			 bool egress, int32_t cap)
{
	enum { L_PASS = 6, L_OUTPUT = 7 };	/* after group_block's */

	count(b, maps->count_fd, 0);
	/* r7 = this CPU's scratch record */
	put(b, CALL(BPF_FUNC_get_smp_processor_id));
	put(b, STX(BPF_W, BPF_REG_10, BPF_REG_0, KEY));
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	put(b, ADD64_IMM(BPF_REG_2, KEY));
	put_ld_map(b, BPF_REG_1, maps->scratch_fd);
	put(b, CALL(BPF_FUNC_map_lookup_elem));
	put_jump(b, JEQ_IMM(BPF_REG_0, 0, 0), L_PASS);
	put(b, MOV64_REG(BPF_REG_7, BPF_REG_0));
	/* r8 = length, r9 = min(length, snapshot) */
	put(b, LDX(BPF_W, BPF_REG_8, BPF_REG_6, SKB(len)));
	put(b, MOV64_REG(BPF_REG_9, BPF_REG_8));
	put(b, JLE_IMM(BPF_REG_9, cap, 1));
	put(b, MOV64_IMM(BPF_REG_9, cap));
	put(b, CALL(BPF_FUNC_ktime_get_ns));
	put(b, STX(BPF_DW, BPF_REG_7, BPF_REG_0, REC(ts_ns)));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(ifindex)));
	put(b, STX(BPF_W, BPF_REG_7, BPF_REG_1, REC(ifindex)));
	put(b, STX(BPF_W, BPF_REG_7, BPF_REG_8, REC(len)));
	put(b, STX(BPF_W, BPF_REG_7, BPF_REG_9, REC(caplen)));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(protocol)));
	put(b, STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(protocol)));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_tci)));
	put(b, STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(vlan_tci)));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_proto)));
	put(b, STX(BPF_H, BPF_REG_7, BPF_REG_1, REC(vlan_tpid)));
	put(b, LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(vlan_present)));
	put(b, STX(BPF_B, BPF_REG_7, BPF_REG_1, REC(vlan_present)));
	put(b, egress ? MOV64_IMM(BPF_REG_1, PACKET_OUTGOING)
		      : LDX(BPF_W, BPF_REG_1, BPF_REG_6, SKB(pkt_type)));
	put(b, STX(BPF_B, BPF_REG_7, BPF_REG_1, REC(pkttype)));
	/* the bytes */
	put_jump(b, JEQ_IMM(BPF_REG_9, 0, 0), L_OUTPUT);
	put(b, MOV64_REG(BPF_REG_1, BPF_REG_6));
	put(b, MOV64_IMM(BPF_REG_2, 0));
	put(b, MOV64_REG(BPF_REG_3, BPF_REG_7));
	put(b, ADD64_IMM(BPF_REG_3, (int32_t)sizeof(struct bpfring_rec)));
	put(b, MOV64_REG(BPF_REG_4, BPF_REG_9));
	put(b, CALL(BPF_FUNC_skb_load_bytes));
	label(b, L_OUTPUT);
	put_ld_map(b, BPF_REG_1, maps->ring_fd);
	put(b, MOV64_REG(BPF_REG_2, BPF_REG_7));
	put(b, MOV64_REG(BPF_REG_3, BPF_REG_9));
	put(b, ADD64_IMM(BPF_REG_3, (int32_t)sizeof(struct bpfring_rec)));
	put(b, MOV64_IMM(BPF_REG_4, 0));
	put(b, CALL(BPF_FUNC_ringbuf_output));
	put_jump(b, JEQ_IMM(BPF_REG_0, 0, 0), L_PASS);
	count(b, maps->count_fd, 1);
	label(b, L_PASS);
	put(b, MOV64_IMM(BPF_REG_0, TCX_NEXT));
	put(b, EXIT());
	resolve(b);
}

int ebpf_tc_capture(const struct bpf_insn *filter, u_int len,
		    const struct ebpf_tc_maps *maps, bool egress,
		    uint32_t snaplen, struct ebpf_prog *out, char *errbuf)
{
	const int32_t cap = (int32_t)(snaplen < BPFRING_MAX_CAPLEN
				      ? snaplen : BPFRING_MAX_CAPLEN);
	enum { P_PASS, P_GO };
	struct build prologue = { .n = 0 }, accept = { .n = 0 };
	const struct ebpf_insn reject[] = {
		MOV64_IMM(BPF_REG_0, TCX_NEXT),
		EXIT(),
	};
	struct ebpf_wrap wrap = {
		.prologue = prologue.insn,
		.accept = accept.insn,
		.reject = reject, .reject_len = sizeof reject / sizeof reject[0],
	};

	/* this direction's bit clear (or no configuration): on at once */
	put(&prologue, MOV64_REG(BPF_REG_6, BPF_REG_1));
	load_member(&prologue, maps->config_fd, 0, BPF_REG_1, P_PASS);
	put(&prologue, AND64_IMM(BPF_REG_1,
				 egress ? BPFRING_DIR_OUT : BPFRING_DIR_IN));
	put_jump(&prologue, JNE_IMM(BPF_REG_1, 0, 0), P_GO);
	label(&prologue, P_PASS);
	put(&prologue, MOV64_IMM(BPF_REG_0, TCX_NEXT));
	put(&prologue, EXIT());
	label(&prologue, P_GO);
	put(&prologue, MOV64_REG(BPF_REG_1, BPF_REG_6));
	resolve(&prologue);
	wrap.prologue_len = prologue.n;
	if (maps->group_fd >= 0)	/* the member's share first */
		group_block(&accept, maps->group_fd, maps->group_slot);
	record_block(&accept, maps, egress, cap);
	wrap.accept_len = accept.n;
	return cbpf_to_ebpf_wrapped(filter, len, EBPF_CTX_SKB, &wrap, out,
				    errbuf);
}
