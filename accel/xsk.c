/*
 * xsk.c: AF_XDP sockets on a device's receive queues (see xsk.h).  One
 * socket per queue, each with its own UMEM: ring_slots frames that live in
 * the fill ring until the kernel puts a packet in one, then come back to
 * it once the packet was handed on; the first socket also has a TX ring
 * and a few frames of its own for pcap_inject.  The program goes on the
 * device through a BPF link, so it goes away with the process, killed or
 * not; the maps and sockets are the process's too.
 */
#include "config.h"

#include "accel/xsk.h"

#include <stdarg.h>
#include <stdio.h>

#if defined(HAVE_LIBBPF) && defined(HAVE_LIBXDP)

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "filter-jit/ebpf.h"
#include "pcap-compat/errbuf.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

#define TX_FRAMES 64		/* the first socket's frames for sending */
#define READ_BATCH 64
#define PREFETCH_AHEAD 8	/* packets */

struct xsk_queue {
	uint32_t id;
	void *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	/* The batch taken from the rx ring: entries peek_idx.. peek_n long,
	 * pos of them handed on; released together. */
	uint32_t peek_idx, peek_n, pos;
	uint64_t *refill;	/* frames to give back to the fill ring */
	uint32_t n_refill;
	uint64_t tx_free[TX_FRAMES];
	uint32_t n_tx_free;
	bool has_tx;
};

/* Programs loaded ahead of xsk_set_filter (xsk_set_prepare). */
#define PREPARED 4
struct prepared {
	void *insns;		/* the classic program, 8 bytes each */
	u_int len;
	int fd;
};

struct xsk_set {
	/* libxdp copies IF_NAMESIZE bytes of the name, whatever its length */
	char ifname[IF_NAMESIZE];
	struct prepared prepared[PREPARED];	/* fd -1: empty */
	unsigned next_prepared;
	int ifindex;
	struct xsk_queue *q;
	size_t n;
	int *fds;
	unsigned frame_size, ring_slots;
	enum xsk_attach attach;
	int xsk_map_fd, count_map_fd, prog_fd, link_fd;
	bool zero_copy;
	char mode[64];
};

/* The device's receive queues: /sys/class/net/DEV/queues/rx-N. */
static int count_rx_queues(const char *ifname, uint32_t *count,
			   char *errbuf)
{
	char path[64 + IF_NAMESIZE];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof path, "/sys/class/net/%s/queues", ifname);
	if ((d = opendir(path)) == NULL) {
		pcap_errf(errbuf, "%s: %s", path, strerror(errno));
		return -1;
	}
	*count = 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "rx-", 3) == 0)
			(*count)++;
	closedir(d);
	if (*count == 0)
		*count = 1;
	return 0;
}

/* The queue's socket.  A socket just closed on the queue (a capture
 * that ended a moment ago) lets go of it a little later: EBUSY is tried
 * again for up to a second. */
