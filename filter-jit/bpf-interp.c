/* placeholder: filter-jit/bpf-interp.c (being written) */
