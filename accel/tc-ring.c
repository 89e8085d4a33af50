/*
 * tc-ring.c: the BPF ring buffer and the two TC programs feeding it (see
 * tc-ring.h).  The programs go on the device's ingress and egress hooks
 * through TCX links, so they leave with the process however it ends, and
 * other programs on the hooks keep running after ours.  The ring is read
 * here directly from its mapping: the consumer page read-write, the
 * producer page and the data (mapped twice in a row, so a record that
 * wraps is contiguous) read-only.
 */
#include "config.h"

#include "accel/tc-ring.h"

#include <stdarg.h>
#include <stdio.h>

#if defined(HAVE_LIBBPF)

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accel/ring-group.h"
#include "filter-jit/ebpf.h"
#include "pcap-compat/errbuf.h"

/* linux/bpf.h of kernels 6.6+; the headers here may be older. */
#define ATTACH_TCX_INGRESS 46
#define ATTACH_TCX_EGRESS 47

#define PREPARED 4		/* programs loaded ahead, per direction */
#define RELEASE_EVERY 64	/* records between consumer updates */

struct prepared {
	void *insns;		/* the classic program, 8 bytes each */
	u_int len;
	int fd[2];		/* ingress, egress */
};

struct tc_ring {
	struct ring_group *group;	/* or NULL */
	int ifindex;
	uint32_t snaplen;
	struct ebpf_tc_maps maps;
	int prog_fd[2], link_fd[2];	/* ingress, egress */
	struct prepared prepared[PREPARED];
	unsigned next_prepared;
	/* The mapped ring. */
	uint64_t size, mask;
	void *consumer_page, *producer_map;
	size_t page;
	const uint8_t *data;
	uint64_t cons;		/* our copy of the consumer position */
	uint64_t mark;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void clear_prepared(struct prepared *p)
{
	close_fd(&p->fd[0]);
	close_fd(&p->fd[1]);
	free(p->insns);
	p->insns = NULL;
}

void tc_ring_close(struct tc_ring *r)
{
	if (r == NULL)
		return;
	for (int d = 0; d < 2; d++) {
		close_fd(&r->link_fd[d]);	/* detaches the program */
		close_fd(&r->prog_fd[d]);
	}
	for (unsigned i = 0; i < PREPARED; i++)
		clear_prepared(&r->prepared[i]);
	if (r->consumer_page != NULL)
		munmap(r->consumer_page, r->page);
	if (r->producer_map != NULL)
		munmap(r->producer_map, r->page + 2 * r->size);
	close_fd(&r->maps.ring_fd);
	close_fd(&r->maps.scratch_fd);
	close_fd(&r->maps.count_fd);
	close_fd(&r->maps.config_fd);
	ring_group_leave(r->group);	/* after our programs are gone */
	free(r);
}

int tc_ring_open(const struct tc_ring_params *params, struct tc_ring **out,
		 char *errbuf)
{
	struct tc_ring *r = calloc(1, sizeof *r);
	int cpus = libbpf_num_possible_cpus();

	*out = NULL;
	if (r == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	r->maps = (struct ebpf_tc_maps){ -1, -1, -1, -1, -1, 0 };
	for (int d = 0; d < 2; d++)
		r->prog_fd[d] = r->link_fd[d] = -1;
	for (unsigned i = 0; i < PREPARED; i++)
		r->prepared[i].fd[0] = r->prepared[i].fd[1] = -1;
	r->snaplen = params->snaplen;
	r->size = params->ring_bytes;
	r->mask = r->size - 1;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->ifindex = (int)if_nametoindex(params->ifname);
	if (r->ifindex == 0) {
		pcap_errf(errbuf, "%s: %s", params->ifname, strerror(errno));
		goto fail;
	}
	r->maps.ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "accel_ring", 0,
					 0, (uint32_t)r->size, NULL);
	r->maps.scratch_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "accel_scratch",
					    4, sizeof(struct bpfring_rec) +
					    BPFRING_MAX_CAPLEN,
					    cpus > 0 ? (uint32_t)cpus : 1, NULL);
	r->maps.count_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY,
					  "accel_counts", 4, 8, 2, NULL);
	r->maps.config_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "accel_config",
					   4, 4, 1, NULL);
	if (r->maps.ring_fd < 0 || r->maps.scratch_fd < 0 ||
	    r->maps.count_fd < 0 || r->maps.config_fd < 0) {
		pcap_errf(errbuf, "BPF maps for the ring (%llu bytes): %s",
			  (unsigned long long)r->size, strerror(errno));
		goto fail;
	}
	r->consumer_page = mmap(NULL, r->page, PROT_READ | PROT_WRITE,
				MAP_SHARED, r->maps.ring_fd, 0);
	r->producer_map = mmap(NULL, r->page + 2 * r->size, PROT_READ,
			       MAP_SHARED, r->maps.ring_fd, (off_t)r->page);
	if (r->consumer_page == MAP_FAILED || r->producer_map == MAP_FAILED) {
		if (r->consumer_page == MAP_FAILED)
			r->consumer_page = NULL;
		if (r->producer_map == MAP_FAILED)
			r->producer_map = NULL;
		pcap_errf(errbuf, "mapping the BPF ring: %s", strerror(errno));
		goto fail;
	}
	r->data = (const uint8_t *)r->producer_map + r->page;
	if (params->group >= 0) {
		if (ring_group_join((unsigned)params->group, r->ifindex,
				    &r->group, errbuf) != 0)
			goto fail;
		r->maps.group_fd = ring_group_map_fd(r->group);
		r->maps.group_slot = ring_group_slot(r->group);
	}
	if (tc_ring_directions(r, params->directions, errbuf) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	tc_ring_close(r);
	return -1;
}

