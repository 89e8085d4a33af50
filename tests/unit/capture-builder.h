/*
 * capture-builder.h: builds pcap and pcapng files byte by byte, in either
 * byte order, for the savefile tests (tests/unit/test-savefile.c,
 * test-pcapng.c) and the seeds of tests/compat/probe-read.c.  No libpcap:
 * the files are what the tests say they are, bugs and all.
 */
#ifndef ACCEL_TEST_CAPTURE_BUILDER_H
#define ACCEL_TEST_CAPTURE_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cap {
	unsigned char *b;
	size_t n, cap;
	bool big_endian;	/* order of the multi-byte fields put */
};

static inline void cap_bytes(struct cap *c, const void *src, size_t n)
{
	if (c->n + n > c->cap) {
		size_t want = (c->n + n) * 2 + 64;
		unsigned char *bigger = realloc(c->b, want);

		if (bigger == NULL)
			abort();
		c->b = bigger;
		c->cap = want;
	}
	if (n > 0)
		memcpy(c->b + c->n, src, n);
	c->n += n;
}

static inline void cap_uint(struct cap *c, uint64_t v, size_t width)
{
	unsigned char b[8];

	for (size_t i = 0; i < width; i++) {
		size_t shift = c->big_endian ? width - 1 - i : i;

		b[i] = (unsigned char)(v >> (8 * shift));
	}
	cap_bytes(c, b, width);
}

static inline void cap_u8(struct cap *c, unsigned v) { cap_uint(c, v, 1); }
static inline void cap_u16(struct cap *c, unsigned v) { cap_uint(c, v, 2); }
static inline void cap_u32(struct cap *c, uint32_t v) { cap_uint(c, v, 4); }
static inline void cap_u64(struct cap *c, uint64_t v) { cap_uint(c, v, 8); }

static inline void cap_zeros(struct cap *c, size_t n)
{
	while (n-- > 0)
		cap_u8(c, 0);
}

/* Overwrite a 32-bit field already put, in the buffer's byte order. */
static inline void cap_patch32(struct cap *c, size_t at, uint32_t v)
{
	size_t n = c->n;

	c->n = at;
	cap_u32(c, v);
	c->n = n;
}

static inline void cap_free(struct cap *c)
{
	free(c->b);
	memset(c, 0, sizeof *c);
}

static inline int cap_write(const struct cap *c, const char *path)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = c->n == 0 || fwrite(c->b, 1, c->n, f) == c->n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- pcap ---- */

#define CAP_MAGIC_USEC 0xa1b2c3d4u
#define CAP_MAGIC_NSEC 0xa1b23c4du
#define CAP_MAGIC_KUZNETZOV 0xa1b2cd34u

static inline void cap_pcap_header(struct cap *c, uint32_t magic,
				   unsigned major, unsigned minor,
				   uint32_t snaplen, uint32_t linktype)
{
	cap_u32(c, magic);
	cap_u16(c, major);
	cap_u16(c, minor);
	cap_u32(c, 0);		/* thiszone */
	cap_u32(c, 0);		/* sigfigs */
	cap_u32(c, snaplen);
	cap_u32(c, linktype);
}

/* A record whose data is `caplen` bytes of data (or a counting pattern). */
static inline void cap_pcap_record(struct cap *c, uint32_t sec, uint32_t frac,
				   uint32_t caplen, uint32_t len,
				   const void *data)
{
	cap_u32(c, sec);
	cap_u32(c, frac);
	cap_u32(c, caplen);
	cap_u32(c, len);
	if (data != NULL) {
		cap_bytes(c, data, caplen);
	} else {
		for (uint32_t i = 0; i < caplen; i++)
			cap_u8(c, (i * 7 + caplen) & 0xff);
	}
}

/* The Kuznetzov record: 8 more bytes (ifindex, protocol, pkt_type, pad). */
static inline void cap_kuz_record(struct cap *c, uint32_t sec, uint32_t frac,
				  uint32_t caplen, uint32_t len)
{
	cap_u32(c, sec);
	cap_u32(c, frac);
	cap_u32(c, caplen);
	cap_u32(c, len);
	cap_u32(c, 3);		/* ifindex */
	cap_u16(c, 0x0800);	/* protocol */
	cap_u8(c, 4);		/* pkt_type */
	cap_u8(c, 0);
	for (uint32_t i = 0; i < caplen; i++)
		cap_u8(c, (i * 7 + caplen) & 0xff);
}

