/*
 * conf.h: accel device names (accel[/FILE]:DEV[:DEV...]) and their
 * configuration.  The name, the environment and config files become one
 * immutable struct accel_conf before any socket is opened.
 */
#ifndef ACCEL_CONF_H
#define ACCEL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The keys, in the order accel-info and the man page list them.  ID is
 * the environment spelling without "ACCEL_", name the file spelling; the
 * rest of each key (type, range, default, help) is in conf/keys.c.
 */
#define ACCEL_KEYS(X)                                                         \
	X(BACKEND, backend)                                                   \
	X(GROUP, group)                                                       \
	X(FANOUT, fanout)                                                     \
	X(CAPLEN, caplen)                                                     \
	X(PROMISC, promisc)                                                   \
	X(TSTAMP, tstamp)                                                     \
	X(RX_SLOTS, rx_slots)                                                 \
	X(BLOCK_SIZE, block_size)                                             \
	X(BLOCK_COUNT, block_count)                                           \
	X(BLOCK_TIMEOUT_MS, block_timeout_ms)                                 \
	X(BUSY_POLL_US, busy_poll_us)                                         \
	X(CPU, cpu)                                                           \
	X(REORDER_WINDOW_US, reorder_window_us)                               \
	X(COMPUTATION, computation)                                           \
	X(COMPUTATION_FILE, computation_file)                                 \
	X(XDP_MODE, xdp_mode)                                                 \
	X(XDP_ZERO_COPY, xdp_zero_copy)                                       \
	X(XDP_QUEUES, xdp_queues)                                             \
	X(XDP_FRAME_SIZE, xdp_frame_size)                                     \
	X(BPFRING_SIZE, bpfring_size)                                         \
	X(BPFRING_HOOK, bpfring_hook)

#define ACCEL_KEY_ENUM_(id, name) ACCEL_KEY_##id,
enum accel_key { ACCEL_KEYS(ACCEL_KEY_ENUM_) ACCEL_KEY_COUNT };

/*
 * The values of the enumerated keys.  accel_conf_int() returns the
 * position in the list, so the C enums below and the spellings cannot
 * drift apart.
 */
#define ACCEL_BACKENDS(X)                                                     \
	X(AUTO, auto) X(TPACKET, tpacket) X(XDP, xdp) X(BPFRING, bpfring)
/* The kernel's PACKET_FANOUT_* modes, in their order (HASH is 0). */
#define ACCEL_FANOUT_MODES(X)                                                 \
	X(HASH, hash) X(LB, lb) X(CPU, cpu) X(ROLLOVER, rollover)             \
	X(RANDOM, random) X(QM, qm)
/* "+name" after the fanout mode; accel_conf_flags() has one bit each. */
#define ACCEL_FANOUT_MODIFIERS(X) X(DEFRAG, defrag) X(ROLLOVER, rollover)
/* libpcap's PCAP_TSTAMP_* types, in their order (HOST is 0). */
#define ACCEL_TSTAMPS(X)                                                      \
	X(HOST, host) X(HOST_LOWPREC, host_lowprec)                           \
	X(HOST_HIPREC, host_hiprec) X(ADAPTER, adapter)                       \
	X(ADAPTER_UNSYNCED, adapter_unsynced)                                 \
	X(HOST_HIPREC_UNSYNCED, host_hiprec_unsynced)
#define ACCEL_XDP_MODES(X)                                                    \
	X(AUTO, auto) X(NATIVE, native) X(GENERIC, generic) X(SKB, skb)
#define ACCEL_BPFRING_HOOKS(X) X(TC, tc) X(XDP, xdp)

#define ACCEL_BACKEND_ENUM_(id, name) ACCEL_BACKEND_##id,
#define ACCEL_FANOUT_ENUM_(id, name) ACCEL_FANOUT_##id,
#define ACCEL_FANOUT_BIT_ENUM_(id, name) ACCEL_FANOUT_BIT_##id,
#define ACCEL_FANOUT_FLAG_ENUM_(id, name)                                     \
	ACCEL_FANOUT_##id##_FLAG = 1u << ACCEL_FANOUT_BIT_##id,
#define ACCEL_TSTAMP_ENUM_(id, name) ACCEL_TSTAMP_##id,
#define ACCEL_XDP_MODE_ENUM_(id, name) ACCEL_XDP_MODE_##id,
#define ACCEL_BPFRING_HOOK_ENUM_(id, name) ACCEL_BPFRING_HOOK_##id,

