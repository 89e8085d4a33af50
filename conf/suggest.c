/*
 * suggest.c: "did you mean ...?" -- the known word a misspelt one was
 * probably meant to be: a near miss by edit distance, or a prefix.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "conf/conf-int.h"

#define MAX_DISTANCE 2
#define MIN_PREFIX 3
#define WORD_MAX 64	/* longer words are not typos of ours */

/*
 * Optimal string alignment distance, case-insensitive: insertions,
 * deletions, substitutions and swaps of neighbours each cost one.
 */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	uint8_t d[WORD_MAX + 1][WORD_MAX + 1];	/* distances <= 2 * WORD_MAX */

	if (la > WORD_MAX || lb > WORD_MAX)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (uint8_t)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (uint8_t)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			unsigned best = d[i - 1][j - 1] + (unsigned)(ca != cb);
			unsigned del = d[i - 1][j] + 1u, ins = d[i][j - 1] + 1u;

			if (del < best)
				best = del;
			if (ins < best)
				best = ins;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (uint8_t)best;
		}
	return d[la][lb];
}

/* Whether the shorter of a and b starts the longer, case-insensitively. */
static bool prefix_of_either(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	return n >= MIN_PREFIX && strncasecmp(a, b, n) == 0;
}

/*
 * The closest candidate within MAX_DISTANCE (and within half the word's
 * length, so "x" does not suggest "cpu"); failing that, the one
 * candidate the word is a prefix of, or that is a prefix of the word.
 */
const char *conf_suggest(const char *word, const char *const *candidates,
			 size_t count)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = MAX_DISTANCE + 1, limit = strlen(word) / 2;
	size_t prefixes = 0;

	if (limit > MAX_DISTANCE)
		limit = MAX_DISTANCE;
	for (size_t i = 0; i < count; i++) {
		size_t d;

		if (candidates[i] == NULL)
			continue;
		d = distance(word, candidates[i]);
		if (d <= limit && d < best_d) {
			best = candidates[i];
			best_d = d;
		}
		if (prefix_of_either(word, candidates[i])) {
			prefixed = candidates[i];
			prefixes++;
		}
	}
	if (best != NULL)
		return best;
	return prefixes == 1 ? prefixed : NULL;
}

const char *conf_suggest_key(const char *word)
{
	const char *names[2 * ACCEL_KEY_COUNT];

	for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
		names[2 * k] = accel_key_name(k);
		names[2 * k + 1] = accel_key_info(k)->alias;
	}
	return conf_suggest(word, names, 2 * ACCEL_KEY_COUNT);
}
