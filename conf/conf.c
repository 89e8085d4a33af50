/*
 * conf.c: building a configuration -- defaults, then each layer over the
 * ones below it (ACCEL_CONF file, environment, the name's file) -- and
 * reading it back.  Everything a configuration holds lives in its arena.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-int.h"

struct arena_block {
	struct arena_block *next;
	max_align_t data[];
};

struct accel_conf {
	struct accel_arena arena;
	const char *name;		/* the device name as given */
	const char *file;		/* the name's config file, or NULL */
	bool forced;
	size_t device_count;
	const char **devices;
	struct accel_value *values;	/* device_count rows of ACCEL_KEY_COUNT */
};

/* ------------------------------------------------------------------ */
/* The arena.                                                           */

void *arena_alloc(struct accel_arena *arena, size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof *b)
		return NULL;
	b = calloc(1, sizeof *b + size);
	if (b == NULL)
		return NULL;
	b->next = arena->head;
	arena->head = b;
	return b->data;
}

char *arena_strdup(struct accel_arena *arena, const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = arena_alloc(arena, n);

	if (copy != NULL)
		memcpy(copy, s, n);
	return copy;
}

char *arena_printf(struct accel_arena *arena, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = arena_alloc(arena, (size_t)n + 1);
	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void arena_release(struct accel_arena *arena)
{
	while (arena->head != NULL) {
		struct arena_block *next = arena->head->next;

		free(arena->head);
		arena->head = next;
	}
}

/* ------------------------------------------------------------------ */
/* Layers.                                                              */

int conf_layer_add(struct conf_layer *layer, const struct conf_entry *e,
		   char *errbuf)
{
	if (layer->count == layer->cap) {
		size_t cap = layer->cap ? 2 * layer->cap : 16;
		struct conf_entry *grown =
			realloc(layer->entries, cap * sizeof *grown);

		if (grown == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
			return -1;
		}
		layer->entries = grown;
		layer->cap = cap;
	}
	layer->entries[layer->count++] = *e;
	return 0;
}

void conf_layer_release(struct conf_layer *layer)
{
	free(layer->entries);
	memset(layer, 0, sizeof *layer);
}

static struct accel_value *slot(const struct accel_conf *conf, size_t dev,
				enum accel_key key)
{
	return &conf->values[dev * ACCEL_KEY_COUNT + key];
}

/*
 * A file's global settings first, then its sections, so [DEV] wins over
 * the same file's globals for DEV.  Sections for devices not in the name
 * are ignored: one site-wide file describes every interface.
 */
static void apply_layer(struct accel_conf *conf,
			const struct conf_layer *layer)
{
	for (int sections = 0; sections < 2; sections++)
		for (size_t i = 0; i < layer->count; i++) {
			const struct conf_entry *e = &layer->entries[i];

			if ((e->section != NULL) != sections)
				continue;
			for (size_t d = 0; d < conf->device_count; d++)
				if (e->section == NULL ||
				    strcmp(e->section, conf->devices[d]) == 0)
					*slot(conf, d, e->key) = e->value;
		}
}

static int apply_file(struct accel_conf *conf, const char *path,
		      char *errbuf)
{
	struct conf_layer layer = { .entries = NULL };
	int r = conf_file_read(path, &conf->arena, &layer, errbuf);

	if (r == 0)
		apply_layer(conf, &layer);
	conf_layer_release(&layer);
	return r;
}

static int apply_env(struct accel_conf *conf, char *const *envp,
		     char *errbuf)
{
	struct conf_layer layer = { .entries = NULL };
	int r = conf_env_read(envp, &conf->arena, &layer, errbuf);

	if (r == 0)
		apply_layer(conf, &layer);
	conf_layer_release(&layer);
	return r;
}

/* The table's defaults go through the parser, as a user's text would. */
static int apply_defaults(struct accel_conf *conf, char *errbuf)
{
	for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
		const struct accel_key_info *info = accel_key_info(k);
		struct accel_value v = { .set = false, .num = -1 };
		char msg[PCAP_ERRBUF_SIZE];

		if (info->def != NULL &&
		    conf_value_parse(k, info->def, &conf->arena, &v, msg,
				     sizeof msg) < 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
				 "internal error: default of %s: %s",
				 accel_key_name(k), msg);
			return -1;
		}
		v.origin = "default";
		for (size_t d = 0; d < conf->device_count; d++)
			*slot(conf, d, k) = v;
	}
	return 0;
}

