/*
 * gen-linktype.c: the link layer as the compiler first sees it -- where
 * each DLT's headers start, the program's prologue that measures
 * variable-length radio and 802.11 headers at run time, and the test for
 * "this packet carries protocol X" on every link type (libpcap's
 * init_linktype, insert_compute_vloffsets, gen_linktype and helpers).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"

#define NS OFFSET_NOT_SET
#define ETHERMTU 1500

/* Ethernet types and 802.2 SAPs the link layer treats specially. */
enum {
	ET_IP = 0x0800, ET_ARP = 0x0806, ET_NS = 0x0600, ET_DN = 0x6003,
	ET_REVARP = 0x8035, ET_ATALK = 0x809b, ET_AARP = 0x80f3,
	ET_IPX = 0x8137, ET_IPV6 = 0x86dd,
	SAP_IP = 0x06, SAP_8021D = 0x42, SAP_SNAP = 0xaa, SAP_IPX = 0xe0,
	SAP_NETBEUI = 0xf0, SAP_ISONS = 0xfe,
};

/* ------------------------------------------------------------------ */
/* Where each link type's headers are.                                  */

enum {
	LF_LINKHDR_VAR = 1 << 0,	/* a radio header of run-time length */
	LF_LINKPL_VAR = 1 << 1,		/* payload offset known at run time */
	LF_FDDIPAD = 1 << 2,		/* offsets move by the FDDI padding */
	LF_SUNATM = 1 << 3,		/* SunATM pseudo-header */
};

struct link_layout {
	int dlt;
	unsigned linkhdr, linktype, linkpl, nl, nl_nosnap;
	unsigned ss7_base;	/* MTP2 fields start here; 0: not SS7 */
	unsigned flags;
};

static const struct link_layout link_layouts[] = {
	{ DLT_ARCNET, 0, 2, 6, 0, 0, 0, 0 },
	{ DLT_ARCNET_LINUX, 0, 4, 8, 0, 0, 0, 0 },
	{ DLT_EN10MB, 0, 12, 14, 0, 3, 0, 0 },
	{ DLT_SLIP, 0, NS, 16, 0, 0, 0, 0 },
	{ DLT_SLIP_BSDOS, 0, NS, 24, 0, 0, 0, 0 },
	{ DLT_NULL, 0, 0, 4, 0, 0, 0, 0 },
	{ DLT_LOOP, 0, 0, 4, 0, 0, 0, 0 },
	{ DLT_ENC, 0, 0, 12, 0, 0, 0, 0 },
	{ DLT_PPP, 0, 2, 4, 0, 0, 0, 0 },
	{ DLT_PPP_PPPD, 0, 2, 4, 0, 0, 0, 0 },
	{ DLT_C_HDLC, 0, 2, 4, 0, 0, 0, 0 },
	{ DLT_HDLC, 0, 2, 4, 0, 0, 0, 0 },
	{ DLT_PPP_SERIAL, 0, 2, 4, 0, 0, 0, 0 },
	{ DLT_PPP_ETHER, 0, 6, 8, 0, 0, 0, 0 },
	{ DLT_PPP_BSDOS, 0, 5, 24, 0, 0, 0, 0 },
	{ DLT_FDDI, 0, 13, 13, 8, 3, 0, LF_FDDIPAD },
	{ DLT_IEEE802, 0, 14, 14, 8, 3, 0, 0 },
	{ DLT_PRISM_HEADER, 0, 24, 0, 8, 3, 0,
	  LF_LINKHDR_VAR | LF_LINKPL_VAR },
	{ DLT_IEEE802_11_RADIO_AVS, 0, 24, 0, 8, 3, 0,
	  LF_LINKHDR_VAR | LF_LINKPL_VAR },
	{ DLT_IEEE802_11_RADIO, 0, 24, 0, 8, 3, 0,
	  LF_LINKHDR_VAR | LF_LINKPL_VAR },
	{ DLT_IEEE802_11, 0, 24, 0, 8, 3, 0, LF_LINKPL_VAR },
	{ DLT_PPI, 0, 24, 0, 8, 3, 0, LF_LINKHDR_VAR | LF_LINKPL_VAR },
	{ DLT_ATM_RFC1483, 0, 0, 0, 8, 3, 0, 0 },
	{ DLT_ATM_CLIP, 0, 0, 0, 8, 3, 0, 0 },
	{ DLT_SUNATM, 0, 4, 4, 8, 3, 0, LF_SUNATM },
	{ DLT_RAW, 0, NS, 0, 0, 0, 0, 0 },
	{ DLT_IPV4, 0, NS, 0, 0, 0, 0, 0 },
	{ DLT_IPV6, 0, NS, 0, 0, 0, 0, 0 },
	{ DLT_LINUX_SLL, 0, 14, 16, 0, 0, 0, 0 },
	{ DLT_LINUX_SLL2, 0, 0, 20, 0, 0, 0, 0 },
	{ DLT_LTALK, 0, NS, 0, 0, 0, 0, 0 },
	{ DLT_IP_OVER_FC, 0, 16, 16, 8, 3, 0, 0 },
	{ DLT_FRELAY, 0, NS, 0, 0, 0, 0, 0 },
	{ DLT_MFR, 0, NS, 0, 4, 0, 0, 0 },
	{ DLT_APPLE_IP_OVER_IEEE1394, 0, 16, 18, 0, 0, 0, 0 },
	{ DLT_SYMANTEC_FIREWALL, 0, 6, 44, 0, 0, 0, 0 },
	{ DLT_PFLOG, 0, 0, 0, 0, 0, 0, LF_LINKPL_VAR },
	{ DLT_JUNIPER_MFR, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_MLFR, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_MLPPP, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_PPP, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_CHDLC, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_FRELAY, 0, 4, 4, 0, NS, 0, 0 },
	{ DLT_JUNIPER_ATM1, 0, 4, 4, 0, 10, 0, 0 },
	{ DLT_JUNIPER_ATM2, 0, 8, 8, 0, 10, 0, 0 },
	{ DLT_JUNIPER_PPPOE, 0, 16, 14, 18, 21, 0, 0 },
	{ DLT_JUNIPER_ETHER, 0, 16, 14, 18, 21, 0, 0 },
	{ DLT_JUNIPER_PPPOE_ATM, 0, 4, 6, 0, NS, 0, 0 },
	{ DLT_JUNIPER_GGSN, 0, 6, 12, 0, NS, 0, 0 },
	{ DLT_JUNIPER_ES, 0, 6, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_MONITOR, 0, 12, 12, 0, NS, 0, 0 },
	{ DLT_BACNET_MS_TP, 0, NS, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_SERVICES, 0, 12, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_VP, 0, 18, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_ST, 0, 18, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_ISM, 0, 8, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_VS, 0, 8, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_SRX_E2E, 0, 8, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_FIBRECHANNEL, 0, 8, NS, NS, NS, 0, 0 },
	{ DLT_JUNIPER_ATM_CEMIC, 0, 8, NS, NS, NS, 0, 0 },
	{ DLT_MTP2, 0, NS, NS, NS, NS, 2, 0 },
	{ DLT_MTP2_WITH_PHDR, 0, NS, NS, NS, NS, 6, 0 },
	{ DLT_ERF, 0, NS, NS, NS, NS, 22, 0 },
	{ DLT_PFSYNC, 0, NS, 4, 0, 0, 0, 0 },
	{ DLT_AX25_KISS, 0, NS, NS, NS, NS, 0, 0 },
	{ DLT_IPNET, 0, 1, 24, 0, NS, 0, 0 },
	{ DLT_NETANALYZER, 4, 16, 18, 0, 3, 0, 0 },
	{ DLT_NETANALYZER_TRANSPARENT, 12, 24, 26, 0, 3, 0, 0 },
};

