/*
 * test-savefile.c: the savefile source with pcap files (accel/savefile.c,
 * sf-pcap.c, pseudo-headers.c) -- format detection and header errors,
 * header fields, record checks and truncation, time-stamp precision, the
 * read-loop conventions on savefiles, the mapped and stdio inputs (pipes,
 * a FILE positioned mid-file, beyond 4 GiB, standard input), packet
 * fix-ups of byte-swapped pseudo-headers, and random damage.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "tests/unit/capture-builder.h"
#include "tests/unit/check.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

static char dir[64];
static char path_buf[128];
static int file_no;

/* The capture written to a fresh file in the test directory. */
static const char *write_cap(const struct cap *c)
{
	snprintf(path_buf, sizeof path_buf, "%s/f%d.pcap", dir, file_no++);
	if (cap_write(c, path_buf) != 0)
		abort();
	return path_buf;
}

static pcap_t *open_cap(const struct cap *c, u_int precision, char *err)
{
	return pcap_open_offline_with_tstamp_precision(write_cap(c), precision,
						       err);
}

/* The open error for c (or "(opened)" if it opened). */
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
	u_char first[MAX_PKTS];		/* data[0], or 0 */
	const u_char *data[MAX_PKTS];
	u_char copy[MAX_PKTS][128];	/* first 128 bytes */
	int status;			/* pcap_next_ex's last return */
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hp;		/* for a caller's own pcap_next_ex */
	const u_char *dp;
};

static void keep(struct got *g, const struct pcap_pkthdr *h,
		 const u_char *data)
{
	if (g->n >= MAX_PKTS)
		return;
	g->h[g->n] = *h;
	g->data[g->n] = data;
	g->first[g->n] = h->caplen > 0 ? data[0] : 0;
	memcpy(g->copy[g->n], data, h->caplen < 128 ? h->caplen : 128);
	g->n++;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	keep((struct got *)user, h, data);
}

/* Everything pcap_next_ex gives until it says something other than 1. */
static void next_all(pcap_t *p, struct got *g)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	memset(g, 0, sizeof *g);
	while ((g->status = pcap_next_ex(p, &h, &data)) == 1)
		keep(g, h, data);
	snprintf(g->err, sizeof g->err, "%s", pcap_geterr(p));
}

/* Open c and read it all; the handle is closed. */
static void read_cap(const struct cap *c, u_int precision, struct got *g)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = open_cap(c, precision, err);

	memset(g, 0, sizeof *g);
	CHECK(p != NULL);
	if (p == NULL) {
		g->status = -99;
		snprintf(g->err, sizeof g->err, "%s", err);
		return;
	}
	next_all(p, g);
	pcap_close(p);
}

static struct cap le(void)
{
	return (struct cap){ .big_endian = false };
}

static struct cap be(void)
{
	return (struct cap){ .big_endian = true };
}

/* A little file: 3 Ethernet records of 60, 100 and 20 bytes. */
static struct cap three_packets(bool big_endian, uint32_t magic)
{
	struct cap c = { .big_endian = big_endian };

	cap_pcap_header(&c, magic, 2, 4, 65535, 1);
	cap_pcap_record(&c, 100, 1, 60, 60, NULL);
	cap_pcap_record(&c, 101, 2, 100, 1500, NULL);
	cap_pcap_record(&c, 102, 3, 20, 20, NULL);
	return c;
}

/* ---- detection and header errors -------------------------------------- */

static void test_short_and_unknown_files(void)
{
	struct cap c = le();

	CHECK_STR(open_error(&c, MICRO),
		  "truncated dump file; tried to read 4 file header bytes, only got 0");
	cap_u16(&c, 0xc3d4);
	CHECK_STR(open_error(&c, MICRO),
		  "truncated dump file; tried to read 4 file header bytes, only got 2");
	cap_u32(&c, 0x12345678);
	CHECK_STR(open_error(&c, MICRO), "unknown file format");
	cap_free(&c);
	/* pcapng's block type, but too short to hold its byte-order magic. */
	c = le();
	cap_u32(&c, CAP_BT_SHB);
	cap_u32(&c, 28);
	CHECK_STR(open_error(&c, MICRO), "unknown file format");
	cap_free(&c);
}

/* Read errors are reported with errno's text, as libpcap reports them. */
static void test_read_errors(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	char err[PCAP_ERRBUF_SIZE] = "";
	FILE *f;

	CHECK(pcap_open_offline(dir, err) == NULL);
	CHECK_STR(err, "error reading dump file: Is a directory");
	f = fopen(write_cap(&c), "ab");	/* regular, but not readable */
	CHECK(pcap_fopen_offline(f, err) == NULL);
	CHECK_STR(err, "error reading dump file: Bad file descriptor");
	fclose(f);
	cap_free(&c);
}

static void test_truncated_file_header(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);

	c.n = 10;
	CHECK_STR(open_error(&c, MICRO),
		  "truncated dump file; tried to read 24 file header bytes, only got 6");
	c.n = 23;
	CHECK_STR(open_error(&c, MICRO),
		  "truncated dump file; tried to read 24 file header bytes, only got 19");
	c.n = 24;
	CHECK_STR(open_error(&c, MICRO), "(opened)");
	cap_free(&c);
}

static void test_versions(void)
{
	static const struct {
		unsigned major, minor;
		const char *err;
	} cases[] = {
		{ 1, 9, "archaic pcap savefile format" },
		{ 0, 0, "archaic pcap savefile format" },
		{ 2, 5, "unsupported pcap savefile version 2.5" },
		{ 3, 0, "unsupported pcap savefile version 3.0" },
		{ 543, 1, "unsupported pcap savefile version 543.1" },
		{ 2, 0, "(opened)" },
		{ 2, 4, "(opened)" },
		{ 543, 0, "(opened)" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int order = 0; order < 2; order++) {
			struct cap c = { .big_endian = order };

			cap_pcap_header(&c, CAP_MAGIC_USEC, cases[i].major,
					cases[i].minor, 100, 1);
			CHECK_STR(open_error(&c, MICRO), cases[i].err);
			cap_free(&c);
		}
	}
}

