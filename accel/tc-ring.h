/*
 * tc-ring.h: a BPF ring buffer fed by TC programs on one device's ingress
 * and egress (filter-jit/ebpf-capture.c), through libbpf -- behind types
 * of its own, as xsk.h (libbpf's headers and pcap's cannot meet).
 * accel/bpfring.c makes a pcap handle of it.  Without libbpf every call
 * fails with "not built".
 */
#ifndef ACCEL_TC_RING_H
#define ACCEL_TC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_insn;	/* classic BPF, pcap/bpf.h */
struct bpfring_rec;	/* filter-jit/ebpf.h */
struct tc_ring;

#define TC_RING_ERRBUF_SIZE 256

struct tc_ring_params {
	const char *ifname;
	uint64_t ring_bytes;	/* power of two, a page or more */
	uint32_t snaplen;
	unsigned directions;	/* BPFRING_DIR_* */
	int group;		/* share the device's packets; -1: no */
};

/* Maps and ring; no program yet.  0 or -1. */
int tc_ring_open(const struct tc_ring_params *params, struct tc_ring **out,
		 char *errbuf);
void tc_ring_close(struct tc_ring *r);

/* Attach (or replace, in one step) the programs of both directions with
 * FILTER (NULL: accept all).  0 or -1. */
int tc_ring_filter(struct tc_ring *r, const struct bpf_insn *filter,
		   u_int len, char *errbuf);
/* Load them now, while the process may (see pcap-int.h prepare_filter). */
int tc_ring_prepare(struct tc_ring *r, const struct bpf_insn *filter,
		    u_int len, char *errbuf);

/* Which directions reach the ring (no privilege needed).  0 or -1. */
int tc_ring_directions(struct tc_ring *r, unsigned directions, char *errbuf);

/* The ring's descriptor: poll() says readable when records wait. */
int tc_ring_fd(const struct tc_ring *r);

/* Remember where the ring ends now: records up to here are "old" (they
 * passed the filter the programs had before a change). */
void tc_ring_mark(struct tc_ring *r);

/*
 * Hand at most MAX records (MAX <= 0: all there are) to FN, oldest
 * first; REC and the bytes after it are valid during the call only.
 * TS_NS is the record's time on CLOCK_REALTIME; OLD, whether it came
 * before the last mark.  Returns the count.
 */
typedef void (*tc_ring_fn)(void *ctx, const struct bpfring_rec *rec,
			   const uint8_t *data, uint64_t ts_ns, bool old);
int tc_ring_read(struct tc_ring *r, int max, tc_ring_fn fn, void *ctx);

/* Whether records wait. */
bool tc_ring_ready(const struct tc_ring *r);

/* Packets the filter accepted (incl. dropped), and dropped for a full
 * ring.  0 or -1. */
int tc_ring_stats(const struct tc_ring *r, uint64_t *accepted,
		  uint64_t *dropped, char *errbuf);

#endif
