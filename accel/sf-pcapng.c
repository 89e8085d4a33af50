/*
 * sf-pcapng.c: the pcapng savefile -- sections, interface descriptions
 * (with their time-stamp resolution and offset), the three packet blocks
 * (enhanced, simple, obsolete), and libpcap 1.10.3's limits and messages
 * for blocks it cannot or will not read.
 */
#include "config.h"

#include <stdlib.h>

#include "accel/savefile.h"
#include "pcap-compat/linktype.h"

enum {
	BLOCK_SHB = 0x0A0D0D0A,
	BLOCK_IDB = 0x00000001,
	BLOCK_PB = 0x00000002,		/* obsolete packet block */
	BLOCK_SPB = 0x00000003,
	BLOCK_EPB = 0x00000006,
};

#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define BLOCK_HEADER_SIZE 8		/* type, total length */
#define BLOCK_TRAILER_SIZE 4		/* total length again */
#define SHB_FIXED_SIZE 16		/* magic, versions, section length */
#define IDB_FIXED_SIZE 8		/* link type, reserved, snaplen */
#define EPB_FIXED_SIZE 20
#define PB_FIXED_SIZE 20
#define SPB_FIXED_SIZE 4
#define SHB_MAX_SIZE (1024u * 1024u)
/* libpcap's block size limit, raised for link types allowing more. */
#define INITIAL_MAX_BLOCK_SIZE (16u * 1024u * 1024u)
#define MAX_BLOCK_FOR_SNAPLEN(snap)                                          \
	(BLOCK_HEADER_SIZE + EPB_FIXED_SIZE + (snap) + 131072u +              \
	 BLOCK_TRAILER_SIZE)

enum {
	OPT_ENDOFOPT = 0,
	IF_TSRESOL = 9,
	IF_TSOFFSET = 14,
};

/* How a time stamp's fraction becomes the units the caller asked for. */
enum ts_scale { TS_AS_IS, TS_UP_DEC, TS_DOWN_DEC, TS_UP_BIN, TS_DOWN_BIN };

struct interface {
	uint64_t tsresol;	/* ticks per second */
	uint64_t tsoffset;	/* seconds added to every time stamp */
	uint64_t factor;	/* for power-of-ten scaling */
	enum ts_scale scale;
};

struct sf_pcapng {
	struct sf_input in;
	bool swapped;
	bool post_process;
	uint64_t user_tsresol;
	uint32_t max_block_size;
	uint32_t ifcount;	/* interfaces of the current section */
	uint32_t ifaces_size;
	struct interface *ifaces;
};

/* The unread part of a block's body. */
struct cursor {
	const u_char *data;
	size_t left;
	uint32_t type;
};

static const u_char *cursor_take(struct cursor *c, size_t n, char *errbuf)
{
	const u_char *d = c->data;

	if (c->left < n) {
		pcap_errf(errbuf,
			  "block of type %u in pcapng dump file is too short",
			  c->type);
		return NULL;
	}
	c->data += n;
	c->left -= n;
	return d;
}

static int truncated(const struct sf_input *in, size_t want, size_t got,
		     char *errbuf)
{
	if (in->error != 0)
		sf_read_error(in, errbuf);
	else
		pcap_errf(errbuf,
			  "truncated pcapng dump file; tried to read %zu bytes, only got %zu",
			  want, got);
	return -1;
}

static int bad_block_length(uint32_t total, uint32_t max, char *errbuf)
{
	if (total < BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE)
		pcap_errf(errbuf,
			  "block in pcapng dump file has a length of %u < %zu",
			  total, (size_t)(BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE));
	else if (total % 4 != 0)
		pcap_errf(errbuf,
			  "block in pcapng dump file has a length of %u that is not a multiple of 4",
			  total);
	else
		pcap_errf(errbuf, "pcapng block size %u > maximum %u", total,
			  max);
	return -1;
}

/*
 * The next whole block, its trailer checked: 1, 0 at a clean end of file,
 * -1 with errbuf set.
 */
