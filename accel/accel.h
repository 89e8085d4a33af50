/*
 * accel.h: accel: devices past conf/ -- how a configuration reaches the
 * tpacket handles (live.c) and the merge of several devices (multi.c).
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include <stddef.h>

#include "conf/conf.h"
#include "pcap-compat/pcap-int.h"

/* live.c: device dev's keys into a tpacket handle not yet activated. */
int accel_apply_device(pcap_t *p, const struct accel_conf *conf, size_t dev);

/* xdp.c: p (an accel handle) becomes an AF_XDP capture on device dev. */
int xdp_activate(pcap_t *p, const struct accel_conf *conf, size_t dev);

/* bpfring.c: p becomes a BPF-ring capture (TC programs) on device dev. */
int bpfring_activate(pcap_t *p, const struct accel_conf *conf, size_t dev);

/* multi.c: p (an accel handle) becomes the merge of the name's devices. */
int multi_activate(pcap_t *p, const struct accel_conf *conf);

#endif
