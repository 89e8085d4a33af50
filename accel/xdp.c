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
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/netdev.h"
#include "accel/tpacket.h"
#include "accel/xsk.h"

/* A batch this big is read at once, without waiting for more. */
#define COALESCE_PACKETS 256

struct xdp_source {
	struct xsk_set *set;
	int wake_fd;		/* breakloop from another thread */
	int epoll_fd;		/* pcap_get_selectable_fd() */
	int promisc_fd;		/* holds the promiscuous membership; or -1 */
	struct pollfd *pfds;	/* the sockets, then wake_fd */
	size_t npfds;
	bool nonblock;
	/* After a wakeup, let up to this much time pass before reading a
	 * short batch (TPACKET_V3's block timeout, as accel: devices have
	 * it); 0 in immediate mode. */
	struct timespec coalesce;
	/* Packets already queued when the filter changed: they passed the
	 * old one, the new one runs on them here. */
	uint64_t refilter;
	struct user_filter new_filter;
	/* One read's delivery. */
	pcap_t *p;
	pcap_handler cb;
	u_char *user;
	int delivered;
};

static void on_packet(void *ctx, const uint8_t *data, uint32_t len,
		      uint64_t ts_ns)
{
	struct xdp_source *x = ctx;
	pcap_t *p = x->p;
	struct pcap_pkthdr h;

	h.len = len;
	h.caplen = len < (uint32_t)p->snapshot ? len : (uint32_t)p->snapshot;
	if (x->refilter > 0) {
		x->refilter--;
		if (!user_filter_accepts(&x->new_filter, data, h.len, h.caplen))
			return;
	}
	h.ts.tv_sec = (time_t)(ts_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(ts_ns % 1000000000u);
	if (p->opt.tstamp_precision != PCAP_TSTAMP_PRECISION_NANO)
		h.ts.tv_usec /= 1000;
	x->delivered += pcap_deliver(p, &h, data, x->cb, x->user);
}

static int xdp_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct xdp_source *x = p->priv;

	for (;;) {
		int n;

		if (pcap_take_break(p))
			return PCAP_ERROR_BREAK;
		x->p = p;
		x->cb = cb;
		x->user = user;
		x->delivered = 0;
		n = xsk_set_read(x->set, max, on_packet, x);
		if (n > 0)
			return x->delivered;
		if (x->nonblock)
			return 0;
		n = poll(x->pfds, x->npfds,
			 p->opt.timeout_ms > 0 ? p->opt.timeout_ms : -1);
		if (n < 0 && errno != EINTR) {
			pcap_errnof(p->errbuf, errno, "poll");
			return PCAP_ERROR;
		}
		if (x->pfds[x->npfds - 1].revents & POLLIN) {
			uint64_t v;

			if (read(x->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
				return PCAP_ERROR;
		}
		if (n == 0 && !xsk_set_ready(x->set))
			return 0;	/* the timeout, as libpcap */
		/* Woken for a few packets: more are likely on their way, and
		 * a wakeup costs more than the packets it brings. */
		if (n > 0 && x->coalesce.tv_nsec > 0 &&
		    xsk_set_queued(x->set) < COALESCE_PACKETS)
			nanosleep(&x->coalesce, NULL);
	}
}

static int xdp_set_filter(pcap_t *p, const struct bpf_program *fp)
{
	struct xdp_source *x = p->priv;
	char err[XSK_ERRBUF_SIZE];

	if (fp == NULL) {
		pcap_errf(p->errbuf, "setfilter: No filter specified");
		return -1;
	}
	if (!bpf_check(fp->bf_insns, (int)fp->bf_len)) {
		pcap_errf(p->errbuf, "BPF program is not valid");
		return -1;
	}
	if (user_filter_set(&x->new_filter, fp) != 0) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return -1;
	}
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

static int xdp_get_nonblock(pcap_t *p)
{
	return ((struct xdp_source *)p->priv)->nonblock;
}

static int xdp_set_nonblock(pcap_t *p, int nonblock)
{
	((struct xdp_source *)p->priv)->nonblock = nonblock != 0;
	return 0;
}

static void xdp_wake(pcap_t *p)
{
	struct xdp_source *x = p->priv;
	uint64_t one = 1;

	if (x->wake_fd >= 0 && write(x->wake_fd, &one, sizeof one) < 0)
		return;		/* already signalled to the limit */
}

static void release(struct xdp_source *x)
{
	xsk_set_close(x->set);
	if (x->wake_fd >= 0)
		close(x->wake_fd);
	if (x->epoll_fd >= 0)
		close(x->epoll_fd);
	if (x->promisc_fd >= 0)
		close(x->promisc_fd);
	user_filter_clear(&x->new_filter);
	free(x->pfds);
}

static void xdp_close(pcap_t *p)
{
	if (p->priv != NULL)
		release(p->priv);
}

static const struct source_ops xdp_ops = {
	.name = "xdp",
	.transient_data = true,
	.read = xdp_read,
	.inject = xdp_inject,
	.set_filter = xdp_set_filter,
	.prepare_filter = xdp_prepare_filter,
	.set_direction = xdp_set_direction,
	.get_nonblock = xdp_get_nonblock,
	.set_nonblock = xdp_set_nonblock,
	.stats = xdp_stats,
	.wake = xdp_wake,
	.close = xdp_close,
};

/* ------------------------------------------------------------------ */
/* Activation.                                                          */

static int poll_fds(pcap_t *p, struct xdp_source *x)
{
	const int *fds;
	size_t n = xsk_set_fds(x->set, &fds);

	x->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	x->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	x->pfds = calloc(n + 1, sizeof *x->pfds);
	if (x->wake_fd < 0 || x->epoll_fd < 0 || x->pfds == NULL) {
		pcap_errnof(p->errbuf, errno, "xdp: poll set");
		return PCAP_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

		x->pfds[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (epoll_ctl(x->epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
			pcap_errnof(p->errbuf, errno, "epoll_ctl");
			return PCAP_ERROR;
		}
	}
	x->pfds[n] = (struct pollfd){ .fd = x->wake_fd, .events = POLLIN };
	x->npfds = n + 1;
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
	x->wake_fd = x->epoll_fd = x->promisc_fd = -1;
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
		status = poll_fds(p, x);
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
	x->nonblock = p->opt.nonblock != 0;
	if (!p->opt.immediate) {
		int64_t ms = accel_conf_int(conf, dev, ACCEL_KEY_BLOCK_TIMEOUT_MS);

		x->coalesce.tv_sec = (time_t)(ms / 1000);
		x->coalesce.tv_nsec = (long)(ms % 1000) * 1000000;
		if (x->coalesce.tv_sec > 0)	/* a second at most */
			x->coalesce = (struct timespec){ 0, 999999999 };
	}
	netdev_take_over(p, x, &xdp_ops);
	p->fd = p->selectable_fd = x->epoll_fd;
	return 0;
}