/* Types in the "matching" range with no row: only link[...] works. */
static const struct link_layout unknown_layout = {
	0, 0, NS, NS, NS, NS, 0, 0
};

static const struct link_layout *find_layout(int dlt)
{
	for (size_t i = 0; i < sizeof link_layouts / sizeof *link_layouts; i++)
		if (link_layouts[i].dlt == dlt)
			return &link_layouts[i];
	return NULL;
}

static struct abs_offset fixed_offset(unsigned constant_part, bool variable)
{
	return (struct abs_offset){
		.constant_part = constant_part, .is_variable = variable,
		.reg = -1,
	};
}

void cc_init_linktype(struct cc *cc)
{
	const struct link_layout *l = find_layout(cc->linktype);
	unsigned pad = 0;

	if (l == NULL) {
		if (cc->linktype < DLT_MATCHING_MIN ||
		    cc->linktype > DLT_MATCHING_MAX)
			cc_fail(cc, "unknown data link type %d (min %d, max %d)",
				cc->linktype, DLT_MATCHING_MIN,
				DLT_MATCHING_MAX);
		l = &unknown_layout;
	}
	if (l->flags & LF_FDDIPAD)
		pad = cc->fddipad;

	cc->cur_linktype = cc->prev_linktype = cc->outermost_linktype =
		cc->linktype;
	cc->off_linkhdr = fixed_offset(l->linkhdr,
				       (l->flags & LF_LINKHDR_VAR) != 0);
	cc->off_prevlinkhdr = cc->off_outermostlinkhdr = cc->off_linkhdr;
	cc->off_linktype = fixed_offset(l->linktype == NS ? NS :
					l->linktype + pad, false);
	cc->off_linkpl = fixed_offset(l->linkpl == NS ? NS : l->linkpl + pad,
				      (l->flags & LF_LINKPL_VAR) != 0);
	cc->off_nl = l->nl;
	cc->off_nl_nosnap = l->nl_nosnap;

	cc->is_atm = (l->flags & LF_SUNATM) != 0;
	cc->off_proto = cc->is_atm ? 0 : NS;
	cc->off_vpi = cc->is_atm ? 1 : NS;
	cc->off_vci = cc->is_atm ? 2 : NS;
	cc->off_payload = cc->is_atm ? 4 : NS;
	cc->is_geneve = false;
	cc->is_vlan_vloffset = false;

	if (l->ss7_base != 0) {
		cc->off_li = l->ss7_base;
		cc->off_li_hsl = l->ss7_base + 2;
		cc->off_sio = l->ss7_base + 1;
		cc->off_opc = l->ss7_base + 2;
		cc->off_dpc = l->ss7_base + 2;
		cc->off_sls = l->ss7_base + 5;
	} else {
		cc->off_li = cc->off_li_hsl = cc->off_sio = NS;
		cc->off_opc = cc->off_dpc = cc->off_sls = NS;
	}
	cc->label_stack_depth = 0;
	cc->vlan_stack_depth = 0;
}

