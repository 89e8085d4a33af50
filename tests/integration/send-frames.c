/*
 * send-frames.c: injects a described list of Ethernet frames on one
 * interface through a raw AF_PACKET socket (no libpcap), so the live
 * tests have a sender that does not depend on the library under test.
 *
 *   send-frames -i IF [-d DSTMAC] [-a SRCMAC] [-s SEQ0] [-n COUNT]
 *               [-r PPS] [-F NFLOWS] [-R] [-T] [-E] [-q] [-x] KIND[@LEN]...
 *
 * Frames cycle through the KIND list until COUNT frames are sent (default:
 * one of each).  KIND: ipv4 (UDP), ipv6 (UDP), arp, tcp (IPv4 SYN), vlan
 * (802.1Q, PCP 5 VID 100, over IPv4/UDP), vlan0 (802.1Q with TCI 0), qinq
 * (802.1ad VID 200 over 802.1Q VID 300 over IPv4/UDP), bcast, mcast,
 * mcast6 (IPv4/IPv6 UDP to a broadcast/multicast MAC), other (IPv4/UDP to
 * a unicast MAC nobody owns).  LEN is the length on the wire, tags
 * included (default 60, or the smallest that holds the headers).  IP
 * addresses are from 198.18.0.0/15 and 2001:db8::/32 only.
 *
 * The last 8 bytes of every frame are a marker: "ACLT" and the sequence
 * number (big-endian), or "ACLE" on the last frame with -E, which tells
 * probe-live to stop.  The bytes in between are a pattern of the sequence
 * number, so no two frames are alike.  -r paces the frames (per second).
 *
 * Flows: with -F NFLOWS the unicast IP kinds (ipv4, ipv6, tcp, vlan,
 * vlan0, qinq, other) get the addresses and ports of flow number
 * (I / number of KINDs) % NFLOWS, I counting the frames of this run, so
 * every round of the KIND list is one flow: IPv4 198.18.A.B:10000+F ->
 * 198.19.A.B:30000-F (A = 1 + F / 250, B = 1 + F % 250), IPv6
 * 2001:db8::1:F -> 2001:db8::2:F with the same ports.  -R swaps source
 * and destination (addresses and ports, not MACs: give -d), so a run with
 * -R from the other end is the reverse direction of the same flows.
 * Without -F: 198.18.0.1:5000 -> 198.18.0.2:7001 (TCP port 80), or the
 * reverse with -R.
 *
 * -T: IF is a tun device (IFF_TUN, no packet information): the frames are
 * written to it through /dev/net/tun, so IF receives them, from the
 * network header on (no Ethernet header or tags).  The "frame" lines then
 * give those bytes and their number.
 *
 * Prints "start SEC.NSEC" (CLOCK_REALTIME before the first frame), one
 * "frame SEQ LEN HEX KIND[@LEN]" per frame (not with -q), "end SEC.NSEC"
 * after the last, and "sent N".  Exits 1 if a frame could not be sent
 * whole.  -x only prints the frames (for a library's pcap_inject to send).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 1600
#define MARKER_LEN 8

enum l3 { L3_IPV4_UDP, L3_IPV6_UDP, L3_ARP, L3_IPV4_TCP };

struct kind {
	const char *name;
	enum l3 l3;
	int dst;		/* 0 peer, 1 broadcast, 2 IPv4 mcast, 3 IPv6 mcast, 4 other */
	uint16_t tags[2][2];	/* up to two (TPID, TCI) pairs, outer first */
};

