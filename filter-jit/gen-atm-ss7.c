/*
 * gen-atm-ss7.c: the telecom link layers' own primitives -- ATM cell
 * header fields and circuits on SunATM captures (vpi, vci, metac, lane,
 * oam, connectmsg, ...), and SS7 signalling units and MTP3 routing
 * fields on MTP2 captures (fisu, lssu, msu, sio, opc, dpc, sls, h*).
 */
#include "config.h"

#include <pcap/pcap.h>

#include "filter-jit/compile.h"

/* ------------------------------------------------------------------ */
/* ATM                                                                  */

/* SunATM pseudo-header protocol types (low nibble of its first byte). */
enum { ATM_PT_LANE = 0x01, ATM_PT_LLC = 0x02 };

/* Where the Q.2931 message type sits in a signalling PDU. */
#define Q2931_MSG_TYPE_POS 5

/* Q.2931 message types ("connectmsg", "metaconnect"). */
enum {
	Q2931_CALL_PROCEED = 0x02,
	Q2931_SETUP = 0x05,
	Q2931_CONNECT = 0x07,
	Q2931_CONNECT_ACK = 0x0f,
	Q2931_RELEASE = 0x4d,
	Q2931_RELEASE_DONE = 0x5a,
};

/* The well-known circuits: VPI 0 and one VCI. */
#define VCI_METAC 1
#define VCI_SC 5

struct atm_field {
	const char *name;	/* for "'NAME' supported only on raw ATM" */
	bool needs_atm;
	unsigned size;
	uint32_t mask;
};

static const struct atm_field atm_fields[] = {
	[ATM_VPI - ATM_VPI] = { "vpi", true, BPF_B, 0xffffffff },
	[ATM_VCI - ATM_VPI] = { "vci", true, BPF_H, 0xffffffff },
	[ATM_PROTOTYPE - ATM_VPI] = { NULL, false, BPF_B, 0x0f },
	[ATM_MSGTYPE - ATM_VPI] = { NULL, false, BPF_B, 0xffffffff },
	[ATM_CALLREF - ATM_VPI] = { "callref", true, BPF_B, 0xffffffff },
};

/* Offset of field in the link header, OFFSET_NOT_SET if it has none. */
static unsigned atm_field_offset(const struct cc *cc, int field)
{
	switch (field) {
	case ATM_VPI:
		return cc->off_vpi;
	case ATM_VCI:
		return cc->off_vci;
	case ATM_PROTOTYPE:
	case ATM_CALLREF:
		return cc->off_proto;
	case ATM_MSGTYPE:
		if (cc->off_payload == OFFSET_NOT_SET)
			return OFFSET_NOT_SET;
		return cc->off_payload + Q2931_MSG_TYPE_POS;
	}
	return OFFSET_NOT_SET;
}

struct pred *gen_atmfield_code(struct cc *cc, int field, uint32_t v,
			       uint16_t jtype, bool reverse)
{
	const struct atm_field *f;
	unsigned off;

	if (field < ATM_VPI || field > ATM_CALLREF)
		cc_fail(cc, "internal error: unknown ATM field %d", field);
	f = &atm_fields[field - ATM_VPI];
	if (f->needs_atm && !cc->is_atm)
		cc_fail(cc, "'%s' supported only on raw ATM", f->name);
	off = atm_field_offset(cc, field);
	if (off == OFFSET_NOT_SET)
		cc_fail(cc, "internal error: ATM field %d has no offset",
			field);
	return gen_ncmp(cc, OR_LINKHDR, off, f->size, f->mask, jtype,
			reverse, v);
}

static struct pred *atm_field_eq(struct cc *cc, int field, uint32_t v)
{
	return gen_atmfield_code(cc, field, v, BPF_JEQ, false);
}

static struct pred *atm_circuit(struct cc *cc, uint32_t vci)
{
	struct pred *b = atm_field_eq(cc, ATM_VPI, 0);

