/*
 * computation.h: the computation language of accel: devices -- a pipeline
 * of stages, "ip >-> steer_flow" -- parsed once and compiled into two
 * classic BPF programs that every path runs as they are:
 *
 *   the filter   whether the packet is kept (0: dropped; else the bytes
 *                to keep, as a pcap filter returns), attached to the
 *                socket in the kernel or run here;
 *   the steering the packet's hash, which picks the group member
 *                (hash modulo the number of members, as the kernel's
 *                PACKET_FANOUT_CBPF does), when a stage steers.
 *
 * Stages, run in order; a packet a stage drops goes no further:
 *   predicates  ip ip6 tcp udp icmp icmp6 vlan no_frag, port N,
 *               src_port N, dst_port N, addr A[/LEN], src_addr A[/LEN],
 *               dst_addr A[/LEN], filter "pcap-filter expression";
 *               combined with not, and, or and parentheses
 *   steering    steer_flow (symmetric 5-tuple), steer_ip (symmetric
 *               address pair), steer_mac (symmetric MAC pair),
 *               steer_vlan, steer_field OFF LEN (LEN 1, 2 or 4); at the
 *               top level only, steer_rrobin and steer_rss (the kernel's
 *               round-robin and flow-hash fanout modes, no program)
 *   control     when P (C), unless P (C), conditional P (C1) (C2)
 *   actions     snap N (keep N bytes; top level), sample N (keep 1 flow
 *               in N, by symmetric flow hash), drop
 */
#ifndef ACCEL_COMPUTATION_H
#define ACCEL_COMPUTATION_H

#include <stdbool.h>
#include <stdint.h>

#include "filter-jit/filter.h"

/* How the group member is chosen. */
enum computation_fanout {
	COMPUTATION_FANOUT_NONE,	/* no steering stage: the group's mode */
	COMPUTATION_FANOUT_PROGRAM,	/* the steering program */
	COMPUTATION_FANOUT_LB,		/* steer_rrobin: round robin */
	COMPUTATION_FANOUT_HASH,	/* steer_rss: the kernel's flow hash */
};

struct computation_programs {
	struct bpf_program filter;	/* always there */
	struct bpf_program steer;	/* bf_insns NULL: no program steers */
	enum computation_fanout fanout;
};

/*
 * Compile TEXT for packets of TARGET (ORIGIN names the text in messages:
 * a file, "ACCEL_COMPUTATION"...).  0, or -1 with "ORIGIN:LINE:COL: what
 * was expected" in errbuf (PCAP_ERRBUF_SIZE).
 */
int computation_compile(const char *text, const char *origin,
			const struct filter_target *target,
			struct computation_programs *out, char *errbuf);
void computation_free(struct computation_programs *c);

/*
 * The steering program for the kernel's PACKET_FANOUT_CBPF, which runs it
 * on received packets with the data starting at the network header (sent
 * ones at the link-layer header): every packet load made relative to the
 * link-layer header (SKF_LL_OFF), as the kernel allows.  0 or -1.
 */
int computation_fanout_program(const struct bpf_program *steer,
			       struct bpf_program *out);

/* FIRST, then (if it accepts) THEN, as one program (THEN's verdicts):
 * the computation's filter in front of the application's.  0 or -1. */
int computation_then(const struct bpf_program *first,
		     const struct bpf_program *then, struct bpf_program *out,
		     char *errbuf);

#endif
