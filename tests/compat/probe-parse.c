/*
 * probe-parse.c: compile many expressions, one per input line
 * ("DLT<TAB>expression", DLT a name such as EN10MB), unoptimized, and
 * print "ok" or "error: MESSAGE" for each, one line per expression.
 * Linked against -lpcap, so it answers for the system libpcap or for
 * ours (LD_LIBRARY_PATH).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char line[1 << 20];

/* One line per answer: a newline inside a message is shown as "\n". */
static void print_error(const char *msg)
{
	fputs("error: ", stdout);
	for (; *msg != '\0'; msg++) {
		if (*msg == '\n')
			fputs("\\n", stdout);
		else
			putchar(*msg);
	}
	putchar('\n');
}

int main(void)
{
	while (fgets(line, sizeof line, stdin) != NULL) {
		char *expr = strchr(line, '\t');
		struct bpf_program prog;
		pcap_t *p;
		int dlt;

		line[strcspn(line, "\n")] = '\0';
		if (expr == NULL) {
			printf("bad input line\n");
			continue;
		}
		*expr++ = '\0';
		dlt = pcap_datalink_name_to_val(line);
		if (dlt < 0)
			dlt = atoi(line);
		p = pcap_open_dead(dlt, 262144);
		if (p == NULL) {
			printf("pcap_open_dead failed\n");
			continue;
		}
		if (pcap_compile(p, &prog, expr, 0, PCAP_NETMASK_UNKNOWN) < 0) {
			print_error(pcap_geterr(p));
		} else {
			printf("ok\n");
			pcap_freecode(&prog);
		}
		pcap_close(p);
	}
	return 0;
}