static void test_bad_precision(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	struct cap old = le();

	CHECK_STR(open_error(&c, 2), "unknown time stamp resolution 2");
	CHECK_STR(open_error(&c, 0xffffffffu),
		  "unknown time stamp resolution 4294967295");
	/* The version is checked first. */
	cap_pcap_header(&old, CAP_MAGIC_USEC, 1, 0, 100, 1);
	CHECK_STR(open_error(&old, 7), "archaic pcap savefile format");
	cap_free(&c);
	cap_free(&old);
}

/* ---- header fields ---------------------------------------------------- */

struct header_case {
	uint32_t magic;
	bool big_endian;
	uint32_t snaplen, linktype;
	int dlt, ext, snapshot, bufsize;
};

static void check_header(const struct header_case *hc)
{
	struct cap c = { .big_endian = hc->big_endian };
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	cap_pcap_header(&c, hc->magic, 2, 4, hc->snaplen, hc->linktype);
	p = open_cap(&c, MICRO, err);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_datalink(p), hc->dlt);
		CHECK_INT(pcap_datalink_ext(p), hc->ext);
		CHECK_INT(pcap_snapshot(p), hc->snapshot);
		CHECK_INT(pcap_bufsize(p), hc->bufsize);
		CHECK_INT(pcap_is_swapped(p), hc->big_endian);
		CHECK_INT(pcap_major_version(p), 2);
		CHECK_INT(pcap_minor_version(p), 4);
		pcap_close(p);
	}
	cap_free(&c);
}

