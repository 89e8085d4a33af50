/*
 * test-names.c: the DLT and time stamp name tables, the pcap_nameto*
 * lookups, Ethernet address parsing (strings and /etc/ethers-format files),
 * the compiler's number parsers, and that per-thread answers stay apart.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>
#include <pcap/namedb.h>

#include "pcap-compat/nametoaddr.h"
#include "tests/unit/check.h"

/* pcap_nametoaddr is deprecated, and tested here on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

extern struct eproto eproto_db[];

/* ---------------------------------------------------------------------
 * DLT and time stamp type tables.
 */

static void dlt_spot_checks(void)
{
	static const struct {
		int dlt;
		const char *name, *description;
	} rows[] = {
		{ 0, "NULL", "BSD loopback" },
		{ 1, "EN10MB", "Ethernet" },
		{ 12, "RAW", "Raw IP" },
		{ 105, "IEEE802_11", "802.11" },
		{ 113, "LINUX_SLL", "Linux cooked v1" },
		{ 127, "IEEE802_11_RADIO", "802.11 plus radiotap header" },
		{ 228, "IPV4", "Raw IPv4" },
		{ 241, "NETANALYZER_TRANSPARENT",
		  "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD" },
		{ 276, "LINUX_SLL2", "Linux cooked v2" },
		{ 289, "ATSC_ALP", "ATSC Link-Layer Protocol packets" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		CHECK_STR(pcap_datalink_val_to_name(rows[i].dlt), rows[i].name);
		CHECK_STR(pcap_datalink_val_to_description(rows[i].dlt),
			  rows[i].description);
		CHECK_STR(pcap_datalink_val_to_description_or_dlt(rows[i].dlt),
			  rows[i].description);
		CHECK_INT(pcap_datalink_name_to_val(rows[i].name), rows[i].dlt);
	}
}

static void dlt_unknown_values(void)
{
	static const int unknown[] = { -1, 2, 13, 290, 65535, INT_MAX, INT_MIN };
	char want[32];

	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		CHECK(pcap_datalink_val_to_name(unknown[i]) == NULL);
		CHECK(pcap_datalink_val_to_description(unknown[i]) == NULL);
		snprintf(want, sizeof want, "DLT %d", unknown[i]);
		CHECK_STR(pcap_datalink_val_to_description_or_dlt(unknown[i]), want);
	}
}

static void dlt_names_case_insensitive(void)
{
	CHECK_INT(pcap_datalink_name_to_val("en10mb"), DLT_EN10MB);
	CHECK_INT(pcap_datalink_name_to_val("En10Mb"), DLT_EN10MB);
	CHECK_INT(pcap_datalink_name_to_val("linux_sll2"), DLT_LINUX_SLL2);
	CHECK_INT(pcap_datalink_name_to_val("null"), DLT_NULL);
	/* libpcap 1.10.3 takes the bare name only, whole and exact. */
	CHECK_INT(pcap_datalink_name_to_val("DLT_EN10MB"), -1);
	CHECK_INT(pcap_datalink_name_to_val("EN10MB "), -1);
	CHECK_INT(pcap_datalink_name_to_val(" EN10MB"), -1);
	CHECK_INT(pcap_datalink_name_to_val("EN10M"), -1);
	CHECK_INT(pcap_datalink_name_to_val("Ethernet"), -1);
	CHECK_INT(pcap_datalink_name_to_val(""), -1);
	CHECK_INT(pcap_datalink_name_to_val("\xc5N10MB"), -1);
}

/* Every named value round-trips, every name has a description: 152 rows. */
static void dlt_table_consistent(void)
{
	int named = 0;

	for (int v = -1; v <= 70000; v++) {
		const char *name = pcap_datalink_val_to_name(v);

		if (name == NULL) {
			CHECK(pcap_datalink_val_to_description(v) == NULL);
			continue;
		}
		named++;
		CHECK(pcap_datalink_val_to_description(v) != NULL);
		CHECK_INT(pcap_datalink_name_to_val(name), v);
	}
	CHECK_INT(named, 152);
}

