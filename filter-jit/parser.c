/*
 * parser.c: reads a pcap-filter(7) expression and calls the generators.
 * A recursive-descent reading of libpcap's grammar that makes the same
 * calls in the same order as libpcap's LALR parser reduces, reports the
 * same errors, and stops at the same place (see "How errors happen").
 *
 * Grammar, in short (and/or have equal precedence, left to right):
 *
 *   prog    := [expr]
 *   expr    := term { (and | or) (term | id) }
 *   term    := not term | head id | '(' expr ')' | pname | arth relop arth
 *            | other | ATM and SS7 forms
 *   head    := [pname] (dqual [aqual] | aqual | proto | protochain | gateway)
 *   id      := name | pnum | '(' pid ')' | not id
 *   pid     := (name | pnum) { (and | or) id }
 *   pnum    := NUM | '(' pnum ')'
 *   arth    := pnum | pname '[' arth [':' NUM] ']' | len | '-' arth
 *            | arth binop arth | '(' arth ')'
 *
 * An id (a bare name or number after and/or) reuses the qualifiers of the
 * primitive before it: "host a or b", "port 80 or 443".  What it inherits
 * is whatever libpcap's parser holds just left of it on its stack, which
 * is passed down here as `inherit` (see the notes at each use).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/lexer.h"

/*
 * How errors happen.  libpcap's parser reports a syntax error only when
 * it must shift a token it cannot; before that it finishes every
 * construct it can (running their actions), so a generator can fail
 * first and its message wins.  Lexer errors (bad numbers, bogus
 * addresses) and the grammar's own checks do not replace a message
 * already reported; generator failures (cc_fail) do.  libpcap's parser
 * stack holds 10000 entries; deeper nesting is "memory exhausted", so
 * `depth` follows how deep that stack would be: every token read pushes
 * one entry, and a function that reads one grammar symbol leaves depth
 * one above where it started (the rule's entries become one).
 */
#define PARSER_STACK_LIMIT 10000

struct parser {
	struct cc *cc;
	struct lexer lx;
	struct token la;	/* the lookahead, when have_la */
	bool have_la;
	const char *pending;	/* first error of the lexer or the grammar */
	unsigned depth;
};

/* What a construct yields; parenthesized ones are classified late. */
enum item_kind {
	ITEM_TERM,	/* a term: pred, q */
	ITEM_ID,	/* an id: pred, q */
	ITEM_PNUM,	/* a number in parentheses, not yet used: num */
	ITEM_ARTH,	/* arithmetic in parentheses: arth */
};

struct item {		/* 16 bytes: returned in registers */
	uint8_t kind;		/* enum item_kind */
	struct qual q;		/* TERM, ID: what an id after it inherits */
	uint32_t num;		/* PNUM */
	union {
		struct pred *pred;	/* TERM, ID */
		struct arth *arth;	/* ARTH */
	};
};

/* Where an operand stands: what the grammar allows there. */
enum where {
	AT_EXPR_START,	/* a term (first of an expression) */
	AT_CONNECTIVE,	/* a term or an id (after and/or) */
	AT_ID,		/* an id (after a head, or negated in an id) */
};

/* What a parenthesized group may turn out to be. */
enum {
	IN_EXPR = 1,	/* '(' expr ')' */
	IN_PID = 2,	/* '(' pid ')' */
	IN_PNUM = 4,	/* '(' pnum ')' */
	IN_NARTH = 8,	/* '(' arth ')' with an operator or a load */
};

static const struct qual qual_undef = { QA_UNDEF, QP_UNDEF, QD_UNDEF };

static struct item parse_operand(struct parser *ps, enum where where,
				 struct qual inherit);
static struct item parse_group(struct parser *ps, struct qual inherit,
			       unsigned allowed);
static struct arth *parse_arth(struct parser *ps);

/* ------------------------------------------------------------------ */
/* Errors, tokens and the stack depth.                                 */

static void note_error(struct parser *ps, const char *msg)
{
	if (ps->pending == NULL)
		ps->pending = msg;
}

static _Noreturn void abort_parse(struct parser *ps)
{
	cc_fail(ps->cc, "%s", ps->pending);
}

static _Noreturn void syntax_error(struct parser *ps)
{
	note_error(ps, "can't parse filter expression: syntax error");
	abort_parse(ps);
}

/* An error of the grammar's own checks: it yields to an earlier one. */
static _Noreturn __attribute__((format(printf, 2, 3)))
void grammar_error(struct parser *ps, const char *fmt, ...)
{
	char *msg = cc_alloc(ps->cc, PCAP_ERRBUF_SIZE);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	note_error(ps, msg);
	abort_parse(ps);
}

/* One more entry on libpcap's parser stack (a token or an empty rule). */
static void push(struct parser *ps)
{
	if (++ps->depth >= PARSER_STACK_LIMIT) {
		note_error(ps, "can't parse filter expression: memory exhausted");
		abort_parse(ps);
	}
}

/* Reading the lookahead is when the lexer's error is reported. */
static enum tok peek(struct parser *ps)
{
	if (!ps->have_la) {
		lexer_next(&ps->lx, &ps->la);
		if (ps->la.error != NULL)
			note_error(ps, ps->la.error);
		ps->have_la = true;
	}
	return ps->la.kind;
}

static struct token shift(struct parser *ps)
{
	peek(ps);
	ps->have_la = false;
	push(ps);
	return ps->la;
}