static void test_header_fields(void)
{
	static const struct header_case cases[] = {
		{ CAP_MAGIC_USEC, false, 65535, 1, 1, 0, 65535, 2048 },
		{ CAP_MAGIC_USEC, true, 65535, 1, 1, 0, 65535, 2048 },
		{ CAP_MAGIC_NSEC, true, 96, 1, 1, 0, 96, 96 },
		/* LINKTYPE_RAW is DLT_RAW; unknown numbers stay as they are. */
		{ CAP_MAGIC_USEC, false, 100, 101, DLT_RAW, 0, 100, 100 },
		{ CAP_MAGIC_USEC, false, 100, 4000, 4000, 0, 100, 100 },
		/* FCS length and the reserved bits: the extension is the top 6. */
		{ CAP_MAGIC_USEC, false, 100, 0x34000001, 1, 0x34000000, 100, 100 },
		{ CAP_MAGIC_USEC, true, 100, 0x03ff0001, 0x03ff0001, 0, 100, 100 },
		/* Bogus snapshot lengths become the link type's maximum. */
		{ CAP_MAGIC_USEC, false, 0, 1, 1, 0, 262144, 2048 },
		{ CAP_MAGIC_USEC, false, 1, 1, 1, 0, 1, 1 },
		{ CAP_MAGIC_USEC, false, 0x7fffffff, 1, 1, 0, 0x7fffffff, 2048 },
		{ CAP_MAGIC_USEC, false, 0x80000000, 1, 1, 0, 262144, 2048 },
		{ CAP_MAGIC_USEC, true, 0xffffffff, DLT_DBUS, DLT_DBUS, 0,
		  128 * 1024 * 1024, 2048 },
		{ CAP_MAGIC_USEC, false, 0, 249, DLT_USBPCAP, 0, 1024 * 1024, 2048 },
		/* Kuznetzov: Ethernet gets 14 more for a made-up header. */
		{ CAP_MAGIC_KUZNETZOV, false, 100, 1, 1, 0, 114, 114 },
		{ CAP_MAGIC_KUZNETZOV, true, 0x7ffffff8, 1, 1, 0, 0x7fffffff, 2048 },
		{ CAP_MAGIC_KUZNETZOV, true, 0x7ffffff0, 1, 1, 0, 0x7ffffffe, 2048 },
		{ CAP_MAGIC_KUZNETZOV, false, 100, 101, DLT_RAW, 0, 100, 100 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_header(&cases[i]);
}

static void test_handle_state(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	char err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_stat st;
	pcap_t *p = open_cap(&c, NANO, err);

	CHECK(p != NULL);
	if (p == NULL)
		return;
	CHECK(pcap_file(p) != NULL);
	CHECK_INT(pcap_fileno(p), -1);
	CHECK_INT(pcap_get_selectable_fd(p), fileno(pcap_file(p)));
	CHECK_INT(pcap_get_tstamp_precision(p), NANO);
	CHECK_INT(pcap_getnonblock(p, err), 0);
	CHECK_INT(pcap_setnonblock(p, 1, err), -1);
	CHECK_STR(err, "Savefiles cannot be put into non-blocking mode");
	CHECK_INT(pcap_stats(p, &st), -1);
	CHECK_STR(pcap_geterr(p), "Statistics aren't available from savefiles");
	CHECK_INT(pcap_inject(p, "abc", 3), -1);
	CHECK_STR(pcap_geterr(p), "Sending packets isn't supported on savefiles");
	CHECK_INT(pcap_sendpacket(p, (const u_char *)"abc", 3), -1);
	CHECK_INT(pcap_setdirection(p, PCAP_D_IN), -1);
	CHECK_STR(pcap_geterr(p), "Setting direction is not supported on savefiles");
	CHECK_INT(pcap_can_set_rfmon(p), 0);
	CHECK_INT(pcap_set_datalink(p, DLT_EN10MB), 0);
	CHECK_INT(pcap_set_datalink(p, DLT_RAW), -1);
	pcap_close(p);
	cap_free(&c);
}

/* ---- records ----------------------------------------------------------- */

static void test_records_both_orders(void)
{
	for (int order = 0; order < 2; order++) {
		struct cap c = three_packets(order, CAP_MAGIC_USEC);
		struct got g;

		read_cap(&c, MICRO, &g);
		CHECK_INT(g.n, 3);
		CHECK_INT(g.status, PCAP_ERROR_BREAK);
		CHECK_INT(g.h[1].ts.tv_sec, 101);
		CHECK_INT(g.h[1].ts.tv_usec, 2);
		CHECK_INT(g.h[1].caplen, 100);
		CHECK_INT(g.h[1].len, 1500);
		/* cap_pcap_record's pattern: byte i is (7i + caplen) & 255. */
		CHECK_INT(g.copy[1][0], 100);
		CHECK_INT(g.copy[1][5], 135);
		CHECK_INT(g.copy[2][19], (7 * 19 + 20) & 255);
		cap_free(&c);
	}
}

static void test_precision_scaling(void)
{
	struct cap us = le(), ns = be();
	struct got g;

	cap_pcap_header(&us, CAP_MAGIC_USEC, 2, 4, 100, 1);
	cap_pcap_record(&us, 7, 999999, 10, 10, NULL);
	cap_pcap_header(&ns, CAP_MAGIC_NSEC, 2, 4, 100, 1);
	cap_pcap_record(&ns, 7, 999999999, 10, 10, NULL);
	cap_pcap_record(&ns, 8, 1999, 10, 10, NULL);

	read_cap(&us, NANO, &g);
	CHECK_INT(g.h[0].ts.tv_usec, 999999000);
	read_cap(&us, MICRO, &g);
	CHECK_INT(g.h[0].ts.tv_usec, 999999);
	read_cap(&ns, MICRO, &g);	/* truncated, not rounded */
	CHECK_INT(g.h[0].ts.tv_usec, 999999);
	CHECK_INT(g.h[1].ts.tv_usec, 1);
	read_cap(&ns, NANO, &g);
	CHECK_INT(g.h[0].ts.tv_usec, 999999999);
	cap_free(&us);
	cap_free(&ns);
}

/* libpcap reads native fields as signed, swapped ones as unsigned. */
static void test_timestamp_signedness(void)
{
	for (int order = 0; order < 2; order++) {
		struct cap c = { .big_endian = order };
		struct got g;

		cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 100, 1);
		cap_pcap_record(&c, 0x80000000u, 0xfffffffeu, 4, 4, NULL);
		read_cap(&c, MICRO, &g);
		CHECK_INT(g.n, 1);
		if (order == 0) {
			CHECK_INT(g.h[0].ts.tv_sec, -2147483648LL);
			CHECK_INT(g.h[0].ts.tv_usec, -2);
		} else {
			CHECK_INT(g.h[0].ts.tv_sec, 2147483648LL);
			CHECK_INT(g.h[0].ts.tv_usec, 4294967294LL);
		}
		read_cap(&c, NANO, &g);
		CHECK_INT(g.h[0].ts.tv_usec, order ? 4294967294000LL : -2000);
		cap_free(&c);
	}
}

/* A record with the two length fields as given and `data` bytes. */
static void raw_record(struct cap *c, uint32_t first, uint32_t second,
		       uint32_t data)
{
	cap_u32(c, 1);
	cap_u32(c, 0);
	cap_u32(c, first);
	cap_u32(c, second);
	cap_pattern(c, data, 0);
}

/* Before 2.3 (and DG/UX's 543.0) len came first; 2.3 files went both ways. */
static void test_old_versions_swap_lengths(void)
{
	static const struct {
		unsigned major, minor;
		uint32_t first[2], second[2], data[2];	/* two records */
		uint32_t caplen[2], len[2];		/* what is read */
	} cases[] = {
		{ 2, 2, { 60, 40 }, { 40, 60 }, { 40, 60 }, { 40, 60 }, { 60, 40 } },
		{ 543, 0, { 60, 40 }, { 40, 60 }, { 40, 60 }, { 40, 60 }, { 60, 40 } },
		{ 2, 3, { 60, 40 }, { 40, 60 }, { 40, 40 }, { 40, 40 }, { 60, 60 } },
		{ 2, 4, { 40, 60 }, { 60, 40 }, { 40, 60 }, { 40, 60 }, { 60, 40 } },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cap c = le();
		struct got g;

		cap_pcap_header(&c, CAP_MAGIC_USEC, cases[i].major,
				cases[i].minor, 200, 1);
		for (int r = 0; r < 2; r++)
			raw_record(&c, cases[i].first[r], cases[i].second[r],
				   cases[i].data[r]);
		read_cap(&c, MICRO, &g);
		CHECK_INT(g.n, 2);
		CHECK_INT(g.status, PCAP_ERROR_BREAK);
		for (int r = 0; r < 2; r++) {
			CHECK_INT(g.h[r].caplen, cases[i].caplen[r]);
			CHECK_INT(g.h[r].len, cases[i].len[r]);
		}
		cap_free(&c);
	}
}

static void test_caplen_beyond_snaplen(void)
{
	struct cap c = be();
	struct got g;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 100, 1);
	cap_pcap_record(&c, 1, 0, 50, 50, NULL);
	cap_pcap_record(&c, 1, 1, 150, 150, NULL);	/* kept: first 100 */
	cap_pcap_record(&c, 1, 2, 30, 30, NULL);
	p = open_cap(&c, MICRO, err);
	CHECK_INT(pcap_bufsize(p), 100);
	next_all(p, &g);
	CHECK_INT(g.n, 3);
	CHECK_INT(g.h[1].caplen, 100);
	CHECK_INT(g.h[1].len, 150);
	CHECK_INT(g.copy[1][99], (7 * 99 + 150) & 255);
	CHECK_INT(g.h[2].caplen, 30);
	CHECK_INT(g.copy[2][0], 30);
	pcap_close(p);

	/* The rest of the oversized record is missing. */
	c.n -= 46 + 16 + 30;
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.status, PCAP_ERROR);
	CHECK_STR(g.err, "truncated dump file; tried to read 150 captured bytes, only got 104");
	c.n -= 10;
	read_cap(&c, MICRO, &g);
	CHECK_STR(g.err, "truncated dump file; tried to read 100 captured bytes, only got 94");
	cap_free(&c);
}

static void test_caplen_beyond_maximum(void)
{
	struct cap c = le(), big = le();
	struct got g;

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 100, 1);
	cap_pcap_record(&c, 1, 0, 10, 10, NULL);
	cap_u32(&c, 1);
	cap_u32(&c, 1);
	cap_u32(&c, 262145);
	cap_u32(&c, 262145);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.status, PCAP_ERROR);
	CHECK_STR(g.err, "invalid packet capture length 262145, bigger than snaplen of 100");

	/* Within the snapshot length but beyond the link type's maximum. */
	cap_pcap_header(&big, CAP_MAGIC_USEC, 2, 4, 0x7fffffff, 1);
	cap_u32(&big, 1);
	cap_u32(&big, 1);
	cap_u32(&big, 0x7000000);
	cap_u32(&big, 0x7000000);
	read_cap(&big, MICRO, &g);
	CHECK_STR(g.err, "invalid packet capture length 117440512, bigger than maximum of 262144");
	cap_free(&c);
	cap_free(&big);
}

