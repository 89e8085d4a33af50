/*
 * netdev.h: what the accel sources that do not open an AF_PACKET ring
 * (xdp.c, bpfring.c) still need: libpcap's device checks and codes,
 * promiscuous mode held the way libpcap holds it, the handle handed over
 * from its pre-activation tpacket state, and the waiting for packets.
 */
#ifndef ACCEL_NETDEV_H
#define ACCEL_NETDEV_H

#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "pcap-compat/pcap-int.h"

/* The device exists, is up and carries Ethernet frames; else a pcap
 * status with the message in p->errbuf (BACKEND names the source). */
int netdev_check_ethernet(pcap_t *p, const char *dev, const char *backend);

/* PACKET_MR_PROMISC on a packet socket of its own: the membership ends
 * with *fd (so with the process).  0 or a pcap status. */
int netdev_hold_promisc(pcap_t *p, const char *dev, int *fd);

/* The accel handle p stops being a tpacket handle: PRIV and OPS are its
 * source from now on. */
void netdev_take_over(pcap_t *p, void *priv, const struct source_ops *ops);

/*
 * How such a source waits for packets: poll() on its descriptors and on
 * an eventfd that pcap_breakloop writes; once woken for a short batch, a
 * nap of block_timeout_ms (not in immediate mode) lets more arrive, as a
 * TPACKET_V3 block would.  The sources keep it first in their private
 * state, which lets the ops below serve them all.
 */
struct netdev_wait {
	struct pollfd *pfds;	/* the source's descriptors, then wake_fd */
	size_t npfds;
	int wake_fd;
	bool nonblock;
	struct timespec nap;	/* zero: none */
	/* The device, to notice that it disappeared (its index changes). */
	char ifname[IF_NAMESIZE];
	unsigned ifindex;
	/* The source's: hand on at most max packets that are there (through
	 * netdev_deliver), returning how many it took; how many wait; a
	 * batch smaller than short_batch is worth a nap. */
	int (*read_some)(pcap_t *p, int max);
	uint64_t (*queued)(pcap_t *p);
	uint64_t short_batch;
	/* The read under way. */
	pcap_handler cb;
	u_char *user;
	int delivered;
};

struct accel_conf;
int netdev_wait_init(pcap_t *p, struct netdev_wait *w, const int *fds,
		     size_t n, const struct accel_conf *conf, size_t dev);
void netdev_wait_close(struct netdev_wait *w);

/* Ops for sources whose private state starts with a struct netdev_wait:
 * the read (breakloop, non-blocking mode, the timeout, the nap) and the
 * small ones. */
int netdev_read(pcap_t *p, int max, pcap_handler cb, u_char *user);
int netdev_get_nonblock(pcap_t *p);
int netdev_set_nonblock(pcap_t *p, int nonblock);
void netdev_wake(pcap_t *p);

/* A CLOCK_REALTIME time in ns as the handle's precision wants it. */
static inline void netdev_stamp(const pcap_t *p, uint64_t ns,
				struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u);
	if (p->opt.tstamp_precision != PCAP_TSTAMP_PRECISION_NANO)
		tv->tv_usec /= 1000;
}

/* pcap_setfilter's checks; the program kept in F as well (for packets
 * that passed the kernel's previous one).  0 or -1. */
int netdev_filter_check(pcap_t *p, const struct bpf_program *fp,
			struct user_filter *f);

/* From read_some: one packet to the application (or to the user-space
 * filter), counted when it gets there. */
static inline void netdev_deliver(pcap_t *p, const struct pcap_pkthdr *h,
				  const u_char *bytes)
{
	struct netdev_wait *w = p->priv;

	w->delivered += pcap_deliver(p, h, bytes, w->cb, w->user);
}

#endif
