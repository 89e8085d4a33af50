/*
 * live-gen.c: the live capture benchmark's traffic generator.  Sends one
 * fixed Ethernet/IPv4/UDP frame out of an interface (a veth end) as fast as
 * the machine allows, for a time or a count, and reports how many frames it
 * handed to the kernel and how many the interface really transmitted.
 * No libpcap, no libbpf, no clang: the XDP program is two instructions.
 *
 *   live-gen -i IFACE [-m auto|xdp|mmsg] [-s SIZE] [-t SECONDS] [-n COUNT]
 *            [-d DST_MAC] [-F FLOWS]
 *   (-F: each frame gets a random UDP source port of FLOWS, xdp method
 *   only: that many flows for steering benchmarks)
 *   live-gen -G IFACE     turn GRO on (a veth passes XDP frames only then)
 *
 * Methods, fastest first (bench/live.sh's header has the rates measured):
 *   xdp   BPF_PROG_RUN of an "XDP_TX" program with BPF_F_TEST_XDP_LIVE_FRAMES
 *         and ingress_ifindex = IFACE: the kernel sends each frame out of
 *         IFACE by redirect, without building an skb on this side.
 *   mmsg  AF_PACKET sendmmsg with PACKET_QDISC_BYPASS: needs nothing but a
 *         packet socket.
 *   auto  (default) xdp, else mmsg.
 *
 * Frames: SIZE bytes (default 64) from the destination MAC to the end of
 * the UDP payload, no FCS; 198.18.0.1:9 -> 198.18.0.2:9; destination MAC
 * 02:00:00:00:00:02 unless -d, so a receiver with another address drops
 * them before IP (PACKET_OTHERHOST) and sends nothing back.
 *
 * Prints one line of key=value pairs: method, size, seconds, attempted
 * (frames handed to the kernel), tx_packets and tx_dropped (the interface's
 * own counters over the run, -1 when unreadable) and rate_pps (tx_packets a
 * second).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 1514
#define MMSG_BATCH 256
#define XDP_PROBE 64		/* frames sent to check that XDP reaches the peer */
#define XDP_FIRST 65536		/* frames in the first timed BPF_PROG_RUN */
#define XDP_MIN 4096		/* ... and bounds for the later ones */
#define XDP_MAX (1u << 22)
#define XDP_RUN_SECONDS 0.2	/* what one BPF_PROG_RUN should last */

struct gen {
	const char *ifname;
	int ifindex;
	uint8_t frame[MAX_FRAME];
	unsigned size;
	double seconds;		/* stop after this long ... */
	uint64_t count;		/* ... or after this many frames (0: no limit) */
	unsigned flows;		/* > 0: random source ports (xdp method) */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* done: whether a run that started at START and sent SENT frames is over. */
static int done(const struct gen *g, double start, uint64_t sent)
{
	if (stop_requested)
		return 1;
	if (g->count && sent >= g->count)
		return 1;
	return g->seconds > 0 && now() - start >= g->seconds;
}

/* batch: how many frames the next send may carry, at most MAX. */
static uint64_t batch(const struct gen *g, uint64_t sent, uint64_t max)
{
	if (g->count && g->count - sent < max)
		return g->count - sent;
	return max;
}

/* ---------------------------------------------------------------- frame */

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (unsigned)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* build_frame: 198.18.0.1:9 -> 198.18.0.2:9 UDP, zero payload, SIZE bytes
 * from the destination MAC to the end of the payload (no FCS). */
static void build_frame(uint8_t *f, unsigned size, const uint8_t dst[6],
			const uint8_t src[6])
{
	uint8_t *ip = f + 14, *udp = ip + 20;

	memset(f, 0, size);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ETHERTYPE_IP);
	ip[0] = 0x45;
	put16(ip + 2, size - 14);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (const uint8_t[]){ 198, 18, 0, 1, 198, 18, 0, 2 }, 8);
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, 9);
	put16(udp + 2, 9);
	put16(udp + 4, size - 34);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int interface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

