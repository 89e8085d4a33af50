/*
 * test-bpf.c: the classic BPF interpreter, validator and printers against
 * the system libpcap, loaded in-process with dlopen as the oracle (our
 * statically linked copies are hidden, so the names do not clash).
 *
 * Random cases are seeded: BPF_TEST_SEED=<n> reruns a reported failure.
 * `test-bpf --bench` also times both interpreters on typical programs.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "filter-jit/filter.h"
#include "tests/unit/check.h"

#define SYSTEM_LIBPCAP "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8"

/* The system library's functions. */
static struct {
	u_int (*filter)(const struct bpf_insn *, const u_char *, u_int, u_int);
	int (*validate)(const struct bpf_insn *, int);
	char *(*image)(const struct bpf_insn *, int);
	void (*dump)(const struct bpf_program *, int);
	pcap_t *(*open_dead)(int, int);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int,
		       bpf_u_int32);
	void (*freecode)(struct bpf_program *);
	void (*close)(pcap_t *);
} sys;

static uint64_t seed = 0x5eed0b9f;

/* ------------------------------------------------------------------ */
/* Deterministic randomness: splitmix64, one stream per case. */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform value in [0, n), n > 0. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static uint32_t rng_pick(struct rng *r, const uint32_t *v, size_t n)
{
	return v[rng_below(r, (uint32_t)n)];
}

#define PICK(r, arr) rng_pick(r, arr, sizeof(arr) / sizeof(arr)[0])

static struct rng rng_for(uint64_t group, uint64_t index)
{
	struct rng r = { seed ^ (group << 56) ^ (index * 0x2545f4914f6cdd1dull) };

	rng_next(&r);
	return r;
}

static struct bpf_insn insn(u_short code, u_char jt, u_char jf, bpf_u_int32 k)
{
	struct bpf_insn i = { code, jt, jf, k };

	return i;
}

static void print_program(const char *what, const struct bpf_insn *p, int n)
{
	fprintf(stderr, "%s (%d insns, -ddd form):\n", what, n);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "  %u %u %u %u\n", p[i].code, p[i].jt, p[i].jf,
			p[i].k);
}

/* ------------------------------------------------------------------ */
/* Packets sit right before an inaccessible page: any read past buflen faults. */

#define PKT_AREA 4096

static u_char *guard_area;

static int guard_setup(void)
{
	long page = sysconf(_SC_PAGESIZE);
	u_char *m = mmap(NULL, PKT_AREA + (size_t)page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m + PKT_AREA, (size_t)page, PROT_NONE) != 0)
		return -1;
	guard_area = m;
	return 0;
}

static u_char *guarded_packet(u_int len)
{
	return guard_area + PKT_AREA - len;
}

/* ------------------------------------------------------------------ */
/* The instruction table matches what the interpreter executes. */

static void test_opcode_table(void)
{
	static u_char pkt[64];
	int known = 0;

	/*
	 * ld #7; ldx #1; <code k=1>; ret #5; ret #5: an instruction gives 1,
	 * 7 (the two returns) or 5; a non-instruction rejects (0).
	 */
	for (unsigned code = 0; code <= 0xffff; code++) {
		struct bpf_insn p[5] = {
			insn(BPF_LD | BPF_IMM, 0, 0, 7),
			insn(BPF_LDX | BPF_IMM, 0, 0, 1),
			insn((u_short)code, 0, 0, 1),
			insn(BPF_RET | BPF_K, 0, 0, 5),
			insn(BPF_RET | BPF_K, 0, 0, 5),
		};
		u_int r = bpf_interp(p, pkt, sizeof pkt, sizeof pkt, NULL);

		if ((r != 0) != bpf_is_insn(code)) {
			char m[120];

			snprintf(m, sizeof m, "opcode 0x%x: interpreter %s it, "
				 "table %s", code, r ? "runs" : "rejects",
				 bpf_is_insn(code) ? "has it" : "does not");
			check_fail(__FILE__, __LINE__, m);
		}
		known += r != 0;
	}
	CHECK_INT(known, 49);
}

/* ------------------------------------------------------------------ */
/* (a) bpf_image: every 16-bit code, several k/jt/jf/n. */

static int image_mismatches;

static void image_compare(struct bpf_insn p, int n)
{
	char ours[300], theirs[300];

	snprintf(ours, sizeof ours, "%s", bpf_image(&p, n));
	snprintf(theirs, sizeof theirs, "%s", sys.image(&p, n));
	if (strcmp(ours, theirs) == 0)
		return;
	if (image_mismatches++ == 0) {
		char m[480];

		snprintf(m, sizeof m, "bpf_image({0x%x,%u,%u,0x%x}, %d) = "
			 "\"%s\", system \"%s\"", p.code, p.jt, p.jf, p.k, n,
			 ours, theirs);
		check_fail(__FILE__, __LINE__, m);
	}
}

static void test_image(void)
{
	static const uint32_t ks[] = {
		0, 1, 2, 15, 16, 31, 32, 255, 4096, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff, 0xffffefff, 0xfffff000, 0xfffff02c,
		0xfffff02d, 0xfffff030, 0xfffff03c, 0xfffff03f, 0xfffff040,
	};
	static const uint32_t ns[] = {
		0, 1, 7, 99, 100, 999, 1000, 12345, 0x7ffffe00, (uint32_t)-1,
		(uint32_t)-300,
	};
	static const uint32_t jumps[] = { 0, 1, 2, 127, 128, 254, 255 };
	struct rng r = rng_for(1, 0);
	long cases = 0;

	image_mismatches = 0;
	for (unsigned code = 0; code <= 0xffff; code++) {
		for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
			struct bpf_insn p = insn((u_short)code,
						 (u_char)PICK(&r, jumps),
						 (u_char)PICK(&r, jumps), ks[i]);

			image_compare(p, (int)PICK(&r, ns));
			cases++;
		}
		image_compare(insn((u_short)code, (u_char)rng_next(&r),
				   (u_char)rng_next(&r), (uint32_t)rng_next(&r)),
			      (int)rng_below(&r, 100000));
		cases++;
	}
	/* Every ancillary offset and its neighbours, for the absolute loads. */
	for (uint32_t k = 0xfffff000u - 8; k != 0xfffff000u + 72; k++) {
		image_compare(insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, k), 3);
		image_compare(insn(BPF_LD | BPF_H | BPF_ABS, 0, 0, k), 3);
		image_compare(insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, k), 3);
		image_compare(insn(BPF_LD | BPF_B | BPF_IND, 0, 0, k), 3);
		cases += 4;
	}
	CHECK_INT(image_mismatches, 0);
	CHECK(cases > 65536 * 20);
}