static void test_truncated_records(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	size_t full = c.n;
	struct got g;

	c.n = full - 20 - 16 + 5;	/* 5 bytes of the last header */
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.status, PCAP_ERROR);
	CHECK_STR(g.err, "truncated dump file; tried to read 16 header bytes, only got 5");
	c.n = full - 7;
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.err, "truncated dump file; tried to read 20 captured bytes, only got 13");
	c.n = 24;	/* header only: no packets, clean end */
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 0);
	CHECK_INT(g.status, PCAP_ERROR_BREAK);
	cap_free(&c);
}

/* libpcap does not stop at an error: the next call reads on from there. */
static void test_reading_on_after_error(void)
{
	struct cap c = le();
	struct got g;

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 100, 1);
	cap_u32(&c, 1);
	cap_u32(&c, 1);
	cap_u32(&c, 300000);	/* bad: header consumed, no data */
	cap_u32(&c, 300000);
	cap_pcap_record(&c, 2, 2, 8, 8, NULL);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.status, PCAP_ERROR);
	CHECK_INT(g.n, 0);
	{
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = open_cap(&c, MICRO, err);
		struct pcap_pkthdr *h;
		const u_char *data;

		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(h->ts.tv_sec, 2);
		CHECK_INT(h->caplen, 8);
		CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
		pcap_close(p);
	}
	cap_free(&c);
}

static void test_kuznetzov_records(void)
{
	struct cap c = be();
	struct got g;

	cap_pcap_header(&c, CAP_MAGIC_KUZNETZOV, 2, 4, 100, 1);
	cap_kuz_record(&c, 5, 6, 114, 1500);
	cap_kuz_record(&c, 5, 7, 10, 10);
	read_cap(&c, NANO, &g);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.h[0].caplen, 114);
	CHECK_INT(g.h[0].ts.tv_usec, 6000);
	CHECK_INT(g.h[1].caplen, 10);
	CHECK_INT(g.copy[1][0], 10);
	c.n -= 5;
	read_cap(&c, NANO, &g);
	CHECK_STR(g.err, "truncated dump file; tried to read 10 captured bytes, only got 5");
	c.n -= 10;
	read_cap(&c, NANO, &g);
	CHECK_STR(g.err, "truncated dump file; tried to read 24 header bytes, only got 19");
	cap_free(&c);
}

/* pcap_bufsize() follows libpcap's buffer: next power of two, <= snaplen. */
static void test_bufsize_growth(void)
{
	struct cap c = le();
	char err[PCAP_ERRBUF_SIZE];
	struct got g;
	pcap_t *p;

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 5000, 1);
	cap_pcap_record(&c, 1, 0, 2049, 2049, NULL);
	cap_pcap_record(&c, 1, 0, 4097, 4097, NULL);
	p = open_cap(&c, MICRO, err);
	CHECK_INT(pcap_bufsize(p), 2048);
	CHECK_INT(pcap_dispatch(p, 1, on_packet, (u_char *)&g), 1);
	CHECK_INT(pcap_bufsize(p), 4096);
	CHECK_INT(pcap_dispatch(p, 1, on_packet, (u_char *)&g), 1);
	CHECK_INT(pcap_bufsize(p), 5000);
	pcap_close(p);
	cap_free(&c);
}

/* ---- read-loop conventions --------------------------------------------- */

static struct cap ten_packets(void)
{
	struct cap c = le();

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 200, 1);
	for (uint32_t i = 0; i < 10; i++)
		cap_pcap_record(&c, i, 0, 20 + 10 * i, 20 + 10 * i, NULL);
	return c;
}

struct breaker {
	pcap_t *p;
	int seen;
	int at;
};

static void break_at(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *data)
{
	struct breaker *b = (struct breaker *)user;

	(void)h, (void)data;
	if (++b->seen == b->at)
		pcap_breakloop(b->p);
}

static void test_dispatch_counts(void)
{
	struct cap c = ten_packets();
	char err[PCAP_ERRBUF_SIZE];
	struct got g = { 0 };
	pcap_t *p = open_cap(&c, MICRO, err);

	CHECK_INT(pcap_dispatch(p, 3, on_packet, (u_char *)&g), 3);
	CHECK_INT(pcap_dispatch(p, 0, on_packet, (u_char *)&g), 7);
	CHECK_INT(g.n, 10);
	CHECK_INT(g.h[9].caplen, 110);
	CHECK_INT(pcap_dispatch(p, -1, on_packet, (u_char *)&g), 0);
	CHECK_INT(pcap_dispatch(p, 5, on_packet, (u_char *)&g), 0);
	pcap_close(p);

	memset(&g, 0, sizeof g);
	p = open_cap(&c, MICRO, err);
	CHECK_INT(pcap_loop(p, 4, on_packet, (u_char *)&g), 0);
	CHECK_INT(g.n, 4);
	CHECK_INT(pcap_loop(p, 100, on_packet, (u_char *)&g), 0);
	CHECK_INT(g.n, 10);
	pcap_close(p);
	cap_free(&c);
}