static void tstamp_names(void)
{
	static const char *const names[] = {
		"host", "host_lowprec", "host_hiprec", "adapter",
		"adapter_unsynced", "host_hiprec_unsynced",
	};

	for (int t = 0; t < 6; t++) {
		CHECK_STR(pcap_tstamp_type_val_to_name(t), names[t]);
		CHECK_INT(pcap_tstamp_type_name_to_val(names[t]), t);
	}
	CHECK_STR(pcap_tstamp_type_val_to_description(PCAP_TSTAMP_HOST), "Host");
	CHECK_STR(pcap_tstamp_type_val_to_description(PCAP_TSTAMP_HOST_HIPREC_UNSYNCED),
		  "Host, high precision, not synced with system time");
	CHECK_INT(pcap_tstamp_type_name_to_val("HOST_HIPREC"), PCAP_TSTAMP_HOST_HIPREC);
	CHECK_INT(pcap_tstamp_type_name_to_val("Adapter"), PCAP_TSTAMP_ADAPTER);
	CHECK_INT(pcap_tstamp_type_name_to_val("hostx"), PCAP_ERROR);
	CHECK_INT(pcap_tstamp_type_name_to_val(""), PCAP_ERROR);
	CHECK(pcap_tstamp_type_val_to_name(6) == NULL);
	CHECK(pcap_tstamp_type_val_to_name(-1) == NULL);
	CHECK(pcap_tstamp_type_val_to_description(6) == NULL);
}

/* ---------------------------------------------------------------------
 * Ports, protocols, ethertypes, LLC.
 */

/* A service in the system's database with a port for `proto` and not `other`. */
static struct servent *service_only_for(const char *proto, const char *other,
					char *name, size_t size)
{
	struct servent *se;
	int port = -1;

	setservent(0);
	while ((se = getservent()) != NULL) {
		struct servent *twin;

		if (strcmp(se->s_proto, proto) != 0)
			continue;
		snprintf(name, size, "%s", se->s_name);
		port = ntohs((uint16_t)se->s_port);
		twin = getservbyname(name, other);
		if (twin == NULL)
			break;
		port = -1;
	}
	endservent();
	return port >= 0 ? getservbyname(name, proto) : NULL;
}

static void nametoport_answers(void)
{
	int port = -7, proto = -7;
	char name[256];

	/* Numbers are services for every transport: both, hence PROTO_UNDEF. */
	CHECK_INT(pcap_nametoport("80", &port, &proto), 1);
	CHECK_INT(port, 80);
	CHECK_INT(proto, PROTO_UNDEF);

	port = proto = -7;
	CHECK_INT(pcap_nametoport("no-such-service-name", &port, &proto), 0);
	CHECK_INT(port, -7);	/* untouched on failure */
	CHECK_INT(proto, -7);
	/* An empty service is port 0 to getaddrinfo, for both transports. */
	CHECK_INT(pcap_nametoport("", &port, &proto), 1);
	CHECK_INT(port, 0);
	CHECK_INT(proto, PROTO_UNDEF);

	if (getservbyname("domain", "tcp") && getservbyname("domain", "udp")) {
		CHECK_INT(pcap_nametoport("domain", &port, &proto), 1);
		CHECK_INT(port, 53);
		CHECK_INT(proto, PROTO_UNDEF);
	}
	if (service_only_for("tcp", "udp", name, sizeof name) != NULL) {
		CHECK_INT(pcap_nametoport(name, &port, &proto), 1);
		CHECK_INT(proto, IPPROTO_TCP);
	}
	if (service_only_for("udp", "tcp", name, sizeof name) != NULL) {
		CHECK_INT(pcap_nametoport(name, &port, &proto), 1);
		CHECK_INT(proto, IPPROTO_UDP);
	}
}

static void nametoportrange_answers(void)
{
	int p1 = -7, p2 = -7, proto = -7;

	CHECK_INT(pcap_nametoportrange("1-2", &p1, &p2, &proto), 1);
	CHECK_INT(p1, 1);
	CHECK_INT(p2, 2);
	CHECK_INT(proto, PROTO_UNDEF);
	CHECK_INT(pcap_nametoportrange("-1-5", &p1, &p2, &proto), 1);
	CHECK_INT(p1, -1);	/* libpcap passes sscanf's numbers through */
	CHECK_INT(pcap_nametoportrange("7-9junk", &p1, &p2, &proto), 1);
	CHECK_INT(p2, 9);
	CHECK_INT(pcap_nametoportrange("80-80", &p1, &p2, &proto), 1);
	CHECK_INT(pcap_nametoportrange("abc", &p1, &p2, &proto), 0);
	CHECK_INT(pcap_nametoportrange("", &p1, &p2, &proto), 0);
	CHECK_INT(pcap_nametoportrange("80-no-such-service", &p1, &p2, &proto), 0);
	if (getservbyname("domain", "udp") && getservbyname("domain", "tcp")) {
		p1 = p2 = proto = -7;
		CHECK_INT(pcap_nametoportrange("domain-domain", &p1, &p2, &proto), 1);
		CHECK_INT(p1, 53);
		CHECK_INT(p2, 53);
		CHECK_INT(proto, PROTO_UNDEF);
	}
}