static int copy_name(struct accel_conf *conf, const char *device,
		     const struct accel_name *name, char *errbuf)
{
	conf->name = arena_strdup(&conf->arena, device ? device : "any");
	conf->file = name->file ? arena_strdup(&conf->arena, name->file) : NULL;
	conf->forced = name->forced;
	conf->device_count = name->device_count;
	conf->devices = arena_alloc(&conf->arena,
				    name->device_count * sizeof *conf->devices);
	conf->values = arena_alloc(&conf->arena, name->device_count *
				   ACCEL_KEY_COUNT * sizeof *conf->values);
	if (conf->name == NULL || (name->file && conf->file == NULL) ||
	    conf->devices == NULL || conf->values == NULL)
		goto oom;
	for (size_t d = 0; d < name->device_count; d++) {
		conf->devices[d] = arena_strdup(&conf->arena, name->devices[d]);
		if (conf->devices[d] == NULL)
			goto oom;
	}
	return 0;
oom:
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
	return -1;
}

/* Lowest first: defaults, ACCEL_CONF, environment, the name's file. */
static int build_layers(struct accel_conf *conf, char *const *envp,
			char *errbuf)
{
	const char *site = conf_env_get(envp, ACCEL_ENV_CONF);

	if (apply_defaults(conf, errbuf) < 0)
		return -1;
	if (site != NULL && site[0] != '\0' &&
	    apply_file(conf, site, errbuf) < 0)
		return -1;
	if (apply_env(conf, envp, errbuf) < 0)
		return -1;
	if (conf->file != NULL && apply_file(conf, conf->file, errbuf) < 0)
		return -1;
	return 0;
}

int accel_conf_build(const char *device, char *const *envp,
		     struct accel_conf **confp, char *errbuf)
{
	struct accel_name name;
	struct accel_conf *conf;
	int r;

	*confp = NULL;
	if (accel_name_parse(device, envp, &name, errbuf) < 0)
		return -1;
	if (!name.accel) {
		accel_name_release(&name);
		return 0;
	}
	conf = calloc(1, sizeof *conf);
	if (conf == NULL) {
		accel_name_release(&name);
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	r = copy_name(conf, device, &name, errbuf);
	accel_name_release(&name);
	if (r == 0)
		r = build_layers(conf, envp, errbuf);
	if (r < 0) {
		accel_conf_free(conf);
		return -1;
	}
	*confp = conf;
	return 0;
}

void accel_conf_free(struct accel_conf *conf)
{
	if (conf == NULL)
		return;
	arena_release(&conf->arena);
	free(conf);
}

/* ------------------------------------------------------------------ */
/* Reading it.                                                          */

const char *accel_conf_name(const struct accel_conf *conf)
{
	return conf->name;
}

const char *accel_conf_file(const struct accel_conf *conf)
{
	return conf->file;
}

bool accel_conf_forced(const struct accel_conf *conf)
{
	return conf->forced;
}

size_t accel_conf_device_count(const struct accel_conf *conf)
{
	return conf->device_count;
}

const char *accel_conf_device(const struct accel_conf *conf, size_t dev)
{
	return conf->devices[dev];
}

bool accel_conf_is_set(const struct accel_conf *conf, size_t dev,
		       enum accel_key key)
{
	return slot(conf, dev, key)->set;
}

int64_t accel_conf_int(const struct accel_conf *conf, size_t dev,
		       enum accel_key key)
{
	return slot(conf, dev, key)->num;
}

uint32_t accel_conf_flags(const struct accel_conf *conf, size_t dev,
			  enum accel_key key)
{
	return slot(conf, dev, key)->flags;
}

const char *accel_conf_string(const struct accel_conf *conf, size_t dev,
			      enum accel_key key)
{
	return slot(conf, dev, key)->text;
}

const uint32_t *accel_conf_list(const struct accel_conf *conf, size_t dev,
				enum accel_key key, size_t *count)
{
	const struct accel_value *v = slot(conf, dev, key);

	*count = v->count;
	return v->list;
}

const char *accel_conf_origin(const struct accel_conf *conf, size_t dev,
			      enum accel_key key)
{
	return slot(conf, dev, key)->origin;
}

void accel_conf_format(const struct accel_conf *conf, size_t dev,
		       enum accel_key key, char *buf, size_t size)
{
	conf_value_format(key, slot(conf, dev, key), buf, size);
}
