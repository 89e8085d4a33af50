/*
 * test-pcapng.c: the pcapng reader (accel/sf-pcapng.c) -- the first
 * section header and its errors, interface descriptions and their
 * time-stamp options, the three packet blocks, skipped blocks, several
 * sections and interfaces (and what libpcap 1.10.3 refuses among them),
 * block length checks, truncation, and the stdio and mapped inputs.
 * Public API only, so the same file runs against the system libpcap.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "tests/unit/capture-builder.h"
#include "tests/unit/check.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

static char dir[64];
static char path_buf[128];
static int file_no;

static const char *write_cap(const struct cap *c)
{
	snprintf(path_buf, sizeof path_buf, "%s/f%d.pcapng", dir, file_no++);
	if (cap_write(c, path_buf) != 0)
		abort();
	return path_buf;
}

static pcap_t *open_cap(const struct cap *c, u_int precision, char *err)
{
	return pcap_open_offline_with_tstamp_precision(write_cap(c), precision,
						       err);
}

static const char *open_error(const struct cap *c, u_int precision)
{
	static char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	err[0] = '\0';
	p = open_cap(c, precision, err);
	if (p != NULL) {
		pcap_close(p);
		return "(opened)";
	}
	return err;
}

#define MAX_PKTS 64

struct got {
	int n;
	struct pcap_pkthdr h[MAX_PKTS];
	u_char copy[MAX_PKTS][64];
	int status;
	char err[PCAP_ERRBUF_SIZE];
};

static void next_all(pcap_t *p, struct got *g)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	memset(g, 0, sizeof *g);
	while ((g->status = pcap_next_ex(p, &h, &data)) == 1) {
		if (g->n < MAX_PKTS) {
			g->h[g->n] = *h;
			memcpy(g->copy[g->n], data, h->caplen < 64 ? h->caplen : 64);
			g->n++;
		}
	}
	snprintf(g->err, sizeof g->err, "%s", pcap_geterr(p));
}

static void read_cap(const struct cap *c, u_int precision, struct got *g)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = open_cap(c, precision, err);

	memset(g, 0, sizeof *g);
	CHECK(p != NULL);
	if (p == NULL) {
		g->status = -99;
		snprintf(g->err, sizeof g->err, "open: %s", err);
		return;
	}
	next_all(p, g);
	pcap_close(p);
}

/* SHB, one Ethernet IDB (microseconds), three EPBs. */
static struct cap simple(bool big_endian)
{
	struct cap c = { .big_endian = big_endian };

	cap_ng_shb(&c, 1, 0);
	cap_ng_idb(&c, 1, 1500, -1, false, 0);
	cap_ng_epb(&c, 0, 1000001, 60, 60, NULL);
	cap_ng_epb(&c, 0, 2000002, 100, 1500, NULL);
	cap_ng_epb(&c, 0, 3000003, 21, 21, NULL);
	return c;
}

/* ---- the first section header ------------------------------------------ */

static void test_simple_both_orders(void)
{
	for (int order = 0; order < 2; order++) {
		struct cap c = simple(order);
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = open_cap(&c, MICRO, err);
		struct got g;

		CHECK(p != NULL);
		if (p == NULL)
			continue;
		CHECK_INT(pcap_datalink(p), DLT_EN10MB);
		CHECK_INT(pcap_datalink_ext(p), 0);
		CHECK_INT(pcap_snapshot(p), 1500);
		CHECK_INT(pcap_is_swapped(p), order);
		CHECK_INT(pcap_major_version(p), 1);
		CHECK_INT(pcap_minor_version(p), 0);
		CHECK_INT(pcap_bufsize(p), 2048);
		CHECK_INT(pcap_fileno(p), -1);
		next_all(p, &g);
		CHECK_INT(g.n, 3);
		CHECK_INT(g.status, PCAP_ERROR_BREAK);
		CHECK_INT(g.h[1].ts.tv_sec, 2);
		CHECK_INT(g.h[1].ts.tv_usec, 2);
		CHECK_INT(g.h[1].caplen, 100);
		CHECK_INT(g.h[1].len, 1500);
		/* cap_pattern: byte i is (13i + len) & 255. */
		CHECK_INT(g.copy[1][0], 1500 & 255);
		CHECK_INT(g.copy[2][20], (13 * 20 + 21) & 255);
		pcap_close(p);
		cap_free(&c);
	}
}