/* set_gro: GRO on for IFNAME.  A veth hands frames redirected by XDP to its
 * peer only when the peer runs NAPI, which it does with GRO on (or with an
 * XDP program of its own, which would change what the capture sees). */
static int set_gro(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = 1 };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* tx_counter: /sys/class/net/IFNAME/statistics/NAME, -1 when unreadable. */
static long long tx_counter(const char *ifname, const char *name)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", ifname,
		 name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* ------------------------------------------------------------------ xdp */

#ifdef BPF_F_TEST_XDP_LIVE_FRAMES	/* kernel headers of 5.18 or later */

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof *attr);
}

/* load_xdp_tx: the program "r0 = XDP_TX; exit"; with FLOWS > 0, each
 * frame first gets a random UDP source port of FLOWS (1024 and up), so
 * the frames make that many flows (the UDP checksum is 0: none). */
static int load_xdp_tx(unsigned flows)
{
	const struct bpf_insn insns[] = {
		/* r6 = data; if data + 38 > data_end: send as it is */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_6,
		  .src_reg = BPF_REG_1, .off = 0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_7,
		  .src_reg = BPF_REG_1, .off = 4 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_8,
		  .src_reg = BPF_REG_6 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_8,
		  .imm = 38 },
		{ .code = BPF_JMP | BPF_JGT | BPF_X, .dst_reg = BPF_REG_8,
		  .src_reg = BPF_REG_7, .off = 5 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_prandom_u32 },
		{ .code = BPF_ALU | BPF_MOD | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = (int32_t)(flows ? flows : 1) },
		{ .code = BPF_ALU | BPF_ADD | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 1024 },
		{ .code = BPF_ALU | BPF_END | BPF_TO_BE, .dst_reg = BPF_REG_0,
		  .imm = 16 },
		{ .code = BPF_STX | BPF_MEM | BPF_H, .dst_reg = BPF_REG_6,
		  .src_reg = BPF_REG_0, .off = 34 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	const unsigned skip = flows ? 0 : 10;	/* no flows: the last two */

	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)(insns + skip);
	attr.insn_cnt = sizeof insns / sizeof insns[0] - skip;
	attr.license = (uintptr_t)"GPL";
	return bpf(BPF_PROG_LOAD, &attr);
}

/* run_xdp: N copies of the frame out of the interface, in one syscall. */
static int run_xdp(const struct gen *g, int prog, uint32_t n)
{
	struct xdp_md ctx = { .data_end = g->size, .ingress_ifindex = (uint32_t)g->ifindex };
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.test.prog_fd = (uint32_t)prog;
	attr.test.data_in = (uintptr_t)g->frame;
	attr.test.data_size_in = g->size;
	attr.test.ctx_in = (uintptr_t)&ctx;
	attr.test.ctx_size_in = sizeof ctx;
	attr.test.repeat = n;
	attr.test.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
	attr.test.batch_size = 64;	/* the veth's ring holds 256 */
	return bpf(BPF_PROG_TEST_RUN, &attr) < 0 ? -errno : 0;
}

/* probe_xdp: whether XDP frames leave the interface at all.  A veth whose
 * peer runs no NAPI drops them without counting them anywhere. */
static int probe_xdp(const struct gen *g, int prog, uint32_t n)
{
	long long before = tx_counter(g->ifname, "tx_packets") +
			   tx_counter(g->ifname, "tx_dropped");
	int rc = run_xdp(g, prog, n);

	if (rc < 0 || before < 0)
		return rc;
	usleep(10000);
	if (tx_counter(g->ifname, "tx_packets") + tx_counter(g->ifname, "tx_dropped") -
	    before < n)
		return -EHOSTUNREACH;
	return 0;
}

