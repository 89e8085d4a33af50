/* placeholder: filter-jit/bpf-image.c (being written) */