static struct token expect(struct parser *ps, enum tok kind)
{
	if (peek(ps) != kind)
		syntax_error(ps);
	return shift(ps);
}

static bool peek_is_connective(struct parser *ps)
{
	return peek(ps) == TK_AND || peek(ps) == TK_OR;
}

static struct item term_item(struct pred *p, struct qual q)
{
	return (struct item){ .kind = ITEM_TERM, .pred = p, .q = q };
}

static struct item id_item(struct pred *p, struct qual q)
{
	return (struct item){ .kind = ITEM_ID, .pred = p, .q = q };
}

static struct pred *combine(struct parser *ps, enum tok op, struct pred *a,
			    struct pred *b)
{
	return op == TK_AND ? pred_and(ps->cc, a, b) : pred_or(ps->cc, a, b);
}

/* ------------------------------------------------------------------ */
/* Arithmetic.                                                         */

/* Binary operators and their precedence; '%' and '^' have none (below). */
static int binop_precedence(enum tok t)
{
	switch (t) {
	case TK_PIPE:
		return 1;
	case TK_AMP:
		return 2;
	case TK_LSH:
	case TK_RSH:
		return 3;
	case TK_PLUS:
	case TK_MINUS:
		return 4;
	case TK_STAR:
	case TK_SLASH:
		return 5;
	default:
		return 0;
	}
}

static int binop_code(enum tok t)
{
	switch (t) {
	case TK_PIPE:
		return BPF_OR;
	case TK_AMP:
		return BPF_AND;
	case TK_LSH:
		return BPF_LSH;
	case TK_RSH:
		return BPF_RSH;
	case TK_PLUS:
		return BPF_ADD;
	case TK_MINUS:
		return BPF_SUB;
	case TK_STAR:
		return BPF_MUL;
	case TK_SLASH:
		return BPF_DIV;
	case TK_PERCENT:
		return BPF_MOD;
	default:
		return BPF_XOR;
	}
}

/*
 * '%' and '^' were given no precedence in libpcap's grammar, and its
 * parser generator resolves every such conflict by shifting: the
 * operator binds to the operand just before it (even under a unary
 * minus) and takes everything after it as its right side:
 * "a + b % c + d" is a + (b % (c + d)), "-a % b" is -(a % b).
 */
static struct arth *mod_xor_suffix(struct parser *ps, struct arth *a)
{
	unsigned d = ps->depth;

	if (peek(ps) == TK_PERCENT || peek(ps) == TK_CARET) {
		int op = binop_code(shift(ps).kind);
		struct arth *rhs = parse_arth(ps);

		a = gen_arth(ps->cc, op, a, rhs);
		ps->depth = d;
	}
	return a;
}

/* pname '[' arth [':' NUM] ']' with pname already read. */
static struct arth *parse_load(struct parser *ps, int proto)
{
	unsigned d = ps->depth;
	struct arth *index;
	uint32_t size = 1;

	expect(ps, TK_LBRACKET);
	index = parse_arth(ps);
	if (peek(ps) == TK_COLON) {
		shift(ps);
		size = expect(ps, TK_NUM).val;
	}
	expect(ps, TK_RBRACKET);
	ps->depth = d;
	return gen_load(ps->cc, proto, index, size);
}

static struct arth *parse_arth_primary(struct parser *ps)
{
	unsigned d = ps->depth;
	struct arth *a;

	switch (peek(ps)) {
	case TK_NUM:
		a = gen_loadi(ps->cc, shift(ps).val);
		break;
	case TK_LPAREN: {
		struct item it = parse_group(ps, qual_undef,
					     IN_PNUM | IN_NARTH);

		a = it.kind == ITEM_PNUM ? gen_loadi(ps->cc, it.num) : it.arth;
		break;
	}
	case TK_LEN:
		shift(ps);
		a = gen_loadlen(ps->cc);
		break;
	case TK_PNAME:
		a = parse_load(ps, (int)shift(ps).val);
		break;
	default:
		syntax_error(ps);
	}
	ps->depth = d + 1;
	return a;
}

/* Unary minus binds tighter than every binary operator. */
static struct arth *parse_arth_operand(struct parser *ps)
{
	unsigned d = ps->depth, negations = 0;
	struct arth *a;

	while (peek(ps) == TK_MINUS) {
		shift(ps);
		negations++;
	}
	a = mod_xor_suffix(ps, parse_arth_primary(ps));
	while (negations-- > 0)
		a = gen_neg(ps->cc, a);
	ps->depth = d + 1;
	return a;
}

/* Precedence climbing over the binary operators, left-associative. */
static struct arth *arth_climb(struct parser *ps, struct arth *lhs,
			       int min_prec)
{
	unsigned d = ps->depth;
	int prec;

	while ((prec = binop_precedence(peek(ps))) >= min_prec && prec > 0) {
		int op = binop_code(shift(ps).kind);
		struct arth *rhs = parse_arth_operand(ps);

		while (binop_precedence(peek(ps)) > prec)
			rhs = arth_climb(ps, rhs, prec + 1);
		lhs = gen_arth(ps->cc, op, lhs, rhs);
		ps->depth = d;
	}
	return lhs;
}

static struct arth *parse_arth(struct parser *ps)
{
	return arth_climb(ps, parse_arth_operand(ps), 1);
}

