/*
 * test-jit.c: the JIT against the interpreter, verdict for verdict.  (1)
 * Every expression of the compat corpus, compiled by our compiler for each
 * of its link types (and with VLAN tags as metadata for Ethernet), over
 * packets shaped like its traffic, random and truncated, with and without
 * aux data; (2) seeded random valid programs over random packets.  Any
 * mismatch prints the program and the packet.
 *
 * usage: test-jit [corpus-dir-or-file...]; environment: TEST_JIT_SEED,
 * TEST_JIT_PROGRAMS (random programs; default 100000).
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter-jit/filter.h"
#include "filter-jit/jit.h"
#include "tests/compat/filter-corpus.h"
#include "tests/unit/check.h"
#include "tests/unit/rng.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static long compared, refused, mismatches;

static void dump(const struct bpf_insn *p, u_int len, const u_char *pkt,
		 u_int buflen, u_int wirelen, const struct bpf_aux_data *aux)
{
	fprintf(stderr, "program (%u insns):\n", len);
	for (u_int i = 0; i < len; i++)
		fprintf(stderr, "  { 0x%02x, %u, %u, 0x%08x },\n", p[i].code,
			p[i].jt, p[i].jf, p[i].k);
	fprintf(stderr, "packet (buflen %u wirelen %u aux %s %u/%u):", buflen,
		wirelen, aux ? "yes" : "no", aux ? aux->vlan_tag : 0,
		aux ? aux->vlan_tag_present : 0);
	for (u_int i = 0; i < buflen; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", pkt[i]);
	fputc('\n', stderr);
}

/* One packet, both ways. */
static void compare(bpf_jit_fn fn, const struct bpf_insn *p, u_int len,
		    const u_char *pkt, u_int buflen, u_int wirelen,
		    const struct bpf_aux_data *aux)
{
	u_int want = bpf_interp(p, pkt, wirelen, buflen, aux);
	u_int got = fn(pkt, wirelen, buflen, aux);

	compared++;
	if (got == want)
		return;
	if (mismatches++ < 3) {
		fprintf(stderr, "mismatch: jit %u, interpreter %u\n", got, want);
		dump(p, len, pkt, buflen, wirelen, aux);
	}
	CHECK(got == want);
}

/* ------------------------------------------------------------------ */
/* Packets.                                                             */

#define MAX_PKT 256

/* Headers the corpus tests for: Ethernet, VLAN, IPv4/IPv6, TCP/UDP. */
static u_int template_packet(u_char *b)
{
	static const u_char eth_ip_tcp[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
		0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 198, 18, 0, 1,
		10, 0, 0, 2, 0, 80, 0x04, 0xd2, 0, 0, 0, 1, 0, 0, 0, 0,
		0x50, 0x02, 0x20, 0, 0, 0, 0, 0,
	};
	static const u_char eth_ip6_udp[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 8, 17, 64,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		0x04, 0x00, 0, 53, 0, 8, 0, 0,
	};
	static const u_char eth_vlan_ip_udp[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0, 100,
		0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 198, 18, 0, 1, 0x07, 0xd0, 0, 53, 0, 8, 0, 0,
	};
	const u_char *t;
	u_int n, skip, off;

	switch (rnd() % 4) {
	case 0: t = eth_ip_tcp; n = sizeof eth_ip_tcp; break;
	case 1: t = eth_ip6_udp; n = sizeof eth_ip6_udp; break;
	case 2: t = eth_vlan_ip_udp; n = sizeof eth_vlan_ip_udp; break;
	default:
		n = rnd() % MAX_PKT;
		for (u_int i = 0; i < n; i++)
			b[i] = (u_char)rnd();
		return n;
	}
	/* Other link types: the same headers, some bytes in. */
	skip = rnd() % 3 == 0 ? rnd() % 24 : 0;
	for (u_int i = 0; i < skip; i++)
		b[i] = (u_char)rnd();
	off = rnd() % 4 == 0 ? 14 : 0;		/* from the network header */
	memcpy(b + skip, t + off, n - off);
	n += skip - off;
	for (u_int i = n; i < MAX_PKT; i++)
		b[i] = (u_char)rnd();
	n += rnd() % 64;
	for (int m = rnd() % 4; m > 0; m--)	/* a few mutated bytes */
		b[rnd() % n] = (u_char)rnd();
	return n;
}

/* Each packet whole and truncated, with and without aux data. */
static void compare_packets(bpf_jit_fn fn, const struct bpf_insn *p,
			    u_int len, int count)
{
	u_char *pkt = malloc(MAX_PKT + 64);

	for (int n = 0; n < count; n++) {
		u_int full = template_packet(pkt);
		u_int cut = full ? rnd() % (full + 1) : 0;
		struct bpf_aux_data aux = {
			.vlan_tag = rnd() % 4096,
			.vlan_tag_present = rnd() % 2,
		};

		compare(fn, p, len, pkt, full, full, NULL);
		compare(fn, p, len, pkt, full, full, &aux);
		compare(fn, p, len, pkt, cut, full + rnd() % 100, NULL);
		compare(fn, p, len, pkt, cut, full, &aux);
	}
	free(pkt);
}

