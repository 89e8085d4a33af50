/*
 * send-frames.c: injects a described list of Ethernet frames on one
 * interface through a raw AF_PACKET socket (no libpcap), so the live
 * tests have a sender that does not depend on the library under test.
 *
 *   send-frames -i IF [-d DSTMAC] [-a SRCMAC] [-s SEQ0] [-n COUNT]
 *               [-r PPS] [-E] [-q] [-x] KIND[@LEN]...
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
 * Prints "start SEC.NSEC" (CLOCK_REALTIME before the first frame), one
 * "frame SEQ LEN HEX KIND[@LEN]" per frame (not with -q), "end SEC.NSEC"
 * after the last, and "sent N".  Exits 1 if a frame could not be sent
 * whole.  -x only prints the frames (for a library's pcap_inject to send).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_packet.h>
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

static int header_len(const struct kind *k)
{
	int n = 14 + (k->tags[0][0] ? 4 : 0) + (k->tags[1][0] ? 4 : 0);

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
static void build(uint8_t *b, const struct kind *k, int len, uint32_t seq,
		  int last)
{
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

		put16(p, 0x0800);
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)l3len);
		put16(ip + 4, (uint16_t)seq);
		ip[8] = 64;
		ip[9] = udp ? 17 : 6;
		put32(ip + 12, 0xc6120001);			/* 198.18.0.1 */
		put32(ip + 16, k->dst == 1 ? 0xc612ffff : 0xc6120002);
		put16(ip + 10, ip_checksum(ip, 20));
		put16(l4, 5000);
		put16(l4 + 2, udp ? 7001 : 80);
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

		put16(p, 0x86dd);
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(l3len - 40));
		ip[6] = 17;
		ip[7] = 64;
		put32(ip + 8, 0x20010db8);			/* 2001:db8::1 */
		ip[23] = 1;
		put32(ip + 24, 0x20010db8);			/* 2001:db8::2 */
		ip[39] = 2;
		put16(udp, 5000);
		put16(udp + 2, 7001);
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
		"[-s SEQ0] [-n COUNT] [-r PPS] [-E] [-q] KIND[@LEN]...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	long count = 0, seq0 = 0, pps = 0;
	int quiet = 0, end_marker = 0, have_src = 0, dry = 0, opt;
	int fd = -1, ifindex = 0;
	struct spec specs[256];
	int nspecs = 0;
	struct timespec start, end, next;
	struct ifreq ifr;
	long sent = 0;

	while ((opt = getopt(argc, argv, "i:d:a:s:n:r:Eqx")) != -1) {
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
		default: usage();
		}
	}
	if ((ifname == NULL && !dry) || optind >= argc)
		usage();
	for (int i = optind; i < argc; i++) {
		if (nspecs == (int)(sizeof specs / sizeof specs[0]) ||
		    parse_spec(argv[i], &specs[nspecs++]))
			return 64;
	}
	if (count <= 0)
		count = nspecs;

	if (dry)
		goto frames;
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
		ssize_t r;

		build(frame, sp->kind, sp->len, seq, end_marker && i == count - 1);
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
		r = dry ? sp->len : sendto(fd, frame, (size_t)sp->len, 0,
					   (struct sockaddr *)&to, sizeof to);
		if (r != sp->len) {
			fprintf(stderr, "send-frames: frame %u (%s@%d): %s\n",
				seq, sp->kind->name, sp->len,
				r < 0 ? strerror(errno) : "short write");
			break;
		}
		sent++;
		if (!quiet) {
			printf("frame %u %d ", seq, sp->len);
			for (int j = 0; j < sp->len; j++)
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
