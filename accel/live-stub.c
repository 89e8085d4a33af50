/*
 * live-stub.c: the live source until the TPACKET_V3 ring lands -- handles
 * are created and configured, and activation says plainly that live
 * capture is not available in this build.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/sources.h"

static int unavailable_activate(pcap_t *p)
{
	pcap_errf(p->errbuf, "%s: live capture is not supported by this "
		  "accel-pcap build yet", p->opt.device);
	return PCAP_ERROR;
}

static const struct source_ops unavailable_ops = {
	.name = "unavailable",
	.activate = unavailable_activate,
};

static const int precisions[] = { PCAP_TSTAMP_PRECISION_MICRO,
				  PCAP_TSTAMP_PRECISION_NANO };

pcap_t *live_source_create(const char *device, char *errbuf)
{
	pcap_t *p = pcap_handle_alloc(errbuf, &unavailable_ops, 0);

	(void)device;
	if (p == NULL)
		return NULL;
	/* Linux captures offer both precisions. */
	p->tstamp_precision_list = malloc(sizeof precisions);
	if (p->tstamp_precision_list == NULL) {
		pcap_errnof(errbuf, errno, "malloc");
		pcap_handle_free(p);
		return NULL;
	}
	memcpy(p->tstamp_precision_list, precisions, sizeof precisions);
	p->tstamp_precision_count = 2;
	return p;
}