/* The image stays valid while another thread prints. */
static void *image_in_thread(void *arg)
{
	struct bpf_insn p = insn(BPF_RET | BPF_K, 0, 0, 42);

	(void)arg;
	return bpf_image(&p, 9);
}

static void test_image_per_thread(void)
{
	struct bpf_insn p = insn(BPF_LD | BPF_H | BPF_ABS, 0, 0, 12);
	char *mine = bpf_image(&p, 0);
	void *theirs = NULL;
	pthread_t t;

	CHECK_STR(mine, "(000) ldh      [12]");
	CHECK_INT(pthread_create(&t, NULL, image_in_thread, NULL), 0);
	pthread_join(t, &theirs);
	CHECK_STR(mine, "(000) ldh      [12]");
	CHECK(theirs != mine);
	/* Same thread: one buffer, as in libpcap. */
	CHECK(bpf_image(&p, 1) == mine);
	CHECK_STR(mine, "(001) ldh      [12]");
}

/* ------------------------------------------------------------------ */
/* Random valid programs: every instruction, bounded by the packet's end. */

/* Offsets around the ends of the packets we make (0..PKT_MAX bytes). */
#define PKT_MAX 80

static uint32_t pick_offset(struct rng *r)
{
	static const uint32_t odd[] = {
		0xffffffff, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0x80000000,
		0x7fffffff, 0xfffff02c, 0xfffff030, 0xfffff000, 0xfffff034,
		0x10000, PKT_AREA,
	};

	switch (rng_below(r, 10)) {
	case 0:
		return PICK(r, odd);
	case 1:
		return 0xfffff000u + 4 * rng_below(r, 16);
	default:
		return rng_below(r, PKT_MAX + 6);
	}
}

/* X values: small offsets, zero divisors, shift counts, wrap-arounds. */
static uint32_t pick_x(struct rng *r)
{
	static const uint32_t odd[] = {
		0, 0, 1, 2, 3, 4, 31, 32, 33, 64, 0xffffffff, 0xfffffffe,
		0xfffffffc, 0x80000000, 0xfffff02c,
	};

	switch (rng_below(r, 4)) {
	case 0:
		return PICK(r, odd);
	case 1:
		return (uint32_t)rng_next(r);
	default:
		return rng_below(r, PKT_MAX + 6);
	}
}

static uint32_t pick_value(struct rng *r)
{
	static const uint32_t odd[] = {
		0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x800, 0x86dd,
		0x0800, 6, 17, 0x1000, 65535, 65536, 262144,
	};

	return rng_below(r, 3) == 0 ? (uint32_t)rng_next(r) : PICK(r, odd);
}

/* A jump offset from index i to somewhere in [i + 1, len - 1]. */
static uint32_t pick_jump(struct rng *r, int i, int len, uint32_t max)
{
	uint32_t room = (uint32_t)(len - 2 - i);	/* largest legal offset */

	if (room > max)
		room = max;
	if (rng_below(r, 4) == 0)
		return room;		/* the longest jump that fits */
	return rng_below(r, room + 1);
}

static const u_short alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR,
	BPF_XOR, BPF_LSH, BPF_RSH,
};
static const u_short cond_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

/* One non-final instruction at index i; `init` is the set of M[] slots
 * written on every path here (loads only read those). */