static void test_breakloop(void)
{
	struct cap c = ten_packets();
	char err[PCAP_ERRBUF_SIZE];
	struct breaker b;
	pcap_t *p = open_cap(&c, MICRO, err);

	b = (struct breaker){ p, 0, 0 };
	/* Pending before the call: taken, nothing read. */
	pcap_breakloop(p);
	CHECK_INT(pcap_dispatch(p, -1, break_at, (u_char *)&b), PCAP_ERROR_BREAK);
	CHECK_INT(b.seen, 0);
	/* From the callback: the count so far, flag left for the next call. */
	b.at = 3;
	CHECK_INT(pcap_dispatch(p, -1, break_at, (u_char *)&b), 3);
	CHECK_INT(pcap_dispatch(p, -1, break_at, (u_char *)&b), PCAP_ERROR_BREAK);
	CHECK_INT(b.seen, 3);
	/* pcap_loop reads on after a count: the pending break ends it. */
	b.at = 5;
	CHECK_INT(pcap_loop(p, -1, break_at, (u_char *)&b), PCAP_ERROR_BREAK);
	CHECK_INT(b.seen, 5);
	CHECK_INT(pcap_loop(p, -1, break_at, (u_char *)&b), 0);
	CHECK_INT(pcap_loop(p, -1, break_at, (u_char *)&b), 0);
	CHECK_INT(b.seen, 10);
	/* The last packet of a count: returned without looking at the flag. */
	pcap_close(p);
	p = open_cap(&c, MICRO, err);
	b = (struct breaker){ p, 0, 2 };
	CHECK_INT(pcap_dispatch(p, 2, break_at, (u_char *)&b), 2);
	CHECK_INT(pcap_dispatch(p, 2, break_at, (u_char *)&b), PCAP_ERROR_BREAK);
	CHECK_INT(b.seen, 2);
	pcap_close(p);
	cap_free(&c);
}

static void test_next_and_next_ex(void)
{
	struct cap c = ten_packets();
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr h, *hp;
	const u_char *data;
	pcap_t *p = open_cap(&c, MICRO, err);
	int n = 0;

	while ((data = pcap_next(p, &h)) != NULL) {
		CHECK_INT(h.caplen, 20 + 10 * n);
		CHECK_INT(data[0], (20 + 10 * n) & 255);
		n++;
	}
	CHECK_INT(n, 10);
	CHECK_INT(pcap_next_ex(p, &hp, &data), PCAP_ERROR_BREAK);
	pcap_close(p);

	p = open_cap(&c, MICRO, err);
	pcap_breakloop(p);
	CHECK_INT(pcap_next_ex(p, &hp, &data), PCAP_ERROR_BREAK);
	CHECK_INT(pcap_next_ex(p, &hp, &data), 1);
	CHECK_INT(hp->caplen, 20);
	pcap_close(p);
	cap_free(&c);
}

static void test_error_after_packets(void)
{
	struct cap c = ten_packets();
	char err[PCAP_ERRBUF_SIZE];
	struct got g = { 0 };
	pcap_t *p;

	c.n -= 3;
	p = open_cap(&c, MICRO, err);
	CHECK_INT(pcap_dispatch(p, -1, on_packet, (u_char *)&g), PCAP_ERROR);
	CHECK_INT(g.n, 9);
	CHECK_STR(pcap_geterr(p), "truncated dump file; tried to read 110 captured bytes, only got 107");
	pcap_close(p);
	p = open_cap(&c, MICRO, err);
	CHECK_INT(pcap_loop(p, -1, on_packet, (u_char *)&g), PCAP_ERROR);
	pcap_close(p);
	cap_free(&c);
}

/* Packets the filter rejects are read but neither delivered nor counted. */
static void test_filter_rejects_do_not_count(void)
{
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 60, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 262144),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_program prog = { 4, insns };
	struct cap c = ten_packets();
	char err[PCAP_ERRBUF_SIZE];
	struct got g = { 0 };
	pcap_t *p = open_cap(&c, MICRO, err);

	CHECK_INT(pcap_setfilter(p, &prog), 0);
	CHECK_INT(pcap_dispatch(p, 2, on_packet, (u_char *)&g), 2);
	CHECK_INT(g.h[0].len, 60);	/* 20, 30, 40, 50 skipped */
	CHECK_INT(g.h[1].len, 70);
	CHECK_INT(pcap_dispatch(p, -1, on_packet, (u_char *)&g), 4);
	CHECK_INT(pcap_dispatch(p, -1, on_packet, (u_char *)&g), 0);
	pcap_close(p);
	cap_free(&c);
}

/* ---- inputs: mapped, stdio, mid-file, > 4 GiB, stdin ----------------- */

/* The same packets however the bytes arrive. */
static void check_three(const struct got *g)
{
	CHECK_INT(g->n, 3);
	CHECK_INT(g->status, PCAP_ERROR_BREAK);
	CHECK_INT(g->h[0].caplen, 60);
	CHECK_INT(g->h[1].len, 1500);
	CHECK_INT(g->h[2].ts.tv_sec, 102);
	CHECK_INT(g->copy[2][3], (21 + 20) & 255);
}

static void test_pipe_input(void)
{
	struct cap c = three_packets(true, CAP_MAGIC_USEC);
	int fds[2];
	char err[PCAP_ERRBUF_SIZE];
	pid_t child;
	pcap_t *p;
	struct got g;
	struct pcap_pkthdr *h;
	const u_char *data;

	CHECK_INT(pipe(fds), 0);
	child = fork();
	if (child == 0) {
		close(fds[0]);
		/* Dribble the bytes so records arrive in pieces. */
		for (size_t i = 0; i < c.n; i += 7) {
			size_t k = c.n - i < 7 ? c.n - i : 7;

			if (write(fds[1], c.b + i, k) != (ssize_t)k)
				_exit(1);
			usleep(100);
		}
		_exit(0);
	}
	close(fds[1]);
	p = pcap_fopen_offline(fdopen(fds[0], "rb"), err);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_is_swapped(p), 1);
		CHECK_INT(pcap_get_selectable_fd(p), fds[0]);
		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(data[1], (7 + 60) & 255);
		next_all(p, &g);
		CHECK_INT(g.n, 2);
		CHECK_INT(g.h[1].caplen, 20);
		pcap_close(p);
	}
	waitpid(child, NULL, 0);
	cap_free(&c);
}

static void test_fmemopen_input(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	char err[PCAP_ERRBUF_SIZE];
	FILE *f = fmemopen(c.b, c.n, "rb");
	struct got g;
	pcap_t *p = pcap_fopen_offline(f, err);

	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(pcap_get_selectable_fd(p), -1);
		next_all(p, &g);
		check_three(&g);
		pcap_close(p);
	}
	/* Truncation through stdio gives the same messages. */
	f = fmemopen(c.b, c.n - 3, "rb");
	p = pcap_fopen_offline(f, err);
	next_all(p, &g);
	CHECK_STR(g.err, "truncated dump file; tried to read 20 captured bytes, only got 17");
	pcap_close(p);
	cap_free(&c);
}

