/*
 * test-conf.c: accel device names, the key table, value parsing, config
 * files and sections, the environment, precedence with provenance, every
 * error message, and the man page against the table it is written from.
 */
#include "config.h"

#include <ctype.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "conf/conf.h"
#include "conf/doc.h"
#include "conf/keys.h"
#include "tests/unit/check.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static char tmpdir[] = "/tmp/test-conf-XXXXXX";
static char *no_env[] = { NULL };

/* ---------------------------------------------------------------------
 * Helpers: files in the temp dir (the working directory), builds.
 */

static void write_file(const char *name, const char *content)
{
	FILE *f = fopen(name, "w");

	if (f == NULL) {
		perror(name);
		exit(2);
	}
	fputs(content, f);
	fclose(f);
}

/* Build; NULL on error (the message in errbuf) or for a plain name. */
static struct accel_conf *build(const char *name, char **envp, char *errbuf)
{
	struct accel_conf *conf = NULL;

	errbuf[0] = '\0';
	if (accel_conf_build(name, envp, &conf, errbuf) < 0)
		CHECK(conf == NULL);
	return conf;
}

/* The error building name gives, "" if it builds (and "" in errbuf). */
static char last_error[PCAP_ERRBUF_SIZE];

static const char *build_error(const char *name, char **envp)
{
	struct accel_conf *conf;

	last_error[0] = '\0';
	if (accel_conf_build(name, envp, &conf, last_error) == 0) {
		accel_conf_free(conf);
		return "";
	}
	return last_error;
}

/* The error a file with this content gives (as f.conf, for eth0 eth1). */
static const char *file_error(const char *content)
{
	write_file("f.conf", content);
	return build_error("accel/f.conf:eth0:eth1", no_env);
}

/* Formatted value of key on device dev, and its origin, in one string. */
static char shown[512];

static const char *show(const struct accel_conf *conf, size_t dev,
			enum accel_key key)
{
	char value[256];

	if (conf == NULL)
		return "(no conf)";
	accel_conf_format(conf, dev, key, value, sizeof value);
	snprintf(shown, sizeof shown, "%s @ %s", value,
		 accel_conf_origin(conf, dev, key));
	return shown;
}

/* A single-line file "key = text": the value as formatted, or the error. */
static char file_result[512];

static const char *file_value(enum accel_key key, const char *text)
{
	char content[512], errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	snprintf(content, sizeof content, "%s = %s\n", accel_key_name(key),
		 text);
	write_file("v.conf", content);
	conf = build("accel/v.conf:eth0", no_env, errbuf);
	if (conf == NULL) {
		snprintf(file_result, sizeof file_result, "error: %s", errbuf);
		return file_result;
	}
	accel_conf_format(conf, 0, key, file_result, sizeof file_result);
	accel_conf_free(conf);
	return file_result;
}

/* ---------------------------------------------------------------------
 * Device names.
 */

static void name_plain(void)
{
	static const char *const plain[] = {
		"eth0", "any", "lo", "accel", "accelx:eth0", "Accel:eth0",
		"ACCEL:eth0", "accel-eth0", "", "nflog:5", "usbmon0",
	};
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_name n;

	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		CHECK_INT(accel_name_parse(plain[i], no_env, &n, errbuf), 0);
		CHECK(!n.accel);
		CHECK(!n.forced);
		CHECK_INT(n.device_count, 0);
		CHECK(n.file == NULL);
		accel_name_release(&n);
		CHECK(build(plain[i], no_env, errbuf) == NULL);
		CHECK_STR(errbuf, "");
	}
	/* Plain names do not look at ACCEL_* at all: libpcap's behaviour. */
	{
		char *env[] = { "ACCEL_BOGUS=1", "ACCEL_RX_SLOTS=x", NULL };

		CHECK_STR(build_error("eth0", env), "");
	}
}

static void name_grammar(void)
{
	static const struct {
		const char *name, *file;
		size_t count;
		const char *devices[3];
	} rows[] = {
		{ "accel:eth0", NULL, 1, { "eth0" } },
		{ "accel:any", NULL, 1, { "any" } },
		{ "accel:eth0:eth1:lo", NULL, 3, { "eth0", "eth1", "lo" } },
		{ "accel/ids.conf:eth0:eth1", "ids.conf", 2, { "eth0", "eth1" } },
		{ "accel//etc/accel/a.conf:eth0", "/etc/accel/a.conf", 1,
		  { "eth0" } },
		{ "accel/dir/x.conf:veth-a.10", "dir/x.conf", 1, { "veth-a.10" } },
		{ "accel:0123456789abcde", NULL, 1, { "0123456789abcde" } },
	};
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_name n;

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		CHECK_INT(accel_name_parse(rows[i].name, no_env, &n, errbuf), 0);
		CHECK(n.accel);
		CHECK(!n.forced);
		CHECK_STR(n.file, rows[i].file);
		CHECK_INT(n.device_count, rows[i].count);
		for (size_t d = 0; d < rows[i].count && d < n.device_count; d++)
			CHECK_STR(n.devices[d], rows[i].devices[d]);
		accel_name_release(&n);
	}
	/* NULL is "any", as pcap_create(NULL) is. */
	CHECK_INT(accel_name_parse(NULL, no_env, &n, errbuf), 0);
	CHECK(!n.accel);
	accel_name_release(&n);
}

static void name_errors(void)
{
	static const struct {
		const char *name, *error;
	} rows[] = {
		{ "accel:", "'accel:': empty device list" },
		{ "accel:eth0::eth1",
		  "'accel:eth0::eth1': empty device name in the list (between ':')" },
		{ "accel:eth0:",
		  "'accel:eth0:': empty device name in the list (between ':')" },
		{ "accel::eth0",
		  "'accel::eth0': empty device name in the list (between ':')" },
		{ "accel/:eth0", "'accel/:eth0': no config file name after 'accel/'" },
		{ "accel/", "'accel/': no config file name after 'accel/'" },
		{ "accel/ids.conf",
		  "'accel/ids.conf': no ':' and device after the config file name" },
		{ "accel/ids.conf:", "'accel/ids.conf:': empty device list" },
		{ "accel:0123456789abcdef",
		  "'accel:0123456789abcdef': device '0123456789abcdef' is too "
		  "long for an interface name (at most 15 characters)" },
		{ "accel:eth0:eth1:eth0",
		  "'accel:eth0:eth1:eth0': device 'eth0' is listed twice" },
		{ "accel:any:eth0", "'accel:any:eth0': 'any' captures on every "
				    "device and cannot be combined with others" },
		{ "accel:eth0:any", "'accel:eth0:any': 'any' captures on every "
				    "device and cannot be combined with others" },
		{ "accel:a b", "'accel:a b': device 'a b': an interface name "
			       "cannot contain white space" },
		{ "accel:..", "'accel:..': '..' is not an interface name" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		CHECK_STR(build_error(rows[i].name, no_env), rows[i].error);
}

static void name_force(void)
{
	static const char *const stay_plain[] = {
		"usbmon0", "usbmon", "nflog", "nflog:5", "nfqueue",
		"bluetooth0", "bluetooth-monitor", "dbus-system",
		"dbus-session", "dbus://x", "a/b", "0123456789abcdef", "",
	};
	char *on[] = { "ACCEL_FORCE=1", NULL };
	char *off_values[] = { "ACCEL_FORCE=0", "ACCEL_FORCE=no",
			       "ACCEL_FORCE=", "ACCEL_FORCE=off" };
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;
	struct accel_name n;

	conf = build("eth0", on, errbuf);
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK(accel_conf_forced(conf));
		CHECK_STR(accel_conf_name(conf), "eth0");
		CHECK_INT(accel_conf_device_count(conf), 1);
		CHECK_STR(accel_conf_device(conf, 0), "eth0");
		CHECK(accel_conf_file(conf) == NULL);
		accel_conf_free(conf);
	}
	conf = build("any", on, errbuf);
	CHECK(conf != NULL && accel_conf_forced(conf));
	accel_conf_free(conf);
	/* pcap_create(NULL) is any. */
	conf = build(NULL, on, errbuf);
	CHECK(conf != NULL);
	if (conf != NULL)
		CHECK_STR(accel_conf_device(conf, 0), "any");
	accel_conf_free(conf);
	for (size_t i = 0; i < sizeof stay_plain / sizeof stay_plain[0]; i++) {
		CHECK_INT(accel_name_parse(stay_plain[i], on, &n, errbuf), 0);
		CHECK(!n.accel);
		accel_name_release(&n);
	}
	for (size_t i = 0; i < sizeof off_values / sizeof off_values[0]; i++) {
		char *env[] = { off_values[i], NULL };

		CHECK(build("eth0", env, errbuf) == NULL);
		CHECK_STR(errbuf, "");
	}
	/* Names that are already accel are not "forced". */
	CHECK_INT(accel_name_parse("accel:eth1", on, &n, errbuf), 0);
	CHECK(n.accel && !n.forced);
	accel_name_release(&n);
	{
		char *env[] = { "ACCEL_FORCE=maybe", NULL };

		CHECK_STR(build_error("eth0", env),
			  "ACCEL_FORCE: 'maybe' is not a boolean (yes/no, on/off, "
			  "true/false, 1/0)");
	}
	/* Forced names get the environment too. */
	{
		char *env[] = { "ACCEL_FORCE=yes", "ACCEL_CPU=3", NULL };

		conf = build("eth0", env, errbuf);
		CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "3 @ env ACCEL_CPU");
		accel_conf_free(conf);
	}
}

