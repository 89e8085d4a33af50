/*
 * computation.c: the computation language (see computation.h).  Text is
 * read into a small tree; predicates become pcap-filter expressions that
 * the filter compiler turns into classic BPF; the tree is then laid out
 * twice, as the filter program and as the steering program, each
 * predicate's program spliced in with its returns turned into jumps.
 * Scratch words M[11..14] belong to the steering code, so a predicate
 * that needs them (very long arithmetic) is refused.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-jit/computation.h"

#define ERRBUF 256
#define MAX_INSNS 65535
#define M_SAMPLE 11		/* scratch words of the steering code */
#define M_PORTS 12
#define M_ADDRS 13
#define M_HASH 14
#define HASH_MIX 0x9e3779b1u

enum kind { K_PRED, K_STEER, K_SNAP, K_DROP, K_SAMPLE, K_WHEN, K_UNLESS,
	    K_COND };
enum steer { S_FLOW, S_IP, S_MAC, S_VLAN, S_FIELD, S_RROBIN, S_RSS };

struct node {
	enum kind kind;
	struct bpf_program pred;	/* K_PRED, and the test of control */
	enum steer steer;
	uint32_t off, len;		/* steer_field; snap: len */
	struct node *body[2];		/* control: then, else */
	struct node *next;		/* the next stage */
};

/* ------------------------------------------------------------------ */
/* Reading.                                                             */

struct reader {
	const char *text, *at, *origin;
	const struct filter_target *target;
	char *errbuf;
	int failed;
	bool snap_allowed;	/* only at the top level */
	/* the token just read, and one looked at ahead */
	char tok[512], peeked[512];
	const char *tok_at;
};

