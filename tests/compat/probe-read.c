/*
 * probe-read.c: prints everything a program can observe while reading
 * savefiles through the public API, so tests/compat/read-diff.sh can run
 * it on the system libpcap and on ours and compare.
 *
 *   probe-read [-n | -P PRECISION] [-m MODE] [-p] [-s SKIP] [-e ERRORS]
 *              [-d DIR] [-W swap|ns|kuz] [-V VARIANT]... FILE...
 *   probe-read -G DIR
 *
 * -n: nanosecond time stamps; -P: any precision value (bad ones too).
 * -m: loop (pcap_loop -1, the default), loop:K (pcap_loop in K chunks),
 *     dispatch:K, next_ex, next, break:K (pcap_breakloop from the
 *     callback every K packets, and once before the first read).
 * -p: read through a pipe (pcap_fopen_offline on its read end).
 * -s: open with fopen, consume SKIP bytes with fread, then
 *     pcap_fopen_offline: the FILE starts mid-file.
 * -i: make the file standard input (freopen) and open "-".
 * -e: after an error, keep reading up to ERRORS more times.
 * -W: rewrite each file first: swap its byte order (swap), give a pcap
 *     file the nanosecond or Kuznetzov magic (ns, kuz), or put N junk
 *     bytes in front (pad:N, for -s N).
 * -V: probe variants of each file instead (written to DIR, default
 *     $TMPDIR): trunc:A-B/S (cut at A, A+S, ... B), flip:N (N variants
 *     with 1-3 bytes changed at random, deterministically), set:OFF:HEX
 *     (bytes written at OFF).
 * -G: write the synthetic seed captures into DIR and list them.
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/capture-builder.h"

struct options {
	u_int precision;
	const char *mode;
	int chunk;
	int pipe;
	int stdin_name;
	long skip;
	int errors;
	const char *dir;
	const char *rewrite;
	const char *variants[64];
	int nvariants;
};

struct state {
	pcap_t *p;
	long seen;
	int break_every;
};

static uint64_t fnv1a(const u_char *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void print_packet(long i, const struct pcap_pkthdr *h,
			 const u_char *data)
{
	printf("pkt %ld ts %lld.%ld caplen %u len %u hash %016llx\n", i,
	       (long long)h->ts.tv_sec, (long)h->ts.tv_usec, h->caplen, h->len,
	       (unsigned long long)fnv1a(data, h->caplen));
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	struct state *s = (struct state *)user;

	print_packet(s->seen++, h, data);
	if (s->break_every > 0 && s->seen % s->break_every == 0)
		pcap_breakloop(s->p);
}

static void print_status(const char *what, pcap_t *p, int ret)
{
	printf("%s %d", what, ret);
	if (ret == PCAP_ERROR)
		printf(" error \"%s\"", pcap_geterr(p));
	printf("\n");
}

/* What savefiles answer to the calls that are not about packets. */
static void print_handle(pcap_t *p)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_stat st;
	FILE *f = pcap_file(p);
	int ret;

	printf("datalink %d ext %#x snapshot %d swapped %d version %d.%d\n",
	       pcap_datalink(p), (unsigned)pcap_datalink_ext(p),
	       pcap_snapshot(p), pcap_is_swapped(p), pcap_major_version(p),
	       pcap_minor_version(p));
	printf("bufsize %d precision %d fileno %d selectable-is-file %d\n",
	       pcap_bufsize(p), pcap_get_tstamp_precision(p), pcap_fileno(p),
	       f != NULL && pcap_get_selectable_fd(p) == fileno(f));
	ret = pcap_getnonblock(p, err);
	printf("getnonblock %d \"%s\"\n", ret, ret < 0 ? err : "");
	ret = pcap_setnonblock(p, 1, err);
	printf("setnonblock %d \"%s\"\n", ret, ret < 0 ? err : "");
	ret = pcap_stats(p, &st);
	printf("stats %d \"%s\"\n", ret, ret < 0 ? pcap_geterr(p) : "");
	ret = pcap_inject(p, "x", 1);
	printf("inject %d \"%s\"\n", ret, ret < 0 ? pcap_geterr(p) : "");
	ret = pcap_setdirection(p, PCAP_D_IN);
	printf("setdirection %d \"%s\"\n", ret, ret < 0 ? pcap_geterr(p) : "");
	printf("can_set_rfmon %d\n", pcap_can_set_rfmon(p));
}