/* ------------------------------------------------------------------ */
/* The prologue: header lengths measured once, before the first test.  */

/* A conditional branch whose targets are patched once they are placed. */
static unsigned add_branch(struct cc *cc, struct code *c, uint16_t op,
			   uint32_t k)
{
	code_add_jump(cc, c, (uint16_t)(BPF_JMP | op | BPF_K), k, 0, 0);
	return c->n - 1;
}

/* Make the branch at index at go to index target when its sense is taken. */
static void set_target(struct code *c, unsigned at, bool when_true,
		       unsigned target)
{
	uint8_t skip = (uint8_t)(target - at - 1);

	if (when_true)
		c->v[at].jt = skip;
	else
		c->v[at].jf = skip;
}

/*
 * Branches that leave the prologue early, to the first instruction after
 * it (the first test's own code); resolved once the prologue is complete.
 */
struct branch_fix {
	unsigned at;
	bool when_true;
};

struct fixups {
	struct branch_fix v[16];
	unsigned n;
};

static void leave_early(struct fixups *f, unsigned at, bool when_true)
{
	f->v[f->n++] = (struct branch_fix){ at, when_true };
}

static void resolve_exits(struct code *c, const struct fixups *f)
{
	for (unsigned i = 0; i < f->n; i++)
		set_target(c, f->v[i].at, f->v[i].when_true, c->n);
}

/* Store A in the offset's register, and leave it in X too. */
static void store_and_tax(struct cc *cc, struct code *c, int reg)
{
	code_add(cc, c, BPF_ST, (uint32_t)reg);
	code_add(cc, c, BPF_MISC | BPF_TAX, 0);
}

/* Radiotap and PPI: a little-endian 16-bit length at offset 2. */
static void load_le16_length(struct cc *cc, struct code *c, int reg)
{
	code_add(cc, c, BPF_LD | BPF_B | BPF_ABS, 3);
	code_add(cc, c, BPF_ALU | BPF_LSH | BPF_K, 8);
	code_add(cc, c, BPF_MISC | BPF_TAX, 0);
	code_add(cc, c, BPF_LD | BPF_B | BPF_ABS, 2);
	code_add(cc, c, BPF_ALU | BPF_OR | BPF_X, 0);
	store_and_tax(cc, c, reg);
}

/* AVS: a big-endian 32-bit length at offset 4. */
static void load_avs_length(struct cc *cc, struct code *c, int reg)
{
	code_add(cc, c, BPF_LD | BPF_W | BPF_ABS, 4);
	store_and_tax(cc, c, reg);
}

/*
 * Prism: 144 bytes, unless the header is really AVS (some Linux drivers
 * say Prism and send AVS), recognised by its cookie.
 */
static void load_prism_length(struct cc *cc, struct code *c, int reg)
{
	unsigned is_avs;

	code_add(cc, c, BPF_LD | BPF_W | BPF_ABS, 0);
	code_add(cc, c, BPF_ALU | BPF_AND | BPF_K, 0xfffff000);
	is_avs = add_branch(cc, c, BPF_JEQ, 0x80211000);
	code_add(cc, c, BPF_LD | BPF_W | BPF_ABS, 4);
	code_add(cc, c, BPF_JMP | BPF_JA, 1);
	set_target(c, is_avs, false, c->n);
	code_add(cc, c, BPF_LD | BPF_W | BPF_IMM, 144);
	store_and_tax(cc, c, reg);
}

/* Code that leaves the radio header's length in M[reg] and X; false: none. */
static bool load_radio_prefix(struct cc *cc, struct code *c)
{
	int reg = cc->off_linkhdr.reg;

	/* libpcap never optimizes Prism programs. */
	if (cc->outermost_linktype == DLT_PRISM_HEADER)
		cc->no_optimize = true;
	if (reg == -1)
		return false;
	switch (cc->outermost_linktype) {
	case DLT_PRISM_HEADER:
		load_prism_length(cc, c, reg);
		return true;
	case DLT_IEEE802_11_RADIO_AVS:
		load_avs_length(cc, c, reg);
		return true;
	case DLT_IEEE802_11_RADIO:
	case DLT_PPI:
		load_le16_length(cc, c, reg);
		return true;
	default:
		return false;
	}
}

static uint32_t swap32(uint32_t v)
{
	return v << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) | v >> 24;
}

/*
 * Radiotap's flags field says whether the driver padded the 802.11
 * header to a multiple of 4; look for it in the first presence word
 * (with or without a TSFT field before it) and round the length up.
 */
static void add_datapad_roundup(struct cc *cc, struct code *c,
				struct fixups *exits, int reg)
{
	unsigned flags_present, ext_present, tsft_present, pad_tsft,
		 pad_notsft;

