/*
 * keys.c: the table of configuration keys -- every key's type, range,
 * default and help -- and the texts derived from it.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf/keys.h"
#include "filter-jit/jit.h"

#define SPELLING_(id, name) #name,
static const char *const backends[] = { ACCEL_BACKENDS(SPELLING_) NULL };
static const char *const fanout_modes[] = { ACCEL_FANOUT_MODES(SPELLING_) NULL };
static const char *const fanout_modifiers[] = {
	ACCEL_FANOUT_MODIFIERS(SPELLING_) NULL
};
static const char *const tstamps[] = { ACCEL_TSTAMPS(SPELLING_) NULL };
static const char *const xdp_modes[] = { ACCEL_XDP_MODES(SPELLING_) NULL };
static const char *const bpfring_hooks[] = {
	ACCEL_BPFRING_HOOKS(SPELLING_) NULL
};

const char *const accel_bool_spellings[] = {
	"1", "0", "yes", "no", "true", "false", "on", "off", NULL
};

const struct accel_env_var accel_env_not_keys[] = {
	{ ACCEL_ENV_CONF, "the site-wide config file, read before the "
	  "environment's keys" },
	{ ACCEL_ENV_FORCE, "a boolean: take a plain interface name eth0 as "
	  "accel:eth0" },
	{ ACCEL_ENV_JIT, "0: run user-space filters on the interpreter instead "
	  "of the JIT (any device, plain or accel)" },
	/* Not the library's: tests/run exports them to every test. */
	{ "ACCEL_BUILD", "ignored (accel-pcap's test runner)" },
	{ "ACCEL_SHARED", "ignored (accel-pcap's test runner)" },
	{ NULL, NULL },
};

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)

/*
 * The defaults are for capture that keeps up and loses nothing: an accel
 * device is asked for because libpcap's 2 MiB ring overflowed.
 *  - TPACKET_V3: 64 blocks of 1 MiB = 64 MiB, about half a second of a
 *    saturated 1 Gb/s link or 50 ms of 10 Gb/s, enough to ride out a
 *    reader's scheduling hiccup; 1 MiB blocks keep the per-block work
 *    (one poll, one release) amortised over hundreds of packets.
 *  - block_timeout_ms 1: a block on a quiet link is handed over after at
 *    most 1 ms instead of libpcap's derived timeout; a partly filled
 *    block costs ring space only until the reader returns it.
 *  - rx_slots 32768 of 2 KiB frames = 64 MiB again for AF_XDP, the same
 *    head-room as tpacket; 2 KiB holds a 1500-byte MTU frame plus XDP's
 *    headroom (use 4K frames for jumbo MTUs).
 *  - bpfring_size 64 MiB: the same memory for the BPF ring buffer.
 *  - busy polling is off: it burns a core per socket, worth it only for
 *    latency-bound readers who ask for it.
 *  - reorder_window_us 100: interrupt coalescing and NAPI batching make
 *    two NICs hand up simultaneous packets tens of microseconds apart.
 * The application's own settings (snaplen, promiscuity, time stamp
 * type) stay in force unless a key overrides them, hence "none".
 */