/* ------------------------------------------------------------------ */
/* (1) The corpus.                                                      */

static long corpus_programs;

static void one_expression(const struct filter_target *target,
			   const char *text)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	bpf_jit_fn fn;
	size_t size;

	if (filter_compile(target, text, 1, PCAP_NETMASK_UNKNOWN, &prog,
			   errbuf) != 0)
		return;
	fn = bpf_jit_compile(prog.bf_insns, prog.bf_len, &size);
	if (fn == NULL) {
		refused++;
	} else {
		corpus_programs++;
		compare_packets(fn, prog.bf_insns, prog.bf_len, 40);
		bpf_jit_free(fn, size);
	}
	free(prog.bf_insns);
}

static void walk_file(const char *path, void *ctx)
{
	FILE *f = fopen(path, "r");
	char line[9000];
	int dlts[64], n_dlts = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
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
			for (char *w = strtok(s + 4, " \t"); w && n_dlts < 64;
			     w = strtok(NULL, " \t")) {
				int d = pcap_datalink_name_to_val(w);

				dlts[n_dlts++] = d >= 0 ? d : atoi(w);
			}
			continue;
		}
		if (*s == '@')
			continue;
		for (int i = 0; i < n_dlts; i++) {
			struct filter_target t = {
				.linktype = dlts[i], .snaplen = 262144,
				.savefile = true,
			};

			one_expression(&t, s);
			if (dlts[i] == DLT_EN10MB) {	/* live: aux loads */
				t.savefile = false;
				t.linux_vlan_ext = true;
				one_expression(&t, s);
			}
		}
	}
	fclose(f);
}

static const char **corpus;
static int n_corpus;

static void test_corpus(void)
{
	long before = compared;

	refused = 0;
	for (int i = 0; i < n_corpus; i++)
		corpus_each_file(corpus[i], walk_file, NULL);
	printf("# corpus: %ld programs, %ld refused (backward jumps), "
	       "%ld comparisons\n", corpus_programs, refused,
	       compared - before);
	CHECK(corpus_programs > 1000);
}

/* ------------------------------------------------------------------ */
/* (2) Random valid programs.                                           */

/* Every code the interpreter executes, and a few it does not. */
static const uint16_t codes[] = {
	BPF_RET | BPF_K, BPF_RET | BPF_A,
	BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS,
	BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_IND,
	BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
	BPF_LDX | BPF_MSH | BPF_B, BPF_LD | BPF_W | BPF_LEN,
	BPF_LDX | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
	BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
	BPF_JMP | BPF_JA, BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGE | BPF_K,
	BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JSET | BPF_K,
	BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JGE | BPF_X,
	BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JSET | BPF_X,
	BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_K,
	BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_DIV | BPF_K,
	BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_AND | BPF_K,
	BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_XOR | BPF_K,
	BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K,
	BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_X,
	BPF_ALU | BPF_MUL | BPF_X, BPF_ALU | BPF_DIV | BPF_X,
	BPF_ALU | BPF_MOD | BPF_X, BPF_ALU | BPF_AND | BPF_X,
	BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_X,
	BPF_ALU | BPF_LSH | BPF_X, BPF_ALU | BPF_RSH | BPF_X,
	BPF_ALU | BPF_NEG, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
	/* valid to bpf_check, not executed: reject the packet */
	BPF_LD | BPF_H | BPF_LEN, BPF_LD | BPF_B | BPF_IMM,
	BPF_ALU | BPF_NEG | BPF_X, BPF_MISC | 0x30, 0x106,
};

static uint32_t random_k(uint16_t code)
{
	static const uint32_t special[] = {
		0, 1, 2, 3, 4, 14, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000,
		0xfffffffc, 0xfffffffe, 0xffffffff, BPF_AUX_VLAN_TAG,
		BPF_AUX_VLAN_TAG_PRESENT, BPF_AUX_OFF, 0x1000, 65535,
	};

	if (BPF_CLASS(code) == BPF_ST || BPF_CLASS(code) == BPF_STX ||
	    BPF_MODE(code) == BPF_MEM)
		return rnd() % BPF_MEMWORDS;
	switch (rnd() % 4) {
	case 0: return special[rnd() % (sizeof special / sizeof *special)];
	case 1: return rnd();
	default: return rnd() % 80;
	}
}