/* Keep calling read until it says there is nothing more (or too often). */
static void read_all(pcap_t *p, const struct options *o)
{
	struct state s = { p, 0, 0 };
	int errors = o->errors;
	long calls = 0;
	int last = 0;

	if (strcmp(o->mode, "break") == 0) {
		s.break_every = o->chunk;
		pcap_breakloop(p);
	}
	for (; calls < 30000; calls++) {
		int ret;

		if (strcmp(o->mode, "next_ex") == 0) {
			struct pcap_pkthdr *h;
			const u_char *data;

			ret = pcap_next_ex(p, &h, &data);
			if (ret == 1)
				print_packet(s.seen++, h, data);
			else
				print_status("next_ex", p, ret);
			if (ret == 1)
				continue;
		} else if (strcmp(o->mode, "next") == 0) {
			struct pcap_pkthdr h;
			const u_char *data = pcap_next(p, &h);

			if (data != NULL) {
				print_packet(s.seen++, &h, data);
				continue;
			}
			/* pcap_next cannot tell errors from the end. */
			printf("next NULL \"%s\"\n", pcap_geterr(p));
			ret = 0;
		} else if (strcmp(o->mode, "loop") == 0 && o->chunk > 0) {
			long before = s.seen;

			ret = pcap_loop(p, o->chunk, on_packet, (u_char *)&s);
			printf("loop %d got %ld\n", ret, s.seen - before);
			if (ret == 0 && s.seen - before == o->chunk)
				continue;
			if (ret == PCAP_ERROR)
				print_status("loop", p, ret);
		} else if (strcmp(o->mode, "loop") == 0) {
			ret = pcap_loop(p, -1, on_packet, (u_char *)&s);
			print_status("loop", p, ret);
		} else {	/* dispatch:K, break:K */
			int cnt = strcmp(o->mode, "break") == 0 ? -1 : o->chunk;

			ret = pcap_dispatch(p, cnt, on_packet, (u_char *)&s);
			print_status("dispatch", p, ret);
			/* A break is taken once: twice in a row is a bug. */
			if (ret > 0 || (ret == PCAP_ERROR_BREAK && last != ret)) {
				last = ret;
				continue;
			}
		}
		if (ret == PCAP_ERROR && errors-- > 0)
			continue;
		break;
	}
	printf("end packets %ld bufsize %d\n", s.seen, pcap_bufsize(p));
}

/* A child writes the file into a pipe; we read the other end. */
static FILE *open_pipe(const char *path, pid_t *child)
{
	int fds[2];
	FILE *in, *out;

	if (pipe(fds) != 0)
		return NULL;
	*child = fork();
	if (*child == 0) {
		char buf[65536];
		size_t n;

		close(fds[0]);
		in = fopen(path, "rb");
		out = fdopen(fds[1], "wb");
		if (in != NULL && out != NULL)
			while ((n = fread(buf, 1, sizeof buf, in)) > 0)
				if (fwrite(buf, 1, n, out) != n)
					break;
		if (out != NULL)
			fclose(out);
		_exit(0);
	}
	close(fds[1]);
	return fdopen(fds[0], "rb");
}

static void probe_file(const char *path, const char *label,
		       const struct options *o)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	FILE *fp = NULL;
	pid_t child = -1;

	printf("== %s\n", label);
	fflush(stdout);
	err[0] = '\0';
	if (o->pipe || o->skip > 0) {
		fp = o->pipe ? open_pipe(path, &child) : fopen(path, "rb");
		if (fp == NULL) {
			printf("cannot open\n");
			return;
		}
		for (long i = 0; i < o->skip; i++)
			(void)fgetc(fp);
		p = pcap_fopen_offline_with_tstamp_precision(fp, o->precision,
							     err);
	} else if (o->stdin_name) {
		if (freopen(path, "rb", stdin) == NULL) {
			printf("cannot open\n");
			return;
		}
		p = pcap_open_offline_with_tstamp_precision("-", o->precision,
							    err);
	} else {
		p = pcap_open_offline_with_tstamp_precision(path, o->precision,
							    err);
	}
	if (p == NULL) {
		printf("open error \"%s\"\n", err);
		if (fp != NULL)
			fclose(fp);
	} else {
		print_handle(p);
		read_all(p, o);
		pcap_close(p);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	fflush(stdout);
}