static void test_shb_versions(void)
{
	static const struct {
		unsigned major, minor;
		const char *err;
	} cases[] = {
		{ 1, 0, "(opened)" },
		{ 1, 2, "(opened)" },
		{ 1, 1, "unsupported pcapng savefile version 1.1" },
		{ 2, 0, "unsupported pcapng savefile version 2.0" },
		{ 0, 0, "unsupported pcapng savefile version 0.0" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = { .big_endian = i % 2 };

		cap_ng_shb(&c, cases[i].major, cases[i].minor);
		cap_ng_idb(&c, 1, 0, -1, false, 0);
		CHECK_STR(open_error(&c, MICRO), cases[i].err);
		cap_free(&c);
	}
}

static void test_shb_length_and_magic(void)
{
	struct cap c = simple(false);

	cap_patch32(&c, 4, 24);
	CHECK_STR(open_error(&c, MICRO),
		  "Section Header Block in pcapng dump file has invalid length 28 < _24_ < 1048576 (BT_SHB_INSANE_MAX)");
	cap_patch32(&c, 4, 1048580);
	CHECK_STR(open_error(&c, MICRO),
		  "Section Header Block in pcapng dump file has invalid length 28 < _1048580_ < 1048576 (BT_SHB_INSANE_MAX)");
	/* Longer than the file: the rest of the SHB is missing. */
	cap_patch32(&c, 4, 4096);
	CHECK_STR(open_error(&c, MICRO),
		  "truncated pcapng dump file; tried to read 4084 bytes, only got 328");
	cap_patch32(&c, 4, 28);
	/* Not the byte-order magic either way round: not pcapng at all. */
	cap_patch32(&c, 8, 0x1A2B3C4E);
	CHECK_STR(open_error(&c, MICRO), "unknown file format");
	c.n = 10;
	CHECK_STR(open_error(&c, MICRO), "unknown file format");
	cap_free(&c);
}

static void test_open_errors(void)
{
	struct cap c = { 0 };

	cap_ng_shb(&c, 1, 0);
	CHECK_STR(open_error(&c, MICRO),
		  "the capture file has no Interface Description Blocks");
	cap_ng_other(&c, 4, 8);
	cap_ng_epb(&c, 0, 0, 4, 4, NULL);
	CHECK_STR(open_error(&c, MICRO),
		  "the capture file has a packet block before any Interface Description Blocks");
	cap_free(&c);
	c = simple(false);
	CHECK_STR(open_error(&c, 3), "unknown time stamp resolution 3");
	/* The SHB length is checked before the precision. */
	cap_patch32(&c, 4, 12);
	CHECK_STR(open_error(&c, 3),
		  "Section Header Block in pcapng dump file has invalid length 28 < _12_ < 1048576 (BT_SHB_INSANE_MAX)");
	cap_free(&c);
	/* The first IDB too short for its fixed part. */
	c = (struct cap){ 0 };
	cap_ng_shb(&c, 1, 0);
	cap_ng_other(&c, 1, 4);
	CHECK_STR(open_error(&c, MICRO),
		  "block of type 1 in pcapng dump file is too short");
	cap_free(&c);
}

static void test_snaplen_and_linktype(void)
{
	static const struct {
		unsigned linktype;
		uint32_t snaplen;
		int dlt, snapshot;
	} cases[] = {
		{ 1, 0, DLT_EN10MB, 262144 },
		{ 1, 0x80000000u, DLT_EN10MB, 262144 },
		{ 1, 0x7fffffff, DLT_EN10MB, 0x7fffffff },
		{ 101, 64, DLT_RAW, 64 },
		{ 231, 0, DLT_DBUS, 128 * 1024 * 1024 },
		{ 65000, 10, 65000, 10 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = { 0 };
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p;

		cap_ng_shb(&c, 1, 2);
		cap_ng_idb(&c, cases[i].linktype, cases[i].snaplen, -1, false, 0);
		p = open_cap(&c, MICRO, err);
		CHECK(p != NULL);
		if (p != NULL) {
			CHECK_INT(pcap_datalink(p), cases[i].dlt);
			CHECK_INT(pcap_snapshot(p), cases[i].snapshot);
			CHECK_INT(pcap_minor_version(p), 2);
			pcap_close(p);
		}
		cap_free(&c);
	}
}

/* pcap_bufsize(): 2048, or the first SHB's length if larger. */
static void test_bufsize(void)
{
	struct cap c = { 0 };
	char err[PCAP_ERRBUF_SIZE];
	size_t at = cap_ng_begin(&c, CAP_BT_SHB);
	pcap_t *p;

	cap_u32(&c, 0x1A2B3C4Du);
	cap_u16(&c, 1);
	cap_u16(&c, 0);
	cap_u64(&c, 0);
	cap_ng_option(&c, 1, "a comment", 9);
	cap_zeros(&c, 3000);	/* opaque to libpcap: the SHB is not parsed */
	cap_ng_end(&c, at);
	cap_ng_idb(&c, 1, 0, -1, false, 0);
	cap_ng_epb(&c, 0, 0, 3000, 3000, NULL);
	p = open_cap(&c, MICRO, err);
	CHECK(p != NULL);
	if (p != NULL) {
		struct got g;

		CHECK_INT(pcap_bufsize(p), 28 + 16 + 3000);
		next_all(p, &g);
		CHECK_INT(g.n, 1);
		CHECK_INT(pcap_bufsize(p), 28 + 16 + 3000);
		pcap_close(p);
	}
	cap_free(&c);
}

/* ---- interface options and time stamps ---------------------------------- */

struct ts_case {
	int tsresol;		/* -1: no option */
	bool has_offset;
	uint64_t offset;
	uint64_t raw;
	long long usec_sec, usec_frac, nsec_sec, nsec_frac;
};

static void check_ts(const struct ts_case *tc, bool big_endian)
{
	struct cap c = { .big_endian = big_endian };
	struct got g;

	cap_ng_shb(&c, 1, 0);
	cap_ng_idb(&c, 1, 0, tc->tsresol, tc->has_offset, tc->offset);
	cap_ng_epb(&c, 0, tc->raw, 4, 4, NULL);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.h[0].ts.tv_sec, tc->usec_sec);
	CHECK_INT(g.h[0].ts.tv_usec, tc->usec_frac);
	read_cap(&c, NANO, &g);
	CHECK_INT(g.h[0].ts.tv_sec, tc->nsec_sec);
	CHECK_INT(g.h[0].ts.tv_usec, tc->nsec_frac);
	cap_free(&c);
}

static void test_timestamp_resolutions(void)
{
	static const struct ts_case cases[] = {
		/* Default: microseconds. */
		{ -1, false, 0, 5123456, 5, 123456, 5, 123456000 },
		{ 6, false, 0, 5123456, 5, 123456, 5, 123456000 },
		/* Nanoseconds, truncated (not rounded) to microseconds. */
		{ 9, false, 0, 5123456789ull, 5, 123456, 5, 123456789 },
		/* Milliseconds and whole seconds scale up. */
		{ 3, false, 0, 5123, 5, 123000, 5, 123000000 },
		{ 0, false, 0, 5, 5, 0, 5, 0 },
		/* 2^-10 and 2^-30: multiplied by the unit, divided by 2^n. */
		{ 0x80 | 10, false, 0, 5 * 1024 + 512, 5, 500000, 5, 500000000 },
		{ 0x80 | 30, false, 0, (3ull << 30) + (1u << 29), 3, 500000, 3,
		  500000000 },
		/* 10^-19 seconds: the fraction becomes 0 or 1 ns. */
		{ 19, false, 0, 10000000000000000000ull, 1, 0, 1, 0 },
		/* if_tsoffset is added to the seconds. */
		{ -1, true, 1000, 2500000, 1002, 500000, 1002, 500000000 },
		{ 9, true, (uint64_t)-1, 2500000000ull, 1, 500000, 1, 500000000 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_ts(&cases[i], false);
		check_ts(&cases[i], true);
	}
}

/* libpcap's 64-bit arithmetic wraps for fine binary resolutions. */
static void test_binary_resolution_overflow(void)
{
	static const struct ts_case cases[] = {
		/* 2^-63: frac * 10^9 wraps before the division. */
		{ 0x80 | 63, false, 0, (1ull << 63) - 1, 0,
		  (long long)(int)(((1ull << 63) - 1) * 1000000ull >> 63),
		  0, (long long)(int)(((1ull << 63) - 1) * 1000000000ull >> 63) },
	};

	check_ts(&cases[0], false);
}

static void test_idb_option_errors(void)
{
	static const struct {
		unsigned code, len;
		const char *value;
		const char *err;
	} cases[] = {
		{ 9, 2, "\x06\x06", "Interface Description Block has if_tsresol option with length 2 != 1" },
		{ 9, 1, "\x14", "Interface Description Block if_tsresol option resolution 10^-20 is too high" },
		{ 9, 1, "\xc0", "Interface Description Block if_tsresol option resolution 2^-64 is too high" },
		{ 14, 4, "\0\0\0\0", "Interface Description Block has if_tsoffset option with length 4 != 8" },
		{ 0, 4, "\0\0\0\0", "Interface Description Block has opt_endofopt option with length 4 != 0" },
		{ 2, 200, "", "block of type 1 in pcapng dump file is too short" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = { 0 };
		char val[256] = { 0 };
		size_t at;

		memcpy(val, cases[i].value, strlen(cases[i].value) + 1);
		cap_ng_shb(&c, 1, 0);
		at = cap_ng_begin(&c, CAP_BT_IDB);
		cap_u16(&c, 1);
		cap_u16(&c, 0);
		cap_u32(&c, 0);
		if (cases[i].len <= 8)
			cap_ng_option(&c, cases[i].code, val, cases[i].len);
		else {
			cap_u16(&c, cases[i].code);
			cap_u16(&c, cases[i].len);
		}
		cap_ng_end(&c, at);
		cap_ng_epb(&c, 0, 0, 4, 4, NULL);
		CHECK_STR(open_error(&c, MICRO), cases[i].err);
		cap_free(&c);
	}
}

static void test_idb_duplicate_options(void)
{
	struct cap c = { 0 };
	unsigned char r = 9;
	unsigned char off[8] = { 0 };
	size_t at;

	cap_ng_shb(&c, 1, 0);
	at = cap_ng_begin(&c, CAP_BT_IDB);
	cap_u16(&c, 1);
	cap_u16(&c, 0);
	cap_u32(&c, 0);
	cap_ng_option(&c, 9, &r, 1);
	cap_ng_option(&c, 9, &r, 1);
	cap_ng_end(&c, at);
	CHECK_STR(open_error(&c, MICRO),
		  "Interface Description Block has more than one if_tsresol option");
	cap_free(&c);

	c = (struct cap){ 0 };
	cap_ng_shb(&c, 1, 0);
	at = cap_ng_begin(&c, CAP_BT_IDB);
	cap_u16(&c, 1);
	cap_u16(&c, 0);
	cap_u32(&c, 0);
	cap_ng_option(&c, 14, off, 8);
	cap_ng_option(&c, 14, off, 8);
	cap_ng_end(&c, at);
	CHECK_STR(open_error(&c, MICRO),
		  "Interface Description Block has more than one if_tsoffset option");
	cap_free(&c);

	/* After opt_endofopt nothing more is looked at. */
	c = (struct cap){ 0 };
	cap_ng_shb(&c, 1, 0);
	at = cap_ng_begin(&c, CAP_BT_IDB);
	cap_u16(&c, 1);
	cap_u16(&c, 0);
	cap_u32(&c, 0);
	cap_ng_option(&c, 0, NULL, 0);
	cap_ng_option(&c, 9, "\x07\x07", 2);
	cap_ng_end(&c, at);
	CHECK_STR(open_error(&c, MICRO), "(opened)");
	cap_free(&c);
}

/* ---- packet blocks -------------------------------------------------------- */

static void test_spb_and_pb(void)
{
	for (int order = 0; order < 2; order++) {
		struct cap c = { .big_endian = order };
		struct got g;

		cap_ng_shb(&c, 1, 0);
		cap_ng_idb(&c, 1, 50, 9, false, 0);
		cap_ng_idb(&c, 1, 50, -1, false, 0);
		cap_ng_spb(&c, 30, 32);		/* caplen = len */
		cap_ng_spb(&c, 70, 52);		/* caplen = snaplen */
		cap_ng_pb(&c, 1, 7000008, 10, 20);
		cap_ng_other(&c, 5, 12);	/* statistics: skipped */
		cap_ng_other(&c, 0x40000bad, 0);	/* custom: skipped */
		cap_ng_pb(&c, 0, 7000000008ull, 11, 11);
		read_cap(&c, NANO, &g);
		CHECK_INT(g.n, 4);
		CHECK_INT(g.status, PCAP_ERROR_BREAK);
		CHECK_INT(g.h[0].caplen, 30);
		CHECK_INT(g.h[0].len, 30);
		CHECK_INT(g.h[0].ts.tv_sec, 0);
		CHECK_INT(g.h[0].ts.tv_usec, 0);
		CHECK_INT(g.h[1].caplen, 50);
		CHECK_INT(g.h[1].len, 70);
		CHECK_INT(g.h[1].ts.tv_sec, 0);
		CHECK_INT(g.h[2].caplen, 10);
		CHECK_INT(g.h[2].ts.tv_sec, 7);
		CHECK_INT(g.h[2].ts.tv_usec, 8000);
		CHECK_INT(g.h[3].ts.tv_sec, 7);
		CHECK_INT(g.h[3].ts.tv_usec, 8);
		CHECK_INT(g.copy[3][1], (13 + 11) & 255);
		cap_free(&c);
	}
}

static void test_packet_errors(void)
{
	struct cap c = { 0 };
	struct got g;

	cap_ng_shb(&c, 1, 0);
	cap_ng_idb(&c, 1, 100, -1, false, 0);
	cap_ng_epb(&c, 0, 0, 100, 100, NULL);
	cap_ng_epb(&c, 0, 0, 101, 101, NULL);
	cap_ng_epb(&c, 3, 0, 10, 10, NULL);
	cap_ng_spb(&c, 90, 20);		/* data shorter than min(len, snap) */
	cap_ng_epb(&c, 0, 0, 1, 1, NULL);
	{
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = open_cap(&c, MICRO, err);
		struct pcap_pkthdr *h;
		const u_char *data;

		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
		CHECK_STR(pcap_geterr(p), "invalid packet capture length 101, bigger than snaplen of 100");
		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
		CHECK_STR(pcap_geterr(p), "a packet arrived on interface 3, but there's no Interface Description Block for that interface");
		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
		CHECK_STR(pcap_geterr(p), "block of type 3 in pcapng dump file is too short");
		/* Each error consumed its block: reading goes on after it. */
		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(h->caplen, 1);
		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
		pcap_close(p);
	}
	/* An EPB whose fixed part is cut. */
	cap_free(&c);
	c = (struct cap){ 0 };
	cap_ng_shb(&c, 1, 0);
	cap_ng_idb(&c, 1, 100, -1, false, 0);
	cap_ng_other(&c, CAP_BT_EPB, 12);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "block of type 6 in pcapng dump file is too short");
	cap_free(&c);
}

static void test_block_length_errors(void)
{
	static const struct {
		uint32_t total;
		const char *err;
	} cases[] = {
		{ 8, "block in pcapng dump file has a length of 8 < 12" },
		{ 30, "block in pcapng dump file has a length of 30 that is not a multiple of 4" },
		{ 16u << 20 | 4, "pcapng block size 16777220 > maximum 16777216" },
		{ 64, "block total length in header and trailer don't match" },
		{ 4096, "truncated pcapng dump file; tried to read 4088 bytes, only got 92" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = { .big_endian = i % 2 };
		struct got g;
		size_t at;

		cap_ng_shb(&c, 1, 0);
		cap_ng_idb(&c, 1, 0, -1, false, 0);
		cap_ng_epb(&c, 0, 0, 4, 4, NULL);
		at = c.n;
		cap_ng_epb(&c, 0, 0, 4, 4, NULL);
		cap_ng_other(&c, 99, 52);	/* bytes for the long ones */
		cap_patch32(&c, at + 4, cases[i].total);
		read_cap(&c, MICRO, &g);
		CHECK_INT(g.n, 1);
		CHECK_INT(g.status, PCAP_ERROR);
		CHECK_STR(g.err, cases[i].err);
		cap_free(&c);
	}
}

static void test_truncated_blocks(void)
{
	struct cap c = simple(true);
	size_t full = c.n;
	struct got g;

	/* The last EPB is 56 bytes. */
	c.n = full - 40;
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.err, "truncated pcapng dump file; tried to read 48 bytes, only got 8");
	c.n = full - 56 + 3;
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.err, "truncated pcapng dump file; tried to read 8 bytes, only got 3");
	c.n = full - 56;
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.status, PCAP_ERROR_BREAK);
	cap_free(&c);
}

