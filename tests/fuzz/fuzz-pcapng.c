/*
 * fuzz-pcapng.c: libFuzzer target for the pcapng reader.  Every input is
 * given the section header block type first, so all of them reach the
 * pcapng path; the fuzzer supplies the rest of the blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz-savefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t shb_type[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	uint8_t *buf = malloc(size + 4);

	if (buf == NULL)
		return 0;
	memcpy(buf, shb_type, 4);
	memcpy(buf + 4, data, size);
	fuzz_savefile(buf, size + 4);
	free(buf);
	return 0;
}
