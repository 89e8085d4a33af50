/*
 * test-optimize.c: the optimizer against libpcap's own, program by
 * program.  For every expression of the compat corpus and each of its
 * link types, the system libpcap (dlopen'ed, the oracle) compiles it
 * unoptimized and optimized; the unoptimized program, read back into
 * blocks, goes through our optimizer and emitter.  The outcome ("rejects
 * all packets", division by zero, ...) must match, the listing must be
 * libpcap's instruction for instruction (without the set trees, which
 * only we build), and the verdicts -- with set trees -- must match on
 * packets built to reach the program's tests, whole and truncated.
 *
 * usage: test-optimize [corpus-dir-or-file... ] (default: the compat
 * corpus and tests/unit/optimize-lists.txt); environment:
 * TEST_OPTIMIZE_MAX (cases), TEST_OPTIMIZE_SEED, TEST_OPTIMIZE_VERBOSE.
 */
#include "config.h"

#include <dlfcn.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "filter-jit/cfg.h"
#include "filter-jit/filter.h"
#include "tests/compat/filter-corpus.h"
#include "tests/unit/check.h"
#include "tests/unit/rng.h"

#define SYSTEM_LIBPCAP "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static struct {
	pcap_t *(*open_dead)(int, int);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int,
		       bpf_u_int32);
	void (*freecode)(struct bpf_program *);
	char *(*geterr)(pcap_t *);
	void (*close)(pcap_t *);
	int (*name_to_dlt)(const char *);
} sys;

static long max_cases = 1000000;

/* ------------------------------------------------------------------ */
/* libpcap's unoptimized program back into blocks.                      */

struct reader {
	const struct bpf_insn *p;
	unsigned n;
	struct blk **at;	/* block starting at each instruction */
};

/* Where control really goes from instruction i (past "ja" trampolines). */
static unsigned resolve(const struct reader *r, unsigned i)
{
	while (i < r->n && r->p[i].code == (BPF_JMP | BPF_JA))
		i = i + 1 + r->p[i].k;
	return i;
}

/*
 * Blocks start at 0 and at every target; one ends at its branch or
 * return.  Programs whose code branches inside a block (libpcap emits
 * those only for code it does not optimize, and for live VLAN tags) are
 * refused: returns false.
 */
static bool read_program(struct cc *cc, struct cfg *g, const struct bpf_insn *p,
			 unsigned n)
{
	struct reader r = { p, n, cc_alloc(cc, sizeof(struct blk *) * (n + 1)) };
	bool *leader = cc_alloc(cc, n + 1);

	leader[0] = true;
	for (unsigned i = 0; i < n; i++) {
		unsigned c = p[i].code;

		if (BPF_CLASS(c) == BPF_RET) {
			leader[i + 1] = true;
		} else if (BPF_CLASS(c) == BPF_JMP && BPF_OP(c) != BPF_JA) {
			unsigned t = resolve(&r, i + 1 + p[i].jt);
			unsigned f = resolve(&r, i + 1 + p[i].jf);

			if (t >= n || f >= n)
				return false;
			leader[t] = leader[f] = true;
			leader[i + 1] = true;
		} else if (BPF_CLASS(c) == BPF_JMP) {
			/* Only as a trampoline right after a branch. */
			if (i == 0 || BPF_CLASS(p[i - 1].code) != BPF_JMP)
				return false;
			leader[i + 1] = true;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (leader[i] && p[i].code != (BPF_JMP | BPF_JA))
			r.at[i] = cfg_new_blk(cc, g);
	for (unsigned i = 0; i < n; i++) {
		struct blk *b = r.at[i];
		unsigned j = i;

		if (b == NULL)
			continue;
		while (BPF_CLASS(p[j].code) != BPF_JMP &&
		       BPF_CLASS(p[j].code) != BPF_RET) {
			if (j > i && leader[j])
				return false;	/* falls into a target */
			j++;
		}
		if (p[j].code == (BPF_JMP | BPF_JA))
			return false;
		b->n_stmts = j - i;
		b->stmts = cc_alloc(cc, sizeof *b->stmts * (b->n_stmts + 1));
		for (unsigned s = 0; s < b->n_stmts; s++)
			b->stmts[s] = (struct insn){ p[i + s].code, 0, 0, p[i + s].k };
		b->code = p[j].code;
		b->k = p[j].k;
		if (BPF_CLASS(p[j].code) == BPF_JMP) {
			b->jt = r.at[resolve(&r, j + 1 + p[j].jt)];
			b->jf = r.at[resolve(&r, j + 1 + p[j].jf)];
			if (b->jt == NULL || b->jf == NULL)
				return false;
		}
	}
	g->entry = r.at[0];
	return g->entry != NULL;
}

/* ------------------------------------------------------------------ */
/* Packets that reach the program's tests.                              */

#define PKT_MAX 1600

struct probe_load {
	uint32_t off, size;
	uint32_t want[4];
	unsigned n_want;
};

/* Absolute loads and the constants the instructions after them test. */
static unsigned collect_loads(const struct bpf_insn *p, unsigned n,
			      struct probe_load *out, unsigned max)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n && m < max; i++) {
		unsigned c = p[i].code;

		if (BPF_CLASS(c) != BPF_LD && BPF_CLASS(c) != BPF_LDX)
			continue;
		if (BPF_MODE(c) != BPF_ABS && BPF_MODE(c) != BPF_MSH)
			continue;
		if (p[i].k >= PKT_MAX)
			continue;
		struct probe_load *l = &out[m++];

		l->off = p[i].k;
		l->size = BPF_MODE(c) == BPF_MSH ? 1 :
			  BPF_SIZE(c) == BPF_W ? 4 : BPF_SIZE(c) == BPF_H ? 2 : 1;
		l->n_want = 0;
		if (BPF_MODE(c) == BPF_MSH) {
			l->want[l->n_want++] = 0x45;
			l->want[l->n_want++] = 0x46;
		}
		for (unsigned j = i + 1; j < n && j < i + 6 && l->n_want < 4; j++) {
			unsigned cj = p[j].code;

			if (BPF_CLASS(cj) == BPF_JMP && BPF_OP(cj) != BPF_JA) {
				l->want[l->n_want++] = p[j].k;
				if (BPF_OP(cj) == BPF_JGT)
					l->want[l->n_want - 1]++;
			} else if (BPF_CLASS(cj) == BPF_ALU &&
				   BPF_OP(cj) == BPF_AND && l->n_want < 4) {
				l->want[l->n_want++] = p[j].k;
			} else if (BPF_CLASS(cj) == BPF_LD ||
				   BPF_CLASS(cj) == BPF_RET) {
				break;
			}
		}
	}
	return m;
}

