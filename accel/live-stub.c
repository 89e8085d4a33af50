/*
 * live-stub.c: the live source until the TPACKET_V3 ring lands -- handles
 * are created and configured, and activation says plainly that live
 * capture is not available in this build.
 */
#include "config.h"

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

pcap_t *live_source_create(const char *device, char *errbuf)
{
	(void)device;
	return pcap_handle_alloc(errbuf, &unavailable_ops, 0);
}
