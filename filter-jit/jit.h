/*
 * jit.h: classic BPF compiled to native code.  The compiled function gives
 * exactly bpf_interp's verdicts; programs it cannot compile (backward
 * jumps, other architectures) are refused and stay on the interpreter.
 */
#ifndef ACCEL_JIT_H
#define ACCEL_JIT_H

#include <stddef.h>

#include "filter-jit/filter.h"

/* The environment variable whose value "0" keeps filters interpreted. */
#define ACCEL_ENV_JIT "ACCEL_JIT"

/*
 * Compile a program that passed bpf_check.  Returns the function (in its own
 * read+execute mapping of *size bytes), or NULL with errno: EINVAL (refused),
 * ENOSYS (no JIT for this architecture), ENOMEM.
 */
bpf_jit_fn bpf_jit_compile(const struct bpf_insn *insns, u_int len,
			   size_t *size);
void bpf_jit_free(bpf_jit_fn fn, size_t size);

#endif