/* ---------------------------------------------------------------------
 * The table.
 */

static void table_consistent(void)
{
#define ID_TEXT_(id, name) #id,
	static const char *const ids[] = { ACCEL_KEYS(ID_TEXT_) };
	char env[64], want[64];

	for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
		const struct accel_key_info *info = accel_key_info(k);
		const char *name = accel_key_name(k);
		size_t i;

		CHECK(info->type != 0);
		CHECK(info->help != NULL && info->help[0] != '\0');
		/* The env spelling, derived independently of keys.c. */
		for (i = 0; name[i] != '\0'; i++)
			want[i] = (char)toupper((unsigned char)name[i]);
		want[i] = '\0';
		CHECK_STR(want, ids[k]);
		snprintf(want, sizeof want, "ACCEL_%s", ids[k]);
		accel_key_env_name(k, false, env, sizeof env);
		CHECK_STR(env, want);
		CHECK_INT(accel_key_lookup(name), k);
		if (info->alias != NULL)
			CHECK_INT(accel_key_lookup(info->alias), k);
		/* Optional keys have no default; the others have one. */
		CHECK((info->flags & ACCEL_KEY_OPTIONAL) ? info->def == NULL
							 : info->def != NULL);
		if (info->type == ACCEL_TYPE_ENUM)
			CHECK(info->values != NULL);
		if (info->type == ACCEL_TYPE_DURATION)
			CHECK(info->unit_us == 1000 || info->unit_us == 1);
		/* A duration's unit is in its name: ..._ms or ..._us. */
		if (info->type == ACCEL_TYPE_DURATION)
			CHECK_STR(name + strlen(name) - 3,
				  info->unit_us == 1000 ? "_ms" : "_us");
	}
	CHECK_INT(accel_key_lookup("ring_size"), ACCEL_KEY_RX_SLOTS);
	accel_key_env_name(ACCEL_KEY_RX_SLOTS, true, env, sizeof env);
	CHECK_STR(env, "ACCEL_RING_SIZE");
	CHECK_INT(accel_key_lookup("nope"), -1);
	CHECK_INT(accel_key_lookup("RX_SLOTS"), -1);
	/* The enums are the kernel's and libpcap's numbers. */
	CHECK_INT(ACCEL_FANOUT_HASH, PACKET_FANOUT_HASH);
	CHECK_INT(ACCEL_FANOUT_LB, PACKET_FANOUT_LB);
	CHECK_INT(ACCEL_FANOUT_CPU, PACKET_FANOUT_CPU);
	CHECK_INT(ACCEL_FANOUT_ROLLOVER, PACKET_FANOUT_ROLLOVER);
	CHECK_INT(ACCEL_FANOUT_RANDOM, PACKET_FANOUT_RND);
	CHECK_INT(ACCEL_FANOUT_QM, PACKET_FANOUT_QM);
	CHECK_INT(ACCEL_TSTAMP_HOST, PCAP_TSTAMP_HOST);
	CHECK_INT(ACCEL_TSTAMP_HOST_LOWPREC, PCAP_TSTAMP_HOST_LOWPREC);
	CHECK_INT(ACCEL_TSTAMP_HOST_HIPREC, PCAP_TSTAMP_HOST_HIPREC);
	CHECK_INT(ACCEL_TSTAMP_ADAPTER, PCAP_TSTAMP_ADAPTER);
	CHECK_INT(ACCEL_TSTAMP_ADAPTER_UNSYNCED, PCAP_TSTAMP_ADAPTER_UNSYNCED);
	CHECK_INT(ACCEL_TSTAMP_HOST_HIPREC_UNSYNCED,
		  PCAP_TSTAMP_HOST_HIPREC_UNSYNCED);
	/* Spellings line up with the enums. */
	for (int t = ACCEL_TSTAMP_HOST; t <= ACCEL_TSTAMP_HOST_HIPREC_UNSYNCED; t++)
		CHECK_STR(accel_key_info(ACCEL_KEY_TSTAMP)->values[t],
			  pcap_tstamp_type_val_to_name(t));
	CHECK_STR(accel_key_info(ACCEL_KEY_BACKEND)->values[ACCEL_BACKEND_XDP],
		  "xdp");
	CHECK_STR(accel_key_info(ACCEL_KEY_FANOUT)->modifiers[ACCEL_FANOUT_BIT_DEFRAG],
		  "defrag");
	CHECK_INT(ACCEL_FANOUT_ROLLOVER_FLAG, 2);
}

static void defaults(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf = build("accel:eth0", no_env, errbuf);
	size_t n = 99;

	CHECK_STR(errbuf, "");
	if (conf == NULL)
		return;
	CHECK_STR(accel_conf_name(conf), "accel:eth0");
	CHECK(!accel_conf_forced(conf));
	for (int k = 0; k < ACCEL_KEY_COUNT; k++)
		CHECK_STR(accel_conf_origin(conf, 0, k), "default");
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BACKEND), ACCEL_BACKEND_AUTO);
	CHECK(!accel_conf_is_set(conf, 0, ACCEL_KEY_GROUP));
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_GROUP), -1);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_FANOUT), ACCEL_FANOUT_HASH);
	CHECK_INT(accel_conf_flags(conf, 0, ACCEL_KEY_FANOUT), 0);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_CAPLEN), -1);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_PROMISC), -1);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_TSTAMP), -1);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_RX_SLOTS), 32768);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BLOCK_SIZE), 1 << 20);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BLOCK_COUNT), 64);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BLOCK_TIMEOUT_MS), 1);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BUSY_POLL_US), 0);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_CPU), -1);
	CHECK(!accel_conf_is_set(conf, 0, ACCEL_KEY_CPU));
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_REORDER_WINDOW_US), 100);
	CHECK(accel_conf_string(conf, 0, ACCEL_KEY_COMPUTATION) == NULL);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_XDP_MODE), ACCEL_XDP_MODE_AUTO);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_XDP_ZERO_COPY), -1);
	CHECK(accel_conf_list(conf, 0, ACCEL_KEY_XDP_QUEUES, &n) == NULL);
	CHECK_INT(n, 0);
	CHECK(accel_conf_is_set(conf, 0, ACCEL_KEY_XDP_QUEUES));
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_XDP_FRAME_SIZE), 2048);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BPFRING_SIZE), 64 << 20);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BPFRING_HOOK),
		  ACCEL_BPFRING_HOOK_TC);
	accel_conf_free(conf);
}