static inline __attribute__((always_inline)) int
read_block(struct sf_pcapng *ng, struct cursor *c, char *errbuf)
{
	const u_char *b;
	size_t got = sf_take(&ng->in, BLOCK_HEADER_SIZE, &b);
	uint32_t type, total;

	if (__builtin_expect(got != BLOCK_HEADER_SIZE, 0)) {
		if (got == 0 && ng->in.error == 0)
			return 0;
		return truncated(&ng->in, BLOCK_HEADER_SIZE, got, errbuf);
	}
	type = sf_u32(b, ng->swapped);
	total = sf_u32(b + 4, ng->swapped);
	/*
	 * libpcap checks the maximum only for blocks bigger than its
	 * buffer; that buffer (<= 1 MiB) is always below the maximum.
	 */
	if (__builtin_expect(total < BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE ||
			     total % 4 != 0 || total > ng->max_block_size, 0))
		return bad_block_length(total, ng->max_block_size, errbuf);
	got = sf_take(&ng->in, total - BLOCK_HEADER_SIZE, &b);
	if (__builtin_expect(got != total - BLOCK_HEADER_SIZE, 0))
		return truncated(&ng->in, total - BLOCK_HEADER_SIZE, got,
				 errbuf);
	if (sf_u32(b + got - BLOCK_TRAILER_SIZE, ng->swapped) != total) {
		pcap_errf(errbuf,
			  "block total length in header and trailer don't match");
		return -1;
	}
	c->data = b;
	c->left = got - BLOCK_TRAILER_SIZE;
	c->type = type;
	return 1;
}

/* The interface options libpcap looks at: if_tsresol and if_tsoffset. */
static int read_idb_options(struct sf_pcapng *ng, struct cursor *c,
			    struct interface *ifc, bool *binary, char *errbuf)
{
	bool saw_tsresol = false, saw_tsoffset = false;

	while (c->left != 0) {
		const u_char *oh = cursor_take(c, 4, errbuf);
		const u_char *val;
		uint16_t code, len;

		if (oh == NULL)
			return -1;
		code = sf_u16(oh, ng->swapped);
		len = sf_u16(oh + 2, ng->swapped);
		val = cursor_take(c, ((size_t)len + 3) / 4 * 4, errbuf);
		if (val == NULL)
			return -1;
		switch (code) {
		case OPT_ENDOFOPT:
			if (len != 0) {
				pcap_errf(errbuf,
					  "Interface Description Block has opt_endofopt option with length %u != 0",
					  len);
				return -1;
			}
			return 0;
		case IF_TSRESOL:
			if (len != 1) {
				pcap_errf(errbuf,
					  "Interface Description Block has if_tsresol option with length %u != 1",
					  len);
				return -1;
			}
			if (saw_tsresol) {
				pcap_errf(errbuf,
					  "Interface Description Block has more than one if_tsresol option");
				return -1;
			}
			saw_tsresol = true;
			if (val[0] & 0x80) {
				unsigned shift = val[0] & 0x7F;

				if (shift > 63) {
					pcap_errf(errbuf,
						  "Interface Description Block if_tsresol option resolution 2^-%u is too high",
						  shift);
					return -1;
				}
				*binary = true;
				ifc->tsresol = (uint64_t)1 << shift;
			} else {
				/* 10^19 is the largest power of ten in 64 bits. */
				if (val[0] > 19) {
					pcap_errf(errbuf,
						  "Interface Description Block if_tsresol option resolution 10^-%u is too high",
						  val[0]);
					return -1;
				}
				*binary = false;
				ifc->tsresol = 1;
				for (unsigned i = 0; i < val[0]; i++)
					ifc->tsresol *= 10;
			}
			break;
		case IF_TSOFFSET:
			if (len != 8) {
				pcap_errf(errbuf,
					  "Interface Description Block has if_tsoffset option with length %u != 8",
					  len);
				return -1;
			}
			if (saw_tsoffset) {
				pcap_errf(errbuf,
					  "Interface Description Block has more than one if_tsoffset option");
				return -1;
			}
			saw_tsoffset = true;
			ifc->tsoffset = sf_u64(val, ng->swapped);
			break;
		default:
			break;
		}
	}
	return 0;
}

static void choose_scale(const struct sf_pcapng *ng, struct interface *ifc,
			 bool binary)
{
	if (ifc->tsresol == ng->user_tsresol) {
		ifc->scale = TS_AS_IS;
	} else if (ifc->tsresol > ng->user_tsresol) {
		ifc->scale = binary ? TS_DOWN_BIN : TS_DOWN_DEC;
		ifc->factor = ifc->tsresol / ng->user_tsresol;
	} else {
		ifc->scale = binary ? TS_UP_BIN : TS_UP_DEC;
		ifc->factor = ng->user_tsresol / ifc->tsresol;
	}
}

