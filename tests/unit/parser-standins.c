/*
 * parser-standins.c: stand-ins for every generator the filter parser
 * calls.  Each records its call in a trace and returns a node that
 * remembers its operands, so the test sees both the order of the calls
 * and whether each got the right arguments.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/filter.h"
#include "tests/unit/parser-standins.h"

#define MAX_NODES 65536

static char trace[1 << 20];
static size_t trace_len;
static int calls, fail_at;

/* Every pred and arth the stand-ins made: its operands, by node number. */
static struct node {
	int kids[2];
	int n_kids;
} nodes[MAX_NODES];
static int n_nodes;

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
	va_list ap;

	if (trace_len > 0 && trace_len < sizeof trace - 1)
		trace[trace_len++] = ' ';
	va_start(ap, fmt);
	trace_len += (size_t)vsnprintf(trace + trace_len, sizeof trace - trace_len,
				       fmt, ap);
	va_end(ap);
	if (trace_len >= sizeof trace)
		trace_len = sizeof trace - 1;
}

static void maybe_fail(struct cc *cc)
{
	if (++calls == fail_at)
		cc_fail(cc, "injected failure at %d", calls);
}

static int new_node(int n_kids, int a, int b)
{
	if (n_nodes == MAX_NODES)
		abort();
	nodes[n_nodes] = (struct node){ { a, b }, n_kids };
	return n_nodes++;
}

static struct pred *pred_node(struct cc *cc, int n_kids, int a, int b)
{
	struct pred *p = cc_alloc(cc, sizeof *p);

	p->k = (uint32_t)new_node(n_kids, a, b);
	return p;
}

static struct arth *arth_node(struct cc *cc, int n_kids, int a, int b)
{
	struct arth *x = cc_alloc(cc, sizeof *x);

	x->reg = new_node(n_kids, a, b);
	return x;
}

/* A generator's result: record, maybe fail, make a leaf. */
#define LEAF(...)                                                             \
	do {                                                                  \
		record(__VA_ARGS__);                                          \
		maybe_fail(cc);                                               \
		return pred_node(cc, 0, 0, 0);                                \
	} while (0)

static const char *const proto_names[] = {
	"-", "link", "ip", "arp", "rarp", "sctp", "tcp", "udp", "icmp",
	"igmp", "igrp", "atalk", "decnet", "lat", "sca", "moprc", "mopdl",
	"ip6", "icmp6", "ah", "esp", "pim", "vrrp", "aarp", "iso", "esis",
	"isis", "clnp", "stp", "ipx", "netbeui", "l1", "l2", "iih", "snp",
	"csnp", "psnp", "lsp", "radio", "carp",
};
static const char *const dir_names[] = {
	"-", "src", "dst", "or", "and", "addr1", "addr2", "addr3", "addr4",
	"ra", "ta",
};
static const char *const addr_names[] = {
	"-", "host", "net", "port", "gateway", "proto", "protochain",
	"portrange",
};

static const char *name_of(const char *const *names, size_t count,
			   unsigned v)
{
	if (v < count)
		return names[v];
	return v == 255 ? "?" : "#";
}

#define NAME(table, v) name_of(table, sizeof table / sizeof *table, v)

static const char *qual_str(struct qual q)
{
	static char buf[4][64];
	static int i;
	char *b = buf[i++ & 3];

	snprintf(b, sizeof buf[0], "%s/%s/%s", NAME(proto_names, q.proto),
		 NAME(dir_names, q.dir), NAME(addr_names, q.addr));
	return b;
}

static const char *proto_str(int p)
{
	return NAME(proto_names, (unsigned)p);
}

static const char *jump_str(int j)
{
	return j == BPF_JGT ? "jgt" : j == BPF_JGE ? "jge"
	     : j == BPF_JEQ ? "jeq" : "j?";
}

static const char *opt(const char *s)
{
	return s != NULL ? s : "-";
}

struct pred *gen_scode(struct cc *cc, const char *name, struct qual q)
{
	LEAF("scode(%s,%s)", name, qual_str(q));
}

struct pred *gen_ncode(struct cc *cc, const char *s, uint32_t v,
		       struct qual q)
{
	LEAF("ncode(%s,%u,%s)", opt(s), v, qual_str(q));
}

struct pred *gen_mcode(struct cc *cc, const char *s1, const char *s2,
		       unsigned masklen, struct qual q)
{
	LEAF("mcode(%s,%s,%u,%s)", s1, opt(s2), masklen, qual_str(q));
}

struct pred *gen_mcode6(struct cc *cc, const char *s, unsigned masklen,
			struct qual q)
{
	LEAF("mcode6(%s,%u,%s)", s, masklen, qual_str(q));
}

struct pred *gen_ecode(struct cc *cc, const char *s, struct qual q)
{
	LEAF("ecode(%s,%s)", s, qual_str(q));
}

struct pred *gen_acode(struct cc *cc, const char *s, struct qual q)
{
	LEAF("acode(%s,%s)", s, qual_str(q));
}

