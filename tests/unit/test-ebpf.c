/*
 * test-ebpf.c: the cBPF -> eBPF translation (filter-jit/ebpf.c) against
 * the reference interpreter.  Every expression of the compat corpus on
 * EN10MB, optimized and not, and hand-written programs (division and
 * shifts by X, variable-offset loads, scratch memory, unsigned 32-bit
 * compares, unreachable code) are translated for XDP, TC and socket
 * filters, loaded into the kernel and run (BPF_PROG_TEST_RUN) on generated
 * Ethernet frames.  XDP and TC see the whole packet (caplen == wirelen)
 * and their accept/reject must equal bpf_interp's; the socket context
 * returns the classic value, which must equal the interpreter's.  "vlan"
 * expressions are also compiled with the tag as metadata (live Linux):
 * XDP refuses those.  Loading needs root and libbpf: without them only
 * the translation runs and the kernel part prints SKIP.
 *
 * usage: test-ebpf [corpus-dir-or-file...]; TEST_EBPF_MAX limits programs.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "filter-jit/ebpf.h"
#include "filter-jit/filter.h"
#include "tests/compat/filter-corpus.h"
#include "tests/unit/check.h"
#include "tests/unit/rng.h"

#define N_PKTS 96
#define PKT_MAX 256
#define LOG_SIZE (1u << 20)
#define SHOW_FAILURES 12

static const char *const ctx_names[] = { "xdp", "tc", "socket" };
#define N_CTX 3

/* ------------------------------------------------------------------ */
/* Packets: Ethernet frames of the protocols the corpus tests, with the
 * addresses and ports it names, some truncated, some random bytes.    */

struct pkt {
	u_char data[PKT_MAX];
	u_int len;
};

static struct pkt pkts[N_PKTS];

