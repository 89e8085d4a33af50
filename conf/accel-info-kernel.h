/*
 * accel-info-kernel.h: what accel-info asks the kernel about a device --
 * driver, receive queues, attached XDP and TCX programs, time stamping.
 */
#ifndef ACCEL_INFO_KERNEL_H
#define ACCEL_INFO_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

struct kernel_dev {
	unsigned ifindex;		/* 0: no such device */
	char driver[32], version[32], bus_info[32];	/* "": not told */
	int rx_queues;			/* -1: not told */
	const char *rx_queues_from;	/* how we know */
	int xdp_attached;		/* XDP_ATTACHED_*, -1: not told */
	uint32_t xdp_prog_id;
	int tcx_programs[2];		/* on TCX ingress, egress; -1: not told */
	bool have_ts;			/* ETHTOOL_GET_TS_INFO answered */
	uint32_t so_timestamping;	/* SOF_TIMESTAMPING_* it can do */
	int phc_index;			/* -1: none */
	uint32_t hwtstamp_rx_filters;	/* 1 << HWTSTAMP_FILTER_* */
};

/* Everything the kernel tells an unprivileged process; gaps stay unknown. */
void kernel_dev_probe(const char *name, struct kernel_dev *out);

/*
 * What is known of a driver (mainline Linux): native XDP, AF_XDP
 * zero-copy.  Anything else is unknown -- trying is the only real test.
 */
bool kernel_driver_native_xdp(const char *driver);
bool kernel_driver_zero_copy(const char *driver);

#endif
