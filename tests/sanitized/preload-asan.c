/*
 * preload-asan: runs the program it is named after (a symbolic link
 * "tcpdump" to it runs the tcpdump found further along PATH) with the
 * AddressSanitizer runtime first in LD_PRELOAD.
 *
 * An uninstrumented client (tcpdump, nmap...) can load the
 * sanitized libpcap only if the runtime is the first library it loads;
 * the sanitized test run puts a directory of these links first in PATH.
 * It is linked statically, so an LD_PRELOAD the test itself sets (our
 * instrumented library) is not loaded into this process.
 *
 * Environment: ASAN_RUNTIME_LIB, the runtime's path (required).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "preload-asan: %s%s\n", what, arg);
	exit(127);
}

/* Whether CAND is this program (one of its links). */
static int is_self(const char *cand, const char *self)
{
	char real[PATH_MAX];

	return realpath(cand, real) && strcmp(real, self) == 0;
}

int main(int argc, char **argv)
{
	const char *runtime = getenv("ASAN_RUNTIME_LIB");
	const char *path = getenv("PATH");
	const char *name = strrchr(argv[0], '/');
	const char *old = getenv("LD_PRELOAD");
	int has_old = old && *old;
	char self[PATH_MAX], cand[PATH_MAX];
	char *preload;
	size_t len;

	(void)argc;
	name = name ? name + 1 : argv[0];
	if (!runtime || !*runtime)
		die("ASAN_RUNTIME_LIB is not set", "");
	if (!path)
		die("PATH is not set", "");
	if (!realpath("/proc/self/exe", self))
		die("cannot find itself: ", argv[0]);

	len = strlen(runtime) + (has_old ? strlen(old) + 1 : 0) + 1;
	preload = malloc(len);
	if (!preload)
		die("out of memory", "");
	snprintf(preload, len, "%s%s%s", runtime, has_old ? ":" : "",
		 has_old ? old : "");
	setenv("LD_PRELOAD", preload, 1);

	for (const char *p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > 0 &&
		    snprintf(cand, sizeof cand, "%.*s/%s", (int)n, p, name) <
			    (int)sizeof cand &&
		    access(cand, X_OK) == 0 && !is_self(cand, self)) {
			execv(cand, argv);
			die("cannot run ", cand);
		}
		p += n + (end != NULL);
	}
	die("not found further along PATH: ", name);
}
