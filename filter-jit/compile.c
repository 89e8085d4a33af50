/*
 * compile.c: the compiler's driver (filter_compile: text to a classic BPF
 * program) and what every pass shares -- the arena all compile-time memory
 * lives in, failure by longjmp with the message in errbuf, and the scratch
 * register pool.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/filter.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	_Alignas(max_align_t) unsigned char mem[];
};

#define ARENA_CHUNK_MIN (64 * 1024)

_Noreturn void cc_fail(struct cc *cc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cc->errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	longjmp(cc->fail_jmp, 1);
}

void *cc_alloc(struct cc *cc, size_t size)
{
	struct arena_chunk *c = cc->arena;
	size_t align = _Alignof(max_align_t);

	size = (size + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->used < size) {
		size_t chunk = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;

		c = malloc(sizeof *c + chunk);
		if (c == NULL)
			cc_fail(cc, "out of memory");
		c->next = cc->arena;
		c->used = 0;
		c->size = chunk;
		cc->arena = c;
	}
	void *p = c->mem + c->used;
	c->used += size;
	return memset(p, 0, size);
}

char *cc_strdup(struct cc *cc, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(cc_alloc(cc, n), s, n);
}

void cc_arena_free(struct cc *cc)
{
	while (cc->arena != NULL) {
		struct arena_chunk *next = cc->arena->next;

		free(cc->arena);
		cc->arena = next;
	}
}

/* Registers are handed out round-robin from where the last search ended. */
int cc_alloc_reg(struct cc *cc)
{
	for (int tries = 0; tries < BPF_MEMWORDS; tries++) {
		if (!cc->reg_used[cc->reg_next]) {
			cc->reg_used[cc->reg_next] = true;
			return cc->reg_next;
		}
		cc->reg_next = (cc->reg_next + 1) % BPF_MEMWORDS;
	}
	cc_fail(cc, "too many registers needed to evaluate expression");
}

void cc_free_reg(struct cc *cc, int reg)
{
	cc->reg_used[reg] = false;
}

int filter_compile(const struct filter_target *target, const char *text,
		   int optimize, uint32_t netmask, struct bpf_program *prog,
		   char *errbuf)
{
	struct cc *volatile cc = calloc(1, sizeof *cc);
	struct bpf_insn *insns;
	unsigned len = 0;

	if (cc == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return -1;
	}
	cc->errbuf = errbuf;
	cc->linktype = target->linktype;
	cc->snaplen = target->snaplen;
	cc->linux_vlan_ext = target->linux_vlan_ext;
	cc->savefile = target->savefile;
	cc->swapped = target->swapped;
	cc->netmask = netmask;
	cc->optimize = optimize != 0;
	if (setjmp(cc->fail_jmp) != 0) {
		cc_arena_free(cc);
		free(cc);
		return -1;
	}
	cc_init_linktype(cc);
	cc_parse(cc, text != NULL ? text : "");
	insns = cc_generate(cc, &len);
	cc_arena_free(cc);
	free(cc);
	prog->bf_insns = insns;
	prog->bf_len = len;
	return 0;
}