/* ---- rewriting files: byte order, magic -------------------------------- */

static uint32_t get32(const u_char *b, bool be)
{
	return be ? (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
		  : (uint32_t)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0];
}

static uint16_t get16(const u_char *b, bool be)
{
	return be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static void flip(u_char *b, size_t width)
{
	for (size_t i = 0; i < width / 2; i++) {
		u_char t = b[i];

		b[i] = b[width - 1 - i];
		b[width - 1 - i] = t;
	}
}

/* Reverse each of the fields (widths, 0-terminated) at b, inside n bytes. */
static void flip_fields(u_char *b, size_t n, const uint8_t *widths)
{
	size_t off = 0;

	for (; *widths != 0 && off + *widths <= n; off += *widths++)
		flip(b + off, *widths);
}

static void swap_pcap(u_char *b, size_t n)
{
	static const uint8_t file_hdr[] = { 4, 2, 2, 4, 4, 4, 4, 0 };
	static const uint8_t rec[] = { 4, 4, 4, 4, 0 };
	static const uint8_t kuz_rec[] = { 4, 4, 4, 4, 4, 2, 0 };
	bool be = b[0] == 0xa1;
	bool kuz = n >= 4 && (get32(b, be) == CAP_MAGIC_KUZNETZOV);
	size_t hsize = kuz ? 24 : 16;
	size_t off = 24;

	if (n < 24)
		return;
	flip_fields(b, n, file_hdr);
	while (off + hsize <= n) {
		uint32_t caplen = get32(b + off + 8, be);

		flip_fields(b + off, n - off, kuz ? kuz_rec : rec);
		off += hsize;
		if (caplen > n - off)
			break;
		off += caplen;
	}
}

/* Options: code and length swapped; if_tsoffset's value too. */
static void swap_options(u_char *b, size_t n, bool be, bool idb)
{
	size_t off = 0;

	while (off + 4 <= n) {
		uint16_t code = get16(b + off, be);
		uint16_t len = get16(b + off + 2, be);

		flip(b + off, 2);
		flip(b + off + 2, 2);
		off += 4;
		if (idb && code == 14 && len == 8 && off + 8 <= n)
			flip(b + off, 8);
		off += ((size_t)len + 3) / 4 * 4;
	}
}

static void swap_pcapng(u_char *b, size_t n)
{
	static const uint8_t shb[] = { 4, 2, 2, 8, 0 };
	static const uint8_t idb[] = { 2, 2, 4, 0 };
	static const uint8_t epb[] = { 4, 4, 4, 4, 4, 0 };
	static const uint8_t spb[] = { 4, 0 };
	static const uint8_t pb[] = { 2, 2, 4, 4, 4, 4, 0 };
	size_t off = 0;
	bool be = n >= 12 && b[8] == 0x1A;

	while (off + 12 <= n) {
		uint32_t type = get32(b + off, be);
		uint32_t total = get32(b + off + 4, be);
		u_char *body = b + off + 8;
		size_t blen;

		if (type == 0x0A0D0D0A)
			be = b[off + 8] == 0x1A;
		total = get32(b + off + 4, be);
		if (total < 12 || total % 4 != 0 || total > n - off)
			break;
		blen = total - 12;
		flip(b + off, 4);
		flip(b + off + 4, 4);
		flip(b + off + total - 4, 4);
		switch (type) {
		case 0x0A0D0D0A:
			flip_fields(body, blen, shb);
			if (blen > 16)
				swap_options(body + 16, blen - 16, be, false);
			break;
		case 1:
			flip_fields(body, blen, idb);
			if (blen > 8)
				swap_options(body + 8, blen - 8, be, true);
			break;
		case 6:
			flip_fields(body, blen, epb);
			if (blen >= 20) {
				size_t data = ((size_t)get32(body + 12, !be) + 3) / 4 * 4;

				if (20 + data < blen)
					swap_options(body + 20 + data,
						     blen - 20 - data, be, false);
			}
			break;
		case 3:
			flip_fields(body, blen, spb);
			break;
		case 2:
			flip_fields(body, blen, pb);
			break;
		default:
			break;
		}
		off += total;
	}
}

static void set_magic(u_char *b, size_t n, uint32_t magic)
{
	bool be;

	if (n < 4 || (b[0] != 0xa1 && b[3] != 0xa1))
		return;
	be = b[0] == 0xa1;
	for (int i = 0; i < 4; i++)
		b[i] = (u_char)(magic >> (be ? 24 - 8 * i : 8 * i));
}

static u_char *rewrite(u_char *b, size_t *n, const char *how)
{
	unsigned pad;

	if (sscanf(how, "pad:%u", &pad) == 1) {
		u_char *bigger = realloc(b, *n + pad);

		if (bigger == NULL)
			abort();
		memmove(bigger + pad, bigger, *n);
		memset(bigger, 0xEE, pad);
		*n += pad;
		return bigger;
	}
	if (strcmp(how, "swap") == 0) {
		if (*n >= 4 && b[0] == 0x0A && b[1] == 0x0D)
			swap_pcapng(b, *n);
		else
			swap_pcap(b, *n);
	} else if (strcmp(how, "ns") == 0) {
		set_magic(b, *n, CAP_MAGIC_NSEC);
	} else if (strcmp(how, "kuz") == 0) {
		set_magic(b, *n, CAP_MAGIC_KUZNETZOV);
	}
	return b;
}

/* ---- variants ----------------------------------------------------------- */

static u_char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	u_char *b = NULL;
	size_t cap = 0, got;

	*n = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*n == cap) {
			cap = cap * 2 + 65536;
			b = realloc(b, cap);
			if (b == NULL)
				abort();
		}
		got = fread(b + *n, 1, cap - *n, f);
		if (got == 0)
			break;
		*n += got;
	}
	fclose(f);
	return b;
}

