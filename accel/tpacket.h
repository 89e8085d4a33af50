/*
 * tpacket.h: the AF_PACKET source -- a TPACKET_V3 ring (TPACKET_V2 in
 * immediate mode, as libpcap) on one device or on "any".  What its files
 * share: tpacket.c (the handle and its small ops), tpacket-open.c (socket,
 * device, activation), tpacket-ring.c (ring layout, waiting, reading),
 * tpacket-frame.c (one ring frame into one pcap packet), tpacket-filter.c
 * (kernel filters and the packets that arrived before them).
 */
#ifndef ACCEL_TPACKET_H
#define ACCEL_TPACKET_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdint.h>

#include "filter-jit/computation.h"
#include "pcap-compat/pcap-int.h"

/* libpcap's largest snapshot, and the V3 frame size it asks for. */
#define TPACKET_MAX_SNAPLEN 262144
#define TPACKET_DEFAULT_BUFFER (2 * 1024 * 1024)
#define VLAN_TAG_LEN 4
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

/*
 * What an accel: device may change (conf/ fills it); plain devices keep
 * these defaults, which are libpcap's behaviour.
 */
struct tpacket_params {
	unsigned block_size;	/* V3 block bytes; 0: libpcap's sizing */
	unsigned block_count;	/* with block_size */
	unsigned v2_frames;	/* immediate mode's ring; 0: from the buffer */
	int block_timeout_ms;	/* < 0: the capture timeout, as libpcap */
	int fanout_group;	/* < 0: no fanout */
	unsigned fanout_mode;	/* PACKET_FANOUT_* | PACKET_FANOUT_FLAG_* */
	int busy_poll_us;	/* 0: off */
	int cpu;		/* pin the activating thread; < 0: no */
	bool cooked;		/* SOCK_DGRAM even where a header exists */
	/* A computation (filter-jit/computation.h) and where it was set;
	 * valid during activation only. */
	const char *computation, *computation_origin;
	const char *computation_file;	/* or the file that holds it */
};

struct tpacket {
	struct tpacket_params params;
	/* The computation's programs: its filter goes in front of every
	 * filter the application sets. */
	struct computation_programs computation;

	/* Device. */
	int ifindex;		/* -1: the "any" device */
	int lo_ifindex;		/* outgoing copies on lo are dropped */
	bool cooked;		/* SOCK_DGRAM: we build the SLL header */
	int vlan_offset;	/* where a VLAN tag goes back; -1: nowhere */

	/* Ring. */
	int version;		/* TPACKET_V3 or TPACKET_V2 */
	unsigned hdrlen;	/* PACKET_HDRLEN of that version */
	uint8_t *map;
	size_t map_len;
	unsigned slots;		/* blocks (V3) or frames (V2) */
	unsigned slot_size;
	unsigned block_size;	/* V2 frames never straddle blocks */
	unsigned slots_per_block;
	unsigned frame_size;	/* V3: tp_frame_size asked for */
	unsigned cur;		/* the slot being read */
	/* V3: the packet next in the current block, and how many remain. */
	uint8_t *next_pkt;
	unsigned pkts_left;

	/* Waiting. */
	int timeout;		/* ms; 0 forever; < 0: non-blocking (~timeout) */
	int poll_timeout;
	int wake_fd;		/* eventfd poked by pcap_breakloop; -1 */
	bool netdown;

	/* Filters run here until the slots filled before a kernel filter
	 * was attached are read (libpcap's blocks_to_filter_in_userland). */
	struct user_filter filter;	/* the program, for those packets
					 * or when the kernel refused it */
	bool filter_here;
	unsigned slots_to_filter;

	/* Statistics, cumulative as libpcap keeps them. */
	struct pcap_stat stat;
	long long sysfs_dropped;
};

/* tpacket-open.c */
int tpacket_activate(pcap_t *p);
void tpacket_release(pcap_t *p);

/* tpacket-ring.c */
int tpacket_ring_create(pcap_t *p);
void tpacket_ring_destroy(pcap_t *p);
void tpacket_set_poll_timeout(struct tpacket *t);
int tpacket_read(pcap_t *p, int max, pcap_handler cb, u_char *user);
/* Until the socket is readable (0), a break, an error or a poll timeout. */
int tpacket_wait(pcap_t *p);
/* Slots the kernel has handed over and we have not released. */
unsigned tpacket_slots_ready(pcap_t *p);

/* tpacket-frame.c: 1 delivered, 0 dropped (filter, direction), -1 error. */
struct tpacket_frame {
	uint8_t *base;		/* the tpacket header */
	unsigned len, snaplen, mac;
	unsigned sec, nsec;
	bool vlan_valid;
	uint16_t vlan_tci, vlan_tpid;
};
int tpacket_deliver_frame(pcap_t *p, const struct tpacket_frame *f,
			  pcap_handler cb, u_char *user);
/* tpacket-ring.c: the ring one packet at a time (the multi source). */
bool tpacket_peek(pcap_t *p, struct tpacket_frame *f);
void tpacket_advance(pcap_t *p);
bool tpacket_has_packets(pcap_t *p);
void tpacket_set_vlan_offset(pcap_t *p);

/* tpacket-filter.c */
int tpacket_set_filter(pcap_t *p, const struct bpf_program *prog);
/* PROG into the kernel as it is (or run here where the kernel cannot). */
int tpacket_kernel_filter(pcap_t *p, const struct bpf_program *prog);

/* tpacket.c */
extern const struct source_ops tpacket_ops;
/* A tpacket handle for device, not activated; params set to libpcap's. */
pcap_t *tpacket_create(const char *device, char *errbuf);
/* The ops a handle not yet activated needs (accel handles share them). */
int tpacket_can_set_rfmon(pcap_t *p);
void tpacket_close(pcap_t *p);
long long tpacket_if_drops(const char *device);

#endif
