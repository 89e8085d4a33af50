/*
 * bpfring.c: the "backend = bpfring" source of accel: devices -- TC
 * programs on the device's ingress and egress run the pcap filter and
 * copy what it accepts into a BPF ring buffer (accel/tc-ring.c); packets
 * go on unchanged, both directions are seen, nothing is copied for the
 * packets the filter rejects.  Link type Ethernet (VLAN tags the kernel
 * holds as metadata put back, as libpcap does) or LINUX_SLL2
 * (pcap_set_datalink; the filter then runs here, on the cooked header).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>		/* before any linux/ header that has if.h */
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/netdev.h"
#include "accel/tc-ring.h"
#include "accel/tpacket.h"
#include "filter-jit/ebpf.h"

#define ARPHRD_ETHER_ 1

struct bpfring_source {
	struct netdev_wait w;	/* first: netdev.c's ops use it */
	struct tc_ring *ring;
	int promisc_fd, send_fd;
	int ifindex;
	uint8_t *bounce;	/* a packet with a header put in or back */
	struct user_filter new_filter;	/* for records queued before it */
	bool refilter;
};

static void put16(uint8_t *p, uint16_t v)	/* network order */
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The packet as the handle's link type has it: in place when it can be,
 * else in the bounce buffer.  Returns the bytes; *caplen, *len set. */
static const uint8_t *frame(const pcap_t *p, struct bpfring_source *b,
			    const struct bpfring_rec *rec, const uint8_t *data,
			    uint32_t *caplen, uint32_t *len)
{
	uint8_t *h = b->bounce;

	*caplen = rec->caplen;
	*len = rec->len;
	if (p->linktype == DLT_LINUX_SLL2) {
		/* As AF_PACKET's cooked sockets: the protocol is the one
		 * inside any VLAN tags still in the frame; the bytes start at
		 * the network header, which the stack put past those tags on
		 * the way out but not on the way in. */
		uint32_t at = 12, rest;
		uint16_t proto = ntohs(rec->protocol);

		while ((proto == 0x8100 || proto == 0x88a8) && at + 6 <= *caplen &&
		       ((data[at] << 8) | data[at + 1]) == proto) {
			at += 4;
			proto = (uint16_t)((data[at] << 8) | data[at + 1]);
		}
		at = rec->pkttype == PACKET_OUTGOING ? at + 2 : 14;
		rest = *caplen > at ? *caplen - at : 0;
		put16(h, proto);
		put16(h + 2, 0);
		h[4] = (uint8_t)(rec->ifindex >> 24);
		h[5] = (uint8_t)(rec->ifindex >> 16);
		h[6] = (uint8_t)(rec->ifindex >> 8);
		h[7] = (uint8_t)rec->ifindex;
		put16(h + 8, ARPHRD_ETHER_);
		h[10] = rec->pkttype;
		h[11] = 6;
		memset(h + 12, 0, 8);
		if (*caplen >= 12)
			memcpy(h + 12, data + 6, 6);	/* the source MAC */
		memcpy(h + SLL2_HDR_LEN, data + at, rest);
		*caplen = SLL2_HDR_LEN + rest;
		*len = SLL2_HDR_LEN + (*len > at ? *len - at : 0);
		return h;
	}
	if (!rec->vlan_present || *caplen < 12)
		return data;
	/* the tag after the two MAC addresses */
	memcpy(h, data, 12);
	memcpy(h + 12, &rec->vlan_tpid, 2);
	put16(h + 14, rec->vlan_tci);
	memcpy(h + 16, data + 12, *caplen - 12);
	*caplen += VLAN_TAG_LEN;
	*len += VLAN_TAG_LEN;
	return h;
}

static void on_record(void *ctx, const struct bpfring_rec *rec,
		      const uint8_t *data, uint64_t ts_ns, bool old)
{
	pcap_t *p = ctx;
	struct bpfring_source *b = p->priv;
	struct pcap_pkthdr h;
	const uint8_t *bytes = frame(p, b, rec, data, &h.caplen, &h.len);

	if (h.caplen > (uint32_t)p->snapshot)
		h.caplen = (uint32_t)p->snapshot;
	if (old && b->refilter &&
	    !user_filter_accepts(&b->new_filter, bytes, h.len, h.caplen))
		return;
	netdev_stamp(p, ts_ns, &h.ts);
	netdev_deliver(p, &h, bytes);
}