	code_add(cc, c, BPF_LD | BPF_ABS | BPF_W, 4);
	flags_present = add_branch(cc, c, BPF_JSET, swap32(0x00000002));
	leave_early(exits, flags_present, false);
	ext_present = add_branch(cc, c, BPF_JSET, swap32(0x80000000));
	leave_early(exits, ext_present, true);
	tsft_present = add_branch(cc, c, BPF_JSET, swap32(0x00000001));
	code_add(cc, c, BPF_LD | BPF_ABS | BPF_B, 16);
	pad_tsft = add_branch(cc, c, BPF_JSET, 0x20);
	leave_early(exits, pad_tsft, false);
	set_target(c, tsft_present, false, c->n);
	code_add(cc, c, BPF_LD | BPF_ABS | BPF_B, 8);
	pad_notsft = add_branch(cc, c, BPF_JSET, 0x20);
	leave_early(exits, pad_notsft, false);
	set_target(c, pad_tsft, true, c->n);
	set_target(c, pad_notsft, true, c->n);
	code_add(cc, c, BPF_LD | BPF_MEM, (uint32_t)reg);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 3);
	code_add(cc, c, BPF_ALU | BPF_AND | BPF_K, ~3u);
	code_add(cc, c, BPF_ST, (uint32_t)reg);
}

/*
 * The 802.11 header's length into M[off_linkpl.reg]: 24, plus 2 for a
 * QoS data frame, rounded up when radiotap says the driver padded it.
 * Expects X = the offset of the 802.11 header when have_prefix.
 */
static void load_80211_header_length(struct cc *cc, struct code *c,
				     bool have_prefix)
{
	int reg = cc->off_linkpl.reg;
	struct fixups exits = { .n = 0 };
	unsigned data1, data2, qos;

	if (reg == -1)
		return;
	cc->no_optimize = true;	/* as libpcap: branches inside a block */
	if (!have_prefix)
		code_add(cc, c, BPF_LDX | BPF_IMM,
			 cc->off_outermostlinkhdr.constant_part);
	code_add(cc, c, BPF_MISC | BPF_TXA, 0);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 24);
	code_add(cc, c, BPF_ST, (uint32_t)reg);
	code_add(cc, c, BPF_LD | BPF_IND | BPF_B, 0);
	data1 = add_branch(cc, c, BPF_JSET, 0x08);
	leave_early(&exits, data1, false);
	data2 = add_branch(cc, c, BPF_JSET, 0x04);
	leave_early(&exits, data2, true);
	qos = add_branch(cc, c, BPF_JSET, 0x80);
	code_add(cc, c, BPF_LD | BPF_MEM, (uint32_t)reg);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 2);
	code_add(cc, c, BPF_ST, (uint32_t)reg);
	if (cc->cur_linktype == DLT_IEEE802_11_RADIO) {
		set_target(c, qos, false, c->n);
		add_datapad_roundup(cc, c, &exits, reg);
	} else {
		leave_early(&exits, qos, false);
	}
	resolve_exits(c, &exits);
}

/* pflog: the header's length byte, rounded up to a multiple of 4. */
static void load_pflog_length(struct cc *cc, struct code *c)
{
	int reg = cc->off_linkpl.reg;

	if (reg == -1)
		return;
	code_add(cc, c, BPF_LD | BPF_B | BPF_ABS, 0);
	code_add(cc, c, BPF_ALU | BPF_ADD | BPF_K, 3);
	code_add(cc, c, BPF_ALU | BPF_AND | BPF_K, 0xfffffffc);
	store_and_tax(cc, c, reg);
}

/* VLAN offsets kept in registers start at zero. */
static void zero_vlan_offsets(struct cc *cc, struct code *c)
{
	if (cc->off_linkpl.reg == -1)
		cc->off_linkpl.reg = cc_alloc_reg(cc);
	if (cc->off_linktype.reg == -1)
		cc->off_linktype.reg = cc_alloc_reg(cc);
	code_add(cc, c, BPF_LD | BPF_W | BPF_IMM, 0);
	code_add(cc, c, BPF_ST, (uint32_t)cc->off_linkpl.reg);
	code_add(cc, c, BPF_ST, (uint32_t)cc->off_linktype.reg);
}

static struct code build_prologue(struct cc *cc)
{
	struct code c = { 0 };
	bool have_prefix;

	/* The payload's offset includes the radio header's length. */
	if (cc->off_linkpl.reg != -1 && cc->off_linkhdr.is_variable &&
	    cc->off_linkhdr.reg == -1)
		cc->off_linkhdr.reg = cc_alloc_reg(cc);

	have_prefix = load_radio_prefix(cc, &c);
	switch (cc->outermost_linktype) {
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
	case DLT_PPI:
		load_80211_header_length(cc, &c, have_prefix);
		break;
	case DLT_PFLOG:
		load_pflog_length(cc, &c);
		break;
	default:
		break;
	}
	if (c.n == 0 && cc->is_vlan_vloffset)
		zero_vlan_offsets(cc, &c);
	return c;
}

/* The test the program runs first (libpcap's root block). */
static struct pred *first_test(struct pred *p)
{
	while (p->kind == PRED_AND || p->kind == PRED_OR ||
	       p->kind == PRED_NOT)
		p = p->kids[0];
	return p;
}

