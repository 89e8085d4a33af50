/*
 * test-emit.c: the back end (lowering, optimizer, set trees, emission)
 * against a direct evaluation of the predicate tree.  Random trees are
 * built through code.c -- tests with loads near and past the packet's
 * end, ALU operations, scratch memory, jumps inside a test's code,
 * jeq/jgt/jge/jset on K and X, AND/OR/NOT/TRUE/FALSE nesting, long
 * OR-chains of equality tests that become set trees -- and run on random
 * packets, whole and truncated.
 *
 *  - Unoptimized programs must give, packet for packet, the verdict of
 *    running the tree in order with BPF's rule that a load past the
 *    captured length (or a division by zero) ends the program with 0.
 *  - Optimized programs take libpcap's optimizer's liberties with that
 *    rule (dead loads go, tests are reordered: test-optimize checks those
 *    against libpcap itself).  Here, on trees shaped like gencode's
 *    (each test loads what it tests, registers set before they are
 *    read), they must agree with the tree when loads cannot fail: out of
 *    range reads 0 and x/0 is 0, for both.  Targeted cases pin the
 *    truncated-packet behaviour that matters (dead loads, set trees).
 *
 * usage: test-emit [trees [seed]]   (defaults: 40000, 1)
 */
#include "config.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/filter.h"
#include "tests/unit/check.h"

#define SNAPLEN 65535u
#define PKT_MAX 512
#define N_MEM 4			/* scratch registers the trees use */

static uint64_t rng = 1;
static long n_trees = 40000;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* ------------------------------------------------------------------ */
/* A compiler context per tree.                                         */

struct ctx {
	struct cc *cc;
	char errbuf[PCAP_ERRBUF_SIZE];
};

static struct cc *ctx_new(struct ctx *c, bool optimize)
{
	c->cc = calloc(1, sizeof *c->cc);
	c->cc->errbuf = c->errbuf;
	c->cc->snaplen = SNAPLEN;
	c->cc->optimize = optimize;
	c->errbuf[0] = '\0';
	return c->cc;
}

static void ctx_free(struct ctx *c)
{
	cc_arena_free(c->cc);
	free(c->cc);
}

/* ------------------------------------------------------------------ */
/* The reference: the tree, run in order.                              */

struct regs {
	uint32_t A, X, M[BPF_MEMWORDS];
};

struct packet {
	uint8_t b[PKT_MAX];
	unsigned wire, cap;
	bool nofault;		/* out-of-range loads read 0, x/0 is 0 */
};

enum { R_FALSE, R_TRUE, R_ABORT };

/* Reads size bytes at off, or fails (false) past the captured length. */
static bool read_be(const struct packet *p, uint64_t off, unsigned size,
		    uint32_t *v)
{
	*v = 0;
	if (off + size > p->cap)
		return p->nofault;
	for (unsigned i = 0; i < size; i++)
		*v = *v << 8 | p->b[off + i];
	return true;
}

static unsigned size_of(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

static bool alu(uint16_t code, uint32_t *A, uint32_t v, bool nofault)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *A += v; break;
	case BPF_SUB: *A -= v; break;
	case BPF_MUL: *A *= v; break;
	case BPF_DIV:
		if (v == 0) {
			*A = 0;
			return nofault;
		}
		*A /= v;
		break;
	case BPF_MOD:
		if (v == 0) {
			*A = 0;
			return nofault;
		}
		*A %= v;
		break;
	case BPF_AND: *A &= v; break;
	case BPF_OR: *A |= v; break;
	case BPF_XOR: *A ^= v; break;
	case BPF_LSH: *A = v < 32 ? *A << v : 0; break;
	case BPF_RSH: *A = v < 32 ? *A >> v : 0; break;
	case BPF_NEG: *A = 0u - *A; break;
	}
	return true;
}

static bool branch(uint16_t code, uint32_t A, uint32_t v)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return A == v;
	case BPF_JGT: return A > v;
	case BPF_JGE: return A >= v;
	default: return (A & v) != 0;	/* BPF_JSET */
	}
}

