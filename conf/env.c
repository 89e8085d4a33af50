/*
 * env.c: the environment layer.  Every ACCEL_* variable must be a key
 * (ACCEL_RX_SLOTS for rx_slots) or one of accel_env_not_keys, so a
 * misspelt variable is an error instead of a setting silently lost.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf-int.h"

#define ENV_PREFIX "ACCEL_"
#define ENV_PREFIX_LEN 6

/* Whether entry is "NAME=..." for the len bytes of name. */
static bool entry_is(const char *entry, const char *name, size_t len)
{
	return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

const char *conf_env_get(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	if (envp == NULL)
		envp = environ;
	for (size_t i = 0; envp[i] != NULL; i++)
		if (entry_is(envp[i], name, len))
			return envp[i] + len + 1;
	return NULL;
}

static bool is_not_key(const char *name, size_t len)
{
	for (size_t i = 0; accel_env_not_keys[i].name != NULL; i++)
		if (strlen(accel_env_not_keys[i].name) == len &&
		    strncmp(accel_env_not_keys[i].name, name, len) == 0)
			return true;
	return false;
}

/* The key a variable name spells, and whether through the alias; -1. */
static int env_key(const char *name, size_t len, bool *alias)
{
	char want[64];

	for (int k = 0; k < ACCEL_KEY_COUNT; k++)
		for (int a = 0; a < 2; a++) {
			if (a && accel_key_info(k)->alias == NULL)
				continue;
			accel_key_env_name(k, a, want, sizeof want);
			if (strlen(want) == len && strncmp(want, name, len) == 0) {
				*alias = a;
				return k;
			}
		}
	return -1;
}

static void unknown_variable(const char *name, size_t len, char *errbuf)
{
	char lower[64], env[64];
	const char *hint = NULL;
	size_t n = len - ENV_PREFIX_LEN;

	if (n < sizeof lower) {
		for (size_t i = 0; i < n; i++)
			lower[i] = (char)tolower((unsigned char)name[ENV_PREFIX_LEN + i]);
		lower[n] = '\0';
		hint = conf_suggest_key(lower);
	}
	if (hint != NULL) {
		int k = accel_key_lookup(hint);

		accel_key_env_name(k, strcmp(hint, accel_key_name(k)) != 0,
				   env, sizeof env);
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "unknown variable %.*s (did you mean %s?)", (int)len,
			 name, env);
	} else {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "unknown variable %.*s (accel-info --keys lists the "
			 "keys; ACCEL_X sets key x)", (int)len, name);
	}
}

/* Whether an earlier entry has the same name: getenv() would use that one. */
static bool shadowed(char *const *envp, size_t i, const char *name, size_t len)
{
	for (size_t j = 0; j < i; j++)
		if (entry_is(envp[j], name, len))
			return true;
	return false;
}

/* The entry an earlier variable made for key, or NULL. */
static const struct conf_entry *entry_for(const struct conf_layer *layer,
					  enum accel_key key)
{
	for (size_t i = 0; i < layer->count; i++)
		if (layer->entries[i].key == key)
			return &layer->entries[i];
	return NULL;
}

static int read_variable(const char *name, size_t len, const char *raw,
			 struct accel_arena *arena, struct conf_layer *layer,
			 char *errbuf)
{
	struct conf_entry e = { .section = NULL };
	const struct conf_entry *earlier;
	char msg[PCAP_ERRBUF_SIZE];
	char *value;
	bool alias;
	int k = env_key(name, len, &alias), r;

	if (k < 0) {
		unknown_variable(name, len, errbuf);
		return -1;
	}
	value = strdup(raw);
	if (value == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	/* Empty means unset, as shells use it: ACCEL_GROUP= cmd. */
	if (*conf_trim(value) == '\0') {
		free(value);
		return 0;
	}
	/* Only a key's name and its alias can meet here; origin is "env NAME". */
	earlier = entry_for(layer, k);
	if (earlier != NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%.*s and %s both set %s; keep one", (int)len, name,
			 earlier->value.origin + 4, accel_key_name(k));
		free(value);
		return -1;
	}
	e.key = k;
	r = conf_value_parse(k, conf_trim(value), arena, &e.value, msg,
			     sizeof msg);
	free(value);
	if (r < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%.*s: %s", (int)len, name,
			 msg);
		return -1;
	}
	e.value.origin = arena_printf(arena, "env %.*s", (int)len, name);
	if (e.value.origin == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	return conf_layer_add(layer, &e, errbuf);
}

int conf_env_read(char *const *envp, struct accel_arena *arena,
		  struct conf_layer *layer, char *errbuf)
{
	if (envp == NULL)
		envp = environ;
	for (size_t i = 0; envp[i] != NULL; i++) {
		const char *entry = envp[i], *eq = strchr(entry, '=');
		size_t len;

		if (strncmp(entry, ENV_PREFIX, ENV_PREFIX_LEN) != 0 || eq == NULL)
			continue;
		len = (size_t)(eq - entry);
		if (is_not_key(entry, len) || shadowed(envp, i, entry, len))
			continue;
		if (read_variable(entry, len, eq + 1, arena, layer, errbuf) < 0)
			return -1;
	}
	return 0;
}