static bool relop(enum tok t, int *jtype, bool *reversed)
{
	static const struct {
		enum tok tok;
		int jtype;
		bool reversed;
	} relops[] = {
		{ TK_GT, BPF_JGT, false }, { TK_GEQ, BPF_JGE, false },
		{ TK_EQ, BPF_JEQ, false }, { TK_LEQ, BPF_JGT, true },
		{ TK_LT, BPF_JGE, true }, { TK_NEQ, BPF_JEQ, true },
	};

	for (size_t i = 0; i < sizeof relops / sizeof *relops; i++) {
		if (relops[i].tok == t) {
			*jtype = relops[i].jtype;
			*reversed = relops[i].reversed;
			return true;
		}
	}
	return false;
}

/*
 * An arithmetic operand has been read (on the stack): finish the
 * arithmetic, then either compare it (a term) or, where `allowed` has
 * IN_NARTH, stop before the ')' that closes it.
 */
static struct item arth_then(struct parser *ps, struct arth *operand,
			     unsigned allowed)
{
	unsigned d = ps->depth;
	struct arth *lhs = arth_climb(ps, operand, 1);
	int jtype;
	bool reversed;

	if ((allowed & IN_EXPR) && relop(peek(ps), &jtype, &reversed)) {
		struct arth *rhs;
		struct pred *p;

		shift(ps);
		rhs = parse_arth(ps);
		p = gen_relation(ps->cc, jtype, lhs, rhs, reversed);
		ps->depth = d;
		return term_item(p, qual_undef);
	}
	if ((allowed & IN_NARTH) && peek(ps) == TK_RPAREN)
		return (struct item){ .kind = ITEM_ARTH, .arth = lhs };
	syntax_error(ps);
}

/* A number read as an arithmetic operand. */
static struct item number_then(struct parser *ps, uint32_t n,
			       unsigned allowed)
{
	return arth_then(ps, mod_xor_suffix(ps, gen_loadi(ps->cc, n)),
			 allowed);
}

/* NUM or '(' pnum ')', as after vlan, mpls, pppoes, geneve. */
static uint32_t parse_pnum(struct parser *ps)
{
	if (peek(ps) == TK_NUM)
		return shift(ps).val;
	if (peek(ps) == TK_LPAREN)
		return parse_group(ps, qual_undef, IN_PNUM).num;
	syntax_error(ps);
}

/* ------------------------------------------------------------------ */
/* Names: what an id is made of.                                       */

static const char *const ip_host_misuse[] = {
	[QA_PORT] = "'port' modifier applied to ip host",
	[QA_PORTRANGE] = "'portrange' modifier applied to ip host",
	[QA_PROTO] = "'proto' modifier applied to ip host",
	[QA_PROTOCHAIN] = "'protochain' modifier applied to ip host",
};

/* HID, HID '/' NUM, HID mask HID (the HID read). */
static struct pred *parse_ipv4(struct parser *ps, const char *addr,
			       struct qual q)
{
	switch (peek(ps)) {
	case TK_SLASH:
		shift(ps);
		return gen_mcode(ps->cc, addr, NULL, expect(ps, TK_NUM).val, q);
	case TK_NETMASK:
		shift(ps);
		return gen_mcode(ps->cc, addr, expect(ps, TK_HID).text, 0, q);
	default:
		if (q.addr < sizeof ip_host_misuse / sizeof *ip_host_misuse &&
		    ip_host_misuse[q.addr] != NULL)
			grammar_error(ps, "%s", ip_host_misuse[q.addr]);
		return gen_ncode(ps->cc, addr, 0, q);
	}
}

/* HID6 or HID6 '/' NUM (the HID6 read); a bogus one was reported. */
static struct pred *parse_ipv6(struct parser *ps, const char *addr,
			       struct qual q)
{
	unsigned masklen = 128;

	if (peek(ps) == TK_SLASH) {
		shift(ps);
		masklen = expect(ps, TK_NUM).val;
	}
	if (addr == NULL)
		abort_parse(ps);
	return gen_mcode6(ps->cc, addr, masklen, q);
}

/* A name (ID, HID, HID6, EID, AID) standing for what q qualifies. */
static struct item parse_name(struct parser *ps, struct qual q)
{
	unsigned d = ps->depth;
	struct token t = shift(ps);
	struct pred *p;

	switch (t.kind) {
	case TK_ID:
		p = gen_scode(ps->cc, t.text, q);
		break;
	case TK_HID:
		p = parse_ipv4(ps, t.text, q);
		break;
	case TK_HID6:
		p = parse_ipv6(ps, t.text, q);
		break;
	case TK_EID:
		if (t.text == NULL)
			abort_parse(ps);
		p = gen_ecode(ps->cc, t.text, q);
		break;
	default:
		p = gen_acode(ps->cc, t.text, q);
		break;
	}
	ps->depth = d + 1;
	return id_item(p, q);
}

static bool is_name(enum tok t)
{
	return t == TK_ID || t == TK_HID || t == TK_HID6 || t == TK_EID ||
	       t == TK_AID;
}

static struct item number_id(struct parser *ps, uint32_t n, struct qual q)
{
	return id_item(gen_ncode(ps->cc, NULL, n, q), q);
}

/* ------------------------------------------------------------------ */
/* 802.11 and LLC names, which the grammar itself resolves.            */

struct name_value {
	const char *name;
	uint32_t value;
};

#define FC0_TYPE_MASK 0x0c
#define FC0_SUBTYPE_MASK 0xf0
#define FC0_TYPE_MGT 0x00
#define FC0_TYPE_CTL 0x04
#define FC0_TYPE_DATA 0x08