	return pred_and(cc, b, atm_field_eq(cc, ATM_VCI, vci));
}

/* LLC-encapsulated traffic; what follows is again the capture's own
 * link type (undoing a "lane" seen before, but not its offsets). */
struct pred *gen_atmtype_llc(struct cc *cc)
{
	struct pred *b = atm_field_eq(cc, ATM_PROTOTYPE, ATM_PT_LLC);

	cc->cur_linktype = cc->prev_linktype;
	return b;
}

/* LANE: what follows is Ethernet, 2 bytes into the AAL5 payload. */
static struct pred *atm_lane(struct cc *cc)
{
	struct pred *b = atm_field_eq(cc, ATM_PROTOTYPE, ATM_PT_LANE);

	cc_push_linkhdr(cc, DLT_EN10MB, false, cc->off_payload + 2, -1);
	cc->off_linktype.constant_part = cc->off_linkhdr.constant_part + 12;
	cc->off_linkpl.constant_part = cc->off_linkhdr.constant_part + 14;
	cc->off_nl = 0;
	cc->off_nl_nosnap = 3;
	return b;
}

struct atm_abbrev {
	int type;
	const char *name;	/* as libpcap's error names it */
	int vci;		/* VPI 0 and this VCI; -1: special */
};

static const struct atm_abbrev atm_abbrevs[] = {
	{ ATM_METAC, "metac", VCI_METAC },
	{ ATM_BCC, "bcc", 2 },
	{ ATM_OAMF4SC, "oam4sc", 3 },
	{ ATM_OAMF4EC, "oam4ec", 4 },
	{ ATM_SC, "sc", VCI_SC },
	{ ATM_ILMIC, "ilmic", 16 },
	{ ATM_LANE, "lane", -1 },
	{ ATM_LLC, "llc", -1 },
	{ ATM_OAM, "oam", -1 },
	{ ATM_OAMF4, "oamf4", -1 },
	{ ATM_CONNECTMSG, "connectmsg", -1 },
	{ ATM_METACONNECT, "metaconnect", -1 },
};

/* The abbreviation's table row, after checking this is raw ATM. */
static const struct atm_abbrev *atm_abbrev_check(struct cc *cc, int type)
{
	for (size_t i = 0; i < sizeof atm_abbrevs / sizeof atm_abbrevs[0];
	     i++) {
		if (atm_abbrevs[i].type != type)
			continue;
		if (!cc->is_atm)
			cc_fail(cc, "'%s' supported only on raw ATM",
				atm_abbrevs[i].name);
		return &atm_abbrevs[i];
	}
	cc_fail(cc, "internal error: unknown ATM keyword %d", type);
}

struct pred *gen_atmtype_abbrev(struct cc *cc, int type)
{
	const struct atm_abbrev *a = atm_abbrev_check(cc, type);

	switch (type) {
	case ATM_LANE:
		return atm_lane(cc);
	case ATM_LLC:
		return gen_atmtype_llc(cc);
	}
	if (a->vci < 0)
		cc_fail(cc, "internal error: ATM keyword %d is not a type",
			type);
	return atm_circuit(cc, (uint32_t)a->vci);
}

/*
 * Any of the Q.2931 message types in list.  libpcap tests the first two
 * in order and puts each later one in front of those before it, so the
 * run-time order is list[n-1], ..., list[2], list[0], list[1].
 */
static struct pred *q2931_any_of(struct cc *cc, const uint8_t *list,
				 size_t n)
{
	struct pred *b = atm_field_eq(cc, ATM_MSGTYPE, list[0]);

	b = pred_or(cc, b, atm_field_eq(cc, ATM_MSGTYPE, list[1]));
	for (size_t i = 2; i < n; i++)
		b = pred_or(cc, atm_field_eq(cc, ATM_MSGTYPE, list[i]), b);
	return b;
}

