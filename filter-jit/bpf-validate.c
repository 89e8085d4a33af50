/* placeholder: filter-jit/bpf-validate.c (being written) */