static void nametoproto_answers(void)
{
	CHECK_INT(pcap_nametoproto("tcp"), IPPROTO_TCP);
	CHECK_INT(pcap_nametoproto("udp"), IPPROTO_UDP);
	CHECK_INT(pcap_nametoproto("icmp"), IPPROTO_ICMP);
	CHECK_INT(pcap_nametoproto("no-such-protocol"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoproto(""), PROTO_UNDEF);
}

static void eproto_and_llc_tables(void)
{
	static const struct {
		const char *name;
		int value;
	} eprotos[] = {
		{ "aarp", 0x80f3 }, { "arp", 0x0806 },	   { "atalk", 0x809b },
		{ "decnet", 0x6003 }, { "ip", 0x0800 },	   { "ip6", 0x86dd },
		{ "lat", 0x6004 },  { "loopback", 0x9000 }, { "mopdl", 0x6001 },
		{ "moprc", 0x6002 }, { "rarp", 0x8035 },   { "sca", 0x6007 },
	};
	size_t n;

	for (n = 0; n < sizeof eprotos / sizeof eprotos[0]; n++) {
		CHECK_INT(pcap_nametoeproto(eprotos[n].name), eprotos[n].value);
		CHECK_STR(eproto_db[n].s, eprotos[n].name);
		CHECK_INT(eproto_db[n].p, eprotos[n].value);
	}
	CHECK(eproto_db[n].s == NULL);
	CHECK_INT(sizeof eproto_db[0], 16);
	/* Exact, case-sensitive names; lldp and slow came after 1.10.3. */
	CHECK_INT(pcap_nametoeproto("IP"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto("lldp"), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto(""), PROTO_UNDEF);
	CHECK_INT(pcap_nametoeproto("ip "), PROTO_UNDEF);

	CHECK_INT(pcap_nametollc("iso"), 0xfe);
	CHECK_INT(pcap_nametollc("stp"), 0x42);
	CHECK_INT(pcap_nametollc("ipx"), 0xe0);
	CHECK_INT(pcap_nametollc("netbeui"), 0xf0);
	CHECK_INT(pcap_nametollc("ISO"), PROTO_UNDEF);
	CHECK_INT(pcap_nametollc("ip"), PROTO_UNDEF);
	CHECK_INT(pcap_nametollc(""), PROTO_UNDEF);
}

/* ---------------------------------------------------------------------
 * Hosts and networks.
 */

static void nametoaddr_answers(void)
{
	bpf_u_int32 **list;

	list = pcap_nametoaddr("1.2.3.4");
	CHECK(list != NULL && list[0] != NULL);
	if (list != NULL && list[0] != NULL) {
		CHECK_INT(*list[0], 0x01020304);	/* host byte order */
		CHECK(list[1] == NULL);
	}
	list = pcap_nametoaddr("127.1");
	CHECK(list != NULL && list[0] != NULL && *list[0] == 0x7f000001);
	list = pcap_nametoaddr("localhost");
	CHECK(list != NULL && list[0] != NULL && *list[0] == 0x7f000001);
	CHECK(pcap_nametoaddr("no-such-host.invalid") == NULL);
	CHECK(pcap_nametoaddr("256.1.2.3") == NULL);
}

static void nametoaddrinfo_answers(void)
{
	struct addrinfo *ai = pcap_nametoaddrinfo("192.0.2.7");

	CHECK(ai != NULL);
	if (ai != NULL) {
		const struct sockaddr_in *sin = (const void *)ai->ai_addr;

		CHECK_INT(ai->ai_family, AF_INET);
		CHECK_INT(ai->ai_socktype, SOCK_STREAM);
		CHECK_INT(ai->ai_protocol, IPPROTO_TCP);
		CHECK_INT(ntohl(sin->sin_addr.s_addr), 0xc0000207);
		CHECK(ai->ai_next == NULL);
		freeaddrinfo(ai);
	}
	ai = pcap_nametoaddrinfo("2001:db8::1");
	CHECK(ai != NULL && ai->ai_family == AF_INET6);
	if (ai != NULL)
		freeaddrinfo(ai);
	CHECK(pcap_nametoaddrinfo("no-such-host.invalid") == NULL);
	CHECK(pcap_nametoaddrinfo("1.2.3.4.5") == NULL);
}

static void nametonetaddr_answers(void)
{
	struct netent *ne = getnetbyname("loopback");

	if (ne != NULL)
		CHECK_INT(pcap_nametonetaddr("loopback"), ne->n_net);
	CHECK_INT(pcap_nametonetaddr("no-such-network"), 0);
	CHECK_INT(pcap_nametonetaddr(""), 0);
}

/* ---------------------------------------------------------------------
 * Ethernet addresses.
 */

static bool ether_is(const u_char *e, const char *want)
{
	char got[18];

	if (e == NULL)
		return false;
	snprintf(got, sizeof got, "%02x:%02x:%02x:%02x:%02x:%02x", e[0], e[1],
		 e[2], e[3], e[4], e[5]);
	return strcmp(got, want) == 0;
}

static void check_aton(const char *s, const char *want)
{
	u_char *e = pcap_ether_aton(s);

	if (want == NULL) {
		if (e != NULL)
			check_fail(__FILE__, __LINE__, s);
	} else if (!ether_is(e, want)) {
		check_fail(__FILE__, __LINE__, s);
	}
	free(e);
}

static void ether_aton_good(void)
{
	static const char *const same[] = {
		"010203040506", "0102.0304.0506", "01:02:03:04:05:06",
		"1:2:3:4:5:6", "01-02-03-04-05-06", "1-2-3-4-5-6",
		"01.02.03.04.05.06", "1.2.3.4.5.6",
	};

	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		check_aton(same[i], "01:02:03:04:05:06");
	check_aton("A1B2.C3D4.E5F6", "a1:b2:c3:d4:e5:f6");
	check_aton("a1-b2-c3-d4-e5-f6", "a1:b2:c3:d4:e5:f6");
	check_aton("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff");
	check_aton(":1:2:3:4:5:6", "01:02:03:04:05:06");	/* one leading sep */
	check_aton("aabb:ccdd:eeff", "aa:bb:cc:dd:ee:ff");	/* 1.10.3 takes it */
	/* libpcap's value for a non-hex character ('g' is 0x30): kept. */
	check_aton("12:34:56:gb:cd:ef", "12:34:56:0b:cd:ef");
	/* A doubled separator: the second ':' is valued (3), '2' joins it. */
	check_aton("1::2:3:4:5:6", "01:32:03:04:05:06");
}

/* Where libpcap 1.10.3 overflows, over-reads or leaves garbage: NULL. */
static void ether_aton_bad(void)
{
	static const char *const bad[] = {
		"", ":", "1", "1:2:3:4:5", "1:2:3:4:5:6:", "1:2:3:4:5:6:7",
		"11:22:33:44:55:66:77:88", ":1:2:3:4:5:",
		"0123456abcdef", "1-", "ad.ad.cc-aC.Dd.",
	};
	char *huge = malloc(10001);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_aton(bad[i], NULL);
	if (huge != NULL) {
		memset(huge, 'a', 10000);
		huge[10000] = '\0';
		check_aton(huge, NULL);
		free(huge);
	}
}

static void ether_hostton_answers(void)
{
	char *huge = malloc(5001);

	CHECK(pcap_ether_hostton("no-such-ethers-name") == NULL);
	CHECK(pcap_ether_hostton("") == NULL);
	if (huge != NULL) {	/* truncated to libpcap's 1023 bytes, no crash */
		memset(huge, 'n', 5000);
		huge[5000] = '\0';
		CHECK(pcap_ether_hostton(huge) == NULL);
		free(huge);
	}
}

static FILE *file_with(const char *text)
{
	FILE *fp = tmpfile();

	if (fp != NULL) {
		fputs(text, fp);
		rewind(fp);
	}
	return fp;
}

static void check_entry(FILE *fp, const char *addr, const char *name,
			int line)
{
	struct pcap_etherent *e = pcap_next_etherent(fp);
	char what[200];

	snprintf(what, sizeof what, "entry for %s", name);
	if (e == NULL || !ether_is(e->addr, addr) || strcmp(e->name, name) != 0)
		check_fail(__FILE__, line, what);
}

static void etherent_tricky_lines(void)
{
	FILE *fp = file_with(
		"# a comment\n"
		"   \t# an indented comment\n"
		"\n"
		"08:00:20:01:02:03 plain\n"
		"\t 1:2:3:4:5:6 \t spaced trailing junk\r\n"
		"aa:bb short\n"			/* the rest zero */
		"11:22:33:44:55:66x bad-separator\n"
		"7 after-bad\n"			/* bytes 2-6 left by the bad line */
		"1:2:3:4:5:6:7 seven\n"		/* skipped */
		"1:2:3:4:5:6: colon\n"		/* a trailing ':' is allowed */
		"1:2:3:4:5:6 #no name\n"
		"a:b:c:d:e:f\n"			/* name from the next line */
		"nextline ignored\n"
		"-bad start\n"
		"1:2:3:4:5:6 caf\xc3\xa9\r\n"
		"de:ad:be:ef:00:01 no-newline");
	struct pcap_etherent *e;

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	check_entry(fp, "08:00:20:01:02:03", "plain", __LINE__);
	check_entry(fp, "01:02:03:04:05:06", "spaced", __LINE__);
	check_entry(fp, "aa:bb:00:00:00:00", "short", __LINE__);
	check_entry(fp, "07:22:33:44:55:66", "after-bad", __LINE__);
	check_entry(fp, "01:02:03:04:05:06", "colon", __LINE__);
	check_entry(fp, "0a:0b:0c:0d:0e:0f", "nextline", __LINE__);
	check_entry(fp, "01:02:03:04:05:06", "caf\xc3\xa9", __LINE__);
	/* The last line has no newline: libpcap drops it. */
	e = pcap_next_etherent(fp);
	CHECK(e == NULL);
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);
}

static void etherent_long_names(void)
{
	char text[600], n121[122], n130[131];
	FILE *fp;

	memset(n121, 'x', 121);
	n121[121] = '\0';
	memset(n130, 'y', 130);
	n130[130] = '\0';
	snprintf(text, sizeof text, "1:2:3:4:5:6 %s\n1:2:3:4:5:7 %s tail\n"
		 "1:2:3:4:5:8 ok\n", n121, n130);
	fp = file_with(text);
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	check_entry(fp, "01:02:03:04:05:06", n121, __LINE__);
	n130[121] = '\0';	/* truncated to 121 bytes, the rest skipped */
	check_entry(fp, "01:02:03:04:05:07", n130, __LINE__);
	check_entry(fp, "01:02:03:04:05:08", "ok", __LINE__);
	CHECK(pcap_next_etherent(fp) == NULL);
	fclose(fp);
}

/* ---------------------------------------------------------------------
 * The compiler's number parsers.
 */

static void dotted_numbers(void)
{
	bpf_u_int32 a = 0;

	CHECK_INT(names_atoin("10", &a), 8);
	CHECK_INT(a, 10);
	CHECK_INT(names_atoin("10.1", &a), 16);
	CHECK_INT(a, 0x0a01);
	CHECK_INT(names_atoin("192.168.1.2", &a), 32);
	CHECK_INT(a, 0xc0a80102);
	CHECK_INT(names_atoin("255.255.255.255", &a), 32);
	CHECK_INT(a, 0xffffffff);
	CHECK_INT(names_atoin("256", &a), -1);
	CHECK_INT(names_atoin("10.1000", &a), -1);
	CHECK_INT(names_atoin("99999999999", &a), -1);

	CHECK_INT(names_atodn("0.0", &a), 32);
	CHECK_INT(a, 0);
	CHECK_INT(names_atodn("31.511", &a), 32);
	CHECK_INT(a, 31 << 10 | 511);
	CHECK_INT(names_atodn("063.01023", &a), 32);
	CHECK_INT(a, 0xffff);
	CHECK_INT(names_atodn("64.0", &a), 32);	/* 1.10.3 masks, not refuses */
	CHECK_INT(a, 0);
	CHECK_INT(names_atodn("10.a", &a), 0);
	CHECK_INT(names_atodn("a.10", &a), 0);
	CHECK_INT(names_nametodnaddr("anynode", &(u_short){ 0 }), 0);

	for (int c = 0; c < 256; c++) {
		int want = c >= '0' && c <= '9' ? c - '0'
			 : c >= 'a' && c <= 'f' ? c - 'a' + 10
			 : (c - 'A' + 10) & 0xff;

		CHECK_INT(names_xdtoi((u_char)c), want);
		CHECK_INT(names_isxdigit(c),
			  (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
				  (c >= 'A' && c <= 'F'));
	}
}

/* ---------------------------------------------------------------------
 * Answers the API hands back in library storage belong to each thread.
 */

struct thread_case {
	pthread_barrier_t *barrier;
	const char *host;		/* dotted, for pcap_nametoaddr */
	bpf_u_int32 want_addr;
	int dlt;			/* unknown, for the "DLT n" buffer */
	const char *ethers;		/* one line */
	const char *want_ether_name;
	int ok;
};

static void *thread_body(void *arg)
{
	struct thread_case *t = arg;
	char want_dlt[32];
	bpf_u_int32 **list = pcap_nametoaddr(t->host);
	const char *dlt = pcap_datalink_val_to_description_or_dlt(t->dlt);
	FILE *fp = file_with(t->ethers);
	struct pcap_etherent *e = fp ? pcap_next_etherent(fp) : NULL;

	/* Everyone has asked; now the other thread's answers are in too. */
	pthread_barrier_wait(t->barrier);
	snprintf(want_dlt, sizeof want_dlt, "DLT %d", t->dlt);
	t->ok = list != NULL && list[0] != NULL && *list[0] == t->want_addr &&
		strcmp(dlt, want_dlt) == 0 && e != NULL &&
		strcmp(e->name, t->want_ether_name) == 0;
	pthread_barrier_wait(t->barrier);
	if (fp)
		fclose(fp);
	return NULL;
}

static void thread_local_answers(void)
{
	pthread_barrier_t barrier;
	struct thread_case cases[] = {
		{ &barrier, "10.1.2.3", 0x0a010203, 1000,
		  "1:2:3:4:5:6 first-thread\n", "first-thread", 0 },
		{ &barrier, "192.0.2.200", 0xc00002c8, 2000,
		  "6:5:4:3:2:1 second-thread\n", "second-thread", 0 },
		{ &barrier, "198.51.100.9", 0xc6336409, -3,
		  "a:b:c:d:e:f third\n", "third", 0 },
	};
	enum { N = sizeof cases / sizeof cases[0] };
	pthread_t tid[N];
	int started = 0;

	CHECK(pthread_barrier_init(&barrier, NULL, N) == 0);
	for (int i = 0; i < N; i++)
		if (pthread_create(&tid[i], NULL, thread_body, &cases[i]) == 0)
			started++;
	CHECK_INT(started, N);
	if (started != N)
		return;	/* the barrier would never open */
	for (int i = 0; i < N; i++) {
		pthread_join(tid[i], NULL);
		CHECK_INT(cases[i].ok, 1);
	}
	pthread_barrier_destroy(&barrier);
}

/* The same thread's next call replaces the answer; others' calls do not. */
static void main_thread_answer_kept(void)
{
	bpf_u_int32 **mine = pcap_nametoaddr("203.0.113.5");
	pthread_t tid;
	pthread_barrier_t barrier;
	struct thread_case other = { &barrier, "10.9.9.9", 0x0a090909, 77,
				     "1:1:1:1:1:1 x\n", "x", 0 };

	CHECK(mine != NULL && mine[0] != NULL);
	/* A one-party barrier: the other thread runs to completion alone. */
	CHECK(pthread_barrier_init(&barrier, NULL, 1) == 0);
	CHECK(pthread_create(&tid, NULL, thread_body, &other) == 0);
	pthread_join(tid, NULL);
	pthread_barrier_destroy(&barrier);
	CHECK_INT(other.ok, 1);
	if (mine != NULL && mine[0] != NULL)
		CHECK_INT(*mine[0], 0xcb007105);
}

int main(void)
{
	RUN(dlt_spot_checks);
	RUN(dlt_unknown_values);
	RUN(dlt_names_case_insensitive);
	RUN(dlt_table_consistent);
	RUN(tstamp_names);
	RUN(nametoport_answers);
	RUN(nametoportrange_answers);
	RUN(nametoproto_answers);
	RUN(eproto_and_llc_tables);
	RUN(nametoaddr_answers);
	RUN(nametoaddrinfo_answers);
	RUN(nametonetaddr_answers);
	RUN(ether_aton_good);
	RUN(ether_aton_bad);
	RUN(ether_hostton_answers);
	RUN(etherent_tricky_lines);
	RUN(etherent_long_names);
	RUN(dotted_numbers);
	RUN(thread_local_answers);
	RUN(main_thread_answer_kept);
	CHECK_EXIT();
}
