/*
 * probe-cycles.c: open, activate, filter, read, count and close one device
 * N times through the public API, then say how many descriptors the
 * process holds compared with before -- for leak and leftover checks
 * (tests/integration/cycles.sh runs it under valgrind).
 *
 *   probe-cycles DEVICE N FILTER
 *
 * Prints "cycle I: ERROR" for a cycle that failed, then "fds BEFORE AFTER".
 * Exits 1 if a cycle failed.
 */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n - 1;	/* the directory's own */
}

static void count(u_char *user, const struct pcap_pkthdr *h,
		  const u_char *bytes)
{
	(void)h;
	(void)bytes;
	(*(long *)user)++;
}

int main(int argc, char **argv)
{
	int before, failed = 0, n;

	if (argc != 4) {
		fprintf(stderr, "usage: probe-cycles DEVICE N FILTER\n");
		return 2;
	}
	n = atoi(argv[2]);
	before = open_fds();
	for (int i = 0; i < n; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_create(argv[1], err);
		struct bpf_program prog = { 0, NULL };
		struct pcap_stat st;
		long got = 0;

		if (p == NULL) {
			printf("cycle %d: create: %s\n", i, err);
			failed = 1;
			continue;
		}
		pcap_set_timeout(p, 10);
		if (pcap_activate(p) < 0 ||
		    pcap_compile(p, &prog, argv[3], 1, PCAP_NETMASK_UNKNOWN) < 0 ||
		    pcap_setfilter(p, &prog) < 0 || pcap_setnonblock(p, 1, err) < 0 ||
		    pcap_dispatch(p, -1, count, (u_char *)&got) < 0 ||
		    pcap_stats(p, &st) < 0) {
			printf("cycle %d: %s\n", i, pcap_geterr(p));
			failed = 1;
		}
		if (prog.bf_insns != NULL)
			pcap_freecode(&prog);
		pcap_close(p);
	}
	printf("fds %d %d\n", before, open_fds());
	return failed;
}