/* ---------------------------------------------------------------------
 * Every key, every spelling: file, section, environment, alias.
 */

static const struct {
	enum accel_key key;
	const char *text, *shown;
} samples[] = {
	{ ACCEL_KEY_BACKEND, "xdp", "xdp" },
	{ ACCEL_KEY_GROUP, "42", "42" },
	{ ACCEL_KEY_FANOUT, "lb+defrag", "lb+defrag" },
	{ ACCEL_KEY_CAPLEN, "128", "128" },
	{ ACCEL_KEY_PROMISC, "on", "yes" },
	{ ACCEL_KEY_TSTAMP, "adapter", "adapter" },
	{ ACCEL_KEY_RX_SLOTS, "4096", "4096" },
	{ ACCEL_KEY_BLOCK_SIZE, "4M", "4M" },
	{ ACCEL_KEY_BLOCK_COUNT, "8", "8" },
	{ ACCEL_KEY_BLOCK_TIMEOUT_MS, "20", "20ms" },
	{ ACCEL_KEY_BUSY_POLL_US, "50", "50us" },
	{ ACCEL_KEY_CPU, "3", "3" },
	{ ACCEL_KEY_REORDER_WINDOW_US, "1ms", "1000us" },
	{ ACCEL_KEY_COMPUTATION, "ip >-> steer_flow", "ip >-> steer_flow" },
	{ ACCEL_KEY_COMPUTATION_FILE, "steer.acl", "steer.acl" },
	{ ACCEL_KEY_XDP_MODE, "native", "native" },
	{ ACCEL_KEY_XDP_ZERO_COPY, "no", "no" },
	{ ACCEL_KEY_XDP_QUEUES, "8,0-3", "0-3,8" },
	{ ACCEL_KEY_XDP_FRAME_SIZE, "4K", "4K" },
	{ ACCEL_KEY_BPFRING_SIZE, "1G", "1G" },
	{ ACCEL_KEY_BPFRING_HOOK, "xdp", "xdp" },
};

#define SAMPLE_COUNT (sizeof samples / sizeof samples[0])

static void samples_cover_every_key(void)
{
	int seen[ACCEL_KEY_COUNT] = { 0 };

	CHECK_INT(SAMPLE_COUNT, ACCEL_KEY_COUNT);
	for (size_t i = 0; i < SAMPLE_COUNT; i++)
		seen[samples[i].key]++;
	for (int k = 0; k < ACCEL_KEY_COUNT; k++)
		CHECK_INT(seen[k], 1);
}

static void every_key_in_a_file(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], want[300], line[200];
	struct accel_conf *conf;

	for (size_t i = 0; i < SAMPLE_COUNT; i++) {
		const struct accel_key_info *info = accel_key_info(samples[i].key);
		const char *spellings[] = { accel_key_name(samples[i].key),
					    info->alias };

		for (size_t s = 0; s < 2 && spellings[s] != NULL; s++) {
			snprintf(line, sizeof line, "# line 1\n%s = %s\n",
				 spellings[s], samples[i].text);
			write_file("k.conf", line);
			conf = build("accel/k.conf:eth0:eth1", no_env, errbuf);
			CHECK_STR(errbuf, "");
			snprintf(want, sizeof want, "%s @ k.conf:2",
				 samples[i].shown);
			CHECK_STR(show(conf, 0, samples[i].key), want);
			CHECK_STR(show(conf, 1, samples[i].key), want);
			accel_conf_free(conf);
		}
	}
}

static void every_key_in_a_section(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], want[300], line[200], def[300];
	struct accel_conf *conf;

	for (size_t i = 0; i < SAMPLE_COUNT; i++) {
		enum accel_key key = samples[i].key;
		const char *name = accel_key_name(key);

		snprintf(line, sizeof line, "[eth1]\n%s = %s\n", name,
			 samples[i].text);
		write_file("s.conf", line);
		if (!(accel_key_info(key)->flags & ACCEL_KEY_PER_DEVICE)) {
			snprintf(want, sizeof want, "s.conf:2: %s applies to all "
				 "devices and cannot be set in [eth1]", name);
			CHECK_STR(build_error("accel/s.conf:eth0:eth1", no_env),
				  want);
			continue;
		}
		conf = build("accel/s.conf:eth0:eth1", no_env, errbuf);
		CHECK_STR(errbuf, "");
		snprintf(want, sizeof want, "%s @ s.conf:2", samples[i].shown);
		CHECK_STR(show(conf, 1, key), want);
		/* eth0 keeps its default. */
		snprintf(def, sizeof def, "%s", show(conf, 0, key));
		CHECK(strstr(def, "@ default") != NULL);
		accel_conf_free(conf);
	}
}

static void every_key_in_the_environment(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], want[300], var[200], env_name[64];
	struct accel_conf *conf;

	for (size_t i = 0; i < SAMPLE_COUNT; i++) {
		enum accel_key key = samples[i].key;

		for (int alias = 0; alias < 2; alias++) {
			char *env[] = { var, NULL };

			if (alias && accel_key_info(key)->alias == NULL)
				continue;
			accel_key_env_name(key, alias, env_name, sizeof env_name);
			snprintf(var, sizeof var, "%s=%s", env_name,
				 samples[i].text);
			conf = build("accel:eth0:eth1", env, errbuf);
			CHECK_STR(errbuf, "");
			snprintf(want, sizeof want, "%s @ env %s",
				 samples[i].shown, env_name);
			CHECK_STR(show(conf, 0, key), want);
			CHECK_STR(show(conf, 1, key), want);
			accel_conf_free(conf);
		}
	}
}

static void typed_getters(void)
{
	static const char content[] =
		"fanout = hash+defrag+rollover\n"
		"xdp_queues = 8, 0-3 ,2\n"
		"computation = ip >-> steer_flow # comment\n"
		"tstamp = ADAPTER_unsynced\n"
		"xdp_zero_copy = YES\n"
		"promisc = off\n"
		"block_size = 8KiB\n";
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;
	const uint32_t *list;
	size_t n = 0;

	write_file("g.conf", content);
	conf = build("accel/g.conf:eth0", no_env, errbuf);
	CHECK_STR(errbuf, "");
	if (conf == NULL)
		return;
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_FANOUT), ACCEL_FANOUT_HASH);
	CHECK_INT(accel_conf_flags(conf, 0, ACCEL_KEY_FANOUT),
		  ACCEL_FANOUT_DEFRAG_FLAG | ACCEL_FANOUT_ROLLOVER_FLAG);
	list = accel_conf_list(conf, 0, ACCEL_KEY_XDP_QUEUES, &n);
	CHECK_INT(n, 5);
	if (list != NULL && n == 5) {
		CHECK_INT(list[0], 0);
		CHECK_INT(list[3], 3);
		CHECK_INT(list[4], 8);
	}
	CHECK_STR(accel_conf_string(conf, 0, ACCEL_KEY_COMPUTATION),
		  "ip >-> steer_flow");
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_TSTAMP),
		  ACCEL_TSTAMP_ADAPTER_UNSYNCED);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_XDP_ZERO_COPY), 1);
	CHECK(accel_conf_is_set(conf, 0, ACCEL_KEY_PROMISC));
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_PROMISC), 0);
	CHECK_INT(accel_conf_int(conf, 0, ACCEL_KEY_BLOCK_SIZE), 8192);
	accel_conf_free(conf);
}