static const struct accel_key_info keys[ACCEL_KEY_COUNT] = {
	[ACCEL_KEY_BACKEND] = {
		.type = ACCEL_TYPE_ENUM, .flags = ACCEL_KEY_PER_DEVICE,
		.values = backends, .def = "auto",
		.help = "capture source: tpacket (AF_PACKET TPACKET_V3 ring), "
			"xdp (AF_XDP sockets on the receive queues, the filter "
			"in the XDP program; matching packets are taken from "
			"the host's stack: for mirror ports), bpfring (TC "
			"programs copy what the filter accepts into a BPF ring "
			"buffer, both directions, the stack untouched), "
			"auto (the best the device supports; tpacket for now)",
	},
	[ACCEL_KEY_GROUP] = {
		.type = ACCEL_TYPE_INT,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_OPTIONAL,
		.min = 0, .max = 65535,
		.help = "fanout group id: handles, in any process, with the "
			"same id on a device share its packets out among them "
			"(tpacket: PACKET_FANOUT; bpfring: by symmetric flow "
			"hash, in the TC programs; not xdp); none: no fanout",
	},
	[ACCEL_KEY_FANOUT] = {
		.type = ACCEL_TYPE_ENUM, .flags = ACCEL_KEY_PER_DEVICE,
		.values = fanout_modes, .modifiers = fanout_modifiers,
		.def = "hash",
		.help = "how a fanout group shares packets: by flow hash, load "
			"balance, receiving CPU, rollover, at random, by queue; "
			"+defrag reassembles IP fragments before hashing, "
			"+rollover moves on to another member when one is full",
	},
	[ACCEL_KEY_CAPLEN] = {
		.type = ACCEL_TYPE_INT, .flags = ACCEL_KEY_OPTIONAL,
		.min = 1, .max = 262144,
		.help = "snapshot length, overriding pcap_set_snaplen(); none: "
			"the application's",
	},
	[ACCEL_KEY_PROMISC] = {
		.type = ACCEL_TYPE_BOOL,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_OPTIONAL,
		.help = "promiscuous mode, overriding pcap_set_promisc(); none: "
			"the application's",
	},
	[ACCEL_KEY_TSTAMP] = {
		.type = ACCEL_TYPE_ENUM,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_OPTIONAL,
		.values = tstamps,
		.help = "time stamp type, overriding pcap_set_tstamp_type(); "
			"none: the application's",
	},
	[ACCEL_KEY_RX_SLOTS] = {
		.alias = "ring_size",
		.type = ACCEL_TYPE_INT,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_POW2,
		.min = 64, .max = 1048576, .def = "32768",
		.help = "slots in a slot-based receive ring: AF_XDP's rx and "
			"fill rings, tpacket's frames in immediate mode "
			"(TPACKET_V3 uses block_size and block_count)",
	},
	[ACCEL_KEY_BLOCK_SIZE] = {
		.type = ACCEL_TYPE_SIZE,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_POW2 |
			 ACCEL_KEY_PAGE_MIN,
		.min = 4 * KIB, .max = 256 * MIB, .def = "1M",
		.help = "bytes in one TPACKET_V3 ring block",
	},
	[ACCEL_KEY_BLOCK_COUNT] = {
		.type = ACCEL_TYPE_INT, .flags = ACCEL_KEY_PER_DEVICE,
		.min = 1, .max = 65536, .def = "64",
		.help = "blocks in the TPACKET_V3 ring (ring memory is "
			"block_size times block_count)",
	},
	[ACCEL_KEY_BLOCK_TIMEOUT_MS] = {
		.type = ACCEL_TYPE_DURATION, .flags = ACCEL_KEY_PER_DEVICE,
		.min = 1, .max = 60000, .unit_us = 1000, .def = "1ms",
		.help = "the kernel hands over a TPACKET_V3 block that is not "
			"full after this long",
	},
	[ACCEL_KEY_BUSY_POLL_US] = {
		.type = ACCEL_TYPE_DURATION, .flags = ACCEL_KEY_PER_DEVICE,
		.min = 0, .max = 1000000, .unit_us = 1, .def = "0us",
		.help = "busy-poll the device queue this long before sleeping "
			"(SO_BUSY_POLL); 0: off",
	},
	[ACCEL_KEY_CPU] = {
		.type = ACCEL_TYPE_INT,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_OPTIONAL,
		.min = 0, .max = 8191,
		.help = "pin the thread reading the device to this CPU; none "
			"(or -1): no pinning",
	},
	[ACCEL_KEY_REORDER_WINDOW_US] = {
		.type = ACCEL_TYPE_DURATION,
		.min = 0, .max = 1000000, .unit_us = 1, .def = "100us",
		.help = "several devices: hold packets this long to merge "
			"them in time stamp order; 0: in arrival order",
	},
	[ACCEL_KEY_COMPUTATION] = {
		.type = ACCEL_TYPE_STRING, .flags = ACCEL_KEY_OPTIONAL,
		.help = "a pipeline run on every packet, e.g. "
			"'ip >-> steer_flow'; none: plain capture",
	},
	[ACCEL_KEY_COMPUTATION_FILE] = {
		.type = ACCEL_TYPE_STRING, .flags = ACCEL_KEY_OPTIONAL,
		.help = "a file holding the computation (several lines, # "
			"comments); errors name its lines; not with "
			"computation",
	},
	[ACCEL_KEY_XDP_MODE] = {
		.type = ACCEL_TYPE_ENUM,
		.flags = ACCEL_KEY_PER_DEVICE,
		.values = xdp_modes, .def = "auto",
		.help = "how the XDP program is attached: native (in the "
			"driver), generic or skb (after the stack's skb), auto "
			"(native if the driver can)",
	},
	[ACCEL_KEY_XDP_ZERO_COPY] = {
		.type = ACCEL_TYPE_TRISTATE,
		.flags = ACCEL_KEY_PER_DEVICE,
		.def = "auto",
		.help = "AF_XDP zero-copy: yes (fail without it), no (copy "
			"mode), auto (zero-copy if the driver can)",
	},
	[ACCEL_KEY_XDP_QUEUES] = {
		.type = ACCEL_TYPE_LIST,
		.flags = ACCEL_KEY_PER_DEVICE,
		.min = 0, .max = 4095, .def = "all",
		.help = "receive queues to bind AF_XDP sockets to",
	},
	[ACCEL_KEY_XDP_FRAME_SIZE] = {
		.type = ACCEL_TYPE_SIZE,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_POW2,
		.min = 2 * KIB, .max = 4 * KIB, .def = "2K",
		.help = "bytes per AF_XDP frame (UMEM chunk); 4K for jumbo "
			"frames",
	},
	[ACCEL_KEY_BPFRING_SIZE] = {
		.type = ACCEL_TYPE_SIZE,
		.flags = ACCEL_KEY_PER_DEVICE | ACCEL_KEY_POW2 |
			 ACCEL_KEY_PAGE_MIN,
		.min = 4 * KIB, .max = 1 * GIB, .def = "64M",
		.help = "bytes in the BPF ring buffer",
	},
	[ACCEL_KEY_BPFRING_HOOK] = {
		.type = ACCEL_TYPE_ENUM,
		.flags = ACCEL_KEY_PER_DEVICE,
		.values = bpfring_hooks, .def = "tc",
		.help = "where the bpfring program runs: tc (both directions, "
			"like AF_PACKET); xdp (receive only, earlier) is not "
			"built yet",
	},
};