static void probe_bytes(const u_char *b, size_t n, const char *label,
			const struct options *o)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/probe-read-%ld.bin", o->dir,
		 (long)getpid());
	f = fopen(path, "wb");
	if (f == NULL || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		printf("== %s\ncannot write %s\n", label, path);
		return;
	}
	probe_file(path, label, o);
	unlink(path);
}

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void probe_variants(const char *path, const u_char *b, size_t n,
			   const char *spec, const struct options *o)
{
	char label[4200];
	u_char *v = malloc(n + 1);
	unsigned long a, z, step, count;
	unsigned off;
	char hex[512];

	if (v == NULL)
		abort();
	if (sscanf(spec, "trunc:%lu-%lu/%lu", &a, &z, &step) == 3) {
		for (unsigned long at = a; at <= z && at <= n; at += step ? step : 1) {
			snprintf(label, sizeof label, "%s %s", path, spec);
			snprintf(label + strlen(label), 64, " @%lu", at);
			probe_bytes(b, at, label, o);
		}
	} else if (sscanf(spec, "flip:%lu", &count) == 1) {
		uint32_t seed = 2166136261u;

		for (const char *c = strrchr(path, '/') ? strrchr(path, '/') : path;
		     *c; c++)
			seed = (seed ^ (u_char)*c) * 16777619u;
		for (unsigned long i = 0; i < count && n > 0; i++) {
			int flips = 1 + (int)(rng_next(&seed) % 3);

			memcpy(v, b, n);
			for (int k = 0; k < flips; k++) {
				uint32_t r = rng_next(&seed);
				size_t span = n > 256 && (r & 1) ? n : (n < 256 ? n : 256);

				v[(r >> 1) % span] = (u_char)rng_next(&seed);
			}
			snprintf(label, sizeof label, "%s flip #%lu", path, i);
			probe_bytes(v, n, label, o);
		}
	} else if (sscanf(spec, "set:%u:%511s", &off, hex) == 2) {
		size_t len = strlen(hex) / 2;

		memcpy(v, b, n);
		for (size_t i = 0; i < len && off + i < n; i++) {
			unsigned x;

			sscanf(hex + 2 * i, "%2x", &x);
			v[off + i] = (u_char)x;
		}
		snprintf(label, sizeof label, "%s %s", path, spec);
		probe_bytes(v, n, label, o);
	} else {
		printf("== %s\nbad variant %s\n", path, spec);
	}
	free(v);
}