/* A FILE already read into: the savefile starts where it stands. */
static void test_file_positioned_mid_file(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	struct cap padded = le();
	char err[PCAP_ERRBUF_SIZE];
	unsigned char junk[5000];
	FILE *f;
	pcap_t *p;
	struct got g;

	memset(junk, 0xEE, sizeof junk);
	cap_bytes(&padded, junk, sizeof junk);	/* not page-aligned */
	cap_bytes(&padded, c.b, c.n);
	f = fopen(write_cap(&padded), "rb");
	CHECK_INT(fread(junk, 1, 4997, f), 4997);	/* buffered past it */
	CHECK_INT(fgetc(f), 0xEE);
	CHECK_INT(fgetc(f), 0xEE);
	CHECK_INT(fgetc(f), 0xEE);
	p = pcap_fopen_offline(f, err);
	CHECK(p != NULL);
	if (p != NULL) {
		next_all(p, &g);
		check_three(&g);
		pcap_close(p);
	}
	cap_free(&c);
	cap_free(&padded);
}

/* Beyond 4 GiB: a sparse file whose savefile starts at 4.5 GiB + 3. */
static void test_offset_beyond_4gib(void)
{
	struct cap c = three_packets(true, CAP_MAGIC_NSEC);
	const off_t at = (off_t)9 << 29 | 3;
	char err[PCAP_ERRBUF_SIZE];
	const char *path = write_cap(&(struct cap){ 0 });
	int fd = open(path, O_WRONLY);
	FILE *f;
	pcap_t *p;
	struct got g;

	CHECK(fd >= 0);
	if (pwrite(fd, c.b, c.n, at) != (ssize_t)c.n) {
		/* The file system cannot hold it: nothing to test here. */
		close(fd);
		unlink(path);
		cap_free(&c);
		return;
	}
	close(fd);
	f = fopen(path, "rb");
	CHECK_INT(fseeko(f, at, SEEK_SET), 0);
	p = pcap_fopen_offline_with_tstamp_precision(f, MICRO, err);
	CHECK(p != NULL);
	if (p != NULL) {
		next_all(p, &g);
		check_three(&g);
		CHECK_INT(g.h[2].ts.tv_usec, 0);	/* 3 ns */
		pcap_close(p);
	}
	unlink(path);
	cap_free(&c);
}

/* A file that grows after it was opened is read as far as it has grown. */
static void test_file_growing_while_read(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	struct cap more = le();
	char err[PCAP_ERRBUF_SIZE];
	char path[128];
	struct got g = { 0 };
	pcap_t *p;
	FILE *f;

	snprintf(path, sizeof path, "%s", write_cap(&c));
	p = pcap_open_offline(path, err);
	CHECK_INT(pcap_dispatch(p, 1, on_packet, (u_char *)&g), 1);
	cap_pcap_record(&more, 200, 0, 33, 33, NULL);
	f = fopen(path, "ab");
	fwrite(more.b, 1, more.n, f);
	fclose(f);
	CHECK_INT(pcap_dispatch(p, -1, on_packet, (u_char *)&g), 3);
	CHECK_INT(g.n, 4);
	CHECK_INT(g.h[3].caplen, 33);
	CHECK_INT(g.copy[3][0], 33);
	pcap_close(p);
	cap_free(&c);
	cap_free(&more);
}

/* A big file cut short after it was opened: an error, as with stdio. */
static void test_file_truncated_while_read(void)
{
	struct cap c = le();
	char err[PCAP_ERRBUF_SIZE];
	const off_t cut = (12 << 20) + 37;
	const long rec = 16 + 1000;
	struct got g;
	pcap_t *p;
	int fd;

	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 2000, 1);
	for (int i = 0; i < 20 * 1024; i++)
		cap_pcap_record(&c, (uint32_t)i, 0, 1000, 1000, NULL);
	p = open_cap(&c, MICRO, err);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	fd = open(path_buf, O_WRONLY);
	CHECK_INT(ftruncate(fd, cut), 0);
	close(fd);
	next_all(p, &g);
	CHECK_INT(g.status, PCAP_ERROR);
	CHECK_INT(pcap_dispatch(p, -1, NULL, NULL), 0);
	{
		char want[PCAP_ERRBUF_SIZE];
		long r = (long)((cut - 24) % rec);

		snprintf(want, sizeof want,
			 "truncated dump file; tried to read 1000 captured bytes, only got %ld",
			 r - 16);
		CHECK(r > 16);
		CHECK_STR(g.err, want);
	}
	pcap_close(p);
	cap_free(&c);
}

static void test_stdin_input(void)
{
	struct cap c = three_packets(true, CAP_MAGIC_USEC);
	const char *path = write_cap(&c);
	int status = -1;
	pid_t child = fork();

	if (child == 0) {
		char err[PCAP_ERRBUF_SIZE];
		int fd = open(path, O_RDONLY);
		struct got g;
		pcap_t *p;

		if (fd < 0 || dup2(fd, 0) != 0)
			_exit(2);
		p = pcap_open_offline("-", err);
		if (p == NULL || pcap_file(p) != stdin)
			_exit(3);
		next_all(p, &g);
		pcap_close(p);
		/* stdin is not closed with the handle. */
		if (fcntl(0, F_GETFD) < 0 || g.n != 3 || g.h[2].caplen != 20)
			_exit(4);
		/* A second handle goes on where the first one stopped. */
		rewind(stdin);
		p = pcap_open_offline("-", err);
		if (p == NULL || pcap_next_ex(p, &g.hp, &g.dp) != 1)
			_exit(5);
		pcap_close(p);
		if (ftello(stdin) != 24 + 16 + 60)
			_exit(6);
		_exit(0);
	}
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	cap_free(&c);
}

/* ---- pseudo-header fix-ups --------------------------------------------- */

static uint32_t host32(const u_char *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

static uint16_t host16(const u_char *b)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return v;
}

