/*
 * ring-group.h: the members of one bpfring group on one device, in any
 * process: who they are and each one's rank, in a BPF array the members'
 * TC programs read (filter-jit/ebpf-capture.c, group_block).  Members
 * find the array through a registry file, /run/accel-pcap/bpfring-NETNS-
 * IFINDEX-GROUP (mode 0600), locked while the membership changes; each
 * member holds a lock on a slot file for as long as it lives, so the slot
 * of one that died (kill -9) is found and given back by the next member
 * to join or by any member's periodic check (ring_group_tick).
 */
#ifndef ACCEL_RING_GROUP_H
#define ACCEL_RING_GROUP_H

#include <stdint.h>

struct ring_group;

/* Join GROUP on IFINDEX (needs the privileges of a capture).  0 or -1
 * with the reason in errbuf (TC_RING_ERRBUF_SIZE bytes). */
int ring_group_join(unsigned group, int ifindex, struct ring_group **out,
		    char *errbuf);
void ring_group_leave(struct ring_group *g);

int ring_group_map_fd(const struct ring_group *g);
uint32_t ring_group_slot(const struct ring_group *g);

/* At most once a second: give back the slots of members that died. */
void ring_group_tick(struct ring_group *g);

#endif
