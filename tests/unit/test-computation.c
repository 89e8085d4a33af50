/*
 * test-computation.c: the computation language.  (1) Errors name the
 * line, the column and what was expected.  (2) What the programs decide,
 * run by the interpreter on packets built here: which are kept, the
 * snapshot, and steering hashes that are the same both ways of a flow.
 * (3) The kernel runs the same programs (translated for a socket filter,
 * loaded, BPF_PROG_TEST_RUN) with the interpreter's results on every
 * packet (root and libbpf; else a SKIP line).
 *
 * usage: test-computation
 *        test-computation --members N TEXT   stdin: frames in hex, one a
 *            line; prints the member (hash % N) of each, or "drop" -- what
 *            the in-process path decides, for tests/integration
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter-jit/computation.h"
#include "filter-jit/ebpf.h"
#include "filter-jit/filter.h"
#include "tests/unit/check.h"

static const struct filter_target ether = {
	.linktype = DLT_EN10MB, .snaplen = 262144, .linux_vlan_ext = true,
};
static const struct bpf_aux_data no_vlan = { 0, 0 };

/* ------------------------------------------------------------------ */
/* Packets.                                                             */

struct pkt {
	uint8_t b[128];
	u_int len;
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 (or IPv6) + TCP/UDP, or ARP. */
static struct pkt make(const char *kind, unsigned a, unsigned b,
		       unsigned sport, unsigned dport, bool frag)
{
	struct pkt p = { .len = 74 };
	uint8_t *ip = p.b + 14;

	memcpy(p.b, "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a", 12);
	if (strcmp(kind, "arp") == 0) {
		put16(p.b + 12, 0x0806);
		p.len = 42;
		return p;
	}
	if (strncmp(kind, "ip6", 3) == 0) {
		put16(p.b + 12, 0x86dd);
		ip[0] = 0x60;
		ip[6] = strcmp(kind, "ip6tcp") == 0 ? 6 : 17;
		ip[7] = 64;
		memcpy(ip + 8, "\x20\x01\x0d\xb8", 4);
		ip[23] = (uint8_t)a;
		memcpy(ip + 24, "\x20\x01\x0d\xb8", 4);
		ip[39] = (uint8_t)b;
		put16(ip + 40, sport);
		put16(ip + 42, dport);
		p.len = 14 + 40 + 20;
		return p;
	}
	put16(p.b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 60);
	if (frag)
		put16(ip + 6, 0x2000);		/* more fragments */
	ip[8] = 64;
	ip[9] = strcmp(kind, "tcp") == 0 ? 6 : 17;
	ip[12] = 198, ip[13] = 18, ip[14] = 0, ip[15] = (uint8_t)a;
	ip[16] = 198, ip[17] = 18, ip[18] = 1, ip[19] = (uint8_t)b;
	put16(ip + 20, sport);
	put16(ip + 22, dport);
	return p;
}

/* The same flow the other way (addresses, ports and MACs swapped). */
static struct pkt reverse(const char *kind, unsigned a, unsigned b,
			  unsigned sport, unsigned dport)
{
	struct pkt p = make(kind, b, a, dport, sport, false);
	uint8_t mac[6];

	if (strncmp(kind, "ip6", 3) != 0) {	/* the /24s differ: swap */
		uint8_t *ip = p.b + 14, t[4];

		memcpy(t, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, t, 4);
		ip[15] = (uint8_t)b, ip[19] = (uint8_t)a;
		ip[14] = 1, ip[18] = 0;
	}
	memcpy(mac, p.b, 6);
	memcpy(p.b, p.b + 6, 6);
	memcpy(p.b + 6, mac, 6);
	return p;
}

static u_int run(const struct bpf_program *prog, const struct pkt *p)
{
	return bpf_interp(prog->bf_insns, p->b, p->len, p->len, &no_vlan);
}

static struct computation_programs compile_ok(const char *text)
{
	struct computation_programs c;
	char err[PCAP_ERRBUF_SIZE];