static int create_socket(struct xsk_queue *q, const char *ifname,
			 bool with_tx, const struct xsk_socket_config *cfg)
{
	int err;

	for (int tries = 0;; tries++) {
		err = xsk_socket__create(&q->xsk, ifname, q->id, q->umem, &q->rx,
					 with_tx ? &q->tx : NULL, cfg);
		if (err != -EBUSY || tries == 100)
			return err;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

static int open_queue(struct xsk_set *set, struct xsk_queue *q,
		      const struct xsk_params *params, bool with_tx,
		      char *errbuf)
{
	const unsigned frames = set->ring_slots + (with_tx ? TX_FRAMES : 0);
	struct xsk_umem_config ucfg = {
		.fill_size = set->ring_slots,
		.comp_size = TX_FRAMES,
		.frame_size = set->frame_size,
	};
	struct xsk_socket_config scfg = {
		.rx_size = set->ring_slots,
		.tx_size = with_tx ? TX_FRAMES : 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	};
	uint32_t idx;
	int err;

	q->area_len = (size_t)frames * set->frame_size;
	q->area = mmap(NULL, q->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		pcap_errf(errbuf, "AF_XDP frames for queue %u: %s", q->id,
			  strerror(errno));
		return -1;
	}
	/* Each packet has a frame of its own, so a page serves two: huge
	 * pages spare the reader a TLB miss every other packet. */
	(void)madvise(q->area, q->area_len, MADV_HUGEPAGE);
	q->refill = calloc(set->ring_slots, sizeof *q->refill);
	if (q->refill == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	err = xsk_umem__create(&q->umem, q->area, q->area_len, &q->fill,
			       &q->comp, &ucfg);
	if (err != 0) {
		q->umem = NULL;
		pcap_errf(errbuf, "AF_XDP UMEM for queue %u: %s", q->id,
			  strerror(-err));
		return -1;
	}
	/* zero-copy if asked (or if it can, for auto), else copy */
	for (int zc = params->zero_copy != 0; zc >= 0; zc--) {
		scfg.bind_flags = XDP_USE_NEED_WAKEUP |
				  (zc ? XDP_ZEROCOPY : XDP_COPY);
		err = create_socket(q, set->ifname, with_tx, &scfg);
		if (err == 0) {
			set->zero_copy = zc;
			break;
		}
		q->xsk = NULL;
		if (params->zero_copy == 1)
			break;
	}
	if (err != 0) {
		pcap_errf(errbuf, "AF_XDP socket on %s queue %u%s: %s%s",
			  params->ifname, q->id,
			  params->zero_copy == 1 ? " (zero-copy)" : "",
			  strerror(-err),
			  err == -EBUSY ? " (another AF_XDP socket is on that queue: "
				     "one xdp capture per device)" : "");
		return -1;
	}
	q->has_tx = with_tx;
	for (unsigned i = 0; with_tx && i < TX_FRAMES; i++)
		q->tx_free[q->n_tx_free++] =
			(uint64_t)(set->ring_slots + i) * set->frame_size;
	/* every receive frame starts in the fill ring */
	if (xsk_ring_prod__reserve(&q->fill, set->ring_slots, &idx) !=
	    set->ring_slots) {
		pcap_errf(errbuf, "AF_XDP fill ring of queue %u: short", q->id);
		return -1;
	}
	for (unsigned i = 0; i < set->ring_slots; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			(uint64_t)i * set->frame_size;
	xsk_ring_prod__submit(&q->fill, set->ring_slots);
	if (params->busy_poll_us > 0) {
		int fd = xsk_socket__fd(q->xsk), on = 1,
		    us = params->busy_poll_us, budget = READ_BATCH;

		if (setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &on,
			       sizeof on) != 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &us,
			       sizeof us) != 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget,
			       sizeof budget) != 0) {
			pcap_errf(errbuf, "busy_poll_us: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void close_queue(struct xsk_queue *q)
{
	if (q->xsk != NULL)
		xsk_socket__delete(q->xsk);
	if (q->umem != NULL)
		xsk_umem__delete(q->umem);
	if (q->area != NULL)
		munmap(q->area, q->area_len);
	free(q->refill);
}

void xsk_set_close(struct xsk_set *set)
{
	if (set == NULL)
		return;
	if (set->link_fd >= 0)
		close(set->link_fd);	/* detaches the program */
	if (set->prog_fd >= 0)
		close(set->prog_fd);
	for (unsigned i = 0; i < PREPARED; i++) {
		if (set->prepared[i].fd >= 0)
			close(set->prepared[i].fd);
		free(set->prepared[i].insns);
	}
	for (size_t i = 0; i < set->n; i++)
		close_queue(&set->q[i]);
	if (set->xsk_map_fd >= 0)
		close(set->xsk_map_fd);
	if (set->count_map_fd >= 0)
		close(set->count_map_fd);
	free(set->q);
	free(set->fds);
	free(set);
}

int xsk_set_open(const struct xsk_params *params, struct xsk_set **out,
		 char *errbuf)
{
	struct xsk_set *set = calloc(1, sizeof *set);
	uint32_t rx_queues;

	*out = NULL;
	if (set == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	set->xsk_map_fd = set->count_map_fd = set->prog_fd = set->link_fd = -1;
	for (unsigned i = 0; i < PREPARED; i++)
		set->prepared[i].fd = -1;
	set->frame_size = params->frame_size;
	set->ring_slots = params->ring_slots;
	set->attach = params->attach;
	snprintf(set->ifname, sizeof set->ifname, "%s", params->ifname);
	set->ifindex = (int)if_nametoindex(params->ifname);
	if (set->ifindex == 0) {
		pcap_errf(errbuf, "%s: %s", params->ifname, strerror(errno));
		goto fail;
	}
	if (count_rx_queues(params->ifname, &rx_queues, errbuf) != 0)
		goto fail;
	set->n = params->queues != NULL ? params->queue_count : rx_queues;
	set->q = calloc(set->n, sizeof *set->q);
	set->fds = calloc(set->n, sizeof *set->fds);
	if (set->q == NULL || set->fds == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < set->n; i++) {
		set->q[i].id = params->queues != NULL ? params->queues[i]
						      : (uint32_t)i;
		if (set->q[i].id >= rx_queues) {
			pcap_errf(errbuf, "%s has %u receive queues: no queue %u",
				  params->ifname, rx_queues, set->q[i].id);
			goto fail;
		}
	}
	set->xsk_map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "accel_xsks",
					 4, 4, rx_queues, NULL);
	set->count_map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY,
					   "accel_matched", 4, 8, 1, NULL);
	if (set->xsk_map_fd < 0 || set->count_map_fd < 0) {
		pcap_errf(errbuf, "BPF maps for AF_XDP: %s", strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < set->n; i++) {
		struct xsk_queue *q = &set->q[i];
		int fd;

		if (open_queue(set, q, params, i == 0, errbuf) != 0)
			goto fail;
		fd = set->fds[i] = xsk_socket__fd(q->xsk);
		if (bpf_map_update_elem(set->xsk_map_fd, &q->id, &fd, 0) != 0) {
			pcap_errf(errbuf, "AF_XDP socket map: %s", strerror(errno));
			goto fail;
		}
	}
	*out = set;
	return 0;
fail:
	xsk_set_close(set);
	return -1;
}

/* Which way the program is on the device, and the sockets' binding. */
static void describe(struct xsk_set *set)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const char *how = "attached";

	if (bpf_xdp_query(set->ifindex, 0, &q) == 0)
		how = q.attach_mode == XDP_ATTACHED_DRV ? "native"
		      : q.attach_mode == XDP_ATTACHED_SKB ? "generic"
		      : q.attach_mode == XDP_ATTACHED_HW ? "offloaded"
		      : "attached";
	snprintf(set->mode, sizeof set->mode, "%s XDP, %s, %zu queue%s", how,
		 set->zero_copy ? "zero-copy" : "copy mode", set->n,
		 set->n == 1 ? "" : "s");
}

/* The capture program with FILTER (NULL: accept all), loaded: an fd. */
static int load_program(struct xsk_set *set, const struct bpf_insn *filter,
			u_int len, char *errbuf)
{
	/* no filter: "ret #-1" (struct bpf_insn of pcap/bpf.h) */
	static const struct { uint16_t code; uint8_t jt, jf; uint32_t k; }
		accept_all = { 0x06, 0, 0, 0xffffffff };
	struct ebpf_prog prog;
	char ebuf[EBPF_ERRBUF_SIZE];
	int fd;

	if (filter == NULL) {
		filter = (const struct bpf_insn *)&accept_all;
		len = 1;
	}
	if (ebpf_xdp_capture(filter, len, set->xsk_map_fd, set->count_map_fd,
			     &prog, ebuf) != 0) {
		pcap_errf(errbuf, "filter for XDP: %s", ebuf);
		return -1;
	}
	fd = ebpf_prog_load(&prog, EBPF_CTX_XDP, NULL, 0, ebuf);
	ebpf_prog_free(&prog);
	if (fd < 0)
		pcap_errf(errbuf, "XDP program: %s", ebuf);
	return fd;
}

int xsk_set_prepare(struct xsk_set *set, const struct bpf_insn *filter,
		    u_int len, char *errbuf)
{
	struct prepared *p = &set->prepared[set->next_prepared];
	void *copy = malloc(len * 8u);
	int fd;

	if (copy == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	if ((fd = load_program(set, filter, len, errbuf)) < 0) {
		free(copy);
		return -1;
	}
	memcpy(copy, filter, len * 8u);
	if (p->fd >= 0)
		close(p->fd);
	free(p->insns);
	*p = (struct prepared){ .insns = copy, .len = len, .fd = fd };
	set->next_prepared = (set->next_prepared + 1) % PREPARED;
	return 0;
}

/* A prepared program for FILTER (the caller then owns the fd), or -1. */
static int take_prepared(struct xsk_set *set, const struct bpf_insn *filter,
			 u_int len)
{
	for (unsigned i = 0; filter != NULL && i < PREPARED; i++) {
		struct prepared *p = &set->prepared[i];
		int fd = p->fd;

		if (fd < 0 || p->len != len ||
		    memcmp(p->insns, filter, len * 8u) != 0)
			continue;
		free(p->insns);
		*p = (struct prepared){ .fd = -1 };
		return fd;
	}
	return -1;
}

int xsk_set_filter(struct xsk_set *set, const struct bpf_insn *filter,
		   u_int len, char *errbuf)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	int fd = take_prepared(set, filter, len);

	if (fd < 0 && (fd = load_program(set, filter, len, errbuf)) < 0)
		return -1;
	if (set->link_fd >= 0) {
		if (bpf_link_update(set->link_fd, fd, NULL) != 0) {
			pcap_errf(errbuf, "replacing the XDP program: %s",
				  strerror(errno));
			close(fd);
			return -1;
		}
	} else {
		lopts.flags = set->attach == XSK_ATTACH_NATIVE ? XDP_FLAGS_DRV_MODE
			      : set->attach == XSK_ATTACH_GENERIC
				? XDP_FLAGS_SKB_MODE : 0;
		set->link_fd = bpf_link_create(fd, set->ifindex, BPF_XDP,
					       &lopts);
		if (set->link_fd < 0) {
			int e = errno;

			pcap_errf(errbuf, "attaching the XDP program%s: %s%s",
				  set->attach == XSK_ATTACH_NATIVE ? " (native)" :
				  set->attach == XSK_ATTACH_GENERIC ? " (generic)"
							       : "",
				  strerror(e),
				  e == EBUSY || e == EEXIST
				     ? " (another XDP program is on the device)"
				     : "");
			close(fd);
			return -1;
		}
	}
	if (set->prog_fd >= 0)
		close(set->prog_fd);
	set->prog_fd = fd;
	describe(set);
	return 0;
}

size_t xsk_set_fds(const struct xsk_set *set, const int **fds)
{
	*fds = set->fds;
	return set->n;
}

const char *xsk_set_mode(const struct xsk_set *set)
{
	return set->mode;
}

/* ------------------------------------------------------------------ */
/* Receiving.                                                           */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The next packet of q, refilling its batch: NULL if none. */
static const struct xdp_desc *head(struct xsk_queue *q)
{
	if (q->pos == q->peek_n) {
		if (q->peek_n != 0)
			xsk_ring_cons__release(&q->rx, q->peek_n);
		q->pos = 0;
		q->peek_n = xsk_ring_cons__peek(&q->rx, READ_BATCH,
						&q->peek_idx);
		if (q->peek_n == 0)
			return NULL;
	}
	return xsk_ring_cons__rx_desc(&q->rx, q->peek_idx + q->pos);
}

/* (GCC 12 drops __builtin_prefetch here at -O2.) */
static inline void prefetch(const void *p)
{
#if defined(__x86_64__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p);
#endif
}

/* The kernel wrote the frames a few packets on from the CPU it received
 * them on: ask for their metadata and first bytes now, so they are here
 * by the time they are read. */
static void prefetch_ahead(const struct xsk_queue *q)
{
	if (q->pos + PREFETCH_AHEAD < q->peek_n) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(
			&q->rx, q->peek_idx + q->pos + PREFETCH_AHEAD);
		const char *data = xsk_umem__get_data(q->area, d->addr);

		prefetch(data - XSK_META_LEN);
		prefetch(data);
	}
}

/* Arrival time from the program's metadata (monotonic), or 0. */
static uint64_t meta_time(const struct xsk_set *set, const struct xsk_queue *q,
			  const struct xdp_desc *d)
{
	const uint8_t *data = xsk_umem__get_data(q->area, d->addr);
	uint64_t ts, magic;

	if (d->addr % set->frame_size < XSK_META_LEN)	/* no room for it */
		return 0;
	memcpy(&ts, data - XSK_META_LEN, 8);
	memcpy(&magic, data - XSK_META_LEN + 8, 8);
	return magic == XSK_META_MAGIC ? ts : 0;
}

static void give_back(struct xsk_set *set, struct xsk_queue *q)
{
	uint32_t idx;

	if (q->n_refill == 0)
		return;
	if (xsk_ring_prod__reserve(&q->fill, q->n_refill, &idx) == q->n_refill) {
		for (uint32_t i = 0; i < q->n_refill; i++)
			*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
				q->refill[i];
		xsk_ring_prod__submit(&q->fill, q->n_refill);
		q->n_refill = 0;
	}
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL,
			 NULL);
	(void)set;
}

int xsk_set_read(struct xsk_set *set, int max, xsk_packet_fn fn, void *ctx)
{
	const uint64_t now = clock_ns(CLOCK_REALTIME);
	const int64_t mono_to_real = (int64_t)(now - clock_ns(CLOCK_MONOTONIC));
	int count = 0;

	while (max <= 0 || count < max) {
		struct xsk_queue *best = NULL;
		const struct xdp_desc *d = NULL;
		uint64_t best_ts = UINT64_MAX;

		/* the earliest of the queues' next packets */
		for (size_t i = 0; i < set->n; i++) {
			const struct xdp_desc *h = head(&set->q[i]);
			uint64_t ts;

			if (h == NULL)
				continue;
			ts = meta_time(set, &set->q[i], h);
			ts = ts != 0 ? ts + (uint64_t)mono_to_real : now;
			if (ts < best_ts) {
				best = &set->q[i];
				best_ts = ts;
				d = h;
			}
		}
		if (best == NULL)
			break;
		prefetch_ahead(best);
		fn(ctx, xsk_umem__get_data(best->area, d->addr), d->len,
		   best_ts);
		best->refill[best->n_refill++] =
			d->addr - d->addr % set->frame_size;
		best->pos++;
		count++;
	}
	for (size_t i = 0; i < set->n; i++)
		give_back(set, &set->q[i]);
	return count;
}

bool xsk_set_ready(struct xsk_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct xsk_queue *q = &set->q[i];

		if (q->pos < q->peek_n ||
		    __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE) !=
			    q->rx.cached_cons)
			return true;
	}
	return false;
}

