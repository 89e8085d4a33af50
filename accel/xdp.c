/*
 * xdp.c: the "backend = xdp" source of accel: devices -- AF_XDP sockets on
 * the device's receive queues (accel/xsk.c), the pcap filter running in
 * the XDP program in front of them.  Packets the filter accepts go to the
 * sockets and no longer reach the host's stack; the rest pass on
 * untouched.  Ingress only.  Time stamps are taken by the XDP program on
 * arrival (or when read, where the driver keeps no metadata); the link
 * type is Ethernet, VLAN tags stay in the frame.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/netdev.h"
#include "accel/tpacket.h"
#include "accel/xsk.h"

/* A batch this big is read at once, without waiting for more. */
#define COALESCE_PACKETS 256

struct xdp_source {
	struct netdev_wait w;	/* first: netdev.c's ops use it */
	struct xsk_set *set;
	int epoll_fd;		/* pcap_get_selectable_fd() */
	int promisc_fd;		/* holds the promiscuous membership; or -1 */
	/* Packets already queued when the filter changed: they passed the
	 * old one, the new one runs on them here. */
	uint64_t refilter;
	struct user_filter new_filter;
};

static void on_packet(void *ctx, const uint8_t *data, uint32_t len,
		      uint64_t ts_ns)
{
	pcap_t *p = ctx;
	struct xdp_source *x = p->priv;
	struct pcap_pkthdr h;

	h.len = len;
	h.caplen = len < (uint32_t)p->snapshot ? len : (uint32_t)p->snapshot;
	if (x->refilter > 0) {
		x->refilter--;
		if (!user_filter_accepts(&x->new_filter, data, h.len, h.caplen))
			return;
	}
	netdev_stamp(p, ts_ns, &h.ts);
	netdev_deliver(p, &h, data);
}

static int read_some(pcap_t *p, int max)
{
	return xsk_set_read(((struct xdp_source *)p->priv)->set, max,
			    on_packet, p);
}

static uint64_t queued(pcap_t *p)
{
	return xsk_set_queued(((struct xdp_source *)p->priv)->set);
}

static int xdp_set_filter(pcap_t *p, const struct bpf_program *fp)
{
	struct xdp_source *x = p->priv;
	char err[XSK_ERRBUF_SIZE];

	if (netdev_filter_check(p, fp, &x->new_filter) != 0)
		return -1;
	if (xsk_set_filter(x->set, fp->bf_insns, fp->bf_len, err) != 0) {
		/* The kernel cannot run this one (a protochain loop, say):
		 * every packet comes up and the filter runs here. */
		if (xsk_set_filter(x->set, NULL, 0, err) != 0) {
			pcap_errf(p->errbuf, "%s", err);
			return -1;
		}
		x->refilter = 0;
		return 1;
	}
	/* What is queued now passed the old program. */
	x->refilter = xsk_set_queued(x->set);
	return 0;
}

static void xdp_prepare_filter(pcap_t *p, const struct bpf_program *fp)
{
	struct xdp_source *x = p->priv;
	char err[XSK_ERRBUF_SIZE];

	if (bpf_check(fp->bf_insns, (int)fp->bf_len))
		(void)xsk_set_prepare(x->set, fp->bf_insns, fp->bf_len, err);
}

static int xdp_set_direction(pcap_t *p, pcap_direction_t d)
{
	if (d == PCAP_D_OUT) {
		pcap_errf(p->errbuf, "Setting direction to PCAP_D_OUT is not "
			  "supported by the xdp backend (it sees received "
			  "packets only)");
		return -1;
	}
	p->direction = d;
	return 0;
}

static int xdp_inject(pcap_t *p, const void *buf, size_t size)
{
	struct xdp_source *x = p->priv;
	char err[XSK_ERRBUF_SIZE];
	ssize_t n = xsk_set_send(x->set, buf, size, err);

	if (n < 0) {
		pcap_errf(p->errbuf, "%s", err);
		return PCAP_ERROR;
	}
	return (int)n;
}

static int xdp_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct xdp_source *x = p->priv;
	char err[XSK_ERRBUF_SIZE];
	uint64_t matched, dropped;

	if (xsk_set_stats(x->set, &matched, &dropped, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		return PCAP_ERROR;
	}
	ps->ps_recv = (u_int)matched;
	ps->ps_drop = (u_int)dropped;
	ps->ps_ifdrop = 0;
	return 0;
}

static void release(struct xdp_source *x)
{
	xsk_set_close(x->set);
	netdev_wait_close(&x->w);
	if (x->epoll_fd >= 0)
		close(x->epoll_fd);
	if (x->promisc_fd >= 0)
		close(x->promisc_fd);
	user_filter_clear(&x->new_filter);
}