/* A program bpf_check accepts: forward jumps in range, RET at the end. */
static u_int random_program(struct bpf_insn *p, u_int max)
{
	u_int len = 1 + rnd() % max;

	for (u_int i = 0; i < len; i++) {
		u_int room = len - 2 - i;	/* jump reach to the last insn */
		uint16_t code = codes[rnd() % (sizeof codes / sizeof *codes)];

		if (i == len - 1)
			code = rnd() % 2 ? BPF_RET | BPF_A : BPF_RET | BPF_K;
		else if (BPF_CLASS(code) == BPF_RET && rnd() % 3)
			code = BPF_LD | BPF_B | BPF_ABS;
		p[i].code = code;
		p[i].k = random_k(code);
		p[i].jt = p[i].jf = 0;
		if (BPF_CLASS(code) == BPF_JMP) {
			u_int reach = room < 255 ? room : 255;

			p[i].jt = rnd() % (reach + 1);
			p[i].jf = rnd() % (reach + 1);
			if (BPF_OP(code) == BPF_JA)
				p[i].k = rnd() % (room + 1);
		}
		if ((BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD) &&
		    BPF_CLASS(code) == BPF_ALU && BPF_SRC(code) == BPF_K &&
		    p[i].k == 0)
			p[i].k = 1 + rnd() % 7;
	}
	return len;
}

static void test_random_programs(void)
{
	const char *env = getenv("TEST_JIT_PROGRAMS");
	long programs = env ? atol(env) : 100000, before = compared;
	struct bpf_insn p[64];
	u_char pkt[200];
	clock_t t0 = clock();

	for (long n = 0; n < programs && mismatches < 3; n++) {
		u_int len = random_program(p, 1 + rnd() % 64);
		size_t size;
		bpf_jit_fn fn;

		CHECK(bpf_check(p, (int)len));
		fn = bpf_jit_compile(p, len, &size);
		CHECK(fn != NULL);
		if (fn == NULL)
			continue;
		for (int k = 0; k < 30; k++) {
			u_int buflen = rnd() % 201;
			struct bpf_aux_data aux = {
				.vlan_tag = rnd() % 4096,
				.vlan_tag_present = rnd() % 2,
			};

			for (u_int i = 0; i < buflen; i++)
				pkt[i] = rnd() % 4 ? (u_char)(rnd() % 16)
						   : (u_char)rnd();
			compare(fn, p, len, pkt, buflen,
				buflen + (rnd() % 3 ? 0 : rnd()),
				rnd() % 2 ? &aux : NULL);
		}
		bpf_jit_free(fn, size);
	}
	printf("# random: %ld programs x 30 packets = %ld comparisons, %.1f s\n",
	       programs, compared - before,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
}

/* Refusals: backward "ja" (protochain) and invalid programs. */
static void test_refusals(void)
{
	struct bpf_insn back[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0),
		BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)-3),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct bpf_insn bad[] = { BPF_STMT(BPF_LD | BPF_IMM, 1) };
	size_t size;

	CHECK(bpf_check(back, 4));
	CHECK(bpf_jit_compile(back, 4, &size) == NULL);
	CHECK(bpf_jit_compile(bad, 1, &size) == NULL);
}

/* user_filter: JIT'ed unless ACCEL_JIT=0; same verdicts either way. */
static void test_user_filter(void)
{
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 65535),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct bpf_program prog = { 4, insns };
	struct user_filter f = { 0 };
	u_char pkt[14] = { [12] = 0x08 };

	unsetenv("ACCEL_JIT");
	CHECK_INT(user_filter_set(&f, &prog), 0);
	CHECK(f.jit != NULL);
	CHECK_INT(user_filter_run(&f, pkt, 14, 14), 65535);
	CHECK_INT(user_filter_run(&f, pkt, 14, 13), 0);
	setenv("ACCEL_JIT", "0", 1);
	CHECK_INT(user_filter_set(&f, &prog), 0);
	CHECK(f.jit == NULL);
	CHECK_INT(user_filter_run(&f, pkt, 14, 14), 65535);
	unsetenv("ACCEL_JIT");
	user_filter_clear(&f);
	CHECK(f.jit == NULL && f.insns == NULL);
}

int main(int argc, char **argv)
{
	static char dir[4096];
	static const char *defaults[1];
	const char *seed = getenv("TEST_JIT_SEED");

	if (seed != NULL)
		rng_state = strtoull(seed, NULL, 0) | 1;
	if (argc > 1) {
		corpus = (const char **)argv + 1;
		n_corpus = argc - 1;
	} else {
		snprintf(dir, sizeof dir, "%s/tests/compat/filters", TOP_SRCDIR);
		defaults[0] = dir;
		corpus = defaults;
		n_corpus = 1;
	}
#ifndef __x86_64__
	puts("SKIP jit: no JIT for this architecture");
	return 0;
#endif
	RUN(test_refusals);
	RUN(test_user_filter);
	RUN(test_random_programs);
	RUN(test_corpus);
	return check_total_failed != 0;
}
