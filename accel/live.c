/*
 * live.c: which source a live device name gets.  Plain names are
 * libpcap's AF_PACKET capture; accel[/CONF]:DEV[:DEV...] names (or any
 * name with ACCEL_FORCE=1) are configured by conf/ when the handle is
 * activated, and become one tpacket handle or a merge of several.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "accel/sources.h"
#include "accel/tpacket.h"
#include "conf/conf.h"

static int accel_activate(pcap_t *p);

/*
 * Until activation an accel handle is a tpacket handle (the first
 * device's time stamp types, its eventfd) whose activation reads the
 * configuration first.  Before activation only these ops are reached.
 */
static const struct source_ops accel_ops = {
	.name = "accel",
	.transient_data = true,
	.activate = accel_activate,
	.can_set_rfmon = tpacket_can_set_rfmon,
	.close = tpacket_close,
};

pcap_t *live_source_create(const char *device, char *errbuf)
{
	struct accel_name name;
	char ignored[PCAP_ERRBUF_SIZE];
	const char *first = device;
	pcap_t *p;

	/*
	 * A name that does not parse is still ours when it says "accel"
	 * (the parser only fails on those): activation reports the error.
	 */
	if (accel_name_parse(device, NULL, &name, ignored) == 0) {
		if (!name.accel) {
			accel_name_release(&name);
			return tpacket_create(device, errbuf);
		}
		if (name.device_count > 0)
			first = name.devices[0];
		p = tpacket_create(first, errbuf);
		accel_name_release(&name);
	} else {
		p = tpacket_create(device, errbuf);
	}
	if (p != NULL)
		p->ops = &accel_ops;
	return p;
}

/* ------------------------------------------------------------------ */
/* Activation.                                                          */

/* The handle-wide settings a configuration may override. */
static int apply_handle_keys(pcap_t *p, const struct accel_conf *conf)
{
	if (accel_conf_is_set(conf, 0, ACCEL_KEY_CAPLEN))
		p->snapshot = (int)accel_conf_int(conf, 0, ACCEL_KEY_CAPLEN);
	if (accel_conf_is_set(conf, 0, ACCEL_KEY_COMPUTATION) &&
	    accel_conf_is_set(conf, 0, ACCEL_KEY_COMPUTATION_FILE)) {
		pcap_errf(p->errbuf, "%s: computation_file: computation is set "
			  "too (%s)",
			  accel_conf_origin(conf, 0, ACCEL_KEY_COMPUTATION_FILE),
			  accel_conf_origin(conf, 0, ACCEL_KEY_COMPUTATION));
		return PCAP_ERROR;
	}
	if ((accel_conf_is_set(conf, 0, ACCEL_KEY_COMPUTATION) ||
	     accel_conf_is_set(conf, 0, ACCEL_KEY_COMPUTATION_FILE)) &&
	    accel_conf_int(conf, 0, ACCEL_KEY_BACKEND) != ACCEL_BACKEND_AUTO &&
	    accel_conf_int(conf, 0, ACCEL_KEY_BACKEND) != ACCEL_BACKEND_TPACKET) {
		pcap_errf(p->errbuf, "%s: computation: computations run with "
			  "the tpacket backend only, for now",
			  accel_conf_origin(conf, 0, ACCEL_KEY_COMPUTATION));
		return PCAP_ERROR;
	}
	return 0;
}

static const unsigned fanout_flag_bits[][2] = {
	{ ACCEL_FANOUT_DEFRAG_FLAG, PACKET_FANOUT_FLAG_DEFRAG },
	{ ACCEL_FANOUT_ROLLOVER_FLAG, PACKET_FANOUT_FLAG_ROLLOVER },
};

