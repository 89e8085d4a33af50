/*
 * compile.h: the filter compiler's shared vocabulary -- the compiler
 * context (arena, errors, scratch registers, the header-offset state the
 * expression changes as it is read), the code a test runs, the predicate
 * tree the generators build, and the entry points the parser calls.
 *
 * Pipeline: lexer.c -> parser.c (calls gen_* in source order, because
 * vlan/mpls/pppoes/geneve change the offsets of what follows) -> a pred
 * tree -> lower.c (control-flow graph) -> optimize.c -> emit.c (classic
 * BPF).  Semantics are libpcap 1.10.3's, primitive by primitive.
 */
#ifndef ACCEL_COMPILE_H
#define ACCEL_COMPILE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <pcap/bpf.h>

/* ------------------------------------------------------------------ */
/* Qualifiers: what the parser hands to the generators.                */

/* Address qualifiers ("aqual"). */
enum q_addr {
	QA_DEFAULT = 0, QA_HOST, QA_NET, QA_PORT, QA_GATEWAY, QA_PROTO,
	QA_PROTOCHAIN, QA_PORTRANGE,
	QA_UNDEF = 255
};

/* Protocol qualifiers ("pqual"): the protocol a primitive is about. */
enum q_proto {
	QP_DEFAULT = 0, QP_LINK, QP_IP, QP_ARP, QP_RARP, QP_SCTP, QP_TCP,
	QP_UDP, QP_ICMP, QP_IGMP, QP_IGRP, QP_ATALK, QP_DECNET, QP_LAT,
	QP_SCA, QP_MOPRC, QP_MOPDL, QP_IPV6, QP_ICMPV6, QP_AH, QP_ESP,
	QP_PIM, QP_VRRP, QP_AARP, QP_ISO, QP_ESIS, QP_ISIS, QP_CLNP, QP_STP,
	QP_IPX, QP_NETBEUI, QP_ISIS_L1, QP_ISIS_L2, QP_ISIS_IIH,
	QP_ISIS_SNP, QP_ISIS_CSNP, QP_ISIS_PSNP, QP_ISIS_LSP, QP_RADIO,
	QP_CARP,
	QP_UNDEF = 255
};

/* Direction qualifiers ("dqual"). */
enum q_dir {
	QD_DEFAULT = 0, QD_SRC, QD_DST, QD_OR, QD_AND, QD_ADDR1, QD_ADDR2,
	QD_ADDR3, QD_ADDR4, QD_RA, QD_TA,
	QD_UNDEF = 255
};

struct qual {
	uint8_t addr;	/* enum q_addr */
	uint8_t proto;	/* enum q_proto */
	uint8_t dir;	/* enum q_dir */
};

/* ATM and SS7 keyword values the parser passes through. */
enum atm_kw {
	ATM_METAC = 22, ATM_BCC, ATM_OAMF4SC, ATM_OAMF4EC, ATM_SC, ATM_ILMIC,
	ATM_OAM, ATM_OAMF4, ATM_LANE, ATM_LLC,
	ATM_VPI = 51, ATM_VCI,
	ATM_PROTOTYPE, ATM_MSGTYPE, ATM_CALLREF,	/* used internally */
	ATM_CONNECTMSG = 70, ATM_METACONNECT
};

enum ss7_kw {
	SS7_FISU = 22, SS7_LSSU, SS7_MSU, SS7_HFISU, SS7_HLSSU, SS7_HMSU,
	SS7_SIO = 1, SS7_OPC, SS7_DPC, SS7_SLS, SS7_HSIO, SS7_HOPC, SS7_HDPC,
	SS7_HSLS
};

/* ------------------------------------------------------------------ */
/* Code: what a test runs before its branch.                            */

/*
 * One instruction of a test's code.  k is the operand; for LD/LDX/ST/STX
 * with BPF_MEM it names a scratch register (0..BPF_MEMWORDS-1).  Code may
 * branch forward inside itself (variable-length header arithmetic): jt/jf
 * of a BPF_JMP instruction here count instructions to skip, as in cBPF,
 * and never leave the code; falling off the end reaches the test.
 */
struct insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct code {
	struct insn *v;
	unsigned n, cap;
};

