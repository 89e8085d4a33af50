/*
 * probe-names.c: prints what the name tables and name lookups answer --
 * DLT and time stamp type names, pcap_nameto*, Ethernet addresses,
 * /etc/ethers-format files and eproto_db.  names-diff.sh runs it on the
 * system libpcap and on ours; the outputs must be identical.
 *
 *   probe-names dlt | dltnames | tstamp | eproto_db
 *   probe-names FUNC < inputs      one input per line; FUNC is one of
 *       port portrange proto eproto llc addr netaddr addrinfo aton hostton
 *   probe-names etherent FILE...
 */
#include <pcap/pcap.h>
#include <pcap/namedb.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* libpcap exports it without declaring it; tcpdump declares it like this. */
extern struct eproto {
	const char *s;
	u_short p;
} eproto_db[];

/* pcap_nametoaddr is deprecated, and probed here on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define DLT_PROBE_MAX 70000

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

/* Print s with non-printable bytes as \xNN, so every output line is one line. */
static void put_escaped(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void show_dlt(int v)
{
	printf("%d|%s|%s|%s\n", v, or_null(pcap_datalink_val_to_name(v)),
	       or_null(pcap_datalink_val_to_description(v)),
	       or_null(pcap_datalink_val_to_description_or_dlt(v)));
}

static void probe_dlt(void)
{
	static const int extremes[] = { INT_MIN, INT_MIN + 1, -65536, -2,
					65535, 65536, 1 << 20, INT_MAX };

	for (int v = -1; v <= DLT_PROBE_MAX; v++)
		show_dlt(v);
	for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++)
		show_dlt(extremes[i]);
}

static void show_name_to_val(const char *name)
{
	put_escaped(name);
	printf(" -> %d\n", pcap_datalink_name_to_val(name));
}

/* Every name the library prints, in its own spelling and in variations. */
static void probe_dltnames(void)
{
	static const char *const odd[] = {
		"", " ", "EN10MB ", " EN10MB", "EN10M", "EN10MBB", "en10mB",
		"DLT_EN10MB", "dlt_en10mb", "Ethernet", "1", "0", "-1",
		"null", "NuLl", "\xc5N10MB", "EN10MB\n", "raw", "RAW\t",
		"linux_sll", "LINUX-SLL", "ieee802_11_radio", "unknown",
	};
	char buf[128];

	for (int v = -1; v <= DLT_PROBE_MAX; v++) {
		const char *name = pcap_datalink_val_to_name(v);
		size_t i;

		if (name == NULL)
			continue;
		show_name_to_val(name);
		for (i = 0; name[i] && i < sizeof buf - 1; i++)
			buf[i] = (char)tolower((unsigned char)name[i]);
		buf[i] = '\0';
		show_name_to_val(buf);
		for (i = 0; buf[i]; i += 2)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		show_name_to_val(buf);
		snprintf(buf, sizeof buf, "DLT_%s", name);
		show_name_to_val(buf);
		snprintf(buf, sizeof buf, "%sX", name);
		show_name_to_val(buf);
		snprintf(buf, sizeof buf, "%.*s", (int)strlen(name) - 1, name);
		show_name_to_val(buf);
	}
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		show_name_to_val(odd[i]);
}

static void probe_tstamp(void)
{
	static const char *const names[] = {
		"host", "HOST", "Host_LowPrec", "host_hiprec", "adapter",
		"ADAPTER_UNSYNCED", "host_hiprec_unsynced", "", "hos",
		"hostx", "PCAP_TSTAMP_HOST", "0", "Host, low precision",
	};

	for (int v = -1; v <= 10; v++)
		printf("%d|%s|%s\n", v, or_null(pcap_tstamp_type_val_to_name(v)),
		       or_null(pcap_tstamp_type_val_to_description(v)));
	printf("%d|%s\n", INT_MIN, or_null(pcap_tstamp_type_val_to_name(INT_MIN)));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		put_escaped(names[i]);
		printf(" -> %d\n", pcap_tstamp_type_name_to_val(names[i]));
	}
}

static void probe_eproto_db(void)
{
	int n = 0;

	for (; eproto_db[n].s != NULL; n++)
		printf("eproto_db[%d] = %s 0x%04x\n", n, eproto_db[n].s,
		       eproto_db[n].p);
	printf("eproto_db[%d] = (null) 0x%04x\n", n, eproto_db[n].p);
}

/* ---------------------------------------------------------------------
 * Lookups, one input per line.
 */

static void look_port(const char *s)
{
	int port = -7, proto = -7;
	int r = pcap_nametoport(s, &port, &proto);

	printf("%d port=%d proto=%d\n", r, port, proto);
}

