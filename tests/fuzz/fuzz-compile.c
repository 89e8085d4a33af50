/*
 * fuzz-compile.c: libFuzzer target for pcap_compile.  The first input
 * byte picks a link type and whether to optimize, the rest is the filter
 * text.  A program that compiles must pass bpf_validate and run over a
 * few packets; any crash, leak or sanitizer report is a bug.  Name
 * lookups: tests/fuzz/run.sh runs this target without a network, so a
 * host name fails at once instead of waiting for DNS.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const int link_types[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
	DLT_IPV6, DLT_NULL, DLT_LOOP, DLT_PPP, DLT_IEEE802_11,
	DLT_IEEE802_11_RADIO, DLT_FDDI, DLT_IEEE802, DLT_SUNATM, DLT_MTP2,
	DLT_JUNIPER_ATM1, DLT_PFLOG, DLT_ARCNET, DLT_IP_OVER_FC, DLT_NFLOG,
};
#define N_LINK_TYPES (sizeof link_types / sizeof link_types[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u_char packet[96] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00, 0x00, 0x52, 0x00, 0x01,
		0x00, 0x00, 0x40, 0x06, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x01,
		0xc6, 0x12, 0x00, 0x02, 0x00, 0x50, 0x01, 0xbb,
	};
	struct bpf_program prog;
	struct pcap_pkthdr h = { .caplen = sizeof packet, .len = 1500 };
	pcap_t *p;
	char *text;

	if (size == 0)
		return 0;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	p = pcap_open_dead(link_types[(data[0] >> 1) % N_LINK_TYPES], 65535);
	if (p != NULL &&
	    pcap_compile(p, &prog, text, data[0] & 1, PCAP_NETMASK_UNKNOWN) == 0) {
		if (!bpf_validate(prog.bf_insns, (int)prog.bf_len))
			abort();
		/*
		 * Protochain's loop jumps backwards, and may spin on some
		 * packets in libpcap as in ours: run only forward programs.
		 */
		int forward = 1;
		for (u_int i = 0; i < prog.bf_len; i++)
			if (prog.bf_insns[i].code == (BPF_JMP | BPF_JA) &&
			    prog.bf_insns[i].k >= prog.bf_len)
				forward = 0;
		if (forward) {
			(void)pcap_offline_filter(&prog, &h, packet);
			h.caplen = 20;
			(void)pcap_offline_filter(&prog, &h, packet);
		}
		pcap_freecode(&prog);
	}
	if (p != NULL)
		pcap_close(p);
	free(text);
	return 0;
}