/* A DBUS IDB raises the block size limit to fit its 128 MiB packets. */
static void test_block_limit_follows_link_type(void)
{
	struct cap c = { 0 };
	struct got g;
	size_t at;

	cap_ng_shb(&c, 1, 0);
	cap_ng_idb(&c, 231, 0, -1, false, 0);
	at = c.n;
	cap_ng_epb(&c, 0, 0, 4, 4, NULL);
	cap_patch32(&c, at + 4, 200u << 20);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "pcapng block size 209715200 > maximum 134348832");
	cap_patch32(&c, at + 4, 100u << 20);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "truncated pcapng dump file; tried to read 104857592 bytes, only got 28");
	cap_free(&c);
}

/* ---- sections and interfaces -------------------------------------------- */

static void test_several_sections(void)
{
	for (int order = 0; order < 2; order++) {
		struct cap c = { .big_endian = order };
		struct got g;

		cap_ng_shb(&c, 1, 0);
		cap_ng_idb(&c, 1, 0, 9, false, 0);
		cap_ng_idb(&c, 1, 0, 3, false, 0);
		cap_ng_epb(&c, 1, 1234, 4, 4, NULL);	/* 1.234 s */
		cap_ng_epb(&c, 0, 1234, 4, 4, NULL);	/* 1.234 us */
		cap_ng_shb(&c, 1, 2);
		cap_ng_idb(&c, 1, 0, 0, true, 100);	/* seconds, +100 */
		cap_ng_epb(&c, 0, 7, 4, 4, NULL);
		cap_ng_epb(&c, 1, 7, 4, 4, NULL);	/* gone with the section */
		cap_ng_epb(&c, 0, 8, 4, 4, NULL);
		{
			char err[PCAP_ERRBUF_SIZE];
			pcap_t *p = open_cap(&c, NANO, err);
			struct pcap_pkthdr *h;
			const u_char *data;

			CHECK_INT(pcap_next_ex(p, &h, &data), 1);
			CHECK_INT(h->ts.tv_sec, 1);
			CHECK_INT(h->ts.tv_usec, 234000000);
			CHECK_INT(pcap_next_ex(p, &h, &data), 1);
			CHECK_INT(h->ts.tv_sec, 0);
			CHECK_INT(h->ts.tv_usec, 1234);
			CHECK_INT(pcap_next_ex(p, &h, &data), 1);
			CHECK_INT(h->ts.tv_sec, 107);
			CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
			CHECK_STR(pcap_geterr(p), "a packet arrived on interface 1, but there's no Interface Description Block for that interface");
			CHECK_INT(pcap_next_ex(p, &h, &data), 1);
			CHECK_INT(h->ts.tv_sec, 108);
			CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
			/* The first section's version is what is reported. */
			CHECK_INT(pcap_minor_version(p), 0);
			pcap_close(p);
		}
		read_cap(&c, MICRO, &g);
		CHECK_INT(g.n, 3);
		cap_free(&c);
	}
}