static const u_char macs[][6] = {
	{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
	{ 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
	{ 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 },
};
static const uint32_t ip4s[] = {
	0x0a000001, 0x01020304, 0x0a000002, 0x0a010203, 0xc0a80101,
	0x7f000001, 0x08080808, 0xffffffff, 0xe0000001, 0x0a0000ff,
};
static const uint16_t ports[] = { 80, 53, 22, 443, 1, 1024, 0, 7, 67, 68 };

static void put16(u_char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(u_char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t pick_ip4(void)
{
	return rnd() % 4 == 0 ? rnd() : ip4s[rnd() % (sizeof ip4s / 4)];
}

static uint16_t pick_port(void)
{
	return rnd() % 4 == 0 ? rnd() & 0xffff : ports[rnd() % 10];
}

/* Transport header at P for protocol PROTO; returns its length. */
static u_int put_l4(u_char *p, int proto)
{
	put16(p, pick_port());
	put16(p + 2, pick_port());
	if (proto == 6) {
		put32(p + 4, rnd());
		put32(p + 8, rnd());
		p[12] = 5 << 4;
		p[13] = rnd() & 0x3f;
		return 20;
	}
	if (proto == 1 || proto == 58) {
		p[0] = rnd() % 3 == 0 ? 8 : rnd() % 140;
		p[1] = 0;
	}
	return 8;
}

static u_int put_ip4(u_char *p)
{
	static const int protos[] = { 6, 17, 1, 132, 47, 2 };
	int proto = protos[rnd() % 6];
	u_int ihl = rnd() % 6 == 0 ? 6 : 5, n;

	p[0] = 0x40 | ihl;
	p[1] = 0;
	p[6] = rnd() % 5 == 0 ? (rnd() & 0x3f) : 0x40;
	p[7] = rnd() % 5 == 0 ? rnd() & 0xff : 0;
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, pick_ip4());
	put32(p + 16, pick_ip4());
	n = ihl * 4;
	n += put_l4(p + n, proto);
	put16(p + 2, n + 8);
	return n;
}

static u_int put_ip6(u_char *p)
{
	static const int protos[] = { 6, 17, 58, 0, 44 };
	int nh = protos[rnd() % 5];
	u_int n = 40;

	p[0] = 0x60;
	p[6] = nh;
	p[7] = 64;
	for (int i = 8; i < 40; i++)
		p[i] = rnd() % 3 ? 0 : rnd() & 0xff;
	p[8] = 0xfe;
	p[9] = 0x80;
	p[23] = 1;
	if (nh == 0 || nh == 44) {	/* one extension header, then TCP */
		p[n] = 6;
		p[n + 1] = 0;
		n += 8;
		nh = 6;
	}
	n += put_l4(p + n, nh);
	put16(p + 4, n - 40);
	return n;
}

static void make_packet(struct pkt *pk)
{
	u_char *p = pk->data;
	u_int n = 14, kind = rnd() % 20;
	uint16_t type;

	memset(p, 0, PKT_MAX);
	if (kind == 0) {	/* random bytes */
		pk->len = 14 + rnd() % 120;
		for (u_int i = 0; i < pk->len; i++)
			p[i] = rnd();
		return;
	}
	memcpy(p, macs[rnd() % 5], 6);
	memcpy(p + 6, macs[rnd() % 5], 6);
	if (kind == 1 || kind == 2) {	/* 802.1Q */
		put16(p + 12, 0x8100);
		put16(p + 14, rnd() % 3 ? 100 : rnd() & 0xffff);
		n = 18;
	}
	if (kind < 12)
		type = 0x0800;
	else if (kind < 16)
		type = 0x86dd;
	else if (kind == 16)
		type = 0x0806;
	else if (kind == 17)
		type = 40 + rnd() % 1400;	/* 802.3 length */
	else
		type = rnd() & 0xffff;
	put16(p + n - 2, type);
	if (type == 0x0800)
		n += put_ip4(p + n);
	else if (type == 0x86dd)
		n += put_ip6(p + n);
	else if (type == 0x0806) {
		put16(p + n, 1);
		put16(p + n + 2, 0x0800);
		p[n + 4] = 6;
		p[n + 5] = 4;
		put32(p + n + 14, pick_ip4());
		put32(p + n + 24, pick_ip4());
		n += 28;
	} else {
		for (u_int i = 0; i < 40; i++)
			p[n + i] = rnd();
		n += 40;
	}
	n += rnd() % 24;	/* payload */
	if (rnd() % 7 == 0)
		n = 14 + rnd() % (n - 13);
	pk->len = n;
}

static void make_packets(void)
{
	for (int i = 0; i < N_PKTS; i++)
		make_packet(&pkts[i]);
}

/* ------------------------------------------------------------------ */
/* Translate, load, run: one program on every packet in one context.  */

struct stats {
	long programs, translated, refused, loaded, load_failed, runs,
		verdict_diff, run_errors, not_runnable, accepts;
	char reasons[8][96];
	long reason_count[8];
};

static bool kernel_ok;		/* root, libbpf, and the probe loaded */
static char *vlog;

static void count_refusal(struct stats *st, const char *why)
{
	char key[96];

	/* "instruction N does X": counted by what it does */
	if (strncmp(why, "instruction ", 12) == 0)
		why += 12 + strspn(why + 12, "0123456789 ");
	snprintf(key, sizeof key, "%s", why);
	for (int i = 0; i < 8; i++) {
		if (st->reason_count[i] == 0)
			snprintf(st->reasons[i], sizeof st->reasons[i], "%s", key);
		if (strcmp(st->reasons[i], key) == 0) {
			st->reason_count[i]++;
			return;
		}
	}
}

/* Prints the tail of the verifier's log, where its complaint is. */
static void show_log(const char *log)
{
	size_t n = strlen(log);

	printf("# verifier log (last part):\n");
	for (const char *s = n > 1500 ? log + n - 1500 : log; *s;) {
		size_t l = strcspn(s, "\n");

		printf("#   %.*s\n", (int)l, s);
		s += l + (s[l] != '\0');
	}
}

/*
 * BPF_PROG_TEST_RUN for skb programs refuses (EINVAL) frames whose IPv4 or
 * IPv6 header is cut short: the kernel's harness, not the program.
 */
static bool skb_run_refuses(const struct pkt *pk)
{
	unsigned type = pk->data[12] << 8 | pk->data[13];

	return (type == 0x0800 && pk->len < 14 + 20) ||
	       (type == 0x86dd && pk->len < 14 + 40);
}

/*
 * Returns -1 refused, 0 translated (and, with the kernel, loaded and
 * compared); counts in ST.  AUX: what the interpreter sees as metadata.
 */
static int check_program(struct stats *st, const struct bpf_insn *insns,
			 u_int len, enum ebpf_ctx ctx, const char *what)
{
	static const struct bpf_aux_data no_vlan = { 0, 0 };
	struct ebpf_prog ep;
	char err[EBPF_ERRBUF_SIZE];
	int fd;

	st->programs++;
	if (cbpf_to_ebpf(insns, len, ctx, &ep, err) != 0) {
		st->refused++;
		count_refusal(st, err);
		return -1;
	}
	st->translated++;
	if (!kernel_ok) {
		ebpf_prog_free(&ep);
		return 0;
	}
	fd = ebpf_prog_load(&ep, ctx, vlog, LOG_SIZE, err);
	ebpf_prog_free(&ep);
	if (fd < 0) {
		if (st->load_failed++ < SHOW_FAILURES) {
			printf("# %s: load failed for \"%s\": %s\n",
			       ctx_names[ctx], what, err);
			show_log(vlog);
		}
		return 0;
	}
	st->loaded++;
	for (int i = 0; i < N_PKTS; i++) {
		const struct pkt *pk = &pkts[i];
		/* A socket filter's skb starts after the Ethernet header
		 * (the test-run harness pulls it); the others see it all. */
		u_int skip = ctx == EBPF_CTX_SOCKET ? 14 : 0;
		u_int want = bpf_interp(insns, pk->data + skip, pk->len - skip,
					pk->len - skip,
					ctx == EBPF_CTX_XDP ? NULL : &no_vlan);
		uint32_t got;
		bool same;

		if (ctx != EBPF_CTX_XDP && skb_run_refuses(pk)) {
			st->not_runnable++;
			continue;
		}
		if (ebpf_prog_test_run(fd, pk->data, pk->len, &got, err) != 0) {
			if (st->run_errors++ < SHOW_FAILURES)
				printf("# %s: \"%s\" packet %d (%u bytes, type "
				       "%02x%02x): %s\n", ctx_names[ctx], what,
				       i, pk->len, pk->data[12], pk->data[13],
				       err);
			continue;
		}
		st->runs++;
		st->accepts += want != 0;
		/* The socket context returns the value itself: compare it. */
		same = ctx == EBPF_CTX_SOCKET ? got == want
			: ebpf_accepts(ctx, got) == (want != 0);
		if (!same && st->verdict_diff++ < 5)
			printf("# %s: \"%s\" packet %d (%u bytes): eBPF returns "
			       "%u, interpreter %u\n", ctx_names[ctx], what, i,
			       pk->len, got, want);
	}
	close(fd);
	return 0;
}

static void print_stats(const char *name, const struct stats *st)
{
	printf("# %s: %ld programs, %ld translated, %ld refused; loaded %ld, "
	       "load failures %ld; %ld test runs (%ld accepted), verdict "
	       "diffs %ld, run "
	       "errors %ld, not runnable (skb harness: short IP header) %ld\n", name,
	       st->programs, st->translated, st->refused, st->loaded,
	       st->load_failed, st->runs, st->accepts, st->verdict_diff,
	       st->run_errors,
	       st->not_runnable);
	for (int i = 0; i < 8 && st->reason_count[i]; i++)
		printf("#   refused %ld: %s\n", st->reason_count[i],
		       st->reasons[i]);
}

static void check_stats(const struct stats *st)
{
	CHECK(st->translated > 0);
	CHECK_INT(st->load_failed, 0);
	CHECK_INT(st->verdict_diff, 0);
	CHECK_INT(st->run_errors, 0);
	if (kernel_ok)
		CHECK_INT(st->loaded, st->translated);
}

/* ------------------------------------------------------------------ */
/* Hand-written programs: what gencode rarely emits.                  */

#define S(c, k) BPF_STMT(c, k)
#define J(c, k, t, f) BPF_JUMP(c, k, t, f)

static const struct bpf_insn h_divmod[] = {
	S(BPF_LD | BPF_B | BPF_ABS, 23), S(BPF_MISC | BPF_TAX, 0),
	S(BPF_LD | BPF_W | BPF_ABS, 26), S(BPF_ALU | BPF_DIV | BPF_X, 0),
	S(BPF_ST, 1), S(BPF_LD | BPF_B | BPF_ABS, 22),
	S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_MEM, 1),
	S(BPF_ALU | BPF_MOD | BPF_X, 0), S(BPF_RET | BPF_A, 0),
};
static const struct bpf_insn h_shifts[] = {
	S(BPF_LD | BPF_B | BPF_ABS, 34), S(BPF_MISC | BPF_TAX, 0),
	S(BPF_LD | BPF_W | BPF_ABS, 26), S(BPF_ALU | BPF_LSH | BPF_X, 0),
	S(BPF_ST, 0), S(BPF_LD | BPF_B | BPF_ABS, 35),
	S(BPF_ALU | BPF_AND | BPF_K, 0x3f), S(BPF_MISC | BPF_TAX, 0),
	S(BPF_LD | BPF_MEM, 0), S(BPF_ALU | BPF_RSH | BPF_X, 0),
	S(BPF_ALU | BPF_RSH | BPF_K, 33), S(BPF_RET | BPF_A, 0),
};
static const struct bpf_insn h_compare[] = {
	S(BPF_LD | BPF_W | BPF_ABS, 26),
	J(BPF_JMP | BPF_JGT | BPF_K, 0xf0000000u, 5, 0),
	J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000u, 4, 1),
	S(BPF_LDX | BPF_W | BPF_ABS, 0) /* not an instruction */,
	S(BPF_LD | BPF_W | BPF_ABS, 30),
	S(BPF_LDX | BPF_W | BPF_IMM, 0x0a000001),
	J(BPF_JMP | BPF_JGE | BPF_X, 0, 1, 2),
	J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
	S(BPF_RET | BPF_K, 0),
	J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1),
	S(BPF_RET | BPF_K, 96),
	S(BPF_RET | BPF_K, 0),
};
static const struct bpf_insn h_indirect[] = {
	S(BPF_LDX | BPF_MSH | BPF_B, 14), S(BPF_LD | BPF_H | BPF_IND, 16),
	S(BPF_ST, 15), S(BPF_LD | BPF_B | BPF_IND, 40),
	S(BPF_LDX | BPF_MEM, 15), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	S(BPF_LDX | BPF_W | BPF_IMM, 20), S(BPF_LD | BPF_W | BPF_IND, 20),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), S(BPF_RET | BPF_K, 0),
	S(BPF_LDX | BPF_W | BPF_IMM, 0x10000), S(BPF_LD | BPF_B | BPF_IND, 0),
	S(BPF_RET | BPF_K, 1),
};
/* A stays live across the X load (the socket context saves it). */
static const struct bpf_insn h_msh_keeps_a[] = {
	S(BPF_LD | BPF_W | BPF_ABS, 26), S(BPF_LDX | BPF_MSH | BPF_B, 14),
	S(BPF_ALU | BPF_ADD | BPF_X, 0), S(BPF_RET | BPF_A, 0),
};
static const struct bpf_insn h_len_alu[] = {
	S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_ALU | BPF_SUB | BPF_K, 60),
	S(BPF_ALU | BPF_MUL | BPF_K, 3), S(BPF_ALU | BPF_XOR | BPF_K, 0x55),
	S(BPF_ALU | BPF_OR | BPF_K, 0x100), S(BPF_ALU | BPF_AND | BPF_K, 0x1f0),
	S(BPF_ALU | BPF_LSH | BPF_K, 35), S(BPF_ALU | BPF_DIV | BPF_K, 3),
	S(BPF_ALU | BPF_MOD | BPF_K, 7), S(BPF_ALU | BPF_NEG, 0),
	S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_ALU | BPF_SUB | BPF_X, 0),
	J(BPF_JMP | BPF_JGT | BPF_K, 0xfffffe00u, 0, 1),
	S(BPF_RET | BPF_A, 0), S(BPF_MISC | BPF_TXA, 0),
	S(BPF_ALU | BPF_AND | BPF_K, 1), S(BPF_RET | BPF_A, 0),
};
static const struct bpf_insn h_far_loads[] = {
	S(BPF_LD | BPF_H | BPF_ABS, 12),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 2),
	S(BPF_LD | BPF_W | BPF_ABS, 0x20000), S(BPF_RET | BPF_K, 1),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 0, 2),
	S(BPF_LD | BPF_B | BPF_ABS, 40000), S(BPF_RET | BPF_K, 1),
	S(BPF_LD | BPF_MEM, 7), S(BPF_ALU | BPF_DIV | BPF_K, 0),
	S(BPF_RET | BPF_K, 1),
};
static const struct bpf_insn h_unreachable[] = {
	S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 0),
	S(BPF_LD | BPF_MEM, 3), J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	S(BPF_RET | BPF_K, 65535), S(BPF_RET | BPF_K, 0),
};
static const struct bpf_insn h_vlan[] = {
	S(BPF_LD | BPF_B | BPF_ABS, BPF_AUX_VLAN_TAG_PRESENT),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
	S(BPF_LD | BPF_B | BPF_ABS, BPF_AUX_VLAN_TAG),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	S(BPF_RET | BPF_K, 262144), S(BPF_RET | BPF_K, 0),
};
static const struct bpf_insn h_loop[] = {
	S(BPF_LD | BPF_B | BPF_ABS, 20), S(BPF_ALU | BPF_SUB | BPF_K, 1),
	J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_JMP | BPF_JA, -3),
	S(BPF_RET | BPF_K, 1),
};