	if (computation_compile(text, "test", &ether, &c, err) != 0) {
		char m[600];

		snprintf(m, sizeof m, "'%s': %s", text, err);
		check_fail(__FILE__, __LINE__, m);
		memset(&c, 0, sizeof c);
	}
	return c;
}

/* ------------------------------------------------------------------ */

static void test_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "", "test:1:1: empty computation" },
		{ "ip >->", "test:1:7: expected a predicate" },
		{ "ip >-> steer_sideways", "test:1:8: expected a predicate" },
		{ "ip\n  udp", "test:2:3: expected '>->' or the end, got 'udp'" },
		{ "port http", "expected a port (0 to 65535), got 'http'" },
		{ "port 70000", "expected a port (0 to 65535), got '70000'" },
		{ "when tcp steer_flow", "expected '(', got 'steer_flow'" },
		{ "when tcp (steer_flow", "test:1:21: expected ')', got 'the end'" },
		{ "conditional tcp (drop)", "expected '(', got 'the end'" },
		{ "steer_field 12 3", "steer_field: the length is 1, 2 or 4" },
		{ "when udp (snap 64)", "snap: only at the top level" },
		{ "filter \"tcp port\"", "test:1:1:" },
		{ "filter tcp", "expected a quoted pcap-filter expression" },
		{ "addr 10.0.0.0/8x", "expected an address" },
		{ "filter \"ip", "unterminated string" },
		{ "when tcp (steer_rrobin)", "steer_rrobin: only at the top level" },
		{ "steer_rss >-> steer_flow", "do not mix with other steering" },
		{ "sample 0", "sample: the rate is 1 or more" },
		{ "udp >-> sample 0", "test:1:16: sample: the rate is 1 or more" },
		{ "snap 0", "snap: 1 byte or more" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct computation_programs c;
		char err[PCAP_ERRBUF_SIZE];

		if (computation_compile(bad[i].text, "test", &ether, &c,
					err) == 0) {
			char m[300];

			snprintf(m, sizeof m, "'%s' compiled", bad[i].text);
			check_fail(__FILE__, __LINE__, m);
			computation_free(&c);
		} else if (strstr(err, bad[i].want) == NULL) {
			char m[600];

			snprintf(m, sizeof m, "'%s': got '%s', want '%s'",
				 bad[i].text, err, bad[i].want);
			check_fail(__FILE__, __LINE__, m);
		}
	}
	/* steering needs Ethernet */
	{
		struct filter_target raw = { .linktype = DLT_RAW,
					     .snaplen = 262144 };
		struct computation_programs c;
		char err[PCAP_ERRBUF_SIZE];

		CHECK(computation_compile("steer_flow", "t", &raw, &c, err) != 0);
		CHECK(strstr(err, "steering and sampling need Ethernet") != NULL);
	}
}

static void test_filters(void)
{
	static const struct {
		const char *text;
		const char *kept;	/* of: udp tcp ip6 arp frag */
	} cases[] = {
		{ "udp", "udp ip6 frag" },
		{ "tcp >-> drop", "" },
		{ "ip", "udp tcp frag" },
		{ "not ip", "ip6 arp" },
		{ "when tcp (drop)", "udp ip6 arp frag" },
		{ "unless tcp (drop)", "tcp" },
		{ "conditional ip6 (udp) (drop)", "ip6" },
		{ "no_frag", "udp tcp ip6 arp" },
		{ "ip and (udp or tcp) >-> steer_flow", "udp tcp frag" },
		{ "port 53", "udp ip6" },
		{ "dst_port 53 or src_port 80", "udp tcp ip6" },
		{ "src_addr 198.18.0.0/24", "udp tcp frag" },
		{ "dst_addr 198.18.0.0/24", "" },
		{ "filter \"ip6 or arp\" >-> vlan", "" },
		{ "filter \"ip6 or arp\"", "ip6 arp" },
		{ "icmp", "" },
	};
	const struct { const char *name; struct pkt p; } pkts[] = {
		{ "udp", make("udp", 1, 2, 1000, 53, false) },
		{ "tcp", make("tcp", 1, 2, 80, 2000, false) },
		{ "ip6", make("ip6", 1, 2, 1000, 53, false) },
		{ "arp", make("arp", 0, 0, 0, 0, false) },
		{ "frag", make("udp", 1, 2, 1000, 80, true) },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct computation_programs c = compile_ok(cases[i].text);

		for (size_t j = 0; c.filter.bf_insns && j < 5; j++) {
			bool want = strstr(cases[i].kept, pkts[j].name) != NULL;
			bool got = run(&c.filter, &pkts[j].p) != 0;

			if (got != want) {
				char m[300];

				snprintf(m, sizeof m, "'%s' on %s: %s",
					 cases[i].text, pkts[j].name,
					 got ? "kept" : "dropped");
				check_fail(__FILE__, __LINE__, m);
			}
		}
		computation_free(&c);
	}
	/* the snapshot */
	{
		struct computation_programs c = compile_ok("snap 96 >-> udp");

		CHECK_INT(run(&c.filter, &pkts[0].p), 96);
		CHECK_INT(run(&c.filter, &pkts[1].p), 0);
		CHECK(c.steer.bf_insns == NULL);
		computation_free(&c);
	}
}