/* ------------------------------------------------------------------ */
/* Predicates: what every generator returns.                            */

enum pred_kind {
	PRED_TEST,	/* run code, then branch: (A jmp k) or (A jmp X) */
	PRED_AND,	/* all of kids, left to right, short-circuit */
	PRED_OR,	/* any of kids, left to right, short-circuit */
	PRED_NOT,
	PRED_TRUE,
	PRED_FALSE,
};

struct pred {
	enum pred_kind kind;
	/* PRED_TEST */
	struct code code;
	uint16_t jmp;		/* BPF_JMP | BPF_JEQ/JGT/JGE/JSET | BPF_K/BPF_X */
	uint32_t k;
	/* AND/OR: kids; NOT: kids[0] */
	struct pred **kids;
	unsigned n_kids, cap_kids;
};

/* Arithmetic value: protocol checks that must hold, code, result register. */
struct arth {
	struct pred *checks;	/* NULL: none */
	struct code code;	/* leaves the value in scratch register reg */
	int reg;
};

/* ------------------------------------------------------------------ */
/* Header offsets: where each layer starts, possibly at run time.       */

/*
 * An offset from the start of the packet: constant_part, plus (when
 * is_variable) a value computed at run time into scratch register reg
 * by the program's prologue.
 */
struct abs_offset {
	unsigned constant_part;
	bool is_variable;
	int reg;		/* -1 until allocated */
};

#define OFFSET_NOT_SET 0xffffffffU	/* the layer has no such field */

/* What a load's offset is relative to. */
enum offrel {
	OR_PACKET,		/* the packet's first byte */
	OR_LINKHDR,		/* the link-layer header */
	OR_PREVLINKHDR,		/* the previous link-layer header */
	OR_LLC,			/* the 802.2 LLC header */
	OR_PREVMPLSHDR,		/* the previous MPLS header */
	OR_LINKTYPE,		/* the link-layer type field */
	OR_LINKPL,		/* the link-layer payload */
	OR_LINKPL_NOSNAP,	/* link-layer payload without a SNAP header */
	OR_TRAN_IPV4,		/* the transport header behind IPv4 */
	OR_TRAN_IPV6,		/* the transport header behind IPv6 */
};

/* ------------------------------------------------------------------ */
/* The compiler context.                                                */

struct arena_chunk;

struct cc {
	/* Inputs. */
	int linktype;		/* the handle's DLT */
	unsigned snaplen;
	uint32_t netmask;
	bool optimize;
	/*
	 * Set by generators whose code libpcap refuses to optimize (it
	 * branches inside a test: 802.11/radiotap/PPI/prism header lengths,
	 * protochain, geneve); the program is then emitted unoptimized.
	 */
	bool no_optimize;
	bool linux_vlan_ext;	/* live Linux capture: VLAN tags in metadata */
	unsigned fddipad;
	bool savefile;		/* the handle reads a savefile (libpcap's rfile) */
	bool swapped;		/* ... written in the other byte order */

	/* Errors: cc_fail() formats into errbuf and jumps to fail_jmp. */
	char *errbuf;		/* PCAP_ERRBUF_SIZE bytes */
	jmp_buf fail_jmp;

	struct arena_chunk *arena;

	/* Scratch registers M[0..15], allocated as libpcap does. */
	bool reg_used[BPF_MEMWORDS];
	int reg_next;

	/* Offset state; init_linktype() sets it, vlan/mpls/... change it. */
	int cur_linktype;
	int prev_linktype;
	int outermost_linktype;
	struct abs_offset off_linkhdr;
	struct abs_offset off_prevlinkhdr;
	struct abs_offset off_outermostlinkhdr;
	struct abs_offset off_linkpl;
	struct abs_offset off_linktype;
	unsigned off_nl;
	unsigned off_nl_nosnap;
	bool is_atm;
	bool is_geneve;
	bool is_vlan_vloffset;
	unsigned off_vpi, off_vci, off_proto, off_payload;
	unsigned off_li, off_li_hsl, off_sio, off_opc, off_dpc, off_sls;
	unsigned label_stack_depth;
	unsigned vlan_stack_depth;

	/* Result of the parse. */
	struct pred *root;
};