static struct bpf_insn random_insn(struct rng *r, int i, int len,
				   unsigned init)
{
	static const u_short sizes[] = { BPF_W, BPF_H, BPF_B };
	u_short code;

	switch (rng_below(r, 16)) {
	case 0:
	case 1:
		code = BPF_LD | sizes[rng_below(r, 3)] | BPF_ABS;
		return insn(code, 0, 0, pick_offset(r));
	case 2:
	case 3:
		code = BPF_LD | sizes[rng_below(r, 3)] | BPF_IND;
		return insn(code, 0, 0,
			    rng_below(r, 4) ? rng_below(r, 12) : pick_offset(r));
	case 4:
		switch (rng_below(r, 4)) {
		case 0:
			return insn(BPF_LDX | BPF_MSH | BPF_B, 0, 0,
				    pick_offset(r));
		case 1:
			return insn(rng_below(r, 2) ? BPF_LD | BPF_W | BPF_LEN
						    : BPF_LDX | BPF_W | BPF_LEN,
				    0, 0, (uint32_t)rng_next(r));
		default:
			return insn(BPF_LDX | BPF_IMM, 0, 0, pick_x(r));
		}
	case 5:
		return insn(BPF_LD | BPF_IMM, 0, 0, pick_value(r));
	case 6: {
		uint32_t slot = rng_below(r, BPF_MEMWORDS);

		if (rng_below(r, 2))
			return insn(rng_below(r, 2) ? BPF_ST : BPF_STX, 0, 0, slot);
		for (int tries = 0; tries < 16; tries++, slot = (slot + 1) % 16)
			if (init & (1u << slot))
				return insn(rng_below(r, 2) ? BPF_LD | BPF_MEM
							    : BPF_LDX | BPF_MEM,
					    0, 0, slot);
		return insn(BPF_ST, 0, 0, slot);
	}
	case 7:
	case 8: {
		u_short op = alu_ops[rng_below(r, 10)];
		uint32_t k = pick_value(r);

		if (rng_below(r, 2))
			return insn(BPF_ALU | op | BPF_X, 0, 0,
				    (uint32_t)rng_next(r));
		if (op == BPF_LSH || op == BPF_RSH)
			k = rng_below(r, 4) ? rng_below(r, 40) : k;
		if ((op == BPF_DIV || op == BPF_MOD) && k == 0)
			k = 1 + rng_below(r, 7);
		return insn(BPF_ALU | op | BPF_K, 0, 0, k);
	}
	case 9:
		switch (rng_below(r, 3)) {
		case 0:
			return insn(BPF_ALU | BPF_NEG, 0, 0, 0);
		case 1:
			return insn(BPF_MISC | BPF_TAX, 0, 0, 0);
		default:
			return insn(BPF_MISC | BPF_TXA, 0, 0, 0);
		}
	case 10:
		return insn(BPF_JMP | BPF_JA, 0, 0,
			    pick_jump(r, i, len, UINT32_MAX));
	case 11:
	case 12:
	case 13:
		code = BPF_JMP | cond_ops[rng_below(r, 4)] |
		       (rng_below(r, 2) ? BPF_X : BPF_K);
		return insn(code, (u_char)pick_jump(r, i, len, 255),
			    (u_char)pick_jump(r, i, len, 255),
			    rng_below(r, 2) ? pick_value(r)
					    : rng_below(r, 256));
	case 14:
		if (rng_below(r, 4) == 0)
			return insn(BPF_RET | BPF_A, 0, 0, 0);
		return insn(BPF_RET | BPF_K, 0, 0, pick_value(r));
	default:
		/* Byte loads of the VLAN ancillary offsets (no aux: rejects). */
		return insn(BPF_LD | BPF_B | BPF_ABS, 0, 0,
			    rng_below(r, 2) ? BPF_AUX_VLAN_TAG
					    : BPF_AUX_VLAN_TAG_PRESENT);
	}
}

#define PROG_MAX 700

/*
 * A program the validator accepts and whose M[] loads only read slots
 * written on every path before them (libpcap leaves M[] uninitialised).
 * Jumps are forward only, so each instruction's predecessors come first.
 */
static int random_program(struct rng *r, struct bpf_insn *p)
{
	unsigned after[PROG_MAX];	/* slots written on every path through i */
	unsigned jumped_in[PROG_MAX];	/* same, over the jumps to i; 0xffff: none */
	int len, i;

	switch (rng_below(r, 10)) {
	case 0:
		len = 256 + (int)rng_below(r, PROG_MAX - 256);
		break;
	case 1:
	case 2:
		len = 25 + (int)rng_below(r, 60);
		break;
	default:
		len = 2 + (int)rng_below(r, 23);
	}
	for (i = 0; i < len; i++)
		jumped_in[i] = 0xffff;
	for (i = 0; i < len - 1; i++) {
		unsigned in = 0;	/* an unreachable one keeps 0xffff */

		if (i > 0) {
			const struct bpf_insn *prev = &p[i - 1];
			bool falls_in = BPF_CLASS(prev->code) != BPF_RET &&
					prev->code != (BPF_JMP | BPF_JA);

			in = jumped_in[i];
			if (falls_in)
				in &= after[i - 1];
		}
		p[i] = random_insn(r, i, len, in);
		after[i] = in;
		if (p[i].code == BPF_ST || p[i].code == BPF_STX)
			after[i] |= 1u << p[i].k;
		if (p[i].code == (BPF_JMP | BPF_JA)) {
			jumped_in[i + 1 + p[i].k] &= after[i];
		} else if (BPF_CLASS(p[i].code) == BPF_JMP) {
			jumped_in[i + 1 + p[i].jt] &= after[i];
			jumped_in[i + 1 + p[i].jf] &= after[i];
		}
	}
	p[len - 1] = rng_below(r, 3) ? insn(BPF_RET | BPF_K, 0, 0, pick_value(r))
				     : insn(BPF_RET | BPF_A, 0, 0, 0);
	return len;
}

static void test_filter_random(void)
{
	static struct bpf_insn prog[PROG_MAX];
	enum { PROGRAMS = 500000, PACKETS = 10 };
	long runs = 0, accepted = 0, invalid = 0;
	int failures = 0;

	for (int n = 0; n < PROGRAMS && failures == 0; n++) {
		struct rng r = rng_for(4, (uint64_t)n);
		int len = random_program(&r, prog);

		if (!sys.validate(prog, len)) {
			if (invalid++ == 0)
				print_program("generated an invalid program",
					      prog, len);
			continue;
		}
		for (int j = 0; j < PACKETS; j++) {
			u_int buflen = rng_below(&r, 8) ? rng_below(&r, PKT_MAX + 1)
						       : rng_below(&r, 8);
			u_int wirelen = rng_below(&r, 4) ? buflen + rng_below(&r, 3)
							: (uint32_t)rng_next(&r);
			u_char *pkt = guarded_packet(buflen);
			u_int ours, theirs;

			for (u_int b = 0; b < buflen; b++)
				pkt[b] = (u_char)rng_next(&r);
			ours = bpf_filter(prog, pkt, wirelen, buflen);
			theirs = sys.filter(prog, pkt, wirelen, buflen);
			runs++;
			accepted += theirs != 0;
			if (ours != theirs) {
				char m[200];

				snprintf(m, sizeof m, "BPF_TEST_SEED=%" PRIu64
					 " program %d packet %d (buflen %u "
					 "wirelen %u): ours %u, system %u",
					 seed, n, j, buflen, wirelen, ours,
					 theirs);
				check_fail(__FILE__, __LINE__, m);
				print_program("counterexample", prog, len);
				failures++;
				break;
			}
		}
	}
	CHECK_INT(invalid, 0);
	CHECK(runs >= (long)PROGRAMS * PACKETS / 2);
	/* The generator must not be trivially rejecting or accepting. */
	CHECK(accepted > runs / 20 && accepted < runs - runs / 20);
	printf("# bpf_filter: %ld runs of %d random programs, %ld accepted\n",
	       runs, PROGRAMS, accepted);
}