static const struct kind kinds[] = {
	{ "ipv4", L3_IPV4_UDP, 0, { { 0 } } },
	{ "ipv6", L3_IPV6_UDP, 0, { { 0 } } },
	{ "arp", L3_ARP, 1, { { 0 } } },
	{ "tcp", L3_IPV4_TCP, 0, { { 0 } } },
	{ "vlan", L3_IPV4_UDP, 0, { { 0x8100, 0xa064 } } },
	{ "vlan0", L3_IPV4_UDP, 0, { { 0x8100, 0x0000 } } },
	{ "qinq", L3_IPV4_UDP, 0, { { 0x88a8, 0x00c8 }, { 0x8100, 0x012c } } },
	{ "bcast", L3_IPV4_UDP, 1, { { 0 } } },
	{ "mcast", L3_IPV4_UDP, 2, { { 0 } } },
	{ "mcast6", L3_IPV6_UDP, 3, { { 0 } } },
	{ "other", L3_IPV4_UDP, 4, { { 0 } } },
};

static const uint8_t dst_macs[5][6] = {
	{ 0 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
	{ 0x33, 0x33, 0x00, 0x00, 0x00, 0xfb },
	{ 0x02, 0xac, 0x00, 0x00, 0x00, 0x99 },
};

struct spec {
	const struct kind *kind;
	int len;
	const char *arg;	/* as given: KIND or KIND@LEN */
};

static uint8_t peer_mac[6], src_mac[6];
static long nflows;		/* -F: 0 is the fixed addresses */
static int reverse;		/* -R */


static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

static uint16_t ip_checksum(const uint8_t *b, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet header and tags. */
static int l2_len(const struct kind *k)
{
	return 14 + (k->tags[0][0] ? 4 : 0) + (k->tags[1][0] ? 4 : 0);
}

static int header_len(const struct kind *k)
{
	int n = l2_len(k);

	switch (k->l3) {
	case L3_IPV4_UDP: return n + 20 + 8;
	case L3_IPV6_UDP: return n + 40 + 8;
	case L3_ARP: return n + 28;
	case L3_IPV4_TCP: return n + 20 + 20;
	}
	return n;
}

static int min_len(const struct kind *k)
{
	int n = header_len(k) + MARKER_LEN;

	return n < 60 ? 60 : n;
}

/* Builds frame number seq of kind k, len bytes, into b. */
static void swap16(uint16_t *a, uint16_t *b)
{
	uint16_t t = *a;

	*a = *b;
	*b = t;
}

/*
 * Builds frame number seq of kind k, len bytes, into b; flow is the flow
 * number of -F (or -1).
 */
static void build(uint8_t *b, const struct kind *k, int len, uint32_t seq,
		  int last, long flow)
{
	/* -F applies to unicast IP frames: to the peer or to "other". */
	int flows = flow >= 0 && (k->dst == 0 || k->dst == 4);
	uint16_t fa = (uint16_t)(1 + flow / 250), fb = (uint16_t)(1 + flow % 250);
	uint8_t *p = b + 12;
	int l3len;

	memcpy(b, k->dst ? dst_macs[k->dst] : peer_mac, 6);
	memcpy(b + 6, src_mac, 6);
	for (int t = 0; t < 2 && k->tags[t][0]; t++) {
		put16(p, k->tags[t][0]);
		put16(p + 2, k->tags[t][1]);
		p += 4;
	}
	l3len = len - (int)(p + 2 - b);
	/* The pattern first; headers and marker go over it. */
	for (int i = (int)(p - b); i < len; i++)
		b[i] = (uint8_t)(seq * 7 + i);
	switch (k->l3) {
	case L3_IPV4_UDP:
	case L3_IPV4_TCP: {
		uint8_t *ip = p + 2, *l4 = ip + 20;
		int udp = k->l3 == L3_IPV4_UDP;
		uint32_t addr[2] = { 0xc6120001,		/* 198.18.0.1 */
				     k->dst == 1 ? 0xc612ffff : 0xc6120002 };
		uint16_t port[2] = { 5000, udp ? 7001 : 80 };

		put16(p, 0x0800);
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)l3len);
		put16(ip + 4, (uint16_t)seq);
		ip[8] = 64;
		ip[9] = udp ? 17 : 6;
		if (flows) {
			addr[0] = 0xc6120000u | (uint32_t)fa << 8 | fb;
			addr[1] = 0xc6130000u | (uint32_t)fa << 8 | fb;
			port[0] = (uint16_t)(10000 + flow);
			port[1] = (uint16_t)(30000 - flow);
		}
		if (reverse) {
			uint32_t t = addr[0];

			addr[0] = addr[1];
			addr[1] = t;
			swap16(&port[0], &port[1]);
		}
		put32(ip + 12, addr[0]);
		put32(ip + 16, addr[1]);
		put16(ip + 10, ip_checksum(ip, 20));
		put16(l4, port[0]);
		put16(l4 + 2, port[1]);
		if (udp) {
			put16(l4 + 4, (uint16_t)(l3len - 20));
			put16(l4 + 6, 0);
		} else {
			memset(l4 + 4, 0, 16);
			put32(l4 + 4, seq);
			l4[12] = 0x50;
			l4[13] = 0x02;				/* SYN */
			put16(l4 + 14, 512);
		}
		break;
	}
	case L3_IPV6_UDP: {
		uint8_t *ip = p + 2, *udp = ip + 40;
		uint16_t host[2][2] = { { 0, 1 }, { 0, 2 } };	/* ::1, ::2 */
		uint16_t port[2] = { 5000, 7001 };
		int s = reverse, d = !reverse;

		put16(p, 0x86dd);
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(l3len - 40));
		ip[6] = 17;
		ip[7] = 64;
		if (flows) {
			host[0][0] = 1;				/* ::1:F */
			host[0][1] = (uint16_t)flow;
			host[1][0] = 2;				/* ::2:F */
			host[1][1] = (uint16_t)flow;
			port[0] = (uint16_t)(10000 + flow);
			port[1] = (uint16_t)(30000 - flow);
		}
		put32(ip + 8, 0x20010db8);			/* 2001:db8:: */
		put16(ip + 20, host[s][0]);
		put16(ip + 22, host[s][1]);
		put32(ip + 24, 0x20010db8);
		put16(ip + 36, host[d][0]);
		put16(ip + 38, host[d][1]);
		put16(udp, port[s]);
		put16(udp + 2, port[d]);
		put16(udp + 4, (uint16_t)(l3len - 40));
		put16(udp + 6, 0x1234);		/* wrong, but never checked */
		break;
	}
	case L3_ARP: {
		uint8_t *a = p + 2;

		put16(p, 0x0806);
		put16(a, 1);
		put16(a + 2, 0x0800);
		a[4] = 6;
		a[5] = 4;
		put16(a + 6, 1);				/* request */
		memcpy(a + 8, src_mac, 6);
		put32(a + 14, 0xc6120001);
		memset(a + 18, 0, 6);
		put32(a + 24, 0xc6120002);
		break;
	}
	}
	memcpy(b + len - MARKER_LEN, last ? "ACLE" : "ACLT", 4);
	put32(b + len - 4, seq);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int parse_spec(const char *s, struct spec *sp)
{
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strlen(kinds[i].name) != n || strncmp(kinds[i].name, s, n))
			continue;
		sp->kind = &kinds[i];
		sp->arg = s;
		sp->len = at ? atoi(at + 1) : min_len(&kinds[i]);
		if (sp->len < min_len(&kinds[i]) || sp->len > MAX_FRAME) {
			fprintf(stderr, "send-frames: %s: length must be "
				"%d..%d\n", s, min_len(&kinds[i]), MAX_FRAME);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "send-frames: unknown frame kind %s\n", s);
	return -1;
}