/* compile.c: errors and memory (everything is freed with the arena). */
_Noreturn void cc_fail(struct cc *cc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *cc_alloc(struct cc *cc, size_t size);	/* zeroed */
void cc_arena_free(struct cc *cc);		/* all of it, at the end */
char *cc_strdup(struct cc *cc, const char *s);

/* regs.c-like helpers, in compile.c. */
int cc_alloc_reg(struct cc *cc);	/* fails "too many registers needed…" */
void cc_free_reg(struct cc *cc, int reg);

/* code.c: building code and predicates. */
void code_add(struct cc *cc, struct code *c, uint16_t code, uint32_t k);
void code_add_jump(struct cc *cc, struct code *c, uint16_t code, uint32_t k,
		   uint8_t jt, uint8_t jf);
void code_append(struct cc *cc, struct code *dst, const struct code *src);
void code_prepend(struct cc *cc, struct code *dst, const struct code *src);

/*
 * Predicates are consumed by the calls that combine them (as libpcap's
 * gen_and/gen_or consume blocks): use the result, never the arguments
 * again, and never put one pred in two places.
 */
struct pred *pred_test(struct cc *cc, const struct code *code, uint16_t jmp,
		       uint32_t k);
struct pred *pred_and(struct cc *cc, struct pred *a, struct pred *b);
struct pred *pred_or(struct cc *cc, struct pred *a, struct pred *b);
struct pred *pred_not(struct cc *cc, struct pred *a);
struct pred *pred_true(struct cc *cc);
struct pred *pred_false(struct cc *cc);

/* Loads relative to the current offset state (gen-load.c). */
/* If off is variable: append "ldx M[off->reg]" (allocating reg) and say so. */
bool abs_offset_varpart(struct cc *cc, struct code *c, struct abs_offset *off);
/* X = offset of the IPv4 header's end (the transport header). */
void loadx_iphdrlen(struct cc *cc, struct code *c);
void load_a(struct cc *cc, struct code *c, enum offrel rel, unsigned off,
	    unsigned size);
struct pred *gen_cmp(struct cc *cc, enum offrel rel, unsigned off,
		     unsigned size, uint32_t v);
struct pred *gen_cmp_gt(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v);
struct pred *gen_cmp_ge(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v);
struct pred *gen_cmp_lt(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v);
struct pred *gen_cmp_le(struct cc *cc, enum offrel rel, unsigned off,
			unsigned size, uint32_t v);
struct pred *gen_mcmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, uint32_t v, uint32_t mask);
struct pred *gen_bcmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, const uint8_t *v);
struct pred *gen_ncmp(struct cc *cc, enum offrel rel, unsigned off,
		      unsigned size, uint32_t mask, uint16_t jtype,
		      bool reverse, uint32_t v);

/* ------------------------------------------------------------------ */
/* The parser's semantic actions (one per grammar action of pcap-filter) */

void cc_init_linktype(struct cc *cc);		/* gen-linktype.c */
void cc_finish(struct cc *cc, struct pred *p);	/* prologue, PPI check */

struct pred *gen_scode(struct cc *cc, const char *name, struct qual q);
struct pred *gen_ncode(struct cc *cc, const char *s, uint32_t v,
		       struct qual q);
struct pred *gen_mcode(struct cc *cc, const char *s1, const char *s2,
		       unsigned masklen, struct qual q);
struct pred *gen_mcode6(struct cc *cc, const char *s, unsigned masklen,
			struct qual q);