/* ---- pcapng ---- */

#define CAP_BT_SHB 0x0A0D0D0Au
#define CAP_BT_IDB 1u
#define CAP_BT_PB 2u
#define CAP_BT_SPB 3u
#define CAP_BT_EPB 6u

/* Start a block; returns where its length goes (cap_ng_end fills it). */
static inline size_t cap_ng_begin(struct cap *c, uint32_t type)
{
	size_t at = c->n;

	cap_u32(c, type);
	cap_u32(c, 0);
	return at;
}

static inline void cap_ng_end(struct cap *c, size_t at)
{
	uint32_t total;

	while ((c->n - at) % 4 != 0)
		cap_u8(c, 0);
	total = (uint32_t)(c->n - at + 4);
	cap_u32(c, total);
	cap_patch32(c, at + 4, total);
}

static inline void cap_ng_option(struct cap *c, unsigned code,
				 const void *val, unsigned len)
{
	cap_u16(c, code);
	cap_u16(c, len);
	cap_bytes(c, val, len);
	while (len++ % 4 != 0)
		cap_u8(c, 0);
}

static inline void cap_ng_shb(struct cap *c, unsigned major, unsigned minor)
{
	size_t at = cap_ng_begin(c, CAP_BT_SHB);

	cap_u32(c, 0x1A2B3C4Du);
	cap_u16(c, major);
	cap_u16(c, minor);
	cap_u64(c, UINT64_MAX);	/* section length unknown */
	cap_ng_end(c, at);
}

/*
 * An IDB.  tsresol < 0: no if_tsresol option; has_offset: an if_tsoffset
 * option; both followed by opt_endofopt.
 */
static inline void cap_ng_idb(struct cap *c, unsigned linktype,
			      uint32_t snaplen, int tsresol, bool has_offset,
			      uint64_t tsoffset)
{
	size_t at = cap_ng_begin(c, CAP_BT_IDB);

	cap_u16(c, linktype);
	cap_u16(c, 0);
	cap_u32(c, snaplen);
	cap_ng_option(c, 2, "eth0", 4);	/* if_name: ignored */
	if (tsresol >= 0) {
		unsigned char r = (unsigned char)tsresol;

		cap_ng_option(c, 9, &r, 1);
	}
	if (has_offset) {
		cap_u16(c, 14);
		cap_u16(c, 8);
		cap_u64(c, tsoffset);
	}
	cap_u16(c, 0);
	cap_u16(c, 0);
	cap_ng_end(c, at);
}

static inline void cap_pattern(struct cap *c, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		cap_u8(c, (i * 13 + seed) & 0xff);
}

static inline void cap_ng_epb(struct cap *c, uint32_t ifid, uint64_t ts,
			      uint32_t caplen, uint32_t len,
			      const void *data)
{
	size_t at = cap_ng_begin(c, CAP_BT_EPB);

	cap_u32(c, ifid);
	cap_u32(c, (uint32_t)(ts >> 32));
	cap_u32(c, (uint32_t)ts);
	cap_u32(c, caplen);
	cap_u32(c, len);
	if (data != NULL)
		cap_bytes(c, data, caplen);
	else
		cap_pattern(c, caplen, len);
	cap_ng_end(c, at);
}

static inline void cap_ng_spb(struct cap *c, uint32_t len, uint32_t present)
{
	size_t at = cap_ng_begin(c, CAP_BT_SPB);

	cap_u32(c, len);
	cap_pattern(c, present, len);
	cap_ng_end(c, at);
}

static inline void cap_ng_pb(struct cap *c, unsigned ifid, uint64_t ts,
			     uint32_t caplen, uint32_t len)
{
	size_t at = cap_ng_begin(c, CAP_BT_PB);

	cap_u16(c, ifid);
	cap_u16(c, 0);		/* drops */
	cap_u32(c, (uint32_t)(ts >> 32));
	cap_u32(c, (uint32_t)ts);
	cap_u32(c, caplen);
	cap_u32(c, len);
	cap_pattern(c, caplen, len);
	cap_ng_end(c, at);
}

/* A block libpcap does not read (name resolution, statistics, custom). */
static inline void cap_ng_other(struct cap *c, uint32_t type, size_t body)
{
	size_t at = cap_ng_begin(c, type);

	cap_pattern(c, (uint32_t)body, type);
	cap_ng_end(c, at);
}

#endif