static void look_portrange(const char *s)
{
	int p1 = -7, p2 = -7, proto = -7;
	int r = pcap_nametoportrange(s, &p1, &p2, &proto);

	printf("%d ports=%d,%d proto=%d\n", r, p1, p2, proto);
}

static void look_proto(const char *s)
{
	printf("%d\n", pcap_nametoproto(s));
}

static void look_eproto(const char *s)
{
	printf("%d\n", pcap_nametoeproto(s));
}

static void look_llc(const char *s)
{
	printf("%d\n", pcap_nametollc(s));
}

static void look_addr(const char *s)
{
	bpf_u_int32 **list = pcap_nametoaddr(s);

	if (list == NULL) {
		printf("(null)\n");
		return;
	}
	for (; *list != NULL; list++)
		printf(" %08x", **list);
	printf("\n");
}

static void look_netaddr(const char *s)
{
	printf("%08x\n", pcap_nametonetaddr(s));
}

static void look_addrinfo(const char *s)
{
	struct addrinfo *res = pcap_nametoaddrinfo(s);
	char text[INET6_ADDRSTRLEN];

	if (res == NULL) {
		printf("(null)\n");
		return;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		const void *a = ai->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
			: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

		if (inet_ntop(ai->ai_family, a, text, sizeof text) == NULL)
			strcpy(text, "?");
		printf(" [%d %d %d %s %s]", ai->ai_family, ai->ai_socktype,
		       ai->ai_protocol, text, or_null(ai->ai_canonname));
	}
	printf("\n");
	freeaddrinfo(res);
}

static void show_ether(const u_char *e)
{
	if (e == NULL) {
		printf("(null)\n");
		return;
	}
	printf("%02x:%02x:%02x:%02x:%02x:%02x\n", e[0], e[1], e[2], e[3],
	       e[4], e[5]);
}

/*
 * libpcap 1.10.3's pcap_ether_aton writes past its 6-byte buffer, reads
 * past the string, or leaves bytes uninitialised unless the input gives
 * exactly six bytes without a trailing separator; only such inputs can be
 * compared.  This walks the input as that function does.
 */
static int aton_is_defined_in_1_10_3(const char *s)
{
	int n = 0;

	while (*s) {
		if (*s == ':' || *s == '.' || *s == '-')
			s++;
		if (*s == '\0' || n == 6)
			return 0;
		s++;
		if (isxdigit((unsigned char)*s))
			s++;
		n++;
	}
	return n == 6;
}

static void look_aton(const char *s)
{
	u_char *e;

	if (!aton_is_defined_in_1_10_3(s)) {
		printf("not comparable (undefined in libpcap 1.10.3)\n");
		return;
	}
	e = pcap_ether_aton(s);
	show_ether(e);
	free(e);
}

static void look_hostton(const char *s)
{
	u_char *e = pcap_ether_hostton(s);

	show_ether(e);
	free(e);
}

static const struct {
	const char *name;
	void (*look)(const char *);
} lookups[] = {
	{ "port", look_port },		{ "portrange", look_portrange },
	{ "proto", look_proto },	{ "eproto", look_eproto },
	{ "llc", look_llc },		{ "addr", look_addr },
	{ "netaddr", look_netaddr },	{ "addrinfo", look_addrinfo },
	{ "aton", look_aton },		{ "hostton", look_hostton },
};

static int probe_lookups(void (*look)(const char *))
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		put_escaped(line);
		printf(" -> ");
		look(line);
		fflush(stdout);
	}
	free(line);
	return 0;
}

/* ---------------------------------------------------------------------
 * /etc/ethers-format files: every entry, and where the reader stopped.
 */
static int probe_etherent(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		FILE *fp = fopen(argv[i], "r");
		struct pcap_etherent *e;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		printf("file %d\n", i);
		while ((e = pcap_next_etherent(fp)) != NULL) {
			printf("  %02x:%02x:%02x:%02x:%02x:%02x ", e->addr[0],
			       e->addr[1], e->addr[2], e->addr[3], e->addr[4],
			       e->addr[5]);
			put_escaped(e->name);
			printf(" at %ld\n", ftell(fp));
		}
		printf("  end at %ld eof=%d\n", ftell(fp), feof(fp) != 0);
		fclose(fp);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "dlt") == 0)
		probe_dlt();
	else if (strcmp(mode, "dltnames") == 0)
		probe_dltnames();
	else if (strcmp(mode, "tstamp") == 0)
		probe_tstamp();
	else if (strcmp(mode, "eproto_db") == 0)
		probe_eproto_db();
	else if (strcmp(mode, "etherent") == 0)
		return probe_etherent(argc - 2, argv + 2);
	else {
		for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++)
			if (strcmp(mode, lookups[i].name) == 0)
				return probe_lookups(lookups[i].look);
		fprintf(stderr, "usage: probe-names MODE (see the source)\n");
		return 2;
	}
	return 0;
}
