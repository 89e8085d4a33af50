/*
 * tpacket.c: the AF_PACKET source's handle -- created for a device name
 * (timestamp types the device offers, the breakloop eventfd), and its
 * small operations: inject, direction, link type, non-blocking mode,
 * statistics, rfmon, wake-up and close.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/sources.h"
#include "accel/tpacket.h"

static int tpacket_inject(pcap_t *p, const void *buf, size_t size)
{
	struct tpacket *t = p->priv;
	ssize_t n;

	if (t->ifindex == -1) {
		pcap_errf(p->errbuf, "Sending packets isn't supported on the "
			  "\"any\" device");
		return -1;
	}
	if (t->cooked) {
		pcap_errf(p->errbuf, "Sending packets isn't supported in "
			  "cooked mode");
		return -1;
	}
	n = send(p->fd, buf, size, 0);
	if (n == -1) {
		pcap_errnof(p->errbuf, errno, "send");
		return -1;
	}
	return (int)n;
}

/* Direction is checked per packet, so the kernel's counts stay libpcap's. */
static int tpacket_set_direction(pcap_t *p, pcap_direction_t d)
{
	p->direction = d;
	return 0;
}

static int tpacket_set_datalink(pcap_t *p, int dlt)
{
	p->linktype = dlt;
	tpacket_set_vlan_offset(p);
	return 0;
}

static int tpacket_get_nonblock(pcap_t *p)
{
	struct tpacket *t = p->priv;

	return t->timeout < 0;
}

/*
 * Non-blocking mode is kept in the sign of the timeout (libpcap's ~timeout
 * trick keeps the value for going back); the eventfd only wakes blocking
 * polls, but lives as long as the handle.
 */
static int tpacket_set_nonblock(pcap_t *p, int nonblock)
{
	struct tpacket *t = p->priv;
	int flags = fcntl(p->fd, F_GETFL, 0);

	if (flags == -1) {
		pcap_errnof(p->errbuf, errno, "F_GETFL");
		return -1;
	}
	flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(p->fd, F_SETFL, flags) == -1) {
		pcap_errnof(p->errbuf, errno, "F_SETFL");
		return -1;
	}
	/* The eventfd stays open either way (libpcap closes it in
	 * non-blocking mode): pcap_breakloop from another thread may be
	 * writing to it at this very moment. */
	if (nonblock) {
		if (t->timeout >= 0)
			t->timeout = ~t->timeout;
	} else {
		if (t->timeout < 0)
			t->timeout = ~t->timeout;
	}
	tpacket_set_poll_timeout(t);
	return 0;
}

/*
 * The kernel's counters reset when read: keep the running sums, as
 * libpcap does (ps_recv counts the drops too: the kernel adds them).
 */
static int tpacket_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct tpacket *t = p->priv;
	struct tpacket_stats_v3 k;
	socklen_t len = sizeof(struct tpacket_stats);

	if (p->opt.promisc) {
		long long before = t->sysfs_dropped;

		t->sysfs_dropped = tpacket_if_drops(p->opt.device);
		t->stat.ps_ifdrop += (u_int)(t->sysfs_dropped - before);
	}
	if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &k, &len) < 0) {
		pcap_errnof(p->errbuf, errno,
			    "failed to get statistics from socket");
		return -1;
	}
	t->stat.ps_recv += k.tp_packets;
	t->stat.ps_drop += k.tp_drops;
	*ps = t->stat;
	return 0;
}

/* 1 for mac80211 devices, as libpcap built with libnl answers. */
int tpacket_can_set_rfmon(pcap_t *p)
{
	char path[64 + IF_NAMESIZE], target[PATH_MAX];

	if (strcmp(p->opt.device, "any") == 0)
		return 0;
	snprintf(path, sizeof path, "/sys/class/net/%s/phy80211", p->opt.device);
	if (readlink(path, target, sizeof target - 1) == -1) {
		if (errno == ENOENT || errno == EINVAL)
			return 0;
		pcap_errnof(p->errbuf, errno, "%s: Can't readlink %s",
			    p->opt.device, path);
		return PCAP_ERROR;
	}
	return 1;
}

static void tpacket_wake(pcap_t *p)
{
	struct tpacket *t = p->priv;
	uint64_t one = 1;

	if (t->wake_fd != -1)
		(void)!write(t->wake_fd, &one, sizeof one);
}

void tpacket_close(pcap_t *p)
{
	struct tpacket *t = p->priv;

	tpacket_release(p);
	if (t->wake_fd != -1) {
		close(t->wake_fd);
		t->wake_fd = -1;
	}
}