/* Hand-made programs, against the system and against known verdicts. */
static void filter_case(const char *name, const struct bpf_insn *p,
			const u_char *data, u_int wirelen, u_int buflen,
			u_int want)
{
	u_char *pkt = guarded_packet(buflen);
	u_int ours, theirs;
	char m[200];

	memcpy(pkt, data, buflen);
	ours = bpf_filter(p, pkt, wirelen, buflen);
	theirs = sys.filter(p, pkt, wirelen, buflen);
	if (ours != want || theirs != want) {
		snprintf(m, sizeof m, "%s: ours %u, system %u, want %u", name,
			 ours, theirs, want);
		check_fail(__FILE__, __LINE__, m);
	}
}

#define RET_A insn(BPF_RET | BPF_A, 0, 0, 0)
#define LDX(v) insn(BPF_LDX | BPF_IMM, 0, 0, v)
#define LDA(v) insn(BPF_LD | BPF_IMM, 0, 0, v)

static void test_filter_cases(void)
{
	static const u_char pkt[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct bpf_insn p[8];

	CHECK_INT(bpf_filter(NULL, pkt, 10, 10), (u_int)-1);
	CHECK_INT(sys.filter(NULL, pkt, 10, 10), (u_int)-1);

#define CASE(name, want, ...) do {                                     \
		struct bpf_insn q_[] = { __VA_ARGS__ };                 \
		filter_case(name, q_, pkt, 64, sizeof pkt, want);       \
	} while (0)
	CASE("ld last word", 0x0708090a, insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 6), RET_A);
	CASE("ld past end", 0, insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 7), RET_A);
	CASE("ldh last", 0x090a, insn(BPF_LD | BPF_H | BPF_ABS, 0, 0, 8), RET_A);
	CASE("ldh past end", 0, insn(BPF_LD | BPF_H | BPF_ABS, 0, 0, 9), RET_A);
	CASE("ldb last", 10, insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, 9), RET_A);
	CASE("ldb past end", 0, insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, 10), RET_A);
	CASE("ld huge k", 0, insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0xfffffffe), RET_A);
	CASE("ind wraps", 0, LDX(0xffffffff), insn(BPF_LD | BPF_B | BPF_IND, 0, 0, 2), RET_A);
	CASE("ind w wraps", 0, LDX(0xfffffffc), insn(BPF_LD | BPF_W | BPF_IND, 0, 0, 4), RET_A);
	CASE("ind h last", 0x090a, LDX(5), insn(BPF_LD | BPF_H | BPF_IND, 0, 0, 3), RET_A);
	CASE("ind h past", 0, LDX(5), insn(BPF_LD | BPF_H | BPF_IND, 0, 0, 4), RET_A);
	CASE("msh", 20, insn(BPF_LDX | BPF_MSH | BPF_B, 0, 0, 4), insn(BPF_MISC | BPF_TXA, 0, 0, 0), RET_A);
	CASE("msh past end", 0, insn(BPF_LDX | BPF_MSH | BPF_B, 0, 0, 10), RET_A);
	CASE("len", 64, insn(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0), RET_A);
	CASE("ldx len", 64, insn(BPF_LDX | BPF_W | BPF_LEN, 0, 0, 0), insn(BPF_MISC | BPF_TXA, 0, 0, 0), RET_A);
	CASE("div x 0", 0, LDA(5), LDX(0), insn(BPF_ALU | BPF_DIV | BPF_X, 0, 0, 0), insn(BPF_RET | BPF_K, 0, 0, 9));
	CASE("mod x 0", 0, LDA(5), LDX(0), insn(BPF_ALU | BPF_MOD | BPF_X, 0, 0, 0), insn(BPF_RET | BPF_K, 0, 0, 9));
	CASE("mod", 2, LDA(17), LDX(5), insn(BPF_ALU | BPF_MOD | BPF_X, 0, 0, 0), RET_A);
	CASE("lsh x 32", 0, LDA(5), LDX(32), insn(BPF_ALU | BPF_LSH | BPF_X, 0, 0, 0), RET_A);
	CASE("rsh x 31", 1, LDA(0x80000000), LDX(31), insn(BPF_ALU | BPF_RSH | BPF_X, 0, 0, 0), RET_A);
	CASE("lsh #33", 10, LDA(5), insn(BPF_ALU | BPF_LSH | BPF_K, 0, 0, 33), RET_A);
	CASE("rsh #32", 5, LDA(5), insn(BPF_ALU | BPF_RSH | BPF_K, 0, 0, 32), RET_A);
	CASE("neg", 0xfffffffb, LDA(5), insn(BPF_ALU | BPF_NEG, 0, 0, 0), RET_A);
	CASE("mul wraps", 0xfffffffe, LDA(0x7fffffff), insn(BPF_ALU | BPF_MUL | BPF_K, 0, 0, 2), RET_A);
	CASE("add wraps", 1, LDA(0xffffffff), insn(BPF_ALU | BPF_ADD | BPF_K, 0, 0, 2), RET_A);
	CASE("scratch", 77, LDX(77), insn(BPF_STX, 0, 0, 15), LDA(1), insn(BPF_LD | BPF_MEM, 0, 0, 15), RET_A);
	CASE("vlan tag, no aux", 0, insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, BPF_AUX_VLAN_TAG), insn(BPF_RET | BPF_K, 0, 0, 1));
	CASE("vlanp, no aux", 0, insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, BPF_AUX_VLAN_TAG_PRESENT), insn(BPF_RET | BPF_K, 0, 0, 1));
	CASE("ja", 2, insn(BPF_JMP | BPF_JA, 0, 0, 1), insn(BPF_RET | BPF_K, 0, 0, 1), insn(BPF_RET | BPF_K, 0, 0, 2));
	CASE("jset x", 3, LDA(6), LDX(2), insn(BPF_JMP | BPF_JSET | BPF_X, 1, 0, 0), insn(BPF_RET | BPF_K, 0, 0, 4), insn(BPF_RET | BPF_K, 0, 0, 3));
