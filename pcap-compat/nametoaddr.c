/*
 * nametoaddr.c: host, network, port, protocol, ethertype and LLC names to
 * numbers, through the system's resolvers as libpcap 1.10.3 does, plus the
 * dotted-number parsers the filter compiler uses.  Nothing is cached.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pcap-compat/pcap-int.h"
#include "pcap-compat/nametoaddr.h"
#include <pcap/namedb.h>

/*
 * The glibc *_r lookups report a too-small buffer with ERANGE; we double
 * it up to this bound rather than give up at a fixed size.
 */
#define LOOKUP_BUF_START 1024
#define LOOKUP_BUF_MAX (16u << 20)

/* ---------------------------------------------------------------------
 * pcap_nametoaddr: the API returns storage the caller does not free, so
 * the answer lives in a per-thread buffer until that thread asks again.
 */
struct host_answer {
	struct hostent he;
	size_t size;
	char buf[];
};

static pthread_key_t host_answer_key;
static pthread_once_t host_answer_once = PTHREAD_ONCE_INIT;
static bool host_answer_key_ok;	/* written once, under host_answer_once */

static void host_answer_make_key(void)
{
	host_answer_key_ok = pthread_key_create(&host_answer_key, free) == 0;
}

/* Don't leave a destructor pointing into an unloaded library. */
__attribute__((destructor)) static void host_answer_drop_key(void)
{
	if (host_answer_key_ok) {
		free(pthread_getspecific(host_answer_key));
		pthread_key_delete(host_answer_key);
	}
}

/* This thread's answer buffer with at least size bytes, or NULL. */
static struct host_answer *host_answer_buffer(size_t size)
{
	struct host_answer *ans, *grown;

	pthread_once(&host_answer_once, host_answer_make_key);
	if (!host_answer_key_ok)
		return NULL;
	ans = pthread_getspecific(host_answer_key);
	if (ans != NULL && ans->size >= size)
		return ans;
	grown = realloc(ans, sizeof *grown + size);
	if (grown == NULL)
		return NULL;	/* the old buffer stays registered */
	grown->size = size;
	if (pthread_setspecific(host_answer_key, grown) != 0) {
		free(grown);
		return NULL;
	}
	return grown;
}

PCAP_EXPORT bpf_u_int32 **pcap_nametoaddr(const char *name)
{
	size_t size = LOOKUP_BUF_START;
	struct hostent *hp = NULL;
	struct host_answer *ans;
	int herr, rc;

	for (;;) {
		ans = host_answer_buffer(size);
		if (ans == NULL)
			return NULL;
		size = ans->size;
		rc = gethostbyname_r(name, &ans->he, ans->buf, size, &hp, &herr);
		if (rc != ERANGE || size >= LOOKUP_BUF_MAX)
			break;
		size *= 2;
	}
	if (rc != 0 || hp == NULL)
		return NULL;
	/* libpcap hands the addresses back in host byte order. */
	for (char **a = hp->h_addr_list; *a != NULL; a++) {
		bpf_u_int32 v;

		memcpy(&v, *a, sizeof v);
		v = ntohl(v);
		memcpy(*a, &v, sizeof v);
	}
	return (bpf_u_int32 **)hp->h_addr_list;
}

PCAP_EXPORT struct addrinfo *pcap_nametoaddrinfo(const char *name)
{
	/* TCP only so each address comes back once, not once per socket type. */
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
	};
	struct addrinfo *res;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return NULL;
	return res;
}

PCAP_EXPORT bpf_u_int32 pcap_nametonetaddr(const char *name)
{
	size_t size = LOOKUP_BUF_START;
	struct netent ne, *np = NULL;
	bpf_u_int32 net = 0;
	int herr, rc;

	for (;;) {
		char *buf = malloc(size);

		if (buf == NULL)
			return 0;
		np = NULL;
		rc = getnetbyname_r(name, &ne, buf, size, &np, &herr);
		if (rc == 0 && np != NULL)
			net = np->n_net;
		free(buf);
		if (rc != ERANGE || size >= LOOKUP_BUF_MAX)
			return net;
		size *= 2;
	}
}

/* ---------------------------------------------------------------------
 * Ports and IP protocols.
 */

/*
 * The port getaddrinfo() gives service `name` for one transport: *port is
 * -1 if the service is unknown there.  False on a real resolver failure.
 */
static bool service_port(const char *name, int socktype, int protocol,
			 int *port)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = socktype,
		.ai_protocol = protocol,
	};
	struct addrinfo *res;
	int rc;

	*port = -1;
	rc = getaddrinfo(NULL, name, &hints, &res);
	if (rc != 0)
		return rc == EAI_NONAME || rc == EAI_SERVICE;
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_addr == NULL)
			continue;
		if (ai->ai_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)ai->ai_addr;

			*port = ntohs(sin->sin_port);
			break;
		}
		if (ai->ai_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)ai->ai_addr;

			*port = ntohs(sin6->sin6_port);
			break;
		}
	}
	freeaddrinfo(res);
	return true;
}