/* ---------------------------------------------------------------------
 * Each type's parsing and range edges.
 */

static void type_bool(void)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "YES",
					   "True", "oN" };
	static const char *const no[] = { "0", "no", "false", "off", "NO",
					  "False", "OFF" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK_STR(file_value(ACCEL_KEY_PROMISC, yes[i]), "yes");
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK_STR(file_value(ACCEL_KEY_PROMISC, no[i]), "no");
	CHECK_STR(file_value(ACCEL_KEY_PROMISC, "none"), "none");
	CHECK_STR(file_value(ACCEL_KEY_PROMISC, "maybe"),
		  "error: v.conf:1: promisc: 'maybe' is not a boolean (yes/no, "
		  "on/off, true/false, 1/0, or none)");
	CHECK_STR(file_value(ACCEL_KEY_PROMISC, "2"),
		  "error: v.conf:1: promisc: '2' is not a boolean (yes/no, "
		  "on/off, true/false, 1/0, or none)");
	CHECK_STR(file_value(ACCEL_KEY_PROMISC, "-1"),
		  "error: v.conf:1: promisc: '-1' is not a boolean (yes/no, "
		  "on/off, true/false, 1/0, or none)");
}

static void type_tristate(void)
{
	CHECK_STR(file_value(ACCEL_KEY_XDP_ZERO_COPY, "auto"), "auto");
	CHECK_STR(file_value(ACCEL_KEY_XDP_ZERO_COPY, "AUTO"), "auto");
	CHECK_STR(file_value(ACCEL_KEY_XDP_ZERO_COPY, "true"), "yes");
	CHECK_STR(file_value(ACCEL_KEY_XDP_ZERO_COPY, "0"), "no");
	CHECK_STR(file_value(ACCEL_KEY_XDP_ZERO_COPY, "none"),
		  "error: v.conf:1: xdp_zero_copy: 'none' is not auto or a "
		  "boolean (yes/no, on/off, true/false, 1/0)");
}

static void type_int(void)
{
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "0"), "0");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "65535"), "65535");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "007"), "7");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "none"), "none");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "NONE"), "none");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "-1"), "none");
	CHECK_STR(file_value(ACCEL_KEY_CPU, "-1"), "none");
	CHECK_STR(file_value(ACCEL_KEY_CPU, "8191"), "8191");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "65536"),
		  "error: v.conf:1: group: '65536' is out of range (0..65535, "
		  "or none)");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "-2"),
		  "error: v.conf:1: group: '-2' is not a number (0..65535, or "
		  "none)");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "0x10"),
		  "error: v.conf:1: group: '0x10' is not a number (0..65535, "
		  "or none)");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "99999999999999999999999"),
		  "error: v.conf:1: group: '99999999999999999999999' is not a "
		  "number (0..65535, or none)");
	CHECK_STR(file_value(ACCEL_KEY_GROUP, "1 2"),
		  "error: v.conf:1: group: '1 2' is not a number (0..65535, or "
		  "none)");
	CHECK_STR(file_value(ACCEL_KEY_CAPLEN, "1"), "1");
	CHECK_STR(file_value(ACCEL_KEY_CAPLEN, "262144"), "262144");
	CHECK_STR(file_value(ACCEL_KEY_CAPLEN, "0"),
		  "error: v.conf:1: caplen: '0' is out of range (1..262144, or "
		  "none)");
	/* Power of two, and not optional: none and -1 are not numbers. */
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "64"), "64");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "1048576"), "1048576");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "32"),
		  "error: v.conf:1: rx_slots: '32' is out of range "
		  "(64..1048576, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "2097152"),
		  "error: v.conf:1: rx_slots: '2097152' is out of range "
		  "(64..1048576, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "1000"),
		  "error: v.conf:1: rx_slots: '1000' is not a power of two "
		  "(64..1048576, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "12x"),
		  "error: v.conf:1: rx_slots: '12x' is not a number "
		  "(64..1048576, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_RX_SLOTS, "none"),
		  "error: v.conf:1: rx_slots: 'none' is not a number "
		  "(64..1048576, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_COUNT, "1"), "1");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_COUNT, "65536"), "65536");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_COUNT, "0"),
		  "error: v.conf:1: block_count: '0' is out of range (1..65536)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_COUNT, ""),
		  "error: v.conf:1: block_count: empty value (integer 1..65536)");
}

static void type_size(void)
{
	static const struct {
		const char *text, *shown;
	} ok[] = {
		{ "4096", "4K" }, { "4k", "4K" }, { "4K", "4K" },
		{ "4KB", "4K" }, { "4KiB", "4K" }, { "4kib", "4K" },
		{ "1m", "1M" }, { "1MiB", "1M" }, { "256M", "256M" },
		{ "1048576", "1M" }, { "2048K", "2M" }, { "4096B", "4K" },
	};

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, ok[i].text),
			  ok[i].shown);
	CHECK_STR(file_value(ACCEL_KEY_BPFRING_SIZE, "1G"), "1G");
	CHECK_STR(file_value(ACCEL_KEY_BPFRING_SIZE, "1GiB"), "1G");
	CHECK_STR(file_value(ACCEL_KEY_BPFRING_SIZE, "2G"),
		  "error: v.conf:1: bpfring_size: '2G' is out of range (4K..1G, "
		  "power of two, at least the page size)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "512M"),
		  "error: v.conf:1: block_size: '512M' is out of range "
		  "(4K..256M, power of two, at least the page size)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "2K"),
		  "error: v.conf:1: block_size: '2K' is out of range (4K..256M, "
		  "power of two, at least the page size)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "3M"),
		  "error: v.conf:1: block_size: '3M' is not a power of two "
		  "(4K..256M, power of two, at least the page size)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "1.5M"),
		  "error: v.conf:1: block_size: '1.5M' is not a size (4K..256M, "
		  "power of two, at least the page size; suffixes K, M, G)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "12Q"),
		  "error: v.conf:1: block_size: '12Q' is not a size (4K..256M, "
		  "power of two, at least the page size; suffixes K, M, G)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "M"),
		  "error: v.conf:1: block_size: 'M' is not a size (4K..256M, "
		  "power of two, at least the page size; suffixes K, M, G)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "4KK"),
		  "error: v.conf:1: block_size: '4KK' is not a size (4K..256M, "
		  "power of two, at least the page size; suffixes K, M, G)");
	/* Overflow when scaled: out of range, not wrapped round. */
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_SIZE, "17179869184G"),
		  "error: v.conf:1: block_size: '17179869184G' is out of range "
		  "(4K..256M, power of two, at least the page size)");
	CHECK_STR(file_value(ACCEL_KEY_XDP_FRAME_SIZE, "2048"), "2K");
	CHECK_STR(file_value(ACCEL_KEY_XDP_FRAME_SIZE, "3K"),
		  "error: v.conf:1: xdp_frame_size: '3K' is not a power of two "
		  "(2K..4K, power of two)");
	CHECK_STR(file_value(ACCEL_KEY_XDP_FRAME_SIZE, "8K"),
		  "error: v.conf:1: xdp_frame_size: '8K' is out of range "
		  "(2K..4K, power of two)");
}

