/*
 * bench/filter.c: nanoseconds per packet for typical filters over one
 * generated mixed capture, in one run: the system libpcap's
 * pcap_offline_filter, ours (the interpreter) and our JIT, each filtering
 * packets just copied into a buffer as a reader does (and, for the JIT
 * and libpcap, streaming the capture from memory: "cold").
 * Both libraries share a soname, so each is dlopen'ed by path and
 * compiles its own program; the JIT (linked in from libaccel.a, nothing
 * exported) runs the program our pcap_compile made.  The three accept
 * counts must agree.
 *
 * usage: filter BUILD_DIR [PACKETS]     print the table
 *        filter --write FILE [PACKETS]  write the capture as a savefile
 *        filter --hosts                 print the 100-host filter
 */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter-jit/filter.h"
#include "filter-jit/jit.h"

#define SYSTEM_LIBPCAP "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8"
#define MAX_LEN 128

struct lib {
	void *h;
	pcap_t *(*open_dead)(int, int);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int,
		       bpf_u_int32);
	int (*offline_filter)(const struct bpf_program *,
			      const struct pcap_pkthdr *, const u_char *);
	char *(*geterr)(pcap_t *);
	pcap_t *pd;
};

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static char hosts_filter[4096];

static void make_hosts_filter(void)
{
	size_t n = 0;

	for (int i = 0; i < 100; i++)
		n += snprintf(hosts_filter + n, sizeof hosts_filter - n,
			      "%shost 10.%d.%d.%d", i ? " or " : "", i % 3,
			      i / 3, 1 + i * 7 % 250);
}

/* A mixed capture: IPv4 TCP/UDP, VLAN, IPv6, ARP, some hosts and ports
 * the filters look for. */
static u_int make_packet(u_char *b)
{
	u_int kind = rnd() % 20, off = 14, proto;

	memset(b, 0, MAX_LEN);
	for (int i = 0; i < 12; i++)
		b[i] = (u_char)rnd();
	if (kind < 2) {				/* VLAN */
		b[12] = 0x81, b[13] = 0x00, b[15] = rnd() % 100;
		off = 18;
	}
	if (kind == 19) {			/* ARP */
		b[off - 2] = 0x08, b[off - 1] = 0x06;
		return 60;
	}
	proto = rnd() % 3 ? 6 : 17;
	if (kind >= 16) {			/* IPv6 */
		b[off - 2] = 0x86, b[off - 1] = 0xdd;
		b[off] = 0x60, b[off + 6] = proto, b[off + 7] = 64;
		b[off + 8] = 0x20, b[off + 9] = kind == 16 ? 0x01 : 0x02;
		b[off + 10] = 0x0d, b[off + 11] = 0xb8;
		for (int i = 12; i < 40; i++)
			b[off + i] = (u_char)rnd();
		off += 40;
	} else {				/* IPv4 */
		b[off - 2] = 0x08, b[off - 1] = 0x00;
		b[off] = 0x45, b[off + 8] = 64, b[off + 9] = proto;
		b[off + 2] = 0, b[off + 3] = 100;
		b[off + 12] = 10, b[off + 13] = rnd() % 4;
		b[off + 14] = rnd() % 40, b[off + 15] = rnd() % 256;
		if (rnd() % 8 == 0)
			b[off + 12] = 198, b[off + 13] = 18, b[off + 14] = 0,
			b[off + 15] = 1;
		b[off + 16] = 10, b[off + 17] = rnd() % 4;
		b[off + 18] = rnd() % 40, b[off + 19] = rnd() % 256;
		off += 20;
	}
	b[off] = rnd() % 16, b[off + 1] = rnd();	/* ports */
	b[off + 2] = rnd() % 8 ? rnd() % 16 : 0, b[off + 3] = rnd() % 8 ? rnd() : 80;
	if (proto == 6) {
		b[off + 12] = 0x50, b[off + 13] = rnd() % 4 ? 0x10 : 0x02;
		off += 20;
	} else {
		off += 8;
	}
	return off + rnd() % (MAX_LEN - off + 1);
}

struct capture {
	u_char *data;		/* MAX_LEN bytes per packet */
	struct pcap_pkthdr *hdr;
	long n;
};

