/*
 * sf-pcap.c: the classic pcap savefile -- its file header (either byte
 * order, micro- or nanosecond magic, the Kuznetzov variant with a longer
 * record header, old versions with caplen and len interchanged) and the
 * per-record reader, with libpcap 1.10.3's checks and messages.
 */
#include "config.h"

#include <stdlib.h>

#include "accel/savefile.h"
#include "pcap-compat/linktype.h"

#define FILE_HEADER_SIZE 24
#define RECORD_HEADER_SIZE 16
#define KUZNETZOV_RECORD_HEADER_SIZE 24	/* + ifindex, protocol, pkt_type */

/* This format's link-type field: 26 bits of type, 6 of extension. */
#define PCAP_LT_TYPE(x) ((x) & 0x03FFFFFFu)
#define PCAP_LT_EXT(x) ((x) & 0xFC000000u)

enum ts_scale { TS_AS_IS, TS_USEC_TO_NSEC, TS_NSEC_TO_USEC };

/* Files before 2.3 (and DG/UX's 543.0) wrote len before caplen. */
enum length_order { LENGTHS_NORMAL, LENGTHS_SWAPPED, LENGTHS_MAYBE_SWAPPED };

static const struct magic {
	uint32_t value;
	bool nanoseconds;
	size_t record_header_size;
} magics[] = {
	{ 0xa1b2c3d4, false, RECORD_HEADER_SIZE },
	{ 0xa1b2cd34, false, KUZNETZOV_RECORD_HEADER_SIZE },
	{ 0xa1b23c4d, true, RECORD_HEADER_SIZE },
};

struct sf_pcap {
	struct sf_input in;
	size_t record_header_size;
	bool swapped;
	bool post_process;
	enum ts_scale scale;
	enum length_order lengths;
	u_int max_caplen;	/* max_snaplen_for_dlt(): more is corruption */
};

/* The table entry for this magic, in file or swapped order; NULL: not pcap. */
static const struct magic *find_magic(const u_char bytes[4], bool *swapped)
{
	uint32_t raw = sf_u32(bytes, false);

	for (int pass = 0; pass < 2; pass++) {
		uint32_t v = pass ? __builtin_bswap32(raw) : raw;

		for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
			if (magics[i].value == v) {
				*swapped = pass == 1;
				return &magics[i];
			}
		}
	}
	return NULL;
}

static int check_version(unsigned major, unsigned minor, char *errbuf)
{
	if (major < PCAP_VERSION_MAJOR) {
		pcap_errf(errbuf, "archaic pcap savefile format");
		return -1;
	}
	if (!((major == PCAP_VERSION_MAJOR && minor <= PCAP_VERSION_MINOR) ||
	      (major == 543 && minor == 0))) {
		pcap_errf(errbuf, "unsupported pcap savefile version %u.%u",
			  major, minor);
		return -1;
	}
	return 0;
}

static enum length_order length_order(unsigned major, unsigned minor)
{
	if (major == 543)
		return LENGTHS_SWAPPED;
	if (major == 2 && minor < 3)
		return LENGTHS_SWAPPED;
	/* 2.3 files exist both ways: trust the order unless caplen > len. */
	if (major == 2 && minor == 3)
		return LENGTHS_MAYBE_SWAPPED;
	return LENGTHS_NORMAL;
}

static int record_header_short(pcap_t *p, size_t got);
static int oversized_record(pcap_t *p, struct pcap_pkthdr *h,
			    const u_char **data);
static int record_data_short(pcap_t *p, const struct pcap_pkthdr *h,
			     size_t got);

/* pcap_bufsize() reports the buffer libpcap would have grown by now. */
static inline void note_buffer_growth(pcap_t *p, u_int caplen)
{
	u_int size;

	if (caplen <= (u_int)p->bufsize)
		return;
	size = 1;
	while (size < caplen)
		size <<= 1;	/* caplen <= snapshot < 2^31: no overflow */
	p->bufsize = size > (u_int)p->snapshot ? p->snapshot : (int)size;
}

