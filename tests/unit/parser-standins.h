/*
 * parser-standins.h: run the filter parser alone, against stand-ins for
 * the generators that record every call (parser-standins.c).
 */
#ifndef ACCEL_TEST_PARSER_STANDINS_H
#define ACCEL_TEST_PARSER_STANDINS_H

/*
 * Compile expr through filter_compile with the stand-ins and return the
 * trace: the calls in order, space-separated, each as "name(args)"
 * ("and", "or", "not", "finish" bare), then "=> OK" or "=> ERR: message".
 * Qualifiers print as proto/dir/addr ("-" default, "?" undefined).  If
 * the tree handed to cc_finish is not the one the calls built (an
 * argument passed wrongly), "!tree" follows "finish".  fail_at > 0 makes
 * the fail_at-th generator call (cc_finish included) fail with
 * "injected failure at N".  The string lives until the next call.
 */
const char *trace_parse(const char *expr, int fail_at);

#endif