static void test_section_errors(void)
{
	struct cap c = simple(false);
	struct got g;
	const unsigned char big_endian_magic[4] = { 0x1A, 0x2B, 0x3C, 0x4D };
	size_t at;

	/*
	 * A section in the other byte order: its length is read in this
	 * order, so only a block that is sane both ways gets as far as its
	 * byte-order magic.
	 */
	at = cap_ng_begin(&c, CAP_BT_SHB);
	cap_bytes(&c, big_endian_magic, 4);
	cap_zeros(&c, 16);
	cap_ng_end(&c, at);
	cap_ng_epb(&c, 0, 0, 4, 4, NULL);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.err, "the file has sections with different byte orders");
	cap_free(&c);
	/* Usually the length read the wrong way round is absurd. */
	c = simple(false);
	{
		struct cap other = { .big_endian = true };

		cap_ng_shb(&other, 1, 0);
		cap_bytes(&c, other.b, other.n);
		cap_free(&other);
	}
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "pcapng block size 469762048 > maximum 16777216");
	cap_free(&c);

	c = simple(false);
	at = c.n;
	cap_ng_shb(&c, 1, 0);
	cap_patch32(&c, at + 8, 0x12345678);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "the file has a section with a bad byte order magic field");
	cap_free(&c);

	c = simple(true);
	cap_ng_shb(&c, 2, 0);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "unknown pcapng savefile major version number 2");
	cap_free(&c);

	/* A later SHB's minor version is not checked. */
	c = simple(false);
	cap_ng_shb(&c, 1, 7);
	cap_ng_idb(&c, 1, 1500, -1, false, 0);
	cap_ng_epb(&c, 0, 0, 4, 4, NULL);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 4);
	CHECK_INT(g.status, PCAP_ERROR_BREAK);
	cap_free(&c);

	/* A later SHB too short for its fixed part. */
	c = simple(false);
	cap_ng_other(&c, CAP_BT_SHB, 8);
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "block of type 168627466 in pcapng dump file is too short");
	cap_free(&c);
}

