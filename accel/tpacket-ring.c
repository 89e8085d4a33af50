/*
 * tpacket-ring.c: the ring shared with the kernel -- its size from the
 * buffer size and snapshot, waiting for it (poll on the socket and on the
 * breakloop eventfd), and walking it: TPACKET_V3 blocks of packets, or
 * TPACKET_V2 frames in immediate mode.  Slots go back to the kernel as
 * soon as their packets have been through the callback.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/tpacket.h"

#define MAX_LINKHEADER_SIZE 256	/* room libpcap leaves for V2 link headers */

/* ------------------------------------------------------------------ */
/* Sizing.                                                              */

/* One ethtool flag query; 0 when the driver does not say. */
static int ethtool_flag(pcap_t *p, int cmd, const char *name, bool eperm_ok)
{
	struct ethtool_value ev = { .cmd = (uint32_t)cmd };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->opt.device);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(p->fd, SIOCETHTOOL, &ifr) == -1) {
		if (errno == EOPNOTSUPP || errno == EINVAL ||
		    (errno == EPERM && eperm_ok))
			return 0;
		pcap_errnof(p->errbuf, errno, "%s: SIOCETHTOOL(%s) ioctl failed",
			    p->opt.device, name);
		return -1;
	}
	return (int)ev.data;
}

/* Whether the device can hand up packets bigger than its MTU; -1 error. */
static int device_offloads(pcap_t *p)
{
	static const struct {
		int cmd;
		const char *name;
		uint32_t mask;
		bool eperm_ok;
	} flags[] = {
		{ ETHTOOL_GTSO, "ETHTOOL_GTSO", ~0u, false },
		{ ETHTOOL_GGSO, "ETHTOOL_GGSO", ~0u, false },
		{ ETHTOOL_GFLAGS, "ETHTOOL_GFLAGS", ETH_FLAG_LRO, false },
		{ ETHTOOL_GGRO, "ETHTOOL_GGRO", ~0u, false },
		{ ETHTOOL_GUFO, "ETHTOOL_GUFO", ~0u, true },
	};

	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		int v = ethtool_flag(p, flags[i].cmd, flags[i].name,
				     flags[i].eperm_ok);

		if (v == -1)
			return -1;
		if ((uint32_t)v & flags[i].mask)
			return 1;
	}
	return 0;
}

static int device_mtu(pcap_t *p)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->opt.device);
	if (ioctl(p->fd, SIOCGIFMTU, &ifr) == -1) {
		pcap_errnof(p->errbuf, errno, "SIOCGIFMTU");
		return -1;
	}
	return ifr.ifr_mtu;
}

/* V2: a frame holds the headers, the link header room and the snapshot. */
static int v2_frame_size(pcap_t *p, unsigned reserve, unsigned *size)
{
	struct tpacket *t = p->priv;
	unsigned data = (unsigned)p->snapshot, maclen, hdrs, netoff;

	if (p->linktype == DLT_EN10MB) {
		int mtu = device_mtu(p), off;
		unsigned most;

		if (mtu == -1)
			return -1;
		off = device_offloads(p);
		if (off == -1)
			return -1;
		most = (unsigned)(off && mtu < 65535 ? 65535 : mtu) + 18;
		if (data > most)
			data = most;
	}
	maclen = t->cooked ? 0 : MAX_LINKHEADER_SIZE;
	hdrs = TPACKET_ALIGN(t->hdrlen) + sizeof(struct sockaddr_ll);
	netoff = TPACKET_ALIGN(hdrs + (maclen < 16 ? 16 : maclen)) + reserve;
	*size = TPACKET_ALIGN(netoff - maclen + data);
	return 0;
}

/* V3 unless immediate mode asks for V2, as libpcap chooses. */
static int choose_version(pcap_t *p)
{
	struct tpacket *t = p->priv;
	int version = p->opt.immediate ? TPACKET_V2 : TPACKET_V3;
	int val = version;
	socklen_t len = sizeof val;
	const char *name = version == TPACKET_V3 ? "TPACKET_V3" : "TPACKET_V2";

	if (getsockopt(p->fd, SOL_PACKET, PACKET_HDRLEN, &val, &len) < 0) {
		pcap_errnof(p->errbuf, errno,
			    "can't get %s header len on packet socket", name);
		return -1;
	}
	t->hdrlen = (unsigned)val;
	val = version;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &val, sizeof val) < 0) {
		pcap_errnof(p->errbuf, errno,
			    "can't activate %s on packet socket", name);
		return -1;
	}
	t->version = version;
	return 0;
}

