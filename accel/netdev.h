/*
 * netdev.h: what the accel sources that do not open an AF_PACKET ring
 * (xdp.c, bpfring.c) still need from the device: libpcap's checks and
 * codes, promiscuous mode held the way libpcap holds it, and the handle
 * handed over from its pre-activation tpacket state.
 */
#ifndef ACCEL_NETDEV_H
#define ACCEL_NETDEV_H

#include "pcap-compat/pcap-int.h"

/* The device exists, is up and carries Ethernet frames; else a pcap
 * status with the message in p->errbuf (BACKEND names the source). */
int netdev_check_ethernet(pcap_t *p, const char *dev, const char *backend);

/* PACKET_MR_PROMISC on a packet socket of its own: the membership ends
 * with *fd (so with the process).  0 or a pcap status. */
int netdev_hold_promisc(pcap_t *p, const char *dev, int *fd);

/* The accel handle p stops being a tpacket handle: PRIV and OPS are its
 * source from now on. */
void netdev_take_over(pcap_t *p, void *priv, const struct source_ops *ops);

#endif