/* A constant as libpcap codes it, so code can be put in front of it. */
static void make_real_test(struct cc *cc, struct pred *p)
{
	uint32_t a = p->kind == PRED_TRUE ? 0 : 1;

	p->kind = PRED_TEST;
	memset(&p->code, 0, sizeof p->code);
	code_add(cc, &p->code, BPF_LD | BPF_IMM, a);
	p->jmp = BPF_JMP | BPF_JEQ | BPF_K;
	p->k = 0;
}

/* PPI here means 802.11 only: check the per-packet DLT (little-endian). */
static struct pred *gen_ppi_dlt_check(struct cc *cc)
{
	struct code c = { 0 };

	if (cc->cur_linktype != DLT_PPI)
		return NULL;
	code_add(cc, &c, BPF_LD | BPF_W | BPF_ABS, 4);
	return pred_test(cc, &c, BPF_JMP | BPF_JEQ | BPF_K,
			 swap32(DLT_IEEE802_11));
}

void cc_finish(struct cc *cc, struct pred *p)
{
	struct pred *head, *ppi;
	struct code prologue;

	if (p == NULL) {
		cc->root = NULL;
		return;
	}
	head = first_test(p);
	if (head->kind == PRED_TRUE || head->kind == PRED_FALSE)
		make_real_test(cc, head);
	prologue = build_prologue(cc);
	code_prepend(cc, &head->code, &prologue);

	ppi = gen_ppi_dlt_check(cc);
	cc->root = ppi != NULL ? pred_and(cc, ppi, p) : p;
}

/* ------------------------------------------------------------------ */
/* Building blocks of the link-type tests.                              */

static struct pred *jset_test(struct cc *cc, enum offrel rel, unsigned off,
			      uint32_t bits)
{
	struct code c = { 0 };

	load_a(cc, &c, rel, off, BPF_B);
	return pred_test(cc, &c, BPF_JMP | BPF_JSET | BPF_K, bits);
}

/* Type bits of the frame control say data: 0x08 set, 0x04 clear. */
struct pred *gen_wlan_data_frame(struct cc *cc)
{
	struct pred *data = jset_test(cc, OR_LINKHDR, 0, 0x08);
	struct pred *not_ctl = pred_not(cc, jset_test(cc, OR_LINKHDR, 0, 0x04));

	return pred_and(cc, not_ctl, data);
}

/* An 802.2 LLC + SNAP header: AA AA 03, the OUI, the protocol type. */
static struct pred *gen_snap(struct cc *cc, uint32_t oui, uint32_t ptype)
{
	const uint8_t snap[8] = {
		SAP_SNAP, SAP_SNAP, 0x03, (uint8_t)(oui >> 16),
		(uint8_t)(oui >> 8), (uint8_t)oui, (uint8_t)(ptype >> 8),
		(uint8_t)ptype,
	};

	return gen_bcmp(cc, OR_LLC, 0, 8, snap);
}

/* The type/length field holds a length: an 802.3 frame. */
static struct pred *gen_8023_frame(struct cc *cc)
{
	return pred_not(cc, gen_cmp_gt(cc, OR_LINKTYPE, 0, BPF_H, ETHERMTU));
}

static bool is_sap_pair_proto(uint32_t p)
{
	return p == SAP_ISONS || p == SAP_IP || p == SAP_NETBEUI;
}

/* AppleTalk's SNAP encapsulation: Apple's OUI, AARP's is 0. */
static struct pred *gen_atalk_snap(struct cc *cc, uint32_t p)
{
	return p == ET_ATALK ? gen_snap(cc, 0x080007, ET_ATALK)
			     : gen_snap(cc, 0x000000, ET_AARP);
}

/* Ethernet: a type field, or 802.3 with 802.2 LLC (and SNAP). */
static struct pred *gen_ether_linktype(struct cc *cc, uint32_t p)
{
	struct pred *b0, *b1;

	if (is_sap_pair_proto(p))
		return pred_and(cc, gen_8023_frame(cc),
				gen_cmp(cc, OR_LLC, 0, BPF_H, p << 8 | p));
	switch (p) {
	case SAP_IPX:
		/* Ethernet_II, then 802.3: 802.2 SAP, raw 802.3, SNAP. */
		b1 = pred_or(cc, gen_cmp(cc, OR_LLC, 0, BPF_B, SAP_IPX),
			     gen_cmp(cc, OR_LLC, 0, BPF_H, 0xffff));
		b1 = pred_or(cc, gen_snap(cc, 0, ET_IPX), b1);
		b1 = pred_and(cc, gen_8023_frame(cc), b1);
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, ET_IPX);
		return pred_or(cc, b0, b1);
	case ET_ATALK:
	case ET_AARP:
		b1 = pred_and(cc, gen_8023_frame(cc), gen_atalk_snap(cc, p));
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, p);
		return pred_or(cc, b0, b1);
	default:
		if (p <= ETHERMTU)
			return pred_and(cc, gen_8023_frame(cc),
					gen_cmp(cc, OR_LINKTYPE, 2, BPF_B, p));
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, p);
	}
}