#undef CASE

	/* A backward "ja" (as protochain): count M[0] down from 3. */
	p[0] = LDA(3);
	p[1] = insn(BPF_ST, 0, 0, 0);
	p[2] = insn(BPF_LD | BPF_MEM, 0, 0, 0);
	p[3] = insn(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 0);
	p[4] = insn(BPF_ALU | BPF_SUB | BPF_K, 0, 0, 1);
	p[5] = insn(BPF_ST, 0, 0, 0);
	p[6] = insn(BPF_JMP | BPF_JA, 0, 0, (uint32_t)-5);
	p[7] = insn(BPF_RET | BPF_K, 0, 0, 99);
	CHECK_INT(bpf_validate(p, 8), 1);
	filter_case("backward ja", p, pkt, 64, sizeof pkt, 99);
}

/* Ancillary VLAN loads with aux data: no oracle (libpcap does not export
 * its aux entry point), so the verdicts are spelled out. */
static void test_filter_aux(void)
{
	static const u_char pkt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
	const struct bpf_aux_data aux = { .vlan_tag = 0x0123,
					  .vlan_tag_present = 1 };
	struct bpf_insn p[2] = { insn(BPF_LD | BPF_B | BPF_ABS, 0, 0, 0),
				 RET_A };

	p[0].k = BPF_AUX_VLAN_TAG;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 0x0123);
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	p[0].k = BPF_AUX_VLAN_TAG_PRESENT;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 1);
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	/* Only byte loads, and only those two offsets, read aux data. */
	p[0].code = BPF_LD | BPF_H | BPF_ABS;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 0);
	p[0].code = BPF_LD | BPF_B | BPF_ABS;
	p[0].k = BPF_AUX_OFF + 40;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 0);
	p[0].code = BPF_LD | BPF_B | BPF_IND;
	p[0].k = BPF_AUX_VLAN_TAG;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 0);
	/* Ordinary loads still work with aux data present. */
	p[0].code = BPF_LD | BPF_B | BPF_ABS;
	p[0].k = 3;
	CHECK_INT(bpf_interp(p, pkt, 4, 4, &aux), 0xdd);
}

/*
 * Where libpcap's interpreter traps, aborts or reads garbage (programs its
 * validator refuses, or M[] read before written), ours has one answer.
 */
static void test_filter_defined(void)
{
	static const u_char pkt[4] = { 1, 2, 3, 4 };
	struct bpf_insn p[3] = { LDA(7), insn(0, 0, 0, 0), RET_A };

	p[1] = insn(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0);
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	p[1] = insn(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 0);
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	p[1] = insn(BPF_RET | BPF_X, 0, 0, 0);		/* libpcap aborts */
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	p[1] = insn(BPF_LD | BPF_MEM, 0, 0, 3);	/* never written */
	CHECK_INT(bpf_interp(p, pkt, 4, 4, NULL), 0);
	/* An out-of-range slot wraps instead of leaving the array. */
	{
		struct bpf_insn q[4] = { LDA(9), insn(BPF_ST, 0, 0, 17),
					 insn(BPF_LD | BPF_MEM, 0, 0, 1), RET_A };

		CHECK_INT(bpf_interp(q, pkt, 4, 4, NULL), 9);
	}
}

/* ------------------------------------------------------------------ */
/* (b) bpf_validate. */

static int validate_mismatches;

static void validate_compare(const struct bpf_insn *p, int len,
			     const char *what, long index)
{
	int ours = bpf_validate(p, len), theirs = sys.validate(p, len);
	char m[200];

	if (ours == theirs)
		return;
	if (validate_mismatches++ == 0) {
		snprintf(m, sizeof m, "%s %ld (BPF_TEST_SEED=%" PRIu64 "): "
			 "ours %d, system %d", what, index, seed, ours, theirs);
		check_fail(__FILE__, __LINE__, m);
		print_program("validate counterexample", p, len);
	}
}

/* Codes: mostly one-byte ones, some instructions, some with high bits. */
static u_short random_code(struct rng *r)
{
	switch (rng_below(r, 10)) {
	case 0:
		return (u_short)rng_next(r);
	case 1:
	case 2:
	case 3:
		for (;;) {
			u_short c = (u_short)rng_below(r, 256);

			if (bpf_is_insn(c))
				return c;
		}
	default:
		return (u_short)rng_below(r, 256);
	}
}