const struct source_ops tpacket_ops = {
	.name = "tpacket",
	.transient_data = true,
	.activate = tpacket_activate,
	.read = tpacket_read,
	.inject = tpacket_inject,
	.set_filter = tpacket_set_filter,
	.set_direction = tpacket_set_direction,
	.set_datalink = tpacket_set_datalink,
	.get_nonblock = tpacket_get_nonblock,
	.set_nonblock = tpacket_set_nonblock,
	.stats = tpacket_stats,
	.can_set_rfmon = tpacket_can_set_rfmon,
	.wake = tpacket_wake,
	.close = tpacket_close,
};

/* ------------------------------------------------------------------ */
/* Creation.                                                            */

/* SOF_TIMESTAMPING_* capabilities as pcap timestamp types, in order. */
static const struct {
	unsigned sof;
	int type;
} tstamp_kinds[] = {
	{ SOF_TIMESTAMPING_SOFTWARE, PCAP_TSTAMP_HOST },
	{ SOF_TIMESTAMPING_SYS_HARDWARE, PCAP_TSTAMP_ADAPTER },
	{ SOF_TIMESTAMPING_RAW_HARDWARE, PCAP_TSTAMP_ADAPTER_UNSYNCED },
};
#define N_TSTAMP_KINDS (sizeof tstamp_kinds / sizeof tstamp_kinds[0])

/* The types whose SOF bits are in mask (all: ~0u); none leaves NULL. */
static int set_tstamp_types(pcap_t *p, unsigned mask, char *errbuf)
{
	int n = 0;

	for (size_t i = 0; i < N_TSTAMP_KINDS; i++)
		n += (mask & tstamp_kinds[i].sof) != 0;
	if (n == 0)
		return 0;
	p->tstamp_type_list = malloc(sizeof *p->tstamp_type_list * (size_t)n);
	if (p->tstamp_type_list == NULL) {
		pcap_errnof(errbuf, errno, "malloc");
		return -1;
	}
	n = 0;
	for (size_t i = 0; i < N_TSTAMP_KINDS; i++)
		if (mask & tstamp_kinds[i].sof)
			p->tstamp_type_list[n++] = tstamp_kinds[i].type;
	p->tstamp_type_count = n;
	return 0;
}

/*
 * What the driver says it can stamp (ETHTOOL_GET_TS_INFO): drivers that
 * do not answer get every type, devices that do not exist (yet) none --
 * libpcap's rules.
 */
static int query_tstamp_types(pcap_t *p, const char *device, char *errbuf)
{
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr;
	int fd, err;

	if (strcmp(device, "any") == 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pcap_errnof(errbuf, errno,
			    "socket for SIOCETHTOOL(ETHTOOL_GET_TS_INFO)");
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	ifr.ifr_data = (void *)&info;
	err = ioctl(fd, SIOCETHTOOL, &ifr) == -1 ? errno : 0;
	close(fd);
	switch (err) {
	case 0:
		break;
	case EOPNOTSUPP:
	case EINVAL:
		return set_tstamp_types(p, ~0u, errbuf);
	case ENODEV:
		return 0;
	default:
		pcap_errnof(errbuf, err, "%s: SIOCETHTOOL(ETHTOOL_GET_TS_INFO) "
			    "ioctl failed", device);
		return -1;
	}
	if (!(info.rx_filters & (1u << HWTSTAMP_FILTER_ALL)))
		return 0;
	return set_tstamp_types(p, info.so_timestamping, errbuf);
}

static const int precisions[] = { PCAP_TSTAMP_PRECISION_MICRO,
				  PCAP_TSTAMP_PRECISION_NANO };

pcap_t *tpacket_create(const char *device, char *errbuf)
{
	pcap_t *p = pcap_handle_alloc(errbuf, &tpacket_ops,
				      sizeof(struct tpacket));
	struct tpacket *t;

	if (p == NULL)
		return NULL;
	t = p->priv;
	t->wake_fd = -1;
	t->params.block_timeout_ms = -1;
	t->params.fanout_group = -1;
	t->params.cpu = -1;
	if (query_tstamp_types(p, device, errbuf) < 0)
		goto fail;
	p->tstamp_precision_list = malloc(sizeof precisions);
	if (p->tstamp_precision_list == NULL) {
		pcap_errnof(errbuf, errno, "malloc");
		goto fail;
	}
	memcpy(p->tstamp_precision_list, precisions, sizeof precisions);
	p->tstamp_precision_count = 2;
	/* libpcap goes on without it; breakloop then waits for the poll. */
	t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return p;
fail:
	pcap_handle_free(p);
	return NULL;
}