static void probe_path(const char *path, const struct options *o)
{
	u_char *b;
	size_t n;

	if (o->rewrite == NULL && o->nvariants == 0) {
		probe_file(path, path, o);
		return;
	}
	b = slurp(path, &n);
	if (b == NULL) {
		printf("== %s\ncannot read\n", path);
		return;
	}
	if (o->rewrite != NULL)
		b = rewrite(b, &n, o->rewrite);
	if (o->nvariants == 0) {
		char label[4200];

		snprintf(label, sizeof label, "%s %s", path, o->rewrite);
		probe_bytes(b, n, label, o);
	}
	for (int i = 0; i < o->nvariants; i++)
		probe_variants(path, b, n, o->variants[i], o);
	free(b);
}

/* ---- synthetic seeds ---------------------------------------------------- */

/* Linux USB (mmapped, 64 bytes) header of an incoming isochronous completion. */
static void usb_iso_packet(struct cap *c, uint32_t ndesc, uint32_t urb_len,
			   const uint32_t (*descs)[3], size_t data)
{
	cap_u64(c, 0x1122334455667788ull);	/* id */
	cap_u8(c, 'C');
	cap_u8(c, 0);				/* isochronous */
	cap_u8(c, 0x81);			/* endpoint 1 IN */
	cap_u8(c, 5);
	cap_u16(c, 2);				/* bus */
	cap_u8(c, 0);
	cap_u8(c, 0);				/* data present */
	cap_u64(c, 1600000000);
	cap_u32(c, 123456);
	cap_u32(c, 0);
	cap_u32(c, urb_len);
	cap_u32(c, (uint32_t)data);
	cap_u32(c, 0);				/* error_count */
	cap_u32(c, ndesc);			/* numdesc */
	cap_u32(c, 1);				/* interval */
	cap_u32(c, 77);				/* start_frame */
	cap_u32(c, 0x200);			/* xfer_flags */
	cap_u32(c, ndesc);
	for (uint32_t i = 0; i < ndesc && i < 3; i++) {	/* at most 3 given */
		cap_u32(c, 0);
		cap_u32(c, descs[i][0]);
		cap_u32(c, descs[i][1]);
		cap_u32(c, descs[i][2]);
	}
	cap_pattern(c, (uint32_t)data, 9);
}

static void usb_seed(struct cap *c, uint32_t dlt)
{
	static const uint32_t descs[3][3] = {
		{ 0, 100, 0 }, { 200, 50, 0 }, { 1000, 0, 0 },
	};
	struct cap pkt = { .big_endian = c->big_endian };
	uint32_t urb_len = 300;

	cap_pcap_header(c, CAP_MAGIC_USEC, 2, 4, 65535, dlt);
	/* Length as old libpcaps computed it: 64 + 3 * 16 + urb_len. */
	usb_iso_packet(&pkt, 3, urb_len, descs, 250);
	cap_pcap_record(c, 1, 2, (uint32_t)pkt.n, 64 + 48 + urb_len, pkt.b);
	/* Cut inside the header and inside the descriptors. */
	cap_pcap_record(c, 1, 3, 30, 64 + 48 + urb_len, pkt.b);
	cap_pcap_record(c, 1, 4, 90, 64 + 48 + urb_len, pkt.b);
	cap_pcap_record(c, 1, 5, 62, 200, pkt.b);
	pkt.n = 0;
	usb_iso_packet(&pkt, 0x40000000, 10, descs, 0);
	cap_pcap_record(c, 1, 6, (uint32_t)pkt.n, (uint32_t)pkt.n, pkt.b);
	/* A bulk transfer: setup bytes instead of iso counts. */
	pkt.n = 0;
	usb_iso_packet(&pkt, 0, 20, descs, 20);
	pkt.b[9] = 3;
	cap_pcap_record(c, 1, 7, (uint32_t)pkt.n, (uint32_t)pkt.n, pkt.b);
	cap_free(&pkt);
}

static void pflog_seed(struct cap *c)
{
	unsigned char pf[64] = { 0 };
	uint32_t ids[] = { 1000, 2000, 3000, 4000 };

	cap_pcap_header(c, CAP_MAGIC_USEC, 2, 4, 65535, 117);
	for (int hdrlen = 40; hdrlen <= 64; hdrlen += 4) {
		struct cap pkt = { .big_endian = c->big_endian };

		pkt.b = NULL;
		cap_u8(&pkt, (unsigned)hdrlen);
		cap_u8(&pkt, 2);
		cap_zeros(&pkt, 42);
		for (int i = 0; i < 4; i++)
			cap_u32(&pkt, ids[i]);
		cap_zeros(&pkt, 4);
		cap_pcap_record(c, 5, (uint32_t)hdrlen, (uint32_t)pkt.n,
				(uint32_t)pkt.n, pkt.b);
		cap_pcap_record(c, 5, 1, 50, 50, pkt.b);
		cap_pcap_record(c, 5, 2, (uint32_t)pkt.n, 50, pkt.b);
		cap_free(&pkt);
	}
	(void)pf;
}

