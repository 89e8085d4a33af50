/*
 * fuzz-pcap.c: libFuzzer target for the pcap reader.  The first input byte
 * picks one of the six pcap magic numbers (µs, ns, modified; both byte
 * orders) so every input exercises the pcap path; the rest follows it.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz-savefile.h"

static const uint8_t magics[6][4] = {
	{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },
	{ 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },
	{ 0x34, 0xcd, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xcd, 0x34 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size == 0)
		return 0;
	buf = malloc(size + 3);
	if (buf == NULL)
		return 0;
	memcpy(buf, magics[data[0] % 6], 4);
	memcpy(buf + 4, data + 1, size - 1);
	fuzz_savefile(buf, size + 3);
	free(buf);
	return 0;
}