static void put_be(uint8_t *pkt, uint32_t off, uint32_t size, uint32_t v)
{
	for (uint32_t i = 0; i < size; i++)
		pkt[off + i] = (uint8_t)(v >> (8 * (size - 1 - i)));
}

static unsigned make_packet(uint8_t *pkt, const struct probe_load *loads,
			    unsigned n_loads)
{
	unsigned len = 14 + rnd() % 200;

	if (rnd() % 2)
		memset(pkt, 0, PKT_MAX);
	else
		for (unsigned i = 0; i < PKT_MAX; i++)
			pkt[i] = (uint8_t)rnd();
	for (unsigned i = 0; i < n_loads; i++) {
		const struct probe_load *l = &loads[(i * 7 + rnd()) % n_loads];

		if (l->n_want == 0 || rnd() % 4 == 0)
			continue;
		if (l->off + l->size <= PKT_MAX)
			put_be(pkt, l->off, l->size, l->want[rnd() % l->n_want]);
	}
	return len;
}

/* ------------------------------------------------------------------ */

struct stats {
	long cases, skipped, outcome_diff, listing_diff, verdict_diff;
	long packets;
	double ours_s, theirs_s;
	bool verbose;		/* TEST_OPTIMIZE_VERBOSE: print each difference */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_prog(const char *title, const struct bpf_insn *p, unsigned n)
{
	fprintf(stderr, "  %s (%u):\n", title, n);
	for (unsigned i = 0; i < n && i < 80; i++)
		fprintf(stderr, "   (%03u) %04x %3u %3u %#x\n", i, p[i].code,
			p[i].jt, p[i].jf, p[i].k);
}

static void one_case(struct stats *st, int dlt, int snaplen,
		     bpf_u_int32 netmask, const char *expr, bool verbose)
{
	pcap_t *pd = sys.open_dead(dlt, snaplen);
	struct bpf_program p0, p1;
	char want_err[PCAP_ERRBUF_SIZE] = "";
	bool have_p1;

	if (pd == NULL)
		return;
	if (sys.compile(pd, &p0, expr, 0, netmask) != 0) {
		sys.close(pd);
		return;
	}
	double t0 = now();
	have_p1 = sys.compile(pd, &p1, expr, 1, netmask) == 0;
	st->theirs_s += now() - t0;
	if (!have_p1)
		snprintf(want_err, sizeof want_err, "%s", sys.geterr(pd));

	/*
	 * An optimized program identical to the plain one: libpcap did not
	 * optimize (code it refuses to touch), or found nothing to do.
	 */
	bool unoptimized = have_p1 && p1.bf_len == p0.bf_len &&
		memcmp(p1.bf_insns, p0.bf_insns, sizeof *p0.bf_insns * p0.bf_len) == 0;
	struct cc *volatile cc = calloc(1, sizeof *cc);
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_insn *volatile plain = NULL, *volatile sets = NULL;
	unsigned n_plain = 0, n_sets = 0;
	volatile bool failed = false, refused = false;

	cc->errbuf = errbuf;
	cc->snaplen = (unsigned)snaplen;
	cc->optimize = true;
	if (setjmp(cc->fail_jmp) != 0) {
		failed = true;
	} else {
		struct cfg g = { 0 };

		if (!read_program(cc, &g, p0.bf_insns, p0.bf_len)) {
			refused = true;
		} else {
			struct emit_opts o1 = { 0 };

			t0 = now();
			if (!unoptimized)
				cfg_optimize(cc, &g);
			st->ours_s += now() - t0;
			if (blk_is_ret(g.entry) && g.entry->k == 0)
				cc_fail(cc, "expression rejects all packets");
			plain = cfg_emit(cc, &g, &o1, &n_plain);
		}
	}
	/* Second run with set trees, from a fresh graph. */
	struct cc *volatile cc2 = calloc(1, sizeof *cc2);
	char errbuf2[PCAP_ERRBUF_SIZE] = "";

	cc2->errbuf = errbuf2;
	cc2->snaplen = (unsigned)snaplen;
	cc2->optimize = true;
	if (!refused && !failed && setjmp(cc2->fail_jmp) == 0) {
		struct cfg g = { 0 };
		struct emit_opts o2 = { .pools = true };

		if (read_program(cc2, &g, p0.bf_insns, p0.bf_len)) {
			if (!unoptimized)
				cfg_optimize(cc2, &g);
			cfg_build_sets(cc2, &g);
			sets = cfg_emit(cc2, &g, &o2, &n_sets);
		}
	}

	if (refused) {
		if (verbose)
			fprintf(stderr, "SKIPPED dlt %d: %s (%s)\n", dlt, expr,
				unoptimized ? "not optimized by libpcap" :
				"optimized by libpcap");
		st->skipped++;
		goto out;
	}
	st->cases++;
	if (failed != !have_p1 || (failed && strcmp(errbuf, want_err) != 0)) {
		st->outcome_diff++;
		fprintf(stderr, "OUTCOME dlt %d: %s\n  libpcap: %s\n  ours: %s\n",
			dlt, expr, have_p1 ? "ok" : want_err,
			failed ? errbuf : "ok");
		goto out;
	}
	if (failed)
		goto out;
	if (n_plain != p1.bf_len ||
	    memcmp(plain, p1.bf_insns, sizeof *plain * n_plain) != 0) {
		st->listing_diff++;
		if (verbose) {
			fprintf(stderr, "LISTING dlt %d: %s\n", dlt, expr);
			print_prog("libpcap", p1.bf_insns, p1.bf_len);
			print_prog("ours", plain, n_plain);
		}
	}
	if (sets == NULL) {
		st->verdict_diff++;
		fprintf(stderr, "SETS FAILED dlt %d: %s: %s\n", dlt, expr, errbuf2);
		goto out;
	}

	struct probe_load loads[256];
	unsigned n_loads = collect_loads(p0.bf_insns, p0.bf_len, loads, 256);
	uint8_t pkt[PKT_MAX];

	for (int i = 0; i < 100; i++) {
		unsigned wire = make_packet(pkt, loads, n_loads);
		unsigned cap = rnd() % 3 == 0 ? rnd() % (wire + 1) : wire;
		u_int want = bpf_interp(p1.bf_insns, pkt, wire, cap, NULL);
		u_int got1 = bpf_interp(plain, pkt, wire, cap, NULL);
		u_int got2 = bpf_interp(sets, pkt, wire, cap, NULL);

		st->packets++;
		if (want != got1 || want != got2) {
			st->verdict_diff++;
			fprintf(stderr, "VERDICT dlt %d: %s: caplen %u wire %u: "
				"libpcap %u, ours %u, with sets %u\n", dlt, expr,
				cap, wire, want, got1, got2);
			break;
		}
	}
out:
	free(plain);
	free(sets);
	cc_arena_free(cc);
	cc_arena_free(cc2);
	free(cc);
	free(cc2);
	sys.freecode(&p0);
	if (have_p1)
		sys.freecode(&p1);
	sys.close(pd);
}

/* ------------------------------------------------------------------ */
/* The corpus: "@dlt A B", "@netmask", "@snaplen", expressions.          */

static void walk_file(const char *path, void *arg)
{
	struct stats *st = arg;
	FILE *f = fopen(path, "r");
	char line[9000];
	int dlts[64];
	int n_dlts = 0, snaplen = 262144;
	bpf_u_int32 netmask = PCAP_NETMASK_UNKNOWN;

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) && st->cases < max_cases) {
		char *s = line, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r'))
			*--e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "@dlt", 4) == 0) {
			n_dlts = 0;
			snaplen = 262144;
			netmask = PCAP_NETMASK_UNKNOWN;
			for (char *w = strtok(s + 4, " \t"); w && n_dlts < 64;
			     w = strtok(NULL, " \t")) {
				int d = sys.name_to_dlt(w);

				dlts[n_dlts++] = d >= 0 ? d : atoi(w);
			}
			continue;
		}
		if (strncmp(s, "@snaplen", 8) == 0) {
			snaplen = atoi(s + 8);
			continue;
		}
		if (strncmp(s, "@netmask", 8) == 0) {
			unsigned a, b, c, d;

			netmask = sscanf(s + 8, " %u.%u.%u.%u", &a, &b, &c, &d) == 4
					  ? htonl(a << 24 | b << 16 | c << 8 | d)
					  : PCAP_NETMASK_UNKNOWN;
			continue;
		}
		if (*s == '@')
			continue;
		for (int i = 0; i < n_dlts; i++)
			one_case(st, dlts[i], snaplen, netmask, s,
				 st->verbose);
	}
	fclose(f);
}

