/*
 * value.c: text to typed values and back, one parser per key type, with
 * the messages that say what was wrong and what would be right.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/conf-int.h"

#define LIST_LIMIT 4096	/* list items are below this (bitmap size) */

typedef int (*parse_fn)(enum accel_key key, const struct accel_key_info *k,
			const char *text, struct accel_arena *arena,
			struct accel_value *out, char *msg, size_t size);

/* Leading decimal digits into *out, advancing *p; false if none or too big. */
static bool take_digits(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

static uint64_t effective_min(const struct accel_key_info *k)
{
	long page;

	if (!(k->flags & ACCEL_KEY_PAGE_MIN))
		return k->min;
	page = sysconf(_SC_PAGESIZE);
	return page > 0 && (uint64_t)page > k->min ? (uint64_t)page : k->min;
}

/* The checks every number shares: range and power of two. */
static int check_number(enum accel_key key, const struct accel_key_info *k,
			const char *text, uint64_t v, char *msg, size_t size)
{
	char range[160];

	accel_key_range_text(key, range, sizeof range);
	if (v < k->min || v > k->max) {
		snprintf(msg, size, "'%s' is out of range (%s)", text, range);
		return -1;
	}
	if (v < effective_min(k)) {
		char page[32];

		accel_size_text(effective_min(k), page, sizeof page);
		snprintf(msg, size, "'%s' is less than the page size (%s)",
			 text, page);
		return -1;
	}
	if ((k->flags & ACCEL_KEY_POW2) && (v & (v - 1)) != 0) {
		snprintf(msg, size, "'%s' is not a power of two (%s)", text,
			 range);
		return -1;
	}
	return 0;
}

static int parse_int(enum accel_key key, const struct accel_key_info *k,
		     const char *text, struct accel_arena *arena,
		     struct accel_value *out, char *msg, size_t size)
{
	const char *p = text;
	uint64_t v;
	char range[160];

	if (!take_digits(&p, &v) || *p != '\0') {
		accel_key_range_text(key, range, sizeof range);
		snprintf(msg, size, "'%s' is not a number (%s)", text, range);
		return -1;
	}
	if (check_number(key, k, text, v, msg, size) < 0)
		return -1;
	out->num = (int64_t)v;
	return 0;
}

/* Suffixes are powers of 1024, however spelled: 4K, 4k, 4KB, 4KiB. */
static int parse_size(enum accel_key key, const struct accel_key_info *k,
		      const char *text, struct accel_arena *arena,
		      struct accel_value *out, char *msg, size_t size)
{
	static const struct {
		char letter;
		unsigned shift;
	} units[] = { { 'k', 10 }, { 'm', 20 }, { 'g', 30 } };
	const char *p = text;
	unsigned shift = 0;
	uint64_t v;
	char range[160];

	if (!take_digits(&p, &v))
		goto bad;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if ((*p | 0x20) == units[i].letter) {
			shift = units[i].shift;
			p++;
			if (strcasecmp(p, "iB") == 0)
				p += 2;
			break;
		}
	if (strcasecmp(p, "B") == 0)
		p++;
	if (*p != '\0')
		goto bad;
	if (v > (UINT64_MAX >> shift)) {
		accel_key_range_text(key, range, sizeof range);
		snprintf(msg, size, "'%s' is out of range (%s)", text, range);
		return -1;
	}
	v <<= shift;
	if (check_number(key, k, text, v, msg, size) < 0)
		return -1;
	out->num = (int64_t)v;
	return 0;
bad:
	accel_key_range_text(key, range, sizeof range);
	snprintf(msg, size, "'%s' is not a size (%s; suffixes K, M, G)", text,
		 range);
	return -1;
}

/* A bare number is in the key's unit; with a suffix it must convert exactly. */
static int parse_duration(enum accel_key key, const struct accel_key_info *k,
			  const char *text, struct accel_arena *arena,
			  struct accel_value *out, char *msg, size_t size)
{
	static const struct {
		const char *suffix;
		uint64_t us;
	} units[] = { { "us", 1 }, { "ms", 1000 }, { "s", 1000000 } };
	const char *p = text;
	uint64_t v, scale = k->unit_us;
	const char *unit = k->unit_us == 1000 ? "ms" : "us";
	char range[160];

	if (!take_digits(&p, &v))
		goto bad;
	if (*p != '\0') {
		scale = 0;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			if (strcasecmp(p, units[i].suffix) == 0)
				scale = units[i].us;
		if (scale == 0)
			goto bad;
	}
	if (v > UINT64_MAX / scale) {
		accel_key_range_text(key, range, sizeof range);
		snprintf(msg, size, "'%s' is out of range (%s)", text, range);
		return -1;
	}
	v *= scale;
	if (v % k->unit_us != 0) {
		snprintf(msg, size, "'%s' is not a whole number of %s", text,
			 unit);
		return -1;
	}
	v /= k->unit_us;
	if (check_number(key, k, text, v, msg, size) < 0)
		return -1;
	out->num = (int64_t)v;
	return 0;
bad:
	accel_key_range_text(key, range, sizeof range);
	snprintf(msg, size, "'%s' is not a duration (%s; suffixes us, ms, s)",
		 text, range);
	return -1;
}

bool conf_parse_bool(const char *text, bool *out)
{
	for (size_t i = 0; accel_bool_spellings[i] != NULL; i++)
		if (strcasecmp(text, accel_bool_spellings[i]) == 0) {
			*out = i % 2 == 0;	/* true, false, true, ... */
			return true;
		}
	return false;
}

static int parse_bool(enum accel_key key, const struct accel_key_info *k,
		      const char *text, struct accel_arena *arena,
		      struct accel_value *out, char *msg, size_t size)
{
	bool b;

	if (!conf_parse_bool(text, &b)) {
		snprintf(msg, size, "'%s' is not a boolean (yes/no, on/off, "
			 "true/false, 1/0%s)", text,
			 k->flags & ACCEL_KEY_OPTIONAL ? ", or none" : "");
		return -1;
	}
	out->num = b;
	return 0;
}

static int parse_tristate(enum accel_key key, const struct accel_key_info *k,
			  const char *text, struct accel_arena *arena,
			  struct accel_value *out, char *msg, size_t size)
{
	bool b;

	if (strcasecmp(text, "auto") == 0) {
		out->num = -1;
		return 0;
	}
	if (!conf_parse_bool(text, &b)) {
		snprintf(msg, size, "'%s' is not auto or a boolean (yes/no, "
			 "on/off, true/false, 1/0)", text);
		return -1;
	}
	out->num = b;
	return 0;
}

static size_t list_length(const char *const *list)
{
	size_t n = 0;

	while (list[n] != NULL)
		n++;
	return n;
}

/* Index of word in list (case-insensitive), or -1. */
static int find_word(const char *const *list, const char *word, size_t len)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], word, len) == 0)
			return i;
	return -1;
}

