/*
 * pseudo-headers.c: libpcap's fix-ups of packets read from savefiles.
 * Some link types keep pseudo-header fields in the capturing host's byte
 * order; files from the other byte order get them swapped (on a private
 * copy: the input may be a read-only map).  Memory-mapped Linux USB
 * captures from old libpcaps get their on-the-wire length recomputed.
 */
#include "config.h"

#include <pcap/dlt.h>

#include "accel/savefile.h"

static uint32_t host32(const u_char *b)
{
	return sf_u32(b, false);
}

static void swap_at(u_char *b, size_t width)
{
	switch (width) {
	case 2: {
		uint16_t v = sf_u16(b, true);

		memcpy(b, &v, 2);
		break;
	}
	case 4: {
		uint32_t v = sf_u32(b, true);

		memcpy(b, &v, 4);
		break;
	}
	default: {
		uint64_t v = sf_u64(b, true);

		memcpy(b, &v, 8);
		break;
	}
	}
}

struct field {
	uint8_t offset;
	uint8_t width;
};

/*
 * Swap each field in turn while the captured bytes still cover it; false
 * once one does not (the rest are left alone, as libpcap leaves them).
 */
static bool swap_fields(u_char *b, u_int caplen, const struct field *f,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (caplen < (u_int)f[i].offset + f[i].width)
			return false;
		swap_at(b + f[i].offset, f[i].width);
	}
	return true;
}

/* pfloghdr: uid, pid, rule_uid, rule_pid; its byte 0 is its own length. */
static void swap_pflog(const struct pcap_pkthdr *h, u_char *b)
{
	static const u_int ids[] = { 44, 48, 52, 56 };

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		u_int end = ids[i] + 4;

		if (h->caplen < end || h->len < end || b[0] < end)
			return;
		swap_at(b + ids[i], 4);
	}
}

#define SLL_P_CAN 0x000C
#define SLL_P_CANFD 0x000D

/* SocketCAN frames behind a cooked header: the CAN ID is host order. */
static void swap_can_id(const struct pcap_pkthdr *h, u_char *b,
			size_t proto_off, size_t hdr_len)
{
	uint16_t proto;

	if (h->caplen < hdr_len || h->len < hdr_len)
		return;
	proto = (uint16_t)(b[proto_off] << 8 | b[proto_off + 1]);
	if (proto != SLL_P_CAN && proto != SLL_P_CANFD)
		return;
	if (h->caplen < hdr_len + 4 || h->len < hdr_len + 4)
		return;
	swap_at(b + hdr_len, 4);
}

static void swap_sll(const struct pcap_pkthdr *h, u_char *b)
{
	swap_can_id(h, b, 14, 16);
}

static void swap_sll2(const struct pcap_pkthdr *h, u_char *b)
{
	swap_can_id(h, b, 0, 20);
}

/* Linux USB header: id, bus_id, ts_sec, ts_usec, status, urb_len, data_len. */
static const struct field usb_common[] = {
	{ 0, 8 }, { 12, 2 }, { 16, 8 }, { 24, 4 }, { 28, 4 }, { 32, 4 }, { 36, 4 },
};
/* Isochronous transfers: error_count, numdesc (else an 8-byte setup). */
static const struct field usb_iso[] = { { 40, 4 }, { 44, 4 } };
/* The 64-byte header's interval, start_frame, xfer_flags, ndesc. */
static const struct field usb_tail[] = {
	{ 48, 4 }, { 52, 4 }, { 56, 4 }, { 60, 4 },
};

#define USB_MMAPPED_HDR 64
#define USB_ISODESC 16
#define URB_ISOCHRONOUS 0
#define URB_COMPLETE 'C'
#define URB_TRANSFER_IN 0x80

static void swap_usb(const struct pcap_pkthdr *h, u_char *b, bool long_hdr)
{
	bool iso;
	uint64_t off;

	if (!swap_fields(b, h->caplen, usb_common, 7))
		return;
	iso = b[9] == URB_ISOCHRONOUS;
	if (iso && !swap_fields(b, h->caplen, usb_iso, 2))
		return;
	if (!long_hdr || !swap_fields(b, h->caplen, usb_tail, 4))
		return;
	if (!iso)
		return;
	/* Descriptors: status, offset, len (and 4 bytes of padding). */
	off = USB_MMAPPED_HDR;
	for (uint32_t i = 0; i < host32(b + 60); i++, off += USB_ISODESC) {
		for (unsigned k = 0; k < 3; k++) {
			if (h->caplen < off + 4 * k + 4)
				return;
			swap_at(b + off + 4 * k, 4);
		}
	}
}