struct hand {
	const char *name;
	const struct bpf_insn *insns;
	u_int len;
	bool xdp_ok;
};

#define HAND(a, ok) { #a, a, sizeof a / sizeof a[0], ok }
static const struct hand hands[] = {
	HAND(h_divmod, true), HAND(h_shifts, true), HAND(h_compare, true),
	HAND(h_indirect, true), HAND(h_msh_keeps_a, true),
	HAND(h_len_alu, true),
	HAND(h_far_loads, true), HAND(h_unreachable, true),
	HAND(h_vlan, false), HAND(h_loop, false),
};

static void test_handwritten(void)
{
	for (int c = 0; c < N_CTX; c++) {
		struct stats st = { 0 };
		char name[64];

		for (size_t i = 0; i < sizeof hands / sizeof hands[0]; i++) {
			const struct hand *h = &hands[i];
			bool want_ok = h->insns == h_loop ? false
				       : c == EBPF_CTX_XDP ? h->xdp_ok : true;
			int rc = check_program(&st, h->insns, h->len, c, h->name);

			if ((rc == 0) != want_ok) {
				printf("# %s: %s %s\n", ctx_names[c], h->name,
				       rc == 0 ? "translated, should be refused"
					       : "refused");
				CHECK((rc == 0) == want_ok);
			}
		}
		snprintf(name, sizeof name, "hand-written %s", ctx_names[c]);
		print_stats(name, &st);
		CHECK_INT(st.load_failed, 0);
		CHECK_INT(st.verdict_diff, 0);
		CHECK_INT(st.run_errors, 0);
	}
}