/* One test's code; false: the program ends (returns 0). */
static bool run_code(const struct code *c, struct regs *r,
		     const struct packet *p)
{
	for (unsigned pc = 0; pc < c->n; pc++) {
		const struct insn *s = &c->v[pc];
		uint32_t v;

		switch (BPF_CLASS(s->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t *dst = BPF_CLASS(s->code) == BPF_LD ? &r->A : &r->X;

			switch (BPF_MODE(s->code)) {
			case BPF_ABS:
				if (!read_be(p, s->k, size_of(s->code), dst))
					return false;
				break;
			case BPF_IND:
				if (!read_be(p, (uint64_t)r->X + s->k,
					     size_of(s->code), dst))
					return false;
				break;
			case BPF_MSH:
				if (!read_be(p, s->k, 1, &v))
					return false;
				*dst = (v & 0xf) << 2;
				break;
			case BPF_LEN: *dst = p->wire; break;
			case BPF_IMM: *dst = s->k; break;
			case BPF_MEM: *dst = r->M[s->k % BPF_MEMWORDS]; break;
			}
			break;
		}
		case BPF_ST: r->M[s->k % BPF_MEMWORDS] = r->A; break;
		case BPF_STX: r->M[s->k % BPF_MEMWORDS] = r->X; break;
		case BPF_ALU:
			v = BPF_SRC(s->code) == BPF_X ? r->X : s->k;
			if (!alu(s->code, &r->A, v, p->nofault))
				return false;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(s->code) == BPF_TAX)
				r->X = r->A;
			else
				r->A = r->X;
			break;
		case BPF_JMP:
			if (BPF_OP(s->code) == BPF_JA)
				pc += s->k;
			else
				pc += branch(s->code, r->A, BPF_SRC(s->code) == BPF_X
						 ? r->X : s->k) ? s->jt : s->jf;
			break;
		}
	}
	return true;
}

static int eval(const struct pred *t, struct regs *r, const struct packet *p)
{
	int v;

	switch (t->kind) {
	case PRED_TEST:
		if (!run_code(&t->code, r, p))
			return R_ABORT;
		return branch(t->jmp, r->A,
			      BPF_SRC(t->jmp) == BPF_X ? r->X : t->k);
	case PRED_AND:
	case PRED_OR:
		for (unsigned i = 0; i < t->n_kids; i++) {
			v = eval(t->kids[i], r, p);
			if (v == R_ABORT || v == (t->kind == PRED_OR))
				return v;
		}
		return t->kind == PRED_AND;
	case PRED_NOT:
		v = eval(t->kids[0], r, p);
		return v == R_ABORT ? v : !v;
	case PRED_TRUE:		/* libpcap's constant blocks load A */
		r->A = 0;
		return R_TRUE;
	case PRED_FALSE:
		r->A = 1;
		return R_FALSE;
	}
	return R_ABORT;
}

static u_int tree_verdict(const struct pred *t, const struct packet *p)
{
	struct regs r;

	memset(&r, 0, sizeof r);
	return t == NULL || eval(t, &r, p) == R_TRUE ? SNAPLEN : 0;
}

/* The program under the no-fault rule (the interpreter has the other). */
static u_int run_nofault(const struct bpf_insn *prog, const struct packet *p)
{
	struct regs r;
	const struct bpf_insn *pc = prog;

	memset(&r, 0, sizeof r);
	for (;;) {
		const struct bpf_insn *s = pc++;
		struct insn i = { s->code, s->jt, s->jf, s->k };
		struct code c = { &i, 1, 1 };

		if (BPF_CLASS(s->code) == BPF_RET)
			return BPF_RVAL(s->code) == BPF_A ? r.A : s->k;
		if (BPF_CLASS(s->code) == BPF_JMP) {
			if (BPF_OP(s->code) == BPF_JA)
				pc += (int32_t)s->k;
			else
				pc += branch(s->code, r.A, BPF_SRC(s->code) == BPF_X
						 ? r.X : s->k) ? s->jt : s->jf;
			continue;
		}
		run_code(&c, &r, p);
	}
}

/* ------------------------------------------------------------------ */
/* Random trees.                                                        */

struct gen {
	struct cc *cc;
	bool shaped;		/* gencode's shape (for the optimizer) */
	unsigned len_hint;	/* loads cluster around here */
	unsigned tests;		/* budget */
	/* Constants worth planting: offset, size, value. */
	struct plant { uint32_t off, size, val; } plants[64];
	unsigned n_plants;
};