static int read_some(pcap_t *p, int max)
{
	return tc_ring_read(((struct bpfring_source *)p->priv)->ring, max,
			    on_record, p);
}

/* Whether records wait: the kernel wakes a reader for the first record
 * only, so a wakeup always means a short batch, worth a nap. */
static uint64_t pending(pcap_t *p)
{
	return tc_ring_ready(((struct bpfring_source *)p->priv)->ring);
}

static int bpfring_set_filter(pcap_t *p, const struct bpf_program *fp)
{
	struct bpfring_source *b = p->priv;
	char err[TC_RING_ERRBUF_SIZE];

	if (netdev_filter_check(p, fp, &b->new_filter) != 0)
		return -1;
	/* SLL2 programs read a header the kernel never sees; programs the
	 * kernel refuses (protochain loops) run here too. */
	if (p->linktype == DLT_LINUX_SLL2 ||
	    tc_ring_filter(b->ring, fp->bf_insns, fp->bf_len, err) != 0) {
		if (tc_ring_filter(b->ring, NULL, 0, err) != 0) {
			pcap_errf(p->errbuf, "%s", err);
			return -1;
		}
		b->refilter = false;
		return 1;
	}
	tc_ring_mark(b->ring);	/* what is queued passed the old program */
	b->refilter = true;
	return 0;
}

static void bpfring_prepare_filter(pcap_t *p, const struct bpf_program *fp)
{
	struct bpfring_source *b = p->priv;
	char err[TC_RING_ERRBUF_SIZE];

	if (p->linktype != DLT_LINUX_SLL2 &&
	    bpf_check(fp->bf_insns, (int)fp->bf_len))
		(void)tc_ring_prepare(b->ring, fp->bf_insns, fp->bf_len, err);
}