struct pred *gen_proto_abbrev(struct cc *cc, int proto)
{
	LEAF("proto(%s)", proto_str(proto));
}

struct pred *gen_broadcast(struct cc *cc, int proto)
{
	LEAF("broadcast(%s)", proto_str(proto));
}

struct pred *gen_multicast(struct cc *cc, int proto)
{
	LEAF("multicast(%s)", proto_str(proto));
}

struct pred *gen_less(struct cc *cc, unsigned n)
{
	LEAF("less(%u)", n);
}

struct pred *gen_greater(struct cc *cc, unsigned n)
{
	LEAF("greater(%u)", n);
}

struct pred *gen_byteop(struct cc *cc, int op, unsigned idx, uint32_t val)
{
	LEAF("byte(%c,%u,%u)", op, idx, val);
}

struct pred *gen_inbound(struct cc *cc, int dir)
{
	LEAF("inbound(%d)", dir);
}

struct pred *gen_ifindex(struct cc *cc, int ifindex)
{
	LEAF("ifindex(%d)", ifindex);
}

struct pred *gen_vlan(struct cc *cc, uint32_t vlan, bool has_vlan)
{
	LEAF("vlan(%u,%d)", vlan, has_vlan);
}

struct pred *gen_mpls(struct cc *cc, uint32_t label, bool has_label)
{
	LEAF("mpls(%u,%d)", label, has_label);
}

struct pred *gen_pppoed(struct cc *cc)
{
	LEAF("pppoed");
}

struct pred *gen_pppoes(struct cc *cc, uint32_t sess, bool has_sess)
{
	LEAF("pppoes(%u,%d)", sess, has_sess);
}

struct pred *gen_geneve(struct cc *cc, uint32_t vni, bool has_vni)
{
	LEAF("geneve(%u,%d)", vni, has_vni);
}

struct pred *gen_pf_ifname(struct cc *cc, const char *ifname)
{
	LEAF("pf_ifname(%s)", ifname);
}

struct pred *gen_pf_ruleset(struct cc *cc, const char *ruleset)
{
	LEAF("pf_ruleset(%s)", ruleset);
}

struct pred *gen_pf_rnr(struct cc *cc, int rnr)
{
	LEAF("pf_rnr(%d)", rnr);
}

struct pred *gen_pf_srnr(struct cc *cc, int srnr)
{
	LEAF("pf_srnr(%d)", srnr);
}

struct pred *gen_pf_reason(struct cc *cc, int reason)
{
	LEAF("pf_reason(%d)", reason);
}

struct pred *gen_pf_action(struct cc *cc, int action)
{
	LEAF("pf_action(%d)", action);
}

struct pred *gen_p80211_type(struct cc *cc, uint32_t type, uint32_t mask)
{
	LEAF("p80211_type(0x%x,0x%x)", type, mask);
}

struct pred *gen_p80211_fcdir(struct cc *cc, uint32_t fcdir)
{
	LEAF("p80211_fcdir(%u)", fcdir);
}

struct pred *gen_llc(struct cc *cc)
{
	LEAF("llc");
}

struct pred *gen_llc_i(struct cc *cc)
{
	LEAF("llc_i");
}

struct pred *gen_llc_s(struct cc *cc)
{
	LEAF("llc_s");
}

struct pred *gen_llc_u(struct cc *cc)
{
	LEAF("llc_u");
}

struct pred *gen_llc_s_subtype(struct cc *cc, uint32_t subtype)
{
	LEAF("llc_s_subtype(0x%x)", subtype);
}

struct pred *gen_llc_u_subtype(struct cc *cc, uint32_t subtype)
{
	LEAF("llc_u_subtype(0x%x)", subtype);
}

struct pred *gen_atmfield_code(struct cc *cc, int field, uint32_t v,
			       uint16_t jtype, bool reverse)
{
	LEAF("atmfield(%d,%u,%s,%d)", field, v, jump_str(jtype), reverse);
}

struct pred *gen_atmtype_abbrev(struct cc *cc, int type)
{
	LEAF("atmtype(%d)", type);
}

struct pred *gen_atmmulti_abbrev(struct cc *cc, int type)
{
	LEAF("atmmulti(%d)", type);
}

struct pred *gen_mtp2type_abbrev(struct cc *cc, int type)
{
	LEAF("mtp2type(%d)", type);
}

struct pred *gen_mtp3field_code(struct cc *cc, int field, uint32_t v,
				uint16_t jtype, bool reverse)
{
	LEAF("mtp3field(%d,%u,%s,%d)", field, v, jump_str(jtype), reverse);
}