static void test_steering(void)
{
	static const char *const steers[] = {
		"steer_flow", "steer_ip", "steer_mac",
		"udp >-> steer_flow", "conditional tcp (steer_flow) (steer_ip)",
	};
	static const char *const kinds[] = { "udp", "tcp", "ip6", "ip6tcp" };

	for (size_t i = 0; i < sizeof steers / sizeof steers[0]; i++) {
		struct computation_programs c = compile_ok(steers[i]);
		unsigned distinct = 0, first = 0;

		if (c.steer.bf_insns == NULL) {
			check_fail(__FILE__, __LINE__, "no steering program");
			continue;
		}
		for (unsigned f = 0; f < 40; f++)
			for (size_t k = 0; k < 4; k++) {
				struct pkt a = make(kinds[k], f, f * 7 + 3,
						    1000 + f, 2000 + 3 * f, false);
				struct pkt b = reverse(kinds[k], f, f * 7 + 3,
						       1000 + f, 2000 + 3 * f);
				u_int ha = run(&c.steer, &a), hb = run(&c.steer, &b);

				if (ha != hb) {
					char m[300];

					snprintf(m, sizeof m, "'%s': %s flow %u: "
						 "%u one way, %u the other",
						 steers[i], kinds[k], f, ha, hb);
					check_fail(__FILE__, __LINE__, m);
				}
				if (f == 0 && k == 0)
					first = ha;
				distinct += ha != first;
			}
		/* steer_mac: every packet has the same MACs */
		if (i != 2)
			CHECK(distinct > 100);
		computation_free(&c);
	}
	/* steer_field takes the field */
	{
		struct computation_programs c = compile_ok("steer_field 23 1");
		struct pkt u = make("udp", 1, 2, 3, 4, false);
		struct pkt t = make("tcp", 1, 2, 3, 4, false);

		CHECK(run(&c.steer, &u) != run(&c.steer, &t));
		computation_free(&c);
	}
}

static void test_sampling(void)
{
	struct computation_programs c = compile_ok("sample 4");
	unsigned kept = 0;

	CHECK(c.steer.bf_insns == NULL);
	for (unsigned f = 0; c.filter.bf_insns && f < 400; f++) {
		struct pkt a = make("udp", f, f * 3 + 1, 1000 + f, 53, false);
		struct pkt b = reverse("udp", f, f * 3 + 1, 1000 + f, 53);
		u_int ka = run(&c.filter, &a), kb = run(&c.filter, &b);

		CHECK(ka == kb);		/* both ways of a flow */
		CHECK(ka == run(&c.filter, &a));	/* every packet alike */
		kept += ka != 0;
	}
	/* about 100 of 400 flows */
	CHECK(kept > 60 && kept < 140);
	computation_free(&c);
	c = compile_ok("steer_rrobin");
	CHECK(c.fanout == COMPUTATION_FANOUT_LB && c.steer.bf_insns == NULL);
	computation_free(&c);
	c = compile_ok("udp >-> steer_rss");
	CHECK(c.fanout == COMPUTATION_FANOUT_HASH);
	computation_free(&c);
	c = compile_ok("steer_ip");
	CHECK(c.fanout == COMPUTATION_FANOUT_PROGRAM);
	computation_free(&c);
}