static void note_plant(struct gen *g, uint32_t off, uint32_t size,
		       uint32_t val)
{
	if (g->n_plants < 64)
		g->plants[g->n_plants++] = (struct plant){ off, size, val };
	else
		g->plants[below(64)] = (struct plant){ off, size, val };
}

static uint32_t rnd_offset(struct gen *g)
{
	uint32_t off = g->len_hint + below(24);

	return off >= 12 && below(2) ? off - 12 : below(off + 1);
}

static const uint16_t sizes[3] = { BPF_W, BPF_H, BPF_B };
static const uint16_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV,
				    BPF_MOD, BPF_AND, BPF_OR, BPF_XOR,
				    BPF_LSH, BPF_RSH };
static const uint16_t jmp_ops[4] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

/* One instruction; shaped code keeps registers defined before use. */
static void rnd_insn(struct gen *g, struct code *c, bool *x_set,
		     unsigned *mem_set, uint32_t *last_abs)
{
	uint16_t op = alu_ops[below(10)];
	unsigned m = below(N_MEM);
	uint32_t k;

	switch (below(16)) {
	case 0: case 1: case 2: case 3:
		k = rnd_offset(g);
		code_add(g->cc, c, BPF_LD | BPF_ABS | sizes[below(3)], k);
		*last_abs = k;
		return;
	case 4:
		if (g->shaped && !*x_set)
			break;
		code_add(g->cc, c, BPF_LD | BPF_IND | sizes[below(3)], below(20));
		return;
	case 5:
		code_add(g->cc, c, BPF_LDX | BPF_MSH | BPF_B, rnd_offset(g));
		*x_set = true;
		return;
	case 6:
		code_add(g->cc, c, BPF_LDX | BPF_IMM, below(40));
		*x_set = true;
		return;
	case 7:
		code_add(g->cc, c, BPF_LD | BPF_IMM, below(2) ? below(300) : rnd());
		if (g->shaped)
			c->v[c->n - 1].k %= 1000;
		return;
	case 8:
		code_add(g->cc, c, BPF_LD | BPF_W | BPF_LEN, 0);
		return;
	case 9: case 10:
		k = below(3) == 0 ? rnd() : below(70);
		if (op == BPF_LSH || op == BPF_RSH)
			k %= 32;
		if ((op == BPF_DIV || op == BPF_MOD) && k == 0)
			k = 3;
		if (g->shaped)
			k %= 1u << 16;
		if ((op == BPF_DIV || op == BPF_MOD) && k == 0)
			k = 5;
		code_add(g->cc, c, BPF_ALU | op | BPF_K, k);
		return;
	case 11:
		if (g->shaped && !*x_set)
			break;
		code_add(g->cc, c, BPF_ALU | op | BPF_X, 0);
		return;
	case 12:
		code_add(g->cc, c, BPF_ALU | BPF_NEG, 0);
		return;
	case 13:
		if (g->shaped)
			break;
		code_add(g->cc, c, below(2) ? BPF_MISC | BPF_TAX
					    : BPF_MISC | BPF_TXA, 0);
		if (c->v[c->n - 1].code == (BPF_MISC | BPF_TAX))
			*x_set = true;
		return;
	case 14:
		if (below(2)) {
			code_add(g->cc, c, BPF_ST, m);
		} else {
			if (g->shaped && !*x_set)
				break;
			code_add(g->cc, c, BPF_STX, m);
		}
		*mem_set |= 1u << m;
		return;
	case 15:
		if (g->shaped && !(*mem_set & (1u << m)))
			break;
		code_add(g->cc, c, below(2) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM,
			 m);
		if (c->v[c->n - 1].code == (BPF_LDX | BPF_MEM))
			*x_set = true;
		return;
	}
	code_add(g->cc, c, BPF_ALU | BPF_ADD | BPF_K, below(9));
}

/*
 * no_jeq0: trees for the optimizer never test "== 0" after their code.
 * libpcap's peephole turns "and #k; jeq #0" into "jset #k" with its
 * targets swapped in the middle of a pass, while the pass still takes
 * the block's edges for what they were: a later test of the same value
 * can then be threaded the wrong way.  We do what libpcap does (the
 * oracle test holds us to it), so such trees would test libpcap's bug.
 */

