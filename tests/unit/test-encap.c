/*
 * test-encap.c: the encapsulation generators where the differential runner
 * cannot reach them.  On live Linux handles libpcap reads the outer VLAN
 * tag from packet metadata (filter_target.linux_vlan_ext); dead and
 * savefile handles never do, so filter-diff.sh only sees the in-packet
 * variant.  The listings below are what the system libpcap 1.10.3 prints
 * (bpf_dump) for a live "lo" handle with the optimizer off.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "filter-jit/filter.h"
#include "tests/unit/check.h"

/* Compile for Ethernet; 0 or -1 with the message in errbuf. */
static int compile_en10mb(const char *expr, bool vlan_ext, int optimize,
			  struct bpf_program *prog, char *errbuf)
{
	struct filter_target t = {
		.linktype = DLT_EN10MB,
		.snaplen = 262144,
		.linux_vlan_ext = vlan_ext,
	};

	return filter_compile(&t, expr, optimize, PCAP_NETMASK_UNKNOWN, prog,
			      errbuf);
}

/* The program as bpf_dump(prog, 1) prints it, or the error. */
static char *listing(const char *expr, bool vlan_ext, int optimize)
{
	static char out[16384];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	size_t n = 0;

	if (compile_en10mb(expr, vlan_ext, optimize, &prog, errbuf) != 0) {
		snprintf(out, sizeof out, "error: %s", errbuf);
		return out;
	}
	out[0] = '\0';
	for (u_int i = 0; i < prog.bf_len && n < sizeof out; i++)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s\n",
				      bpf_image(&prog.bf_insns[i], (int)i));
	pcap_freecode(&prog);
	return out;
}

