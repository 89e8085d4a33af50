/*
 * keys.h: the configuration keys as data -- type, range, default, help --
 * for the parser, its error messages, accel-info and the man page.
 */
#ifndef ACCEL_KEYS_H
#define ACCEL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

enum accel_type {
	ACCEL_TYPE_BOOL = 1,	/* 0 is no type: a row left out of the table */
	ACCEL_TYPE_INT,		/* decimal, within min..max */
	ACCEL_TYPE_SIZE,	/* bytes, K/M/G suffixes (powers of 1024) */
	ACCEL_TYPE_DURATION,	/* us/ms/s suffixes; bare: the key's unit */
	ACCEL_TYPE_ENUM,	/* one of values, then +modifiers */
	ACCEL_TYPE_TRISTATE,	/* auto or a boolean */
	ACCEL_TYPE_STRING,	/* non-empty text */
	ACCEL_TYPE_LIST,	/* "all" or numbers and ranges: 0-3,8 */
};

enum accel_key_flag {
	ACCEL_KEY_PER_DEVICE = 1 << 0,	/* may be set in a [DEV] section */
	ACCEL_KEY_OPTIONAL = 1 << 1,	/* unset by default; "none" unsets */
	ACCEL_KEY_POW2 = 1 << 2,	/* a power of two */
	ACCEL_KEY_PAGE_MIN = 1 << 3,	/* at least the page size */
	ACCEL_KEY_RESERVED = 1 << 4,	/* checked and kept, not used yet */
};

struct accel_key_info {
	const char *alias;		/* a second file spelling, or NULL */
	enum accel_type type;
	unsigned flags;			/* enum accel_key_flag */
	uint64_t min, max;		/* numbers, sizes, durations, list items */
	unsigned unit_us;		/* durations: 1000 (ms) or 1 (us) */
	const char *const *values;	/* enums: NULL-terminated spellings */
	const char *const *modifiers;	/* enums: "+name" spellings or NULL */
	const char *def;		/* default as a user writes it; NULL: none */
	const char *help;		/* one line */
};

const struct accel_key_info *accel_key_info(enum accel_key key);

/* The file spelling, from ACCEL_KEYS: "rx_slots". */
const char *accel_key_name(enum accel_key key);

/* The key a file spelling (name or alias) names; -1 if none. */
int accel_key_lookup(const char *name);

/* "ACCEL_" and the upper-cased name (or alias): the environment spelling. */
void accel_key_env_name(enum accel_key key, bool alias, char *buf,
			size_t size);

/* What values a key takes, e.g. "integer 0..65535, or none". */
void accel_key_type_text(enum accel_key key, char *buf, size_t size);

/* Just the range part: "64..1048576, power of two". */
void accel_key_range_text(enum accel_key key, char *buf, size_t size);

/* A byte count with the largest exact suffix: 1048576 -> "1M". */
void accel_size_text(uint64_t bytes, char *buf, size_t size);

/* The boolean spellings, true and false in pairs: "1", "0", "yes", ... */
extern const char *const accel_bool_spellings[];

/* Environment variables that are ours but not keys. */
#define ACCEL_ENV_CONF "ACCEL_CONF"
#define ACCEL_ENV_FORCE "ACCEL_FORCE"

/* ACCEL_* names that are not keys, and what they are; NULL-terminated. */
struct accel_env_var {
	const char *name;
	const char *help;
};
extern const struct accel_env_var accel_env_not_keys[];

#endif
