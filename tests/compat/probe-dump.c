/*
 * probe-dump.c: drives the savefile writers (pcap_dump_*) and prints every
 * return code, error message and file offset, so dump-diff.sh can run it on
 * the system libpcap and on ours and compare both the report and the files.
 *
 *   write  OUT PREC DLT SNAPLEN SET   a dead handle dumps packet set SET
 *                                     (normal, odd or mixed) to OUT ("-":
 *                                     stdout; the report then goes to stderr)
 *   append FILE PREC DLT SNAPLEN      pcap_dump_open_append, then 4 packets
 *   fopen  OUT MODE PREC DLT SNAPLEN  pcap_dump_fopen on fopen(OUT, MODE)
 *   list   PREC                       the normal set as "read" shows it
 *   read   IN PREC                    list a savefile's packets
 *   copy   IN OUT                     pcap_open_offline + pcap_dump
 *   copyappend IN OUT                 the same through pcap_dump_open_append
 *   rawheader FILE MAGIC MAJOR MINOR SNAPLEN LINKTYPE [BYTES]
 *                                     write a (partial) file header as is
 *   stdout-ro PREC DLT SNAPLEN        dump to "-" with stdout read-only
 *   unactivated OUT                   the dumpers on a pcap_create handle
 *   nullname PREC DLT                 a NULL file name
 *
 * PREC is "us" or "ns".
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *report;

struct synth {
	long long sec;
	long us, ns;
	uint32_t caplen, len;
};

/* Lengths around the usual sizes, caplen < len, time stamps at the edges
 * of what the 32-bit file fields hold. */
static const struct synth normal_set[] = {
	{ 0, 0, 0, 0, 0 },
	{ 1, 1, 1, 1, 1 },
	{ 1700000000, 999999, 999999999, 14, 60 },
	{ 1700000000, 999999, 999999999, 60, 60 },
	{ 0x7fffffffLL, 500000, 500000000, 1514, 1514 },
	{ 0x80000000LL, 0, 0, 100, 1500 },
	{ -1, 999999, 999999999, 64, 65535 },
	{ 0x100000005LL, 123456, 123456789, 9000, 9000 },
	{ 1000000000, 0, 0, 65535, 100000 },
	{ 1999999999, 1, 1, 4095, 4096 },
	{ 2000000000, 2, 2, 4097, 4097 },
	{ 2000000001, 3, 3, 262144, 262144 },
	{ 2000000002, 999998, 999999998, 1, 4294967295u },
};