static void sll_can_seed(struct cap *c, bool v2)
{
	cap_pcap_header(c, CAP_MAGIC_USEC, 2, 4, 65535, v2 ? 276 : 113);
	for (unsigned proto = 0x000B; proto <= 0x000E; proto++) {
		struct cap pkt = { .big_endian = c->big_endian };
		unsigned char be[2] = { (unsigned char)(proto >> 8),
					(unsigned char)proto };

		if (v2) {
			cap_bytes(&pkt, be, 2);
			cap_zeros(&pkt, 18);
		} else {
			cap_zeros(&pkt, 14);
			cap_bytes(&pkt, be, 2);
		}
		cap_u32(&pkt, 0x80000123);	/* can_id, host order */
		cap_pattern(&pkt, 8, proto);
		cap_pcap_record(c, 9, proto, (uint32_t)pkt.n, (uint32_t)pkt.n,
				pkt.b);
		cap_pcap_record(c, 9, proto, (uint32_t)pkt.n - 10,
				(uint32_t)pkt.n, pkt.b);
		/* len below caplen (corrupt): libpcap checks both. */
		cap_pcap_record(c, 9, proto, (uint32_t)pkt.n,
				(uint32_t)pkt.n - 10, pkt.b);
		cap_free(&pkt);
	}
}

static void nflog_seed(struct cap *c)
{
	struct cap pkt = { .big_endian = c->big_endian };
	unsigned lens[] = { 8, 5, 12, 0xFFFD, 2 };

	cap_pcap_header(c, CAP_MAGIC_USEC, 2, 4, 65535, 239);
	for (int variant = 0; variant < 2; variant++) {
		pkt.n = 0;
		cap_u8(&pkt, 2);
		cap_u8(&pkt, (unsigned)variant);	/* version */
		cap_u8(&pkt, 0);
		cap_u8(&pkt, 1);
		for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			cap_u16(&pkt, lens[i]);
			cap_u16(&pkt, (unsigned)i + 1);
			cap_pattern(&pkt, lens[i] > 4 && lens[i] < 64
						  ? (lens[i] - 4 + 3) / 4 * 4 : 0,
				    (uint32_t)i);
		}
		cap_pcap_record(c, 3, 3, (uint32_t)pkt.n, (uint32_t)pkt.n,
				pkt.b);
		cap_pcap_record(c, 3, 4, 14, (uint32_t)pkt.n, pkt.b);
		cap_pcap_record(c, 3, 5, (uint32_t)pkt.n, 14, pkt.b);
	}
	cap_free(&pkt);
}

/* Time stamps at the edges: sign bits, fractions past one second. */
static void ts_seed(struct cap *c, uint32_t magic)
{
	static const uint32_t secs[] = { 0, 1, 0x7fffffff, 0x80000000,
					 0xffffffff };
	static const uint32_t fracs[] = { 0, 999, 999999, 1000000,
					  999999999, 0x80000000,
					  0xffffffff };

	cap_pcap_header(c, magic, 2, 4, 96, 1);
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
		for (size_t k = 0; k < sizeof fracs / sizeof fracs[0]; k++)
			cap_pcap_record(c, secs[i], fracs[k], 20, 60, NULL);
}

static void kuz_seed(struct cap *c, uint32_t linktype)
{
	cap_pcap_header(c, CAP_MAGIC_KUZNETZOV, 2, 4, 100, linktype);
	cap_kuz_record(c, 10, 20, 60, 60);
	cap_kuz_record(c, 10, 21, 114, 1514);	/* snaplen + 14 */
	cap_kuz_record(c, 10, 22, 120, 1514);	/* beyond */
}

/* Old versions: len written before caplen (2.0-2.2, 543.0), or maybe (2.3). */
static void version_seed(struct cap *c, unsigned major, unsigned minor)
{
	cap_pcap_header(c, CAP_MAGIC_USEC, major, minor, 200, 1);
	cap_pcap_record(c, 1, 1, 60, 40, NULL);	/* fields: caplen, len */
	cap_pcap_record(c, 1, 2, 40, 60, NULL);
	cap_pcap_record(c, 1, 3, 50, 50, NULL);
}