static void type_duration(void)
{
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "1"), "1ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "60000"), "60000ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "2000us"), "2ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "7ms"), "7ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "1s"), "1000ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "60S"), "60000ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "1500us"),
		  "error: v.conf:1: block_timeout_ms: '1500us' is not a whole "
		  "number of ms");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "0"),
		  "error: v.conf:1: block_timeout_ms: '0' is out of range "
		  "(1..60000 ms)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "61s"),
		  "error: v.conf:1: block_timeout_ms: '61s' is out of range "
		  "(1..60000 ms)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "5x"),
		  "error: v.conf:1: block_timeout_ms: '5x' is not a duration "
		  "(1..60000 ms; suffixes us, ms, s)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "ms"),
		  "error: v.conf:1: block_timeout_ms: 'ms' is not a duration "
		  "(1..60000 ms; suffixes us, ms, s)");
	CHECK_STR(file_value(ACCEL_KEY_BLOCK_TIMEOUT_MS, "99999999999999999s"),
		  "error: v.conf:1: block_timeout_ms: '99999999999999999s' is "
		  "out of range (1..60000 ms)");
	CHECK_STR(file_value(ACCEL_KEY_BUSY_POLL_US, "0"), "0us");
	CHECK_STR(file_value(ACCEL_KEY_BUSY_POLL_US, "1ms"), "1000us");
	CHECK_STR(file_value(ACCEL_KEY_BUSY_POLL_US, "1s"), "1000000us");
	CHECK_STR(file_value(ACCEL_KEY_BUSY_POLL_US, "2s"),
		  "error: v.conf:1: busy_poll_us: '2s' is out of range "
		  "(0..1000000 us)");
	CHECK_STR(file_value(ACCEL_KEY_REORDER_WINDOW_US, "0"), "0us");
}

static void type_enum(void)
{
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "tpacket"), "tpacket");
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "BPFRING"), "bpfring");
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "xpd"),
		  "error: v.conf:1: backend: 'xpd' is not one of auto, tpacket, "
		  "xdp, bpfring (did you mean 'xdp'?)");
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "dpdk"),
		  "error: v.conf:1: backend: 'dpdk' is not one of auto, "
		  "tpacket, xdp, bpfring");
	/* No modifiers on backend: the '+' is part of an unknown value. */
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "dpdk+x"),
		  "error: v.conf:1: backend: 'dpdk+x' is not one of auto, "
		  "tpacket, xdp, bpfring");
	CHECK_STR(file_value(ACCEL_KEY_BACKEND, "xdp+defrag"),
		  "error: v.conf:1: backend: 'xdp+defrag' is not one of auto, "
		  "tpacket, xdp, bpfring (did you mean 'xdp'?)");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "hash+defrag+rollover"),
		  "hash+defrag+rollover");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "cpu+rollover+defrag"),
		  "cpu+defrag+rollover");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "QM"), "qm");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "rollover+rollover"),
		  "rollover+rollover");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "hash+foo"),
		  "error: v.conf:1: fanout: 'hash+foo': '+foo' is not a "
		  "modifier; they are defrag, rollover");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "hash+defrg"),
		  "error: v.conf:1: fanout: 'hash+defrg': '+defrg' is not a "
		  "modifier; they are defrag, rollover (did you mean 'defrag'?)");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "hash+defrag+defrag"),
		  "error: v.conf:1: fanout: 'hash+defrag+defrag': '+defrag' is "
		  "given twice");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "hash+"),
		  "error: v.conf:1: fanout: 'hash+': '+' is not a modifier; "
		  "they are defrag, rollover");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "+defrag"),
		  "error: v.conf:1: fanout: '' is not one of hash, lb, cpu, "
		  "rollover, random, qm");
	CHECK_STR(file_value(ACCEL_KEY_FANOUT, "rnd"),
		  "error: v.conf:1: fanout: 'rnd' is not one of hash, lb, cpu, "
		  "rollover, random, qm");
	CHECK_STR(file_value(ACCEL_KEY_TSTAMP, "none"), "none");
	CHECK_STR(file_value(ACCEL_KEY_TSTAMP, "host_hiprec_unsynced"),
		  "host_hiprec_unsynced");
	CHECK_STR(file_value(ACCEL_KEY_TSTAMP, "adaptor"),
		  "error: v.conf:1: tstamp: 'adaptor' is not one of host, "
		  "host_lowprec, host_hiprec, adapter, adapter_unsynced, "
		  "host_hiprec_unsynced (did you mean 'adapter'?)");
	CHECK_STR(file_value(ACCEL_KEY_XDP_MODE, "generic"), "generic");
	CHECK_STR(file_value(ACCEL_KEY_BPFRING_HOOK, "TC"), "tc");
	/* Not optional: none is not a value. */
	CHECK_STR(file_value(ACCEL_KEY_XDP_MODE, "none"),
		  "error: v.conf:1: xdp_mode: 'none' is not one of auto, "
		  "native, generic, skb");
}

static void type_string(void)
{
	CHECK_STR(file_value(ACCEL_KEY_COMPUTATION, "x"), "x");
	CHECK_STR(file_value(ACCEL_KEY_COMPUTATION, "a=b#c"), "a=b#c");
	CHECK_STR(file_value(ACCEL_KEY_COMPUTATION, "none"), "none");
	CHECK_STR(file_value(ACCEL_KEY_COMPUTATION, ""),
		  "error: v.conf:1: computation: empty value (text, or none)");
	CHECK_STR(file_value(ACCEL_KEY_COMPUTATION, "# just a comment"),
		  "error: v.conf:1: computation: empty value (text, or none)");
}

static void type_list(void)
{
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "all"), "all");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "ALL"), "all");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "0"), "0");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "3,1,2"), "1-3");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "1-3,2,7,9-10"), "1-3,7,9-10");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "0 , 2"), "0,2");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "4095"), "4095");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "5-5"), "5");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "3-1"),
		  "error: v.conf:1: xdp_queues: '3-1': the range 3-1 is backwards");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "4096"),
		  "error: v.conf:1: xdp_queues: '4096': 4096 is out of range "
		  "(0..4095)");
	CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, "0-5000"),
		  "error: v.conf:1: xdp_queues: '0-5000': 5000 is out of range "
		  "(0..4095)");
	static const char *const bad[] = { "1,,2", "a", "1-", "-1", ",1",
					   "1,", "1;2", "none" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[300];

		snprintf(want, sizeof want, "error: v.conf:1: xdp_queues: '%s' "
			 "is not a list (all, or numbers 0..4095 and ranges, "
			 "like 0-3,8)", bad[i]);
		CHECK_STR(file_value(ACCEL_KEY_XDP_QUEUES, bad[i]), want);
	}
}

/* ---------------------------------------------------------------------
 * Layers and precedence.
 */