static void swap_usb_short(const struct pcap_pkthdr *h, u_char *b)
{
	swap_usb(h, b, false);
}

static void swap_usb_mmapped(const struct pcap_pkthdr *h, u_char *b)
{
	swap_usb(h, b, true);
}

/* NFLOG: big-endian header, then TLVs with host-order type and length. */
static void swap_nflog(const struct pcap_pkthdr *h, u_char *b)
{
	u_int caplen = h->caplen, len = h->len;

	if (caplen < 4 || len < 4 || b[1] != 0)	/* version 0 only */
		return;
	caplen -= 4;
	len -= 4;
	b += 4;
	while (caplen >= 4) {
		uint16_t size;

		swap_at(b, 2);
		swap_at(b + 2, 2);
		size = sf_u16(b, false);
		/* 16-bit arithmetic, as libpcap's: 0xFFFD rounds up to 0. */
		if (size % 4 != 0)
			size = (uint16_t)(size + 4 - size % 4);
		if (size < 4 || caplen < size || len < size)
			return;
		caplen -= size;
		len -= size;
		b += size;
	}
}

static const struct {
	int dlt;
	void (*swap)(const struct pcap_pkthdr *, u_char *);
} host_order_headers[] = {
	{ DLT_PFLOG, swap_pflog },
	{ DLT_LINUX_SLL, swap_sll },
	{ DLT_LINUX_SLL2, swap_sll2 },
	{ DLT_USB_LINUX, swap_usb_short },
	{ DLT_USB_LINUX_MMAPPED, swap_usb_mmapped },
	{ DLT_NFLOG, swap_nflog },
};

static void (*swapper_for(int dlt))(const struct pcap_pkthdr *, u_char *)
{
	for (size_t i = 0;
	     i < sizeof host_order_headers / sizeof host_order_headers[0]; i++)
		if (host_order_headers[i].dlt == dlt)
			return host_order_headers[i].swap;
	return NULL;
}

/*
 * Old libpcaps computed the length of incoming isochronous completions
 * from the URB length; the descriptors tell the real extent.
 */
static void fix_usb_mmapped_length(struct pcap_pkthdr *h, const u_char *b)
{
	uint32_t ndesc, pre_data = 0;
	u_int left, pre_len;
	uint64_t claimed;

	if (h->caplen < USB_MMAPPED_HDR || b[15] != 0)	/* data_flag: 0 = data */
		return;
	ndesc = host32(b + 60);
	claimed = USB_MMAPPED_HDR + (uint64_t)ndesc * USB_ISODESC +
		  host32(b + 32);
	if (h->len != claimed || b[9] != URB_ISOCHRONOUS ||
	    b[8] != URB_COMPLETE || !(b[10] & URB_TRANSFER_IN))
		return;
	left = h->caplen - USB_MMAPPED_HDR;
	for (uint32_t i = 0; i < ndesc && left >= USB_ISODESC;
	     i++, left -= USB_ISODESC) {
		const u_char *d = b + USB_MMAPPED_HDR + (size_t)i * USB_ISODESC;
		uint32_t dlen = host32(d + 8);

		if (dlen != 0 && host32(d + 4) + dlen > pre_data)
			pre_data = host32(d + 4) + dlen;
	}
	pre_len = (u_int)(USB_MMAPPED_HDR + (uint64_t)ndesc * USB_ISODESC +
			  pre_data);
	if (pre_len >= h->caplen)
		h->len = pre_len;
	if (h->caplen > h->len)
		h->len = h->caplen;
}

bool sf_needs_post_process(int dlt, bool swapped)
{
	return (swapped && swapper_for(dlt) != NULL) ||
	       dlt == DLT_USB_LINUX_MMAPPED;
}

int sf_post_process(struct sf_input *in, int dlt, bool swapped,
		    struct pcap_pkthdr *h, const u_char **data, char *errbuf)
{
	void (*swap)(const struct pcap_pkthdr *, u_char *) =
		swapped ? swapper_for(dlt) : NULL;

	if (swap != NULL) {
		u_char *copy = sf_private_copy(in, *data, h->caplen);

		if (copy == NULL) {
			pcap_errf(errbuf, "out of memory");
			return -1;
		}
		swap(h, copy);
		*data = copy;
	}
	if (dlt == DLT_USB_LINUX_MMAPPED)
		fix_usb_mmapped_length(h, *data);
	return 0;
}