/* next_xdp_run: how many frames the next BPF_PROG_RUN should send, given
 * that the last sent N in DT seconds.  Each run has a fixed cost, about
 * 20 ms here, as much as sending 30,000 frames: runs last about
 * XDP_RUN_SECONDS, shorter near the end so the time limit holds. */
static uint32_t next_xdp_run(const struct gen *g, double start, uint64_t sent,
			     uint32_t n, double dt)
{
	double rate = dt > 0 ? n / dt : XDP_MAX, want = XDP_RUN_SECONDS;
	double left = g->seconds > 0 ? g->seconds - (now() - start) : want;
	double next = rate * (left < want ? left : want);

	next = next < XDP_MIN ? XDP_MIN : next > XDP_MAX ? XDP_MAX : next;
	return (uint32_t)batch(g, sent, (uint64_t)next);
}

static int send_xdp(const struct gen *g, uint64_t *sent)
{
	uint32_t n = (uint32_t)batch(g, 0, XDP_PROBE);
	double start = now(), t;
	int prog = load_xdp_tx(g->flows), rc;

	if (prog < 0)
		return -errno;
	rc = probe_xdp(g, prog, n);
	if (rc < 0) {
		close(prog);
		return rc;
	}
	*sent += n;
	n = (uint32_t)batch(g, *sent, XDP_FIRST);
	while (!done(g, start, *sent)) {
		t = now();
		rc = run_xdp(g, prog, n);
		/* A signal cuts a run short (EINTR) without saying how far
		 * it got: none of it is counted. */
		if (rc < 0)
			break;
		*sent += n;
		n = next_xdp_run(g, start, *sent, n, now() - t);
	}
	close(prog);
	return rc == -EINTR ? 0 : rc;
}

#else

static int send_xdp(const struct gen *g, uint64_t *sent)
{
	(void)g;
	(void)sent;
	return -EOPNOTSUPP;
}

#endif

/* --------------------------------------------------------- packet socket */

static int packet_socket(const struct gen *g)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = g->ifindex };
	int one = 1, sndbuf = 4 << 20;
	/* Protocol 0: this socket sends only and never sees received frames. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	return fd;
}

static int send_mmsg(const struct gen *g, uint64_t *sent)
{
	struct iovec iov = { .iov_base = (void *)g->frame, .iov_len = g->size };
	struct mmsghdr msgs[MMSG_BATCH];
	double start = now();
	int fd = packet_socket(g);

	if (fd < 0)
		return fd;
	memset(msgs, 0, sizeof msgs);
	for (int i = 0; i < MMSG_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!done(g, start, *sent)) {
		int n = sendmmsg(fd, msgs, (unsigned)batch(g, *sent, MMSG_BATCH), 0);

		if (n > 0) {
			*sent += (unsigned)n;
		} else if (errno == ENOBUFS) {
			/* The device refused one frame: it was handed over and
			 * dropped, so it counts as attempted. */
			(*sent)++;
		} else if (errno != EINTR && errno != EAGAIN) {
			int err = errno;

			close(fd);
			return -err;
		}
	}
	close(fd);
	return 0;
}

/* -------------------------------------------------------------- driver */

struct method {
	const char *name;
	int (*send)(const struct gen *g, uint64_t *sent);
};

/* Fastest first: "auto" takes the first that works. */
static const struct method methods[] = {
	{ "xdp", send_xdp },
	{ "mmsg", send_mmsg },
};

#define N_METHODS (sizeof methods / sizeof methods[0])

static void usage(void)
{
	fprintf(stderr,
		"usage: live-gen -i IFACE [-m auto|xdp|mmsg] [-s SIZE] [-t SECONDS] [-n COUNT]\n"
		"                [-d DST_MAC]\n"
		"       live-gen -G IFACE\n");
	exit(2);
}

static const char *method_error(int err)
{
	if (err == -EHOSTUNREACH)
		return "frames did not reach the peer (a veth peer needs GRO on: live-gen -G PEER)";
	return strerror(-err);
}

/* transmit: sends with the method named NAME ("auto": the first in methods[]
 * that works); the method used goes to *USED. */