static void test_validate_random(void)
{
	static struct bpf_insn p[PROG_MAX];
	static const uint32_t ks[] = {
		0, 0, 1, 2, 3, 15, 16, 17, 0xffffffff, 0xfffffffe, 0xfffffffd,
		0x80000000,
	};
	enum { RANDOM = 600000, MUTANTS = 300000 };
	int valid = 0;

	validate_mismatches = 0;
	for (long n = 0; n < RANDOM; n++) {
		struct rng r = rng_for(2, (uint64_t)n);
		int len = 1 + (int)rng_below(&r, rng_below(&r, 8) ? 6 : 300);

		for (int i = 0; i < len; i++) {
			p[i].code = random_code(&r);
			p[i].jt = (u_char)(rng_below(&r, 3) ? rng_below(&r, 5)
							     : rng_next(&r));
			p[i].jf = (u_char)(rng_below(&r, 3) ? rng_below(&r, 5)
							     : rng_next(&r));
			p[i].k = rng_below(&r, 2) ? PICK(&r, ks)
						  : rng_below(&r, 8) ? rng_below(&r, 40)
						  : (uint32_t)rng_next(&r);
		}
		if (rng_below(&r, 2))
			p[len - 1].code = BPF_RET | (rng_below(&r, 2) ? BPF_A : BPF_K);
		valid += sys.validate(p, len);
		validate_compare(p, len, "random program", n);
	}
	/* Valid programs with one field changed. */
	for (long n = 0; n < MUTANTS; n++) {
		struct rng r = rng_for(3, (uint64_t)n);
		int len = random_program(&r, p);
		int at = (int)rng_below(&r, (uint32_t)len);

		switch (rng_below(&r, 4)) {
		case 0:
			p[at].code = random_code(&r);
			break;
		case 1:
			p[at].jt = (u_char)(p[at].jt + rng_below(&r, 3));
			break;
		case 2:
			p[at].jf = (u_char)(p[at].jf + rng_below(&r, 3));
			break;
		default:
			p[at].k = rng_below(&r, 2) ? p[at].k + rng_below(&r, 3) - 1
						   : PICK(&r, ks);
		}
		valid += sys.validate(p, len);
		validate_compare(p, len, "mutant", n);
	}
	CHECK_INT(validate_mismatches, 0);
	/* Both verdicts occur often. */
	CHECK(valid > (RANDOM + MUTANTS) / 20);
	CHECK(valid < (RANDOM + MUTANTS) - (RANDOM + MUTANTS) / 20);
	printf("# bpf_validate: %d programs, %d valid\n", RANDOM + MUTANTS,
	       valid);
}

static void validate_case(const char *name, const struct bpf_insn *p,
			  int len, int want)
{
	int ours = bpf_validate(p, len), theirs = sys.validate(p, len);
	char m[160];

	if (ours != want || theirs != want) {
		snprintf(m, sizeof m, "%s: ours %d, system %d, want %d", name,
			 ours, theirs, want);
		check_fail(__FILE__, __LINE__, m);
	}
}

#define RET0 insn(BPF_RET | BPF_K, 0, 0, 0)

static void test_validate_cases(void)
{
	static struct bpf_insn big[5000];

#define VCASE(name, want, ...) do {                                    \
		struct bpf_insn q_[] = { __VA_ARGS__ };                 \
		validate_case(name, q_, (int)(sizeof q_ / sizeof q_[0]), want); \
	} while (0)
	{
		struct bpf_insn one = RET0;

		validate_case("len 0", &one, 0, 0);
		validate_case("len -1", &one, -1, 0);
		validate_case("NULL, len 0", NULL, 0, 0);
	}
	VCASE("ret", 1, RET0);
	VCASE("ret a", 1, RET_A);
	VCASE("ret with high bits", 1, insn(0x116, 0, 0, 0));
	VCASE("ret x (not an instruction)", 1, insn(BPF_RET | BPF_X, 0, 0, 0));
	VCASE("last is not ret", 0, LDA(1));
	VCASE("misc anything", 1, insn(0xff, 9, 9, 9), RET0);
	VCASE("ld mode 0xc0", 0, insn(0xc0, 0, 0, 0), RET0);
	VCASE("ldx mode 0xe0", 0, insn(0xe1, 0, 0, 0), RET0);
	VCASE("ld msh mode", 1, insn(BPF_LD | BPF_MSH, 0, 0, 0), RET0);
	VCASE("ld imm any k", 1, LDA(0xffffffff), RET0);
	VCASE("ld abs any k", 1, insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0xffffffff), RET0);
	VCASE("ld M[15]", 1, insn(BPF_LD | BPF_MEM, 0, 0, 15), RET0);
	VCASE("ld M[16]", 0, insn(BPF_LD | BPF_MEM, 0, 0, 16), RET0);
	VCASE("ldx M[16]", 0, insn(BPF_LDX | BPF_MEM, 0, 0, 16), RET0);
	VCASE("st M[16]", 0, insn(BPF_ST, 0, 0, 16), RET0);
	VCASE("stx M[-1]", 0, insn(BPF_STX, 0, 0, 0xffffffff), RET0);
	VCASE("div #0", 0, insn(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0), RET0);
	VCASE("mod #0", 0, insn(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 0), RET0);
	VCASE("div x, k 0", 1, insn(BPF_ALU | BPF_DIV | BPF_X, 0, 0, 0), RET0);
	VCASE("div #1", 1, insn(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1), RET0);
	VCASE("alu op 0xb0", 0, insn(BPF_ALU | 0xb0, 0, 0, 0), RET0);
	VCASE("alu op 0xf0", 0, insn(BPF_ALU | 0xf0, 0, 0, 1), RET0);
	VCASE("neg x", 1, insn(BPF_ALU | BPF_NEG | BPF_X, 0, 0, 0), RET0);
	VCASE("ja 0", 1, insn(BPF_JMP | BPF_JA, 0, 0, 0), RET0);
	VCASE("ja past end", 0, insn(BPF_JMP | BPF_JA, 0, 0, 1), RET0);
	VCASE("ja back to 0", 1, RET0, insn(BPF_JMP | BPF_JA, 0, 0, 0xfffffffe), RET0);
	VCASE("ja to self", 1, RET0, insn(BPF_JMP | BPF_JA, 0, 0, 0xffffffff), RET0);
	VCASE("ja wraps past 0", 0, insn(BPF_JMP | BPF_JA, 0, 0, 0xfffffffe), RET0);
	VCASE("ja x", 1, insn(BPF_JMP | BPF_JA | BPF_X, 0, 0, 0), RET0);
	VCASE("jeq 0 0", 1, insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), RET0);
	VCASE("jeq jt past end", 0, insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), RET0);
	VCASE("jeq jf past end", 0, insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), RET0);
	VCASE("jgt in range", 1, insn(BPF_JMP | BPF_JGT | BPF_X, 1, 0, 0), RET0, RET0);
	VCASE("jmp op 0x50", 0, insn(BPF_JMP | 0x50, 0, 0, 0), RET0);
	VCASE("jmp op 0xf0", 0, insn(BPF_JMP | 0xf8, 0, 0, 0), RET0);