PCAP_EXPORT int pcap_nametoport(const char *name, int *port, int *proto)
{
	int tcp_port, udp_port;

	if (!service_port(name, SOCK_STREAM, IPPROTO_TCP, &tcp_port) ||
	    !service_port(name, SOCK_DGRAM, IPPROTO_UDP, &udp_port))
		return 0;
	if (tcp_port >= 0) {
		/* The same port for both: let the filter match either. */
		*port = tcp_port;
		*proto = udp_port == tcp_port ? PROTO_UNDEF : IPPROTO_TCP;
		return 1;
	}
	if (udp_port >= 0) {
		*port = udp_port;
		*proto = IPPROTO_UDP;
		return 1;
	}
	return 0;
}

PCAP_EXPORT int pcap_nametoportrange(const char *name, int *port1,
				     int *port2, int *proto)
{
	int lo, hi, first_proto;
	char *copy, *dash;

	/* "N-M" by sscanf, so signs, spaces and trailing text go as in libpcap. */
	if (sscanf(name, "%d-%d", &lo, &hi) == 2) {
		*port1 = lo;
		*port2 = hi;
		*proto = PROTO_UNDEF;
		return 1;
	}
	copy = strdup(name);
	if (copy == NULL)
		return 0;
	dash = strchr(copy, '-');
	if (dash == NULL) {
		free(copy);
		return 0;
	}
	*dash = '\0';
	if (!pcap_nametoport(copy, port1, proto)) {
		free(copy);
		return 0;
	}
	first_proto = *proto;
	if (!pcap_nametoport(dash + 1, port2, proto)) {
		free(copy);
		return 0;
	}
	free(copy);
	if (*proto != first_proto)
		*proto = PROTO_UNDEF;
	return 1;
}

PCAP_EXPORT int pcap_nametoproto(const char *name)
{
	size_t size = LOOKUP_BUF_START;
	struct protoent pe, *pp;
	int rc, answer;

	for (;;) {
		char *buf = malloc(size);

		if (buf == NULL)
			return 0;
		pp = NULL;
		rc = getprotobyname_r(name, &pe, buf, size, &pp);
		/* libpcap: a failed lookup is 0, an unknown name PROTO_UNDEF. */
		answer = rc != 0 ? 0 : pp != NULL ? pp->p_proto : PROTO_UNDEF;
		free(buf);
		if (rc != ERANGE || size >= LOOKUP_BUF_MAX)
			return answer;
		size *= 2;
	}
}

/* ---------------------------------------------------------------------
 * Ethertype and LLC SAP names: fixed tables, exact (case-sensitive) match.
 */

/*
 * Exported because tcpdump once read it directly: libpcap 1.10.3's entries
 * in its order, with the terminating null row, 13 rows of 16 bytes.  Not
 * const, as libpcap's: a program may hold a copy-relocated instance.
 */
PCAP_EXPORT struct eproto eproto_db[] = {
	{ "aarp", 0x80f3 },
	{ "arp", 0x0806 },
	{ "atalk", 0x809b },
	{ "decnet", 0x6003 },
	{ "ip", 0x0800 },
	{ "ip6", 0x86dd },
	{ "lat", 0x6004 },
	{ "loopback", 0x9000 },
	{ "mopdl", 0x6001 },
	{ "moprc", 0x6002 },
	{ "rarp", 0x8035 },
	{ "sca", 0x6007 },
	{ NULL, 0 },
};

static const struct eproto llc_db[] = {
	{ "iso", 0xfe },
	{ "stp", 0x42 },
	{ "ipx", 0xe0 },
	{ "netbeui", 0xf0 },
	{ NULL, 0 },
};

static int eproto_lookup(const struct eproto *table, const char *name)
{
	for (; table->s != NULL; table++)
		if (strcmp(table->s, name) == 0)
			return table->p;
	return PROTO_UNDEF;
}

PCAP_EXPORT int pcap_nametoeproto(const char *name)
{
	return eproto_lookup(eproto_db, name);
}

PCAP_EXPORT int pcap_nametollc(const char *name)
{
	return eproto_lookup(llc_db, name);
}

/* ---------------------------------------------------------------------
 * Numbers the filter compiler's scanner has already recognised.
 */

int names_atoin(const char *s, bpf_u_int32 *addr)
{
	int bits = 0;

	*addr = 0;
	for (;;) {
		unsigned int part = 0;

		for (; *s != '\0' && *s != '.'; s++) {
			if (part > 25)	/* a further digit takes it past 255 */
				return -1;
			part = part * 10 + (unsigned int)(*s - '0');
		}
		if (part > 255)
			return -1;
		*addr = *addr << 8 | part;
		bits += 8;
		if (*s == '\0')
			return bits;
		s++;
	}
}

int names_atodn(const char *s, bpf_u_int32 *addr)
{
	int area, node;

	if (sscanf(s, "%d.%d", &area, &node) != 2)
		return 0;
	*addr = ((bpf_u_int32)area << 10 & 0xfc00) | ((bpf_u_int32)node & 0x3ff);
	return 32;
}

int names_nametodnaddr(const char *name, u_short *addr)
{
	(void)name;
	(void)addr;
	return 0;
}