static const uint8_t connect_msgs[] = {
	Q2931_SETUP, Q2931_CALL_PROCEED, Q2931_CONNECT, Q2931_CONNECT_ACK,
	Q2931_RELEASE, Q2931_RELEASE_DONE,
};

/* "metaconnect" leaves out CONNECT_ACK. */
static const uint8_t metaconnect_msgs[] = {
	Q2931_SETUP, Q2931_CALL_PROCEED, Q2931_CONNECT, Q2931_RELEASE,
	Q2931_RELEASE_DONE,
};

/* The circuit (VPI, then VCI) is tested before the cell's contents. */
struct pred *gen_atmmulti_abbrev(struct cc *cc, int type)
{
	struct pred *b;

	atm_abbrev_check(cc, type);
	switch (type) {
	case ATM_OAM:
	case ATM_OAMF4:
		/* segment or end-to-end OAM F4 cells, on VPI 0 */
		b = pred_or(cc, atm_field_eq(cc, ATM_VCI, 3),
			    atm_field_eq(cc, ATM_VCI, 4));
		return pred_and(cc, atm_field_eq(cc, ATM_VPI, 0), b);
	case ATM_CONNECTMSG:
		b = q2931_any_of(cc, connect_msgs, sizeof connect_msgs);
		return pred_and(cc, atm_circuit(cc, VCI_SC), b);
	case ATM_METACONNECT:
		b = q2931_any_of(cc, metaconnect_msgs,
				 sizeof metaconnect_msgs);
		return pred_and(cc, atm_circuit(cc, VCI_METAC), b);
	}
	cc_fail(cc, "internal error: ATM keyword %d is not a multi-type",
		type);
}

/* ------------------------------------------------------------------ */
/* SS7: MTP2 signalling units                                          */

static bool is_mtp2(const struct cc *cc)
{
	return cc->cur_linktype == DLT_MTP2 || cc->cur_linktype == DLT_ERF ||
	       cc->cur_linktype == DLT_MTP2_WITH_PHDR;
}

/*
 * The length indicator tells the unit's kind: 0 for a FISU, 1..lssu_max
 * for an LSSU, more for an MSU.  High-speed links (Q.703 Annex A) have a
 * 9-bit indicator in a 16-bit field.
 */
struct mtp2_kind {
	int type;
	const char *name;
	const char *needs;	/* "MTP2" or "MTP2_HSL" */
	bool hsl;
	enum { LI_ZERO, LI_SHORT, LI_LONG } range;
};

static const struct mtp2_kind mtp2_kinds[] = {
	{ SS7_FISU, "fisu", "MTP2", false, LI_ZERO },
	{ SS7_LSSU, "lssu", "MTP2", false, LI_SHORT },
	{ SS7_MSU, "msu", "MTP2", false, LI_LONG },
	{ SS7_HFISU, "hfisu", "MTP2_HSL", true, LI_ZERO },
	{ SS7_HLSSU, "hlssu", "MTP2_HSL", true, LI_SHORT },
	{ SS7_HMSU, "hmsu", "MTP2_HSL", true, LI_LONG },
};

static struct pred *mtp2_li_test(struct cc *cc, bool hsl, uint16_t jtype,
				 bool reverse, uint32_t v)
{
	if (hsl)
		return gen_ncmp(cc, OR_PACKET, cc->off_li_hsl, BPF_H, 0xff80,
				jtype, reverse, v);
	return gen_ncmp(cc, OR_PACKET, cc->off_li, BPF_B, 0x3f, jtype,
			reverse, v);
}

struct pred *gen_mtp2type_abbrev(struct cc *cc, int type)
{
	const struct mtp2_kind *k = NULL;

	for (size_t i = 0; i < sizeof mtp2_kinds / sizeof mtp2_kinds[0]; i++)
		if (mtp2_kinds[i].type == type)
			k = &mtp2_kinds[i];
	if (k == NULL)
		cc_fail(cc, "internal error: unknown MTP2 keyword %d", type);
	if (!is_mtp2(cc))
		cc_fail(cc, "'%s' supported only on %s", k->name, k->needs);