/* caplen against snaplen and the link type's maximum. */
static void snaplen_seed(struct cap *c, uint32_t snaplen, uint32_t linktype)
{
	cap_pcap_header(c, CAP_MAGIC_USEC, 2, 4, snaplen, linktype);
	cap_pcap_record(c, 1, 1, 1, 1, NULL);
	cap_pcap_record(c, 1, 2, 0, 0, NULL);
	cap_pcap_record(c, 1, 3, 3000, 3000, NULL);
	cap_pcap_record(c, 1, 4, 70000, 70000, NULL);
	cap_pcap_record(c, 1, 5, 262145, 262145, NULL);
	cap_pcap_record(c, 1, 6, 10, 10, NULL);
}

static void ng_sections_seed(struct cap *c)
{
	cap_ng_shb(c, 1, 0);
	cap_ng_other(c, 4, 24);			/* name resolution */
	cap_ng_idb(c, 1, 0, -1, false, 0);
	cap_ng_idb(c, 1, 262144, 9, false, 0);		/* ns */
	cap_ng_idb(c, 1, 0, 0x80 | 20, true, 1000);	/* 2^-20, offset */
	cap_ng_idb(c, 1, 0, 3, true, (uint64_t)-5);	/* ms */
	cap_ng_idb(c, 1, 0, 0, false, 0);		/* seconds */
	cap_ng_idb(c, 1, 0, 0x80, false, 0);		/* 2^0 */
	cap_ng_idb(c, 1, 0, 19, false, 0);		/* 10^-19 */
	cap_ng_idb(c, 1, 0, 0x80 | 63, false, 0);	/* 2^-63 */
	for (uint32_t i = 0; i < 8; i++) {
		cap_ng_epb(c, i, 1600000000123456789ull, 40, 60, NULL);
		cap_ng_epb(c, i, UINT64_MAX, 40, 60, NULL);
		cap_ng_pb(c, i, 1234567890123ull, 10, 20);
	}
	cap_ng_spb(c, 30, 32);
	cap_ng_spb(c, 300000, 0);
	cap_ng_other(c, 5, 40);			/* interface statistics */
	cap_ng_shb(c, 1, 2);
	cap_ng_idb(c, 1, 0, 6, false, 0);
	cap_ng_epb(c, 0, 99, 16, 16, NULL);
	cap_ng_epb(c, 1, 99, 16, 16, NULL);	/* no such interface now */
	cap_ng_shb(c, 1, 0);
	cap_ng_spb(c, 8, 8);			/* before any IDB */
}

static void ng_mismatch_seed(struct cap *c, unsigned linktype2,
			     uint32_t snap2, unsigned linktype)
{
	cap_ng_shb(c, 1, 0);
	cap_ng_idb(c, linktype, 0, -1, false, 0);
	cap_ng_epb(c, 0, 1000000, 20, 20, NULL);
	cap_ng_idb(c, linktype2, snap2, -1, false, 0);
	cap_ng_epb(c, 1, 2000000, 20, 20, NULL);
}

static void ng_usb_seed(struct cap *c)
{
	static const uint32_t descs[2][3] = { { 0, 10, 0 }, { 64, 32, 0 } };
	struct cap pkt = { .big_endian = c->big_endian };

	cap_ng_shb(c, 1, 0);
	cap_ng_idb(c, 220, 0, 9, false, 0);
	usb_iso_packet(&pkt, 2, 500, descs, 96);
	cap_ng_epb(c, 0, 5000000000ull, (uint32_t)pkt.n, 64 + 32 + 500, pkt.b);
	cap_ng_spb(c, (uint32_t)pkt.n, 0);
	cap_free(&pkt);
}

static void write_seed(const char *dir, const char *name, struct cap *c)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (cap_write(c, path) != 0) {
		fprintf(stderr, "probe-read: cannot write %s\n", path);
		exit(1);
	}
	printf("%s\n", path);
	cap_free(c);
}