static const struct name_value wlan_types[] = {
	{ "data", FC0_TYPE_DATA }, { "mgt", FC0_TYPE_MGT },
	{ "management", FC0_TYPE_MGT }, { "ctl", FC0_TYPE_CTL },
	{ "control", FC0_TYPE_CTL }, { NULL, 0 },
};

static const struct name_value wlan_mgt_subtypes[] = {
	{ "assocreq", 0x00 }, { "assoc-req", 0x00 },
	{ "assocresp", 0x10 }, { "assoc-resp", 0x10 },
	{ "reassocreq", 0x20 }, { "reassoc-req", 0x20 },
	{ "reassocresp", 0x30 }, { "reassoc-resp", 0x30 },
	{ "probereq", 0x40 }, { "probe-req", 0x40 },
	{ "proberesp", 0x50 }, { "probe-resp", 0x50 },
	{ "beacon", 0x80 }, { "atim", 0x90 },
	{ "disassoc", 0xa0 }, { "disassociation", 0xa0 },
	{ "auth", 0xb0 }, { "authentication", 0xb0 },
	{ "deauth", 0xc0 }, { "deauthentication", 0xc0 },
	{ NULL, 0 },
};

static const struct name_value wlan_ctl_subtypes[] = {
	{ "ps-poll", 0xa0 }, { "rts", 0xb0 }, { "cts", 0xc0 },
	{ "ack", 0xd0 }, { "cf-end", 0xe0 }, { "cf-end-ack", 0xf0 },
	{ NULL, 0 },
};

static const struct name_value wlan_data_subtypes[] = {
	{ "data", 0x00 }, { "data-cf-ack", 0x10 }, { "data-cf-poll", 0x20 },
	{ "data-cf-ack-poll", 0x30 }, { "null", 0x40 }, { "cf-ack", 0x50 },
	{ "cf-poll", 0x60 }, { "cf-ack-poll", 0x70 }, { "qos-data", 0x80 },
	{ "qos-data-cf-ack", 0x90 }, { "qos-data-cf-poll", 0xa0 },
	{ "qos-data-cf-ack-poll", 0xb0 }, { "qos", 0xc0 },
	{ "qos-cf-poll", 0xe0 }, { "qos-cf-ack-poll", 0xf0 },
	{ NULL, 0 },
};

/* Each frame type's subtype names, in the order names are looked up. */
static const struct {
	uint32_t type;
	const struct name_value *subtypes;
} wlan_subtypes_by_type[] = {
	{ FC0_TYPE_MGT, wlan_mgt_subtypes },
	{ FC0_TYPE_CTL, wlan_ctl_subtypes },
	{ FC0_TYPE_DATA, wlan_data_subtypes },
};

static const struct name_value wlan_directions[] = {
	{ "nods", 0 }, { "tods", 1 }, { "fromds", 2 }, { "dstods", 3 },
	{ NULL, 0 },
};

static const struct name_value llc_s_subtypes[] = {
	{ "rr", 0x01 }, { "rnr", 0x05 }, { "rej", 0x09 }, { NULL, 0 },
};

static const struct name_value llc_u_subtypes[] = {
	{ "ui", 0x03 }, { "ua", 0x63 }, { "disc", 0x43 }, { "dm", 0x0f },
	{ "sabme", 0x6f }, { "test", 0xe3 }, { "xid", 0xaf }, { "frmr", 0x87 },
	{ NULL, 0 },
};

#define LLC_RNR 0x05

