/*
 * read-loop.c: the one read loop every source shares -- pcap_dispatch,
 * pcap_loop, pcap_next, pcap_next_ex and pcap_breakloop with libpcap's
 * count and return conventions.  Sources deliver batches; this file turns
 * their statuses (including end of file) into each API's answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcap-compat/pcap-int.h"

static int read_batch(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	if (!p->activated) {
		pcap_errf(p->errbuf, "This handle hasn't been activated yet");
		return PCAP_ERROR_NOT_ACTIVATED;
	}
	return p->ops->read(p, cnt, cb, user);
}

PCAP_EXPORT int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb,
			      u_char *user)
{
	int n = read_batch(p, cnt, cb, user);

	return n == SOURCE_EOF ? 0 : n;
}

PCAP_EXPORT int pcap_loop(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	for (;;) {
		int n = read_batch(p, cnt, cb, user);

		if (n == SOURCE_EOF)
			return 0;
		if (n == 0)	/* live timeout: keep waiting */
			continue;
		if (n < 0)
			return n;
		if (cnt > 0) {
			cnt -= n;
			if (cnt <= 0)
				return 0;
		}
	}
}

PCAP_EXPORT void pcap_breakloop(pcap_t *p)
{
	atomic_store(&p->break_loop, 1);
	if (p->activated && p->ops->wake != NULL)
		p->ops->wake(p);
}

struct oneshot {
	pcap_t *p;
	struct pcap_pkthdr *hdr;
	const u_char **data;
};

static void oneshot_keep(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *data)
{
	struct oneshot *o = (struct oneshot *)user;

	*o->hdr = *h;
	*o->data = data;
}

/* The source reuses its memory after the callback: keep a copy. */
static void oneshot_copy(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *data)
{
	struct oneshot *o = (struct oneshot *)user;
	pcap_t *p = o->p;

	if (h->caplen > p->oneshot_size) {
		u_char *bigger = realloc(p->oneshot_buf, h->caplen);

		if (bigger == NULL) {
			/* Keep the header; hand back what fits. */
			*o->hdr = *h;
			o->hdr->caplen = (bpf_u_int32)p->oneshot_size;
			memcpy(p->oneshot_buf, data, p->oneshot_size);
			*o->data = p->oneshot_buf;
			return;
		}
		p->oneshot_buf = bigger;
		p->oneshot_size = h->caplen;
	}
	memcpy(p->oneshot_buf, data, h->caplen);
	*o->hdr = *h;
	*o->data = p->oneshot_buf;
}

static int read_one(pcap_t *p, struct pcap_pkthdr *hdr, const u_char **data)
{
	struct oneshot o = { p, hdr, data };
	pcap_handler cb = p->ops->transient_data ? oneshot_copy : oneshot_keep;

	return read_batch(p, 1, cb, (u_char *)&o);
}

PCAP_EXPORT const u_char *pcap_next(pcap_t *p, struct pcap_pkthdr *h)
{
	const u_char *data = NULL;
	int n = read_one(p, h, &data);

	return n > 0 ? data : NULL;
}

PCAP_EXPORT int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **pkt_header,
			     const u_char **pkt_data)
{
	int n;

	*pkt_header = &p->next_ex_hdr;
	n = read_one(p, &p->next_ex_hdr, pkt_data);
	/* End of a savefile is -2 here, told apart from a live timeout (0). */
	return n == SOURCE_EOF ? PCAP_ERROR_BREAK : n;
}