/* Linux cooked captures: 802.2 and raw 802.3 have their own types. */
#define SLL_P_802_3 0x0001
#define SLL_P_802_2 0x0004

static struct pred *gen_linux_sll_linktype(struct cc *cc, uint32_t p)
{
	struct pred *b0, *b1;

	if (is_sap_pair_proto(p))
		return pred_and(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
					    SLL_P_802_2),
				gen_cmp(cc, OR_LLC, 0, BPF_H, p << 8 | p));
	switch (p) {
	case SAP_IPX:
		b1 = pred_or(cc, gen_cmp(cc, OR_LLC, 0, BPF_B, SAP_IPX),
			     gen_snap(cc, 0, ET_IPX));
		b1 = pred_and(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
					  SLL_P_802_2), b1);
		b1 = pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
					 SLL_P_802_3), b1);
		return pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, ET_IPX),
			       b1);
	case ET_ATALK:
	case ET_AARP:
		b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
		b1 = pred_and(cc, b0, gen_atalk_snap(cc, p));
		return pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, p), b1);
	default:
		if (p <= ETHERMTU) {
			b0 = gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, SLL_P_802_2);
			b1 = gen_cmp(cc, OR_LINKHDR,
				     cc->off_linkpl.constant_part, BPF_B, p);
			return pred_and(cc, b0, b1);
		}
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, p);
	}
}

/* Link types whose payload starts with an 802.2 LLC header. */
static struct pred *gen_llc_linktype(struct cc *cc, uint32_t p)
{
	if (is_sap_pair_proto(p))
		return gen_cmp(cc, OR_LLC, 0, BPF_H, p << 8 | p);
	switch (p) {
	case SAP_IPX:
		return gen_cmp(cc, OR_LLC, 0, BPF_B, SAP_IPX);
	case ET_ATALK:
		return gen_snap(cc, 0x080007, ET_ATALK);
	default:
		if (p <= ETHERMTU)
			return gen_cmp(cc, OR_LLC, 0, BPF_B, p);
		/* Only the SNAP type field; the OUI is not checked. */
		return gen_cmp(cc, OR_LLC, 6, BPF_H, p);
	}
}

/* The AF_ word of BSD loopback headers. */
static struct pred *gen_loopback_af(struct cc *cc, uint32_t af)
{
	/*
	 * DLT_NULL and DLT_ENC hold it in the capturing host's order: match
	 * what a big-endian load of those bytes gives.
	 */
	if (cc->cur_linktype == DLT_NULL || cc->cur_linktype == DLT_ENC) {
		if (cc->savefile && cc->swapped)
			af = swap32(af);
		af = htonl(af);
	}
	return gen_cmp(cc, OR_LINKHDR, 0, BPF_W, af);
}

/* IPv6's AF_ value differs between BSDs; savefiles may hold any of them. */
static const uint32_t bsd_af_inet6[] = { 30, 24, 28 };

static struct pred *gen_loopback_linktype(struct cc *cc, uint32_t p)
{
	struct pred *b;

	switch (p) {
	case ET_IP:
		return gen_loopback_af(cc, AF_INET);
	case ET_IPV6:
		if (!cc->savefile)
			return gen_loopback_af(cc, AF_INET6);
		b = gen_loopback_af(cc, bsd_af_inet6[0]);
		for (size_t i = 1; i < 3; i++)
			b = pred_or(cc, b, gen_loopback_af(cc, bsd_af_inet6[i]));
		return b;
	default:
		return pred_false(cc);
	}
}

/* Solaris ipnet: its own address-family byte. */
static struct pred *gen_ipnet_linktype(struct cc *cc, uint32_t p)
{
	if (p == ET_IP)
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 2);
	if (p == ET_IPV6)
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 26);
	return pred_false(cc);
}

/* PPP protocol numbers for the Ethernet types libpcap speaks in. */
static const struct { uint32_t ethertype, ppp; } ppp_types[] = {
	{ ET_IP, 0x0021 }, { ET_IPV6, 0x0057 }, { ET_DN, 0x0027 },
	{ ET_ATALK, 0x0029 }, { ET_NS, 0x0025 }, { SAP_ISONS, 0x0023 },
	{ SAP_8021D, 0x0031 }, { SAP_IPX, 0x002b },
};

static uint32_t ethertype_to_ppptype(uint32_t p)
{
	for (size_t i = 0; i < sizeof ppp_types / sizeof *ppp_types; i++)
		if (ppp_types[i].ethertype == p)
			return ppp_types[i].ppp;
	return p;
}

static struct pred *gen_ppp_bsdos_linktype(struct cc *cc, uint32_t p)
{
	struct pred *b;

	if (p != ET_IP)
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
			       ethertype_to_ppptype(p));
	/* IP, and Van Jacobson compressed and uncompressed TCP/IP. */
	b = pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, 0x0021),
		    gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, 0x002d));
	return pred_or(cc, b, gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, 0x002f));
}

/* ARCnet's own one-byte protocol ids; IP and ARP have two each. */
static struct pred *gen_arcnet_linktype(struct cc *cc, uint32_t p)
{
	switch (p) {
	case ET_IPV6:
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 0xc4);
	case ET_IP:
		return pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 212),
			       gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 240));
	case ET_ARP:
		return pred_or(cc, gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 213),
			       gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 241));
	case ET_REVARP:
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 214);
	case ET_ATALK:
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_B, 221);
	default:
		return pred_false(cc);
	}
}