static int bpfring_set_direction(pcap_t *p, pcap_direction_t d)
{
	struct bpfring_source *b = p->priv;
	char err[TC_RING_ERRBUF_SIZE];
	unsigned dirs = d == PCAP_D_IN ? BPFRING_DIR_IN
			: d == PCAP_D_OUT ? BPFRING_DIR_OUT
			: BPFRING_DIR_IN | BPFRING_DIR_OUT;

	if (tc_ring_directions(b->ring, dirs, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		return -1;
	}
	p->direction = d;
	return 0;
}

static int bpfring_set_datalink(pcap_t *p, int dlt)
{
	struct bpfring_source *b = p->priv;
	char err[TC_RING_ERRBUF_SIZE];

	if (dlt != DLT_EN10MB && dlt != DLT_LINUX_SLL2) {
		pcap_errf(p->errbuf, "%s is not one of the DLTs supported by "
			  "this device", pcap_datalink_val_to_name(dlt));
		return -1;
	}
	/* A filter set for the other framing reads the wrong offsets. */
	if (dlt != p->linktype && tc_ring_filter(b->ring, NULL, 0, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		return -1;
	}
	p->linktype = dlt;
	return 0;
}

static int bpfring_inject(pcap_t *p, const void *buf, size_t size)
{
	struct bpfring_source *b = p->priv;
	ssize_t n;

	if (b->send_fd < 0) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_ifindex = b->ifindex };

		b->send_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (b->send_fd < 0 ||
		    bind(b->send_fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
			pcap_errnof(p->errbuf, errno, "send");
			if (b->send_fd >= 0)
				close(b->send_fd);
			b->send_fd = -1;
			return PCAP_ERROR;
		}
	}
	n = send(b->send_fd, buf, size, 0);
	if (n < 0) {
		pcap_errnof(p->errbuf, errno, "send");
		return PCAP_ERROR;
	}
	return (int)n;
}

static int bpfring_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct bpfring_source *b = p->priv;
	char err[TC_RING_ERRBUF_SIZE];
	uint64_t accepted, dropped;

	if (tc_ring_stats(b->ring, &accepted, &dropped, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		return PCAP_ERROR;
	}
	ps->ps_recv = (u_int)accepted;
	ps->ps_drop = (u_int)dropped;
	ps->ps_ifdrop = 0;
	return 0;
}

static void release(struct bpfring_source *b)
{
	tc_ring_close(b->ring);
	netdev_wait_close(&b->w);
	if (b->promisc_fd >= 0)
		close(b->promisc_fd);
	if (b->send_fd >= 0)
		close(b->send_fd);
	user_filter_clear(&b->new_filter);
	free(b->bounce);
}

static void bpfring_close(pcap_t *p)
{
	if (p->priv != NULL)
		release(p->priv);
}

static const struct source_ops bpfring_ops = {
	.name = "bpfring",
	.transient_data = true,
	.read = netdev_read,
	.inject = bpfring_inject,
	.set_filter = bpfring_set_filter,
	.prepare_filter = bpfring_prepare_filter,
	.set_direction = bpfring_set_direction,
	.set_datalink = bpfring_set_datalink,
	.get_nonblock = netdev_get_nonblock,
	.set_nonblock = netdev_set_nonblock,
	.stats = bpfring_stats,
	.wake = netdev_wake,
	.close = bpfring_close,
};

static const int bpfring_dlts[] = { DLT_EN10MB, DLT_LINUX_SLL2 };

int bpfring_activate(pcap_t *p, const struct accel_conf *conf, size_t dev)
{
	struct bpfring_source *b = calloc(1, sizeof *b);
	const char *name = accel_conf_device(conf, dev);
	struct tc_ring_params rp;
	char err[TC_RING_ERRBUF_SIZE];
	int status;

	if (b == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	b->w.wake_fd = b->promisc_fd = b->send_fd = -1;
	if (accel_conf_int(conf, dev, ACCEL_KEY_BPFRING_HOOK) !=
	    ACCEL_BPFRING_HOOK_TC) {
		pcap_errf(p->errbuf, "%s: bpfring_hook: only tc is supported "
			  "by this build yet",
			  accel_conf_origin(conf, dev, ACCEL_KEY_BPFRING_HOOK));
		free(b);
		return PCAP_ERROR;
	}
	if (p->snapshot <= 0 || p->snapshot > TPACKET_MAX_SNAPLEN)
		p->snapshot = TPACKET_MAX_SNAPLEN;
	rp = (struct tc_ring_params){
		.ifname = name,
		.ring_bytes = (uint64_t)accel_conf_int(conf, dev,
						       ACCEL_KEY_BPFRING_SIZE),
		.snaplen = (uint32_t)p->snapshot,
		.directions = BPFRING_DIR_IN | BPFRING_DIR_OUT,
		.group = accel_conf_is_set(conf, dev, ACCEL_KEY_GROUP)
			 ? (int)accel_conf_int(conf, dev, ACCEL_KEY_GROUP) : -1,
	};
	b->ifindex = (int)if_nametoindex(name);
	b->bounce = malloc(SLL2_HDR_LEN + VLAN_TAG_LEN + BPFRING_MAX_CAPLEN);
	status = b->bounce == NULL ? PCAP_ERROR
		 : netdev_check_ethernet(p, name, "bpfring");
	if (b->bounce == NULL)
		pcap_errnof(p->errbuf, errno, "malloc");
	if (status == 0 && p->opt.promisc)
		status = netdev_hold_promisc(p, name, &b->promisc_fd);
	if (status == 0 && (tc_ring_open(&rp, &b->ring, err) != 0 ||
			    tc_ring_filter(b->ring, NULL, 0, err) != 0)) {
		pcap_errf(p->errbuf, "%s", err);
		status = errno == EPERM ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
	}
	if (status == 0) {
		int fd = tc_ring_fd(b->ring);

		status = netdev_wait_init(p, &b->w, &fd, 1, conf, dev);
		b->w.read_some = read_some;
		b->w.queued = pending;
		b->w.short_batch = 2;
	}
	if (status != 0) {
		release(b);
		free(b);
		return status;
	}
	p->linktype = DLT_EN10MB;
	p->bpf_vlan_ext = true;		/* tags as the kernel holds them */
	free(p->dlt_list);
	p->dlt_list = malloc(sizeof bpfring_dlts);
	p->dlt_count = 0;
	if (p->dlt_list != NULL) {
		memcpy(p->dlt_list, bpfring_dlts, sizeof bpfring_dlts);
		p->dlt_count = 2;
	}
	free(p->tstamp_type_list);
	p->tstamp_type_list = NULL;	/* host time only */
	p->tstamp_type_count = 0;
	netdev_take_over(p, b, &bpfring_ops);
	p->fd = p->selectable_fd = tc_ring_fd(b->ring);
	return 0;
}
