/*
 * gen-pcap.c: writes a synthetic pcap file for the benchmarks, without any
 * libpcap: COUNT Ethernet frames of SIZE bytes.  "plain" is IPv4/UDP with
 * varying addresses and ports; "mixed" adds TCP (with SYNs), ICMP, IPv6,
 * VLAN-tagged and ARP frames so filters have something to choose from.
 *
 *   gen-pcap OUT COUNT SIZE [plain|mixed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
	/* xorshift32: deterministic, so every run benchmarks the same bytes. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t ethernet(uint8_t *f, unsigned ethertype, int vlan)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 2 };
	size_t off = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		put16(f + off, 0x8100);
		put16(f + off + 2, 100 + (rng() & 7));
		off += 4;
	}
	put16(f + off, ethertype);
	return off + 2;
}

/* 198.18.0.0/15 addresses, a few hundred hosts so host lists can match. */
static void ipv4(uint8_t *ip, unsigned proto, unsigned total)
{
	uint32_t s = 0xc6120000u | (rng() & 0x1ff);
	uint32_t d = 0xc6130000u | (rng() & 0x1ff);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, total);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(s >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(d >> (24 - 8 * i));
	}
}

static void ports(uint8_t *l4)
{
	static const unsigned common[] = { 80, 443, 53, 22, 8080, 123 };

	put16(l4, 1024 + (rng() & 0x3fff));
	put16(l4 + 2, (rng() & 3) ? common[rng() % 6] : 1024 + (rng() & 0x7fff));
}

static void frame(uint8_t *f, size_t size, int mixed)
{
	unsigned kind = mixed ? rng() % 16 : 0;
	size_t l3;

	memset(f, 0, size);
	if (kind == 14) {		/* IPv6/UDP */
		l3 = ethernet(f, 0x86dd, 0);
		f[l3] = 0x60;
		put16(f + l3 + 4, (unsigned)(size - l3 - 40));
		f[l3 + 6] = 17;
		f[l3 + 7] = 64;
		f[l3 + 8] = 0x20;
		f[l3 + 9] = 0x01;
		f[l3 + 10] = 0x0d;
		f[l3 + 11] = 0xb8;
		f[l3 + 23] = (uint8_t)rng();
		f[l3 + 24] = 0x20;
		f[l3 + 25] = 0x01;
		f[l3 + 26] = 0x0d;
		f[l3 + 27] = 0xb8;
		f[l3 + 39] = (uint8_t)rng();
		ports(f + l3 + 40);
		return;
	}
	if (kind == 15) {		/* ARP */
		l3 = ethernet(f, 0x0806, 0);
		put16(f + l3, 1);
		put16(f + l3 + 2, 0x0800);
		f[l3 + 4] = 6;
		f[l3 + 5] = 4;
		put16(f + l3 + 6, 1);
		return;
	}
	l3 = ethernet(f, 0x0800, kind == 13);
	if (kind >= 8 && kind <= 11) {	/* TCP, some SYNs */
		ipv4(f + l3, 6, (unsigned)(size - l3));
		ports(f + l3 + 20);
		f[l3 + 32] = 0x50;
		f[l3 + 33] = (kind == 8) ? 0x02 : 0x10;
	} else if (kind == 12) {	/* ICMP echo */
		ipv4(f + l3, 1, (unsigned)(size - l3));
		f[l3 + 20] = 8;
	} else {			/* UDP */
		ipv4(f + l3, 17, (unsigned)(size - l3));
		ports(f + l3 + 20);
		put16(f + l3 + 24, (unsigned)(size - l3 - 20));
	}
}

int main(int argc, char **argv)
{
	FILE *out;
	unsigned long count;
	size_t size;
	int mixed;
	uint8_t f[65536];
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };

	if (argc < 4) {
		fprintf(stderr, "usage: gen-pcap OUT COUNT SIZE [plain|mixed]\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 10);
	size = strtoul(argv[3], NULL, 10);
	mixed = argc > 4 && strcmp(argv[4], "mixed") == 0;
	if (size < 60 || size > sizeof f) {
		fprintf(stderr, "gen-pcap: SIZE must be 60..65536\n");
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (out == NULL) {
		perror(argv[1]);
		return 1;
	}
	fwrite(hdr, sizeof hdr, 1, out);
	for (unsigned long i = 0; i < count; i++) {
		uint32_t rec[4] = { 1700000000u + (uint32_t)(i / 1000000),
				    (uint32_t)(i % 1000000), (uint32_t)size,
				    (uint32_t)size };

		frame(f, size, mixed);
		fwrite(rec, sizeof rec, 1, out);
		fwrite(f, size, 1, out);
	}
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
