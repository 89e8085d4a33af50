/*
 * fuzz-computation.c: libFuzzer target for the computation language.
 * The input is the text; one that compiles gives a filter (and perhaps a
 * steering program) that must pass bpf_validate and run over a few
 * packets; one that does not must say why.  Name lookups: like
 * fuzz-compile, run without a network (tests/fuzz/run.sh).
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter-jit/computation.h"
#include "filter-jit/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct filter_target ether = {
		.linktype = DLT_EN10MB, .snaplen = 262144,
		.linux_vlan_ext = true,
	};
	static const u_char packet[80] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00, 0x00, 0x42, 0x00, 0x01,
		0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x01,
		0xc6, 0x12, 0x00, 0x02, 0x00, 0x35, 0x01, 0xbb,
	};
	const struct bpf_aux_data aux = { 0, 0 };
	struct computation_programs c;
	char errbuf[256] = "", *text;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (computation_compile(text, "fuzz", &ether, &c, errbuf) != 0) {
		if (errbuf[0] == '\0')
			abort();	/* an error without a reason */
	} else {
		if (!bpf_check(c.filter.bf_insns, (int)c.filter.bf_len) ||
		    (c.steer.bf_insns != NULL &&
		     !bpf_check(c.steer.bf_insns, (int)c.steer.bf_len)))
			abort();
		for (u_int len = 0; len <= sizeof packet; len += 20) {
			(void)bpf_interp(c.filter.bf_insns, packet, len, len, &aux);
			if (c.steer.bf_insns != NULL)
				(void)bpf_interp(c.steer.bf_insns, packet, len,
						 len, &aux);
		}
		computation_free(&c);
	}
	free(text);
	return 0;
}
