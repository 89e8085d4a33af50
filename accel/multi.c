/*
 * multi.c: accel:DEV1:DEV2... -- one handle over several tpacket handles,
 * packets merged in time stamp order.  A packet is handed out when every
 * device has one waiting (the oldest goes first), or when it is older than
 * the reorder window: a device's later packet cannot be older than that.
 * The link type is the devices' common one, else LINUX_SLL2 (which says
 * which interface each packet came from).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/netdev.h"
#include "accel/tpacket.h"

struct multi {
	size_t n;
	pcap_t **dev;		/* activated tpacket handles */
	struct pollfd *fds;	/* one per device, then the wake eventfd */
	int epoll_fd;		/* what pcap_get_selectable_fd hands out */
	uint64_t window;	/* in time stamp units (µs or ns) */
	int timeout;		/* ms; 0: forever */
	bool nonblock;
};

static uint64_t frame_time(const pcap_t *p, const struct tpacket_frame *f)
{
	uint64_t unit = p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO ?
			1000000000u : 1000000u;

	return (uint64_t)f->sec * unit + f->nsec;
}

static uint64_t now_time(const pcap_t *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO)
		return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * The device whose waiting packet goes next, or -1.  *wait_ns: how long
 * until the oldest waiting packet leaves the window (when none may go).
 */
static int pick(pcap_t *p, struct tpacket_frame *out, int64_t *wait_ns)
{
	struct multi *m = p->priv;
	int best = -1;
	uint64_t best_t = 0, now, unit_ns;
	bool all = true;

	for (size_t i = 0; i < m->n; i++) {
		struct tpacket_frame f;
		uint64_t t;

		if (!tpacket_peek(m->dev[i], &f)) {
			all = false;
			continue;
		}
		t = frame_time(p, &f);
		if (best < 0 || t < best_t) {
			best = (int)i;
			best_t = t;
			*out = f;
		}
	}
	*wait_ns = -1;
	if (best < 0 || all || m->window == 0)
		return best;
	now = now_time(p);
	if (best_t + m->window <= now)
		return best;
	unit_ns = p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
	*wait_ns = (int64_t)((best_t + m->window - now) * unit_ns);
	return -1;
}

/* Wait for any device, a break, or wait_ns (-1: the handle's timeout). */
static int wait_any(pcap_t *p, int64_t wait_ns)
{
	struct multi *m = p->priv;
	struct timespec ts, *tsp = NULL;
	int r;

	if (wait_ns >= 0) {
		ts.tv_sec = wait_ns / 1000000000;
		ts.tv_nsec = wait_ns % 1000000000;
		tsp = &ts;
	} else if (m->nonblock) {
		ts.tv_sec = ts.tv_nsec = 0;
		tsp = &ts;
	} else if (m->timeout > 0) {
		ts.tv_sec = m->timeout / 1000;
		ts.tv_nsec = (long)(m->timeout % 1000) * 1000000;
		tsp = &ts;
	}
	r = ppoll(m->fds, (nfds_t)m->n + 1, tsp, NULL);
	if (r < 0) {
		if (errno != EINTR) {
			pcap_errnof(p->errbuf, errno, "can't poll on packet socket");
			return PCAP_ERROR;
		}
		return pcap_take_break(p) ? PCAP_ERROR_BREAK : 0;
	}
	if (m->fds[m->n].revents & POLLIN) {
		uint64_t v;

		(void)!read(m->fds[m->n].fd, &v, sizeof v);
		if (pcap_take_break(p))
			return PCAP_ERROR_BREAK;
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			/* Let the device's own wait say what went wrong. */
			r = tpacket_wait(m->dev[i]);
			if (r < 0) {
				pcap_errf(p->errbuf, "%s", m->dev[i]->errbuf);
				return r;
			}
		}
	return r == 0 && wait_ns < 0 ? 1 : 0;	/* 1: the timeout passed */
}