static void test_interfaces_must_match(void)
{
	static const struct {
		unsigned first, second;
		uint32_t snap1, snap2;
		const char *err;	/* NULL: accepted */
	} cases[] = {
		{ 1, 113, 0, 0, "an interface has a type 113 different from the type of the first interface" },
		{ 1, 1, 0, 100, "an interface has a snapshot length 100 different from the snapshot length of the first interface" },
		/* Both bogus: both become the maximum, so they match. */
		{ 1, 1, 0, 0x80000000u, NULL },
		{ 1, 1, 262144, 0, NULL },
		/* libpcap compares the second's LINKTYPE with the first's DLT. */
		{ 101, 101, 0, 0, "an interface has a type 101 different from the type of the first interface" },
		{ 113, 113, 0, 0, NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = { .big_endian = i % 2 };
		struct got g;

		cap_ng_shb(&c, 1, 0);
		cap_ng_idb(&c, cases[i].first, cases[i].snap1, -1, false, 0);
		cap_ng_epb(&c, 0, 0, 4, 4, NULL);
		cap_ng_idb(&c, cases[i].second, cases[i].snap2, -1, false, 0);
		cap_ng_epb(&c, 1, 0, 4, 4, NULL);
		read_cap(&c, MICRO, &g);
		if (cases[i].err == NULL) {
			CHECK_INT(g.n, 2);
			CHECK_INT(g.status, PCAP_ERROR_BREAK);
		} else {
			CHECK_INT(g.n, 1);
			CHECK_INT(g.status, PCAP_ERROR);
			CHECK_STR(g.err, cases[i].err);
		}
		cap_free(&c);
	}
}

/* ---- inputs ---------------------------------------------------------------- */

static void test_stdio_input(void)
{
	struct cap c = simple(true);
	char err[PCAP_ERRBUF_SIZE];
	struct got g;
	pcap_t *p = pcap_fopen_offline(fmemopen(c.b, c.n, "rb"), err);

	CHECK(p != NULL);
	if (p != NULL) {
		next_all(p, &g);
		CHECK_INT(g.n, 3);
		CHECK_INT(g.h[2].caplen, 21);
		CHECK_INT(g.copy[2][20], (13 * 20 + 21) & 255);
		pcap_close(p);
	}
	p = pcap_fopen_offline(fmemopen(c.b, c.n - 40, "rb"), err);
	next_all(p, &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.err, "truncated pcapng dump file; tried to read 48 bytes, only got 8");
	pcap_close(p);
	cap_free(&c);
}

static void test_file_positioned_mid_file(void)
{
	struct cap c = simple(false), padded = { 0 };
	char err[PCAP_ERRBUF_SIZE];
	unsigned char junk[9000];
	FILE *f;
	pcap_t *p;
	struct got g;

	memset(junk, 0x0A, sizeof junk);
	cap_bytes(&padded, junk, sizeof junk);
	cap_bytes(&padded, c.b, c.n);
	f = fopen(write_cap(&padded), "rb");
	CHECK_INT(fread(junk, 1, sizeof junk, f), sizeof junk);
	p = pcap_fopen_offline(f, err);
	CHECK(p != NULL);
	if (p != NULL) {
		next_all(p, &g);
		CHECK_INT(g.n, 3);
		CHECK_INT(g.h[0].ts.tv_sec, 1);
		CHECK_INT(g.h[0].ts.tv_usec, 1);
		pcap_close(p);
	}
	cap_free(&c);
	cap_free(&padded);
}

static void test_random_damage(void)
{
	uint32_t seed = 777;
	struct cap base = { .big_endian = true };

	cap_ng_shb(&base, 1, 0);
	cap_ng_idb(&base, 1, 0, 9, true, 3);
	cap_ng_idb(&base, 1, 0, 0x80 | 20, false, 0);
	for (int i = 0; i < 4; i++) {
		cap_ng_epb(&base, (uint32_t)i % 2, 123456789ull * (uint64_t)i, 30, 40, NULL);
		cap_ng_spb(&base, 20, 20);
		cap_ng_pb(&base, 1, 99, 8, 8);
	}
	cap_ng_shb(&base, 1, 0);
	cap_ng_idb(&base, 1, 0, 3, false, 0);
	cap_ng_epb(&base, 0, 5, 10, 10, NULL);
	for (int round = 0; round < 3000; round++) {
		struct cap v = base;
		unsigned char *copy = malloc(base.n);
		char err[PCAP_ERRBUF_SIZE];
		struct got g;
		pcap_t *p;

		memcpy(copy, base.b, base.n);
		v.b = copy;
		for (int k = 0; k < 3; k++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			copy[seed % base.n] = (unsigned char)(seed >> 8);
		}
		if (round % 4 == 0)
			v.n = seed % base.n;
		p = open_cap(&v, round % 2 ? NANO : MICRO, err);
		if (p != NULL) {
			next_all(p, &g);
			CHECK(g.status == PCAP_ERROR_BREAK || g.status == PCAP_ERROR);
			pcap_close(p);
		}
		free(copy);
		unlink(path_buf);
	}
	cap_free(&base);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-pcapng.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;

	RUN(test_simple_both_orders);
	RUN(test_shb_versions);
	RUN(test_shb_length_and_magic);
	RUN(test_open_errors);
	RUN(test_snaplen_and_linktype);
	RUN(test_bufsize);
	RUN(test_timestamp_resolutions);
	RUN(test_binary_resolution_overflow);
	RUN(test_idb_option_errors);
	RUN(test_idb_duplicate_options);
	RUN(test_spb_and_pb);
	RUN(test_packet_errors);
	RUN(test_block_length_errors);
	RUN(test_truncated_blocks);
	RUN(test_block_limit_follows_link_type);
	RUN(test_several_sections);
	RUN(test_section_errors);
	RUN(test_interfaces_must_match);
	RUN(test_stdio_input);
	RUN(test_file_positioned_mid_file);
	RUN(test_random_damage);

	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	CHECK_EXIT();
}
