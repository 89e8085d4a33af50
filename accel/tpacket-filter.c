/*
 * tpacket-filter.c: pcap_setfilter on an AF_PACKET handle.  The program
 * goes into the kernel (SO_ATTACH_FILTER), its cooked-header loads turned
 * into the kernel's ancillary loads; packets already in the ring passed
 * the old filter, so the new one runs on them here.  When the kernel
 * cannot take the program, it runs here on every packet.
 */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "accel/tpacket.h"

/*
 * A cooked handle's program reads an SLL/SLL2 header the kernel never
 * sees: shift packet offsets past it, map the header fields the kernel
 * knows to ancillary loads.  false: some load cannot be expressed.
 */
static bool fix_cooked_offset(const pcap_t *p, struct sock_filter *insn)
{
	uint32_t k = insn->k;

	if (k >= (uint32_t)SKF_AD_OFF)
		return true;
	if (p->linktype == DLT_LINUX_SLL2) {
		if (k >= SLL2_HDR_LEN)
			insn->k = k - SLL2_HDR_LEN;
		else if (k == 0)
			insn->k = (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL;
		else if (k == 4)
			insn->k = (uint32_t)SKF_AD_OFF + SKF_AD_IFINDEX;
		else if (k == 10)
			insn->k = (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE;
		else if ((int32_t)k > 0)
			return false;
	} else {
		if (k >= SLL_HDR_LEN)
			insn->k = k - SLL_HDR_LEN;
		else if (k == 0)
			insn->k = (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE;
		else if (k == 14)
			insn->k = (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL;
		else if ((int32_t)k > 0)
			return false;
	}
	return true;
}

/* The kernel's copy of prog; NULL with *fits false if it cannot be. */
static struct sock_filter *kernel_program(pcap_t *p,
					  const struct bpf_program *prog,
					  bool *fits)
{
	struct tpacket *t = p->priv;
	struct sock_filter *f;

	*fits = false;
	if (prog->bf_len > 0xffff)
		return NULL;
	f = malloc(sizeof *f * (prog->bf_len ? prog->bf_len : 1));
	if (f == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return NULL;
	}
	memcpy(f, prog->bf_insns, sizeof *f * prog->bf_len);
	for (u_int i = 0; t->cooked && i < prog->bf_len; i++) {
		unsigned cls = BPF_CLASS(f[i].code), mode = BPF_MODE(f[i].code);

		if ((cls == BPF_LD || cls == BPF_LDX) &&
		    (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH) &&
		    !fix_cooked_offset(p, &f[i])) {
			free(f);
			return NULL;
		}
	}
	*fits = true;
	return f;
}

static int detach_kernel_filter(pcap_t *p)
{
	int dummy = 0;

	if (setsockopt(p->fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
		       sizeof dummy) == -1 && errno != ENOENT && errno != ENONET)
		return -1;
	return 0;
}

/* The application's filter, behind the computation's when there is one. */
int tpacket_set_filter(pcap_t *p, const struct bpf_program *prog)
{
	struct tpacket *t = p->priv;
	struct bpf_program both;
	int rc;

	if (prog == NULL) {
		pcap_errf(p->errbuf, "setfilter: No filter specified");
		return -1;
	}
	if (t->computation.filter.bf_insns == NULL)
		return tpacket_kernel_filter(p, prog);
	if (!bpf_check(prog->bf_insns, (int)prog->bf_len)) {
		pcap_errf(p->errbuf, "BPF program is not valid");
		return -1;
	}
	if (computation_then(&t->computation.filter, prog, &both,
			     p->errbuf) != 0)
		return -1;
	rc = tpacket_kernel_filter(p, &both);
	free(both.bf_insns);
	return rc;
}

int tpacket_kernel_filter(pcap_t *p, const struct bpf_program *prog)
{
	struct tpacket *t = p->priv;
	struct sock_filter *kprog;
	bool fits, in_kernel = false;

	if (!bpf_check(prog->bf_insns, (int)prog->bf_len)) {
		pcap_errf(p->errbuf, "BPF program is not valid");
		return -1;
	}
	if (user_filter_set(&t->filter, prog) != 0) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return -1;
	}
	kprog = kernel_program(p, prog, &fits);
	if (kprog == NULL && fits)
		return -1;	/* out of memory */
	if (kprog != NULL) {
		struct sock_fprog fp = { (unsigned short)prog->bf_len, kprog };

		in_kernel = setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER,
				       &fp, sizeof fp) == 0;
		free(kprog);
	}
	if (!in_kernel) {
		t->filter_here = true;
		t->slots_to_filter = 0;
		if (detach_kernel_filter(p) == -1) {
			pcap_errnof(p->errbuf, errno, "can't remove kernel filter");
			return -1;
		}
		return 0;
	}
	/*
	 * What is in the ring passed the old filter: the slots handed to us
	 * and the one the kernel is filling get the new one here.
	 */
	t->slots_to_filter = tpacket_slots_ready(p) + 1;
	if (t->slots_to_filter > t->slots)
		t->slots_to_filter = t->slots;
	t->filter_here = true;
	return 0;
}