/* A forward branch inside the code (unshaped trees only). */
static void add_inner_jump(struct gen *g, struct code *c, unsigned n_after)
{
	uint16_t src = below(3) == 0 ? BPF_X : BPF_K;

	code_add_jump(g->cc, c, BPF_JMP | jmp_ops[below(4)] | src, below(50),
		      (uint8_t)below(n_after + 1), (uint8_t)below(n_after + 1));
}

static struct pred *rnd_test(struct gen *g)
{
	struct code c = { 0 };
	bool x_set = false;
	unsigned mem_set = 0, n = below(5);
	uint32_t last_abs = UINT32_MAX, k;
	uint16_t src = BPF_K;

	if (g->shaped) {
		/* Like gencode: the test's code starts by loading A. */
		k = rnd_offset(g);
		code_add(g->cc, &c, BPF_LD | BPF_ABS | sizes[below(3)], k);
		last_abs = k;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!g->shaped && below(8) == 0 && i + 1 < n) {
			add_inner_jump(g, &c, n - i - 1);
			continue;
		}
		rnd_insn(g, &c, &x_set, &mem_set, &last_abs);
	}
	if (g->shaped && c.n > 0) {
		uint16_t last = c.v[c.n - 1].code;

		/* What A holds must come from an operation, not a copy. */
		if (last == (BPF_LD | BPF_MEM) || last == (BPF_MISC | BPF_TXA))
			code_add(g->cc, &c, BPF_ALU | BPF_ADD | BPF_K, 0);
	}
	if (below(5) == 0 && (!g->shaped || x_set))
		src = BPF_X;
	k = below(3) == 0 ? rnd() : below(300);
	if (g->shaped && k == 0)
		k = 1;	/* see no_jeq0 */
	if (last_abs != UINT32_MAX && c.n > 0 &&
	    BPF_CLASS(c.v[c.n - 1].code) == BPF_LD &&
	    BPF_MODE(c.v[c.n - 1].code) == BPF_ABS)
		note_plant(g, last_abs, size_of(c.v[c.n - 1].code), k);
	g->tests++;
	return pred_test(g->cc, &c, (uint16_t)(BPF_JMP | jmp_ops[below(4)] | src),
			 k);
}

/*
 * One load, one compare: nothing an optimizer may drop.  (It may still
 * pull a later test of the same value up: give each its own offset.)
 */
static struct pred *simple_test(struct gen *g, uint32_t off)
{
	struct code c = { 0 };
	uint16_t size = sizes[below(3)];
	uint32_t k = 1 + below(300);

	code_add(g->cc, &c, BPF_LD | BPF_ABS | size, off);
	note_plant(g, off, size_of(size), k);
	return pred_test(g->cc, &c, BPF_JMP | jmp_ops[below(4)] | BPF_K, k);
}

/* "A in {...}": tests with one code, OR-ed -- what becomes a set tree. */
static struct pred *rnd_chain(struct gen *g, unsigned n)
{
	struct code c = { 0 };
	uint16_t size = sizes[below(3)];
	uint32_t off = rnd_offset(g), base = rnd(), k = base;
	struct pred *p = NULL;

	code_add(g->cc, &c, BPF_LD | BPF_ABS | size, off);
	if (below(3) == 0)
		code_add(g->cc, &c, BPF_ALU | BPF_AND | BPF_K, below(2) ? 0xff : rnd());
	for (unsigned i = 0; i < n; i++) {
		/* Runs of consecutive constants, jumps, duplicates. */
		k = below(3) ? k + 1 : below(4) == 0 ? k : base + rnd() % 5000;
		if (size == BPF_B && below(2))
			k &= 0xff;
		if (g->shaped && k == 0)
			k = 1;	/* see no_jeq0 */
		struct pred *t = pred_test(g->cc, &c, BPF_JMP | BPF_JEQ | BPF_K, k);

		p = p == NULL ? t : pred_or(g->cc, p, t);
		if (below(4) == 0)
			note_plant(g, off, size_of(size), k);
	}
	g->tests += n;
	return p;
}

static struct pred *rnd_tree(struct gen *g, int depth)
{
	unsigned pick = below(20);
	struct pred *p;