static int multi_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct multi *m = p->priv;
	int n = 0;

	if (max <= 0)
		max = INT_MAX;
	while (n < max) {
		struct tpacket_frame f;
		int64_t wait_ns;
		int i = pick(p, &f, &wait_ns), r;

		if (i >= 0) {
			r = tpacket_deliver_frame(m->dev[i], &f, cb, user);
			if (r < 0) {
				pcap_errf(p->errbuf, "%s", m->dev[i]->errbuf);
				return r;
			}
			n += r;
			tpacket_advance(m->dev[i]);
			if (pcap_take_break(p))
				return PCAP_ERROR_BREAK;
			continue;
		}
		/* Nothing may go yet: return what went, or wait. */
		if (n > 0 || (m->nonblock && wait_ns < 0))
			return n;
		r = wait_any(p, wait_ns);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;	/* the timeout passed with nothing */
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Operations: each applies to every device.                            */

static int multi_inject(pcap_t *p, const void *buf, size_t size)
{
	struct multi *m = p->priv;
	int r = m->dev[0]->ops->inject(m->dev[0], buf, size);

	if (r < 0)
		pcap_errf(p->errbuf, "%s", m->dev[0]->errbuf);
	return r;
}

static int multi_set_filter(pcap_t *p, const struct bpf_program *prog)
{
	struct multi *m = p->priv;

	for (size_t i = 0; i < m->n; i++)
		if (tpacket_set_filter(m->dev[i], prog) < 0) {
			pcap_errf(p->errbuf, "%s", m->dev[i]->errbuf);
			return -1;
		}
	return 0;
}

static int multi_set_direction(pcap_t *p, pcap_direction_t d)
{
	struct multi *m = p->priv;

	for (size_t i = 0; i < m->n; i++)
		m->dev[i]->direction = d;
	p->direction = d;
	return 0;
}

static int multi_set_datalink(pcap_t *p, int dlt)
{
	struct multi *m = p->priv;

	for (size_t i = 0; i < m->n; i++)
		m->dev[i]->ops->set_datalink(m->dev[i], dlt);
	return 0;
}

static int multi_get_nonblock(pcap_t *p)
{
	struct multi *m = p->priv;

	return m->nonblock;
}

static int multi_set_nonblock(pcap_t *p, int nonblock)
{
	struct multi *m = p->priv;

	m->nonblock = nonblock != 0;
	return 0;
}

/* The devices' sums; each is already cumulative. */
static int multi_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct multi *m = p->priv;

	memset(ps, 0, sizeof *ps);
	for (size_t i = 0; i < m->n; i++) {
		struct pcap_stat one;

		if (m->dev[i]->ops->stats(m->dev[i], &one) < 0) {
			pcap_errf(p->errbuf, "%s", m->dev[i]->errbuf);
			return -1;
		}
		ps->ps_recv += one.ps_recv;
		ps->ps_drop += one.ps_drop;
		ps->ps_ifdrop += one.ps_ifdrop;
	}
	return 0;
}

static void multi_wake(pcap_t *p)
{
	struct multi *m = p->priv;
	uint64_t one = 1;

	(void)!write(m->fds[m->n].fd, &one, sizeof one);
}

static void close_devices(struct multi *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->dev[i] != NULL) {
			pcap_close(m->dev[i]);
			m->dev[i] = NULL;
		}
}

/* Everything m holds, not m itself. */
static void release(struct multi *m)
{
	if (m->dev != NULL)
		close_devices(m);
	if (m->fds != NULL && m->fds[m->n].fd >= 0)
		close(m->fds[m->n].fd);
	if (m->epoll_fd >= 0)
		close(m->epoll_fd);
	free(m->fds);
	free(m->dev);
}

static void multi_close(pcap_t *p)
{
	if (p->priv != NULL)
		release(p->priv);
	p->fd = p->selectable_fd = -1;
}

static const struct source_ops multi_ops = {
	.name = "multi",
	.transient_data = true,
	.read = multi_read,
	.inject = multi_inject,
	.set_filter = multi_set_filter,
	.set_direction = multi_set_direction,
	.set_datalink = multi_set_datalink,
	.get_nonblock = multi_get_nonblock,
	.set_nonblock = multi_set_nonblock,
	.stats = multi_stats,
	.wake = multi_wake,
	.close = multi_close,
};

/* ------------------------------------------------------------------ */
/* Activation.                                                          */

/* Open every device with the handle's settings; cooked: SLL2 for all. */
static int open_devices(pcap_t *p, struct multi *m,
			const struct accel_conf *conf, bool cooked)
{
	for (size_t i = 0; i < m->n; i++) {
		pcap_t *d = tpacket_create(accel_conf_device(conf, i), p->errbuf);
		int r;

		if (d == NULL)
			return PCAP_ERROR;
		m->dev[i] = d;
		d->opt = p->opt;
		d->opt.device = strdup(accel_conf_device(conf, i));
		if (d->opt.device == NULL) {
			pcap_errnof(p->errbuf, errno, "malloc");
			return PCAP_ERROR;
		}
		d->snapshot = p->snapshot;
		if (accel_apply_device(d, conf, i) < 0) {
			pcap_errf(p->errbuf, "%s", d->errbuf);
			return PCAP_ERROR;
		}
		((struct tpacket *)d->priv)->params.cooked = cooked;
		r = tpacket_activate(d);
		if (r < 0) {
			if (d->errbuf[0] != '\0')
				pcap_errf(p->errbuf, "%s: %s", d->opt.device,
					  d->errbuf);
			else
				pcap_errf(p->errbuf, "%s: %s", d->opt.device,
					  pcap_statustostr(r));
			return r;
		}
		d->activated = true;
		if (cooked)
			tpacket_ops.set_datalink(d, DLT_LINUX_SLL2);
	}
	return 0;
}