static int transmit(const struct gen *g, const char *name, uint64_t *sent,
		    const struct method **used)
{
	int rc = -EINVAL;

	for (size_t i = 0; i < N_METHODS; i++) {
		int is_auto = strcmp(name, "auto") == 0;

		if (!is_auto && strcmp(name, methods[i].name) != 0)
			continue;
		*used = &methods[i];
		rc = methods[i].send(g, sent);
		if (rc == 0 || !is_auto || *sent)
			return rc;
		fprintf(stderr, "live-gen: %s: %s; trying the next method\n",
			methods[i].name, method_error(rc));
	}
	return rc;
}

static int set_gro_main(const char *ifname)
{
	int rc = set_gro(ifname);

	if (rc < 0) {
		fprintf(stderr, "live-gen: GRO on %s: %s\n", ifname, strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen g = { .size = 64, .seconds = 5 };
	const char *method = "auto", *dst = "02:00:00:00:00:02";
	const struct method *used = NULL;
	uint8_t dmac[6], smac[6];
	long long tx0, drop0, tx1, drop1;
	uint64_t sent = 0;
	double start, elapsed;
	int opt, rc;

	while ((opt = getopt(argc, argv, "i:m:s:t:n:d:G:F:")) != -1) {
		switch (opt) {
		case 'i': g.ifname = optarg; break;
		case 'm': method = optarg; break;
		case 's': g.size = (unsigned)strtoul(optarg, NULL, 0); break;
		case 't': g.seconds = strtod(optarg, NULL); break;
		case 'n': g.count = strtoull(optarg, NULL, 0); break;
		case 'd': dst = optarg; break;
		case 'F': g.flows = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'G': return set_gro_main(optarg);
		default: usage();
		}
	}
	if (!g.ifname || optind != argc || g.size < 42 || g.size > MAX_FRAME ||
	    (g.seconds <= 0 && !g.count))
		usage();
	if (g.count)
		g.seconds = 0;	/* -n wins over the default time */
	g.ifindex = (int)if_nametoindex(g.ifname);
	if (!g.ifindex) {
		fprintf(stderr, "live-gen: %s: %s\n", g.ifname, strerror(errno));
		return 1;
	}
	if (parse_mac(dst, dmac) < 0) {
		fprintf(stderr, "live-gen: bad MAC %s\n", dst);
		return 2;
	}
	rc = interface_mac(g.ifname, smac);
	if (rc < 0) {
		fprintf(stderr, "live-gen: %s: %s\n", g.ifname, strerror(-rc));
		return 1;
	}
	build_frame(g.frame, g.size, dmac, smac);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	tx0 = tx_counter(g.ifname, "tx_packets");
	drop0 = tx_counter(g.ifname, "tx_dropped");
	start = now();
	rc = transmit(&g, method, &sent, &used);
	elapsed = now() - start;
	if (rc < 0) {
		fprintf(stderr, "live-gen: %s: %s\n", used ? used->name : method,
			used ? method_error(rc) : "no such method");
		return 1;
	}
	/* Frames redirected by XDP are counted when the peer's NAPI takes them:
	 * let the last batch land before reading the counters. */
	usleep(50000);
	tx1 = tx_counter(g.ifname, "tx_packets");
	drop1 = tx_counter(g.ifname, "tx_dropped");
	tx1 = tx0 < 0 || tx1 < 0 ? -1 : tx1 - tx0;
	drop1 = drop0 < 0 || drop1 < 0 ? -1 : drop1 - drop0;
	printf("method=%s size=%u seconds=%.3f attempted=%llu tx_packets=%lld "
	       "tx_dropped=%lld rate_pps=%.0f\n",
	       used->name, g.size, elapsed, (unsigned long long)sent, tx1, drop1,
	       (double)(tx1 >= 0 ? (uint64_t)tx1 : sent) / elapsed);
	return 0;
}