static inline void decode_record_header(const struct sf_pcap *sf,
					const u_char *r, struct pcap_pkthdr *h)
{
	uint32_t sec = sf_u32(r, sf->swapped);
	uint32_t frac = sf_u32(r + 4, sf->swapped);
	uint32_t caplen = sf_u32(r + 8, sf->swapped);
	uint32_t len = sf_u32(r + 12, sf->swapped);

	/*
	 * libpcap's quirk, kept: fields of byte-swapped files come out
	 * unsigned, those of native files as signed 32-bit values.
	 */
	if (sf->swapped) {
		h->ts.tv_sec = (time_t)sec;
		h->ts.tv_usec = (suseconds_t)frac;
	} else {
		h->ts.tv_sec = (int32_t)sec;
		h->ts.tv_usec = (int32_t)frac;
	}
	if (sf->scale == TS_USEC_TO_NSEC)
		h->ts.tv_usec *= 1000;
	else if (sf->scale == TS_NSEC_TO_USEC)
		h->ts.tv_usec /= 1000;

	if (sf->lengths == LENGTHS_SWAPPED ||
	    (sf->lengths == LENGTHS_MAYBE_SWAPPED && caplen > len)) {
		uint32_t t = caplen;

		caplen = len;
		len = t;
	}
	h->caplen = caplen;
	h->len = len;
}

/* One record: 1 with a packet, 0 at end of file, -1 with p->errbuf set. */
static inline int next_record(pcap_t *p, struct pcap_pkthdr *h,
			      const u_char **data)
{
	struct sf_pcap *sf = p->priv;
	const u_char *r;
	size_t got = sf_take(&sf->in, sf->record_header_size, &r);

	if (__builtin_expect(got != sf->record_header_size, 0))
		return record_header_short(p, got);
	decode_record_header(sf, r, h);

	if (__builtin_expect(h->caplen > (u_int)p->snapshot ||
			     h->caplen > sf->max_caplen, 0)) {
		if (oversized_record(p, h, data) < 0)
			return -1;
	} else {
		note_buffer_growth(p, h->caplen);
		got = sf_take(&sf->in, h->caplen, data);
		if (__builtin_expect(got != h->caplen, 0))
			return record_data_short(p, h, got);
	}
	if (sf->post_process &&
	    sf_post_process(&sf->in, p->linktype, sf->swapped, h, data,
			    p->errbuf) < 0)
		return -1;
	return 1;
}

static int record_header_short(pcap_t *p, size_t got)
{
	struct sf_pcap *sf = p->priv;

	if (sf->in.error != 0) {
		sf_read_error(&sf->in, p->errbuf);
		return -1;
	}
	if (got == 0)
		return 0;
	pcap_errf(p->errbuf,
		  "truncated dump file; tried to read %zu header bytes, only got %zu",
		  sf->record_header_size, got);
	return -1;
}

static int record_data_short(pcap_t *p, const struct pcap_pkthdr *h,
			     size_t got)
{
	struct sf_pcap *sf = p->priv;

	if (sf->in.error != 0)
		sf_read_error(&sf->in, p->errbuf);
	else
		pcap_errf(p->errbuf,
			  "truncated dump file; tried to read %u captured bytes, only got %zu",
			  h->caplen, got);
	return -1;
}

/*
 * caplen beyond the link type's maximum is corruption; beyond only the
 * file's snapshot length (old Solaris bufmod bugs), libpcap keeps the
 * first snapshot bytes and skips the rest.
 */
static int oversized_record(pcap_t *p, struct pcap_pkthdr *h,
			    const u_char **data)
{
	struct sf_pcap *sf = p->priv;
	u_int snap = (u_int)p->snapshot;
	size_t got, skipped;

	if (h->caplen > sf->max_caplen) {
		if (h->caplen > snap)
			pcap_errf(p->errbuf,
				  "invalid packet capture length %u, bigger than snaplen of %d",
				  h->caplen, p->snapshot);
		else
			pcap_errf(p->errbuf,
				  "invalid packet capture length %u, bigger than maximum of %u",
				  h->caplen, sf->max_caplen);
		return -1;
	}
	if (h->caplen > (u_int)p->bufsize)
		p->bufsize = p->snapshot;
	got = sf_take(&sf->in, snap, data);
	if (got != snap) {
		if (sf->in.error != 0)
			sf_read_error(&sf->in, p->errbuf);
		else
			pcap_errf(p->errbuf,
				  "truncated dump file; tried to read %d captured bytes, only got %zu",
				  p->snapshot, got);
		return -1;
	}
	skipped = sf_skip(&sf->in, h->caplen - snap);
	if (skipped != h->caplen - snap) {
		if (sf->in.error != 0)
			sf_read_error(&sf->in, p->errbuf);
		else
			pcap_errf(p->errbuf,
				  "truncated dump file; tried to read %u captured bytes, only got %zu",
				  h->caplen, got + skipped);
		return -1;
	}
	h->caplen = snap;
	return 0;
}