static unsigned retire_timeout(const struct tpacket *t)
{
	if (t->params.block_timeout_ms >= 0)
		return (unsigned)t->params.block_timeout_ms;
	if (t->timeout > 0)
		return (unsigned)t->timeout;
	return t->timeout == 0 ? UINT_MAX : 0;
}

/*
 * Adapter timestamps: ask the driver to stamp every packet, then the ring
 * to carry those stamps.  Drivers that cannot are left as they are.
 */
static int request_hw_timestamps(pcap_t *p)
{
	struct hwtstamp_config cfg = { .tx_type = HWTSTAMP_TX_ON,
				       .rx_filter = HWTSTAMP_FILTER_ALL };
	struct ifreq ifr;
	int source;

	if (p->opt.tstamp_type != PCAP_TSTAMP_ADAPTER &&
	    p->opt.tstamp_type != PCAP_TSTAMP_ADAPTER_UNSYNCED)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->opt.device);
	ifr.ifr_data = (void *)&cfg;
	if (ioctl(p->fd, SIOCSHWTSTAMP, &ifr) < 0) {
		if (errno == EPERM) {
			pcap_errf(p->errbuf, "Attempt to set hardware timestamp "
				  "failed - CAP_NET_ADMIN may be required");
			return -1;
		}
		if (errno == EOPNOTSUPP || errno == ERANGE)
			return 0;
		pcap_errnof(p->errbuf, errno, "SIOCSHWTSTAMP failed");
		return -1;
	}
	source = p->opt.tstamp_type == PCAP_TSTAMP_ADAPTER ?
		 SOF_TIMESTAMPING_SYS_HARDWARE : SOF_TIMESTAMPING_RAW_HARDWARE;
	if (setsockopt(p->fd, SOL_PACKET, PACKET_TIMESTAMP, &source,
		       sizeof source) != 0) {
		pcap_errnof(p->errbuf, errno, "can't set PACKET_TIMESTAMP");
		return -1;
	}
	return 0;
}

/* PACKET_RX_RING, giving up a little at a time while memory is short. */
static int request_ring(pcap_t *p, struct tpacket_req3 *req,
			unsigned frames_per_block)
{
	for (;;) {
		req->tp_block_nr = req->tp_frame_nr / frames_per_block;
		req->tp_frame_nr = req->tp_block_nr * frames_per_block;
		if (setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, req,
			       sizeof *req) == 0)
			return 0;
		if (errno != ENOMEM || req->tp_block_nr <= 1)
			break;
		req->tp_frame_nr -= req->tp_frame_nr < 20 ? 1 :
				    req->tp_frame_nr / 20;
	}
	pcap_errnof(p->errbuf, errno, "can't create rx ring on packet socket");
	return -1;
}