/* Append an interface to the current section; -1 with errbuf set. */
static int add_interface(struct sf_pcapng *ng, struct cursor *c,
			 char *errbuf)
{
	struct interface *ifc;
	bool binary = false;

	if (ng->ifcount == ng->ifaces_size) {
		uint32_t size = ng->ifaces_size ? ng->ifaces_size * 2 : 1;
		struct interface *bigger;

		if (size < ng->ifaces_size) {
			pcap_errf(errbuf, "more than %u interfaces in the file",
				  0x80000000u);
			return -1;
		}
		bigger = realloc(ng->ifaces, sizeof *bigger * size);
		if (bigger == NULL) {
			pcap_errf(errbuf,
				  "out of memory for per-interface information (%u interfaces)",
				  ng->ifcount + 1);
			return -1;
		}
		ng->ifaces = bigger;
		ng->ifaces_size = size;
	}
	ifc = &ng->ifaces[ng->ifcount++];
	*ifc = (struct interface){ .tsresol = 1000000 };
	if (read_idb_options(ng, c, ifc, &binary, errbuf) < 0)
		return -1;
	choose_scale(ng, ifc, binary);
	return 0;
}

/* Seconds and fraction in the caller's units, as libpcap computes them. */
static inline void convert_ts(const struct sf_pcapng *ng,
			      const struct interface *ifc, uint64_t t,
			      struct timeval *tv)
{
	uint64_t sec, frac;

	/* Division by a constant for the usual resolutions. */
	if (ifc->tsresol == 1000000) {
		sec = t / 1000000;
		frac = t % 1000000;
	} else if (ifc->tsresol == 1000000000) {
		sec = t / 1000000000;
		frac = t % 1000000000;
	} else {
		sec = t / ifc->tsresol;
		frac = t % ifc->tsresol;
	}
	sec += ifc->tsoffset;
	switch (ifc->scale) {
	case TS_AS_IS:
		break;
	case TS_UP_DEC:
		frac *= ifc->factor;
		break;
	case TS_DOWN_DEC:
		frac /= ifc->factor;
		break;
	case TS_UP_BIN:
	case TS_DOWN_BIN:
		/* May wrap for fine binary resolutions, as in libpcap. */
		frac = frac * ng->user_tsresol / ifc->tsresol;
		break;
	}
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (int)frac;
}

/* A later IDB must match the first one's link type and snapshot length. */
static int check_later_idb(pcap_t *p, uint16_t linktype, uint32_t snaplen)
{
	/*
	 * libpcap compares the file's LINKTYPE with the first interface's
	 * DLT: types whose numbers differ can never have a second IDB.
	 */
	if (p->linktype != linktype) {
		pcap_errf(p->errbuf,
			  "an interface has a type %u different from the type of the first interface",
			  linktype);
		return -1;
	}
	if ((u_int)p->snapshot != sf_adjust_snaplen(p->linktype, snaplen)) {
		pcap_errf(p->errbuf,
			  "an interface has a snapshot length %u different from the snapshot length of the first interface",
			  snaplen);
		return -1;
	}
	return 0;
}

static int handle_idb(pcap_t *p, struct cursor *c)
{
	struct sf_pcapng *ng = p->priv;
	const u_char *idb = cursor_take(c, IDB_FIXED_SIZE, p->errbuf);

	if (idb == NULL ||
	    check_later_idb(p, sf_u16(idb, ng->swapped),
			    sf_u32(idb + 4, ng->swapped)) < 0 ||
	    add_interface(ng, c, p->errbuf) < 0)
		return -1;
	return 0;
}

/* A new section: same byte order and major version, no interfaces yet. */
static int handle_shb(pcap_t *p, struct cursor *c)
{
	struct sf_pcapng *ng = p->priv;
	const u_char *shb = cursor_take(c, SHB_FIXED_SIZE, p->errbuf);
	uint32_t bom;
	unsigned major;

	if (shb == NULL)
		return -1;
	bom = sf_u32(shb, ng->swapped);
	major = sf_u16(shb + 4, ng->swapped);
	if (bom == __builtin_bswap32(BYTE_ORDER_MAGIC)) {
		pcap_errf(p->errbuf,
			  "the file has sections with different byte orders");
		return -1;
	}
	if (bom != BYTE_ORDER_MAGIC) {
		pcap_errf(p->errbuf,
			  "the file has a section with a bad byte order magic field");
		return -1;
	}
	if (major != 1) {
		pcap_errf(p->errbuf,
			  "unknown pcapng savefile major version number %u",
			  major);
		return -1;
	}
	ng->ifcount = 0;
	return 0;
}