/* A memory-mapped Linux USB header (64 bytes) plus isochronous descriptors. */
static void usb_packet(struct cap *c, uint8_t transfer, uint32_t ndesc,
		       uint32_t urb_len)
{
	cap_u64(c, 0x0102030405060708ull);
	cap_u8(c, 'C');
	cap_u8(c, transfer);
	cap_u8(c, 0x81);
	cap_u8(c, 4);
	cap_u16(c, 0x0203);
	cap_u8(c, 0);
	cap_u8(c, 0);
	cap_u64(c, 1000);
	cap_u32(c, 2000);
	cap_u32(c, 0xfffffffe);
	cap_u32(c, urb_len);
	cap_u32(c, 96);
	cap_u32(c, 0x11);
	cap_u32(c, ndesc);
	cap_u32(c, 8);
	cap_u32(c, 9);
	cap_u32(c, 10);
	cap_u32(c, ndesc);
	for (uint32_t i = 0; i < ndesc; i++) {
		cap_u32(c, 0);
		cap_u32(c, 100 * i);		/* offset */
		cap_u32(c, 40 + i);		/* len */
		cap_u32(c, 0);
	}
}

static void test_usb_mmapped_swapped(void)
{
	struct cap c = be(), pkt = be();
	struct got g;
	const u_char *d;

	usb_packet(&pkt, 0, 2, 500);
	cap_pattern(&pkt, 8, 1);
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_USB_LINUX_MMAPPED);
	cap_pcap_record(&c, 1, 1, (uint32_t)pkt.n, 64 + 32 + 500, pkt.b);
	cap_pcap_record(&c, 1, 2, 34, 34, pkt.b);	/* cut inside urb_len */
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 2);
	d = g.copy[0];
	CHECK(memcmp(d, &(uint64_t){ 0x0102030405060708ull }, 8) == 0);
	CHECK_INT(host16(d + 12), 0x0203);
	CHECK_INT(host32(d + 28), 0xfffffffe);
	CHECK_INT(host32(d + 60), 2);
	CHECK_INT(host32(d + 64 + 16 + 4), 100);	/* descriptor 1 offset */
	CHECK_INT(host32(d + 64 + 16 + 8), 41);
	/* Length from the descriptors: 64 + 2 * 16 + (100 + 41). */
	CHECK_INT(g.h[0].len, 64 + 32 + 141);
	CHECK_INT(g.h[0].caplen, pkt.n);
	/* The cut one: swapped as far as it goes, the rest left alone. */
	CHECK_INT(host32(g.copy[1] + 28), 0xfffffffe);
	CHECK_INT(g.copy[1][32], 0x00);	/* urb_len 500, big-endian */
	CHECK_INT(g.copy[1][33], 0x00);
	CHECK_INT(g.h[1].len, 34);
	cap_free(&c);
	cap_free(&pkt);
}

static void test_usb_mmapped_native_length_fix(void)
{
	struct cap c = le(), pkt = le();
	struct got g;

	usb_packet(&pkt, 0, 3, 1000);
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_USB_LINUX_MMAPPED);
	cap_pcap_record(&c, 1, 1, (uint32_t)pkt.n, 64 + 48 + 1000, pkt.b);
	cap_pcap_record(&c, 1, 2, (uint32_t)pkt.n, 999, pkt.b);	/* no fix */
	pkt.b[9] = 3;	/* bulk: never fixed */
	cap_pcap_record(&c, 1, 3, (uint32_t)pkt.n, 64 + 48 + 1000, pkt.b);
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 3);
	CHECK_INT(g.h[0].len, 64 + 48 + 242);
	CHECK_INT(g.h[1].len, 999);
	CHECK_INT(g.h[2].len, 64 + 48 + 1000);
	CHECK_INT(host32(g.copy[0] + 60), 3);	/* bytes untouched */
	cap_free(&c);
	cap_free(&pkt);
}

static void test_usb_linux_swapped(void)
{
	struct cap c = be(), pkt = be();
	struct got g;

	usb_packet(&pkt, 3, 0, 10);	/* bulk, 48-byte header */
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_USB_LINUX);
	cap_pcap_record(&c, 1, 1, 64, 64, pkt.b);
	read_cap(&c, MICRO, &g);
	CHECK_INT(host32(g.copy[0] + 36), 96);
	CHECK_INT(host32(g.copy[0] + 40), 0x11000000);	/* setup: as is */
	CHECK_INT(host32(g.copy[0] + 48), 0x08000000);	/* no 64-byte tail */
	cap_free(&c);
	cap_free(&pkt);
}

static void test_sll_can_swapped(void)
{
	struct cap c = be(), pkt = be();
	struct got g;
	const u_char proto_can[2] = { 0x00, 0x0C }, proto_ip[2] = { 0x08, 0 };

	cap_zeros(&pkt, 14);
	cap_bytes(&pkt, proto_can, 2);
	cap_u32(&pkt, 0x80000123);
	cap_zeros(&pkt, 14);
	cap_bytes(&pkt, proto_ip, 2);
	cap_u32(&pkt, 0x80000123);
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_LINUX_SLL);
	cap_pcap_record(&c, 1, 1, 20, 20, pkt.b);
	cap_pcap_record(&c, 1, 2, 20, 20, pkt.b + 20);
	cap_pcap_record(&c, 1, 3, 19, 20, pkt.b);	/* ID cut: as is */
	cap_pcap_record(&c, 1, 4, 20, 19, pkt.b);	/* len too: as is */
	read_cap(&c, MICRO, &g);
	CHECK_INT(g.n, 4);
	CHECK_INT(host32(g.copy[0] + 16), 0x80000123);
	CHECK_INT(host32(g.copy[1] + 16), 0x23010080);
	CHECK_INT(g.copy[2][16], 0x80);
	CHECK_INT(host32(g.copy[3] + 16), 0x23010080);
	cap_free(&c);
	cap_free(&pkt);
}