	if (g->tests > 60 || depth > 6)
		pick = 0;
	if (pick == 19 && g->tests < 20)
		return rnd_chain(g, 12 + below(40));
	if (pick < 8)
		return rnd_test(g);
	if (pick < 15) {
		unsigned n = 2 + below(3);

		p = rnd_tree(g, depth + 1);
		for (unsigned i = 1; i < n; i++) {
			struct pred *q = rnd_tree(g, depth + 1);

			p = pick < 11 ? pred_and(g->cc, p, q) : pred_or(g->cc, p, q);
		}
		return p;
	}
	if (pick < 17)
		return pred_not(g->cc, rnd_tree(g, depth + 1));
	return pick == 17 ? pred_true(g->cc) : pred_false(g->cc);
}

static void rnd_packet(const struct gen *g, struct packet *p, bool whole)
{
	unsigned len = below(2) ? g->len_hint + below(30) : below(g->len_hint + 40);

	if (len > PKT_MAX - 8)
		len = PKT_MAX - 8;
	/* Nothing reads past the length; a random word gives four bytes. */
	for (unsigned i = 0; i < len; i += 4) {
		uint32_t r = rnd();

		for (unsigned j = 0; j < 4; j++, r >>= 8)
			p->b[i + j] = (r & 0x300) == 0 ? 0 : (uint8_t)r;
	}
	for (unsigned i = 0; i < 4 && g->n_plants > 0; i++) {
		const struct plant *pl = &g->plants[below(g->n_plants)];

		for (unsigned j = 0; j < pl->size && pl->off + j < PKT_MAX; j++)
			p->b[pl->off + j] =
				(uint8_t)(pl->val >> (8 * (pl->size - 1 - j)));
	}
	p->wire = len;
	p->cap = whole || below(2) ? len : below(len + 1);
}

/* ------------------------------------------------------------------ */
/* Compiling.                                                           */

/* cc_generate, or NULL with the reason in errbuf. */
static struct bpf_insn *generate(struct ctx *c, struct pred *root,
				 unsigned *len)
{
	struct bpf_insn *volatile prog = NULL;

	c->cc->root = root;
	if (setjmp(c->cc->fail_jmp) == 0)
		prog = cc_generate(c->cc, len);
	return prog;
}

/* Errors libpcap's optimizer reports for what it can prove. */
static bool optimizer_error(const char *msg)
{
	return strcmp(msg, "division by zero") == 0 ||
	       strcmp(msg, "modulus by zero") == 0 ||
	       strcmp(msg, "shift by more than 31 bits") == 0 ||
	       strcmp(msg, "expression rejects all packets") == 0;
}

static long cases, mismatches;

static void report(const char *what, unsigned long tree_no, const struct packet *p,
		   u_int want, u_int got)
{
	if (mismatches++ < 5)
		printf("# %s: tree %lu, wire %u cap %u: want %u, got %u\n",
		       what, tree_no, p->wire, p->cap, want, got);
}

/* ------------------------------------------------------------------ */
/* Tests.                                                               */

static void test_random_unoptimized(void)
{
	long before = mismatches;

	for (long t = 0; t < n_trees; t++) {
		struct ctx c;
		struct gen g = { .cc = ctx_new(&c, false), .len_hint = below(80) };
		struct pred *root = rnd_tree(&g, 0);
		unsigned len;
		struct bpf_insn *prog = generate(&c, root, &len);

		CHECK(prog != NULL);
		if (prog == NULL) {
			printf("# tree %ld: %s\n", t, c.errbuf);
			ctx_free(&c);
			continue;
		}
		CHECK(bpf_check(prog, (int)len));
		for (int i = 0; i < 100; i++) {
			struct packet p = { .nofault = false };

			rnd_packet(&g, &p, false);
			u_int want = tree_verdict(root, &p);
			u_int got = bpf_interp(prog, p.b, p.wire, p.cap, NULL);

			cases++;
			if (want != got)
				report("unoptimized", (unsigned long)t, &p, want, got);
		}
		free(prog);
		ctx_free(&c);
	}
	CHECK_INT(mismatches - before, 0);
}