/* Records a reader would question; the writer stores them unchanged. */
static const struct synth odd_set[] = {
	{ 5, 1000000, 1000000000, 10, 10 },
	{ 6, -1, -1, 20, 10 },
	{ 7, 0x7fffffffL, 0x7fffffffL, 300000, 300000 },
	{ 8, 0x100000001LL, 0x100000001LL, 3, 3 },
	{ -2147483648LL - 1, 0, 0, 2, 2 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_nano(const char *prec)
{
	return strcmp(prec, "ns") == 0;
}

static u_int precision_of(const char *prec)
{
	return is_nano(prec) ? PCAP_TSTAMP_PRECISION_NANO
			     : PCAP_TSTAMP_PRECISION_MICRO;
}

static u_char *packet_bytes(size_t i, uint32_t caplen)
{
	u_char *b = malloc(caplen ? caplen : 1);

	if (b == NULL) {
		perror("malloc");
		exit(2);
	}
	for (uint32_t k = 0; k < caplen; k++)
		b[k] = (u_char)(k * 7 + i * 13 + 1);
	return b;
}

static uint32_t fnv1a(const u_char *b, uint32_t n)
{
	uint32_t h = 2166136261u;

	for (uint32_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 16777619u;
	return h;
}

static void print_packet(FILE *out, int i, long long sec, long sub,
			 uint32_t caplen, uint32_t len, uint32_t hash)
{
	fprintf(out, "pkt %d: %lld.%ld caplen %u len %u fnv %08x\n", i, sec,
		sub, caplen, len, hash);
}

static void dump_set(pcap_dumper_t *d, const struct synth *set, size_t n,
		     int nano, int mixed)
{
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h;
		u_char *b = packet_bytes(i, set[i].caplen);

		h.ts.tv_sec = (time_t)set[i].sec;
		h.ts.tv_usec = nano ? set[i].ns : set[i].us;
		h.caplen = set[i].caplen;
		h.len = set[i].len;
		pcap_dump((u_char *)d, &h, b);
		free(b);
		fprintf(report, "dump %zu: ftell %ld\n", i, pcap_dump_ftell(d));
		if (mixed && i % 3 == 1) {
			/* A program may write through the stream itself. */
			FILE *f = pcap_dump_file(d);

			fprintf(report, "fputs = %d\n",
				fputs("interleaved", f) >= 0);
			fprintf(report, "fflush = %d ftell %ld\n", fflush(f),
				pcap_dump_ftell(d));
		}
	}
}

static void finish(pcap_dumper_t *d)
{
	FILE *f = pcap_dump_file(d);

	fprintf(report, "flush = %d\n", pcap_dump_flush(d));
	fprintf(report, "ftell = %ld ftell64 = %lld ferror = %d\n",
		pcap_dump_ftell(d), (long long)pcap_dump_ftell64(d),
		ferror(f) != 0);
	pcap_dump_close(d);
	fprintf(report, "closed\n");
}

static pcap_t *dead(const char *prec, const char *dlt, const char *snaplen)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(
		atoi(dlt), atoi(snaplen), precision_of(prec));

	if (p == NULL) {
		fprintf(report, "open_dead failed\n");
		exit(1);
	}
	return p;
}

static int report_open(pcap_t *p, pcap_dumper_t *d, const char *what)
{
	if (d == NULL) {
		fprintf(report, "%s: NULL [%s]\n", what, pcap_geterr(p));
		return 0;
	}
	fprintf(report, "%s: ok ftell %ld\n", what, pcap_dump_ftell(d));
	return 1;
}

static int do_write(char **a)
{
	const char *out = a[0], *set = a[4];
	int nano = is_nano(a[1]);
	pcap_t *p = dead(a[1], a[2], a[3]);
	pcap_dumper_t *d = pcap_dump_open(p, out);

	if (report_open(p, d, "dump_open")) {
		if (strcmp(set, "odd") == 0)
			dump_set(d, odd_set, COUNT(odd_set), nano, 0);
		else
			dump_set(d, normal_set, COUNT(normal_set), nano,
				 strcmp(set, "mixed") == 0);
		finish(d);
	}
	pcap_close(p);
	return 0;
}

static int do_append(char **a)
{
	pcap_t *p = dead(a[1], a[2], a[3]);
	pcap_dumper_t *d = pcap_dump_open_append(p, a[0]);

	if (report_open(p, d, "dump_open_append")) {
		dump_set(d, normal_set, 4, is_nano(a[1]), 0);
		finish(d);
	}
	pcap_close(p);
	return 0;
}

static int do_fopen(char **a)
{
	pcap_t *p = dead(a[2], a[3], a[4]);
	FILE *f = fopen(a[0], a[1]);
	pcap_dumper_t *d;
	int fd;

	if (f == NULL) {
		perror(a[0]);
		return 2;
	}
	fd = fileno(f);
	/* On failure libpcap may have closed f: only its fd is looked at. */
	d = pcap_dump_fopen(p, f);
	fprintf(report, "same FILE: %d\n", d == NULL || (FILE *)d == f);
	if (report_open(p, d, "dump_fopen")) {
		dump_set(d, normal_set, COUNT(normal_set), is_nano(a[2]), 0);
		finish(d);
	} else {
		fprintf(report, "fd still open: %d\n", fcntl(fd, F_GETFD) != -1);
	}
	pcap_close(p);
	return 0;
}

/* What "read" must print for a file written from the normal set. */
static int do_list(char **a)
{
	int nano = is_nano(a[0]);

	for (size_t i = 0; i < COUNT(normal_set); i++) {
		const struct synth *s = &normal_set[i];
		u_char *b = packet_bytes(i, s->caplen);

		print_packet(report, (int)i, (int32_t)s->sec,
			     (int32_t)(nano ? s->ns : s->us), s->caplen, s->len,
			     fnv1a(b, s->caplen));
		free(b);
	}
	fprintf(report, "end: %zu packets\n", COUNT(normal_set));
	return 0;
}

static int do_read(char **a)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(
		a[0], precision_of(a[1]), err);
	struct pcap_pkthdr *h;
	const u_char *data;
	int i = 0, r;

	if (p == NULL) {
		fprintf(report, "open_offline: NULL [%s]\n", err);
		return 0;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1)
		print_packet(report, i++, (long long)h->ts.tv_sec,
			     (long)h->ts.tv_usec, h->caplen, h->len,
			     fnv1a(data, h->caplen));
	if (r == PCAP_ERROR)
		fprintf(report, "error: %s\n", pcap_geterr(p));
	fprintf(report, "end: %d packets\n", i);
	pcap_close(p);
	return 0;
}

