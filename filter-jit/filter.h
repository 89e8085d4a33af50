/*
 * filter.h: how a classic BPF program runs in user space.  The handle keeps
 * one user_filter; the interpreter (bpf-interp.c) is the reference, and the
 * fast paths (accept-all, later the JIT) must give the same verdicts.
 */
#ifndef ACCEL_FILTER_H
#define ACCEL_FILTER_H

#include <sys/types.h>
#include <pcap/bpf.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Linux ancillary data some loads can read (SKF_AD_* offsets); the
 * interpreter treats such loads as out of bounds when aux is NULL, as
 * libpcap's bpf_filter does for savefiles.
 */
struct bpf_aux_data {
	unsigned short vlan_tag;
	unsigned char vlan_tag_present;
};

/* The reference interpreter: libpcap's bpf_filter semantics. */
u_int bpf_interp(const struct bpf_insn *pc, const u_char *pkt, u_int wirelen,
		 u_int buflen, const struct bpf_aux_data *aux);

/* Check a program as libpcap's bpf_validate does: 1 valid, 0 not. */
int bpf_check(const struct bpf_insn *insns, int len);

struct user_filter {
	struct bpf_insn *insns;	/* owned copy; NULL: no filter, accept all */
	u_int len;
	bool accept_all;	/* the program returns a constant non-zero */
};

/* Install a copy of prog (NULL: remove).  Returns 0 or -1 (ENOMEM). */
int user_filter_set(struct user_filter *f, const struct bpf_program *prog);
void user_filter_clear(struct user_filter *f);

static inline u_int user_filter_run(const struct user_filter *f,
				    const u_char *pkt, u_int wirelen,
				    u_int caplen)
{
	return bpf_interp(f->insns, pkt, wirelen, caplen, NULL);
}

static inline bool user_filter_accepts(const struct user_filter *f,
				       const u_char *pkt, u_int wirelen,
				       u_int caplen)
{
	if (f->insns == NULL || f->accept_all)
		return true;
	return user_filter_run(f, pkt, wirelen, caplen) != 0;
}

#endif