static void xdp_close(pcap_t *p)
{
	if (p->priv != NULL)
		release(p->priv);
}

static const struct source_ops xdp_ops = {
	.name = "xdp",
	.transient_data = true,
	.read = netdev_read,
	.inject = xdp_inject,
	.set_filter = xdp_set_filter,
	.prepare_filter = xdp_prepare_filter,
	.set_direction = xdp_set_direction,
	.get_nonblock = netdev_get_nonblock,
	.set_nonblock = netdev_set_nonblock,
	.stats = xdp_stats,
	.wake = netdev_wake,
	.close = xdp_close,
};

/* ------------------------------------------------------------------ */
/* Activation.                                                          */

/* The sockets, for our waiting and in an epoll set for the application. */
static int poll_fds(pcap_t *p, struct xdp_source *x,
		    const struct accel_conf *conf, size_t dev)
{
	const int *fds;
	size_t n = xsk_set_fds(x->set, &fds);

	if (netdev_wait_init(p, &x->w, fds, n, conf, dev) != 0)
		return PCAP_ERROR;
	x->w.read_some = read_some;
	x->w.queued = queued;
	x->w.short_batch = COALESCE_PACKETS;
	x->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (x->epoll_fd < 0) {
		pcap_errnof(p->errbuf, errno, "epoll_create1");
		return PCAP_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

		if (epoll_ctl(x->epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
			pcap_errnof(p->errbuf, errno, "epoll_ctl");
			return PCAP_ERROR;
		}
	}
	return 0;
}

static void read_params(const struct accel_conf *conf, size_t dev,
			struct xsk_params *xp)
{
	size_t count;
	const uint32_t *queues = accel_conf_list(conf, dev,
						 ACCEL_KEY_XDP_QUEUES, &count);
	int64_t mode = accel_conf_int(conf, dev, ACCEL_KEY_XDP_MODE);

	xp->ifname = accel_conf_device(conf, dev);
	xp->queues = queues;
	xp->queue_count = queues != NULL ? count : 0;
	xp->ring_slots = (unsigned)accel_conf_int(conf, dev, ACCEL_KEY_RX_SLOTS);
	xp->frame_size = (unsigned)accel_conf_int(conf, dev,
						  ACCEL_KEY_XDP_FRAME_SIZE);
	xp->attach = mode == ACCEL_XDP_MODE_NATIVE ? XSK_ATTACH_NATIVE
		     : mode == ACCEL_XDP_MODE_AUTO ? XSK_ATTACH_AUTO
		     : XSK_ATTACH_GENERIC;
	xp->zero_copy = (int)accel_conf_int(conf, dev, ACCEL_KEY_XDP_ZERO_COPY);
	xp->busy_poll_us = (int)accel_conf_int(conf, dev,
					       ACCEL_KEY_BUSY_POLL_US);
}

int xdp_activate(pcap_t *p, const struct accel_conf *conf, size_t dev)
{
	struct xdp_source *x = calloc(1, sizeof *x);
	const char *name = accel_conf_device(conf, dev);
	struct xsk_params xp;
	char err[XSK_ERRBUF_SIZE];
	int status;

	if (x == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	x->w.wake_fd = x->epoll_fd = x->promisc_fd = -1;
	read_params(conf, dev, &xp);
	status = netdev_check_ethernet(p, name, "xdp");
	if (status == 0 && p->opt.promisc)
		status = netdev_hold_promisc(p, name, &x->promisc_fd);
	if (status == 0 && xsk_set_open(&xp, &x->set, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		status = errno == EPERM ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
	}
	if (status == 0 && xsk_set_filter(x->set, NULL, 0, err) != 0) {
		pcap_errf(p->errbuf, "%s", err);
		status = PCAP_ERROR;
	}
	if (status == 0)
		status = poll_fds(p, x, conf, dev);
	if (status != 0) {
		release(x);
		free(x);
		return status;
	}
	if (p->snapshot <= 0 || p->snapshot > TPACKET_MAX_SNAPLEN)
		p->snapshot = TPACKET_MAX_SNAPLEN;
	p->linktype = DLT_EN10MB;
	p->bpf_vlan_ext = false;	/* tags are in the frame */
	free(p->dlt_list);
	p->dlt_list = NULL;
	p->dlt_count = 0;
	free(p->tstamp_type_list);
	p->tstamp_type_list = NULL;	/* host time only */
	p->tstamp_type_count = 0;
	netdev_take_over(p, x, &xdp_ops);
	p->fd = p->selectable_fd = x->epoll_fd;
	return 0;
}