uint64_t xsk_set_queued(const struct xsk_set *set)
{
	uint64_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct xsk_queue *q = &set->q[i];

		n += q->peek_n - q->pos;
		n += (uint32_t)(__atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE) -
				q->rx.cached_cons);
	}
	return n;
}

int xsk_set_stats(const struct xsk_set *set, uint64_t *matched,
		  uint64_t *dropped, char *errbuf)
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t *per_cpu;
	uint32_t key = 0;

	*matched = *dropped = 0;
	if (cpus <= 0 || (per_cpu = calloc((size_t)cpus, 8)) == NULL) {
		pcap_errf(errbuf, "AF_XDP statistics: out of memory");
		return -1;
	}
	if (bpf_map_lookup_elem(set->count_map_fd, &key, per_cpu) != 0) {
		pcap_errf(errbuf, "AF_XDP statistics: %s", strerror(errno));
		free(per_cpu);
		return -1;
	}
	for (int c = 0; c < cpus; c++)
		*matched += per_cpu[c];
	free(per_cpu);
	for (size_t i = 0; i < set->n; i++) {
		struct xdp_statistics st;
		socklen_t len = sizeof st;

		if (getsockopt(set->fds[i], SOL_XDP, XDP_STATISTICS, &st,
			       &len) != 0) {
			pcap_errf(errbuf, "XDP_STATISTICS: %s", strerror(errno));
			return -1;
		}
		*dropped += st.rx_dropped + st.rx_ring_full;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sending.                                                             */

static void reap_sent(struct xsk_queue *q)
{
	uint32_t idx, n = xsk_ring_cons__peek(&q->comp, TX_FRAMES, &idx);

	for (uint32_t i = 0; i < n; i++)
		q->tx_free[q->n_tx_free++] =
			*xsk_ring_cons__comp_addr(&q->comp, idx + i);
	xsk_ring_cons__release(&q->comp, n);
}

ssize_t xsk_set_send(struct xsk_set *set, const void *frame, size_t len,
		     char *errbuf)
{
	struct xsk_queue *q = &set->q[0];
	uint32_t idx;
	uint64_t addr;

	if (len > set->frame_size - XDP_PACKET_HEADROOM) {
		pcap_errf(errbuf, "send: %zu bytes do not fit an AF_XDP frame", len);
		return -1;
	}
	reap_sent(q);
	if (q->n_tx_free == 0) {
		sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
		reap_sent(q);
	}
	if (q->n_tx_free == 0 || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		pcap_errf(errbuf, "send: %s", strerror(EAGAIN));
		return -1;
	}
	addr = q->tx_free[--q->n_tx_free];
	memcpy(xsk_umem__get_data(q->area, addr), frame, len);
	xsk_ring_prod__tx_desc(&q->tx, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&q->tx, idx)->len = (uint32_t)len;
	xsk_ring_prod__submit(&q->tx, 1);
	if (sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS) {
		pcap_errf(errbuf, "send: %s", strerror(errno));
		return -1;
	}
	return (ssize_t)len;
}

#else /* no libbpf or libxdp */

#define NOT_BUILT "the xdp backend is not built (no libbpf/libxdp at build time)"

int xsk_set_open(const struct xsk_params *params, struct xsk_set **out,
		 char *errbuf)
{
	*out = NULL;
	snprintf(errbuf, XSK_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

void xsk_set_close(struct xsk_set *set)
{
}

int xsk_set_filter(struct xsk_set *set, const struct bpf_insn *filter,
		   u_int len, char *errbuf)
{
	snprintf(errbuf, XSK_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

int xsk_set_prepare(struct xsk_set *set, const struct bpf_insn *filter,
		    u_int len, char *errbuf)
{
	snprintf(errbuf, XSK_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

size_t xsk_set_fds(const struct xsk_set *set, const int **fds)
{
	*fds = NULL;
	return 0;
}

const char *xsk_set_mode(const struct xsk_set *set)
{
	return "not built";
}

int xsk_set_read(struct xsk_set *set, int max, xsk_packet_fn fn, void *ctx)
{
	return 0;
}

bool xsk_set_ready(struct xsk_set *set)
{
	return false;
}

uint64_t xsk_set_queued(const struct xsk_set *set)
{
	return 0;
}

int xsk_set_stats(const struct xsk_set *set, uint64_t *matched,
		  uint64_t *dropped, char *errbuf)
{
	*matched = *dropped = 0;
	snprintf(errbuf, XSK_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

ssize_t xsk_set_send(struct xsk_set *set, const void *frame, size_t len,
		     char *errbuf)
{
	snprintf(errbuf, XSK_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

#endif