static void make_capture(struct capture *c, long n)
{
	c->n = n;
	c->data = malloc((size_t)n * MAX_LEN);
	c->hdr = calloc((size_t)n, sizeof *c->hdr);
	if (c->data == NULL || c->hdr == NULL)
		exit(1);
	for (long i = 0; i < n; i++) {
		c->hdr[i].caplen = c->hdr[i].len =
			make_packet(c->data + i * MAX_LEN);
		c->hdr[i].ts.tv_sec = 1700000000 + i / 1000;
		c->hdr[i].ts.tv_usec = i % 1000 * 1000;
	}
}

static int load(struct lib *l, const char *path)
{
	l->h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (l->h == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	*(void **)&l->open_dead = dlsym(l->h, "pcap_open_dead");
	*(void **)&l->compile = dlsym(l->h, "pcap_compile");
	*(void **)&l->offline_filter = dlsym(l->h, "pcap_offline_filter");
	*(void **)&l->geterr = dlsym(l->h, "pcap_geterr");
	if (!l->open_dead || !l->compile || !l->offline_filter || !l->geterr)
		return -1;
	l->pd = l->open_dead(DLT_EN10MB, 262144);
	return l->pd != NULL ? 0 : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * How a filter meets packets in a reader: a batch of records is copied
 * into one reused buffer (the savefile reader's fread, a ring's block),
 * then each is filtered while it is still in cache.  Only the filtering
 * is timed.  "cold" instead streams the whole capture from memory, so
 * most of its time is memory bandwidth, the same for every filter.
 */
#define BATCH 64

struct batch {
	u_char data[BATCH * MAX_LEN];
	struct pcap_pkthdr hdr[BATCH];
};

typedef int (*filter_call)(const void *f, const struct pcap_pkthdr *h,
			   const u_char *pkt);

static int call_offline(const void *f, const struct pcap_pkthdr *h,
			const u_char *pkt)
{
	const struct lib *l = ((const void *const *)f)[0];

	return l->offline_filter(((const void *const *)f)[1], h, pkt);
}

static int call_jit(const void *f, const struct pcap_pkthdr *h,
		    const u_char *pkt)
{
	return (*(const bpf_jit_fn *)f)(pkt, h->len, h->caplen, NULL);
}

/* Nanoseconds per packet, best of five passes; *accepted from the last.
 * Always inlined, so each caller's filter call is a direct one. */
static inline __attribute__((always_inline)) double time_filter(filter_call call, const void *f,
			  const struct capture *c, bool cold, long *accepted)
{
	static struct batch b;
	double best = 1e9;

	for (int r = 0; r < 5; r++) {
		double spent = 0;
		long n = 0;

		for (long i = 0; i < c->n; i += BATCH) {
			long m = c->n - i < BATCH ? c->n - i : BATCH;
			const u_char *data = b.data;
			const struct pcap_pkthdr *hdr = b.hdr;
			double t0;

			if (cold) {
				data = c->data + i * MAX_LEN;
				hdr = c->hdr + i;
			} else {
				memcpy(b.data, c->data + i * MAX_LEN,
				       (size_t)m * MAX_LEN);
				memcpy(b.hdr, c->hdr + i, (size_t)m * sizeof *hdr);
			}
			t0 = now();
			for (long j = 0; j < m; j++)
				n += call(f, &hdr[j], data + j * MAX_LEN) != 0;
			spent += now() - t0;
		}
		best = spent < best ? spent : best;
		*accepted = n;
	}
	return best * 1e9 / c->n;
}

/* The cost of calling a filter at all: the empty filter (one "ret"). */
static int print_floor(const struct lib *stock, const struct lib *ours,
		       const struct capture *c)
{
	struct bpf_program ps, po;
	const void *fs[2] = { stock, &ps };
	bpf_jit_fn fn;
	size_t size;
	long as, aj;
	double ts, tj;

	if (stock->compile(stock->pd, &ps, "", 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    ours->compile(ours->pd, &po, "", 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    (fn = bpf_jit_compile(po.bf_insns, po.bf_len, &size)) == NULL)
		return 1;
	ts = time_filter(call_offline, fs, c, false, &as);
	tj = time_filter(call_jit, &fn, c, false, &aj);
	printf("empty filter (the cost of a call): libpcap %.2f ns, JIT %.2f ns\n",
	       ts, tj);
	bpf_jit_free(fn, size);
	return as != aj;
}

static int write_capture(const char *file, long n)
{
	struct capture c;
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 262144);
	pcap_dumper_t *d = pd ? pcap_dump_open(pd, file) : NULL;

	if (d == NULL)
		return 1;
	make_capture(&c, n);
	for (long i = 0; i < n; i++)
		pcap_dump((u_char *)d, &c.hdr[i], c.data + i * MAX_LEN);
	pcap_dump_close(d);
	pcap_close(pd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *filters[] = {
		"tcp port 80", "host 198.18.0.1 and udp",
		"tcp[tcpflags] & tcp-syn != 0", "ip6 net 2001:db8::/32",
		hosts_filter, "vlan and ip", "portrange 1000-2000",
	};
	const int n_filters = sizeof filters / sizeof *filters;
	struct lib stock, ours;
	struct capture c;
	char path[4096];
	double log_sum = 0, log_cold = 0;
	int failed = 0;

	make_hosts_filter();
	if (argc >= 2 && strcmp(argv[1], "--hosts") == 0) {
		puts(hosts_filter);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--write") == 0)
		return write_capture(argv[2], argc > 3 ? atol(argv[3]) : 1000000);
	if (argc < 2) {
		fprintf(stderr, "usage: filter BUILD_DIR [PACKETS]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/libpcap.so.0.8", argv[1]);
	if (load(&stock, SYSTEM_LIBPCAP) != 0 || load(&ours, path) != 0)
		return 1;
	make_capture(&c, argc > 2 ? atol(argv[2]) : 1000000);
	printf("%ld packets, ns per packet (best of 5): each batch of %d copied "
	       "into a reused buffer, then filtered;\n\"cold\" columns stream "
	       "the capture from memory instead\n\n", c.n, BATCH);
	printf("| %-28s | %7s | %7s | %7s | %7s | %7s | %7s | %7s | %s\n",
	       "filter", "libpcap", "interp", "jit", "jit/lib", "cold lib",
	       "cold jit", "cold x", "accepted");
	printf("|------------------------------|--------:|--------:|--------:"
	       "|--------:|--------:|--------:|--------:|---------\n");
	for (int i = 0; i < n_filters; i++) {
		struct bpf_program ps, po;
		const void *fs[2] = { &stock, &ps }, *fo[2] = { &ours, &po };
		long as, ao, aj, acs, acj;
		double ts, to, tj, tcs, tcj;
		size_t size;
		bpf_jit_fn fn;
		char name[29];
		bool same;

		if (stock.compile(stock.pd, &ps, filters[i], 1,
				  PCAP_NETMASK_UNKNOWN) != 0 ||
		    ours.compile(ours.pd, &po, filters[i], 1,
				 PCAP_NETMASK_UNKNOWN) != 0) {
			fprintf(stderr, "compile failed: %s\n", filters[i]);
			return 1;
		}
		fn = bpf_jit_compile(po.bf_insns, po.bf_len, &size);
		if (fn == NULL) {
			fprintf(stderr, "JIT refused: %s\n", filters[i]);
			return 1;
		}
		ts = time_filter(call_offline, fs, &c, false, &as);
		to = time_filter(call_offline, fo, &c, false, &ao);
		tj = time_filter(call_jit, &fn, &c, false, &aj);
		tcs = time_filter(call_offline, fs, &c, true, &acs);
		tcj = time_filter(call_jit, &fn, &c, true, &acj);
		snprintf(name, sizeof name, "%s", i == 4 ? "100-host OR list"
							 : filters[i]);
		same = as == ao && ao == aj && aj == acs && acs == acj;
		printf("| %-28s | %7.2f | %7.2f | %7.2f | %6.2fx | %7.2f | %7.2f "
		       "| %6.2fx | %ld%s\n", name, ts, to, tj, ts / tj, tcs, tcj,
		       tcs / tcj, aj, same ? "" : " MISMATCH");
		failed |= !same;
		log_sum += log(ts / tj);
		log_cold += log(tcs / tcj);
		bpf_jit_free(fn, size);
	}
	printf("\ngeometric mean, JIT vs libpcap: %.2fx (cold: %.2fx)\n",
	       exp(log_sum / n_filters), exp(log_cold / n_filters));
	failed |= print_floor(&stock, &ours, &c);
	return failed;
}