/* The names come from ACCEL_KEYS, so enum, file and env spellings agree. */
#define KEY_NAME_(id, name) #name,
static const char *const key_names[ACCEL_KEY_COUNT] = { ACCEL_KEYS(KEY_NAME_) };

const struct accel_key_info *accel_key_info(enum accel_key key)
{
	return &keys[key];
}

const char *accel_key_name(enum accel_key key)
{
	return key_names[key];
}

int accel_key_lookup(const char *name)
{
	for (int k = 0; k < ACCEL_KEY_COUNT; k++)
		if (strcmp(name, accel_key_name(k)) == 0 ||
		    (keys[k].alias != NULL && strcmp(name, keys[k].alias) == 0))
			return k;
	return -1;
}

void accel_key_env_name(enum accel_key key, bool alias, char *buf,
			size_t size)
{
	const char *name = alias ? keys[key].alias : accel_key_name(key);
	size_t n = (size_t)snprintf(buf, size, "ACCEL_%s", name ? name : "");

	for (size_t i = 6; i < n && i < size; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
}

void accel_size_text(uint64_t bytes, char *buf, size_t size)
{
	static const struct {
		uint64_t unit;
		char suffix;
	} units[] = { { GIB, 'G' }, { MIB, 'M' }, { KIB, 'K' } };

	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (bytes != 0 && bytes % units[i].unit == 0) {
			snprintf(buf, size, "%llu%c",
				 (unsigned long long)(bytes / units[i].unit),
				 units[i].suffix);
			return;
		}
	snprintf(buf, size, "%llu", (unsigned long long)bytes);
}

/* "a, b, c" from a NULL-terminated list, each with a prefix. */
static void join(const char *const *list, const char *prefix, char *buf,
		 size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; list[i] != NULL && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s%s",
					 i ? ", " : "", prefix, list[i]);
}

void accel_key_range_text(enum accel_key key, char *buf, size_t size)
{
	const struct accel_key_info *k = &keys[key];
	char lo[32], hi[32];

	switch (k->type) {
	case ACCEL_TYPE_SIZE:
		accel_size_text(k->min, lo, sizeof lo);
		accel_size_text(k->max, hi, sizeof hi);
		break;
	default:
		snprintf(lo, sizeof lo, "%llu", (unsigned long long)k->min);
		snprintf(hi, sizeof hi, "%llu", (unsigned long long)k->max);
		break;
	}
	snprintf(buf, size, "%s..%s%s%s%s%s", lo, hi,
		 k->type == ACCEL_TYPE_DURATION ?
			 (k->unit_us == 1000 ? " ms" : " us") : "",
		 k->flags & ACCEL_KEY_POW2 ? ", power of two" : "",
		 k->flags & ACCEL_KEY_PAGE_MIN ? ", at least the page size" : "",
		 k->flags & ACCEL_KEY_OPTIONAL ? ", or none" : "");
}

void accel_key_type_text(enum accel_key key, char *buf, size_t size)
{
	const struct accel_key_info *k = &keys[key];
	const char *none = k->flags & ACCEL_KEY_OPTIONAL ? ", or none" : "";
	char part[200], mods[120];

	switch (k->type) {
	case ACCEL_TYPE_BOOL:
		snprintf(buf, size, "boolean%s", none);
		break;
	case ACCEL_TYPE_INT:
	case ACCEL_TYPE_SIZE:
	case ACCEL_TYPE_DURATION:
		accel_key_range_text(key, part, sizeof part);
		snprintf(buf, size, "%s %s",
			 k->type == ACCEL_TYPE_INT ? "integer" :
			 k->type == ACCEL_TYPE_SIZE ? "size" : "duration", part);
		break;
	case ACCEL_TYPE_ENUM:
		join(k->values, "", part, sizeof part);
		mods[0] = '\0';
		if (k->modifiers != NULL)
			join(k->modifiers, "+", mods, sizeof mods);
		snprintf(buf, size, "one of %s%s%s%s", part,
			 k->modifiers ? ", then any of " : "", mods, none);
		break;
	case ACCEL_TYPE_TRISTATE:
		snprintf(buf, size, "auto, or a boolean");
		break;
	case ACCEL_TYPE_STRING:
		snprintf(buf, size, "text%s", none);
		break;
	case ACCEL_TYPE_LIST:
		snprintf(buf, size, "all, or numbers %llu..%llu and ranges "
			 "(0-3,8)", (unsigned long long)k->min,
			 (unsigned long long)k->max);
		break;
	}
}
