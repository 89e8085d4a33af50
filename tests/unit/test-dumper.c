/*
 * test-dumper.c: the savefile writers (pcap-compat/dumper.c) -- the exact
 * header and record bytes, offsets and flushing, the append checks with
 * libpcap's messages, and stdio staying usable beside the dumper.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcap-compat/linktype.h"
#include "pcap-compat/pcap-int.h"
#include "tests/unit/check.h"

#define MICRO PCAP_TSTAMP_PRECISION_MICRO
#define NANO PCAP_TSTAMP_PRECISION_NANO

static char dir[64];
static char path_buf[128];

/* A fresh name in the test's own directory (the file is removed first). */
static const char *tmp_path(const char *name)
{
	snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
	unlink(path_buf);
	return path_buf;
}

static unsigned char file_buf[8 << 20];

/* Whole file into file_buf; its size, or -1 if it cannot be read. */
static long slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(file_buf, 1, sizeof file_buf, f);
	fclose(f);
	return (long)n;
}

static void put_bytes(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_INT(fwrite(b, 1, n, f), n);
	fclose(f);
}

static void put32(unsigned char *at, uint32_t v)
{
	memcpy(at, &v, 4);	/* files are written in host byte order */
}

static uint32_t get32(const unsigned char *at)
{
	uint32_t v;

	memcpy(&v, at, 4);
	return v;
}

/* The 24 bytes of a savefile header, as a host-order writer lays them. */
static void header_bytes(unsigned char h[24], uint32_t magic, uint16_t major,
			 uint16_t minor, uint32_t snaplen, uint32_t linktype)
{
	memset(h, 0, 24);
	put32(h, magic);
	memcpy(h + 4, &major, 2);
	memcpy(h + 6, &minor, 2);
	put32(h + 16, snaplen);
	put32(h + 20, linktype);
}

/* The header libpcap writes: version 2.4, zone and sigfigs 0. */
static void expected_header(unsigned char h[24], uint32_t magic,
			    uint32_t snaplen, uint32_t linktype)
{
	header_bytes(h, magic, 2, 4, snaplen, linktype);
}

static pcap_t *dead(int dlt, int snaplen, u_int precision)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(dlt, snaplen, precision);

	if (p == NULL) {
		fprintf(stderr, "pcap_open_dead failed\n");
		exit(2);
	}
	return p;
}

/* Open path, close at once, and check the file is exactly that header. */
static void check_header_written(pcap_t *p, uint32_t magic, uint32_t snaplen,
				 uint32_t linktype)
{
	const char *path = tmp_path("hdr.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);
	unsigned char want[24];

	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK_INT(pcap_dump_ftell(d), 24);
	pcap_dump_close(d);
	expected_header(want, magic, snaplen, linktype);
	CHECK_INT(slurp(path), 24);
	CHECK(memcmp(file_buf, want, 24) == 0);
}

static void header_micro(void)
{
	static const unsigned char literal_le[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
	};
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);

	check_header_written(p, 0xa1b2c3d4, 65535, 1);
	if (get32(literal_le) == 0xa1b2c3d4)	/* little-endian host */
		CHECK(memcmp(file_buf, literal_le, 24) == 0);
	pcap_close(p);
}

static void header_nano(void)
{
	pcap_t *p = dead(DLT_EN10MB, 262144, NANO);

	check_header_written(p, 0xa1b23c4d, 262144, 1);
	pcap_close(p);
}

static void header_odd_snaplen_written_as_is(void)
{
	pcap_t *p = dead(DLT_NULL, -1, MICRO);

	check_header_written(p, 0xa1b2c3d4, 0xffffffff, 0);
	pcap_close(p);
}