/* ------------------------------------------------------------------ */
/* The corpus, on EN10MB.                                             */

struct corpus_run {
	struct stats st[N_CTX];
	struct stats vlan_st[N_CTX];	/* VLAN tags as metadata */
	long compiled, compile_failed, max, vlan_compiled;
};

/*
 * "vlan" expressions again as compiled for a live Linux handle, where the
 * tag is skb metadata (ancillary loads): XDP must refuse them, TC and
 * socket filters read __sk_buff (no tag under BPF_PROG_TEST_RUN).
 */
static void vlan_ext_expr(struct corpus_run *cr, const char *expr,
			  const struct corpus_settings *set, int opt)
{
	const struct filter_target target = { .linktype = set->dlt,
					      .snaplen = set->snaplen,
					      .linux_vlan_ext = true };
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE];

	if (strstr(expr, "vlan") == NULL ||
	    filter_compile(&target, expr, opt, set->netmask, &prog, err) != 0)
		return;
	cr->vlan_compiled++;
	for (int c = 0; c < N_CTX; c++)
		check_program(&cr->vlan_st[c], prog.bf_insns, prog.bf_len, c,
			      expr);
	free(prog.bf_insns);
}

static void one_expr(const char *expr, long lineno, long seq,
		     const struct corpus_settings *set, void *arg)
{
	struct corpus_run *cr = arg;

	for (int opt = 0; opt <= 1; opt++) {
		pcap_t *p;
		struct bpf_program prog;

		if (cr->max && cr->compiled >= cr->max)
			return;
		p = pcap_open_dead(set->dlt, set->snaplen);
		if (p == NULL)
			return;
		if (pcap_compile(p, &prog, expr, opt, set->netmask) != 0) {
			cr->compile_failed++;
			pcap_close(p);
			continue;
		}
		cr->compiled++;
		for (int c = 0; c < N_CTX; c++)
			check_program(&cr->st[c], prog.bf_insns, prog.bf_len, c,
				      expr);
		pcap_freecode(&prog);
		pcap_close(p);
		vlan_ext_expr(cr, expr, set, opt);
	}
}

