/*
 * filter-corpus.h: reader for the expression corpus format of
 * tests/compat/filters/README, shared by probe-filter, kernel-accepts and
 * the unit tests that run the corpus: walks a corpus (or a plain list of
 * expressions) and hands each expression selected for one link type to a
 * callback, with its settings; corpus_each_file walks a directory of them.
 */
#ifndef TESTS_COMPAT_FILTER_CORPUS_H
#define TESTS_COMPAT_FILTER_CORPUS_H

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_MAX_EXPR 8192
/* Exit status for bad usage or a bad corpus, told apart from crashes. */
#define CORPUS_EXIT_USAGE 64

/* Settings in force for one expression. */
struct corpus_settings {
	int dlt;
	int snaplen;
	bpf_u_int32 netmask;
	char expect[8];		/* ok, error, any; "-" for plain lists */
};

typedef void (*corpus_fn)(const char *expr, long lineno, long seq,
			  const struct corpus_settings *st, void *ctx);

static inline void corpus_die(const char *what, const char *arg, long lineno)
{
	if (lineno > 0)
		fprintf(stderr, "corpus line %ld: %s%s\n", lineno, what, arg);
	else
		fprintf(stderr, "%s%s\n", what, arg);
	exit(CORPUS_EXIT_USAGE);
}

static inline int corpus_parse_dlt(const char *s)
{
	char *end;
	long v;
	int dlt = pcap_datalink_name_to_val(s);

	if (dlt >= 0)
		return dlt;
	errno = 0;
	v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno || v < 0 || v > 0xffff)
		corpus_die("unknown link type ", s, 0);
	return (int)v;
}

/* "none" or a dotted quad; the value is in network order, the way
 * tcpdump passes pcap_lookupnet's mask to pcap_compile. */
static inline bpf_u_int32 corpus_parse_netmask(const char *s)
{
	struct in_addr a;

	if (strcmp(s, "none") == 0)
		return PCAP_NETMASK_UNKNOWN;
	if (inet_pton(AF_INET, s, &a) != 1)
		corpus_die("bad netmask ", s, 0);
	return a.s_addr;
}

static inline char *corpus_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Tabs and line ends are blanks to the filter language; our outputs use
 * tabs as separators. */
static inline void corpus_untab(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
}

/* Applies directive LINE (starting with '@'); returns whether the
 * current @dlt list holds base->dlt. */
static inline int corpus_directive(char *line, long lineno,
				   const struct corpus_settings *base,
				   struct corpus_settings *st, int selected)
{
	char *word = strtok(line + 1, " \t"), *arg;

	if (!word)
		corpus_die("empty directive", "", lineno);
	if (strcmp(word, "dlt") == 0) {
		*st = *base;
		strcpy(st->expect, "ok");
		selected = 0;
		while ((arg = strtok(NULL, " \t")) != NULL)
			if (corpus_parse_dlt(arg) == base->dlt)
				selected = 1;
		return selected;
	}
	arg = strtok(NULL, " \t");
	if (!arg)
		corpus_die("directive needs a value: @", word, lineno);
	if (strcmp(word, "expect") == 0) {
		if (strcmp(arg, "ok") && strcmp(arg, "error") && strcmp(arg, "any"))
			corpus_die("bad @expect ", arg, lineno);
		snprintf(st->expect, sizeof st->expect, "%s", arg);
	} else if (strcmp(word, "netmask") == 0)
		st->netmask = corpus_parse_netmask(arg);
	else if (strcmp(word, "snaplen") == 0)
		st->snaplen = atoi(arg);
	else
		corpus_die("unknown directive @", word, lineno);
	return selected;
}

/*
 * Calls FN for each expression of IN selected for base->dlt, numbering
 * them from 1 (SEQ) and skipping the first SKIP.  IS_CORPUS: README
 * format; otherwise every non-blank line is an expression compiled with
 * BASE.
 */
static inline void corpus_walk(FILE *in, int is_corpus,
			       const struct corpus_settings *base, long skip,
			       corpus_fn fn, void *ctx)
{
	static char line[CORPUS_MAX_EXPR + 2];
	struct corpus_settings st = *base;
	int selected = !is_corpus, seen_dlt = !is_corpus;
	long lineno = 0, seq = 0;

	strcpy(st.expect, is_corpus ? "ok" : "-");
	while (fgets(line, sizeof line, in)) {
		char *expr;

		lineno++;
		if (!strchr(line, '\n') && !feof(in))
			corpus_die("line too long", "", lineno);
		expr = corpus_trim(line);
		if (*expr == '\0' || (is_corpus && *expr == '#'))
			continue;	/* blank lines are not empty expressions */
		if (is_corpus && strcmp(expr, "@empty") == 0)
			*expr = '\0';	/* the empty expression */
		else if (is_corpus && *expr == '@') {
			int is_dlt = strncmp(expr, "@dlt", 4) == 0;

			selected = corpus_directive(expr, lineno, base, &st, selected);
			seen_dlt |= is_dlt;
			continue;
		}
		if (!seen_dlt)
			corpus_die("expression before @dlt", "", lineno);
		if (!selected || seq++ < skip)
			continue;
		corpus_untab(expr);
		fn(expr, lineno, seq, &st, ctx);
	}
}

static inline int corpus_is_txt(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 4 && strcmp(de->d_name + n - 4, ".txt") == 0;
}

/* Calls FN for each *.txt file of PATH in name order when PATH is a
 * directory, else for PATH itself. */
static inline void corpus_each_file(const char *path,
				    void (*fn)(const char *file, void *ctx),
				    void *ctx)
{
	struct dirent **names;
	int n = scandir(path, &names, corpus_is_txt, alphasort);

	if (n < 0) {
		fn(path, ctx);
		return;
	}
	for (int i = 0; i < n; i++) {
		char file[4096];

		snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
		fn(file, ctx);
		free(names[i]);
	}
	free(names);
}

#endif