/* The kernel runs the programs as the interpreter does. */
static void test_kernel(void)
{
	static const char *const corpus[] = {
		"udp", "ip >-> steer_flow", "udp >-> steer_flow", "steer_ip",
		"steer_mac", "steer_vlan", "steer_field 26 4",
		"no_frag >-> steer_flow", "when tcp (steer_ip) >-> not ip6",
		"conditional ip6 (steer_flow) (steer_mac)",
		"unless udp (drop) >-> port 53", "snap 64 >-> ip6",
		"filter \"tcp[tcpflags] & tcp-syn != 0\" >-> steer_flow",
		"sample 3", "udp >-> sample 2 >-> steer_mac",
	};
	static const char *const kinds[] = { "udp", "tcp", "ip6", "ip6tcp",
					     "arp" };
	long runs = 0, diffs = 0;
	bool kernel = geteuid() == 0;

	for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
		struct computation_programs c = compile_ok(corpus[i]);
		const struct bpf_program *progs[2] = { &c.filter, &c.steer };

		for (int w = 0; w < 2; w++) {
			struct ebpf_prog ep;
			char err[EBPF_ERRBUF_SIZE];
			int fd;

			if (progs[w]->bf_insns == NULL)
				continue;
			if (cbpf_to_ebpf(progs[w]->bf_insns, progs[w]->bf_len,
					 EBPF_CTX_SOCKET, &ep, err) != 0) {
				char m[400];

				snprintf(m, sizeof m, "'%s': %s", corpus[i], err);
				check_fail(__FILE__, __LINE__, m);
				continue;
			}
			fd = kernel ? ebpf_prog_load(&ep, EBPF_CTX_SOCKET, NULL,
						     0, err) : -1;
			ebpf_prog_free(&ep);
			if (fd < 0) {
				kernel = false;
				continue;
			}
			for (unsigned f = 0; f < 30; f++)
				for (size_t k = 0; k < 5; k++) {
					struct pkt p = make(kinds[k], f, 2 * f,
							    53 + f, 80 * f,
							    f % 7 == 0);
					/* the test run's skb starts past the
					 * Ethernet header: so does the
					 * interpreter's packet */
					u_int want = bpf_interp(
						progs[w]->bf_insns, p.b + 14,
						p.len - 14, p.len - 14, &no_vlan);
					uint32_t got;

					if (ebpf_prog_test_run(fd, p.b, p.len,
							       &got, err) != 0)
						continue;
					runs++;
					diffs += got != want;
				}
			close(fd);
		}
		computation_free(&c);
	}
	if (!kernel && runs == 0) {
		printf("SKIP test_kernel: needs root and libbpf\n");
		return;
	}
	printf("# kernel: %ld test runs, %ld differences\n", runs, diffs);
	CHECK(runs > 500);
	CHECK_INT(diffs, 0);
}

/* --members N TEXT: the in-process member of each frame on stdin. */
static int members(unsigned n, const char *text)
{
	struct computation_programs c;
	char err[PCAP_ERRBUF_SIZE], line[4096];
	unsigned rrobin = 0;

	if (n == 0 || computation_compile(text, "argument", &ether, &c,
					  err) != 0) {
		fprintf(stderr, "%s\n", n ? err : "N must be at least 1");
		return 2;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		uint8_t b[2048];
		u_int len = 0;

		for (char *h = line; h[0] && h[1] && h[0] != '\n' &&
				     len < sizeof b; h += 2) {
			unsigned v;

			if (sscanf(h, "%2x", &v) != 1)
				break;
			b[len++] = (uint8_t)v;
		}
		if (bpf_interp(c.filter.bf_insns, b, len, len, &no_vlan) == 0)
			puts("drop");
		else if (c.fanout == COMPUTATION_FANOUT_LB)
			printf("%u\n", rrobin++ % n);	/* the kernel's order */
		else if (c.steer.bf_insns == NULL)
			puts("0");
		else
			printf("%u\n", bpf_interp(c.steer.bf_insns, b, len, len,
						  &no_vlan) % n);
	}
	computation_free(&c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--members") == 0)
		return members((unsigned)atoi(argv[2]), argv[3]);
	RUN(test_errors);
	RUN(test_filters);
	RUN(test_steering);
	RUN(test_sampling);
	RUN(test_kernel);
	CHECK_EXIT();
}
