/*
 * check.h: the unit tests' tiny harness.  Each RUN(test) prints one line,
 * "PASS name" or "FAIL name: file:line: what", which tests/run counts.
 * A test that fails keeps running its other checks (so one run shows all
 * that is wrong); the program exits non-zero if any test failed.
 */
#ifndef ACCEL_TEST_CHECK_H
#define ACCEL_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_current_failed;
static int check_total_failed;
static char check_first_failure[512];

static inline void check_fail(const char *file, int line, const char *what)
{
	if (!check_current_failed)
		snprintf(check_first_failure, sizeof check_first_failure,
			 "%s:%d: %s", file, line, what);
	check_current_failed++;
}

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			check_fail(__FILE__, __LINE__, #cond);                \
	} while (0)

#define CHECK_INT(got, want)                                                  \
	do {                                                                  \
		long long got_ = (long long)(got), want_ = (long long)(want); \
		if (got_ != want_) {                                          \
			char m_[400];                                         \
			snprintf(m_, sizeof m_, "%s == %lld, want %lld",      \
				 #got, got_, want_);                          \
			check_fail(__FILE__, __LINE__, m_);                   \
		}                                                             \
	} while (0)

#define CHECK_STR(got, want)                                                  \
	do {                                                                  \
		const char *got_ = (got), *want_ = (want);                    \
		if (got_ == NULL || want_ == NULL ? got_ != want_             \
						  : strcmp(got_, want_) != 0) { \
			char m_[480];                                         \
			snprintf(m_, sizeof m_, "%s == \"%.180s\", want \"%.180s\"", \
				 #got, got_ ? got_ : "(null)",                \
				 want_ ? want_ : "(null)");                   \
			check_fail(__FILE__, __LINE__, m_);                   \
		}                                                             \
	} while (0)

static inline void check_run(const char *name, void (*fn)(void))
{
	check_current_failed = 0;
	fn();
	if (check_current_failed) {
		printf("FAIL %s: %s\n", name, check_first_failure);
		check_total_failed++;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

#define RUN(fn) check_run(#fn, fn)
#define CHECK_EXIT() return check_total_failed ? 1 : 0

#endif