static void test_random_optimized(void)
{
	long before = mismatches, refused = 0, rejects_all = 0;

	for (long t = 0; t < n_trees; t++) {
		struct ctx c;
		struct gen g = { .cc = ctx_new(&c, true), .shaped = true,
				 .len_hint = below(80) };
		struct pred *root = rnd_tree(&g, 0);
		unsigned len;
		struct bpf_insn *prog = generate(&c, root, &len);

		if (prog == NULL) {
			CHECK(optimizer_error(c.errbuf));
			if (!optimizer_error(c.errbuf))
				printf("# tree %ld: %s\n", t, c.errbuf);
			refused++;
			/* "Rejects all": so must the tree. */
			bool all = strcmp(c.errbuf, "expression rejects all packets") == 0;

			rejects_all += all;
			for (int i = 0; all && i < 100; i++) {
				struct packet p = { .nofault = true };

				rnd_packet(&g, &p, true);
				if (tree_verdict(root, &p) != 0)
					report("rejects all", (unsigned long)t, &p, 0,
					       SNAPLEN);
			}
			ctx_free(&c);
			continue;
		}
		CHECK(bpf_check(prog, (int)len));
		for (int i = 0; i < 100; i++) {
			struct packet p = { .nofault = true };

			rnd_packet(&g, &p, false);
			u_int want = tree_verdict(root, &p);
			u_int got = run_nofault(prog, &p);

			cases++;
			if (want != got)
				report("optimized, loads cannot fail",
				       (unsigned long)t, &p, want, got);
		}
		free(prog);
		ctx_free(&c);
	}
	printf("# optimized: %ld of %ld trees refused (%ld reject all)\n",
	       refused, n_trees, rejects_all);
	CHECK_INT(mismatches - before, 0);
}

/* A long chain is one load and a tree of compares, run where it was. */
static void test_set_trees(void)
{
	for (int t = 0; t < 2000; t++) {
		bool opt = t % 2;
		struct ctx c;
		struct gen g = { .cc = ctx_new(&c, opt), .shaped = true,
				 .len_hint = below(60) };
		unsigned n = 24 + below(200), len;
		/* Something before and after, so the set sits mid-program. */
		uint32_t off = rnd_offset(&g);
		struct pred *first = simple_test(&g, off);
		struct pred *chain = rnd_chain(&g, n);
		struct pred *root = pred_and(c.cc, first,
			pred_or(c.cc, chain, simple_test(&g, off + 1)));
		struct bpf_insn *prog = generate(&c, root, &len);

		if (prog == NULL) {
			CHECK(optimizer_error(c.errbuf));
			ctx_free(&c);
			continue;
		}
		/* n tests with their loads would be 2n instructions. */
		CHECK(len < n + 20);
		for (int i = 0; i < 200; i++) {
			struct packet p = { .nofault = false };

			rnd_packet(&g, &p, false);
			u_int want = tree_verdict(root, &p);
			u_int got = bpf_interp(prog, p.b, p.wire, p.cap, NULL);

			cases++;
			/*
			 * Unoptimized: exact.  Optimized: exact too here --
			 * one load and one compare per test, on three values.
			 */
			if (want != got) {
				report(opt ? "set, optimized" : "set", (unsigned long)t,
				       &p, want, got);
				CHECK(want == got);
			}
		}
		free(prog);
		ctx_free(&c);
	}
}

/* libpcap deletes a load nothing reads: the packet may then be short. */
static void test_dead_load(void)
{
	for (int opt = 0; opt < 2; opt++) {
		struct ctx c;
		struct code code = { 0 };
		unsigned len;

		ctx_new(&c, opt);
		code_add(c.cc, &code, BPF_LD | BPF_W | BPF_ABS, 100);
		code_add(c.cc, &code, BPF_ALU | BPF_AND | BPF_K, 0);
		struct pred *root = pred_test(c.cc, &code,
					      BPF_JMP | BPF_JEQ | BPF_K, 0);
		struct bpf_insn *prog = generate(&c, root, &len);
		uint8_t pkt[64] = { 0 };

		CHECK(prog != NULL);
		if (prog == NULL) {
			ctx_free(&c);
			continue;
		}
		/* "ld [100]" runs only unoptimized. */
		CHECK_INT(bpf_interp(prog, pkt, 64, 64, NULL), opt ? SNAPLEN : 0);
		if (opt)
			CHECK_INT(len, 1);	/* ret #snaplen */
		free(prog);
		ctx_free(&c);
	}
}

