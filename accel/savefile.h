/*
 * savefile.h: what the savefile source (savefile.c) shares with its format
 * readers (sf-pcap.c, sf-pcapng.c): the byte input -- a read-only map of a
 * regular file, or stdio for pipes and the like -- the offline read loop,
 * the ops every savefile has, and libpcap's packet fix-ups.
 */
#ifndef ACCEL_SAVEFILE_H
#define ACCEL_SAVEFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "pcap-compat/pcap-int.h"

/*
 * Where a reader's bytes come from.  Mapped: takes hand out pointers into
 * [cur, end), the part of the map already faulted in; the slow path moves
 * end on by a window at a time up to map_end.  stdio: every take freads
 * into buf, valid until the next take (cur == end == buf then).
 */
struct sf_input {
	const u_char *cur;
	const u_char *end;
	bool mapped;		/* taking from the map (else from stdio) */
	u_char *map;		/* page-aligned mapping, or NULL */
	const u_char *map_end;
	size_t map_len;
	off_t map_off;		/* file offset of map[0] */
	FILE *fp;
	u_char *buf;		/* stdio: the bytes of the last take */
	size_t buf_size;
	u_char *copy;		/* private copies of packets we must modify */
	size_t copy_size;
	int error;		/* errno of the last failed read, else 0 */
};

/* Map fp from its current offset if it is a regular file, else use stdio. */
void sf_input_init(struct sf_input *in, FILE *fp);
void sf_input_release(struct sf_input *in);

size_t sf_take_slow(struct sf_input *in, size_t n, const u_char **data);

/*
 * Point *data at the next n bytes and consume them.  Returns n, or fewer
 * at end of input (what was left, consumed); on a read error in->error is
 * set.  The bytes stay valid until the next take or skip.
 */
static inline size_t sf_take(struct sf_input *in, size_t n,
			     const u_char **data)
{
	if ((size_t)(in->end - in->cur) >= n) {
		*data = in->cur;
		in->cur += n;
		return n;
	}
	return sf_take_slow(in, n, data);
}

/* Copy the next n bytes to dst; returns how many there were. */
size_t sf_read(struct sf_input *in, void *dst, size_t n);
/* Consume n bytes without looking at them; returns how many there were. */
size_t sf_skip(struct sf_input *in, size_t n);
/* "error reading dump file: <errno text>", libpcap's read-error message. */
void sf_read_error(const struct sf_input *in, char *errbuf);
/* A writable copy of n bytes, kept until the next copy; NULL if no memory. */
u_char *sf_private_copy(struct sf_input *in, const u_char *data, size_t n);

/* Byte-order helpers for file fields (unaligned-safe). */
static inline uint32_t sf_u32(const u_char *b, bool swapped)
{
	uint32_t v;

	memcpy(&v, b, sizeof v);
	return swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t sf_u16(const u_char *b, bool swapped)
{
	uint16_t v;

	memcpy(&v, b, sizeof v);
	return swapped ? __builtin_bswap16(v) : v;
}

static inline uint64_t sf_u64(const u_char *b, bool swapped)
{
	uint64_t v;

	memcpy(&v, b, sizeof v);
	return swapped ? __builtin_bswap64(v) : v;
}

/*
 * A format's open: 1 and *pp when magic is its own, 0 when it is not
 * (errbuf untouched), -1 when it is but the header is bad (errbuf says
 * why).  On success the handle owns in; otherwise the caller releases it.
 */
int sf_pcap_open(struct sf_input *in, const u_char magic[4], u_int precision,
		 char *errbuf, pcap_t **pp);
int sf_pcapng_open(struct sf_input *in, const u_char magic[4],
		   u_int precision, char *errbuf, pcap_t **pp);

/* libpcap's message for a precision that is neither micro nor nano. */
void sf_bad_precision(char *errbuf, u_int precision);

/* A bogus header snapshot length (0 or > INT_MAX) becomes the DLT's max. */
u_int sf_adjust_snaplen(int dlt, uint32_t snaplen);

/* What every savefile answers, whatever its format. */
int sf_inject(pcap_t *p, const void *buf, size_t size);
int sf_set_direction(pcap_t *p, pcap_direction_t d);
int sf_get_nonblock(pcap_t *p);
int sf_set_nonblock(pcap_t *p, int nonblock);
int sf_stats(pcap_t *p, struct pcap_stat *ps);
int sf_can_set_rfmon(pcap_t *p);
/* Release the input and the FILE (unless it is stdin). */
void sf_close_input(pcap_t *p, struct sf_input *in);

#define SAVEFILE_OPS(format_name, read_fn, close_fn)                          \
	{                                                                     \
		.name = (format_name), .read = (read_fn),                     \
		.inject = sf_inject, .set_direction = sf_set_direction,       \
		.get_nonblock = sf_get_nonblock,                              \
		.set_nonblock = sf_set_nonblock, .stats = sf_stats,           \
		.can_set_rfmon = sf_can_set_rfmon, .close = (close_fn),       \
	}

/*
 * libpcap's offline read loop, inlined into each format's read op so the
 * per-packet path has no indirect call but the user's.  next() returns 1
 * with a packet, 0 at end of file, -1 with the reason in p->errbuf.
 * A pending breakloop ends the call: taken (PCAP_ERROR_BREAK) when nothing
 * was delivered yet, else left set for the next call.  Packets the filter
 * rejects do not count; an error wins over packets already delivered.
 */
static inline __attribute__((always_inline)) int
sf_read_loop(pcap_t *p, int max, pcap_handler cb, u_char *user,
	     int (*next)(pcap_t *, struct pcap_pkthdr *, const u_char **))
{
	int n = 0;

	if (max <= 0)
		max = INT_MAX;
	for (;;) {
		struct pcap_pkthdr h;
		const u_char *data;
		int status;

		if (pcap_break_pending(p)) {
			if (n > 0)
				return n;
			pcap_take_break(p);
			return PCAP_ERROR_BREAK;
		}
		status = next(p, &h, &data);
		if (status < 0)
			return PCAP_ERROR;
		if (status == 0)
			return n > 0 ? n : SOURCE_EOF;
		if (pcap_deliver(p, &h, data, cb, user) && ++n >= max)
			return n;
	}
}

/*
 * libpcap's post-processing of a read packet (pseudo-headers.c): header
 * fields some link types store in the writer's byte order are swapped,
 * and old USB captures get their on-the-wire length recomputed.
 */
bool sf_needs_post_process(int dlt, bool swapped);
/* May replace *data by a private copy; -1 (errbuf set) if out of memory. */
int sf_post_process(struct sf_input *in, int dlt, bool swapped,
		    struct pcap_pkthdr *h, const u_char **data, char *errbuf);

#endif