static const char **corpus;
static int n_corpus;

static void test_corpus(void)
{
	struct stats st = { .verbose = getenv("TEST_OPTIMIZE_VERBOSE") != NULL };

	for (int i = 0; i < n_corpus; i++)
		corpus_each_file(corpus[i], walk_file, &st);
	printf("# %ld programs (%ld skipped), %ld packets; outcome diffs %ld, "
	       "listing diffs %ld, verdict diffs %ld; optimizer time ours "
	       "%.3fs, libpcap %.3fs\n", st.cases, st.skipped, st.packets,
	       st.outcome_diff, st.listing_diff, st.verdict_diff, st.ours_s,
	       st.theirs_s);
	CHECK(st.cases > 0);
	CHECK_INT(st.outcome_diff, 0);
	CHECK_INT(st.listing_diff, 0);
	CHECK_INT(st.verdict_diff, 0);
}

static int load_oracle(void)
{
	void *h = dlopen(SYSTEM_LIBPCAP, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return -1;
	*(void **)&sys.open_dead = dlsym(h, "pcap_open_dead");
	*(void **)&sys.compile = dlsym(h, "pcap_compile");
	*(void **)&sys.freecode = dlsym(h, "pcap_freecode");
	*(void **)&sys.geterr = dlsym(h, "pcap_geterr");
	*(void **)&sys.close = dlsym(h, "pcap_close");
	*(void **)&sys.name_to_dlt = dlsym(h, "pcap_datalink_name_to_val");
	return sys.open_dead && sys.compile && sys.freecode && sys.geterr &&
	       sys.close && sys.name_to_dlt ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("srcdir");
	static char dir[2][4096];
	static const char *defaults[2];

	if (srcdir == NULL)
		srcdir = TOP_SRCDIR;
	if (getenv("TEST_OPTIMIZE_MAX"))
		max_cases = atol(getenv("TEST_OPTIMIZE_MAX"));
	if (getenv("TEST_OPTIMIZE_SEED"))
		rng_state = strtoull(getenv("TEST_OPTIMIZE_SEED"), NULL, 0) | 1;
	if (argc > 1) {
		corpus = (const char **)argv + 1;
		n_corpus = argc - 1;
	} else {
		snprintf(dir[0], sizeof dir[0], "%s/tests/compat/filters", srcdir);
		snprintf(dir[1], sizeof dir[1], "%s/tests/unit/optimize-lists.txt",
			 srcdir);
		defaults[0] = dir[0];
		defaults[1] = dir[1];
		corpus = defaults;
		n_corpus = 2;
	}
	if (load_oracle() != 0) {
		printf("SKIP test-optimize: no system libpcap at %s\n",
		       SYSTEM_LIBPCAP);
		return 0;
	}
	RUN(test_corpus);
	CHECK_EXIT();
}