/* The fixed part of a packet block: interface, lengths, raw time stamp. */
static inline int packet_fields(pcap_t *p, struct cursor *c,
				struct pcap_pkthdr *h, uint32_t *ifid,
				uint64_t *t)
{
	struct sf_pcapng *ng = p->priv;
	bool sw = ng->swapped;
	const u_char *f;

	switch (c->type) {
	case BLOCK_EPB:
		f = cursor_take(c, EPB_FIXED_SIZE, p->errbuf);
		if (f == NULL)
			return -1;
		*ifid = sf_u32(f, sw);
		*t = (uint64_t)sf_u32(f + 4, sw) << 32 | sf_u32(f + 8, sw);
		h->caplen = sf_u32(f + 12, sw);
		h->len = sf_u32(f + 16, sw);
		return 0;
	case BLOCK_SPB:
		f = cursor_take(c, SPB_FIXED_SIZE, p->errbuf);
		if (f == NULL)
			return -1;
		/* First interface, no time stamp, captured up to snaplen. */
		*ifid = 0;
		*t = 0;
		h->len = sf_u32(f, sw);
		h->caplen = h->len < (u_int)p->snapshot ? h->len
							 : (u_int)p->snapshot;
		return 0;
	default: /* BLOCK_PB */
		f = cursor_take(c, PB_FIXED_SIZE, p->errbuf);
		if (f == NULL)
			return -1;
		*ifid = sf_u16(f, sw);
		*t = (uint64_t)sf_u32(f + 4, sw) << 32 | sf_u32(f + 8, sw);
		h->caplen = sf_u32(f + 12, sw);
		h->len = sf_u32(f + 16, sw);
		return 0;
	}
}

static inline int finish_packet(pcap_t *p, struct cursor *c,
				struct pcap_pkthdr *h, uint32_t ifid,
				uint64_t t, const u_char **data)
{
	struct sf_pcapng *ng = p->priv;

	if (ifid >= ng->ifcount) {
		pcap_errf(p->errbuf,
			  "a packet arrived on interface %u, but there's no Interface Description Block for that interface",
			  ifid);
		return -1;
	}
	if (h->caplen > (u_int)p->snapshot) {
		pcap_errf(p->errbuf,
			  "invalid packet capture length %u, bigger than snaplen of %d",
			  h->caplen, p->snapshot);
		return -1;
	}
	convert_ts(ng, &ng->ifaces[ifid], t, &h->ts);
	*data = cursor_take(c, h->caplen, p->errbuf);
	if (*data == NULL)
		return -1;
	if (ng->post_process &&
	    sf_post_process(&ng->in, p->linktype, ng->swapped, h, data,
			    p->errbuf) < 0)
		return -1;
	return 1;
}

/* The next packet, reading past other blocks: 1, 0 at end of file, -1. */
static inline int next_packet(pcap_t *p, struct pcap_pkthdr *h,
			      const u_char **data)
{
	struct sf_pcapng *ng = p->priv;
	struct cursor c;
	uint32_t ifid;
	uint64_t t;

	for (;;) {
		int status = read_block(ng, &c, p->errbuf);

		if (status <= 0)
			return status;
		switch (c.type) {
		case BLOCK_EPB:
		case BLOCK_SPB:
		case BLOCK_PB:
			if (packet_fields(p, &c, h, &ifid, &t) < 0)
				return -1;
			return finish_packet(p, &c, h, ifid, t, data);
		case BLOCK_IDB:
			if (handle_idb(p, &c) < 0)
				return -1;
			break;
		case BLOCK_SHB:
			if (handle_shb(p, &c) < 0)
				return -1;
			break;
		default:
			break;	/* blocks without packets: skipped */
		}
	}
}

static int pcapng_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	return sf_read_loop(p, max, cb, user, next_packet);
}

static void pcapng_close(pcap_t *p)
{
	struct sf_pcapng *ng = p->priv;

	free(ng->ifaces);
	sf_close_input(p, &ng->in);
}

static const struct source_ops pcapng_ops =
	SAVEFILE_OPS("savefile (pcapng)", pcapng_read, pcapng_close);

/*
 * After the first SHB: skip to the first IDB and take the handle's link
 * type and snapshot length from it.  Packets before it are an error.
 */
static int read_first_idb(pcap_t *p, char *errbuf)
{
	struct sf_pcapng *ng = p->priv;
	struct cursor c;
	const u_char *idb;

	for (;;) {
		int status = read_block(ng, &c, errbuf);

		if (status == 0) {
			pcap_errf(errbuf,
				  "the capture file has no Interface Description Blocks");
			return -1;
		}
		if (status < 0)
			return -1;
		switch (c.type) {
		case BLOCK_IDB:
			idb = cursor_take(&c, IDB_FIXED_SIZE, errbuf);
			if (idb == NULL || add_interface(ng, &c, errbuf) < 0)
				return -1;
			p->linktype = linktype_to_dlt(sf_u16(idb, ng->swapped));
			p->snapshot = (int)sf_adjust_snaplen(
				p->linktype, sf_u32(idb + 4, ng->swapped));
			return 0;
		case BLOCK_EPB:
		case BLOCK_SPB:
		case BLOCK_PB:
			pcap_errf(errbuf,
				  "the capture file has a packet block before any Interface Description Blocks");
			return -1;
		default:
			break;
		}
	}
}

