/*
 * name.c: the device name grammar, accel[/FILE]:DEV[:DEV...], and
 * ACCEL_FORCE, which makes a plain interface name an accel one.
 */
#include "config.h"

#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-int.h"

#define PREFIX_PLAIN "accel:"
#define PREFIX_FILE "accel/"
#define PREFIX_LEN 6

/*
 * Names libpcap gives to sources that are not network interfaces;
 * ACCEL_FORCE leaves them to libpcap's behaviour.
 */
static const struct {
	const char *name;
	bool prefix;	/* also any name that starts so (usbmon0, nflog:5) */
} not_interfaces[] = {
	{ "bluetooth", true },
	{ "usbmon", true },
	{ "nflog", true },
	{ "nfqueue", true },
	{ "dbus-system", false },
	{ "dbus-session", false },
};

/* The kernel's rules for interface names (dev_valid_name). */
int conf_ifname_check(const char *name, char *msg, size_t size)
{
	if (name[0] == '\0') {
		snprintf(msg, size, "empty device name");
		return -1;
	}
	if (strlen(name) >= IFNAMSIZ) {
		snprintf(msg, size, "device '%s' is too long for an interface "
			 "name (at most %d characters)", name, IFNAMSIZ - 1);
		return -1;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		snprintf(msg, size, "'%s' is not an interface name", name);
		return -1;
	}
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p)) {
			snprintf(msg, size, "device '%s': an interface name "
				 "cannot contain %s", name,
				 *p == '/' ? "'/'" : *p == ':' ? "':'" :
					     "white space");
			return -1;
		}
	return 0;
}

static bool forceable(const char *name)
{
	char msg[PCAP_ERRBUF_SIZE];

	if (conf_ifname_check(name, msg, sizeof msg) < 0)
		return false;
	for (size_t i = 0; i < sizeof not_interfaces / sizeof not_interfaces[0];
	     i++) {
		const char *n = not_interfaces[i].name;

		if (not_interfaces[i].prefix ? strncmp(name, n, strlen(n)) == 0
					     : strcmp(name, n) == 0)
			return false;
	}
	return true;
}

void accel_name_release(struct accel_name *name)
{
	for (size_t i = 0; i < name->device_count; i++)
		free(name->devices[i]);
	free(name->devices);
	free(name->file);
	memset(name, 0, sizeof *name);
}

static int out_of_memory(char *errbuf)
{
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
	return -1;
}

/* Append one device of the list, checked against the ones before it. */
static int add_device(struct accel_name *out, const char *device,
		      const char *dev, size_t len, char *errbuf)
{
	char msg[PCAP_ERRBUF_SIZE];
	char *copy, **grown;

	if (len == 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "'%s': empty device name in the list (between ':')",
			 device);
		return -1;
	}
	copy = strndup(dev, len);
	if (copy == NULL)
		return out_of_memory(errbuf);
	if (conf_ifname_check(copy, msg, sizeof msg) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "'%s': %s", device, msg);
		free(copy);
		return -1;
	}
	for (size_t i = 0; i < out->device_count; i++) {
		const char *other = out->devices[i];

		if (strcmp(other, copy) == 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
				 "'%s': device '%s' is listed twice", device,
				 copy);
			free(copy);
			return -1;
		}
		/* "any" already has every device's packets. */
		if (strcmp(other, "any") == 0 || strcmp(copy, "any") == 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
				 "'%s': 'any' captures on every device and "
				 "cannot be combined with others", device);
			free(copy);
			return -1;
		}
	}
	grown = realloc(out->devices, (out->device_count + 1) * sizeof *grown);
	if (grown == NULL) {
		free(copy);
		return out_of_memory(errbuf);
	}
	out->devices = grown;
	out->devices[out->device_count++] = copy;
	return 0;
}

static int split_devices(struct accel_name *out, const char *device,
			 const char *list, char *errbuf)
{
	if (*list == '\0') {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "'%s': empty device list",
			 device);
		return -1;
	}
	for (;;) {
		const char *colon = strchr(list, ':');
		size_t len = colon ? (size_t)(colon - list) : strlen(list);

		if (add_device(out, device, list, len, errbuf) < 0)
			return -1;
		if (colon == NULL)
			return 0;
		list = colon + 1;
	}
}

/* accel/FILE:DEVS -- the file name runs to the first ':'. */
static int split_file(struct accel_name *out, const char *device,
		      char *errbuf)
{
	const char *file = device + PREFIX_LEN;
	const char *colon = strchr(file, ':');

	if (colon == file || *file == '\0') {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "'%s': no config file name after 'accel/'", device);
		return -1;
	}
	if (colon == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "'%s': no ':' and device after the config file name",
			 device);
		return -1;
	}
	out->file = strndup(file, (size_t)(colon - file));
	if (out->file == NULL)
		return out_of_memory(errbuf);
	return split_devices(out, device, colon + 1, errbuf);
}

/* A plain name: ours only if ACCEL_FORCE says so and it is an interface. */
static int plain_name(struct accel_name *out, const char *device,
		      char *const *envp, char *errbuf)
{
	const char *force = conf_env_get(envp, ACCEL_ENV_FORCE);
	bool on = false;

	if (force != NULL && force[0] != '\0' && !conf_parse_bool(force, &on)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s: '%s' is not a boolean (yes/no, on/off, "
			 "true/false, 1/0)", ACCEL_ENV_FORCE, force);
		return -1;
	}
	if (!on || !forceable(device))
		return 0;
	out->accel = true;
	out->forced = true;
	return add_device(out, device, device, strlen(device), errbuf);
}

int accel_name_parse(const char *device, char *const *envp,
		     struct accel_name *out, char *errbuf)
{
	int r;

	memset(out, 0, sizeof *out);
	if (device == NULL)
		device = "any";
	if (strncmp(device, PREFIX_PLAIN, PREFIX_LEN) == 0) {
		out->accel = true;
		r = split_devices(out, device, device + PREFIX_LEN, errbuf);
	} else if (strncmp(device, PREFIX_FILE, PREFIX_LEN) == 0) {
		out->accel = true;
		r = split_file(out, device, errbuf);
	} else {
		r = plain_name(out, device, envp, errbuf);
	}
	if (r < 0)
		accel_name_release(out);
	return r;
}