#undef VCASE

	/* No instruction-count limit in user space; longest jumps. */
	for (int i = 0; i < 5000; i++)
		big[i] = RET0;
	big[0] = insn(BPF_JMP | BPF_JSET | BPF_K, 255, 255, 1);
	validate_case("5000 insns, jumps of 255", big, 5000, 1);
	validate_case("jump of 255 to len", big, 256, 0);
	validate_case("jump of 255 to len - 1", big, 257, 1);
	big[1] = insn(BPF_JMP | BPF_JA, 0, 0, 4997);
	validate_case("ja to last", big, 5000, 1);
	big[1].k = 4998;
	validate_case("ja to len", big, 5000, 0);
}

/* ------------------------------------------------------------------ */
/* (d) bpf_dump, through a redirected stdout. */

/* Run fn(prog, option) with stdout going to a temp file; its text, or NULL. */
static char *capture_dump(void (*fn)(const struct bpf_program *, int),
			  const struct bpf_program *prog, int option)
{
	char path[] = "/tmp/test-bpf-XXXXXX";
	int fd = mkstemp(path), saved;
	char *text = NULL;
	off_t size;

	if (fd < 0)
		return NULL;
	unlink(path);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved >= 0 && dup2(fd, STDOUT_FILENO) >= 0) {
		fn(prog, option);
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		size = lseek(fd, 0, SEEK_END);
		text = calloc(1, (size_t)size + 1);
		if (text != NULL && pread(fd, text, (size_t)size, 0) != size) {
			free(text);
			text = NULL;
		}
	}
	if (saved >= 0)
		close(saved);
	close(fd);
	return text;
}

static int dump_compare(const char *what, const struct bpf_program *prog)
{
	static const int options[] = { -1, 0, 1, 2, 3, 4, 100 };
	int bad = 0;

	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		char *ours = capture_dump(bpf_dump, prog, options[i]);
		char *theirs = capture_dump(sys.dump, prog, options[i]);

		if (ours == NULL || theirs == NULL || strcmp(ours, theirs) != 0) {
			const char *a = ours ? ours : "", *b = theirs ? theirs : "";
			size_t at = 0, line = 0;
			char m[300];

			/* Show the first line that differs. */
			for (size_t j = 0; a[j] == b[j]; j++)
				if (a[j] == '\n')
					at = j + 1, line++;
			snprintf(m, sizeof m, "bpf_dump(%s, %d) line %zu: ours "
				 "\"%.*s\", system \"%.*s\"", what, options[i],
				 line + 1, (int)strcspn(a + at, "\n"), a + at,
				 (int)strcspn(b + at, "\n"), b + at);
			check_fail(__FILE__, __LINE__, m);
			bad++;
		}
		free(ours);
		free(theirs);
	}
	return bad;
}

static void test_dump(void)
{
	static const char *const filters[] = {
		"tcp port 80 or udp port 53",
		"ip6 protochain 6",
		"vlan 100 and host 10.1.2.3",
		"ether[0] & 1 != 0 and len > 100 and ip[2:2] * 4 / 3 % 7 - 1 < 5",
		"",
	};
	static struct bpf_insn p[PROG_MAX];
	pcap_t *dead = sys.open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	long bytes = 0;

	CHECK(dead != NULL);
	for (size_t i = 0; dead != NULL && i < sizeof filters / sizeof *filters; i++) {
		for (int opt = 0; opt < 2; opt++) {
			if (sys.compile(dead, &prog, filters[i], opt,
					PCAP_NETMASK_UNKNOWN) != 0) {
				check_fail(__FILE__, __LINE__, filters[i]);
				continue;
			}
			dump_compare(filters[i], &prog);
			sys.freecode(&prog);
		}
	}
	if (dead != NULL)
		sys.close(dead);

	/* Every instruction and a sample of non-instructions. */
	for (unsigned code = 0; code < 0x200; code++)
		p[code] = insn((u_short)code, (u_char)code, (u_char)(code * 7),
			       code * 0x01010101u);
	prog.bf_insns = p;
	prog.bf_len = 0x200;
	dump_compare("all codes", &prog);
	prog.bf_len = 0;
	dump_compare("empty", &prog);
	for (int n = 0; n < 50; n++) {
		struct rng r = rng_for(5, (uint64_t)n);

		prog.bf_len = (u_int)random_program(&r, p);
		dump_compare("random program", &prog);
	}
	/* And the test can see a difference: check the capture itself. */
	prog.bf_len = 1;
	p[0] = insn(BPF_RET | BPF_K, 0, 0, 262144);
	{
		char *text = capture_dump(bpf_dump, &prog, 2);

		CHECK_STR(text, "{ 0x6, 0, 0, 0x00040000 },\n");
		bytes += text != NULL ? (long)strlen(text) : 0;
		free(text);
	}
	CHECK(bytes > 0);
}

/* ------------------------------------------------------------------ */
/* --bench: ns per packet of both interpreters on typical programs. */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Ethernet + IPv4 + TCP/UDP frames with assorted ports, plus ARP/IPv6. */
static void make_frames(u_char frames[][128], u_int *lens, int n)
{
	static const uint16_t ports[] = { 80, 443, 53, 22, 8080, 80, 123, 53 };

	for (int i = 0; i < n; i++) {
		u_char *f = frames[i];
		int kind = i % 8;

		memset(f, 0, 128);
		f[12] = 0x08;		/* IPv4 */
		f[14] = 0x45;
		f[23] = kind == 2 || kind == 6 || kind == 7 ? 17 : 6;
		f[26] = 10, f[29] = (u_char)i;		/* src 10.0.0.i */
		f[30] = 10, f[31] = 1, f[32] = 2, f[33] = 3;
		f[34] = 0x30, f[35] = 0x39;		/* sport 12345 */
		f[36] = (u_char)(ports[kind] >> 8);
		f[37] = (u_char)ports[kind];
		if (i % 13 == 5)
			f[12] = 0x86, f[13] = 0xdd;	/* IPv6 */
		if (i % 17 == 3)
			f[13] = 0x06;			/* ARP */
		lens[i] = 60 + (u_int)(i % 40);
	}
}