/* "one of a, b, c (did you mean 'b'?)" for a word not in list. */
static void not_one_of(const char *what, const char *word,
		       const char *const *list, char *msg, size_t size)
{
	const char *hint = conf_suggest(word, list, list_length(list));
	size_t used;

	used = (size_t)snprintf(msg, size, "%s", what);
	for (size_t i = 0; list[i] != NULL && used < size; i++)
		used += (size_t)snprintf(msg + used, size - used, "%s%s",
					 i ? ", " : "", list[i]);
	if (hint != NULL && used < size)
		snprintf(msg + used, size - used, " (did you mean '%s'?)", hint);
}

static int parse_enum(enum accel_key key, const struct accel_key_info *k,
		      const char *text, struct accel_arena *arena,
		      struct accel_value *out, char *msg, size_t size)
{
	const char *plus = k->modifiers ? strchr(text, '+') : NULL;
	size_t len = plus ? (size_t)(plus - text) : strlen(text);
	char what[200], word[64];
	int i = find_word(k->values, text, len);

	if (i < 0) {
		snprintf(word, sizeof word, "%.*s", (int)len, text);
		snprintf(what, sizeof what, "'%s' is not one of ", word);
		not_one_of(what, word, k->values, msg, size);
		return -1;
	}
	out->num = i;
	out->flags = 0;
	while (plus != NULL) {
		const char *m = plus + 1;

		plus = strchr(m, '+');
		len = plus ? (size_t)(plus - m) : strlen(m);
		i = find_word(k->modifiers, m, len);
		snprintf(word, sizeof word, "%.*s", (int)len, m);
		if (i < 0) {
			snprintf(what, sizeof what,
				 "'%s': '+%s' is not a modifier; they are ",
				 text, word);
			not_one_of(what, word, k->modifiers, msg, size);
			return -1;
		}
		if (out->flags & (1u << i)) {
			snprintf(msg, size, "'%s': '+%s' is given twice", text,
				 word);
			return -1;
		}
		out->flags |= 1u << i;
	}
	return 0;
}

static int parse_string(enum accel_key key, const struct accel_key_info *k,
			const char *text, struct accel_arena *arena,
			struct accel_value *out, char *msg, size_t size)
{
	out->text = arena_strdup(arena, text);
	if (out->text == NULL) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	return 0;
}

/* "all", or items "N" and "N-M" separated by commas, kept sorted, unique. */
static int parse_list(enum accel_key key, const struct accel_key_info *k,
		      const char *text, struct accel_arena *arena,
		      struct accel_value *out, char *msg, size_t size)
{
	uint64_t seen[LIST_LIMIT / 64] = { 0 };
	const char *p = text;
	uint32_t *list;
	size_t n = 0;