static void test_shapes(void)
{
	struct ctx c;
	unsigned len;
	struct bpf_insn *prog;

	/* The empty expression accepts. */
	ctx_new(&c, true);
	prog = generate(&c, NULL, &len);
	CHECK(prog != NULL && len == 1 && prog[0].code == (BPF_RET | BPF_K) &&
	      prog[0].k == SNAPLEN);
	free(prog);
	ctx_free(&c);

	/* TRUE is libpcap's "ld #0; jeq #0" block. */
	ctx_new(&c, false);
	prog = generate(&c, pred_true(c.cc), &len);
	CHECK(prog != NULL && len == 4);
	if (prog != NULL && len == 4) {
		CHECK_INT(prog[0].code, BPF_LD | BPF_IMM);
		CHECK_INT(prog[0].k, 0);
		CHECK_INT(prog[1].code, BPF_JMP | BPF_JEQ | BPF_K);
		CHECK_INT(prog[1].k, 0);
	}
	free(prog);
	ctx_free(&c);

	/* FALSE optimized: rejects everything, as libpcap says. */
	ctx_new(&c, true);
	prog = generate(&c, pred_false(c.cc), &len);
	CHECK(prog == NULL);
	CHECK_STR(c.errbuf, "expression rejects all packets");
	ctx_free(&c);

	/* A jump inside a test's code keeps its target. */
	ctx_new(&c, true);
	{
		struct code code = { 0 };

		code_add(c.cc, &code, BPF_LD | BPF_B | BPF_ABS, 0);
		code_add_jump(c.cc, &code, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1);
		code_add(c.cc, &code, BPF_LD | BPF_B | BPF_ABS, 1);
		struct pred *root = pred_test(c.cc, &code,
					      BPF_JMP | BPF_JEQ | BPF_K, 7);
		uint8_t pkt[2] = { 1, 7 };

		prog = generate(&c, root, &len);
		CHECK(prog != NULL);
		if (prog != NULL) {
			CHECK_INT(bpf_interp(prog, pkt, 2, 2, NULL), SNAPLEN);
			pkt[0] = 7;	/* skips the second load: A is 7 */
			CHECK_INT(bpf_interp(prog, pkt, 1, 1, NULL), SNAPLEN);
			pkt[0] = 2;
			CHECK_INT(bpf_interp(prog, pkt, 2, 2, NULL), 0);
		}
		free(prog);
	}
	ctx_free(&c);

	/* Jumps past 255 instructions: through "ja", still valid. */
	for (int opt = 0; opt < 2; opt++) {
		struct pred *root = NULL;

		ctx_new(&c, opt);
		for (int i = 0; i < 400; i++) {
			struct code code = { 0 };

			code_add(c.cc, &code, BPF_LD | BPF_B | BPF_ABS, (unsigned)i % 50);
			code_add(c.cc, &code, BPF_ALU | BPF_ADD | BPF_K, (unsigned)i);
			struct pred *t = pred_test(c.cc, &code,
						   BPF_JMP | BPF_JGT | BPF_K, 600);

			root = root == NULL ? t : pred_or(c.cc, root, t);
		}
		prog = generate(&c, root, &len);
		CHECK(prog != NULL && bpf_check(prog, (int)len));
		if (prog != NULL) {
			uint8_t pkt[64] = { 0 };
			bool has_ja = false;

			for (unsigned i = 0; i < len; i++)
				has_ja |= prog[i].code == (BPF_JMP | BPF_JA);
			CHECK(has_ja);
			CHECK_INT(bpf_interp(prog, pkt, 64, 64, NULL), 0);
			pkt[49] = 250;	/* test 399: 250 + 399 > 600 */
			CHECK_INT(bpf_interp(prog, pkt, 64, 64, NULL), SNAPLEN);
		}
		free(prog);
		ctx_free(&c);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n_trees = atol(argv[1]);
	if (argc > 2)
		rng = strtoull(argv[2], NULL, 0) | 1;
	printf("# test-emit: %ld trees, seed %llu\n", n_trees,
	       (unsigned long long)rng);
	RUN(test_shapes);
	RUN(test_dead_load);
	RUN(test_set_trees);
	RUN(test_random_unoptimized);
	RUN(test_random_optimized);
	printf("# %ld packet verdicts compared, %ld mismatches\n", cases,
	       mismatches);
	CHECK_EXIT();
}