static const struct {
	const char *expr;
	const char *want;
} metadata_listings[] = {
	{ "vlan",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[1]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 18\n"
	  "(017) ret      #262144\n"
	  "(018) ret      #0\n"
	},
	{ "vlan 10 and ip",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[1]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 28\n"
	  "(017) ldb      [vlanp]\n"
	  "(018) jeq      #0x1             jt 19\tjf 21\n"
	  "(019) ldb      [vlan_tci]\n"
	  "(020) ja       22\n"
	  "(021) ldh      [14]\n"
	  "(022) and      #0xfff\n"
	  "(023) jeq      #0xa             jt 24\tjf 28\n"
	  "(024) ldx      M[1]\n"
	  "(025) ldh      [x + 12]\n"
	  "(026) jeq      #0x800           jt 27\tjf 28\n"
	  "(027) ret      #262144\n"
	  "(028) ret      #0\n"
	},
	{ "not vlan or arp",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[1]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 21\n"
	  "(017) ldx      M[1]\n"
	  "(018) ldh      [x + 12]\n"
	  "(019) jeq      #0x806           jt 21\tjf 20\n"
	  "(020) ret      #0\n"
	  "(021) ret      #262144\n"
	},
	{ "vlan and vlan 20 and tcp",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[1]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 49\n"
	  "(017) ldx      M[1]\n"
	  "(018) ldh      [x + 12]\n"
	  "(019) jeq      #0x8100          jt 26\tjf 20\n"
	  "(020) ldx      M[1]\n"
	  "(021) ldh      [x + 12]\n"
	  "(022) jeq      #0x88a8          jt 26\tjf 23\n"
	  "(023) ldx      M[1]\n"
	  "(024) ldh      [x + 12]\n"
	  "(025) jeq      #0x9100          jt 26\tjf 49\n"
	  "(026) ldx      M[0]\n"
	  "(027) ldh      [x + 14]\n"
	  "(028) and      #0xfff\n"
	  "(029) jeq      #0x14            jt 30\tjf 49\n"
	  "(030) ldx      M[1]\n"
	  "(031) ldh      [x + 16]\n"
	  "(032) jeq      #0x800           jt 33\tjf 36\n"
	  "(033) ldx      M[0]\n"
	  "(034) ldb      [x + 27]\n"
	  "(035) jeq      #0x6             jt 48\tjf 36\n"
	  "(036) ldx      M[1]\n"
	  "(037) ldh      [x + 16]\n"
	  "(038) jeq      #0x86dd          jt 39\tjf 49\n"
	  "(039) ldx      M[0]\n"
	  "(040) ldb      [x + 24]\n"
	  "(041) jeq      #0x6             jt 48\tjf 42\n"
	  "(042) ldx      M[0]\n"
	  "(043) ldb      [x + 24]\n"
	  "(044) jeq      #0x2c            jt 45\tjf 49\n"
	  "(045) ldx      M[0]\n"
	  "(046) ldb      [x + 58]\n"
	  "(047) jeq      #0x6             jt 48\tjf 49\n"
	  "(048) ret      #262144\n"
	  "(049) ret      #0\n"
	},
	{ "vlan and mpls 5 and ip",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[1]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 33\n"
	  "(017) ldx      M[1]\n"
	  "(018) ldh      [x + 12]\n"
	  "(019) jeq      #0x8847          jt 20\tjf 33\n"
	  "(020) ldx      M[0]\n"
	  "(021) ld       [x + 14]\n"
	  "(022) and      #0xfffff000\n"
	  "(023) jeq      #0x5000          jt 24\tjf 33\n"
	  "(024) ldx      M[0]\n"
	  "(025) ldb      [x + 16]\n"
	  "(026) and      #0x1\n"
	  "(027) jeq      #0x1             jt 28\tjf 33\n"
	  "(028) ldx      M[0]\n"
	  "(029) ldb      [x + 18]\n"
	  "(030) and      #0xf0\n"
	  "(031) jeq      #0x40            jt 32\tjf 33\n"
	  "(032) ret      #262144\n"
	  "(033) ret      #0\n"
	},
	{ "vlan and pppoes 3 and ip",
	  "(000) ld       #0x0\n"
	  "(001) st       M[0]\n"
	  "(002) st       M[0]\n"
	  "(003) ldb      [vlanp]\n"
	  "(004) jeq      #0x1             jt 17\tjf 5\n"
	  "(005) ld       M[0]\n"
	  "(006) add      #4\n"
	  "(007) st       M[0]\n"
	  "(008) ld       M[1]\n"
	  "(009) add      #4\n"
	  "(010) st       M[1]\n"
	  "(011) ldh      [12]\n"
	  "(012) jeq      #0x8100          jt 17\tjf 13\n"
	  "(013) ldh      [12]\n"
	  "(014) jeq      #0x88a8          jt 17\tjf 15\n"
	  "(015) ldh      [12]\n"
	  "(016) jeq      #0x9100          jt 17\tjf 28\n"
	  "(017) ldx      M[1]\n"
	  "(018) ldh      [x + 12]\n"
	  "(019) jeq      #0x8864          jt 20\tjf 28\n"
	  "(020) ldx      M[0]\n"
	  "(021) ld       [x + 14]\n"
	  "(022) and      #0xffff\n"
	  "(023) jeq      #0x3             jt 24\tjf 28\n"
	  "(024) ldx      M[0]\n"
	  "(025) ldh      [x + 20]\n"
	  "(026) jeq      #0x21            jt 27\tjf 28\n"
	  "(027) ret      #262144\n"
	  "(028) ret      #0\n"
	},
};

static void test_vlan_metadata_listings(void)
{
	for (size_t i = 0; i < sizeof metadata_listings /
			       sizeof metadata_listings[0]; i++)
		CHECK_STR(listing(metadata_listings[i].expr, true, 0),
			  metadata_listings[i].want);
}

static bool reads_metadata(const char *expr, bool vlan_ext)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	bool found = false;

	if (compile_en10mb(expr, vlan_ext, 0, &prog, errbuf) != 0)
		return false;
	for (u_int i = 0; i < prog.bf_len; i++)
		if (BPF_CLASS(prog.bf_insns[i].code) == BPF_LD &&
		    prog.bf_insns[i].k >= BPF_AUX_OFF)
			found = true;
	pcap_freecode(&prog);
	return found;
}

/* Only the outermost header, on a live handle, can have its tag in
 * metadata. */
static void test_vlan_metadata_only_when_possible(void)
{
	char plain[16384];

	CHECK(reads_metadata("vlan", true));
	CHECK(reads_metadata("tcp and vlan 3", true));
	CHECK(!reads_metadata("vlan", false));
	CHECK(!reads_metadata("vlan 10 and vlan 20", false));

	/* inside Geneve the link header is variable: same code either way */
	snprintf(plain, sizeof plain, "%s", listing("geneve and vlan 3",
						    false, 0));
	CHECK_STR(listing("geneve and vlan 3", true, 0), plain);
	CHECK(strncmp(plain, "error", 5) != 0);

	/* the checks come before any metadata code */
	CHECK_STR(listing("mpls and vlan", true, 0),
		  "error: no VLAN match after MPLS");
	CHECK_STR(listing("vlan 4096", true, 0),
		  "error: VLAN tag 4096 greater than maximum 4095");
}

