/*
 * pcap-count.c: the smallest real libpcap client -- opens a savefile,
 * optionally sets a filter, counts packets and bytes with pcap_loop.
 * Linked against -lpcap so the loader picks the library under test.
 *
 *   pcap-count FILE [FILTER...]
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

struct tally {
	unsigned long packets;
	unsigned long long bytes;
};

static void count(u_char *user, const struct pcap_pkthdr *h,
		  const u_char *data)
{
	struct tally *t = (struct tally *)user;

	(void)data;
	t->packets++;
	t->bytes += h->caplen;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char filter[4096] = "";
	struct bpf_program prog;
	struct tally t = { 0, 0 };
	pcap_t *p;

	if (argc < 2) {
		fprintf(stderr, "usage: pcap-count FILE [FILTER...]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		strncat(filter, argv[i], sizeof filter - strlen(filter) - 2);
		strcat(filter, " ");
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap-count: %s\n", errbuf);
		return 1;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p, &prog) < 0) {
		fprintf(stderr, "pcap-count: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_freecode(&prog);
	if (pcap_loop(p, -1, count, (u_char *)&t) < 0) {
		fprintf(stderr, "pcap-count: %s\n", pcap_geterr(p));
		return 1;
	}
	printf("%lu packets %llu bytes\n", t.packets, t.bytes);
	pcap_close(p);
	return 0;
}