static bool same_link_type(const struct multi *m)
{
	for (size_t i = 1; i < m->n; i++)
		if (m->dev[i]->linktype != m->dev[0]->linktype)
			return false;
	return true;
}

static int set_poll_fds(pcap_t *p, struct multi *m)
{
	int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	m->fds[m->n].fd = wake;
	m->fds[m->n].events = POLLIN;
	m->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (wake < 0 || m->epoll_fd < 0) {
		pcap_errnof(p->errbuf, errno, "eventfd/epoll");
		return PCAP_ERROR;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct epoll_event ev = { .events = EPOLLIN };

		m->fds[i].fd = m->dev[i]->fd;
		m->fds[i].events = POLLIN;
		if (epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, m->dev[i]->fd, &ev) < 0) {
			pcap_errnof(p->errbuf, errno, "epoll_ctl");
			return PCAP_ERROR;
		}
	}
	return 0;
}

/*
 * How long a packet waits for older ones from the other devices.  A
 * TPACKET_V3 block becomes visible only when full or when its retire
 * timer fires -- on a timer tick, so up to two ticks after the block
 * timeout -- and a quiet device's older packet may be in such a block:
 * the configured window counts from then.  The coarse clock's resolution
 * is the kernel's tick.
 */
static uint64_t window_ns(const struct multi *m, const struct accel_conf *conf)
{
	struct timespec res;
	uint64_t tick = 4000000, slowest = 0;

	if (clock_getres(CLOCK_REALTIME_COARSE, &res) == 0)
		tick = (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
	for (size_t i = 0; i < m->n; i++) {
		const struct tpacket *t = m->dev[i]->priv;
		uint64_t tov = (uint64_t)t->params.block_timeout_ms * 1000000u;

		if (t->version == TPACKET_V3 && tov < tick)
			tov = tick;
		if (t->version == TPACKET_V3 && 2 * tov > slowest)
			slowest = 2 * tov;
	}
	return (uint64_t)accel_conf_int(conf, 0, ACCEL_KEY_REORDER_WINDOW_US) *
	       1000u + slowest;
}

int multi_activate(pcap_t *p, const struct accel_conf *conf)
{
	struct multi *m = calloc(1, sizeof *m);
	int status;

	if (m == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	m->n = accel_conf_device_count(conf);
	m->dev = calloc(m->n, sizeof *m->dev);
	m->fds = calloc(m->n + 1, sizeof *m->fds);
	m->epoll_fd = -1;
	if (m->dev == NULL || m->fds == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		status = PCAP_ERROR;
		goto fail;
	}
	m->fds[m->n].fd = -1;
	if (p->snapshot <= 0 || p->snapshot > TPACKET_MAX_SNAPLEN)
		p->snapshot = TPACKET_MAX_SNAPLEN;
	status = open_devices(p, m, conf, false);
	if (status == 0 && !same_link_type(m)) {
		close_devices(m);
		status = open_devices(p, m, conf, true);
	}
	if (status < 0)
		goto fail;
	status = set_poll_fds(p, m);
	if (status < 0)
		goto fail;
	m->window = window_ns(m, conf) /
		    (p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000);
	m->timeout = p->opt.timeout_ms > 0 ? p->opt.timeout_ms : 0;
	/* The handle takes the first device's face, and the merge's ops. */
	p->linktype = m->dev[0]->linktype;
	p->snapshot = m->dev[0]->snapshot;
	p->bufsize = m->dev[0]->bufsize;
	p->bpf_vlan_ext = true;
	free(p->dlt_list);
	p->dlt_list = NULL;
	p->dlt_count = 0;
	p->fd = p->selectable_fd = m->epoll_fd;
	netdev_take_over(p, m, &multi_ops);
	return 0;
fail:
	release(m);
	free(m);
	return status;
}