/* Frame Relay: UI control byte 0x03 then an NLPID. */
static struct pred *gen_frelay_nlpid(struct cc *cc, uint32_t nlpid)
{
	return gen_cmp(cc, OR_LINKHDR, 2, BPF_H, 0x0300 | nlpid);
}

static struct pred *gen_frelay_linktype(struct cc *cc, uint32_t p)
{
	switch (p) {
	case ET_IP:
		return gen_frelay_nlpid(cc, 0xcc);
	case ET_IPV6:
		return gen_frelay_nlpid(cc, 0x8e);
	case SAP_ISONS:
		/* CLNP, ES-IS, IS-IS */
		return pred_or(cc, gen_frelay_nlpid(cc, 0x81),
			       pred_or(cc, gen_frelay_nlpid(cc, 0x82),
				       gen_frelay_nlpid(cc, 0x83)));
	default:
		return pred_false(cc);
	}
}

/* IP-only link types: the version nibble tells v4 from v6. */
static struct pred *gen_raw_ip_linktype(struct cc *cc, uint32_t p)
{
	if (p == ET_IP)
		return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, 0x40, 0xf0);
	if (p == ET_IPV6)
		return gen_mcmp(cc, OR_LINKHDR, 0, BPF_B, 0x60, 0xf0);
	return pred_false(cc);
}

static struct pred *gen_pflog_linktype(struct cc *cc, uint32_t p)
{
	/* The af byte at offset 1, in the logging host's AF_ values. */
	if (p == ET_IP)
		return gen_cmp(cc, OR_LINKHDR, 1, BPF_B, AF_INET);
	if (p == ET_IPV6)
		return gen_cmp(cc, OR_LINKHDR, 1, BPF_B, AF_INET6);
	return pred_false(cc);
}

/* Link types whose link-type tests libpcap refuses, and how it names them. */
static const struct { int dlt; const char *name; } no_linktype_filter[] = {
	{ DLT_MFR, "Multi-link Frame Relay" },
	{ DLT_LINUX_IRDA, "IrDA" },
	{ DLT_DOCSIS, "DOCSIS" },
	{ DLT_MTP2, "MTP2" },
	{ DLT_MTP2_WITH_PHDR, "MTP2" },
	{ DLT_ERF, "ERF" },
	{ DLT_PFSYNC, "PFSYNC" },
	{ DLT_LINUX_LAPD, "LAPD" },
	{ DLT_USB_FREEBSD, "USB" },
	{ DLT_USB_LINUX, "USB" },
	{ DLT_USB_LINUX_MMAPPED, "USB" },
	{ DLT_USBPCAP, "USB" },
	{ DLT_BLUETOOTH_HCI_H4, "Bluetooth" },
	{ DLT_BLUETOOTH_HCI_H4_WITH_PHDR, "Bluetooth" },
	{ DLT_CAN20B, "CAN" },
	{ DLT_CAN_SOCKETCAN, "CAN" },
	{ DLT_IEEE802_15_4, "IEEE 802.15.4" },
	{ DLT_IEEE802_15_4_LINUX, "IEEE 802.15.4" },
	{ DLT_IEEE802_15_4_NONASK_PHY, "IEEE 802.15.4" },
	{ DLT_IEEE802_15_4_NOFCS, "IEEE 802.15.4" },
	{ DLT_IEEE802_15_4_TAP, "IEEE 802.15.4" },
	{ DLT_IEEE802_16_MAC_CPS_RADIO, "IEEE 802.16" },
	{ DLT_SITA, "SITA" },
	{ DLT_RAIF1, "RAIF1" },
	{ DLT_IPMB_KONTRON, "IPMB" },
	{ DLT_IPMB_LINUX, "IPMB" },
	{ DLT_AX25_KISS, "AX.25" },
	{ DLT_NFLOG, "NFLOG" },
};

static void refuse_unsupported(struct cc *cc)
{
	for (size_t i = 0;
	     i < sizeof no_linktype_filter / sizeof *no_linktype_filter; i++)
		if (no_linktype_filter[i].dlt == cc->cur_linktype)
			cc_fail(cc, "%s link-layer type filtering not implemented",
				no_linktype_filter[i].name);
}

bool dlt_is_juniper(int dlt)
{
	switch (dlt) {
	case DLT_JUNIPER_MFR: case DLT_JUNIPER_MLFR:
	case DLT_JUNIPER_MLPPP: case DLT_JUNIPER_ATM1:
	case DLT_JUNIPER_ATM2: case DLT_JUNIPER_PPPOE:
	case DLT_JUNIPER_PPPOE_ATM: case DLT_JUNIPER_GGSN:
	case DLT_JUNIPER_ES: case DLT_JUNIPER_MONITOR:
	case DLT_JUNIPER_SERVICES: case DLT_JUNIPER_ETHER:
	case DLT_JUNIPER_PPP: case DLT_JUNIPER_FRELAY:
	case DLT_JUNIPER_CHDLC: case DLT_JUNIPER_VP:
	case DLT_JUNIPER_ST: case DLT_JUNIPER_ISM:
	case DLT_JUNIPER_VS: case DLT_JUNIPER_SRX_E2E:
	case DLT_JUNIPER_FIBRECHANNEL: case DLT_JUNIPER_ATM_CEMIC:
		return true;
	default:
		return false;
	}
}