/* The names pflog knows on Linux; the real ones are in gen-link.c. */
static int name_index(const char *const *names, size_t count,
		      const char *name)
{
	for (size_t i = 0; i < count; i++) {
		if (strcasecmp(names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

int pfreason_to_num(struct cc *cc, const char *reason)
{
	static const char *const reasons[] = {
		"match", "bad-offset", "fragment", "short", "normalize",
		"memory", "bad-timestamp", "congestion", "ip-option",
		"proto-cksum", "state-mismatch", "state-insert",
		"state-limit", "src-limit", "synproxy",
	};
	int n = name_index(reasons, sizeof reasons / sizeof *reasons, reason);

	if (n < 0)
		cc_fail(cc, "unknown PF reason \"%s\"", reason);
	return n;
}

int pfaction_to_num(struct cc *cc, const char *action)
{
	static const struct {
		const char *name;
		int v;
	} actions[] = {
		{ "pass", 0 }, { "accept", 0 }, { "drop", 1 }, { "block", 1 },
		{ "scrub", 2 }, { "noscrub", 3 }, { "nat", 4 }, { "nonat", 5 },
		{ "binat", 6 }, { "nobinat", 7 }, { "rdr", 8 }, { "nordr", 9 },
		{ "synproxy-drop", 10 },
	};

	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
		if (strcasecmp(actions[i].name, action) == 0)
			return actions[i].v;
	}
	cc_fail(cc, "unknown PF action \"%s\"", action);
}

struct arth *gen_loadi(struct cc *cc, uint32_t v)
{
	record("loadi(%u)", v);
	maybe_fail(cc);
	return arth_node(cc, 0, 0, 0);
}

struct arth *gen_load(struct cc *cc, int proto, struct arth *index,
		      unsigned size)
{
	record("load(%s,%u)", proto_str(proto), size);
	maybe_fail(cc);
	return arth_node(cc, 1, index->reg, 0);
}

struct arth *gen_loadlen(struct cc *cc)
{
	record("loadlen");
	maybe_fail(cc);
	return arth_node(cc, 0, 0, 0);
}

struct arth *gen_neg(struct cc *cc, struct arth *a)
{
	record("neg");
	maybe_fail(cc);
	return arth_node(cc, 1, a->reg, 0);
}

static const char *arth_op_str(int op)
{
	static const struct {
		int op;
		const char *name;
	} ops[] = {
		{ BPF_ADD, "add" }, { BPF_SUB, "sub" }, { BPF_MUL, "mul" },
		{ BPF_DIV, "div" }, { BPF_MOD, "mod" }, { BPF_AND, "and" },
		{ BPF_OR, "or" }, { BPF_XOR, "xor" }, { BPF_LSH, "lsh" },
		{ BPF_RSH, "rsh" },
	};

	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		if (ops[i].op == op)
			return ops[i].name;
	}
	return "op?";
}

struct arth *gen_arth(struct cc *cc, int op, struct arth *a0,
		      struct arth *a1)
{
	record("arth(%s)", arth_op_str(op));
	maybe_fail(cc);
	return arth_node(cc, 2, a0->reg, a1->reg);
}

struct pred *gen_relation(struct cc *cc, int jtype, struct arth *a0,
			  struct arth *a1, bool reversed)
{
	record("rel(%s,%d)", jump_str(jtype), reversed);
	maybe_fail(cc);
	return pred_node(cc, 2, a0->reg, a1->reg);
}

struct pred *pred_and(struct cc *cc, struct pred *a, struct pred *b)
{
	record("and");
	return pred_node(cc, 2, (int)a->k, (int)b->k);
}

struct pred *pred_or(struct cc *cc, struct pred *a, struct pred *b)
{
	record("or");
	return pred_node(cc, 2, (int)a->k, (int)b->k);
}

struct pred *pred_not(struct cc *cc, struct pred *a)
{
	record("not");
	return pred_node(cc, 1, (int)a->k, 0);
}

/* Nodes numbered in creation order come out of a post-order walk in
 * order exactly when every call got the results it should have. */
static bool walk_in_order(int node, int *next)
{
	for (int i = 0; i < nodes[node].n_kids; i++) {
		if (!walk_in_order(nodes[node].kids[i], next))
			return false;
	}
	return node == (*next)++;
}

void cc_finish(struct cc *cc, struct pred *p)
{
	int next = 0;

	record("finish");
	if (!walk_in_order((int)p->k, &next) || next != n_nodes)
		record("!tree");
	maybe_fail(cc);
	cc->root = p;
}

void cc_init_linktype(struct cc *cc)
{
	(void)cc;
}

struct bpf_insn *cc_generate(struct cc *cc, unsigned *len)
{
	struct bpf_insn *insn = calloc(1, sizeof *insn);

	(void)cc;
	if (insn == NULL)
		abort();
	*len = 1;
	return insn;
}

const char *trace_parse(const char *expr, int fail_at_call)
{
	struct filter_target target = { .linktype = DLT_EN10MB,
					.snaplen = 262144 };
	struct bpf_program prog;
	char errbuf[PCAP_ERRBUF_SIZE];

	trace_len = 0;
	trace[0] = '\0';
	calls = 0;
	n_nodes = 0;
	fail_at = fail_at_call;
	if (filter_compile(&target, expr, 1, PCAP_NETMASK_UNKNOWN, &prog,
			   errbuf) != 0) {
		record("=> ERR: %s", errbuf);
	} else {
		free(prog.bf_insns);
		record("=> OK");
	}
	return trace;
}
