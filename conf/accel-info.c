/*
 * accel-info.c: the accel-info program -- the configuration a device
 * name gets, where each value comes from, and what each device's kernel
 * driver supports; also the key list (--keys) and the man page (--man).
 */
#include "config.h"

#include <linux/if_link.h>
#include <linux/net_tstamp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "conf/accel-info-kernel.h"
#include "conf/conf.h"
#include "conf/doc.h"
#include "conf/keys.h"

static void usage(FILE *out)
{
	fputs("usage: accel-info [-c] DEVICE-NAME   the configuration of a "
	      "device name\n"
	      "       accel-info --keys            every configuration key\n"
	      "  -c, --config-only   do not ask the kernel about the devices\n"
	      "Device names: accel:DEV[:DEV...], accel/FILE:DEV[:DEV...]; "
	      "see accel-pcap(7).\n", out);
}

static const char *const xdp_attach_modes[] = {
	[XDP_ATTACHED_NONE] = "none",
	[XDP_ATTACHED_DRV] = "native",
	[XDP_ATTACHED_SKB] = "generic",
	[XDP_ATTACHED_HW] = "offloaded",
	[XDP_ATTACHED_MULTI] = "several modes",
};

static const struct {
	uint32_t flag;
	const char *name;
} ts_flags[] = {
	{ SOF_TIMESTAMPING_RX_SOFTWARE, "software rx" },
	{ SOF_TIMESTAMPING_TX_SOFTWARE, "software tx" },
	{ SOF_TIMESTAMPING_RX_HARDWARE, "hardware rx" },
	{ SOF_TIMESTAMPING_TX_HARDWARE, "hardware tx" },
	{ SOF_TIMESTAMPING_RAW_HARDWARE, "raw hardware" },
};

static void print_timestamping(const struct kernel_dev *k)
{
	const uint32_t adapter = SOF_TIMESTAMPING_RX_HARDWARE |
				 SOF_TIMESTAMPING_RAW_HARDWARE;
	size_t shown = 0;

	printf("    %-18s ", "timestamping");
	if (!k->have_ts) {
		printf("unknown (no ETHTOOL_GET_TS_INFO)\n");
		return;
	}
	for (size_t i = 0; i < sizeof ts_flags / sizeof ts_flags[0]; i++)
		if (k->so_timestamping & ts_flags[i].flag)
			printf("%s%s", shown++ ? ", " : "", ts_flags[i].name);
	printf("%s", shown ? "" : "none reported");
	if (k->phc_index >= 0)
		printf("; PHC /dev/ptp%d", k->phc_index);
	if (k->hwtstamp_rx_filters & (1u << HWTSTAMP_FILTER_ALL))
		printf("; filters all packets");
	printf("\n    %-18s host%s\n", "tstamp types",
	       (k->so_timestamping & adapter) == adapter ?
		       ", adapter, adapter_unsynced" : "");
}

static void print_kernel(const char *dev)
{
	struct kernel_dev k;
	const char *xdp = "unknown";

	printf("  kernel and driver:\n");
	if (strcmp(dev, "any") == 0) {
		printf("    pseudo-device: every interface, through AF_PACKET\n");
		return;
	}
	kernel_dev_probe(dev, &k);
	if (k.ifindex == 0) {
		printf("    no such device\n");
		return;
	}
	printf("    %-18s %s", "driver", k.driver[0] ? k.driver : "unknown");
	if (k.version[0])
		printf(" %s", k.version);
	if (k.bus_info[0])
		printf(" (bus %s)", k.bus_info);
	printf("\n    %-18s ", "rx queues");
	if (k.rx_queues >= 0)
		printf("%d (from %s)\n", k.rx_queues, k.rx_queues_from);
	else
		printf("unknown\n");
	if (kernel_driver_native_xdp(k.driver))
		xdp = "yes";
	printf("    %-18s native: %s%s; attached: ", "xdp", xdp,
	       strcmp(xdp, "yes") == 0 ? " (known driver)" :
					 " (only trying tells)");
	if (k.xdp_attached < 0)
		printf("unknown\n");
	else if (k.xdp_attached == XDP_ATTACHED_NONE)
		printf("none\n");
	else
		printf("%s, program id %u\n",
		       k.xdp_attached < (int)(sizeof xdp_attach_modes /
					      sizeof xdp_attach_modes[0]) ?
			       xdp_attach_modes[k.xdp_attached] : "yes",
		       k.xdp_prog_id);
	printf("    %-18s ", "tcx programs");
	if (k.tcx_programs[0] < 0)
		printf("unknown (needs root and Linux 6.6)\n");
	else
		printf("%d ingress, %d egress\n", k.tcx_programs[0],
		       k.tcx_programs[1]);
	printf("    %-18s %s\n", "zero-copy",
	       kernel_driver_zero_copy(k.driver) ? "yes (known driver)" :
						   "unknown");
	print_timestamping(&k);
}