int tpacket_ring_create(pcap_t *p)
{
	struct tpacket *t = p->priv;
	struct tpacket_req3 req;
	unsigned reserve = VLAN_TAG_LEN + (t->cooked ? SLL2_HDR_LEN - 16 : 0);
	unsigned frames_per_block;

	if (p->opt.buffer_size == 0)
		p->opt.buffer_size = TPACKET_DEFAULT_BUFFER;
	if (choose_version(p) < 0)
		return PCAP_ERROR;
	/* Room in front of each packet for an SLL2 header and a VLAN tag. */
	if (setsockopt(p->fd, SOL_PACKET, PACKET_RESERVE, &reserve,
		       sizeof reserve) < 0) {
		pcap_errnof(p->errbuf, errno, "setsockopt (PACKET_RESERVE)");
		return PCAP_ERROR;
	}
	memset(&req, 0, sizeof req);
	if (t->version == TPACKET_V2) {
		if (v2_frame_size(p, reserve, &req.tp_frame_size) < 0)
			return PCAP_ERROR;
	} else {
		req.tp_frame_size = TPACKET_MAX_SNAPLEN;
		req.tp_retire_blk_tov = retire_timeout(t);
	}
	req.tp_frame_nr = ((unsigned)p->opt.buffer_size + req.tp_frame_size - 1) /
			  req.tp_frame_size;
	req.tp_block_size = (unsigned)getpagesize();
	while (req.tp_block_size < req.tp_frame_size)
		req.tp_block_size <<= 1;
	if (t->version == TPACKET_V2 && t->params.v2_frames > 0)
		req.tp_frame_nr = t->params.v2_frames;
	/* accel: an explicit geometry, one "frame" per block as above. */
	if (t->version == TPACKET_V3 && t->params.block_size > 0) {
		req.tp_block_size = t->params.block_size;
		req.tp_frame_size = t->params.block_size;
		req.tp_frame_nr = t->params.block_count;
	}
	frames_per_block = req.tp_block_size / req.tp_frame_size;
	if (request_hw_timestamps(p) < 0)
		return PCAP_ERROR;
	if (request_ring(p, &req, frames_per_block) < 0)
		return PCAP_ERROR;
	t->map_len = (size_t)req.tp_block_nr * req.tp_block_size;
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      p->fd, 0);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		pcap_errnof(p->errbuf, errno, "can't mmap rx ring");
		tpacket_ring_destroy(p);
		return PCAP_ERROR;
	}
	if (t->version == TPACKET_V3) {
		t->slots = req.tp_block_nr;
		t->slot_size = req.tp_block_size;
	} else {
		t->slots = req.tp_frame_nr;
		t->slot_size = req.tp_frame_size;
	}
	t->block_size = req.tp_block_size;
	t->slots_per_block = t->block_size / t->slot_size;
	t->frame_size = req.tp_frame_size;
	p->bufsize = (int)req.tp_frame_size;
	t->cur = 0;
	tpacket_set_poll_timeout(t);
	return 0;
}

void tpacket_ring_destroy(pcap_t *p)
{
	struct tpacket *t = p->priv;
	struct tpacket_req3 none;

	memset(&none, 0, sizeof none);
	(void)setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &none,
			 sizeof(struct tpacket_req));
	if (t->map != NULL) {
		munmap(t->map, t->map_len);
		t->map = NULL;
	}
	t->next_pkt = NULL;
	t->pkts_left = 0;
}

/*
 * Poll's timeout: with V3 the kernel retires a block after the capture
 * timeout, so poll waits for that; 0 means forever; non-blocking polls
 * without waiting.
 */
void tpacket_set_poll_timeout(struct tpacket *t)
{
	if (t->timeout < 0)
		t->poll_timeout = 0;
	else if (t->timeout == 0 || t->version == TPACKET_V3)
		t->poll_timeout = -1;
	else
		t->poll_timeout = t->timeout;
}

/* ------------------------------------------------------------------ */
/* Slots.                                                               */

static inline uint8_t *slot_at(const struct tpacket *t, unsigned i)
{
	return t->map + (size_t)(i / t->slots_per_block) * t->block_size +
	       (size_t)(i % t->slots_per_block) * t->slot_size;
}

static inline uint32_t *slot_status(const struct tpacket *t, unsigned i)
{
	uint8_t *s = slot_at(t, i);

	if (t->version == TPACKET_V3)
		return &((struct tpacket_block_desc *)s)->hdr.bh1.block_status;
	return &((struct tpacket2_hdr *)s)->tp_status;
}

static inline bool slot_ours(const struct tpacket *t, unsigned i)
{
	return __atomic_load_n(slot_status(t, i), __ATOMIC_ACQUIRE) !=
	       TP_STATUS_KERNEL;
}