static void precedence(void)
{
	char *env[] = {
		"ACCEL_CONF=site.conf", "ACCEL_BLOCK_COUNT=3", "ACCEL_CPU=2",
		"ACCEL_GROUP=none", "ACCEL_BACKEND=tpacket", NULL,
	};
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	write_file("site.conf",
		   "rx_slots = 128\n"
		   "block_count = 2\n"
		   "cpu = 1\n"
		   "group = 5\n"
		   "caplen = 96\n"
		   "[eth0]\n"
		   "block_count = 7\n"
		   "busy_poll_us = 10\n"
		   "[eth1]\n"
		   "xdp_mode = generic\n");
	write_file("n.conf",
		   "cpu = 4\n"
		   "[eth1]\n"
		   "backend = xdp\n");
	conf = build("accel/n.conf:eth0:eth1", env, errbuf);
	CHECK_STR(errbuf, "");
	/* default < ACCEL_CONF file < environment < the name's file. */
	CHECK_STR(show(conf, 0, ACCEL_KEY_BLOCK_SIZE), "1M @ default");
	CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS), "128 @ site.conf:1");
	CHECK_STR(show(conf, 1, ACCEL_KEY_RX_SLOTS), "128 @ site.conf:1");
	CHECK_STR(show(conf, 0, ACCEL_KEY_CAPLEN), "96 @ site.conf:5");
	/* The environment beats the site file's sections as well. */
	CHECK_STR(show(conf, 0, ACCEL_KEY_BLOCK_COUNT), "3 @ env ACCEL_BLOCK_COUNT");
	CHECK_STR(show(conf, 1, ACCEL_KEY_BLOCK_COUNT), "3 @ env ACCEL_BLOCK_COUNT");
	CHECK_STR(show(conf, 0, ACCEL_KEY_BUSY_POLL_US), "10us @ site.conf:8");
	CHECK_STR(show(conf, 1, ACCEL_KEY_BUSY_POLL_US), "0us @ default");
	CHECK_STR(show(conf, 1, ACCEL_KEY_XDP_MODE), "generic @ site.conf:10");
	CHECK_STR(show(conf, 0, ACCEL_KEY_XDP_MODE), "auto @ default");
	/* "none" in the environment undoes the site file's group. */
	CHECK_STR(show(conf, 0, ACCEL_KEY_GROUP), "none @ env ACCEL_GROUP");
	CHECK(!accel_conf_is_set(conf, 0, ACCEL_KEY_GROUP));
	/* The name's file beats the environment, globally and per section. */
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "4 @ n.conf:1");
	CHECK_STR(show(conf, 1, ACCEL_KEY_CPU), "4 @ n.conf:1");
	CHECK_STR(show(conf, 0, ACCEL_KEY_BACKEND), "tpacket @ env ACCEL_BACKEND");
	CHECK_STR(show(conf, 1, ACCEL_KEY_BACKEND), "xdp @ n.conf:3");
	CHECK_STR(accel_conf_file(conf), "n.conf");
	accel_conf_free(conf);

	/* Without the name's file, the environment is on top. */
	conf = build("accel:eth0", env, errbuf);
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "2 @ env ACCEL_CPU");
	accel_conf_free(conf);

	/* A higher layer's global beats a lower layer's section. */
	write_file("n2.conf", "busy_poll_us = 20\n");
	conf = build("accel/n2.conf:eth0", env, errbuf);
	CHECK_STR(show(conf, 0, ACCEL_KEY_BUSY_POLL_US), "20us @ n2.conf:1");
	accel_conf_free(conf);
}

static void site_file(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	{
		char *env[] = { "ACCEL_CONF=", NULL };

		conf = build("accel:eth0", env, errbuf);
		CHECK_STR(errbuf, "");
		CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS), "32768 @ default");
		accel_conf_free(conf);
	}
	{
		char *env[] = { "ACCEL_CONF=missing.conf", NULL };

		CHECK_STR(build_error("accel:eth0", env),
			  "missing.conf: cannot open: No such file or directory");
		/* Plain names never read it. */
		CHECK_STR(build_error("eth0", env), "");
	}
	{
		char *env[] = { "ACCEL_CONF=site-bad.conf", NULL };

		write_file("site-bad.conf", "\n\nrx_slot = 4\n");
		CHECK_STR(build_error("accel:eth0", env),
			  "site-bad.conf:3: unknown key 'rx_slot' (did you mean "
			  "'rx_slots'?)");
	}
}

/* ---------------------------------------------------------------------
 * Files: syntax, sections, paths.
 */

static void file_syntax(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	write_file("syn.conf",
		   "# a comment\n"
		   "   # an indented comment\n"
		   "\n"
		   "  \t\n"
		   "rx_slots=128\n"
		   "\tblock_count   =   16   # trailing comment\n"
		   "computation = a#b c # d\n"
		   "cpu = 5\r\n"
		   "group = 9\t#tab before it\n");
	conf = build("accel/syn.conf:eth0", no_env, errbuf);
	CHECK_STR(errbuf, "");
	CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS), "128 @ syn.conf:5");
	CHECK_STR(show(conf, 0, ACCEL_KEY_BLOCK_COUNT), "16 @ syn.conf:6");
	CHECK_STR(show(conf, 0, ACCEL_KEY_COMPUTATION), "a#b c @ syn.conf:7");
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "5 @ syn.conf:8");
	CHECK_STR(show(conf, 0, ACCEL_KEY_GROUP), "9 @ syn.conf:9");
	accel_conf_free(conf);

	/* An empty file, and one with no newline at the end. */
	write_file("empty.conf", "");
	CHECK_STR(build_error("accel/empty.conf:eth0", no_env), "");
	write_file("nonl.conf", "cpu = 6");
	conf = build("accel/nonl.conf:eth0", no_env, errbuf);
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "6 @ nonl.conf:1");
	accel_conf_free(conf);

	CHECK_STR(file_error("# one\nrx_slots 128\n"),
		  "f.conf:2: expected 'key = value' or '[device]', not "
		  "'rx_slots 128'");
	CHECK_STR(file_error("= 5\n"), "f.conf:1: no key before '='");
	CHECK_STR(file_error("rx_slots =\n"),
		  "f.conf:1: rx_slots: empty value (integer 64..1048576, power "
		  "of two)");
	CHECK_STR(file_error("cpu = 1\n\n\n[eth1\n"),
		  "f.conf:4: a section header is '[device]', not '[eth1'");
	CHECK_STR(file_error("[eth1] cpu = 1\n"),
		  "f.conf:1: a section header is '[device]', not '[eth1] cpu = 1'");
	CHECK_STR(file_error("[]\n"), "f.conf:1: section []: empty device name");
	CHECK_STR(file_error("[0123456789abcdef]\n"),
		  "f.conf:1: section [0123456789abcdef]: device "
		  "'0123456789abcdef' is too long for an interface name (at "
		  "most 15 characters)");
	CHECK_STR(file_error("[eth:1]\n"),
		  "f.conf:1: section [eth:1]: device 'eth:1': an interface name "
		  "cannot contain ':'");
	{
		static const char nul[] = "cpu = 1\nblock\0count = 2\n";
		FILE *f = fopen("nul.conf", "w");

		fwrite(nul, 1, sizeof nul - 1, f);
		fclose(f);
		CHECK_STR(build_error("accel/nul.conf:eth0", no_env),
			  "nul.conf:2: a NUL byte: not a text file");
	}
	mkdir("adir.conf", 0700);
	CHECK_STR(build_error("accel/adir.conf:eth0", no_env),
		  "adir.conf: cannot read: Is a directory");
	CHECK_STR(build_error("accel/nope.conf:eth0", no_env),
		  "nope.conf: cannot open: No such file or directory");
	CHECK_STR(build_error("accel/nodir/x.conf:eth0", no_env),
		  "nodir/x.conf: cannot open: No such file or directory");
}

static void file_paths(void)
{
	char errbuf[PCAP_ERRBUF_SIZE], name[300], want[300];
	struct accel_conf *conf;

	mkdir("sub", 0700);
	write_file("sub/rel.conf", "cpu = 7\n");
	conf = build("accel/sub/rel.conf:eth0", no_env, errbuf);
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "7 @ sub/rel.conf:1");
	accel_conf_free(conf);
	/* The double slash: an absolute path, reported as written. */
	snprintf(name, sizeof name, "accel/%s/sub/rel.conf:eth0", tmpdir);
	CHECK(name[6] == '/' && name[5] == '/');
	conf = build(name, no_env, errbuf);
	CHECK_STR(errbuf, "");
	snprintf(want, sizeof want, "7 @ %s/sub/rel.conf:1", tmpdir);
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), want);
	snprintf(want, sizeof want, "%s/sub/rel.conf", tmpdir);
	CHECK_STR(accel_conf_file(conf), want);
	accel_conf_free(conf);
}

