/*
 * compile-time.c: how long pcap_compile takes on big filters, and how
 * long the program it makes is, with whichever libpcap the loader picks
 * (bench/compile.sh runs it on the stock library and on ours).
 *
 * usage: compile-time [-t SECONDS] [-O0] CASE...
 *   CASE: hosts:N  N "host A" terms OR-ed, A from 198.18.0.0/15
 *         ports:N  N "port P" terms OR-ed
 *         mixed:N  N terms mixing host, port, net and "tcp dst port"
 * Each case runs in a child process; one that takes longer than the
 * limit (default 100 s) prints "timeout", one that dies prints "crash".
 * Output, one line per case: CASE SECONDS INSNS, or CASE timeout|crash|
 * error: MESSAGE.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Distinct addresses spread over 198.18.0.0/15 (no name lookups). */
static void host_addr(unsigned i, char *out, size_t size)
{
	unsigned v = (i * 7919u + 13u) % (1u << 17);

	snprintf(out, size, "198.%u.%u.%u", 18 + (v >> 16), (v >> 8) & 255,
		 v & 255);
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (*buf == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static char *make_expr(const char *kind, unsigned n)
{
	char *buf = NULL, term[128], addr[32];
	size_t len = 0, cap = 0;

	append(&buf, &len, &cap, "");
	for (unsigned i = 0; i < n; i++) {
		host_addr(i, addr, sizeof addr);
		if (strcmp(kind, "hosts") == 0) {
			snprintf(term, sizeof term, "host %s", addr);
		} else if (strcmp(kind, "ports") == 0) {
			snprintf(term, sizeof term, "port %u", 1000 + 7 * i % 60000);
		} else {
			switch (i % 4) {
			case 0: snprintf(term, sizeof term, "host %s", addr); break;
			case 1: snprintf(term, sizeof term, "port %u", 1 + 13 * i % 65000); break;
			case 2: snprintf(term, sizeof term, "net 198.%u.%u.0/24",
					 18 + i % 2, i % 256); break;
			default: snprintf(term, sizeof term, "tcp dst port %u",
					  1024 + 11 * i % 60000); break;
			}
		}
		if (i > 0)
			append(&buf, &len, &cap, " or ");
		append(&buf, &len, &cap, term);
	}
	return buf;
}

/* The child: compile once, report "SECONDS INSNS" or "error: ...". */
static void run_case(const char *expr, int optimize, int fd)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	struct timespec t0, t1;
	char out[PCAP_ERRBUF_SIZE + 64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = pcap_compile(p, &prog, expr, optimize, PCAP_NETMASK_UNKNOWN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != 0)
		snprintf(out, sizeof out, "error: %s", pcap_geterr(p));
	else
		snprintf(out, sizeof out, "%.4f %u",
			 (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
			 prog.bf_len);
	if (write(fd, out, strlen(out)) < 0)
		_exit(3);
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned limit = 100;
	int optimize = 1, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			limit = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "-O0") == 0)
			optimize = 0;
		else {
			fprintf(stderr, "usage: %s [-t SECONDS] [-O0] CASE...\n",
				argv[0]);
			return 2;
		}
	}
	for (; i < argc; i++) {
		char kind[16];
		unsigned n;
		int fds[2];

		if (sscanf(argv[i], "%15[a-z]:%u", kind, &n) != 2 ||
		    (strcmp(kind, "hosts") && strcmp(kind, "ports") &&
		     strcmp(kind, "mixed"))) {
			fprintf(stderr, "bad case %s\n", argv[i]);
			return 2;
		}
		char *expr = make_expr(kind, n);

		if (pipe(fds) != 0) {
			perror("pipe");
			return 2;
		}
		fflush(stdout);
		pid_t pid = fork();

		if (pid == 0) {
			close(fds[0]);
			alarm(limit);
			run_case(expr, optimize, fds[1]);
		}
		close(fds[1]);

		char res[PCAP_ERRBUF_SIZE + 64] = "";
		ssize_t got = 0, r;
		int status = 0;

		while ((r = read(fds[0], res + got, sizeof res - 1 - got)) > 0)
			got += r;
		close(fds[0]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status))
			snprintf(res, sizeof res, "%s",
				 WTERMSIG(status) == SIGALRM ? "timeout" : "crash");
		printf("%s %s\n", argv[i], res);
		free(expr);
	}
	return 0;
}