enum accel_backend { ACCEL_BACKENDS(ACCEL_BACKEND_ENUM_) };
enum accel_fanout_mode { ACCEL_FANOUT_MODES(ACCEL_FANOUT_ENUM_) };
enum { ACCEL_FANOUT_MODIFIERS(ACCEL_FANOUT_BIT_ENUM_) };
enum accel_fanout_flag { ACCEL_FANOUT_MODIFIERS(ACCEL_FANOUT_FLAG_ENUM_) };
enum accel_tstamp { ACCEL_TSTAMPS(ACCEL_TSTAMP_ENUM_) };
enum accel_xdp_mode { ACCEL_XDP_MODES(ACCEL_XDP_MODE_ENUM_) };
enum accel_bpfring_hook { ACCEL_BPFRING_HOOKS(ACCEL_BPFRING_HOOK_ENUM_) };

/* ------------------------------------------------------------------ */
/* Device names.                                                        */

struct accel_name {
	bool accel;		/* false: a plain device, libpcap's behaviour */
	bool forced;		/* a plain name made accel by ACCEL_FORCE */
	char *file;		/* config file as written in the name, or NULL */
	size_t device_count;
	char **devices;		/* interface names, in the name's order */
};

/*
 * Split a device name.  envp is the environment to consult (ACCEL_FORCE),
 * NULL for the process's.  Returns 0 (out->accel says whether the name is
 * ours; a plain name leaves the rest empty) or -1 with the reason in
 * errbuf (PCAP_ERRBUF_SIZE bytes); out needs accel_name_release() after 0.
 * A NULL device is "any", as for pcap_create().
 */
int accel_name_parse(const char *device, char *const *envp,
		     struct accel_name *out, char *errbuf);
void accel_name_release(struct accel_name *name);

/* ------------------------------------------------------------------ */
/* The configuration.                                                   */

struct accel_conf;

/*
 * Build the configuration of a device name: defaults, then the ACCEL_CONF
 * file, the ACCEL_* environment, then the file named in the device name.
 * envp NULL means the process's environment.  Returns 0 with *confp set
 * (NULL for a plain, non-accel name) or -1 with the reason in errbuf.
 */
int accel_conf_build(const char *device, char *const *envp,
		     struct accel_conf **confp, char *errbuf);
void accel_conf_free(struct accel_conf *conf);

/* The name as given, its file (NULL if none), whether ACCEL_FORCE made it. */
const char *accel_conf_name(const struct accel_conf *conf);
const char *accel_conf_file(const struct accel_conf *conf);
bool accel_conf_forced(const struct accel_conf *conf);
size_t accel_conf_device_count(const struct accel_conf *conf);
const char *accel_conf_device(const struct accel_conf *conf, size_t dev);

/*
 * Per-device values, dev < accel_conf_device_count(); global keys read
 * the same on every device.  An optional key left unset ("none") reads
 * as not set, -1, and NULL.
 *   accel_conf_int: integers; sizes in bytes; durations in the key's
 *     unit (the _ms or _us in its name); booleans 0/1; xdp_zero_copy
 *     -1 (auto)/0/1; enumerated keys their enum (enum accel_backend ...).
 *   accel_conf_flags: fanout's modifiers (enum accel_fanout_flag).
 *   accel_conf_string: computation, computation_file.
 *   accel_conf_list: xdp_queues, sorted ascending; NULL means "all".
 *   accel_conf_origin: "default", "env ACCEL_X" or "FILE:LINE".
 *   accel_conf_format: the value as a user would write it (accel-info).
 */
bool accel_conf_is_set(const struct accel_conf *conf, size_t dev,
		       enum accel_key key);
int64_t accel_conf_int(const struct accel_conf *conf, size_t dev,
		       enum accel_key key);
uint32_t accel_conf_flags(const struct accel_conf *conf, size_t dev,
			  enum accel_key key);
const char *accel_conf_string(const struct accel_conf *conf, size_t dev,
			      enum accel_key key);
const uint32_t *accel_conf_list(const struct accel_conf *conf, size_t dev,
				enum accel_key key, size_t *count);
const char *accel_conf_origin(const struct accel_conf *conf, size_t dev,
			      enum accel_key key);
void accel_conf_format(const struct accel_conf *conf, size_t dev,
		       enum accel_key key, char *buf, size_t size);

#endif