/* What the backend means for the host, said once per device. */
static const char *backend_note(int64_t backend)
{
	switch (backend) {
	case ACCEL_BACKEND_XDP:
		return "AF_XDP: packets the filter accepts are taken away from "
		       "the host's stack (right for a SPAN or mirror port; use "
		       "tpacket otherwise); received packets only";
	case ACCEL_BACKEND_BPFRING:
		return "BPF ring: TC programs copy what the filter accepts, "
		       "both directions; the host's stack is untouched";
	default:
		return "AF_PACKET: a copy of each packet, both directions; the "
		       "host's stack is untouched";
	}
}

static void print_device(const struct accel_conf *conf, size_t d)
{
	printf("\n%s:\n", accel_conf_device(conf, d));
	for (int key = 0; key < ACCEL_KEY_COUNT; key++) {
		char value[256];

		accel_conf_format(conf, d, key, value, sizeof value);
		printf("  %-18s %-18s %s\n", accel_key_name(key), value,
		       accel_conf_origin(conf, d, key));
	}
	printf("  %-18s %s\n", "capture",
	       backend_note(accel_conf_int(conf, d, ACCEL_KEY_BACKEND)));
}

static int show(const char *name, bool with_kernel)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *site = getenv(ACCEL_ENV_CONF);
	struct accel_conf *conf;

	if (accel_conf_build(name, NULL, &conf, errbuf) < 0) {
		fprintf(stderr, "accel-info: %s\n", errbuf);
		return 1;
	}
	if (conf == NULL) {
		printf("%s: a plain device: libpcap's behaviour, no "
		       "configuration\n(accel:%s, or ACCEL_FORCE=1, makes it "
		       "accelerated)\n", name, name);
		if (with_kernel)
			print_kernel(name);
		return 0;
	}
	printf("device name    %s%s\n", accel_conf_name(conf),
	       accel_conf_forced(conf) ? " (accel by ACCEL_FORCE)" : "");
	printf("config file    %s\n",
	       accel_conf_file(conf) ? accel_conf_file(conf) : "none");
	printf("ACCEL_CONF     %s\n", site && site[0] ? site : "not set");
	for (size_t d = 0; d < accel_conf_device_count(conf); d++) {
		print_device(conf, d);
		if (with_kernel)
			print_kernel(accel_conf_device(conf, d));
	}
	accel_conf_free(conf);
	return 0;
}

int main(int argc, char **argv)
{
	bool with_kernel = true;
	int i = 1;

	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		accel_doc_keys(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--man") == 0) {	/* not in usage */
		accel_doc_man(stdout);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (i < argc && (strcmp(argv[i], "-c") == 0 ||
			 strcmp(argv[i], "--config-only") == 0)) {
		with_kernel = false;
		i++;
	}
	if (argc - i != 1) {
		usage(stderr);
		return 2;
	}
	return show(argv[i], with_kernel);
}