static int copy_file(char **a, int append)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline(a[0], err);
	pcap_dumper_t *d;
	int r;

	if (p == NULL) {
		fprintf(report, "open_offline: NULL [%s]\n", err);
		return 0;
	}
	d = append ? pcap_dump_open_append(p, a[1]) : pcap_dump_open(p, a[1]);
	if (report_open(p, d, append ? "dump_open_append" : "dump_open")) {
		r = pcap_loop(p, -1, pcap_dump, (u_char *)d);
		fprintf(report, "loop = %d", r);
		if (r == PCAP_ERROR)
			fprintf(report, " [%s]", pcap_geterr(p));
		fprintf(report, "\n");
		finish(d);
	}
	pcap_close(p);
	return 0;
}

static int do_copy(char **a)
{
	return copy_file(a, 0);
}

static int do_copyappend(char **a)
{
	return copy_file(a, 1);
}

static int do_rawheader(char **a, int n)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} h = {
		(uint32_t)strtoul(a[1], NULL, 0), (uint16_t)atoi(a[2]),
		(uint16_t)atoi(a[3]), 0, 0, (uint32_t)strtoul(a[4], NULL, 0),
		(uint32_t)strtoul(a[5], NULL, 0),
	};
	size_t bytes = n > 6 ? (size_t)atoi(a[6]) : sizeof h;
	FILE *f = fopen(a[0], "wb");

	if (f == NULL || bytes > sizeof h || fwrite(&h, 1, bytes, f) != bytes ||
	    fclose(f) != 0) {
		perror(a[0]);
		return 2;
	}
	return 0;
}

/* The header cannot be written to stdout; libpcap must leave it open. */
static int do_stdout_ro(char **a)
{
	pcap_t *p;

	report = stderr;
	if (freopen("/dev/null", "r", stdout) == NULL) {
		perror("freopen");
		return 2;
	}
	p = dead(a[0], a[1], a[2]);
	report_open(p, pcap_dump_open(p, "-"), "dump_open(-)");
	fprintf(report, "fd 1 open: %d\n", fcntl(1, F_GETFD) != -1);
	report_open(p, pcap_dump_open_append(p, "-"), "dump_open_append(-)");
	fprintf(report, "fd 1 open: %d\n", fcntl(1, F_GETFD) != -1);
	pcap_close(p);
	return 0;
}

static int do_unactivated(char **a)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create("any", err);
	pcap_dumper_t *d;
	FILE *f;

	if (p == NULL) {
		fprintf(report, "create: NULL [%s]\n", err);
		return 0;
	}
	fprintf(report, "set_snaplen = %d\n", pcap_set_snaplen(p, 1234));
	d = pcap_dump_open(p, a[0]);
	if (report_open(p, d, "dump_open"))
		finish(d);
	d = pcap_dump_open_append(p, a[0]);
	if (report_open(p, d, "dump_open_append"))
		finish(d);
	f = fopen(a[0], "ab");
	if (f == NULL) {
		perror(a[0]);
		return 2;
	}
	d = pcap_dump_fopen(p, f);
	if (report_open(p, d, "dump_fopen"))
		finish(d);
	pcap_close(p);
	return 0;
}

static int do_nullname(char **a)
{
	pcap_t *p = dead(a[0], a[1], "65535");

	report_open(p, pcap_dump_open(p, NULL), "dump_open(NULL)");
	report_open(p, pcap_dump_open_append(p, NULL), "dump_open_append(NULL)");
	pcap_close(p);
	return 0;
}

static const struct {
	const char *mode;
	int args;
	int (*run)(char **a);
} modes[] = {
	{ "write", 5, do_write },   { "append", 4, do_append },
	{ "fopen", 5, do_fopen },   { "list", 1, do_list },
	{ "read", 2, do_read },	    { "copy", 2, do_copy },
	{ "copyappend", 2, do_copyappend },
	{ "stdout-ro", 3, do_stdout_ro },
	{ "unactivated", 1, do_unactivated },
	{ "nullname", 2, do_nullname },
};

int main(int argc, char **argv)
{
	report = stdout;
	/* Writing the savefile to stdout: keep the report out of it. */
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			report = stderr;
	if (argc >= 8 && strcmp(argv[1], "rawheader") == 0)
		return do_rawheader(argv + 2, argc - 2);
	for (size_t m = 0; argc >= 2 && m < COUNT(modes); m++)
		if (strcmp(argv[1], modes[m].mode) == 0 &&
		    argc - 2 == modes[m].args) {
			int r = modes[m].run(argv + 2);

			fflush(report);
			return r;
		}
	fprintf(stderr, "usage: see the comment at the top of probe-dump.c\n");
	return 2;
}