typedef u_int (*filter_fn)(const struct bpf_insn *, const u_char *, u_int,
			   u_int);

/* ns per packet of fn over the frames, and how many it accepted. */
static double time_filter(filter_fn fn, const struct bpf_insn *prog,
			  u_char frames[][128], const u_int *lens, int nframes,
			  int rounds, u_int *accepted)
{
	double t0 = now_ns();
	u_int sum = 0;

	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < nframes; i++)
			sum += fn(prog, frames[i], lens[i], lens[i]) != 0;
	*accepted = sum / (u_int)rounds;
	return (now_ns() - t0) / ((double)rounds * nframes);
}

static void bench_one(const char *expr)
{
	enum { FRAMES = 64, ROUNDS = 2000, TRIES = 300 };
	static u_char frames[FRAMES][128];
	static u_int lens[FRAMES];
	filter_fn volatile ours = bpf_filter, theirs = sys.filter;
	pcap_t *dead = sys.open_dead(DLT_EN10MB, 262144);
	double best_ours = 1e9, best_theirs = 1e9, t;
	u_int acc_ours = 0, acc_theirs = 0;
	struct bpf_program prog;

	if (dead == NULL || sys.compile(dead, &prog, expr, 1,
					PCAP_NETMASK_UNKNOWN) != 0) {
		printf("# bench: cannot compile \"%s\"\n", expr);
		return;
	}
	make_frames(frames, lens, FRAMES);
	/* Alternate the two and keep each one's best, against noise. */
	for (int i = 0; i < TRIES; i++) {
		t = time_filter(ours, prog.bf_insns, frames, lens, FRAMES,
				ROUNDS, &acc_ours);
		best_ours = t < best_ours ? t : best_ours;
		t = time_filter(theirs, prog.bf_insns, frames, lens, FRAMES,
				ROUNDS, &acc_theirs);
		best_theirs = t < best_theirs ? t : best_theirs;
	}
	printf("# bench \"%s\" (%u insns, %u/%d accepted): ours %.2f ns/pkt, "
	       "system %.2f ns/pkt%s\n", expr, prog.bf_len, acc_ours, FRAMES,
	       best_ours, best_theirs,
	       acc_ours == acc_theirs ? "" : " (VERDICTS DIFFER)");
	sys.freecode(&prog);
	sys.close(dead);
}

static void bench(void)
{
	bench_one("tcp port 80");
	bench_one("tcp port 80 or udp port 53");
	bench_one("host 10.1.2.3 and (tcp dst port 443 or tcp dst port 8080 "
		  "or udp port 123)");
}

/* ------------------------------------------------------------------ */

static int load_oracle(void)
{
	void *h = dlopen(SYSTEM_LIBPCAP, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		printf("FAIL load_oracle: %s\n", dlerror());
		return -1;
	}
	*(void **)&sys.filter = dlsym(h, "bpf_filter");
	*(void **)&sys.validate = dlsym(h, "bpf_validate");
	*(void **)&sys.image = dlsym(h, "bpf_image");
	*(void **)&sys.dump = dlsym(h, "bpf_dump");
	*(void **)&sys.open_dead = dlsym(h, "pcap_open_dead");
	*(void **)&sys.compile = dlsym(h, "pcap_compile");
	*(void **)&sys.freecode = dlsym(h, "pcap_freecode");
	*(void **)&sys.close = dlsym(h, "pcap_close");
	if (!sys.filter || !sys.validate || !sys.image || !sys.dump ||
	    !sys.open_dead || !sys.compile || !sys.freecode || !sys.close) {
		printf("FAIL load_oracle: missing symbols in %s\n",
		       SYSTEM_LIBPCAP);
		return -1;
	}
	/* Our hidden copies must not have been bound in their place. */
	if ((void *)sys.filter == (void *)bpf_filter ||
	    (void *)sys.image == (void *)bpf_image) {
		printf("FAIL load_oracle: dlsym found our own functions\n");
		return -1;
	}
	return 0;
}

/* A crash (say a read into the guard page) still names its test. */
static const char *volatile running = "setup";

static void on_crash(int sig)
{
	char m[160];
	int n = snprintf(m, sizeof m, "FAIL %s: %s (signal %d)\n", running,
			 sig == SIGALRM ? "timed out: a program that loops?"
					: "crashed: a read past the packet end?",
			 sig);

	if (write(STDOUT_FILENO, m, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

static void catch_crashes(void)
{
	static const int sigs[] = {
		SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM,
	};
	struct sigaction sa = { .sa_handler = on_crash };

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

#define RUN_NAMED(fn) (fflush(stdout), running = #fn, RUN(fn))

int main(int argc, char **argv)
{
	const char *s = getenv("BPF_TEST_SEED");

	if (s != NULL)
		seed = strtoull(s, NULL, 0);
	catch_crashes();
	if (load_oracle() != 0 || guard_setup() != 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
		alarm(600);
		bench();
		return 0;
	}
	printf("# seed %" PRIu64 " (BPF_TEST_SEED)\n", seed);
	alarm(120);	/* a few seconds normally */
	RUN_NAMED(test_opcode_table);
	RUN_NAMED(test_image);
	RUN_NAMED(test_image_per_thread);
	RUN_NAMED(test_validate_cases);
	RUN_NAMED(test_validate_random);
	RUN_NAMED(test_filter_cases);
	RUN_NAMED(test_filter_aux);
	RUN_NAMED(test_filter_defined);
	RUN_NAMED(test_filter_random);
	RUN_NAMED(test_dump);
	CHECK_EXIT();
}