struct pred *gen_ecode(struct cc *cc, const char *s, struct qual q);
struct pred *gen_acode(struct cc *cc, const char *s, struct qual q);
struct pred *gen_proto_abbrev(struct cc *cc, int proto);
struct pred *gen_broadcast(struct cc *cc, int proto);
struct pred *gen_multicast(struct cc *cc, int proto);
struct pred *gen_less(struct cc *cc, unsigned n);
struct pred *gen_greater(struct cc *cc, unsigned n);
struct pred *gen_byteop(struct cc *cc, int op, unsigned idx, uint32_t val);
struct pred *gen_inbound(struct cc *cc, int dir);
struct pred *gen_ifindex(struct cc *cc, int ifindex);
struct pred *gen_vlan(struct cc *cc, uint32_t vlan, bool has_vlan);
struct pred *gen_mpls(struct cc *cc, uint32_t label, bool has_label);
struct pred *gen_pppoed(struct cc *cc);
struct pred *gen_pppoes(struct cc *cc, uint32_t sess, bool has_sess);
struct pred *gen_geneve(struct cc *cc, uint32_t vni, bool has_vni);
struct pred *gen_pf_ifname(struct cc *cc, const char *ifname);
struct pred *gen_pf_ruleset(struct cc *cc, const char *ruleset);
struct pred *gen_pf_rnr(struct cc *cc, int rnr);
struct pred *gen_pf_srnr(struct cc *cc, int srnr);
struct pred *gen_pf_reason(struct cc *cc, int reason);
struct pred *gen_pf_action(struct cc *cc, int action);
struct pred *gen_p80211_type(struct cc *cc, uint32_t type, uint32_t mask);
struct pred *gen_p80211_fcdir(struct cc *cc, uint32_t fcdir);
struct pred *gen_llc(struct cc *cc);
struct pred *gen_llc_i(struct cc *cc);
struct pred *gen_llc_s(struct cc *cc);
struct pred *gen_llc_u(struct cc *cc);
struct pred *gen_llc_s_subtype(struct cc *cc, uint32_t subtype);
struct pred *gen_llc_u_subtype(struct cc *cc, uint32_t subtype);
struct pred *gen_atmfield_code(struct cc *cc, int field, uint32_t v,
			       uint16_t jtype, bool reverse);
struct pred *gen_atmtype_abbrev(struct cc *cc, int type);
struct pred *gen_atmmulti_abbrev(struct cc *cc, int type);
struct pred *gen_mtp2type_abbrev(struct cc *cc, int type);
struct pred *gen_mtp3field_code(struct cc *cc, int field, uint32_t v,
				uint16_t jtype, bool reverse);
int pfreason_to_num(struct cc *cc, const char *reason);
int pfaction_to_num(struct cc *cc, const char *action);

struct arth *gen_loadi(struct cc *cc, uint32_t v);
struct arth *gen_load(struct cc *cc, int proto, struct arth *index,
		      unsigned size);
struct arth *gen_loadlen(struct cc *cc);
struct arth *gen_neg(struct cc *cc, struct arth *a);
struct arth *gen_arth(struct cc *cc, int op, struct arth *a0,
		      struct arth *a1);
struct pred *gen_relation(struct cc *cc, int jtype, struct arth *a0,
			  struct arth *a1, bool reversed);

/* ------------------------------------------------------------------ */
/* Generators other generator files call.                              */

/* gen-linktype.c, gen-link.c: link layer. */
struct pred *gen_linktype(struct cc *cc, uint32_t ll_proto);
struct pred *gen_prevlinkhdr_check(struct cc *cc);	/* NULL: none */
struct pred *gen_ehostop(struct cc *cc, const uint8_t *eaddr, int dir);
struct pred *gen_fhostop(struct cc *cc, const uint8_t *eaddr, int dir);
struct pred *gen_thostop(struct cc *cc, const uint8_t *eaddr, int dir);
struct pred *gen_wlanhostop(struct cc *cc, const uint8_t *eaddr, int dir);
struct pred *gen_ipfchostop(struct cc *cc, const uint8_t *eaddr, int dir);
struct pred *gen_wlan_data_frame(struct cc *cc);	/* 802.11 data frame */
bool dlt_is_juniper(int dlt);

/* gen-encap.c, gen-atm.c: encapsulations the link layer defers to. */
struct pred *gen_mpls_linktype(struct cc *cc, uint32_t ll_proto);
struct pred *gen_geneve_ll_check(struct cc *cc);
struct pred *gen_atmtype_llc(struct cc *cc);
/* gen-encap.c: make a new link header current (libpcap's PUSH_LINKHDR). */
void cc_push_linkhdr(struct cc *cc, int linktype, bool is_variable,
		     unsigned constant_part, int reg);

/* parser.c: text -> cc->root (through the actions above). */
void cc_parse(struct cc *cc, const char *text);

/* lower.c, optimize.c, emit.c: cc->root -> classic BPF. */
struct bpf_insn *cc_generate(struct cc *cc, unsigned *len);

#endif