static void sections(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	write_file("sec.conf",
		   "rx_slots = 128\n"
		   "[eth1]\n"
		   "rx_slots = 256\n"
		   "[ eth2 ]   # not in the name: checked, ignored\n"
		   "cpu = 1\n"
		   "[eth0]\n"
		   "promisc = yes\n");
	conf = build("accel/sec.conf:eth0:eth1", no_env, errbuf);
	CHECK_STR(errbuf, "");
	CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS), "128 @ sec.conf:1");
	CHECK_STR(show(conf, 1, ACCEL_KEY_RX_SLOTS), "256 @ sec.conf:3");
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "none @ default");
	CHECK_STR(show(conf, 1, ACCEL_KEY_CPU), "none @ default");
	CHECK_STR(show(conf, 0, ACCEL_KEY_PROMISC), "yes @ sec.conf:7");
	CHECK_STR(show(conf, 1, ACCEL_KEY_PROMISC), "none @ default");
	accel_conf_free(conf);

	/* A section before the global setting still wins for its device. */
	write_file("order2.conf", "cpu = 1\n[eth1]\ncpu = 2\n[eth0]\n");
	conf = build("accel/order2.conf:eth0:eth1", no_env, errbuf);
	CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "1 @ order2.conf:1");
	CHECK_STR(show(conf, 1, ACCEL_KEY_CPU), "2 @ order2.conf:3");
	accel_conf_free(conf);

	/* Sections for absent devices are still checked. */
	CHECK_STR(file_error("[eth9]\nrx_slot = 1\n"),
		  "f.conf:2: unknown key 'rx_slot' (did you mean 'rx_slots'?)");
	CHECK_STR(file_error("[eth9]\nrx_slots = 3\n"),
		  "f.conf:2: rx_slots: '3' is out of range (64..1048576, power "
		  "of two)");
	CHECK_STR(file_error("[eth9]\ncaplen = 100\n"),
		  "f.conf:2: caplen applies to all devices and cannot be set in "
		  "[eth9]");
	CHECK_STR(file_error("[eth0]\nreorder_window_us = 5\n"),
		  "f.conf:2: reorder_window_us applies to all devices and cannot "
		  "be set in [eth0]");
	CHECK_STR(file_error("[eth0]\ncomputation = x\n"),
		  "f.conf:2: computation applies to all devices and cannot be "
		  "set in [eth0]");
}

static void duplicates(void)
{
	CHECK_STR(file_error("rx_slots = 128\ncpu = 1\nrx_slots = 256\n"),
		  "f.conf:3: rx_slots is already set at f.conf:1");
	CHECK_STR(file_error("rx_slots = 128\nring_size = 256\n"),
		  "f.conf:2: rx_slots is already set at f.conf:1");
	CHECK_STR(file_error("[eth1]\ncpu = 1\ncpu = 2\n"),
		  "f.conf:3: cpu is already set at f.conf:2");
	/* A section reopened is the same section. */
	CHECK_STR(file_error("[eth1]\ncpu = 1\n[eth0]\n[eth1]\ncpu = 2\n"),
		  "f.conf:5: cpu is already set at f.conf:2");
	/* Global and per device, or two devices: not duplicates. */
	CHECK_STR(file_error("cpu = 1\n[eth1]\ncpu = 2\n[eth0]\ncpu = 3\n"), "");
	/* "none" is a setting too. */
	CHECK_STR(file_error("group = none\ngroup = 3\n"),
		  "f.conf:2: group is already set at f.conf:1");
}

static void unknown_keys(void)
{
	static const struct {
		const char *key, *hint;
	} rows[] = {
		{ "rx_slot", "rx_slots" },
		{ "rxslots", "rx_slots" },
		{ "RX_SLOTS", "rx_slots" },
		{ "Backend", "backend" },
		{ "ringsize", "ring_size" },
		{ "ring-size", "ring_size" },
		{ "cpus", "cpu" },
		{ "fanuot", "fanout" },
		{ "block_timeout", "block_timeout_ms" },	/* a prefix */
		{ "reorder_window", "reorder_window_us" },
		{ "busy_poll_usec", "busy_poll_us" },	/* the key is a prefix */
		{ "bpfring", NULL },	/* prefix of two keys: no guess */
		{ "block", NULL },
		{ "xdp", NULL },
		{ "zzz", NULL },
		{ "x", NULL },
		{ "cp", "cpu" },
	};
	char content[200], want[300];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(content, sizeof content, "\n%s = 1\n", rows[i].key);
		if (rows[i].hint != NULL)
			snprintf(want, sizeof want, "f.conf:2: unknown key '%s' "
				 "(did you mean '%s'?)", rows[i].key,
				 rows[i].hint);
		else
			snprintf(want, sizeof want, "f.conf:2: unknown key '%s' "
				 "(accel-info --keys lists the keys)",
				 rows[i].key);
		CHECK_STR(file_error(content), want);
	}
}

/* ---------------------------------------------------------------------
 * The environment.
 */

static void env_errors(void)
{
	static const struct {
		const char *var, *error;
	} rows[] = {
		{ "ACCEL_RX_SLOT=5",
		  "unknown variable ACCEL_RX_SLOT (did you mean ACCEL_RX_SLOTS?)" },
		{ "ACCEL_RINGSIZE=5",
		  "unknown variable ACCEL_RINGSIZE (did you mean ACCEL_RING_SIZE?)" },
		{ "ACCEL_rx_slots=5",
		  "unknown variable ACCEL_rx_slots (did you mean ACCEL_RX_SLOTS?)" },
		{ "ACCEL_BLOCK_TIMEOUT=5",
		  "unknown variable ACCEL_BLOCK_TIMEOUT (did you mean "
		  "ACCEL_BLOCK_TIMEOUT_MS?)" },
		{ "ACCEL_BOGUS=1",
		  "unknown variable ACCEL_BOGUS (accel-info --keys lists the "
		  "keys; ACCEL_X sets key x)" },
		{ "ACCEL_=1",
		  "unknown variable ACCEL_ (accel-info --keys lists the keys; "
		  "ACCEL_X sets key x)" },
		{ "ACCEL_RX_SLOTS=12x",
		  "ACCEL_RX_SLOTS: '12x' is not a number (64..1048576, power of "
		  "two)" },
		{ "ACCEL_RING_SIZE=100",
		  "ACCEL_RING_SIZE: '100' is not a power of two (64..1048576, "
		  "power of two)" },
		{ "ACCEL_BACKEND=xpd",
		  "ACCEL_BACKEND: 'xpd' is not one of auto, tpacket, xdp, "
		  "bpfring (did you mean 'xdp'?)" },
		{ "ACCEL_PROMISC=maybe",
		  "ACCEL_PROMISC: 'maybe' is not a boolean (yes/no, on/off, "
		  "true/false, 1/0, or none)" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *env[] = { "HOME=/", (char *)rows[i].var, NULL };

		CHECK_STR(build_error("accel:eth0", env), rows[i].error);
	}
	{
		char *env[] = { "ACCEL_RX_SLOTS=128", "ACCEL_RING_SIZE=256", NULL };

		CHECK_STR(build_error("accel:eth0", env),
			  "ACCEL_RING_SIZE and ACCEL_RX_SLOTS both set rx_slots; "
			  "keep one");
	}
	/* An error in the environment is found before the name's file is read. */
	{
		char *env[] = { "ACCEL_CPUS=1", NULL };

		CHECK_STR(build_error("accel/nope.conf:eth0", env),
			  "unknown variable ACCEL_CPUS (did you mean ACCEL_CPU?)");
	}
}

static void env_values(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct accel_conf *conf;

	/* Not ours, or ours but not keys: no error. */
	{
		char *env[] = { "ACCEL_SHARED=/work/shared", "ACCEL_BUILD=b",
				"ACCEL_FORCE=0", "ACCEL_JIT=0", "accel_rx_slots=5",
				"XACCEL_RX_SLOTS=5", "ACCEL_CONF=", "ACCEL_CPU",
				"PATH=/bin", NULL };

		conf = build("accel:eth0", env, errbuf);
		CHECK_STR(errbuf, "");
		CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS), "32768 @ default");
		CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "none @ default");
		accel_conf_free(conf);
	}
	/* Empty is unset; white space is trimmed. */
	{
		char *env[] = { "ACCEL_CPU=", "ACCEL_GROUP=  ",
				"ACCEL_RX_SLOTS= 4096 ", NULL };

		conf = build("accel:eth0", env, errbuf);
		CHECK_STR(errbuf, "");
		CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "none @ default");
		CHECK_STR(show(conf, 0, ACCEL_KEY_GROUP), "none @ default");
		CHECK_STR(show(conf, 0, ACCEL_KEY_RX_SLOTS),
			  "4096 @ env ACCEL_RX_SLOTS");
		accel_conf_free(conf);
	}
	/* The first of two same-named entries, as getenv() reads it. */
	{
		char *env[] = { "ACCEL_CPU=1", "ACCEL_CPU=2", NULL };

		conf = build("accel:eth0", env, errbuf);
		CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "1 @ env ACCEL_CPU");
		accel_conf_free(conf);
	}
	{
		char *env[] = { "ACCEL_CPU=", "ACCEL_CPU=2", NULL };

		conf = build("accel:eth0", env, errbuf);
		CHECK_STR(show(conf, 0, ACCEL_KEY_CPU), "none @ default");
		accel_conf_free(conf);
	}
	/* NULL: the process's environment. */
	setenv("ACCEL_BLOCK_COUNT", "5", 1);
	conf = build("accel:eth0", NULL, errbuf);
	CHECK_STR(errbuf, "");
	CHECK_STR(show(conf, 0, ACCEL_KEY_BLOCK_COUNT),
		  "5 @ env ACCEL_BLOCK_COUNT");
	accel_conf_free(conf);
	unsetenv("ACCEL_BLOCK_COUNT");
}