/* Any other type: a 16-bit Ethernet type field, if the type has one. */
static struct pred *gen_generic_linktype(struct cc *cc, uint32_t p)
{
	refuse_unsupported(cc);
	if (cc->off_linktype.constant_part == NS)
		cc_fail(cc, "%s link-layer type filtering not implemented",
			pcap_datalink_val_to_description_or_dlt(
				cc->cur_linktype));
	return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, p);
}

/* ------------------------------------------------------------------ */
/* The link-type test.                                                  */

/*
 * Tests a packet of an encapsulation (LANE, Geneve) must pass before its
 * inner link-layer header means anything.
 */
struct pred *gen_prevlinkhdr_check(struct cc *cc)
{
	if (cc->is_geneve)
		return gen_geneve_ll_check(cc);
	if (cc->prev_linktype == DLT_SUNATM)
		/* LANE data, not an LE Control frame. */
		return pred_not(cc, gen_cmp(cc, OR_PREVLINKHDR, 4, BPF_H,
					    0xff00));
	return NULL;
}

/*
 * "The link layer carries protocol ll_proto": an Ethernet type when
 * above 1500, else an 802.2 SAP.
 */
struct pred *gen_linktype(struct cc *cc, uint32_t ll_proto)
{
	struct pred *b0, *b1;

	if (cc->label_stack_depth > 0)
		return gen_mpls_linktype(cc, ll_proto);

	switch (cc->cur_linktype) {
	case DLT_EN10MB:
	case DLT_NETANALYZER:
	case DLT_NETANALYZER_TRANSPARENT:
		/* Geneve carries an Ethernet type with or without a MAC. */
		b0 = cc->is_geneve ? NULL : gen_prevlinkhdr_check(cc);
		b1 = gen_ether_linktype(cc, ll_proto);
		return b0 != NULL ? pred_and(cc, b0, b1) : b1;
	case DLT_C_HDLC:
	case DLT_HDLC:
		if (ll_proto == SAP_ISONS)
			ll_proto = SAP_ISONS << 8 | SAP_ISONS;
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H, ll_proto);
	case DLT_IEEE802_11:
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
	case DLT_IEEE802_11_RADIO:
	case DLT_PPI:
		b0 = gen_wlan_data_frame(cc);
		return pred_and(cc, b0, gen_llc_linktype(cc, ll_proto));
	case DLT_FDDI:
	case DLT_IEEE802:
	case DLT_ATM_RFC1483:
	case DLT_ATM_CLIP:
	case DLT_IP_OVER_FC:
		return gen_llc_linktype(cc, ll_proto);
	case DLT_SUNATM:
		/* LLC-encapsulated (LANE would have changed the link type). */
		b0 = gen_atmfield_code(cc, ATM_PROTOTYPE, 0x02, BPF_JEQ, false);
		return pred_and(cc, b0, gen_llc_linktype(cc, ll_proto));
	case DLT_LINUX_SLL:
		return gen_linux_sll_linktype(cc, ll_proto);
	case DLT_SLIP:
	case DLT_SLIP_BSDOS:
	case DLT_RAW:
		return gen_raw_ip_linktype(cc, ll_proto);
	case DLT_IPV4:
		return ll_proto == ET_IP ? pred_true(cc) : pred_false(cc);
	case DLT_IPV6:
		return ll_proto == ET_IPV6 ? pred_true(cc) : pred_false(cc);
	case DLT_PPP:
	case DLT_PPP_PPPD:
	case DLT_PPP_SERIAL:
	case DLT_PPP_ETHER:
		return gen_cmp(cc, OR_LINKTYPE, 0, BPF_H,
			       ethertype_to_ppptype(ll_proto));
	case DLT_PPP_BSDOS:
		return gen_ppp_bsdos_linktype(cc, ll_proto);
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_ENC:
		return gen_loopback_linktype(cc, ll_proto);
	case DLT_PFLOG:
		return gen_pflog_linktype(cc, ll_proto);
	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		return gen_arcnet_linktype(cc, ll_proto);
	case DLT_LTALK:
		return ll_proto == ET_ATALK ? pred_true(cc) : pred_false(cc);
	case DLT_FRELAY:
		return gen_frelay_linktype(cc, ll_proto);
	case DLT_BACNET_MS_TP:
		return gen_mcmp(cc, OR_LINKHDR, 0, BPF_W, 0x55ff0000,
				0xffff0000);
	case DLT_IPNET:
		return gen_ipnet_linktype(cc, ll_proto);
	default:
		/* Juniper: only the "MGC" magic number is checked. */
		if (dlt_is_juniper(cc->cur_linktype))
			return gen_mcmp(cc, OR_LINKHDR, 0, BPF_W, 0x4d474300,
					0xffffff00);
		return gen_generic_linktype(cc, ll_proto);
	}
}