/* An Ethernet frame: dst, src, then the given type/TPID words. */
static size_t frame(uint8_t *p, const uint16_t *words, size_t n_words)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	size_t len = sizeof macs;

	memcpy(p, macs, sizeof macs);
	for (size_t i = 0; i < n_words; i++) {
		p[len++] = (uint8_t)(words[i] >> 8);
		p[len++] = (uint8_t)words[i];
	}
	memset(p + len, 0x45, 40);	/* something IPv4-looking */
	return len + 40;
}

static u_int run(const char *expr, int optimize, const uint8_t *pkt,
		 size_t len, const struct bpf_aux_data *aux)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	u_int r;

	if (compile_en10mb(expr, true, optimize, &prog, errbuf) != 0)
		return 0xdead;
	r = bpf_interp(prog.bf_insns, pkt, (u_int)len, (u_int)len, aux);
	pcap_freecode(&prog);
	return r;
}

/*
 * What the metadata variant means at run time: the outer tag is either
 * in metadata (the frame then looks untagged) or still in the frame, and
 * what follows is found in both cases.
 */
static void test_vlan_metadata_verdicts(void)
{
	static const uint16_t untagged_ip[] = { 0x0800 };
	static const uint16_t tagged10_ip[] = { 0x8100, 0x000a, 0x0800 };
	static const uint16_t tagged10_arp[] = { 0x8100, 0x000a, 0x0806 };
	static const uint16_t inner20_ip[] = { 0x88a8, 0x0014, 0x0800 };
	const struct bpf_aux_data tag10 = { .vlan_tag = 10,
					    .vlan_tag_present = 1 };
	const struct bpf_aux_data tag11 = { .vlan_tag = 11,
					    .vlan_tag_present = 1 };
	const struct bpf_aux_data none = { 0 };
	uint8_t p[128];
	size_t n;

	for (int opt = 0; opt <= 1; opt++) {
		n = frame(p, untagged_ip, 1);
		CHECK(run("vlan 10 and ip", opt, p, n, &tag10) != 0);
		CHECK_INT(run("vlan 10 and ip", opt, p, n, &tag11), 0);
		CHECK_INT(run("vlan 10 and ip", opt, p, n, &none), 0);
		CHECK_INT(run("vlan 10 and ip", opt, p, n, NULL), 0);
		CHECK(run("vlan and ip", opt, p, n, &tag11) != 0);

		n = frame(p, tagged10_ip, 3);
		CHECK(run("vlan 10 and ip", opt, p, n, &none) != 0);
		CHECK_INT(run("vlan 11 and ip", opt, p, n, &none), 0);
		/* tag in metadata too: the frame's own tag is the inner one */
		CHECK_INT(run("vlan 10 and ip", opt, p, n, &tag10), 0);
		CHECK(run("vlan 10 and vlan 10 and ip", opt, p, n, &tag10) != 0);

		n = frame(p, tagged10_arp, 3);
		CHECK_INT(run("vlan 10 and ip", opt, p, n, &none), 0);
		CHECK(run("vlan 10 and arp", opt, p, n, &none) != 0);

		n = frame(p, inner20_ip, 3);
		CHECK(run("vlan 10 and vlan 20 and ip", opt, p, n, &tag10) != 0);
		CHECK_INT(run("vlan 10 and vlan 21 and ip", opt, p, n, &tag10),
			  0);
		CHECK(run("not vlan or ip", opt, p, n, &tag10) == 0);
	}
}

/* libpcap compiles "geneve" with the optimizer off, whatever is asked. */
static void test_geneve_is_never_optimized(void)
{
	char unopt[16384];

	snprintf(unopt, sizeof unopt, "%s", listing("geneve 0xb and tcp",
						    false, 0));
	CHECK_STR(listing("geneve 0xb and tcp", false, 1), unopt);
	CHECK(strstr(unopt, "jeq      #0x6558") != NULL);
}

int main(void)
{
	RUN(test_vlan_metadata_listings);
	RUN(test_vlan_metadata_only_when_possible);
	RUN(test_vlan_metadata_verdicts);
	RUN(test_geneve_is_never_optimized);
	CHECK_EXIT();
}