/* The rest of the first SHB: its version must be 1.0 or 1.2. */
static int read_first_shb(pcap_t *p, uint32_t total, char *errbuf)
{
	struct sf_pcapng *ng = p->priv;
	size_t want = total - 12;	/* type, length, magic already read */
	const u_char *b;
	size_t got = sf_take(&ng->in, want, &b);
	unsigned major, minor;

	if (got != want)
		return truncated(&ng->in, want, got, errbuf);
	major = sf_u16(b, ng->swapped);
	minor = sf_u16(b + 2, ng->swapped);
	if (!(major == 1 && (minor == 0 || minor == 2))) {
		pcap_errf(errbuf, "unsupported pcapng savefile version %u.%u",
			  major, minor);
		return -1;
	}
	p->version_major = (int)major;
	p->version_minor = (int)minor;
	return 0;
}

/*
 * Is this a pcapng file?  Its SHB type is a palindrome, so the byte order
 * comes from the magic after the length.  A short or foreign start is
 * "not pcapng" (0), as in libpcap; a read error is an error.
 */
static int sniff_shb(struct sf_input *in, const u_char magic[4],
		     bool *swapped, uint32_t *total, char *errbuf)
{
	u_char len[4], bom[4];

	if (sf_u32(magic, false) != BLOCK_SHB)
		return 0;
	if (sf_read(in, len, 4) != 4 || sf_read(in, bom, 4) != 4) {
		if (in->error == 0)
			return 0;
		sf_read_error(in, errbuf);
		return -1;
	}
	if (sf_u32(bom, false) == BYTE_ORDER_MAGIC)
		*swapped = false;
	else if (sf_u32(bom, true) == BYTE_ORDER_MAGIC)
		*swapped = true;
	else
		return 0;
	*total = sf_u32(len, *swapped);
	if (*total < BLOCK_HEADER_SIZE + SHB_FIXED_SIZE + BLOCK_TRAILER_SIZE ||
	    *total > SHB_MAX_SIZE) {
		pcap_errf(errbuf,
			  "Section Header Block in pcapng dump file has invalid length %zu < _%u_ < %u (BT_SHB_INSANE_MAX)",
			  (size_t)(BLOCK_HEADER_SIZE + SHB_FIXED_SIZE +
				   BLOCK_TRAILER_SIZE),
			  *total, SHB_MAX_SIZE);
		return -1;
	}
	return 1;
}

int sf_pcapng_open(struct sf_input *in, const u_char magic[4],
		   u_int precision, char *errbuf, pcap_t **pp)
{
	bool swapped = false;
	uint32_t total = 0, max_for_dlt;
	struct sf_pcapng *ng;
	pcap_t *p;
	int status = sniff_shb(in, magic, &swapped, &total, errbuf);

	if (status <= 0)
		return status;
	p = pcap_handle_alloc(errbuf, &pcapng_ops, sizeof *ng);
	if (p == NULL)
		return -1;
	ng = p->priv;
	p->swapped = swapped;
	ng->swapped = swapped;
	switch (precision) {
	case PCAP_TSTAMP_PRECISION_MICRO:
		ng->user_tsresol = 1000000;
		break;
	case PCAP_TSTAMP_PRECISION_NANO:
		ng->user_tsresol = 1000000000;
		break;
	default:
		sf_bad_precision(errbuf, precision);
		pcap_handle_free(p);
		return -1;
	}
	/* libpcap sizes its buffer once; pcap_bufsize() shows that size. */
	p->bufsize = total > 2048 ? (int)total : 2048;
	ng->max_block_size = INITIAL_MAX_BLOCK_SIZE;
	/* The handle reads through the input from here on. */
	ng->in = *in;
	memset(in, 0, sizeof *in);
	if (read_first_shb(p, total, errbuf) < 0 ||
	    read_first_idb(p, errbuf) < 0) {
		*in = ng->in;	/* the caller releases it */
		free(ng->ifaces);
		pcap_handle_free(p);
		return -1;
	}
	p->linktype_ext = 0;
	max_for_dlt = MAX_BLOCK_FOR_SNAPLEN(max_snaplen_for_dlt(p->linktype));
	if (max_for_dlt > ng->max_block_size)
		ng->max_block_size = max_for_dlt;
	ng->post_process = sf_needs_post_process(p->linktype, swapped);
	*pp = p;
	return 1;
}
