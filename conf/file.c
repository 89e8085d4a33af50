/*
 * file.c: config files -- "key = value" lines, # comments, [DEV]
 * sections -- read into a layer, every error located FILE:LINE.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-int.h"

char *conf_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Where the file is, for messages: the path as the user wrote it. */
struct place {
	const char *path;
	unsigned line;
};

#define AT(pl) (pl)->path, (pl)->line

/* A '#' at the start or after white space starts a comment. */
static void strip_comment(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

static int read_section(const struct place *pl, char *s,
			const char **section, struct accel_arena *arena,
			char *errbuf)
{
	char *end = strchr(s, ']');
	char msg[PCAP_ERRBUF_SIZE];
	char *name;

	if (end == NULL || end[1] != '\0') {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s:%u: a section header is '[device]', not '%s'",
			 AT(pl), s);
		return -1;
	}
	*end = '\0';
	name = conf_trim(s + 1);
	if (conf_ifname_check(name, msg, sizeof msg) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: section [%s]: %s",
			 AT(pl), name, msg);
		return -1;
	}
	*section = arena_strdup(arena, name);
	if (*section == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	return 0;
}

static bool same_section(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Each key once per section of a file: a second setting is a mistake. */
static int check_not_set(const struct place *pl, const char *section,
			 enum accel_key key, const struct conf_layer *layer,
			 char *errbuf)
{
	for (size_t i = 0; i < layer->count; i++) {
		const struct conf_entry *e = &layer->entries[i];

		if (e->key == key && same_section(e->section, section)) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
				 "%s:%u: %s is already set at %s", AT(pl),
				 accel_key_name(key), e->value.origin);
			return -1;
		}
	}
	return 0;
}

static int read_setting(const struct place *pl, char *s, const char *section,
			struct accel_arena *arena, struct conf_layer *layer,
			char *errbuf)
{
	struct conf_entry e = { .section = section };
	char msg[PCAP_ERRBUF_SIZE];
	char *eq = strchr(s, '='), *name, *value;
	const char *hint;
	int k;

	if (eq == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
			 "%s:%u: expected 'key = value' or '[device]', not '%s'",
			 AT(pl), s);
		return -1;
	}
	*eq = '\0';
	name = conf_trim(s);
	value = conf_trim(eq + 1);
	if (*name == '\0') {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: no key before '='",
			 AT(pl));
		return -1;
	}
	k = accel_key_lookup(name);
	if (k < 0) {
		hint = conf_suggest_key(name);
		if (hint != NULL)
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: unknown key "
				 "'%s' (did you mean '%s'?)", AT(pl), name, hint);
		else
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: unknown key "
				 "'%s' (accel-info --keys lists the keys)",
				 AT(pl), name);
		return -1;
	}
	if (section != NULL &&
	    !(accel_key_info(k)->flags & ACCEL_KEY_PER_DEVICE)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: %s applies to all "
			 "devices and cannot be set in [%s]", AT(pl), name,
			 section);
		return -1;
	}
	if (check_not_set(pl, section, k, layer, errbuf) < 0)
		return -1;
	e.key = k;
	if (conf_value_parse(k, value, arena, &e.value, msg, sizeof msg) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s:%u: %s: %s", AT(pl),
			 name, msg);
		return -1;
	}
	e.value.origin = arena_printf(arena, "%s:%u", AT(pl));
	if (e.value.origin == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	return conf_layer_add(layer, &e, errbuf);
}

static int read_line(const struct place *pl, char *line, const char **section,
		     struct accel_arena *arena, struct conf_layer *layer,
		     char *errbuf)
{
	char *s;

	strip_comment(line);
	s = conf_trim(line);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return read_section(pl, s, section, arena, errbuf);
	return read_setting(pl, s, *section, arena, layer, errbuf);
}

int conf_file_read(const char *path, struct accel_arena *arena,
		   struct conf_layer *layer, char *errbuf)
{
	struct place pl = { .path = path };
	const char *section = NULL;
	char reason[128];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(path, "re");
	int r = 0;

	if (f == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: cannot open: %s", path,
			 strerror_r(errno, reason, sizeof reason));
		return -1;
	}
	while (r == 0 && (n = getline(&line, &cap, f)) >= 0) {
		pl.line++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
				 "%s:%u: a NUL byte: not a text file", AT(&pl));
			r = -1;
			break;
		}
		r = read_line(&pl, line, &section, arena, layer, errbuf);
	}
	if (r == 0 && ferror(f)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: cannot read: %s", path,
			 strerror_r(errno, reason, sizeof reason));
		r = -1;
	}
	free(line);
	fclose(f);
	return r;
}