static void walk_file(const char *path, void *arg)
{
	const struct corpus_settings base = { .dlt = DLT_EN10MB,
					      .snaplen = 262144,
					      .netmask = PCAP_NETMASK_UNKNOWN };
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return;
	}
	corpus_walk(f, 1, &base, 0, one_expr, arg);
	fclose(f);
}

static const char **corpus_paths;
static int n_corpus_paths;

static void test_corpus(void)
{
	struct corpus_run cr = { 0 };
	time_t t0 = time(NULL);

	if (getenv("TEST_EBPF_MAX"))
		cr.max = atol(getenv("TEST_EBPF_MAX"));
	for (int i = 0; i < n_corpus_paths; i++)
		corpus_each_file(corpus_paths[i], walk_file, &cr);
	printf("# corpus EN10MB: %ld programs compiled (optimized and not), "
	       "%ld expressions not compilable; %d packets each; %lds\n",
	       cr.compiled, cr.compile_failed, N_PKTS,
	       (long)(time(NULL) - t0));
	for (int c = 0; c < N_CTX; c++) {
		char name[64];

		snprintf(name, sizeof name, "corpus %s", ctx_names[c]);
		print_stats(name, &cr.st[c]);
		check_stats(&cr.st[c]);
	}
	printf("# corpus \"vlan\" expressions compiled with VLAN metadata: "
	       "%ld programs\n", cr.vlan_compiled);
	for (int c = 0; c < N_CTX; c++) {
		char name[64];

		snprintf(name, sizeof name, "vlan-metadata %s", ctx_names[c]);
		print_stats(name, &cr.vlan_st[c]);
		check_stats(&cr.vlan_st[c]);
		/* XDP translates only those whose metadata load is dead. */
		if (c == EBPF_CTX_XDP)
			CHECK(cr.vlan_st[c].refused > 0);
		else
			CHECK_INT(cr.vlan_st[c].refused, 0);
	}
}

