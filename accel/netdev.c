/*
 * netdev.c: device checks, promiscuous mode and the hand-over of an accel
 * handle, for the sources without an AF_PACKET ring (see netdev.h).
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>		/* before any linux/ header that has if.h */
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/netdev.h"
#include "accel/tpacket.h"
#include "conf/conf.h"

int netdev_check_ethernet(pcap_t *p, const char *dev, const char *backend)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), status = 0;

	if (fd < 0) {
		pcap_errnof(p->errbuf, errno, "socket");
		return PCAP_ERROR;
	}
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		status = errno == ENODEV || errno == ENXIO
			 ? PCAP_ERROR_NO_SUCH_DEVICE : PCAP_ERROR;
		pcap_errnof(p->errbuf, errno, "%s", dev);
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		status = PCAP_ERROR_IFACE_NOT_UP;
		pcap_errf(p->errbuf, "%s: That device is not up", dev);
	} else if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		pcap_errnof(p->errbuf, errno, "SIOCGIFHWADDR");
		status = PCAP_ERROR;
	} else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
		   ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		pcap_errf(p->errbuf, "%s: the %s backend needs an Ethernet "
			  "device (ARPHRD %d)", dev, backend,
			  ifr.ifr_hwaddr.sa_family);
		status = PCAP_ERROR;
	}
	close(fd);
	return status;
}

int netdev_hold_promisc(pcap_t *p, const char *dev, int *fd)
{
	struct packet_mreq mr = { .mr_ifindex = (int)if_nametoindex(dev),
				  .mr_type = PACKET_MR_PROMISC };

	*fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (*fd < 0 || setsockopt(*fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				  sizeof mr) != 0) {
		int e = errno;

		pcap_errnof(p->errbuf, e, "%s: promiscuous mode", dev);
		return e == EPERM ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
	}
	return 0;
}

void netdev_take_over(pcap_t *p, void *priv, const struct source_ops *ops)
{
	if (((struct tpacket *)p->priv)->wake_fd >= 0)
		close(((struct tpacket *)p->priv)->wake_fd);
	free(p->priv);
	p->priv = priv;
	p->ops = ops;
}

int netdev_wait_init(pcap_t *p, struct netdev_wait *w, const int *fds,
		     size_t n, const struct accel_conf *conf, size_t dev)
{
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->pfds = calloc(n + 1, sizeof *w->pfds);
	if (w->wake_fd < 0 || w->pfds == NULL) {
		pcap_errnof(p->errbuf, errno, "poll set");
		return PCAP_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		w->pfds[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	w->pfds[n] = (struct pollfd){ .fd = w->wake_fd, .events = POLLIN };
	w->npfds = n + 1;
	w->nonblock = p->opt.nonblock != 0;
	snprintf(w->ifname, sizeof w->ifname, "%s", p->opt.device);
	w->ifindex = if_nametoindex(w->ifname);
	if (!p->opt.immediate) {
		int64_t ms = accel_conf_int(conf, dev, ACCEL_KEY_BLOCK_TIMEOUT_MS);

		w->nap = ms >= 1000 ? (struct timespec){ 0, 999999999 }
				    : (struct timespec){ 0, (long)ms * 1000000 };
	}
	return 0;
}

void netdev_wait_close(struct netdev_wait *w)
{
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	w->wake_fd = -1;
	free(w->pfds);
	w->pfds = NULL;
}

/* libpcap's words when the device goes away under a capture. */
static bool disappeared(pcap_t *p, const struct netdev_wait *w)
{
	if (if_nametoindex(w->ifname) == w->ifindex)
		return false;
	pcap_errf(p->errbuf, "The interface disappeared");
	return true;
}

/* After a read found nothing: 1 (read again), 0 (the handle's timeout
 * passed with nothing), PCAP_ERROR.  Without a timeout it still wakes
 * once a second to see that the device is there. */
static int wait_for_packets(pcap_t *p, struct netdev_wait *w)
{
	int n = poll(w->pfds, w->npfds,
		     p->opt.timeout_ms > 0 ? p->opt.timeout_ms : 1000);
	bool trouble = false;

	if (n < 0 && errno != EINTR) {
		pcap_errnof(p->errbuf, errno, "poll");
		return PCAP_ERROR;
	}
	for (size_t i = 0; n > 0 && i + 1 < w->npfds; i++)
		trouble |= (w->pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
	if ((n == 0 || trouble) && disappeared(p, w))
		return PCAP_ERROR;
	if (trouble)	/* not gone: up and down again, say; do not spin */
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	if (n == 0 && p->opt.timeout_ms <= 0)
		return 1;	/* no timeout: keep waiting */
	if (w->pfds[w->npfds - 1].revents & POLLIN) {
		uint64_t v;

		if (read(w->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN) {
			pcap_errnof(p->errbuf, errno, "read");
			return PCAP_ERROR;
		}
	}
	if (n == 0)
		return w->queued(p) > 0;	/* 0: the timeout, as libpcap */
	/* Woken for a few packets: more are likely on their way, and a
	 * wakeup costs more than the packets it brings. */
	if (w->nap.tv_nsec > 0 && w->queued(p) < w->short_batch)
		nanosleep(&w->nap, NULL);
	return 1;
}

int netdev_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct netdev_wait *w = p->priv;

	for (;;) {
		int r;

		if (pcap_take_break(p))
			return PCAP_ERROR_BREAK;
		w->cb = cb;
		w->user = user;
		w->delivered = 0;
		if (w->read_some(p, max) > 0)
			return w->delivered;
		if (w->nonblock)
			return 0;
		r = wait_for_packets(p, w);
		if (r <= 0)
			return r;
	}
}

int netdev_get_nonblock(pcap_t *p)
{
	return ((struct netdev_wait *)p->priv)->nonblock;
}

int netdev_set_nonblock(pcap_t *p, int nonblock)
{
	((struct netdev_wait *)p->priv)->nonblock = nonblock != 0;
	return 0;
}

void netdev_wake(pcap_t *p)
{
	struct netdev_wait *w = p->priv;
	uint64_t one = 1;

	if (w->wake_fd >= 0 && write(w->wake_fd, &one, sizeof one) < 0)
		return;		/* already signalled to the limit */
}

int netdev_filter_check(pcap_t *p, const struct bpf_program *fp,
			struct user_filter *f)
{
	if (fp == NULL) {
		pcap_errf(p->errbuf, "setfilter: No filter specified");
		return -1;
	}
	if (!bpf_check(fp->bf_insns, (int)fp->bf_len)) {
		pcap_errf(p->errbuf, "BPF program is not valid");
		return -1;
	}
	if (user_filter_set(f, fp) != 0) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return -1;
	}
	return 0;
}