static void write_seeds(const char *dir)
{
	for (int be = 0; be < 2; be++) {
		const char *o = be ? "be" : "le";
		char name[128];
		struct cap c = { .big_endian = be };

#define SEED(fmt, call)                                                       \
	do {                                                                  \
		c.big_endian = be;                                            \
		call;                                                         \
		snprintf(name, sizeof name, fmt, o);                          \
		write_seed(dir, name, &c);                                    \
	} while (0)
		SEED("usb-mmapped-%s.pcap", usb_seed(&c, 220));
		SEED("usb-linux-%s.pcap", usb_seed(&c, 189));
		SEED("pflog-%s.pcap", pflog_seed(&c));
		SEED("sll-can-%s.pcap", sll_can_seed(&c, false));
		SEED("sll2-can-%s.pcap", sll_can_seed(&c, true));
		SEED("nflog-%s.pcap", nflog_seed(&c));
		SEED("ts-usec-%s.pcap", ts_seed(&c, CAP_MAGIC_USEC));
		SEED("ts-nsec-%s.pcap", ts_seed(&c, CAP_MAGIC_NSEC));
		SEED("kuz-eth-%s.pcap", kuz_seed(&c, 1));
		SEED("kuz-raw-%s.pcap", kuz_seed(&c, 101));
		SEED("v2.0-%s.pcap", version_seed(&c, 2, 0));
		SEED("v2.2-%s.pcap", version_seed(&c, 2, 2));
		SEED("v2.3-%s.pcap", version_seed(&c, 2, 3));
		SEED("v543-%s.pcap", version_seed(&c, 543, 0));
		SEED("v2.5-%s.pcap", version_seed(&c, 2, 5));
		SEED("v1.9-%s.pcap", version_seed(&c, 1, 9));
		SEED("v3.0-%s.pcap", version_seed(&c, 3, 0));
		SEED("snap0-%s.pcap", snaplen_seed(&c, 0, 1));
		SEED("snap1-%s.pcap", snaplen_seed(&c, 1, 1));
		SEED("snap2000-%s.pcap", snaplen_seed(&c, 2000, 1));
		SEED("snapmax-%s.pcap", snaplen_seed(&c, 0x7fffffff, 1));
		SEED("snapneg-%s.pcap", snaplen_seed(&c, 0x80000000, 1));
		SEED("snapneg-dbus-%s.pcap", snaplen_seed(&c, 0xffffffff, 231));
		SEED("snap-usbpcap-%s.pcap", snaplen_seed(&c, 0, 249));
		SEED("fcs-%s.pcap", snaplen_seed(&c, 65535, 0x34000001));
		SEED("ng-sections-%s.pcapng", ng_sections_seed(&c));
		SEED("ng-type-%s.pcapng", ng_mismatch_seed(&c, 113, 0, 1));
		SEED("ng-snap-%s.pcapng", ng_mismatch_seed(&c, 1, 100, 1));
		SEED("ng-raw-%s.pcapng", ng_mismatch_seed(&c, 101, 0, 101));
		SEED("ng-same-%s.pcapng", ng_mismatch_seed(&c, 1, 262144, 1));
		SEED("ng-usb-%s.pcapng", ng_usb_seed(&c));
#undef SEED
	}
}

int main(int argc, char **argv)
{
	struct options o = { PCAP_TSTAMP_PRECISION_MICRO, "loop", 0, 0, 0, 0, 0,
			     NULL, NULL, { NULL }, 0 };
	int c;
	char *colon;

	o.dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	while ((c = getopt(argc, argv, "nP:m:pis:e:d:W:V:G:")) != -1) {
		switch (c) {
		case 'n':
			o.precision = PCAP_TSTAMP_PRECISION_NANO;
			break;
		case 'P':
			o.precision = (u_int)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			o.mode = optarg;
			colon = strchr(optarg, ':');
			if (colon != NULL) {
				*colon = '\0';
				o.chunk = atoi(colon + 1);
			}
			break;
		case 'p':
			o.pipe = 1;
			break;
		case 'i':
			o.stdin_name = 1;
			break;
		case 's':
			o.skip = atol(optarg);
			break;
		case 'e':
			o.errors = atoi(optarg);
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'W':
			o.rewrite = optarg;
			break;
		case 'V':
			if (o.nvariants < 64)
				o.variants[o.nvariants++] = optarg;
			break;
		case 'G':
			write_seeds(optarg);
			return 0;
		default:
			fprintf(stderr, "usage: see the comment at the top of probe-read.c\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		probe_path(argv[i], &o);
	return 0;
}