/* One device's keys into a tpacket handle not yet activated. */
int accel_apply_device(pcap_t *p, const struct accel_conf *conf, size_t dev)
{
	struct tpacket *t = p->priv;
	struct tpacket_params *a = &t->params;
	int64_t backend = accel_conf_int(conf, dev, ACCEL_KEY_BACKEND);

	if (backend != ACCEL_BACKEND_AUTO && backend != ACCEL_BACKEND_TPACKET) {
		char value[32];

		accel_conf_format(conf, dev, ACCEL_KEY_BACKEND, value,
				  sizeof value);
		pcap_errf(p->errbuf, "%s: backend: %s is not supported with "
			  "several devices yet (one device is)",
			  accel_conf_origin(conf, dev, ACCEL_KEY_BACKEND), value);
		return PCAP_ERROR;
	}
	if (accel_conf_is_set(conf, dev, ACCEL_KEY_GROUP)) {
		uint32_t flags = accel_conf_flags(conf, dev, ACCEL_KEY_FANOUT);

		a->fanout_group = (int)accel_conf_int(conf, dev, ACCEL_KEY_GROUP);
		a->fanout_mode = (unsigned)accel_conf_int(conf, dev,
							  ACCEL_KEY_FANOUT);
		for (size_t i = 0; i < sizeof fanout_flag_bits /
				       sizeof fanout_flag_bits[0]; i++)
			if (flags & fanout_flag_bits[i][0])
				a->fanout_mode |= fanout_flag_bits[i][1];
	}
	if (accel_conf_is_set(conf, dev, ACCEL_KEY_PROMISC))
		p->opt.promisc = (int)accel_conf_int(conf, dev,
						     ACCEL_KEY_PROMISC);
	if (accel_conf_is_set(conf, dev, ACCEL_KEY_TSTAMP))
		p->opt.tstamp_type = (int)accel_conf_int(conf, dev,
							 ACCEL_KEY_TSTAMP);
	a->block_size = (unsigned)accel_conf_int(conf, dev,
						 ACCEL_KEY_BLOCK_SIZE);
	a->block_count = (unsigned)accel_conf_int(conf, dev,
						  ACCEL_KEY_BLOCK_COUNT);
	a->block_timeout_ms = (int)accel_conf_int(conf, dev,
						  ACCEL_KEY_BLOCK_TIMEOUT_MS);
	a->v2_frames = (unsigned)accel_conf_int(conf, dev, ACCEL_KEY_RX_SLOTS);
	a->busy_poll_us = (int)accel_conf_int(conf, dev, ACCEL_KEY_BUSY_POLL_US);
	a->cpu = accel_conf_is_set(conf, dev, ACCEL_KEY_CPU) ?
		 (int)accel_conf_int(conf, dev, ACCEL_KEY_CPU) : -1;
	if (accel_conf_is_set(conf, dev, ACCEL_KEY_COMPUTATION)) {
		/* compiled at activation, once the link type is known; the
		 * configuration outlives the activation */
		a->computation = accel_conf_string(conf, dev,
						   ACCEL_KEY_COMPUTATION);
		a->computation_origin = accel_conf_origin(conf, dev,
							  ACCEL_KEY_COMPUTATION);
	}
	if (accel_conf_is_set(conf, dev, ACCEL_KEY_COMPUTATION_FILE))
		a->computation_file = accel_conf_string(conf, dev,
						ACCEL_KEY_COMPUTATION_FILE);
	return 0;
}

/* The handle becomes the tpacket handle of the name's one device. */
static int activate_single(pcap_t *p, const struct accel_conf *conf)
{
	char *device = strdup(accel_conf_device(conf, 0));

	if (device == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	free(p->opt.device);
	p->opt.device = device;
	switch (accel_conf_int(conf, 0, ACCEL_KEY_BACKEND)) {
	case ACCEL_BACKEND_XDP:
		if (accel_conf_is_set(conf, 0, ACCEL_KEY_GROUP)) {
			pcap_errf(p->errbuf, "%s: group: groups are not "
				  "supported by the xdp backend yet",
				  accel_conf_origin(conf, 0, ACCEL_KEY_GROUP));
			return PCAP_ERROR;
		}
		return xdp_activate(p, conf, 0);
	case ACCEL_BACKEND_BPFRING:
		return bpfring_activate(p, conf, 0);
	}
	p->ops = &tpacket_ops;
	if (accel_apply_device(p, conf, 0) < 0)
		return PCAP_ERROR;
	return tpacket_activate(p);
}

static int accel_activate(pcap_t *p)
{
	struct accel_conf *conf;
	int status;

	if (accel_conf_build(p->opt.device, NULL, &conf, p->errbuf) < 0)
		return PCAP_ERROR;
	if (conf == NULL) {	/* cannot happen: the name said accel */
		pcap_errf(p->errbuf, "%s: not an accel device name",
			  p->opt.device);
		return PCAP_ERROR;
	}
	status = apply_handle_keys(p, conf);
	if (status == 0)
		status = accel_conf_device_count(conf) == 1 ?
			 activate_single(p, conf) : multi_activate(p, conf);
	accel_conf_free(conf);
	return status;
}
