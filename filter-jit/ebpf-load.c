/*
 * ebpf-load.c: hands a translated program (ebpf.c) to the kernel and runs
 * it on one packet (BPF_PROG_TEST_RUN), through libpcap-free libbpf calls.
 * Without libbpf both calls report "not available".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "filter-jit/ebpf.h"

#ifdef HAVE_LIBBPF
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <stddef.h>

/* ebpf.c's layout constants, against the kernel's headers. */
_Static_assert(sizeof(struct ebpf_insn) == sizeof(struct bpf_insn),
	       "eBPF instruction size");
_Static_assert(offsetof(struct xdp_md, data) == 0 &&
		       offsetof(struct xdp_md, data_end) == 4,
	       "xdp_md layout");
_Static_assert(offsetof(struct __sk_buff, len) == 0 &&
		       offsetof(struct __sk_buff, vlan_present) == 20 &&
		       offsetof(struct __sk_buff, vlan_tci) == 24 &&
		       offsetof(struct __sk_buff, data) == 76 &&
		       offsetof(struct __sk_buff, data_end) == 80,
	       "__sk_buff layout");
_Static_assert(XDP_PASS == 2 && XDP_DROP == 1 && TC_ACT_OK == 0 &&
		       TC_ACT_SHOT == 2, "verdict values");

static enum bpf_prog_type prog_type(enum ebpf_ctx ctx)
{
	switch (ctx) {
	case EBPF_CTX_XDP:
		return BPF_PROG_TYPE_XDP;
	case EBPF_CTX_SKB:
		return BPF_PROG_TYPE_SCHED_CLS;
	default:
		return BPF_PROG_TYPE_SOCKET_FILTER;
	}
}

int ebpf_prog_load(const struct ebpf_prog *p, enum ebpf_ctx ctx, char *log,
		   size_t log_size, char *errbuf)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	int fd;

	if (log != NULL && log_size > 0) {
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = log_size > UINT32_MAX ? UINT32_MAX : log_size;
		opts.log_level = 1;
	}
	fd = bpf_prog_load(prog_type(ctx), "pcap_filter", "GPL",
			   (const struct bpf_insn *)p->insns, p->len, &opts);
	if (fd < 0) {
		snprintf(errbuf, EBPF_ERRBUF_SIZE, "BPF_PROG_LOAD: %s",
			 strerror(-fd));
		return -1;
	}
	return fd;
}

int ebpf_prog_test_run(int fd, const void *pkt, size_t len, uint32_t *retval,
		       char *errbuf)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = len, .repeat = 1);
	int rc = bpf_prog_test_run_opts(fd, &opts);

	if (rc != 0) {
		snprintf(errbuf, EBPF_ERRBUF_SIZE, "BPF_PROG_TEST_RUN: %s",
			 strerror(errno));
		return -1;
	}
	*retval = opts.retval;
	return 0;
}

#else

int ebpf_prog_load(const struct ebpf_prog *p, enum ebpf_ctx ctx, char *log,
		   size_t log_size, char *errbuf)
{
	if (log != NULL && log_size > 0)
		log[0] = '\0';
	snprintf(errbuf, EBPF_ERRBUF_SIZE,
		 "eBPF loading not available: built without libbpf");
	return -1;
}

int ebpf_prog_test_run(int fd, const void *pkt, size_t len, uint32_t *retval,
		       char *errbuf)
{
	snprintf(errbuf, EBPF_ERRBUF_SIZE,
		 "eBPF test runs not available: built without libbpf");
	return -1;
}

#endif