static void test_nflog_swapped(void)
{
	struct cap c = be(), pkt = be();
	struct got g;

	cap_u8(&pkt, 2);
	cap_u8(&pkt, 0);
	cap_u16(&pkt, 0x0001);
	cap_u16(&pkt, 8);		/* TLV length */
	cap_u16(&pkt, 1);		/* type */
	cap_u32(&pkt, 0xaabbccdd);	/* value: left alone */
	cap_u16(&pkt, 5);		/* padded to 8 */
	cap_u16(&pkt, 2);
	cap_u32(&pkt, 0);
	cap_u16(&pkt, 0);		/* shorter than a TLV: stop */
	cap_u16(&pkt, 3);
	cap_u16(&pkt, 9);		/* never reached */
	cap_u16(&pkt, 4);
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_NFLOG);
	cap_pcap_record(&c, 1, 1, (uint32_t)pkt.n, (uint32_t)pkt.n, pkt.b);
	read_cap(&c, MICRO, &g);
	CHECK_INT(host16(g.copy[0] + 2), 0x0100);	/* header: big-endian */
	CHECK_INT(host16(g.copy[0] + 4), 8);
	CHECK_INT(host16(g.copy[0] + 6), 1);
	CHECK_INT(host32(g.copy[0] + 8), 0xddccbbaa);
	CHECK_INT(host16(g.copy[0] + 12), 5);
	CHECK_INT(host16(g.copy[0] + 22), 3);
	CHECK_INT(host16(g.copy[0] + 24), 0x0900);
	cap_free(&c);
	cap_free(&pkt);
}

static void test_pflog_swapped(void)
{
	struct cap c = be(), pkt = be();
	struct got g;

	cap_u8(&pkt, 52);		/* header length: uid, pid only */
	cap_zeros(&pkt, 43);
	cap_u32(&pkt, 1000);
	cap_u32(&pkt, 2000);
	cap_u32(&pkt, 3000);
	cap_u32(&pkt, 4000);
	cap_pcap_header(&c, CAP_MAGIC_USEC, 2, 4, 65535, DLT_PFLOG);
	cap_pcap_record(&c, 1, 1, (uint32_t)pkt.n, (uint32_t)pkt.n, pkt.b);
	read_cap(&c, MICRO, &g);
	CHECK_INT(host32(g.copy[0] + 44), 1000);
	CHECK_INT(host32(g.copy[0] + 48), 2000);
	CHECK_INT(host32(g.copy[0] + 52), 0xb80b0000);	/* not in header */
	cap_free(&c);
	cap_free(&pkt);
}

/* Other link types and native files: the bytes of the file, not a copy. */
static void test_zero_copy_from_map(void)
{
	struct cap c = three_packets(false, CAP_MAGIC_USEC);
	struct got g;
	const u_char *first, *second;

	read_cap(&c, MICRO, &g);
	first = g.data[0];
	second = g.data[1];
	/* Consecutive records: data 16 bytes of header apart, in one map. */
	CHECK(second == first + 60 + 16);
	cap_free(&c);

	/* Also for a FILE standing mid-file, off any page boundary. */
	{
		struct cap padded = le();
		char err[PCAP_ERRBUF_SIZE];
		FILE *f;
		pcap_t *p;

		c = three_packets(true, CAP_MAGIC_USEC);
		cap_zeros(&padded, 4099);
		cap_bytes(&padded, c.b, c.n);
		f = fopen(write_cap(&padded), "rb");
		CHECK_INT(fseek(f, 4099, SEEK_SET), 0);
		p = pcap_fopen_offline(f, err);
		CHECK(p != NULL);
		if (p != NULL) {
			next_all(p, &g);
			CHECK_INT(g.n, 3);
			CHECK(g.data[1] == g.data[0] + 60 + 16);
			CHECK(g.data[2] == g.data[1] + 100 + 16);
			pcap_close(p);
		}
		cap_free(&c);
		cap_free(&padded);
	}
}

/* ---- damage ------------------------------------------------------------- */

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random bytes changed in valid files: read to the end, never crash. */
static void test_random_damage(void)
{
	uint32_t seed = 12345;
	struct cap base = be(), pkt = be();

	usb_packet(&pkt, 0, 3, 100);
	cap_pcap_header(&base, CAP_MAGIC_USEC, 2, 3, 300, DLT_USB_LINUX_MMAPPED);
	for (int i = 0; i < 6; i++)
		cap_pcap_record(&base, 1, (uint32_t)i, (uint32_t)pkt.n,
				(uint32_t)pkt.n + 100, pkt.b);
	for (int round = 0; round < 3000; round++) {
		struct cap v = base;
		unsigned char *copy = malloc(base.n);
		struct got g;
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p;

		memcpy(copy, base.b, base.n);
		v.b = copy;
		for (int k = 0; k < 3; k++)
			copy[rng(&seed) % base.n] = (unsigned char)rng(&seed);
		v.n = rng(&seed) % 4 == 0 ? rng(&seed) % base.n : base.n;
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
	cap_free(&pkt);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-savefile.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;

	RUN(test_short_and_unknown_files);
	RUN(test_read_errors);
	RUN(test_truncated_file_header);
	RUN(test_versions);
	RUN(test_bad_precision);
	RUN(test_header_fields);
	RUN(test_handle_state);
	RUN(test_records_both_orders);
	RUN(test_precision_scaling);
	RUN(test_timestamp_signedness);
	RUN(test_old_versions_swap_lengths);
	RUN(test_caplen_beyond_snaplen);
	RUN(test_caplen_beyond_maximum);
	RUN(test_truncated_records);
	RUN(test_reading_on_after_error);
	RUN(test_kuznetzov_records);
	RUN(test_bufsize_growth);
	RUN(test_dispatch_counts);
	RUN(test_breakloop);
	RUN(test_next_and_next_ex);
	RUN(test_error_after_packets);
	RUN(test_filter_rejects_do_not_count);
	RUN(test_pipe_input);
	RUN(test_fmemopen_input);
	RUN(test_file_positioned_mid_file);
	RUN(test_offset_beyond_4gib);
	RUN(test_file_growing_while_read);
	RUN(test_file_truncated_while_read);
	RUN(test_stdin_input);
	RUN(test_usb_mmapped_swapped);
	RUN(test_usb_mmapped_native_length_fix);
	RUN(test_usb_linux_swapped);
	RUN(test_sll_can_swapped);
	RUN(test_nflog_swapped);
	RUN(test_pflog_swapped);
	RUN(test_zero_copy_from_map);
	RUN(test_random_damage);

	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	CHECK_EXIT();
}