/* ---------------------------------------------------------------------
 * Threads share nothing: builds in parallel get their own answers.
 */

struct thread_job {
	int n;
	int failures;
};

static void *thread_builds(void *arg)
{
	struct thread_job *job = arg;
	char errbuf[PCAP_ERRBUF_SIZE], var[64], file[64], dev[16], content[64];
	char *env[] = { var, NULL };

	snprintf(var, sizeof var, "ACCEL_CPU=%d", job->n);
	snprintf(file, sizeof file, "accel/t%d.conf:eth%d", job->n, job->n);
	snprintf(dev, sizeof dev, "eth%d", job->n);
	for (int i = 0; i < 200; i++) {
		struct accel_conf *conf = NULL;

		if (accel_conf_build(file, env, &conf, errbuf) < 0 ||
		    accel_conf_int(conf, 0, ACCEL_KEY_CPU) != job->n ||
		    accel_conf_int(conf, 0, ACCEL_KEY_BLOCK_COUNT) != job->n + 1 ||
		    strcmp(accel_conf_device(conf, 0), dev) != 0)
			job->failures++;
		accel_conf_free(conf);
		/* And an error, whose message must be this thread's. */
		snprintf(content, sizeof content, "accel:eth%d:eth%d", job->n,
			 job->n);
		if (accel_conf_build(content, env, &conf, errbuf) == 0 ||
		    strstr(errbuf, content) == NULL)
			job->failures++;
	}
	return NULL;
}

static void threads(void)
{
	struct thread_job jobs[4];
	pthread_t tids[4];

	for (int i = 0; i < 4; i++) {
		char name[32], content[64];

		snprintf(name, sizeof name, "t%d.conf", i);
		snprintf(content, sizeof content, "block_count = %d\n", i + 1);
		write_file(name, content);
		jobs[i] = (struct thread_job){ .n = i };
	}
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&tids[i], NULL, thread_builds, &jobs[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(tids[i], NULL);
		CHECK_INT(jobs[i].failures, 0);
	}
}

/* ---------------------------------------------------------------------
 * Documentation from the table.
 */

static char *doc_text(void (*writer)(FILE *))
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	writer(f);
	fclose(f);
	return text;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int c;

	if (f == NULL)
		return NULL;
	out = open_memstream(&text, &size);
	while ((c = getc(f)) != EOF)
		putc(c, out);
	fclose(out);
	fclose(f);
	return text;
}

static void man_page_is_current(void)
{
	char *want = doc_text(accel_doc_man);
	char *have = slurp(TOP_SRCDIR "/conf/accel-pcap.7");

	CHECK(have != NULL);
	/* If this fails: make update-man, and commit conf/accel-pcap.7. */
	CHECK(have != NULL && strcmp(have, want) == 0);
	free(want);
	free(have);
}

static void docs_list_every_key(void)
{
	char *man = doc_text(accel_doc_man);
	char *keys = doc_text(accel_doc_keys);
	char line[128], env[64];

	for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
		const struct accel_key_info *info = accel_key_info(k);

		snprintf(line, sizeof line, ".TP\n\\fB%s\\fR", accel_key_name(k));
		/* roff escapes nothing in key names: they are [a-z_]. */
		CHECK(strstr(man, line) != NULL);
		accel_key_env_name(k, false, env, sizeof env);
		CHECK(strstr(keys, env) != NULL);
		CHECK(strstr(keys, info->help) != NULL);
	}
	for (size_t i = 0; accel_env_not_keys[i].name != NULL; i++)
		CHECK(strstr(man, accel_env_not_keys[i].name) != NULL);
	free(man);
	free(keys);
}

/* The man page's example error is the real message. */
static void man_example_error(void)
{
	write_file("ids.conf", "#\n#\n#\n#\n#\n#\nrx_slots = 12x\n");
	CHECK_STR(build_error("accel/ids.conf:eth0", no_env),
		  "ids.conf:7: rx_slots: '12x' is not a number (64..1048576, "
		  "power of two)");
	write_file("ids.conf", "#\n#\n#\nrx_slot = 4\n");
	CHECK_STR(build_error("accel/ids.conf:eth0", no_env),
		  "ids.conf:4: unknown key 'rx_slot' (did you mean 'rx_slots'?)");
}

static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	char cwd[4096];

	if (getcwd(cwd, sizeof cwd) == NULL || mkdtemp(tmpdir) == NULL ||
	    chdir(tmpdir) != 0) {
		perror("test-conf: temp dir");
		return 2;
	}
	RUN(name_plain);
	RUN(name_grammar);
	RUN(name_errors);
	RUN(name_force);
	RUN(table_consistent);
	RUN(defaults);
	RUN(samples_cover_every_key);
	RUN(every_key_in_a_file);
	RUN(every_key_in_a_section);
	RUN(every_key_in_the_environment);
	RUN(typed_getters);
	RUN(type_bool);
	RUN(type_tristate);
	RUN(type_int);
	RUN(type_size);
	RUN(type_duration);
	RUN(type_enum);
	RUN(type_string);
	RUN(type_list);
	RUN(precedence);
	RUN(site_file);
	RUN(file_syntax);
	RUN(file_paths);
	RUN(sections);
	RUN(duplicates);
	RUN(unknown_keys);
	RUN(env_errors);
	RUN(env_values);
	RUN(threads);
	RUN(man_page_is_current);
	RUN(docs_list_every_key);
	RUN(man_example_error);
	if (chdir(cwd) != 0)
		perror(cwd);
	remove_tree(tmpdir);
	CHECK_EXIT();
}
