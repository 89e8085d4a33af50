/*
 * conf-int.h: what conf/'s files share -- the arena a configuration's
 * strings live in, parsed values, and the layers (a file, the
 * environment) that are read, then applied in precedence order.
 */
#ifndef ACCEL_CONF_INT_H
#define ACCEL_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "conf/conf.h"
#include "conf/keys.h"

/* conf.c: allocations freed all at once with their configuration. */
struct accel_arena {
	struct arena_block *head;
};

void *arena_alloc(struct accel_arena *arena, size_t size);
char *arena_strdup(struct accel_arena *arena, const char *s);
char *arena_printf(struct accel_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_release(struct accel_arena *arena);

/* One key's value for one device, and where it came from. */
struct accel_value {
	bool set;		/* false: an optional key left unset */
	int64_t num;		/* see accel_conf_int() */
	uint32_t flags;		/* enum modifiers, a bit each */
	const char *text;	/* strings */
	const uint32_t *list;	/* lists; NULL with set: "all" */
	size_t count;
	const char *origin;	/* "default", "env ACCEL_X", "FILE:LINE" */
};

/*
 * value.c: parse text as a key's value into out (strings and lists in
 * arena), or return -1 with why in msg, without the key's name:
 * "'12x' is not a number (64..1048576, power of two)".
 */
int conf_value_parse(enum accel_key key, const char *text,
		     struct accel_arena *arena, struct accel_value *out,
		     char *msg, size_t size);
void conf_value_format(enum accel_key key, const struct accel_value *v,
		       char *buf, size_t size);
/* A boolean spelling (case-insensitive); false if text is none. */
bool conf_parse_bool(const char *text, bool *out);

/* suggest.c: the candidate close to word (typo or prefix), or NULL. */
const char *conf_suggest(const char *word, const char *const *candidates,
			 size_t count);
/* The key name close to word, or NULL. */
const char *conf_suggest_key(const char *word);

/* name.c: 0 if name can be an interface name, else -1 and why in msg. */
int conf_ifname_check(const char *name, char *msg, size_t size);

/*
 * A layer: the settings one source (a file, the environment) makes, in
 * the order it makes them; applied over the layers below it.
 */
struct conf_entry {
	const char *section;	/* the device of a [DEV] section; NULL: all */
	enum accel_key key;
	struct accel_value value;
};

struct conf_layer {
	struct conf_entry *entries;
	size_t count, cap;
};

int conf_layer_add(struct conf_layer *layer, const struct conf_entry *e,
		   char *errbuf);
void conf_layer_release(struct conf_layer *layer);

/* file.c: read a config file; path is used as written, in messages too. */
int conf_file_read(const char *path, struct accel_arena *arena,
		   struct conf_layer *layer, char *errbuf);

/* env.c: the ACCEL_* variables of envp (NULL: environ) as a layer. */
int conf_env_read(char *const *envp, struct accel_arena *arena,
		  struct conf_layer *layer, char *errbuf);
/* The value of one variable, as getenv() finds it; NULL if unset. */
const char *conf_env_get(char *const *envp, const char *name);

/* Trim white space at both ends, in place. */
char *conf_trim(char *s);

#endif