int tc_ring_directions(struct tc_ring *r, unsigned directions, char *errbuf)
{
	uint32_t key = 0, value = directions;

	if (bpf_map_update_elem(r->maps.config_fd, &key, &value, 0) != 0) {
		pcap_errf(errbuf, "BPF ring direction: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The two programs with FILTER (NULL: accept all), loaded. */
static int load_pair(struct tc_ring *r, const struct bpf_insn *filter,
		     u_int len, int fd[2], char *errbuf)
{
	static const struct { uint16_t code; uint8_t jt, jf; uint32_t k; }
		accept_all = { 0x06, 0, 0, 0xffffffff };

	if (filter == NULL) {
		filter = (const struct bpf_insn *)&accept_all;
		len = 1;
	}
	fd[0] = fd[1] = -1;
	for (int d = 0; d < 2; d++) {
		struct ebpf_prog prog;
		char ebuf[EBPF_ERRBUF_SIZE];

		if (ebpf_tc_capture(filter, len, &r->maps, d == 1, r->snaplen,
				    &prog, ebuf) != 0) {
			pcap_errf(errbuf, "filter for TC: %s", ebuf);
			goto fail;
		}
		fd[d] = ebpf_prog_load(&prog, EBPF_CTX_SKB, NULL, 0, ebuf);
		ebpf_prog_free(&prog);
		if (fd[d] < 0) {
			pcap_errf(errbuf, "TC program: %s", ebuf);
			goto fail;
		}
	}
	return 0;
fail:
	close_fd(&fd[0]);
	close_fd(&fd[1]);
	return -1;
}

int tc_ring_prepare(struct tc_ring *r, const struct bpf_insn *filter,
		    u_int len, char *errbuf)
{
	struct prepared *p = &r->prepared[r->next_prepared];
	void *copy = malloc(len * 8u);
	int fd[2];

	if (copy == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	if (load_pair(r, filter, len, fd, errbuf) != 0) {
		free(copy);
		return -1;
	}
	memcpy(copy, filter, len * 8u);
	clear_prepared(p);
	*p = (struct prepared){ .insns = copy, .len = len,
				.fd = { fd[0], fd[1] } };
	r->next_prepared = (r->next_prepared + 1) % PREPARED;
	return 0;
}

static bool take_prepared(struct tc_ring *r, const struct bpf_insn *filter,
			  u_int len, int fd[2])
{
	for (unsigned i = 0; filter != NULL && i < PREPARED; i++) {
		struct prepared *p = &r->prepared[i];

		if (p->fd[0] < 0 || p->len != len ||
		    memcmp(p->insns, filter, len * 8u) != 0)
			continue;
		fd[0] = p->fd[0];
		fd[1] = p->fd[1];
		p->fd[0] = p->fd[1] = -1;
		clear_prepared(p);
		return true;
	}
	return false;
}

int tc_ring_filter(struct tc_ring *r, const struct bpf_insn *filter,
		   u_int len, char *errbuf)
{
	static const int attach[2] = { ATTACH_TCX_INGRESS, ATTACH_TCX_EGRESS };
	int fd[2];

	if (!take_prepared(r, filter, len, fd) &&
	    load_pair(r, filter, len, fd, errbuf) != 0)
		return -1;
	for (int d = 0; d < 2; d++) {
		if (r->link_fd[d] >= 0) {
			if (bpf_link_update(r->link_fd[d], fd[d], NULL) != 0) {
				pcap_errf(errbuf, "replacing the TC program: %s",
					  strerror(errno));
				goto fail;
			}
			continue;
		}
		r->link_fd[d] = bpf_link_create(fd[d], r->ifindex, attach[d],
						NULL);
		if (r->link_fd[d] < 0) {
			pcap_errf(errbuf, "attaching the TC program (%s): %s%s",
				  d ? "egress" : "ingress", strerror(errno),
				  errno == EINVAL ? " (TCX needs Linux 6.6)" : "");
			goto fail;
		}
	}
	for (int d = 0; d < 2; d++) {
		close_fd(&r->prog_fd[d]);
		r->prog_fd[d] = fd[d];
	}
	return 0;
fail:
	close_fd(&fd[0]);
	close_fd(&fd[1]);
	return -1;
}

int tc_ring_fd(const struct tc_ring *r)
{
	return r->maps.ring_fd;
}

static uint64_t producer_pos(const struct tc_ring *r)
{
	return __atomic_load_n((const uint64_t *)r->producer_map,
			       __ATOMIC_ACQUIRE);
}

void tc_ring_mark(struct tc_ring *r)
{
	r->mark = producer_pos(r);
}

bool tc_ring_ready(const struct tc_ring *r)
{
	return producer_pos(r) != r->cons;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int tc_ring_read(struct tc_ring *r, int max, tc_ring_fn fn, void *ctx)
{
	const uint64_t real = clock_ns(CLOCK_REALTIME);
	const uint64_t mono_to_real = real - clock_ns(CLOCK_MONOTONIC);
	uint64_t prod = producer_pos(r);
	int count = 0, unreleased = 0;

	if (r->group != NULL)
		ring_group_tick(r->group);	/* members that died */

	while (r->cons < prod && (max <= 0 || count < max)) {
		const uint8_t *hdr = r->data + (r->cons & r->mask);
		uint32_t len = __atomic_load_n((const uint32_t *)hdr,
					       __ATOMIC_ACQUIRE);
		const uint8_t *sample = hdr + BPF_RINGBUF_HDR_SZ;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;		/* being written */
		if (!(len & BPF_RINGBUF_DISCARD_BIT) &&
		    (len & ~BPF_RINGBUF_DISCARD_BIT) >=
			    sizeof(struct bpfring_rec)) {
			const struct bpfring_rec *rec =
				(const struct bpfring_rec *)sample;

			fn(ctx, rec, sample + sizeof *rec,
			   rec->ts_ns + mono_to_real, r->cons < r->mark);
			count++;
		}
		len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		r->cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
		if (++unreleased == RELEASE_EVERY) {
			__atomic_store_n((uint64_t *)r->consumer_page, r->cons,
					 __ATOMIC_RELEASE);
			unreleased = 0;
		}
		if (r->cons >= prod)
			prod = producer_pos(r);
	}
	__atomic_store_n((uint64_t *)r->consumer_page, r->cons,
			 __ATOMIC_RELEASE);
	return count;
}

int tc_ring_stats(const struct tc_ring *r, uint64_t *accepted,
		  uint64_t *dropped, char *errbuf)
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t *v;

	*accepted = *dropped = 0;
	if (cpus <= 0 || (v = calloc((size_t)cpus, 8)) == NULL) {
		pcap_errf(errbuf, "BPF ring statistics: out of memory");
		return -1;
	}
	for (uint32_t key = 0; key < 2; key++) {
		if (bpf_map_lookup_elem(r->maps.count_fd, &key, v) != 0) {
			pcap_errf(errbuf, "BPF ring statistics: %s", strerror(errno));
			free(v);
			return -1;
		}
		for (int c = 0; c < cpus; c++)
			*(key ? dropped : accepted) += v[c];
	}
	free(v);
	return 0;
}

#else /* no libbpf */

#define NOT_BUILT "the bpfring backend is not built (no libbpf at build time)"

int tc_ring_open(const struct tc_ring_params *params, struct tc_ring **out,
		 char *errbuf)
{
	*out = NULL;
	snprintf(errbuf, TC_RING_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

void tc_ring_close(struct tc_ring *r)
{
}

int tc_ring_filter(struct tc_ring *r, const struct bpf_insn *filter,
		   u_int len, char *errbuf)
{
	snprintf(errbuf, TC_RING_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

int tc_ring_prepare(struct tc_ring *r, const struct bpf_insn *filter,
		    u_int len, char *errbuf)
{
	snprintf(errbuf, TC_RING_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

int tc_ring_directions(struct tc_ring *r, unsigned directions, char *errbuf)
{
	snprintf(errbuf, TC_RING_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

int tc_ring_fd(const struct tc_ring *r)
{
	return -1;
}

void tc_ring_mark(struct tc_ring *r)
{
}

int tc_ring_read(struct tc_ring *r, int max, tc_ring_fn fn, void *ctx)
{
	return 0;
}

bool tc_ring_ready(const struct tc_ring *r)
{
	return false;
}

int tc_ring_stats(const struct tc_ring *r, uint64_t *accepted,
		  uint64_t *dropped, char *errbuf)
{
	*accepted = *dropped = 0;
	snprintf(errbuf, TC_RING_ERRBUF_SIZE, "%s", NOT_BUILT);
	return -1;
}

#endif