static void where(const struct reader *r, const char *at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = r->text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void fail_at(struct reader *r, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct reader *r, const char *at, const char *fmt, ...)
{
	char what[ERRBUF];
	int line, col;
	va_list ap;

	if (r->failed++)
		return;		/* the first error is the one to fix */
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	where(r, at, &line, &col);
	snprintf(r->errbuf, ERRBUF, "%s:%d:%d: %s", r->origin, line, col, what);
}

/* The next token (a word, a number, an address, ">->", "(", ")" or a
 * quoted string, quotes left out) into r->tok; "" at the end. */
static const char *next_token(struct reader *r)
{
	size_t n = 0;

	while (isspace((unsigned char)*r->at))
		r->at++;
	if (*r->at == '#') {			/* comment to the end of line */
		while (*r->at && *r->at != '\n')
			r->at++;
		return next_token(r);
	}
	r->tok_at = r->at;
	if (*r->at == '(' || *r->at == ')') {
		r->tok[0] = *r->at++;
		r->tok[1] = '\0';
		return r->tok;
	}
	if (*r->at == '"') {
		const char *end = strchr(r->at + 1, '"');

		if (end == NULL) {
			fail_at(r, r->at, "unterminated string");
			r->tok[0] = '\0';
			r->at += strlen(r->at);
			return r->tok;
		}
		n = (size_t)(end - r->at - 1);
		if (n >= sizeof r->tok - 2)
			n = sizeof r->tok - 3;
		r->tok[0] = '"';
		memcpy(r->tok + 1, r->at + 1, n);
		r->tok[n + 1] = '\0';
		r->at = end + 1;
		return r->tok;
	}
	while (*r->at && !isspace((unsigned char)*r->at) && *r->at != '(' &&
	       *r->at != ')' && *r->at != '"' && n < sizeof r->tok - 1)
		r->tok[n++] = *r->at++;
	r->tok[n] = '\0';
	return r->tok;
}

static const char *peek_token(struct reader *r)
{
	const char *save = r->at, *save_tok = r->tok_at;
	char tok[sizeof r->tok];

	memcpy(tok, r->tok, sizeof tok);
	next_token(r);
	memcpy(r->peeked, r->tok, sizeof r->peeked);
	r->at = save;
	r->tok_at = save_tok;
	memcpy(r->tok, tok, sizeof tok);
	return r->peeked;
}

static bool is_word(const char *tok, const char *word)
{
	return strcmp(tok, word) == 0;
}

static bool expect(struct reader *r, const char *what)
{
	next_token(r);
	if (is_word(r->tok, what))
		return true;
	fail_at(r, r->tok_at, "expected '%s', got '%s'", what,
		r->tok[0] ? r->tok : "the end");
	return false;
}

static bool number(struct reader *r, const char *what, uint32_t max,
		   uint32_t *out)
{
	char *end;
	unsigned long v;

	next_token(r);
	errno = 0;
	v = strtoul(r->tok, &end, 0);
	if (r->tok[0] == '\0' || *end != '\0' || errno != 0 || v > max) {
		fail_at(r, r->tok_at, "expected %s (0 to %u), got '%s'", what,
			max, r->tok[0] ? r->tok : "the end");
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* An address, with /LEN or without: pcap-filter's "net" or "host". */
static bool address(struct reader *r, const char *dir, char *out, size_t n)
{
	next_token(r);
	for (const char *c = r->tok; *c; c++)
		if (!isxdigit((unsigned char)*c) && !strchr(".:/", *c)) {
			fail_at(r, r->tok_at, "expected an address (A or A/LEN), "
				"got '%s'", r->tok);
			return false;
		}
	if (r->tok[0] == '\0') {
		fail_at(r, r->tok_at, "expected an address, got the end");
		return false;
	}
	snprintf(out, n, "%s%s %s", dir, strchr(r->tok, '/') ? "net" : "host",
		 r->tok);
	return true;
}

static char *pred_or_and(struct reader *r);

/* One predicate word as pcap-filter text, malloc'd; NULL after an error. */
static char *pred_atom(struct reader *r)
{
	static const struct { const char *word, *expr; } plain[] = {
		{ "ip", "ip" }, { "ip6", "ip6" }, { "tcp", "tcp" },
		{ "udp", "udp" }, { "icmp", "icmp" }, { "icmp6", "icmp6" },
		{ "vlan", "vlan" },
		{ "no_frag", "not ((ip and ip[6:2] & 0x3fff != 0) or "
			     "(ip6 and ip6[6] == 44))" },
	};
	static const struct { const char *word, *dir; } ports[] = {
		{ "port", "" }, { "src_port", "src " }, { "dst_port", "dst " },
	};
	static const struct { const char *word, *dir; } addrs[] = {
		{ "addr", "" }, { "src_addr", "src " }, { "dst_addr", "dst " },
	};
	char buf[600];
	const char *at;
	uint32_t v;

	next_token(r);
	at = r->tok_at;
	if (is_word(r->tok, "(")) {
		char *inner = pred_or_and(r);

		if (inner != NULL && !expect(r, ")")) {
			free(inner);
			return NULL;
		}
		return inner;
	}
	if (is_word(r->tok, "not")) {
		char *inner = pred_atom(r);

		if (inner == NULL)
			return NULL;
		snprintf(buf, sizeof buf, "not (%s)", inner);
		free(inner);
		return strdup(buf);
	}
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (is_word(r->tok, plain[i].word))
			return strdup(plain[i].expr);
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
		if (is_word(r->tok, ports[i].word)) {
			if (!number(r, "a port", 65535, &v))
				return NULL;
			snprintf(buf, sizeof buf, "%sport %u", ports[i].dir, v);
			return strdup(buf);
		}
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
		if (is_word(r->tok, addrs[i].word))
			return address(r, addrs[i].dir, buf, sizeof buf)
				       ? strdup(buf) : NULL;
	if (is_word(r->tok, "filter")) {
		next_token(r);
		if (r->tok[0] != '"') {
			fail_at(r, r->tok_at, "expected a quoted pcap-filter "
				"expression after 'filter'");
			return NULL;
		}
		snprintf(buf, sizeof buf, "(%s)", r->tok + 1);
		return strdup(buf);
	}
	fail_at(r, at, "expected a predicate (ip, ip6, tcp, udp, icmp, "
		"icmp6, vlan, no_frag, port, src_port, dst_port, addr, "
		"src_addr, dst_addr, filter, not, '('), got '%s'",
		r->tok[0] ? r->tok : "the end");
	return NULL;
}

/* and/or, left to right, each side in parentheses. */
static char *pred_or_and(struct reader *r)
{
	char *left = pred_atom(r);

	while (left != NULL) {
		const char *op = peek_token(r);
		char *right, *both;
		size_t n;

		if (!is_word(op, "and") && !is_word(op, "or"))
			break;
		next_token(r);
		op = is_word(r->tok, "and") ? "and" : "or";
		right = pred_atom(r);
		if (right == NULL) {
			free(left);
			return NULL;
		}
		n = strlen(left) + strlen(right) + 16;
		both = malloc(n);
		if (both != NULL)
			snprintf(both, n, "(%s) %s (%s)", left, op, right);
		free(left);
		free(right);
		left = both;
	}
	return left;
}

/* The predicate's program, compiled for the handle. */
static bool compile_pred(struct reader *r, const char *at, const char *expr,
			 struct bpf_program *prog)
{
	char err[ERRBUF];

	if (filter_compile(r->target, expr, 1, 0xffffffffu, prog, err) != 0) {
		fail_at(r, at, "%s", err);
		return false;
	}
	for (u_int i = 0; i < prog->bf_len; i++) {
		const struct bpf_insn *in = &prog->bf_insns[i];
		uint16_t c = in->code;

		if ((c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM) ||
		     c == BPF_ST || c == BPF_STX) && in->k >= M_SAMPLE) {
			fail_at(r, at, "predicate too complex (it needs "
				"scratch memory the steering code uses)");
			return false;
		}
	}
	return true;
}

static void free_nodes(struct node *n)
{
	while (n != NULL) {
		struct node *next = n->next;

		free(n->pred.bf_insns);
		free_nodes(n->body[0]);
		free_nodes(n->body[1]);
		free(n);
		n = next;
	}
}

static struct node *pipeline(struct reader *r, bool nested);

/* "(" pipeline ")" */
static struct node *group(struct reader *r)
{
	struct node *body;

	if (!expect(r, "("))
		return NULL;
	body = pipeline(r, true);
	if (body != NULL && !expect(r, ")")) {
		free_nodes(body);
		return NULL;
	}
	return body;
}

static struct node *stage(struct reader *r, bool nested)
{
	static const struct { const char *word; enum steer steer; } steers[] = {
		{ "steer_flow", S_FLOW }, { "steer_ip", S_IP },
		{ "steer_mac", S_MAC }, { "steer_vlan", S_VLAN },
		{ "steer_field", S_FIELD }, { "steer_rrobin", S_RROBIN },
		{ "steer_rss", S_RSS },
	};
	const char *word = peek_token(r), *at;
	struct node *n = calloc(1, sizeof *n);
	char *expr;

	if (n == NULL) {
		fail_at(r, r->at, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof steers / sizeof steers[0]; i++)
		if (is_word(word, steers[i].word)) {
			next_token(r);
			n->kind = K_STEER;
			n->steer = steers[i].steer;
			if ((n->steer == S_RROBIN || n->steer == S_RSS) &&
			    nested) {
				fail_at(r, r->tok_at, "%s: only at the top level "
					"(the kernel's fanout does it)", word);
				goto fail;
			}
			if (n->steer == S_FIELD &&
			    (!number(r, "an offset", 65535, &n->off) ||
			     !number(r, "a length (1, 2 or 4)", 4, &n->len) ||
			     n->len == 0 || n->len == 3)) {
				fail_at(r, r->tok_at, "steer_field: the length is "
					"1, 2 or 4");
				goto fail;
			}
			return n;
		}
	if (is_word(word, "sample")) {		/* 1 in N flows */
		next_token(r);
		n->kind = K_SAMPLE;
		if (!number(r, "a sampling rate", 1u << 24, &n->len))
			goto fail;
		if (n->len == 0) {
			fail_at(r, r->tok_at, "sample: the rate is 1 or more");
			goto fail;
		}
		return n;
	}
	if (is_word(word, "drop")) {
		next_token(r);
		n->kind = K_DROP;
		return n;
	}
	if (is_word(word, "snap")) {
		next_token(r);
		if (nested || !r->snap_allowed) {
			fail_at(r, r->tok_at, "snap: only at the top level, "
				"outside when/unless/conditional");
			goto fail;
		}
		n->kind = K_SNAP;
		if (!number(r, "a byte count", 262144, &n->len))
			goto fail;
		if (n->len == 0) {
			fail_at(r, r->tok_at, "snap: 1 byte or more");
			goto fail;
		}
		return n;
	}
	if (is_word(word, "when") || is_word(word, "unless") ||
	    is_word(word, "conditional")) {
		next_token(r);
		n->kind = is_word(r->tok, "when") ? K_WHEN
			  : is_word(r->tok, "unless") ? K_UNLESS : K_COND;
		peek_token(r);
		at = r->at;
		expr = pred_or_and(r);
		if (expr == NULL || !compile_pred(r, at, expr, &n->pred)) {
			free(expr);
			goto fail;
		}
		free(expr);
		if ((n->body[0] = group(r)) == NULL)
			goto fail;
		if (n->kind == K_COND && (n->body[1] = group(r)) == NULL)
			goto fail;
		return n;
	}
	/* a predicate */
	peek_token(r);
	at = r->at;
	while (isspace((unsigned char)*at))
		at++;
	expr = pred_or_and(r);
	if (expr == NULL || !compile_pred(r, at, expr, &n->pred)) {
		free(expr);
		goto fail;
	}
	free(expr);
	n->kind = K_PRED;
	return n;
fail:
	free_nodes(n);
	return NULL;
}

/* STAGE (">->" STAGE)*, up to ")" (nested) or the end. */
static struct node *pipeline(struct reader *r, bool nested)
{
	struct node *first = NULL, **tail = &first;

	for (;;) {
		struct node *n = stage(r, nested);
		const char *sep;

		if (n == NULL) {
			free_nodes(first);
			return NULL;
		}
		*tail = n;
		tail = &n->next;
		sep = peek_token(r);
		if (is_word(sep, ">->")) {
			next_token(r);
			continue;
		}
		if (sep[0] == '\0' || (nested && is_word(sep, ")")))
			return first;
		next_token(r);
		fail_at(r, r->tok_at, "expected '>->'%s, got '%s'",
			nested ? " or ')'" : " or the end", r->tok);
		free_nodes(first);
		return NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Laying out.                                                          */

struct fixup {
	u_int at;
	int label;
	char field;		/* 'k' (ja), 't', 'f' */
};

struct gen {
	struct bpf_insn *insns;
	u_int n, cap;
	struct fixup *fix;
	u_int nfix, capfix;
	u_int *label_at;
	int nlabels, caplabels;
	bool steer;		/* laying out the steering program */
	bool failed;
};

static void emit(struct gen *g, uint16_t code, uint8_t jt, uint8_t jf,
		 uint32_t k)
{
	if (g->n == g->cap) {
		u_int cap = g->cap ? 2 * g->cap : 64;
		struct bpf_insn *b = realloc(g->insns, cap * sizeof *b);

		if (b == NULL || cap > MAX_INSNS) {
			g->failed = true;
			return;
		}
		g->insns = b;
		g->cap = cap;
	}
	g->insns[g->n++] = (struct bpf_insn){ code, jt, jf, k };
}

static int new_label(struct gen *g)
{
	if (g->nlabels == g->caplabels) {
		int cap = g->caplabels ? 2 * g->caplabels : 16;
		u_int *b = realloc(g->label_at, (size_t)cap * sizeof *b);

		if (b == NULL) {
			g->failed = true;
			return 0;
		}
		g->label_at = b;
		g->caplabels = cap;
	}
	g->label_at[g->nlabels] = (u_int)-1;
	return g->nlabels++;
}

static void place(struct gen *g, int label)
{
	if (!g->failed)
		g->label_at[label] = g->n;
}

static void fix_to(struct gen *g, int label, char field)
{
	if (g->nfix == g->capfix) {
		u_int cap = g->capfix ? 2 * g->capfix : 64;
		struct fixup *f = realloc(g->fix, cap * sizeof *f);

		if (f == NULL) {
			g->failed = true;
			return;
		}
		g->fix = f;
		g->capfix = cap;
	}
	g->fix[g->nfix++] = (struct fixup){ g->n - 1, label, field };
}

static void ja(struct gen *g, int label)
{
	emit(g, BPF_JMP | BPF_JA, 0, 0, 0);
	fix_to(g, label, 'k');
}

/* "if A op k" to T, else to F (-1: the next instruction); T and F near. */
static void jump(struct gen *g, uint16_t op, uint32_t k, int t, int f)
{
	emit(g, BPF_JMP | op | BPF_K, 0, 0, k);
	if (t >= 0)
		fix_to(g, t, 't');
	if (f >= 0)
		fix_to(g, f, 'f');
}

static void resolve(struct gen *g, char *errbuf)
{
	for (u_int i = 0; i < g->nfix && !g->failed; i++) {
		const struct fixup *f = &g->fix[i];
		long off = (long)g->label_at[f->label] - (long)f->at - 1;

		if (off < 0 || (f->field != 'k' && off > 255)) {
			snprintf(errbuf, ERRBUF, "computation too large to lay out");
			g->failed = true;
			return;
		}
		if (f->field == 'k')
			g->insns[f->at].k = (uint32_t)off;
		else if (f->field == 't')
			g->insns[f->at].jt = (uint8_t)off;
		else
			g->insns[f->at].jf = (uint8_t)off;
	}
}

/* A predicate's program, its returns turned into jumps: accepted to T,
 * rejected to F. */
static void splice(struct gen *g, const struct bpf_program *p, int t, int f)
{
	int ret_a = -1;

	for (u_int i = 0; i < p->bf_len; i++) {
		const struct bpf_insn *in = &p->bf_insns[i];

		if (in->code == (BPF_RET | BPF_K)) {
			ja(g, in->k != 0 ? t : f);
		} else if (BPF_CLASS(in->code) == BPF_RET) {
			if (ret_a < 0)
				ret_a = new_label(g);
			ja(g, ret_a);
		} else {
			emit(g, in->code, in->jt, in->jf, in->k);
		}
	}
	if (ret_a >= 0) {		/* "ret a": A != 0 accepts */
		place(g, ret_a);
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		ja(g, f);
		ja(g, t);
	}
}

#define LD_W(k) emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, k)
#define LD_H(k) emit(g, BPF_LD | BPF_H | BPF_ABS, 0, 0, k)
#define LD_B(k) emit(g, BPF_LD | BPF_B | BPF_ABS, 0, 0, k)
#define TAX() emit(g, BPF_MISC | BPF_TAX, 0, 0, 0)
#define XOR_X() emit(g, BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0)
#define ST(m) emit(g, BPF_ST, 0, 0, m)
#define LDX_M(m) emit(g, BPF_LDX | BPF_MEM, 0, 0, m)
#define LD_M(m) emit(g, BPF_LD | BPF_MEM, 0, 0, m)

/* A ^= the words at OFF, OFF+4, ... (N of them). */
static void xor_words(struct gen *g, uint32_t off, int n)
{
	LD_W(off);
	for (int i = 1; i < n; i++) {
		TAX();
		LD_W(off + 4 * (uint32_t)i);
		XOR_X();
	}
}

/* After the addresses (M[M_ADDRS]): when the protocol byte at PROTO_OFF
 * is TCP, UDP or SCTP, A = both ports xor the addresses, on to MIX; else
 * (or for an IPv4 fragment) to ADDRS.  The ports are at PORTS_OFF past the
 * IPv4 header (IPV4) or at that offset in the frame. */
static void fold_in_ports(struct gen *g, uint32_t proto_off, bool ipv4,
			  uint32_t ports_off, int addrs, int mix)
{
	const uint16_t mode = ipv4 ? BPF_IND : BPF_ABS;
	int has = new_label(g);

	LD_B(proto_off);
	jump(g, BPF_JEQ, 6, has, -1);
	jump(g, BPF_JEQ, 17, has, -1);
	jump(g, BPF_JEQ, 132, has, addrs);
	place(g, has);
	if (ipv4) {
		LD_H(20);
		jump(g, BPF_JSET, 0x1fff, addrs, -1);	/* fragment */
		emit(g, BPF_LDX | BPF_MSH | BPF_B, 0, 0, 14);
	}
	emit(g, BPF_LD | BPF_H | mode, 0, 0, ports_off);
	ST(M_PORTS);
	emit(g, BPF_LD | BPF_H | mode, 0, 0, ports_off + 2);
	LDX_M(M_PORTS);
	XOR_X();
	LDX_M(M_ADDRS);
	XOR_X();
	ja(g, mix);
}

/* M[DEST] = the steering hash of the packet (Ethernet framing, VLAN
 * tags as metadata). */
static void steer_code(struct gen *g, enum steer steer, uint32_t off,
		       uint32_t len, uint32_t dest)
{
	int mix = new_label(g);

	switch (steer) {
	case S_FLOW:
	case S_IP: {
		int v4 = new_label(g), v6 = new_label(g), none = new_label(g),
		    addrs = new_label(g);
		const bool ports = steer == S_FLOW;

		LD_H(12);
		jump(g, BPF_JEQ, 0x0800, v4, -1);
		jump(g, BPF_JEQ, 0x86dd, v6, none);
		place(g, v4);
		xor_words(g, 26, 2);
		ST(M_ADDRS);
		if (ports)
			fold_in_ports(g, 23, true, 14, addrs, mix);
		else
			ja(g, addrs);
		place(g, v6);
		xor_words(g, 22, 8);
		ST(M_ADDRS);
		if (ports)
			fold_in_ports(g, 20, false, 54, addrs, mix);
		else
			ja(g, addrs);
		place(g, none);
		emit(g, BPF_LD | BPF_IMM, 0, 0, 0);
		ja(g, mix);
		place(g, addrs);
		LD_M(M_ADDRS);
		break;
	}
	case S_MAC:
		xor_words(g, 0, 1);
		TAX();
		LD_W(6);
		XOR_X();
		ST(M_PORTS);
		LD_H(4);
		TAX();
		LD_H(10);
		XOR_X();
		LDX_M(M_PORTS);
		XOR_X();
		break;
	case S_VLAN:
		emit(g, BPF_LD | BPF_B | BPF_ABS, 0, 0, BPF_AUX_VLAN_TAG);
		emit(g, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0x0fff);
		break;
	case S_FIELD:
		emit(g, BPF_LD | BPF_ABS |
			(len == 4 ? BPF_W : len == 2 ? BPF_H : BPF_B),
		     0, 0, off);
		break;
	case S_RROBIN:
	case S_RSS:
		return;		/* the kernel's fanout modes, no program */
	}
	place(g, mix);
	emit(g, BPF_ALU | BPF_MUL | BPF_K, 0, 0, HASH_MIX);
	emit(g, BPF_ALU | BPF_RSH | BPF_K, 0, 0, 16);
	ST(dest);
}

/* The stages from N on; a packet dropped goes to DROP, one that passes
 * them all falls through. */
static void stages(struct gen *g, const struct node *n, int drop)
{
	for (; n != NULL && !g->failed; n = n->next) {
		int a = -1, b = -1, after = -1;

		switch (n->kind) {
		case K_PRED:
			a = new_label(g);
			splice(g, &n->pred, a, drop);
			place(g, a);
			break;
		case K_DROP:
			ja(g, drop);
			break;
		case K_SNAP:
			break;		/* the handle's snapshot length */
		case K_STEER:
			if (g->steer)
				steer_code(g, n->steer, n->off, n->len, M_HASH);
			break;
		case K_SAMPLE:		/* hash % N == 0: the flow is kept */
			a = new_label(g);
			steer_code(g, S_FLOW, 0, 0, M_SAMPLE);
			LD_M(M_SAMPLE);
			emit(g, BPF_ALU | BPF_MOD | BPF_K, 0, 0, n->len);
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
			ja(g, drop);
			break;
		case K_WHEN:
		case K_UNLESS:
			a = new_label(g);
			after = new_label(g);
			if (n->kind == K_WHEN)
				splice(g, &n->pred, a, after);
			else
				splice(g, &n->pred, after, a);
			place(g, a);
			stages(g, n->body[0], drop);
			place(g, after);
			break;
		case K_COND:
			a = new_label(g);
			b = new_label(g);
			after = new_label(g);
			splice(g, &n->pred, a, b);
			place(g, a);
			stages(g, n->body[0], drop);
			ja(g, after);
			place(g, b);
			stages(g, n->body[1], drop);
			place(g, after);
			break;
		}
	}
}

/* Whether a stage steers with a program (not a kernel fanout mode). */
static bool steers(const struct node *n)
{
	for (; n != NULL; n = n->next)
		if ((n->kind == K_STEER && n->steer != S_RROBIN &&
		     n->steer != S_RSS) || steers(n->body[0]) ||
		    steers(n->body[1]))
			return true;
	return false;
}

static bool samples(const struct node *n)
{
	for (; n != NULL; n = n->next)
		if (n->kind == K_SAMPLE || samples(n->body[0]) ||
		    samples(n->body[1]))
			return true;
	return false;
}

/* The top-level steer_rrobin / steer_rss, as a fanout mode. */
static enum computation_fanout kernel_fanout(const struct node *n)
{
	enum computation_fanout f = COMPUTATION_FANOUT_NONE;

	for (; n != NULL; n = n->next)
		if (n->kind == K_STEER && n->steer == S_RROBIN)
			f = COMPUTATION_FANOUT_LB;
		else if (n->kind == K_STEER && n->steer == S_RSS)
			f = COMPUTATION_FANOUT_HASH;
	return f;
}

static uint32_t top_snap(const struct node *n, uint32_t snaplen)
{
	for (; n != NULL; n = n->next)
		if (n->kind == K_SNAP && n->len < snaplen)
			snaplen = n->len;
	return snaplen;
}

/* One program from the tree: the filter, or the steering. */
static int lay_out(const struct node *root, bool steer, uint32_t snaplen,
		   struct bpf_program *out, char *errbuf)
{
	struct gen g = { .steer = steer };
	int drop = new_label(&g);

	if (steer) {
		emit(&g, BPF_LD | BPF_IMM, 0, 0, 0);
		emit(&g, BPF_ST, 0, 0, M_HASH);
	}
	stages(&g, root, drop);
	if (steer) {
		emit(&g, BPF_LD | BPF_MEM, 0, 0, M_HASH);
		emit(&g, BPF_RET | BPF_A, 0, 0, 0);
	} else {
		emit(&g, BPF_RET | BPF_K, 0, 0, snaplen);
	}
	place(&g, drop);
	emit(&g, BPF_RET | BPF_K, 0, 0, 0);
	resolve(&g, errbuf);
	free(g.fix);
	free(g.label_at);
	if (g.failed || !bpf_check(g.insns, (int)g.n)) {
		if (!g.failed)
			snprintf(errbuf, ERRBUF, "computation: the program laid "
				 "out is not valid");
		else if (errbuf[0] == '\0')
			snprintf(errbuf, ERRBUF, "computation: out of memory");
		free(g.insns);
		return -1;
	}
	out->bf_insns = g.insns;
	out->bf_len = g.n;
	return 0;
}

int computation_compile(const char *text, const char *origin,
			const struct filter_target *target,
			struct computation_programs *out, char *errbuf)
{
	struct reader r = { .text = text, .at = text, .origin = origin,
			    .target = target, .errbuf = errbuf,
			    .snap_allowed = true };
	struct node *root;
	int rc = -1;

	memset(out, 0, sizeof *out);
	errbuf[0] = '\0';
	if (peek_token(&r)[0] == '\0') {
		fail_at(&r, r.at, "empty computation");
		return -1;
	}
	root = pipeline(&r, false);
	if (root == NULL)
		return -1;
	out->fanout = steers(root) ? COMPUTATION_FANOUT_PROGRAM
				   : kernel_fanout(root);
	if (steers(root) && kernel_fanout(root) != COMPUTATION_FANOUT_NONE) {
		fail_at(&r, text, "steer_rrobin and steer_rss do not mix with "
			"other steering");
	} else if ((steers(root) || samples(root)) &&
		   target->linktype != DLT_EN10MB) {
		fail_at(&r, text, "steering and sampling need Ethernet frames "
			"(link type %d)", target->linktype);
	} else if (lay_out(root, false, top_snap(root, target->snaplen),
			   &out->filter, errbuf) == 0 &&
		   (!steers(root) ||
		    lay_out(root, true, 0, &out->steer, errbuf) == 0)) {
		rc = 0;
	}
	if (rc != 0)
		computation_free(out);
	free_nodes(root);
	return rc;
}

void computation_free(struct computation_programs *c)
{
	free(c->filter.bf_insns);
	free(c->steer.bf_insns);
	memset(c, 0, sizeof *c);
}

int computation_then(const struct bpf_program *first,
		     const struct bpf_program *then, struct bpf_program *out,
		     char *errbuf)
{
	struct gen g = { .steer = false };
	int next = new_label(&g), drop = new_label(&g);

	errbuf[0] = '\0';
	splice(&g, first, next, drop);
	place(&g, next);
	for (u_int i = 0; i < then->bf_len; i++)
		emit(&g, then->bf_insns[i].code, then->bf_insns[i].jt,
		     then->bf_insns[i].jf, then->bf_insns[i].k);
	place(&g, drop);
	emit(&g, BPF_RET | BPF_K, 0, 0, 0);
	resolve(&g, errbuf);
	free(g.fix);
	free(g.label_at);
	if (g.failed || !bpf_check(g.insns, (int)g.n)) {
		if (errbuf[0] == '\0')
			snprintf(errbuf, ERRBUF, "computation: the filter and "
				 "the application's do not fit together");
		free(g.insns);
		return -1;
	}
	out->bf_insns = g.insns;
	out->bf_len = g.n;
	return 0;
}

#define LL_OFF 0xffe00000u	/* SKF_LL_OFF, linux/filter.h */
#define ANCILLARY 0xfffff000u	/* SKF_AD_OFF and up: metadata */

int computation_fanout_program(const struct bpf_program *steer,
			       struct bpf_program *out)
{
	out->bf_len = steer->bf_len;
	out->bf_insns = malloc(steer->bf_len * sizeof *out->bf_insns);
	if (out->bf_insns == NULL)
		return -1;
	for (u_int i = 0; i < steer->bf_len; i++) {
		struct bpf_insn in = steer->bf_insns[i];
		unsigned cls = BPF_CLASS(in.code), mode = BPF_MODE(in.code);

		if ((cls == BPF_LD || cls == BPF_LDX) &&
		    (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH) &&
		    in.k < ANCILLARY)
			in.k += LL_OFF;
		out->bf_insns[i] = in;
	}
	return 0;
}