/* ------------------------------------------------------------------ */

/* Can this process load programs at all?  Prints SKIP if not. */
static bool probe_kernel(void)
{
	static const struct bpf_insn ret1[] = { S(BPF_RET | BPF_K, 1) };
	struct ebpf_prog ep;
	char err[EBPF_ERRBUF_SIZE];
	int fd;

	if (geteuid() != 0) {
		printf("SKIP test-ebpf kernel loading: not root (translation "
		       "only)\n");
		return false;
	}
	if (cbpf_to_ebpf(ret1, 1, EBPF_CTX_XDP, &ep, err) != 0)
		return false;
	fd = ebpf_prog_load(&ep, EBPF_CTX_XDP, NULL, 0, err);
	ebpf_prog_free(&ep);
	if (fd < 0) {
		printf("SKIP test-ebpf kernel loading: %s (translation only)\n",
		       err);
		return false;
	}
	close(fd);
	return true;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("srcdir");
	static char dir[4096];
	static const char *defaults[1];

	if (srcdir == NULL)
		srcdir = TOP_SRCDIR;
	if (argc > 1) {
		corpus_paths = (const char **)argv + 1;
		n_corpus_paths = argc - 1;
	} else {
		snprintf(dir, sizeof dir, "%s/tests/compat/filters", srcdir);
		defaults[0] = dir;
		corpus_paths = defaults;
		n_corpus_paths = 1;
	}
	vlog = malloc(LOG_SIZE);
	if (vlog == NULL)
		return 1;
	make_packets();
	kernel_ok = probe_kernel();
	RUN(test_handwritten);
	RUN(test_corpus);
	free(vlog);
	CHECK_EXIT();
}