static void header_linktype_remapped(void)
{
	static const struct { int dlt; uint32_t file; } cases[] = {
		{ DLT_RAW, 101 }, { DLT_C_HDLC, 104 }, { DLT_PPP_SERIAL, 50 },
		{ DLT_ATM_RFC1483, 100 }, { DLT_LINUX_SLL, 113 },
		{ DLT_PFSYNC, 246 }, { DLT_IEEE802_11_RADIO, 127 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pcap_t *p = dead(cases[i].dlt, 96, MICRO);

		check_header_written(p, 0xa1b2c3d4, 96, cases[i].file);
		pcap_close(p);
	}
}

static void header_fcs_bits_from_linktype_ext(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	FILE *f;
	pcap_dumper_t *d;
	unsigned char want[24];

	p->linktype_ext = LT_FCS_DATALINK_EXT(4);
	check_header_written(p, 0xa1b2c3d4, 65535, 0x44000001);

	/* pcap_dump_fopen adds them too. */
	f = fopen(tmp_path("fcs-fopen.pcap"), "wb");
	CHECK(f != NULL);
	d = pcap_dump_fopen(p, f);
	CHECK((FILE *)d == f);
	if (d != NULL)
		pcap_dump_close(d);
	CHECK_INT(slurp(path_buf), 24);
	CHECK_INT(get32(file_buf + 20), 0x44000001);

	/* libpcap's append writes (and compares) the bare link type. */
	d = pcap_dump_open_append(p, tmp_path("fcs-append.pcap"));
	CHECK(d != NULL);
	if (d != NULL)
		pcap_dump_close(d);
	expected_header(want, 0xa1b2c3d4, 65535, 1);
	CHECK_INT(slurp(path_buf), 24);
	CHECK(memcmp(file_buf, want, 24) == 0);
	pcap_close(p);
}

static void unsupported_dlt_messages(void)
{
	pcap_t *p = dead(300, 65535, MICRO);
	const char *path = tmp_path("never.pcap");

	CHECK(pcap_dump_open(p, path) == NULL);
	CHECK(strstr(pcap_geterr(p),
		     ": link-layer type 300 isn't supported in savefiles") != NULL);
	CHECK(strncmp(pcap_geterr(p), path, strlen(path)) == 0);
	CHECK(access(path, F_OK) != 0);	/* refused before creating it */

	CHECK(pcap_dump_fopen(p, stdout) == NULL);
	CHECK_STR(pcap_geterr(p),
		  "stream: link-layer type 300 isn't supported in savefiles");

	/* libpcap's append message shows the failed mapping, not the DLT. */
	CHECK(pcap_dump_open_append(p, "x.pcap") == NULL);
	CHECK_STR(pcap_geterr(p),
		  "x.pcap: link-layer type -1 isn't supported in savefiles");
	pcap_close(p);
}

static void null_file_name(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);

	CHECK(pcap_dump_open(p, NULL) == NULL);
	CHECK_STR(pcap_geterr(p), "A null pointer was supplied as the file name");
	strcpy(p->errbuf, "stale");
	CHECK(pcap_dump_open_append(p, NULL) == NULL);
	CHECK_STR(pcap_geterr(p), "A null pointer was supplied as the file name");
	pcap_close(p);
}

static void not_activated_handle(void)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create("any", err);
	const char *path;
	FILE *f;
	pcap_dumper_t *d;
	unsigned char want[24];

	CHECK(p != NULL);
	if (p == NULL)
		return;
	path = tmp_path("unactivated.pcap");
	CHECK(pcap_dump_open(p, path) == NULL);
	CHECK(strstr(pcap_geterr(p),
		     ": not-yet-activated pcap_t passed to pcap_dump_open") != NULL);
	CHECK(access(path, F_OK) != 0);

	/* pcap_dump_fopen does not check: it writes what the handle holds. */
	CHECK_INT(pcap_set_snaplen(p, 1234), 0);
	f = fopen(path, "wb");
	d = pcap_dump_fopen(p, f);
	CHECK(d != NULL);
	if (d != NULL)
		pcap_dump_close(d);
	expected_header(want, 0xa1b2c3d4, 1234, 0);
	CHECK_INT(slurp(path), 24);
	CHECK(memcmp(file_buf, want, 24) == 0);
	pcap_close(p);
}

static void open_errors(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	FILE *f;
	int fd;

	CHECK(pcap_dump_open(p, "/nonexistent-accel-dir/x.pcap") == NULL);
	CHECK_STR(pcap_geterr(p),
		  "/nonexistent-accel-dir/x.pcap: No such file or directory");
	CHECK(pcap_dump_open(p, dir) == NULL);
	CHECK(strstr(pcap_geterr(p), ": Is a directory") != NULL);

	/* A header that cannot be written: the stream is closed for us. */
	f = fopen(tmp_path("ro.pcap"), "w");
	fclose(f);
	f = fopen(path_buf, "r");
	fd = fileno(f);
	CHECK(pcap_dump_fopen(p, f) == NULL);
	CHECK_STR(pcap_geterr(p), "Can't write to stream: Bad file descriptor");
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);

	f = fopen("/dev/full", "w");
	if (f != NULL) {
		setvbuf(f, NULL, _IONBF, 0);
		CHECK(pcap_dump_fopen(p, f) == NULL);
		CHECK_STR(pcap_geterr(p),
			  "Can't write to stream: No space left on device");
	}
	pcap_close(p);
}