	if (strcasecmp(text, "all") == 0) {
		out->list = NULL;
		out->count = 0;
		return 0;
	}
	for (;;) {
		uint64_t lo, hi;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!take_digits(&p, &lo))
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (!take_digits(&p, &hi))
				goto bad;
		}
		if (lo < k->min || hi > k->max) {
			snprintf(msg, size, "'%s': %llu is out of range "
				 "(%llu..%llu)", text,
				 (unsigned long long)(lo < k->min ? lo : hi),
				 (unsigned long long)k->min,
				 (unsigned long long)k->max);
			return -1;
		}
		if (hi < lo) {
			snprintf(msg, size, "'%s': the range %llu-%llu is "
				 "backwards", text, (unsigned long long)lo,
				 (unsigned long long)hi);
			return -1;
		}
		for (uint64_t v = lo; v <= hi; v++)
			seen[v / 64] |= 1ull << (v % 64);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			goto bad;
	}
	for (size_t v = 0; v < LIST_LIMIT; v++)
		n += (seen[v / 64] >> (v % 64)) & 1;
	list = arena_alloc(arena, n * sizeof *list);
	if (list == NULL) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	n = 0;
	for (uint32_t v = 0; v < LIST_LIMIT; v++)
		if ((seen[v / 64] >> (v % 64)) & 1)
			list[n++] = v;
	out->list = list;
	out->count = n;
	return 0;
bad:
	snprintf(msg, size, "'%s' is not a list (all, or numbers %llu..%llu "
		 "and ranges, like 0-3,8)", text, (unsigned long long)k->min,
		 (unsigned long long)k->max);
	return -1;
}

static const parse_fn parsers[] = {
	[ACCEL_TYPE_BOOL] = parse_bool,
	[ACCEL_TYPE_INT] = parse_int,
	[ACCEL_TYPE_SIZE] = parse_size,
	[ACCEL_TYPE_DURATION] = parse_duration,
	[ACCEL_TYPE_ENUM] = parse_enum,
	[ACCEL_TYPE_TRISTATE] = parse_tristate,
	[ACCEL_TYPE_STRING] = parse_string,
	[ACCEL_TYPE_LIST] = parse_list,
};

_Static_assert(LIST_LIMIT > 4095, "xdp_queues' range fits the list bitmap");

int conf_value_parse(enum accel_key key, const char *text,
		     struct accel_arena *arena, struct accel_value *out,
		     char *msg, size_t size)
{
	const struct accel_key_info *k = accel_key_info(key);
	struct accel_value v = { .set = true };

	if (text[0] == '\0') {
		char type[200];

		accel_key_type_text(key, type, sizeof type);
		snprintf(msg, size, "empty value (%s)", type);
		return -1;
	}
	/* "none" unsets an optional key; -1 too, for numbers (cpu = -1). */
	if ((k->flags & ACCEL_KEY_OPTIONAL) &&
	    (strcasecmp(text, "none") == 0 ||
	     (k->type == ACCEL_TYPE_INT && strcmp(text, "-1") == 0))) {
		v.set = false;
		v.num = -1;
		*out = v;
		return 0;
	}
	if (parsers[k->type](key, k, text, arena, &v, msg, size) < 0)
		return -1;
	*out = v;
	return 0;
}

static void format_list(const struct accel_value *v, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (v->list == NULL) {
		snprintf(buf, size, "all");
		return;
	}
	for (size_t i = 0; i < v->count && used < size;) {
		size_t j = i;

		while (j + 1 < v->count && v->list[j + 1] == v->list[j] + 1)
			j++;
		if (j == i)
			used += (size_t)snprintf(buf + used, size - used, "%s%u",
						 used ? "," : "", v->list[i]);
		else
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%u-%u", used ? "," : "",
						 v->list[i], v->list[j]);
		i = j + 1;
	}
}

void conf_value_format(enum accel_key key, const struct accel_value *v,
		       char *buf, size_t size)
{
	const struct accel_key_info *k = accel_key_info(key);
	size_t used;

	if (!v->set) {
		snprintf(buf, size, "none");
		return;
	}
	switch (k->type) {
	case ACCEL_TYPE_BOOL:
		snprintf(buf, size, "%s", v->num ? "yes" : "no");
		break;
	case ACCEL_TYPE_TRISTATE:
		snprintf(buf, size, "%s",
			 v->num < 0 ? "auto" : v->num ? "yes" : "no");
		break;
	case ACCEL_TYPE_INT:
		snprintf(buf, size, "%lld", (long long)v->num);
		break;
	case ACCEL_TYPE_SIZE:
		accel_size_text((uint64_t)v->num, buf, size);
		break;
	case ACCEL_TYPE_DURATION:
		snprintf(buf, size, "%lld%s", (long long)v->num,
			 k->unit_us == 1000 ? "ms" : "us");
		break;
	case ACCEL_TYPE_ENUM:
		used = (size_t)snprintf(buf, size, "%s", k->values[v->num]);
		for (size_t i = 0; k->modifiers && k->modifiers[i]; i++)
			if ((v->flags & (1u << i)) && used < size)
				used += (size_t)snprintf(buf + used, size - used,
							 "+%s", k->modifiers[i]);
		break;
	case ACCEL_TYPE_STRING:
		snprintf(buf, size, "%s", v->text);
		break;
	case ACCEL_TYPE_LIST:
		format_list(v, buf, size);
		break;
	}
}
