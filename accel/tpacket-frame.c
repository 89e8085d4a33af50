/*
 * tpacket-frame.c: one packet of the ring as libpcap hands it out -- the
 * cooked (SLL/SLL2) header built from the kernel's sockaddr_ll, the VLAN
 * tag the kernel moved to metadata put back into the frame, the user-space
 * filter when the kernel is not running it, the direction, the snapshot.
 * Everything is done in place, in the room PACKET_RESERVE left in front.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <string.h>

#include "accel/tpacket.h"

/* Where a VLAN tag goes back for the handle's link type (libpcap's). */
void tpacket_set_vlan_offset(pcap_t *p)
{
	struct tpacket *t = p->priv;

	switch (p->linktype) {
	case DLT_EN10MB:
		t->vlan_offset = 12;	/* after the two MAC addresses */
		break;
	case DLT_LINUX_SLL:
		t->vlan_offset = SLL_HDR_LEN - 2;	/* before the protocol */
		break;
	default:
		t->vlan_offset = -1;
		break;
	}
}

static const struct sockaddr_ll *frame_sll(const struct tpacket *t,
					   const struct tpacket_frame *f)
{
	return (const struct sockaddr_ll *)(f->base + TPACKET_ALIGN(t->hdrlen));
}

static void put16(uint8_t *p, uint16_t v)	/* network order */
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The cooked header in front of bp; returns its start. */
static uint8_t *put_cooked_header(const pcap_t *p, uint8_t *bp,
				  const struct sockaddr_ll *sll)
{
	uint8_t *h;

	if (p->linktype == DLT_LINUX_SLL2) {
		h = bp - SLL2_HDR_LEN;
		memcpy(h, &sll->sll_protocol, 2);	/* already network order */
		put16(h + 2, 0);
		put32(h + 4, (uint32_t)sll->sll_ifindex);
		put16(h + 8, sll->sll_hatype);
		h[10] = sll->sll_pkttype;
		h[11] = sll->sll_halen;
		memcpy(h + 12, sll->sll_addr, 8);
	} else {
		h = bp - SLL_HDR_LEN;
		put16(h, sll->sll_pkttype);
		put16(h + 2, sll->sll_hatype);
		put16(h + 4, sll->sll_halen);
		memcpy(h + 6, sll->sll_addr, 8);
		memcpy(h + 14, &sll->sll_protocol, 2);
	}
	return h;
}

/* libpcap's direction rule, and lo's outgoing copies never pass. */
static bool direction_passes(const pcap_t *p, const struct tpacket *t,
			     const struct sockaddr_ll *sll)
{
	if (sll->sll_pkttype == PACKET_OUTGOING) {
		if (sll->sll_ifindex == t->lo_ifindex)
			return false;
		if (sll->sll_hatype == ARPHRD_CAN && p->direction != PCAP_D_OUT)
			return false;
		return p->direction != PCAP_D_IN;
	}
	return p->direction != PCAP_D_OUT;
}

/* SocketCAN ids come in host order; the link type wants network order. */
static void fix_can_header(uint8_t *bp, const struct sockaddr_ll *sll)
{
	uint32_t id;

	memcpy(&id, bp, 4);
	put32(bp, id);
	if (ntohs(sll->sll_protocol) == 0x000d /* CAN FD */) {
		/* libpcap 1.10.3 ends up clearing FDF, BRS and ESI alike. */
		bp[5] &= (uint8_t)~0x07;
		bp[6] = bp[7] = 0;
	} else {
		bp[5] &= (uint8_t)~0x04;
	}
}

int tpacket_deliver_frame(pcap_t *p, const struct tpacket_frame *f,
			  pcap_handler cb, u_char *user)
{
	struct tpacket *t = p->priv;
	const struct sockaddr_ll *sll = frame_sll(t, f);
	struct pcap_pkthdr h;
	unsigned snaplen = f->snaplen, extra = 0;
	uint8_t *bp = f->base + f->mac;

	if (f->mac + f->snaplen > t->frame_size) {
		pcap_errf(p->errbuf, "corrupted frame on kernel ring mac offset "
			  "%u + caplen %u > frame len %u", f->mac, f->snaplen,
			  t->frame_size);
		return -1;
	}
	if (t->cooked) {
		uint8_t *h0 = put_cooked_header(p, bp, sll);

		extra = (unsigned)(bp - h0);
		if (h0 < (const uint8_t *)(sll + 1)) {
			pcap_errf(p->errbuf, "cooked-mode frame doesn't have "
				  "room for sll header");
			return -1;
		}
		bp = h0;
		snaplen += extra;
	} else if (sll->sll_hatype == ARPHRD_CAN) {
		fix_can_header(bp, sll);
	}
	/* The filter sees the frame before its VLAN tag goes back, with the
	 * tag as metadata -- as the kernel would have run it. */
	if (t->filter_here && t->filter.insns != NULL && !t->filter.accept_all) {
		struct bpf_aux_data aux = {
			.vlan_tag = f->vlan_tci & 0x0fff,
			.vlan_tag_present = f->vlan_valid,
		};

		if (user_filter_run_aux(&t->filter, bp, f->len, snaplen,
					&aux) == 0)
			return 0;
	}
	if (!direction_passes(p, t, sll))
		return 0;
	h.ts.tv_sec = f->sec;
	h.ts.tv_usec = f->nsec;
	h.caplen = f->snaplen + extra;
	h.len = f->len + extra;
	if (f->vlan_valid && t->vlan_offset != -1 &&
	    f->snaplen >= (unsigned)t->vlan_offset) {
		bp -= VLAN_TAG_LEN;
		memmove(bp, bp + VLAN_TAG_LEN, (size_t)t->vlan_offset);
		put16(bp + t->vlan_offset, f->vlan_tpid);
		put16(bp + t->vlan_offset + 2, f->vlan_tci);
		h.caplen += VLAN_TAG_LEN;
		h.len += VLAN_TAG_LEN;
	}
	if (h.caplen > (bpf_u_int32)p->snapshot)
		h.caplen = (bpf_u_int32)p->snapshot;
	cb(user, &h, bp);
	return 1;
}
