/*
 * probe-compile.c: compile one expression for a link type and print the
 * program as `tcpdump -d` does, or the error.  Linked against -lpcap, so
 * it shows the system libpcap's code or ours (LD_LIBRARY_PATH).
 *
 *   probe-compile [-O0] [-s SNAPLEN] [-m NETMASK] DLT EXPRESSION...
 *   (DLT is a name such as EN10MB or a number; -O0 turns the optimizer off;
 *    -dd / -ddd print the other dump formats)
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int optimize = 1, snaplen = 262144, dump = 1, dlt;
	bpf_u_int32 netmask = PCAP_NETMASK_UNKNOWN;
	char expr[8192] = "";
	struct bpf_program prog;
	pcap_t *p;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-O0") == 0)
			optimize = 0;
		else if (strcmp(argv[i], "-dd") == 0)
			dump = 2;
		else if (strcmp(argv[i], "-ddd") == 0)
			dump = 3;
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			snaplen = atoi(argv[++i]);
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			struct in_addr a;

			if (inet_pton(AF_INET, argv[++i], &a) == 1)
				netmask = a.s_addr;
			else
				netmask = (bpf_u_int32)strtoul(argv[i], NULL, 0);
		} else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: probe-compile [-O0] [-dd|-ddd] [-s SNAPLEN] "
				"[-m NETMASK] DLT EXPRESSION...\n");
		return 2;
	}
	dlt = pcap_datalink_name_to_val(argv[i]);
	if (dlt < 0)
		dlt = atoi(argv[i]);
	for (i++; i < argc; i++) {
		strncat(expr, argv[i], sizeof expr - strlen(expr) - 2);
		if (i + 1 < argc)
			strcat(expr, " ");
	}
	p = pcap_open_dead(dlt, snaplen);
	if (pcap_compile(p, &prog, expr, optimize, netmask) < 0) {
		printf("error: %s\n", pcap_geterr(p));
		return 1;
	}
	bpf_dump(&prog, dump);
	pcap_freecode(&prog);
	pcap_close(p);
	return 0;
}