static void slot_release(struct tpacket *t)
{
	__atomic_store_n(slot_status(t, t->cur), TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
	/* Slots filled before the kernel filter are through: it has it all. */
	if (t->slots_to_filter > 0 && --t->slots_to_filter == 0)
		t->filter_here = false;
	if (++t->cur == t->slots)
		t->cur = 0;
}

unsigned tpacket_slots_ready(pcap_t *p)
{
	struct tpacket *t = p->priv;
	unsigned n = 0;

	while (n < t->slots && slot_ours(t, (t->cur + n) % t->slots))
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Waiting.                                                             */

static const struct timeval netdown_timeout = { 0, 1000 };

/* After ENETDOWN: is the device back, still down, or gone? */
static int check_device(pcap_t *p)
{
	struct tpacket *t = p->priv;
	struct sockaddr_ll sll;
	socklen_t len = sizeof sll;
	struct ifreq ifr;

	if (t->ifindex != -1) {
		if (getsockname(p->fd, (struct sockaddr *)&sll, &len) == -1) {
			pcap_errnof(p->errbuf, errno, "getsockname failed");
			return PCAP_ERROR;
		}
		if (sll.sll_ifindex == -1) {
			pcap_errf(p->errbuf, "The interface disappeared");
			return PCAP_ERROR;
		}
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->opt.device);
	if (ioctl(p->fd, SIOCGIFFLAGS, &ifr) == -1) {
		if (errno == ENXIO || errno == ENODEV) {
			pcap_errf(p->errbuf, "The interface disappeared");
			return PCAP_ERROR;
		}
		pcap_errnof(p->errbuf, errno, "%s: Can't get flags",
			    p->opt.device);
		return PCAP_ERROR;
	}
	if (ifr.ifr_flags & IFF_UP) {
		t->netdown = false;
		p->required_select_timeout = NULL;
	}
	return 0;
}

/* What poll said about the socket: 1 readable, 0 nothing, < 0 error. */
static int socket_event(pcap_t *p, short revents)
{
	struct tpacket *t = p->priv;
	socklen_t len = sizeof(int);
	int err;

	if (revents == POLLIN)
		return 1;
	if (revents == 0)
		return 0;
	if (revents & POLLNVAL) {
		pcap_errf(p->errbuf, "Invalid polling request on packet socket");
		return PCAP_ERROR;
	}
	if (revents & (POLLHUP | POLLRDHUP)) {
		pcap_errf(p->errbuf, "Hangup on packet socket");
		return PCAP_ERROR;
	}
	if (revents & POLLERR) {
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err == ENETDOWN) {
			t->netdown = true;
			p->required_select_timeout = &netdown_timeout;
		} else if (err == 0) {
			pcap_errf(p->errbuf, "Error condition on packet socket: "
				  "Reported error was 0");
			return PCAP_ERROR;
		} else {
			pcap_errnof(p->errbuf, err,
				    "Error condition on packet socket");
			return PCAP_ERROR;
		}
	}
	return 0;
}

/* Drain the breakloop eventfd; BREAK if a break is pending. */
static int wake_event(pcap_t *p)
{
	struct tpacket *t = p->priv;
	uint64_t v;
	ssize_t n = read(t->wake_fd, &v, sizeof v);

	if (n == -1 && errno != EAGAIN) {
		pcap_errnof(p->errbuf, errno, "Error reading from event FD");
		return PCAP_ERROR;
	}
	if (n > 0 && (size_t)n < sizeof v) {
		pcap_errf(p->errbuf, "Short read from event FD: expected %zu, "
			  "got %zd", sizeof v, n);
		return PCAP_ERROR;
	}
	return pcap_take_break(p) ? PCAP_ERROR_BREAK : 0;
}

/* Until the socket is readable (0), a break, an error or a poll timeout. */
int tpacket_wait(pcap_t *p)
{
	struct tpacket *t = p->priv;
	struct pollfd fds[2] = {
		{ .fd = p->fd, .events = POLLIN },
		{ .fd = t->wake_fd, .events = POLLIN },
	};
	int nfds = t->wake_fd != -1 ? 2 : 1;

	for (;;) {
		int timeout = t->poll_timeout, r;

		if (t->netdown && timeout != 0)
			timeout = 1;
		r = poll(fds, (nfds_t)nfds, timeout);
		if (r < 0) {
			if (errno != EINTR) {
				pcap_errnof(p->errbuf, errno,
					    "can't poll on packet socket");
				return PCAP_ERROR;
			}
			if (pcap_take_break(p))
				return PCAP_ERROR_BREAK;
		} else if (r > 0) {
			r = socket_event(p, fds[0].revents);
			if (r == 1)
				return 0;
			if (r < 0)
				return r;
			if (nfds == 2 && (fds[1].revents & POLLIN)) {
				r = wake_event(p);
				if (r != 0)
					return r;
			}
		}
		if (t->netdown) {
			r = check_device(p);
			if (r < 0)
				return r;
		}
		if (t->poll_timeout == 0)
			return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Reading.                                                             */

static bool nano(const pcap_t *p)
{
	return p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO;
}

/* The fields both header versions have, under their own names. */
#define FILL_FRAME(p, f, raw, h, vlan)                                        \
	do {                                                                  \
		(f)->base = (raw);                                            \
		(f)->len = (h)->tp_len;                                       \
		(f)->snaplen = (h)->tp_snaplen;                               \
		(f)->mac = (h)->tp_mac;                                       \
		(f)->sec = (h)->tp_sec;                                       \
		(f)->nsec = nano(p) ? (h)->tp_nsec : (h)->tp_nsec / 1000;     \
		(f)->vlan_valid = (vlan)->tp_vlan_tci != 0 ||                 \
				  ((h)->tp_status & TP_STATUS_VLAN_VALID);    \
		(f)->vlan_tci = (uint16_t)(vlan)->tp_vlan_tci;                \
		(f)->vlan_tpid = ((vlan)->tp_vlan_tpid ||                     \
				  ((h)->tp_status & TP_STATUS_VLAN_TPID_VALID)) ? \
				 (uint16_t)(vlan)->tp_vlan_tpid : 0x8100;     \
	} while (0)

static void v3_frame(pcap_t *p, uint8_t *pkt, struct tpacket_frame *f)
{
	const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)pkt;

	FILL_FRAME(p, f, pkt, h, &h->hv1);
}

static void v2_frame(pcap_t *p, uint8_t *raw, struct tpacket_frame *f)
{
	const struct tpacket2_hdr *h = (const struct tpacket2_hdr *)raw;

	FILL_FRAME(p, f, raw, h, h);
}

/*
 * The next packet without taking it: false if the kernel has handed over
 * nothing more.  The multi-device source merges rings through this.
 */
bool tpacket_peek(pcap_t *p, struct tpacket_frame *f)
{
	struct tpacket *t = p->priv;

	if (t->version == TPACKET_V2) {
		if (!slot_ours(t, t->cur))
			return false;
		v2_frame(p, slot_at(t, t->cur), f);
		return true;
	}
	while (t->next_pkt == NULL) {
		const struct tpacket_block_desc *b;

		if (!slot_ours(t, t->cur))
			return false;
		b = (const struct tpacket_block_desc *)slot_at(t, t->cur);
		t->pkts_left = b->hdr.bh1.num_pkts;
		if (t->pkts_left == 0) {
			slot_release(t);
			continue;
		}
		t->next_pkt = slot_at(t, t->cur) + b->hdr.bh1.offset_to_first_pkt;
	}
	v3_frame(p, t->next_pkt, f);
	return true;
}

/* Done with the packet tpacket_peek gave; an emptied slot goes back. */
void tpacket_advance(pcap_t *p)
{
	struct tpacket *t = p->priv;

	if (t->version == TPACKET_V3) {
		t->next_pkt += ((struct tpacket3_hdr *)t->next_pkt)->tp_next_offset;
		if (--t->pkts_left > 0)
			return;
		t->next_pkt = NULL;
	}
	slot_release(t);
}

/* Whether a packet is waiting (a held V3 block counts). */
bool tpacket_has_packets(pcap_t *p)
{
	struct tpacket *t = p->priv;

	return t->next_pkt != NULL || slot_ours(t, t->cur);
}

static int read_ring(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct tpacket_frame f;
	int n = 0;

	while (n < max && tpacket_peek(p, &f)) {
		int r = tpacket_deliver_frame(p, &f, cb, user);

		if (r < 0)
			return r;
		n += r;
		tpacket_advance(p);
		if (pcap_take_break(p))
			return PCAP_ERROR_BREAK;
	}
	return n;
}

int tpacket_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct tpacket *t = p->priv;
	int n, r;

	if (max <= 0)
		max = INT_MAX;
	for (;;) {
		if (!tpacket_has_packets(p)) {
			r = tpacket_wait(p);
			if (r != 0)
				return r;
		}
		/* Blocking forever: a wake-up with nothing for us waits again. */
		if (!tpacket_has_packets(p)) {
			if (t->timeout == 0)
				continue;
			return 0;
		}
		n = read_ring(p, max, cb, user);
		if (n != 0 || t->timeout != 0 || t->version != TPACKET_V3)
			return n;
	}
}
