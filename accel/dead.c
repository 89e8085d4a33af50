/*
 * dead.c: the source of pcap_open_dead handles -- no packets, only a link
 * type and snapshot length for pcap_compile and the dumpers.  Every other
 * operation fails with libpcap's message.
 */
#include "config.h"

#include "accel/sources.h"

static int dead_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	(void)max, (void)cb, (void)user;
	pcap_errf(p->errbuf,
		  "Packets aren't available from a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf, (void)size;
	pcap_errf(p->errbuf, "Packets can't be sent on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_set_filter(pcap_t *p, const struct bpf_program *prog)
{
	(void)prog;
	pcap_errf(p->errbuf,
		  "A filter cannot be set on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_set_direction(pcap_t *p, pcap_direction_t d)
{
	(void)d;
	pcap_errf(p->errbuf,
		  "The packet direction cannot be set on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_set_datalink(pcap_t *p, int dlt)
{
	(void)dlt;
	pcap_errf(p->errbuf,
		  "The link-layer header type cannot be set on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_nonblock(pcap_t *p)
{
	pcap_errf(p->errbuf,
		  "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return PCAP_ERROR;
}

static int dead_set_nonblock(pcap_t *p, int nonblock)
{
	(void)nonblock;
	return dead_nonblock(p);
}

static int dead_stats(pcap_t *p, struct pcap_stat *ps)
{
	(void)ps;
	pcap_errf(p->errbuf,
		  "Statistics aren't available from a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static int dead_can_set_rfmon(pcap_t *p)
{
	pcap_errf(p->errbuf,
		  "Rfmon mode doesn't apply on a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

static const struct source_ops dead_ops = {
	.name = "dead",
	.read = dead_read,
	.inject = dead_inject,
	.set_filter = dead_set_filter,
	.set_direction = dead_set_direction,
	.set_datalink = dead_set_datalink,
	.get_nonblock = dead_nonblock,
	.set_nonblock = dead_set_nonblock,
	.stats = dead_stats,
	.can_set_rfmon = dead_can_set_rfmon,
};

pcap_t *dead_open(int linktype, int snaplen, u_int precision)
{
	char ignored[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_handle_alloc(ignored, &dead_ops, 0);

	if (p == NULL)
		return NULL;
	if (precision != PCAP_TSTAMP_PRECISION_NANO)
		precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->linktype = linktype;
	p->snapshot = snaplen;
	p->opt.tstamp_precision = (int)precision;
	/* libpcap leaves these zero on dead handles; pcap_fileno shows it. */
	p->fd = 0;
	p->selectable_fd = 0;
	p->activated = true;
	return p;
}