/* Case-insensitive lookup; false if the name is not in the table. */
static bool lookup(const struct name_value *table, const char *name,
		   uint32_t *value)
{
	for (; table->name != NULL; table++) {
		if (strcasecmp(table->name, name) == 0) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

/* A NUM or an ID, as after type, subtype and dir. */
static struct token shift_value(struct parser *ps)
{
	if (peek(ps) != TK_NUM && peek(ps) != TK_ID)
		syntax_error(ps);
	return shift(ps);
}

/* type NUM | type ID */
static uint32_t parse_wlan_type(struct parser *ps)
{
	struct token t = shift_value(ps);
	uint32_t type;

	if (t.kind == TK_NUM) {
		if ((t.val & ~(uint32_t)FC0_TYPE_MASK) != 0)
			grammar_error(ps, "invalid 802.11 type value 0x%02x",
				      t.val);
		return t.val;
	}
	if (!lookup(wlan_types, t.text, &type))
		grammar_error(ps, "unknown 802.11 type name \"%s\"", t.text);
	return type;
}

/* The subtype after "type T subtype": a number or a name of T's. */
static uint32_t parse_wlan_subtype(struct parser *ps, uint32_t type)
{
	struct token t = shift_value(ps);
	const struct name_value *names = NULL;
	uint32_t subtype;

	if (t.kind == TK_NUM) {
		if ((t.val & ~(uint32_t)FC0_SUBTYPE_MASK) != 0)
			grammar_error(ps, "invalid 802.11 subtype value 0x%02x",
				      t.val);
		return t.val;
	}
	for (size_t i = 0; i < sizeof wlan_subtypes_by_type /
			       sizeof *wlan_subtypes_by_type; i++) {
		if (wlan_subtypes_by_type[i].type == type)
			names = wlan_subtypes_by_type[i].subtypes;
	}
	if (names == NULL)
		grammar_error(ps, "unknown 802.11 type");
	if (!lookup(names, t.text, &subtype))
		grammar_error(ps, "unknown 802.11 subtype name \"%s\"", t.text);
	return subtype;
}

/* "subtype NAME" alone: the first frame type with such a subtype. */
static uint32_t parse_wlan_type_subtype(struct parser *ps)
{
	struct token t = expect(ps, TK_ID);
	uint32_t subtype;

	for (size_t i = 0; i < sizeof wlan_subtypes_by_type /
			       sizeof *wlan_subtypes_by_type; i++) {
		if (lookup(wlan_subtypes_by_type[i].subtypes, t.text, &subtype))
			return subtype | wlan_subtypes_by_type[i].type;
	}
	grammar_error(ps, "unknown 802.11 type name");
}

static uint32_t parse_wlan_direction(struct parser *ps)
{
	struct token t = shift_value(ps);
	uint32_t dir;

	if (t.kind == TK_NUM)
		return t.val;
	if (!lookup(wlan_directions, t.text, &dir))
		grammar_error(ps, "unknown 802.11 direction");
	return dir;
}

/* type T [subtype S] | subtype S | dir D (the keyword not yet read) */
static struct pred *parse_wlan(struct parser *ps)
{
	uint32_t type, subtype;

	switch (shift(ps).kind) {
	case TK_TYPE:
		type = parse_wlan_type(ps);
		if (peek(ps) != TK_SUBTYPE)
			return gen_p80211_type(ps->cc, type, FC0_TYPE_MASK);
		shift(ps);
		subtype = parse_wlan_subtype(ps, type);
		return gen_p80211_type(ps->cc, type | subtype,
				       FC0_TYPE_MASK | FC0_SUBTYPE_MASK);
	case TK_SUBTYPE:
		return gen_p80211_type(ps->cc, parse_wlan_type_subtype(ps),
				       FC0_TYPE_MASK | FC0_SUBTYPE_MASK);
	default:
		return gen_p80211_fcdir(ps->cc, parse_wlan_direction(ps));
	}
}

/* llc [i | s | u | S-subtype | U-subtype] (llc read) */
static struct pred *parse_llc(struct parser *ps)
{
	struct token t;
	uint32_t subtype;

	if (peek(ps) == TK_PF_RNR) {	/* "rnr" is a keyword of its own */
		shift(ps);
		return gen_llc_s_subtype(ps->cc, LLC_RNR);
	}
	if (peek(ps) != TK_ID)
		return gen_llc(ps->cc);
	t = shift(ps);
	if (strcasecmp(t.text, "i") == 0)
		return gen_llc_i(ps->cc);
	if (strcasecmp(t.text, "s") == 0)
		return gen_llc_s(ps->cc);
	if (strcasecmp(t.text, "u") == 0)
		return gen_llc_u(ps->cc);
	if (lookup(llc_s_subtypes, t.text, &subtype))
		return gen_llc_s_subtype(ps->cc, subtype);
	if (lookup(llc_u_subtypes, t.text, &subtype))
		return gen_llc_u_subtype(ps->cc, subtype);
	grammar_error(ps, "unknown LLC type name \"%s\"", t.text);
}

/* ------------------------------------------------------------------ */
/* Terms that start with a keyword.                                    */

/* Direction qualifiers: src, dst, "src or dst", "dst and src", addr1... */
static uint8_t parse_dqual(struct parser *ps)
{
	unsigned d = ps->depth;
	struct token t = shift(ps);
	uint8_t dir;

	if (t.kind == TK_DQUAL)
		return (uint8_t)t.val;
	if (!peek_is_connective(ps))
		return t.kind == TK_SRC ? QD_SRC : QD_DST;
	dir = shift(ps).kind == TK_OR ? QD_OR : QD_AND;
	expect(ps, t.kind == TK_SRC ? TK_DST : TK_SRC);
	ps->depth = d + 1;
	return dir;
}

/* head id, with the protocol qualifier (or none) read. */
static struct item parse_head_id(struct parser *ps, uint8_t proto)
{
	unsigned d = ps->depth;
	struct qual q = { .addr = QA_DEFAULT, .proto = proto,
			  .dir = QD_DEFAULT };
	struct item id;

	switch (peek(ps)) {
	case TK_SRC:
	case TK_DST:
	case TK_DQUAL:
		q.dir = parse_dqual(ps);
		if (peek(ps) == TK_AQUAL)
			q.addr = (uint8_t)shift(ps).val;
		break;
	case TK_AQUAL:
		q.addr = (uint8_t)shift(ps).val;
		break;
	case TK_PROTO:
		shift(ps);
		q.addr = QA_PROTO;
		break;
	case TK_PROTOCHAIN:
		shift(ps);
		q.addr = QA_PROTOCHAIN;
		break;
	case TK_GATEWAY:
		shift(ps);
		q.addr = QA_GATEWAY;
		break;
	default:
		syntax_error(ps);
	}
	ps->depth = d;
	id = parse_operand(ps, AT_ID, q);
	ps->depth = d;
	return term_item(id.pred, id.q);
}

/* What may follow a protocol qualifier (or none): head id, broadcast,
 * multicast, 802.11 type/subtype/dir. */
static struct item parse_qualified(struct parser *ps, uint8_t proto)
{
	unsigned d = ps->depth;
	struct pred *p;

	switch (peek(ps)) {
	case TK_BROADCAST:
		shift(ps);
		p = gen_broadcast(ps->cc, proto);
		break;
	case TK_MULTICAST:
		shift(ps);
		p = gen_multicast(ps->cc, proto);
		break;
	case TK_TYPE:
	case TK_SUBTYPE:
	case TK_DIR:
		p = parse_wlan(ps);
		break;
	default:
		return parse_head_id(ps, proto);
	}
	ps->depth = d;
	return term_item(p, qual_undef);
}

/* A protocol name: alone, as a qualifier, or loading from its header. */
static struct item parse_pname(struct parser *ps, unsigned allowed)
{
	unsigned d = ps->depth;
	int proto = (int)shift(ps).val;

	if (peek(ps) == TK_LBRACKET)
		return arth_then(ps, mod_xor_suffix(ps, parse_load(ps, proto)),
				 allowed);
	if (!(allowed & IN_EXPR))
		syntax_error(ps);
	switch (peek(ps)) {
	case TK_AND:
	case TK_OR:
	case TK_RPAREN:
	case TK_EOF:
		ps->depth = d + 1;
		return term_item(gen_proto_abbrev(ps->cc, proto), qual_undef);
	default:
		return parse_qualified(ps, (uint8_t)proto);
	}
}

/* ATM "vpi"/"vci" and SS7 "sio"/"opc"/... values: NUM, relop NUM,
 * or '(' NUM { or NUM } ')'.  gen is gen_atmfield_code or
 * gen_mtp3field_code. */
typedef struct pred *field_gen(struct cc *, int, uint32_t, uint16_t, bool);

static struct pred *parse_field_value(struct parser *ps, int field,
				      field_gen *gen)
{
	int jtype;
	bool reversed;
	struct pred *p;

	if (peek(ps) == TK_NUM)
		return gen(ps->cc, field, shift(ps).val, BPF_JEQ, false);
	if (relop(peek(ps), &jtype, &reversed)) {
		shift(ps);
		return gen(ps->cc, field, expect(ps, TK_NUM).val,
			   (uint16_t)jtype, reversed);
	}
	expect(ps, TK_LPAREN);
	p = gen(ps->cc, field, expect(ps, TK_NUM).val, BPF_JEQ, false);
	while (peek(ps) == TK_OR) {
		unsigned d = ps->depth;
		struct pred *next;

		shift(ps);
		next = gen(ps->cc, field, expect(ps, TK_NUM).val, BPF_JEQ,
			   false);
		p = pred_or(ps->cc, p, next);
		ps->depth = d;
	}
	expect(ps, TK_RPAREN);
	return p;
}

static const char *expect_name(struct parser *ps)
{
	return expect(ps, TK_ID).text;
}

/* Keywords that start a term of their own (see parse_keyword_term). */
static bool starts_keyword_term(enum tok t)
{
	switch (t) {
	case TK_LESS: case TK_GREATER: case TK_BYTE: case TK_INBOUND:
	case TK_OUTBOUND: case TK_IFINDEX: case TK_VLAN: case TK_MPLS:
	case TK_PPPOES: case TK_GENEVE: case TK_PPPOED: case TK_PF_IFNAME:
	case TK_PF_RSET: case TK_PF_RNR: case TK_PF_SRNR: case TK_PF_REASON:
	case TK_PF_ACTION: case TK_LLC: case TK_ATMTYPE: case TK_ATMMULTI:
	case TK_ATMFIELD: case TK_MTP2TYPE: case TK_MTP3FIELD:
		return true;
	default:
		return false;
	}
}

/*
 * Where a term may start, libpcap's parser assumes an empty protocol
 * qualifier before it looks at a token it cannot use: one more stack
 * entry, which matters only to "memory exhausted".
 */
static _Noreturn void term_start_error(struct parser *ps)
{
	push(ps);
	syntax_error(ps);
}

/* Terms that start with a keyword other than a protocol name. */
static struct item parse_keyword_term(struct parser *ps)
{
	unsigned d = ps->depth;
	struct cc *cc = ps->cc;
	struct pred *p;
	struct token t;
	uint32_t n;

	switch (peek(ps)) {
	case TK_SRC:
	case TK_DST:
	case TK_DQUAL:
	case TK_AQUAL:
	case TK_PROTO:
	case TK_PROTOCHAIN:
	case TK_GATEWAY:
	case TK_BROADCAST:
	case TK_MULTICAST:
	case TK_TYPE:
	case TK_SUBTYPE:
	case TK_DIR:
		push(ps);	/* the empty protocol qualifier */
		return parse_qualified(ps, QP_DEFAULT);
	default:
		if (!starts_keyword_term(peek(ps)))
			term_start_error(ps);
		break;
	}
	t = shift(ps);
	switch (t.kind) {
	case TK_LESS:
		p = gen_less(cc, expect(ps, TK_NUM).val);
		break;
	case TK_GREATER:
		p = gen_greater(cc, expect(ps, TK_NUM).val);
		break;
	case TK_BYTE: {
		static const struct {
			enum tok tok;
			int op;
		} byteops[] = {
			{ TK_AMP, '&' }, { TK_PIPE, '|' }, { TK_LT, '<' },
			{ TK_GT, '>' }, { TK_EQ, '=' },
		};
		uint32_t idx = expect(ps, TK_NUM).val;
		int op = 0;

		for (size_t i = 0; i < sizeof byteops / sizeof *byteops; i++) {
			if (byteops[i].tok == peek(ps))
				op = byteops[i].op;
		}
		if (op == 0)
			syntax_error(ps);
		shift(ps);
		p = gen_byteop(cc, op, idx, expect(ps, TK_NUM).val);
		break;
	}
	case TK_INBOUND:
		p = gen_inbound(cc, 0);
		break;
	case TK_OUTBOUND:
		p = gen_inbound(cc, 1);
		break;
	case TK_IFINDEX:
		p = gen_ifindex(cc, (int)expect(ps, TK_NUM).val);
		break;
	case TK_VLAN:
	case TK_MPLS:
	case TK_PPPOES:
	case TK_GENEVE: {
		bool has = peek(ps) == TK_NUM || peek(ps) == TK_LPAREN;

		n = has ? parse_pnum(ps) : 0;
		p = t.kind == TK_VLAN ? gen_vlan(cc, n, has)
		  : t.kind == TK_MPLS ? gen_mpls(cc, n, has)
		  : t.kind == TK_PPPOES ? gen_pppoes(cc, n, has)
		  : gen_geneve(cc, n, has);
		break;
	}
	case TK_PPPOED:
		p = gen_pppoed(cc);
		break;
	case TK_PF_IFNAME:
		p = gen_pf_ifname(cc, expect_name(ps));
		break;
	case TK_PF_RSET:
		p = gen_pf_ruleset(cc, expect_name(ps));
		break;
	case TK_PF_RNR:
		p = gen_pf_rnr(cc, (int)expect(ps, TK_NUM).val);
		break;
	case TK_PF_SRNR:
		p = gen_pf_srnr(cc, (int)expect(ps, TK_NUM).val);
		break;
	case TK_PF_REASON:
		if (peek(ps) == TK_NUM)
			p = gen_pf_reason(cc, (int)shift(ps).val);
		else
			p = gen_pf_reason(cc, pfreason_to_num(cc, expect_name(ps)));
		break;
	case TK_PF_ACTION:
		p = gen_pf_action(cc, pfaction_to_num(cc, expect_name(ps)));
		break;
	case TK_LLC:
		p = parse_llc(ps);
		break;
	case TK_ATMTYPE:
		p = gen_atmtype_abbrev(cc, (int)t.val);
		break;
	case TK_ATMMULTI:
		p = gen_atmmulti_abbrev(cc, (int)t.val);
		break;
	case TK_ATMFIELD:
		p = parse_field_value(ps, (int)t.val, gen_atmfield_code);
		break;
	case TK_MTP2TYPE:
		p = gen_mtp2type_abbrev(cc, (int)t.val);
		break;
	default:	/* TK_MTP3FIELD */
		p = parse_field_value(ps, (int)t.val, gen_mtp3field_code);
		break;
	}
	ps->depth = d + 1;
	return term_item(p, qual_undef);
}

/* A term that starts with a keyword or an arithmetic operator; in
 * parentheses (IN_NARTH) it may also be arithmetic closed by ')'. */
static struct item parse_rterm(struct parser *ps, unsigned allowed)
{
	switch (peek(ps)) {
	case TK_MINUS:
	case TK_LEN:
		return arth_then(ps, parse_arth_operand(ps), allowed);
	case TK_PNAME:
		return parse_pname(ps, allowed);
	default:
		if (!(allowed & IN_EXPR))
			syntax_error(ps);
		return parse_keyword_term(ps);
	}
}

/* ------------------------------------------------------------------ */
/* Expressions, ids and parentheses.                                    */

/* expr := term { (and | or) (term | id) }, the first term read.  An id
 * after and/or inherits the qualifiers of what precedes the and/or. */
static struct item expr_rest(struct parser *ps, struct item it)
{
	unsigned d = ps->depth;

	while (peek_is_connective(ps)) {
		enum tok op = shift(ps).kind;
		struct item rhs = parse_operand(ps, AT_CONNECTIVE, it.q);

		it.pred = combine(ps, op, it.pred, rhs.pred);
		it.q = rhs.q;
		ps->depth = d;
	}
	it.kind = ITEM_TERM;
	return it;
}

/* pid := (name | pnum) { (and | or) id }, the first element read. */
static struct item pid_rest(struct parser *ps, struct item it)
{
	unsigned d = ps->depth;

	while (peek_is_connective(ps)) {
		enum tok op = shift(ps).kind;
		struct item rhs = parse_operand(ps, AT_ID, it.q);

		it.pred = combine(ps, op, it.pred, rhs.pred);
		it.q = rhs.q;
		ps->depth = d;
	}
	return it;
}

/*
 * A number (on the stack) as an operand.  After and/or it is an id when
 * what follows could end an id (libpcap's parser decides on that one
 * token); otherwise it is arithmetic.
 */
static struct item number_operand(struct parser *ps, enum where where,
				  struct qual inherit, uint32_t n)
{
	if (where == AT_ID)
		return number_id(ps, n, inherit);
	if (where == AT_CONNECTIVE) {
		switch (peek(ps)) {
		case TK_AND:
		case TK_OR:
		case TK_RPAREN:
		case TK_EOF:
			return number_id(ps, n, inherit);
		default:
			break;
		}
	}
	return number_then(ps, n, IN_EXPR);
}

/* A number (on the stack) first in parentheses: the whole content,
 * the start of a pid, or arithmetic. */
static struct item number_in_group(struct parser *ps, struct qual inherit,
				   unsigned allowed, uint32_t n)
{
	if (peek(ps) == TK_RPAREN)
		return (struct item){ .kind = ITEM_PNUM, .num = n };
	if ((allowed & IN_PID) && peek_is_connective(ps))
		return number_id(ps, n, inherit);
	if (allowed & (IN_EXPR | IN_NARTH))
		return number_then(ps, n, allowed);
	if (allowed & IN_PID)	/* libpcap takes it for a pid's first */
		number_id(ps, n, inherit);
	syntax_error(ps);
}

/* not not ... operand; negation keeps the operand's kind and value. */
static struct item parse_negation(struct parser *ps, enum where where,
				  struct qual inherit)
{
	unsigned d = ps->depth, negations = 0;
	struct item it;

	while (peek(ps) == TK_NOT) {
		shift(ps);
		negations++;
	}
	it = parse_operand(ps, where, inherit);
	while (negations-- > 0)
		it.pred = pred_not(ps->cc, it.pred);
	ps->depth = d + 1;
	return it;
}

/* The first element in parentheses: an expression's first term, a pid's
 * first name or number, or arithmetic -- as `allowed` permits. */
static struct item group_first(struct parser *ps, struct qual inherit,
			       unsigned allowed)
{
	enum tok t = peek(ps);

	if (is_name(t)) {
		if (allowed & IN_PID)
			return parse_name(ps, inherit);
		if (allowed & IN_EXPR)
			term_start_error(ps);
		syntax_error(ps);
	}
	switch (t) {
	case TK_NOT:
		if ((allowed & (IN_EXPR | IN_PID)) == (IN_EXPR | IN_PID))
			return parse_negation(ps, AT_CONNECTIVE, inherit);
		if (allowed & IN_EXPR)
			return parse_negation(ps, AT_EXPR_START, inherit);
		if (allowed & IN_PID)
			return parse_negation(ps, AT_ID, inherit);
		syntax_error(ps);
	case TK_NUM:
		return number_in_group(ps, inherit, allowed, shift(ps).val);
	case TK_LPAREN: {
		/* An id in parentheses never starts a pid or an expression. */
		unsigned inner = IN_PNUM | (allowed & IN_EXPR);
		struct item it;

		if (allowed & (IN_EXPR | IN_NARTH))
			inner |= IN_NARTH;
		it = parse_group(ps, inherit, inner);
		if (it.kind == ITEM_PNUM)
			return number_in_group(ps, inherit, allowed, it.num);
		if (it.kind == ITEM_ARTH)
			return arth_then(ps, mod_xor_suffix(ps, it.arth),
					 allowed);
		return it;
	}
	default:
		if (!(allowed & (IN_EXPR | IN_NARTH)))
			syntax_error(ps);
		return parse_rterm(ps, allowed);
	}
}

/*
 * '(' ... ')'.  Which of expr, pid, pnum or arithmetic it holds shows
 * only from its content.  A parenthesized expression hands on what was
 * inherited before it; a pid, what its last id had.
 */
static struct item parse_group(struct parser *ps, struct qual inherit,
			       unsigned allowed)
{
	unsigned d = ps->depth;
	struct item it;

	shift(ps);
	it = group_first(ps, inherit, allowed);
	if (it.kind == ITEM_TERM) {
		it = expr_rest(ps, it);
		it.q = inherit;
	} else if (it.kind == ITEM_ID) {
		it = pid_rest(ps, it);
	}
	expect(ps, TK_RPAREN);
	ps->depth = d + 1;
	return it;
}

/* The allowed content of parentheses at each kind of operand. */
static unsigned group_contents(enum where where)
{
	switch (where) {
	case AT_EXPR_START:
		return IN_EXPR | IN_PNUM | IN_NARTH;
	case AT_CONNECTIVE:
		return IN_EXPR | IN_PID | IN_PNUM | IN_NARTH;
	default:
		return IN_PID | IN_PNUM;
	}
}

static struct item parse_operand(struct parser *ps, enum where where,
				 struct qual inherit)
{
	enum tok t = peek(ps);
	struct item it;

	if (is_name(t)) {
		if (where == AT_EXPR_START)
			term_start_error(ps);
		return parse_name(ps, inherit);
	}
	switch (t) {
	case TK_NOT:
		return parse_negation(ps, where, inherit);
	case TK_NUM:
		return number_operand(ps, where, inherit, shift(ps).val);
	case TK_LPAREN:
		it = parse_group(ps, inherit, group_contents(where));
		if (it.kind == ITEM_PNUM)
			return number_operand(ps, where, inherit, it.num);
		if (it.kind == ITEM_ARTH)
			return arth_then(ps, mod_xor_suffix(ps, it.arth),
					 IN_EXPR);
		return it;
	default:
		if (where == AT_ID)
			syntax_error(ps);
		return parse_rterm(ps, IN_EXPR);
	}
}

void cc_parse(struct cc *cc, const char *text)
{
	struct parser ps = { .cc = cc, .depth = 1 };
	struct item it;

	lexer_init(&ps.lx, cc, text);
	push(&ps);	/* the empty rule every program starts with */
	if (peek(&ps) == TK_EOF)
		return;
	it = expr_rest(&ps, parse_operand(&ps, AT_EXPR_START, qual_undef));
	cc_finish(cc, it.pred);
	if (peek(&ps) != TK_EOF)
		syntax_error(&ps);
}