static int pcap_file_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	return sf_read_loop(p, max, cb, user, next_record);
}

static void pcap_file_close(pcap_t *p)
{
	struct sf_pcap *sf = p->priv;

	sf_close_input(p, &sf->in);
}

static const struct source_ops pcap_file_ops =
	SAVEFILE_OPS("savefile (pcap)", pcap_file_read, pcap_file_close);

static int set_precision(struct sf_pcap *sf, const struct magic *m,
			 u_int precision, char *errbuf)
{
	switch (precision) {
	case PCAP_TSTAMP_PRECISION_MICRO:
		sf->scale = m->nanoseconds ? TS_NSEC_TO_USEC : TS_AS_IS;
		return 0;
	case PCAP_TSTAMP_PRECISION_NANO:
		sf->scale = m->nanoseconds ? TS_AS_IS : TS_USEC_TO_NSEC;
		return 0;
	default:
		sf_bad_precision(errbuf, precision);
		return -1;
	}
}

int sf_pcap_open(struct sf_input *in, const u_char magic[4], u_int precision,
		 char *errbuf, pcap_t **pp)
{
	u_char hdr[FILE_HEADER_SIZE];
	const struct magic *m;
	bool swapped;
	size_t got;
	unsigned major, minor;
	uint32_t snaplen, linktype;
	struct sf_pcap *sf;
	pcap_t *p;

	m = find_magic(magic, &swapped);
	if (m == NULL)
		return 0;
	got = sf_read(in, hdr + 4, sizeof hdr - 4);
	if (got != sizeof hdr - 4) {
		if (in->error != 0)
			sf_read_error(in, errbuf);
		else
			pcap_errf(errbuf,
				  "truncated dump file; tried to read %zu file header bytes, only got %zu",
				  sizeof hdr, got);
		return -1;
	}
	major = sf_u16(hdr + 4, swapped);
	minor = sf_u16(hdr + 6, swapped);
	snaplen = sf_u32(hdr + 16, swapped);
	linktype = sf_u32(hdr + 20, swapped);
	if (check_version(major, minor, errbuf) < 0)
		return -1;

	p = pcap_handle_alloc(errbuf, &pcap_file_ops, sizeof *sf);
	if (p == NULL)
		return -1;
	sf = p->priv;
	if (set_precision(sf, m, precision, errbuf) < 0) {
		pcap_handle_free(p);
		return -1;
	}
	p->swapped = swapped;
	p->version_major = (int)major;
	p->version_minor = (int)minor;
	p->linktype = linktype_to_dlt((int)PCAP_LT_TYPE(linktype));
	p->linktype_ext = (int)PCAP_LT_EXT(linktype);
	p->snapshot = (int)sf_adjust_snaplen(p->linktype, snaplen);
	sf->swapped = swapped;
	sf->lengths = length_order(major, minor);
	sf->record_header_size = m->record_header_size;
	sf->max_caplen = max_snaplen_for_dlt(p->linktype);
	sf->post_process = sf_needs_post_process(p->linktype, swapped);
	/*
	 * Kuznetzov's Ethernet captures may be cooked ones with a made-up
	 * 14-byte header in front of up to snaplen bytes.
	 */
	if (m->record_header_size == KUZNETZOV_RECORD_HEADER_SIZE &&
	    p->linktype == DLT_EN10MB)
		p->snapshot = p->snapshot <= INT_MAX - 14 ? p->snapshot + 14
							   : INT_MAX;
	p->bufsize = p->snapshot < 2048 ? p->snapshot : 2048;

	sf->in = *in;
	memset(in, 0, sizeof *in);
	*pp = p;
	return 1;
}