static void dump_one(pcap_dumper_t *d, long long sec, long sub,
		     uint32_t caplen, uint32_t len)
{
	static _Thread_local u_char data[70000];	/* threads fill their own */
	struct pcap_pkthdr h = { .caplen = caplen, .len = len };

	for (size_t k = 0; k < caplen && k < sizeof data; k++)
		data[k] = (u_char)(k * 3 + caplen);
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = sub;
	pcap_dump((u_char *)d, &h, data);
}

/* The record at file_buf + off; returns the offset of the next one. */
static long check_record(long off, int32_t sec, int32_t sub, uint32_t caplen,
			 uint32_t len)
{
	CHECK_INT((int32_t)get32(file_buf + off), sec);
	CHECK_INT((int32_t)get32(file_buf + off + 4), sub);
	CHECK_INT(get32(file_buf + off + 8), caplen);
	CHECK_INT(get32(file_buf + off + 12), len);
	for (uint32_t k = 0; k < caplen; k++)
		if (file_buf[off + 16 + k] != (u_char)(k * 3 + caplen)) {
			CHECK(!"packet bytes differ");
			break;
		}
	return off + 16 + caplen;
}

static void records_micro(void)
{
	pcap_t *p = dead(DLT_EN10MB, 262144, MICRO);
	const char *path = tmp_path("rec.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);
	long off = 24;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	dump_one(d, 1700000000, 999999, 60, 60);
	dump_one(d, 0x80000000LL, 0, 14, 1514);	/* seconds wrap to int32 */
	dump_one(d, 0x100000007LL, 1, 0, 0);
	dump_one(d, -1, 500000, 65536, 70000);
	pcap_dump_close(d);
	CHECK_INT(slurp(path), 24 + 4 * 16 + 60 + 14 + 0 + 65536);
	off = check_record(off, 1700000000, 999999, 60, 60);
	off = check_record(off, INT32_MIN, 0, 14, 1514);
	off = check_record(off, 7, 1, 0, 0);
	off = check_record(off, -1, 500000, 65536, 70000);
	CHECK_INT(off, 24 + 4 * 16 + 60 + 14 + 65536);
	pcap_close(p);
}

static void records_nano(void)
{
	pcap_t *p = dead(DLT_RAW, 65535, NANO);
	const char *path = tmp_path("rec-ns.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);
	long off = 24;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	dump_one(d, 1, 999999999, 20, 40);
	dump_one(d, 2, 1000000000, 3, 3);	/* out of range: stored as is */
	pcap_dump_close(d);
	CHECK_INT(slurp(path), 24 + 2 * 16 + 20 + 3);
	CHECK_INT(get32(file_buf), 0xa1b23c4d);
	CHECK_INT(get32(file_buf + 20), 101);
	off = check_record(off, 1, 999999999, 20, 40);
	off = check_record(off, 2, 1000000000, 3, 3);
	CHECK_INT(off, 24 + 2 * 16 + 23);
	pcap_close(p);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void ftell_and_flush(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	const char *path = tmp_path("ftell.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);

	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK_INT(pcap_dump_ftell(d), 24);
	CHECK_INT(pcap_dump_ftell64(d), 24);
	dump_one(d, 1, 2, 60, 100);
	CHECK_INT(pcap_dump_ftell(d), 100);
	dump_one(d, 1, 3, 1514, 1514);
	CHECK_INT(pcap_dump_ftell64(d), 100 + 16 + 1514);
	/* Buffered until flushed: nothing reached the file yet. */
	CHECK_INT(file_size(path), 0);
	CHECK_INT(pcap_dump_flush(d), 0);
	CHECK_INT(file_size(path), 1630);
	CHECK(pcap_dump_file(d) == (FILE *)d);
	pcap_dump_close(d);
	CHECK_INT(file_size(path), 1630);
	pcap_close(p);
}

/* After a write error nothing more is written, and flush reports it. */
static void stream_error_stops_writing(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	FILE *f = fopen("/dev/full", "w");
	pcap_dumper_t *d;
	long before;

	if (f == NULL)
		return;
	d = pcap_dump_fopen(p, f);	/* header only buffered: succeeds */
	CHECK(d != NULL);
	if (d == NULL)
		return;
	dump_one(d, 1, 1, 60, 60);
	CHECK_INT(pcap_dump_flush(d), -1);
	CHECK(ferror(f));
	before = pcap_dump_ftell(d);
	dump_one(d, 2, 2, 60, 60);
	CHECK_INT(pcap_dump_ftell(d), before);
	pcap_dump_close(d);
	pcap_close(p);
}

/* The dumper is the FILE: the program may write and flush it directly. */
static void stdio_beside_dumper(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	const char *path = tmp_path("mixed.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);
	FILE *f = pcap_dump_file(d);

	CHECK(d != NULL);
	if (d == NULL)
		return;
	dump_one(d, 1, 1, 4, 4);
	CHECK(fputs("MARK", f) >= 0);
	CHECK_INT(fflush(f), 0);
	CHECK_INT(file_size(path), 24 + 20 + 4);
	dump_one(d, 2, 2, 5, 5);
	pcap_dump_close(d);
	CHECK_INT(slurp(path), 24 + 20 + 4 + 21);
	CHECK(memcmp(file_buf + 44, "MARK", 4) == 0);
	check_record(48, 2, 2, 5, 5);
	pcap_close(p);
}

/* --- appending ---------------------------------------------------------- */

static void append_missing_and_empty(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, NANO);
	unsigned char want[24];
	pcap_dumper_t *d;

	expected_header(want, 0xa1b23c4d, 65535, 1);
	d = pcap_dump_open_append(p, tmp_path("missing.pcap"));
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(pcap_dump_ftell(d), 24);
		dump_one(d, 1, 5, 10, 10);
		pcap_dump_close(d);
	}
	CHECK_INT(slurp(path_buf), 24 + 26);
	CHECK(memcmp(file_buf, want, 24) == 0);
	check_record(24, 1, 5, 10, 10);

	put_bytes(tmp_path("empty.pcap"), "", 0);
	d = pcap_dump_open_append(p, path_buf);
	CHECK(d != NULL);
	if (d != NULL)
		pcap_dump_close(d);
	CHECK_INT(slurp(path_buf), 24);
	CHECK(memcmp(file_buf, want, 24) == 0);
	pcap_close(p);
}

static void append_matching_file(void)
{
	pcap_t *p = dead(DLT_RAW, 65535, MICRO);
	const char *path = tmp_path("match.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);

	CHECK(d != NULL);
	if (d == NULL)
		return;
	dump_one(d, 1, 1, 30, 30);
	pcap_dump_close(d);

	d = pcap_dump_open_append(p, path);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK_INT(pcap_dump_ftell(d), 24 + 46);	/* positioned at the end */
	dump_one(d, 2, 2, 7, 9);
	pcap_dump_close(d);
	CHECK_INT(slurp(path), 24 + 46 + 23);
	CHECK_INT(get32(file_buf + 20), 101);
	check_record(check_record(24, 1, 1, 30, 30), 2, 2, 7, 9);
	pcap_close(p);
}

/* Append to a file holding these header bytes; the file must survive. */
static void check_refused(pcap_t *p, const void *bytes, size_t n,
			  const char *why)
{
	const char *path = tmp_path("refuse.pcap");
	char want[PCAP_ERRBUF_SIZE];

	put_bytes(path, bytes, n);
	snprintf(want, sizeof want, "%s: %s", path, why);
	CHECK(pcap_dump_open_append(p, path) == NULL);
	CHECK_STR(pcap_geterr(p), want);
	CHECK_INT(file_size(path), n);
}

static void check_refused_header(pcap_t *p, uint32_t magic, uint16_t major,
				 uint16_t minor, uint32_t snaplen,
				 uint32_t linktype, const char *why)
{
	unsigned char h[24];

	header_bytes(h, magic, major, minor, snaplen, linktype);
	check_refused(p, h, 24, why);
}

static void append_refusals(void)
{
	pcap_t *us = dead(DLT_EN10MB, 65535, MICRO);
	pcap_t *ns = dead(DLT_EN10MB, 65535, NANO);
	static const unsigned char pcapng_shb[28] = {
		0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
		1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		28, 0, 0, 0,
	};
	static const char garbage[] = "neither pcap nor pcapng, just words";

	check_refused_header(us, 0xa1b2c3d4, 2, 4, 65535, 113,
			     "different linktype, cannot append to file");
	check_refused_header(us, 0xa1b2c3d4, 2, 4, 96, 1,
			     "different snaplen, cannot append to file");
	check_refused_header(ns, 0xa1b2c3d4, 2, 4, 65535, 1,
			     "different time stamp precision, cannot append to file");
	check_refused_header(us, 0xa1b23c4d, 2, 4, 65535, 1,
			     "different time stamp precision, cannot append to file");
	check_refused_header(us, 0xd4c3b2a1, 2, 4, 65535, 1,
			     "different byte order, cannot append to file");
	check_refused_header(ns, 0x4d3cb2a1, 2, 4, 65535, 1,
			     "different byte order, cannot append to file");
	check_refused_header(us, 0xa1b2cd34, 2, 4, 65535, 1,
			     "not a pcap file to which we can append");
	check_refused_header(us, 0x4d3c2ba1, 2, 4, 65535, 1,
			     "not a pcap file to which we can append");
	check_refused_header(us, 0xa1b234cd, 2, 4, 65535, 1, "not a pcap file");
	check_refused_header(us, 0xa1b2c3d4, 2, 3, 65535, 1,
			     "version is 2.3, cannot append to file");
	/* The FCS bits make it a different link type to libpcap's append. */
	check_refused_header(us, 0xa1b2c3d4, 2, 4, 65535, 0x44000001,
			     "different linktype, cannot append to file");
	check_refused(us, pcapng_shb, sizeof pcapng_shb, "not a pcap file");
	check_refused(us, garbage, sizeof garbage, "not a pcap file");
	check_refused(us, "\xd4\xc3\xb2\xa1\2\0\4\0\0\0", 10,
		      "truncated pcap file header");
	pcap_close(us);
	pcap_close(ns);
}

static void append_open_errors(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	char want[PCAP_ERRBUF_SIZE];

	CHECK(pcap_dump_open_append(p, "/nonexistent-accel-dir/a.pcap") == NULL);
	CHECK_STR(pcap_geterr(p),
		  "/nonexistent-accel-dir/a.pcap: No such file or directory");
	snprintf(want, sizeof want, "%s: Is a directory", dir);
	CHECK(pcap_dump_open_append(p, dir) == NULL);
	CHECK_STR(pcap_geterr(p), want);
	pcap_close(p);
}

/* --- threads (run last: the process stays multi-threaded) -------------- */

enum { PER_THREAD = 50000 };

struct writer {
	pcap_dumper_t *d;
	uint32_t caplen;
	pthread_barrier_t *start;
};

static void *write_many(void *arg)
{
	const struct writer *w = arg;

	pthread_barrier_wait(w->start);	/* both at once: contention */
	for (int i = 0; i < PER_THREAD; i++)
		dump_one(w->d, i, 0, w->caplen, w->caplen);
	return NULL;
}

/* With threads about, each record still lands whole. */
static void threads_keep_records_whole(void)
{
	pcap_t *p = dead(DLT_EN10MB, 65535, MICRO);
	const char *path = tmp_path("threads.pcap");
	pcap_dumper_t *d = pcap_dump_open(p, path);
	pthread_barrier_t start;
	struct writer a = { d, 33, &start }, b = { d, 71, &start };
	pthread_t ta, tb;
	long off = 24, n = 0, size;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	pthread_barrier_init(&start, NULL, 2);
	CHECK_INT(pthread_create(&ta, NULL, write_many, &a), 0);
	CHECK_INT(pthread_create(&tb, NULL, write_many, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	pcap_dump_close(d);
	size = slurp(path);
	CHECK_INT(size, 24 + PER_THREAD * (16 + 33 + 16 + 71));
	while (off + 16 <= size && n < 2 * PER_THREAD) {
		uint32_t caplen = get32(file_buf + off + 8);

		if (caplen != 33 && caplen != 71) {
			CHECK(!"a record was torn");
			break;
		}
		off = check_record(off, (int32_t)get32(file_buf + off), 0,
				   caplen, caplen);
		n++;
	}
	CHECK_INT(n, 2 * PER_THREAD);
	CHECK_INT(off, size);
	pcap_close(p);
}

static void remove_dir(void)
{
	static const char *names[] = {
		"hdr.pcap", "fcs-fopen.pcap", "fcs-append.pcap", "never.pcap",
		"unactivated.pcap", "ro.pcap", "rec.pcap", "rec-ns.pcap",
		"ftell.pcap", "mixed.pcap", "missing.pcap", "empty.pcap",
		"match.pcap", "refuse.pcap", "threads.pcap",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		tmp_path(names[i]);	/* unlinks it */
	rmdir(dir);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-dumper.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	RUN(header_micro);
	RUN(header_nano);
	RUN(header_odd_snaplen_written_as_is);
	RUN(header_linktype_remapped);
	RUN(header_fcs_bits_from_linktype_ext);
	RUN(unsupported_dlt_messages);
	RUN(null_file_name);
	RUN(not_activated_handle);
	RUN(open_errors);
	RUN(records_micro);
	RUN(records_nano);
	RUN(ftell_and_flush);
	RUN(stream_error_stops_writing);
	RUN(stdio_beside_dumper);
	RUN(append_missing_and_empty);
	RUN(append_matching_file);
	RUN(append_refusals);
	RUN(append_open_errors);
	RUN(threads_keep_records_whole);
	remove_dir();
	CHECK_EXIT();
}
