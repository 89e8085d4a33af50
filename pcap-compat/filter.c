/*
 * filter.c: the public filter calls -- pcap_compile (text to classic BPF),
 * pcap_freecode, pcap_setfilter and pcap_offline_filter.  Programs run in
 * the kernel when the source can take them, else in user space.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "pcap-compat/pcap-int.h"

PCAP_EXPORT int pcap_compile(pcap_t *p, struct bpf_program *program,
			     const char *buf, int optimize, bpf_u_int32 mask)
{
	struct filter_target target;

	if (!p->activated) {
		pcap_errf(p->errbuf,
			  "not-yet-activated pcap_t passed to pcap_compile");
		return PCAP_ERROR;
	}
	if (p->snapshot == 0) {
		pcap_errf(p->errbuf, "snaplen of 0 rejects all packets");
		return PCAP_ERROR;
	}
	target.linktype = p->linktype;
	target.snaplen = (unsigned)p->snapshot;
	target.linux_vlan_ext = p->bpf_vlan_ext;
	target.savefile = p->rfile != NULL;
	target.swapped = p->swapped != 0;
	if (filter_compile(&target, buf, optimize, mask, program,
			   p->errbuf) != 0)
		return PCAP_ERROR;
	if (p->ops->prepare_filter != NULL)
		p->ops->prepare_filter(p, program);
	return 0;
}

PCAP_EXPORT int pcap_compile_nopcap(int snaplen, int linktype,
				    struct bpf_program *program,
				    const char *buf, int optimize,
				    bpf_u_int32 mask)
{
	pcap_t *p = pcap_open_dead(linktype, snaplen);
	int ret;

	if (p == NULL)
		return PCAP_ERROR;
	ret = pcap_compile(p, program, buf, optimize, mask);
	pcap_close(p);
	return ret;
}

PCAP_EXPORT void pcap_freecode(struct bpf_program *program)
{
	program->bf_len = 0;
	free(program->bf_insns);
	program->bf_insns = NULL;
}

PCAP_EXPORT int pcap_setfilter(pcap_t *p, struct bpf_program *fp)
{
	int where;

	if (!p->activated) {
		pcap_errf(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	/* Sources that refuse filters (dead handles) say so first. */
	where = p->ops->set_filter != NULL ? p->ops->set_filter(p, fp) : 1;
	if (where < 0)
		return where;
	if (where == 0) {	/* the kernel runs it */
		user_filter_clear(&p->filter);
		return 0;
	}
	if (!bpf_check(fp->bf_insns, (int)fp->bf_len)) {
		pcap_errf(p->errbuf, "BPF program is not valid");
		return -1;
	}
	if (user_filter_set(&p->filter, fp) != 0) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return -1;
	}
	return 0;
}

PCAP_EXPORT int pcap_offline_filter(const struct bpf_program *fp,
				    const struct pcap_pkthdr *h,
				    const u_char *pkt)
{
	if (fp->bf_insns == NULL)
		return 0;
	return (int)bpf_interp(fp->bf_insns, pkt, h->len, h->caplen, NULL);
}
