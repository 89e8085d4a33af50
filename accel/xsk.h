/*
 * xsk.h: AF_XDP sockets on the receive queues of one device, fed by the
 * capture program (filter-jit/ebpf-capture.c) -- everything that talks to
 * libbpf and libxdp, behind types of its own: their headers cannot meet
 * pcap's (both define struct bpf_insn).  accel/xdp.c makes a pcap handle
 * of it.  Without libbpf or libxdp every call fails with "not built".
 */
#ifndef ACCEL_XSK_H
#define ACCEL_XSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_insn;	/* classic BPF, pcap/bpf.h */
struct xsk_set;

/* The error buffers below are PCAP_ERRBUF_SIZE bytes. */
#define XSK_ERRBUF_SIZE 256

enum xsk_attach { XSK_ATTACH_AUTO, XSK_ATTACH_NATIVE, XSK_ATTACH_GENERIC };

struct xsk_params {
	const char *ifname;
	const uint32_t *queues;	/* ascending; NULL: every receive queue */
	size_t queue_count;
	unsigned ring_slots;	/* rx and fill ring entries, UMEM frames */
	unsigned frame_size;	/* UMEM chunk: 2048 or 4096 */
	enum xsk_attach attach;
	int zero_copy;		/* 1 required, 0 copy mode, -1 if it can */
	int busy_poll_us;	/* 0: off */
};

/* Open the sockets (no program yet: nothing arrives).  0 or -1. */
int xsk_set_open(const struct xsk_params *params, struct xsk_set **out,
		 char *errbuf);
void xsk_set_close(struct xsk_set *set);

/* Attach the capture program with FILTER (replacing the one attached, in
 * one step).  0 or -1. */
int xsk_set_filter(struct xsk_set *set, const struct bpf_insn *filter,
		   u_int len, char *errbuf);

/* Load the capture program with FILTER now (while the process may still
 * load programs), for a later xsk_set_filter with the same instructions.
 * 0 or -1. */
int xsk_set_prepare(struct xsk_set *set, const struct bpf_insn *filter,
		    u_int len, char *errbuf);

/* The sockets' descriptors, for poll(). */
size_t xsk_set_fds(const struct xsk_set *set, const int **fds);

/* How the program ended up attached and the sockets bound, for messages. */
const char *xsk_set_mode(const struct xsk_set *set);

/*
 * Hand at most MAX packets (MAX <= 0: what is there) to FN in order of
 * arrival across the queues; DATA is valid during the call only.  TS_NS
 * is the arrival time, CLOCK_REALTIME in ns.  Returns the count.
 */
typedef void (*xsk_packet_fn)(void *ctx, const uint8_t *data, uint32_t len,
			      uint64_t ts_ns);
int xsk_set_read(struct xsk_set *set, int max, xsk_packet_fn fn, void *ctx);

/* Whether a read would find a packet; how many it would find. */
bool xsk_set_ready(struct xsk_set *set);
uint64_t xsk_set_queued(const struct xsk_set *set);

/* Packets the filter accepted (incl. dropped) and packets dropped for
 * want of ring space or buffers.  0 or -1. */
int xsk_set_stats(const struct xsk_set *set, uint64_t *matched,
		  uint64_t *dropped, char *errbuf);

/* Send one frame on the first queue's socket: bytes sent, or -1. */
ssize_t xsk_set_send(struct xsk_set *set, const void *frame, size_t len,
		     char *errbuf);

#endif
