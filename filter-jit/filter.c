/*
 * filter.c: installing a program as the handle's user-space filter, and
 * spotting programs whose verdict does not depend on the packet.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter-jit/filter.h"
#include "filter-jit/jit.h"

/* ACCEL_JIT=0 keeps every program on the interpreter. */
static bool jit_wanted(void)
{
	const char *v = getenv(ACCEL_ENV_JIT);

	return v == NULL || strcmp(v, "0") != 0;
}

/* "ret #k" with k != 0 as the first instruction accepts every packet. */
static bool accepts_everything(const struct bpf_insn *insns, u_int len)
{
	return len > 0 && insns[0].code == (BPF_RET | BPF_K) && insns[0].k != 0;
}

int user_filter_set(struct user_filter *f, const struct bpf_program *prog)
{
	struct bpf_insn *copy = NULL;
	size_t size;

	if (prog != NULL && prog->bf_insns != NULL) {
		size = sizeof *copy * prog->bf_len;
		copy = malloc(size ? size : 1);
		if (copy == NULL)
			return -1;
		memcpy(copy, prog->bf_insns, size);
	}
	user_filter_clear(f);
	f->insns = copy;
	f->len = copy != NULL ? prog->bf_len : 0;
	f->accept_all = copy != NULL && accepts_everything(copy, f->len);
	/* A program the JIT refuses (or cannot map) runs interpreted. */
	if (copy != NULL && !f->accept_all && jit_wanted())
		f->jit = bpf_jit_compile(copy, f->len, &f->jit_size);
	return 0;
}

void user_filter_clear(struct user_filter *f)
{
	bpf_jit_free(f->jit, f->jit_size);
	f->jit = NULL;
	f->jit_size = 0;
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
	f->accept_all = false;
}
