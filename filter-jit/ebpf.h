/*
 * ebpf.h: classic BPF translated to eBPF the kernel verifier accepts
 * (ebpf.c, no libbpf needed), and loading / test-running the result
 * (ebpf-load.c: libbpf when configure found it, else a stub).
 *
 * The classic instruction is pcap/bpf.h's struct bpf_insn; linux/bpf.h
 * has its own struct of that name, so this header declares only the tag
 * and carries its own 8-byte eBPF instruction.
 */
#ifndef ACCEL_EBPF_H
#define ACCEL_EBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_insn;	/* classic BPF, pcap/bpf.h */

/* Where the program runs; decides its input and its verdict values. */
enum ebpf_ctx {
	/* struct xdp_md; XDP_PASS accepts, XDP_DROP rejects.  No packet
	 * metadata: programs reading the VLAN ancillary data are refused. */
	EBPF_CTX_XDP,
	/* struct __sk_buff, direct packet access (BPF_PROG_TYPE_SCHED_CLS);
	 * TC_ACT_OK accepts, TC_ACT_SHOT rejects.  The packet is made linear
	 * first (bpf_skb_pull_data) so every byte of it is readable. */
	EBPF_CTX_SKB,
	/* struct __sk_buff with BPF_PROG_TYPE_SOCKET_FILTER (SO_ATTACH_BPF,
	 * PACKET_FANOUT_EBPF): returns the classic program's own value, the
	 * snapshot length or, for fanout, the member index; 0 rejects.
	 * Offsets count from skb->data (the link header on packet sockets). */
	EBPF_CTX_SOCKET,
};

/* One eBPF instruction, laid out as linux/bpf.h's struct bpf_insn. */
struct ebpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

struct ebpf_prog {
	struct ebpf_insn *insns;	/* malloc'd; ebpf_prog_free */
	u_int len;
};

/* Largest error message cbpf_to_ebpf writes (PCAP_ERRBUF_SIZE). */
#define EBPF_ERRBUF_SIZE 256

/*
 * Translate classic PROG (LEN instructions, as bpf_check accepts them) for
 * CTX.  0, or -1 with the reason in errbuf (EBPF_ERRBUF_SIZE bytes) when
 * the program cannot be expressed: backward jumps (protochain loops),
 * VLAN ancillary loads in XDP, a program too large for 16-bit jumps.
 */
int cbpf_to_ebpf(const struct bpf_insn *prog, u_int len, enum ebpf_ctx ctx,
		 struct ebpf_prog *out, char *errbuf);
void ebpf_prog_free(struct ebpf_prog *p);

/*
 * A capture program around the filter: PROLOGUE runs first (it must leave
 * the context in r1); a packet the filter accepts continues at ACCEPT, one
 * it rejects at REJECT, each with the context in r6, and each must end in
 * exit.  Their jumps stay within themselves.  Stack below r10-64 is free
 * (the filter's scratch memory is r10-64..r10-1).
 */
struct ebpf_wrap {
	const struct ebpf_insn *prologue, *accept, *reject;
	u_int prologue_len, accept_len, reject_len;
};

/* cbpf_to_ebpf, with WRAP's code deciding what a verdict does (XDP and
 * TC contexts). */
int cbpf_to_ebpf_wrapped(const struct bpf_insn *prog, u_int len,
			 enum ebpf_ctx ctx, const struct ebpf_wrap *wrap,
			 struct ebpf_prog *out, char *errbuf);

/*
 * The XDP program of an AF_XDP capture (ebpf-capture.c): FILTER decides;
 * accepted packets are counted in COUNT_MAP_FD (a one-entry per-CPU array
 * of u64) and redirected through XSK_MAP_FD (an XSKMAP indexed by receive
 * queue); the rest continue to the stack.  Each packet first gets
 * XSK_META_LEN bytes of metadata in front of it, where the driver allows:
 * its arrival time (u64, CLOCK_MONOTONIC ns), then XSK_META_MAGIC (u64).
 */
#define XSK_META_LEN 16
#define XSK_META_MAGIC 0x41435058	/* "XPCA" */
int ebpf_xdp_capture(const struct bpf_insn *filter, u_int len,
		     int xsk_map_fd, int count_map_fd, struct ebpf_prog *out,
		     char *errbuf);

/*
 * The TC program of a BPF-ring capture (ebpf-capture.c), for one
 * direction: FILTER decides; an accepted packet is counted in counts[0]
 * and written to the ring as a struct bpfring_rec and min(length,
 * snaplen, BPFRING_MAX_CAPLEN) bytes; a full ring counts in counts[1].
 * Packets whose direction bit is clear in config[0] are left alone; in a
 * group, so are those of the other members' shares (by symmetric flow
 * hash).
 */
#define BPFRING_MAX_CAPLEN 65536
#define BPFRING_DIR_IN 1
#define BPFRING_DIR_OUT 2
struct ebpf_tc_maps {
	int ring_fd;	/* BPF_MAP_TYPE_RINGBUF */
	int scratch_fd;	/* ARRAY, a record + BPFRING_MAX_CAPLEN per CPU */
	int count_fd;	/* PERCPU_ARRAY of 2 u64: accepted, dropped */
	int config_fd;	/* ARRAY of 1 u32: BPFRING_DIR_* bits */
	/* A group: ARRAY of 1 + BPFRING_GROUP_SLOTS u32, the member count
	 * then each slot's rank (BPFRING_SLOT_FREE: none); -1: no group. */
	int group_fd;
	uint32_t group_slot;	/* this member's */
};
#define BPFRING_GROUP_SLOTS 64
#define BPFRING_SLOT_FREE 0xffffffffu
struct bpfring_rec {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint32_t ifindex;
	uint32_t len;		/* on the wire */
	uint32_t caplen;	/* bytes that follow */
	uint16_t protocol;	/* network order, as the skb has it */
	uint16_t vlan_tci;	/* host order */
	uint16_t vlan_tpid;	/* network order */
	uint8_t vlan_present;
	uint8_t pkttype;	/* PACKET_HOST ... PACKET_OUTGOING */
	uint32_t pad;
};
int ebpf_tc_capture(const struct bpf_insn *filter, u_int len,
		    const struct ebpf_tc_maps *maps, bool egress,
		    uint32_t snaplen, struct ebpf_prog *out, char *errbuf);

/* Whether RETVAL, returned by a program translated for CTX, accepts. */
bool ebpf_accepts(enum ebpf_ctx ctx, uint32_t retval);

/*
 * Load P into the kernel for CTX: a program fd, or -1 with the reason in
 * errbuf; the verifier's log goes to LOG (LOG_SIZE bytes, may be NULL).
 * Without libbpf: always -1, "not available".
 */
int ebpf_prog_load(const struct ebpf_prog *p, enum ebpf_ctx ctx, char *log,
		   size_t log_size, char *errbuf);

/* Run program FD once on PKT (BPF_PROG_TEST_RUN): 0 and its return
 * value in *retval, or -1 with the reason in errbuf. */
int ebpf_prog_test_run(int fd, const void *pkt, size_t len, uint32_t *retval,
		       char *errbuf);

#endif