static void print_time(const char *what, const struct timespec *ts)
{
	printf("%s %lld.%09ld\n", what, (long long)ts->tv_sec, ts->tv_nsec);
}

static void usage(void)
{
	fprintf(stderr, "usage: send-frames -i IF [-d DSTMAC] [-a SRCMAC] "
		"[-s SEQ0] [-n COUNT] [-r PPS] [-F NFLOWS] [-R] [-T] [-E] [-q] "
		"[-x] KIND[@LEN]...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	long count = 0, seq0 = 0, pps = 0;
	int quiet = 0, end_marker = 0, have_src = 0, dry = 0, tun = 0, opt;
	int fd = -1, ifindex = 0;
	struct spec specs[256];
	int nspecs = 0;
	struct timespec start, end, next;
	struct ifreq ifr;
	long sent = 0;

	while ((opt = getopt(argc, argv, "i:d:a:s:n:r:F:RTEqx")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'd': if (parse_mac(optarg, peer_mac)) usage(); break;
		case 'a': if (parse_mac(optarg, src_mac)) usage(); have_src = 1; break;
		case 's': seq0 = atol(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'r': pps = atol(optarg); break;
		case 'E': end_marker = 1; break;
		case 'q': quiet = 1; break;
		case 'x': dry = 1; break;
		case 'F': nflows = atol(optarg); break;
		case 'R': reverse = 1; break;
		case 'T': tun = 1; break;
		default: usage();
		}
	}
	if ((ifname == NULL && !dry) || optind >= argc)
		usage();
	if (nflows < 0 || nflows > 10000) {
		fprintf(stderr, "send-frames: -F takes 1..10000 flows\n");
		return 64;
	}
	for (int i = optind; i < argc; i++) {
		if (nspecs == (int)(sizeof specs / sizeof specs[0]) ||
		    parse_spec(argv[i], &specs[nspecs++]))
			return 64;
	}
	if (count <= 0)
		count = nspecs;

	if (dry)
		goto frames;
	if (tun) {
		/* Attach to the tun device: what we write, it receives. */
		fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			perror("send-frames: /dev/net/tun");
			return 1;
		}
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			fprintf(stderr, "send-frames: TUNSETIFF %s: %s\n",
				ifname, strerror(errno));
			return 1;
		}
		goto frames;
	}
	/* Protocol 0: this socket only sends, it never receives a frame. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("send-frames: socket");
		return 1;
	}
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == 0) {
		fprintf(stderr, "send-frames: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	if (!have_src) {
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
			perror("send-frames: SIOCGIFHWADDR");
			return 1;
		}
		memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	}

frames:
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	clock_gettime(CLOCK_REALTIME, &start);
	print_time("start", &start);
	next = start;
	for (long i = 0; i < count; i++) {
		const struct spec *sp = &specs[i % nspecs];
		uint32_t seq = (uint32_t)(seq0 + i);
		uint8_t frame[MAX_FRAME];
		struct sockaddr_ll to;
		/* With -T, the frame from its network header on. */
		int off = tun ? l2_len(sp->kind) : 0, len = sp->len - off;
		ssize_t r;

		build(frame, sp->kind, sp->len, seq, end_marker && i == count - 1,
		      nflows ? (i / nspecs) % nflows : -1);
		memset(&to, 0, sizeof to);
		to.sll_family = AF_PACKET;
		to.sll_ifindex = ifindex;
		to.sll_halen = 6;
		memcpy(to.sll_addr, frame, 6);
		if (pps > 0 && i > 0) {
			next.tv_nsec += 1000000000L / pps;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &next, NULL);
		}
		if (dry)
			r = len;
		else if (tun)
			r = write(fd, frame + off, (size_t)len);
		else
			r = sendto(fd, frame, (size_t)len, 0,
				   (struct sockaddr *)&to, sizeof to);
		if (r != len) {
			fprintf(stderr, "send-frames: frame %u (%s@%d): %s\n",
				seq, sp->kind->name, sp->len,
				r < 0 ? strerror(errno) : "short write");
			break;
		}
		sent++;
		if (!quiet) {
			printf("frame %u %d ", seq, len);
			for (int j = off; j < sp->len; j++)
				printf("%02x", frame[j]);
			printf(" %s\n", sp->arg);
		}
	}
	clock_gettime(CLOCK_REALTIME, &end);
	print_time("end", &end);
	printf("sent %ld\n", sent);
	if (fd >= 0)
		close(fd);
	return sent == count ? 0 : 1;
}