	/* the largest LSSU indicator, in the field's own encoding */
	uint32_t lssu_max = k->hsl ? 0x0100 : 2;

	switch (k->range) {
	case LI_ZERO:
		return mtp2_li_test(cc, k->hsl, BPF_JEQ, false, 0);
	case LI_SHORT: {
		/* built "not above max" first, tested "above 0" first */
		struct pred *not_long = mtp2_li_test(cc, k->hsl, BPF_JGT,
						     true, lssu_max);
		struct pred *nonzero = mtp2_li_test(cc, k->hsl, BPF_JGT,
						    false, 0);

		return pred_and(cc, nonzero, not_long);
	}
	case LI_LONG:
		break;
	}
	return mtp2_li_test(cc, k->hsl, BPF_JGT, false, lssu_max);
}

/* ------------------------------------------------------------------ */
/* SS7: MTP3 routing label fields                                       */

/* The routing label is little-endian on the wire: a point code's bits
 * are scattered over bytes, so the value is rearranged to match a
 * big-endian 32-bit load. */
static uint32_t mtp3_opc_wire(uint32_t v)
{
	return (v & 0x3c00) >> 10 | (v & 0x03fc) << 6 | (v & 0x0003) << 22;
}

static uint32_t mtp3_dpc_wire(uint32_t v)
{
	return (v & 0x00ff) << 24 | (v & 0x3f00) << 8;
}

static uint32_t mtp3_sls_wire(uint32_t v)
{
	return v << 4;
}

struct mtp3_field {
	int type, hsl_type;
	const char *name;
	uint32_t max;
	unsigned size;
	uint32_t mask;
	uint32_t (*to_wire)(uint32_t v);	/* NULL: as is */
};

static const struct mtp3_field mtp3_fields[] = {
	{ SS7_SIO, SS7_HSIO, "sio", 255, BPF_B, 0xffffffff, NULL },
	{ SS7_OPC, SS7_HOPC, "opc", 16383, BPF_W, 0x00c0ff0f,
	  mtp3_opc_wire },
	{ SS7_DPC, SS7_HDPC, "dpc", 16383, BPF_W, 0xff3f0000,
	  mtp3_dpc_wire },
	{ SS7_SLS, SS7_HSLS, "sls", 15, BPF_B, 0xf0, mtp3_sls_wire },
};

static unsigned mtp3_field_offset(const struct cc *cc, int type)
{
	switch (type) {
	case SS7_SIO:
		return cc->off_sio;
	case SS7_OPC:
		return cc->off_opc;
	case SS7_DPC:
		return cc->off_dpc;
	default:
		return cc->off_sls;
	}
}

struct pred *gen_mtp3field_code(struct cc *cc, int field, uint32_t v,
				uint16_t jtype, bool reverse)
{
	const struct mtp3_field *f = NULL;
	bool hsl = false;

	for (size_t i = 0; i < sizeof mtp3_fields / sizeof mtp3_fields[0];
	     i++) {
		if (mtp3_fields[i].type == field ||
		    mtp3_fields[i].hsl_type == field) {
			f = &mtp3_fields[i];
			hsl = mtp3_fields[i].hsl_type == field;
		}
	}
	if (f == NULL)
		cc_fail(cc, "internal error: unknown MTP3 field %d", field);

	unsigned off = mtp3_field_offset(cc, f->type);

	if (off == OFFSET_NOT_SET)
		cc_fail(cc, "'%s' supported only on SS7", f->name);
	if (v > f->max)
		cc_fail(cc, "%s value %u too big; max value = %u", f->name, v,
			f->max);
	if (f->to_wire != NULL)
		v = f->to_wire(v);
	/* on high-speed links the label is 3 bytes further in */
	if (hsl)
		off += 3;
	return gen_ncmp(cc, OR_PACKET, off, f->size, f->mask, jtype, reverse,
			v);
}
