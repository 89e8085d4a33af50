/*
 * nametoaddr.h: the name and number parsing shared inside the library --
 * what the filter compiler needs besides the public pcap_nameto*() calls
 * (dotted IPv4 and DECnet numbers), and the character rules behind
 * pcap_ether_aton(), pcap_next_etherent() and the DLT/tstamp name tables.
 *
 * For names, the compiler calls the public functions directly: they keep
 * libpcap 1.10.3's answers (pcap_nametoport: PROTO_UNDEF when TCP and UDP
 * give the same port; pcap_nametoeproto/pcap_nametollc: exact,
 * case-sensitive table match, PROTO_UNDEF otherwise).
 */
#ifndef ACCEL_NAMETOADDR_H
#define ACCEL_NAMETOADDR_H

#include <pcap/pcap.h>
#include <stdbool.h>

/* eproto_db's element type: the layout libpcap exports (tcpdump reads it). */
struct eproto {
	const char *s;
	u_short p;
};

/*
 * ASCII-only case-insensitive comparison (0 when equal), independent of
 * the locale: "ETHERNET" matches "ethernet" even under a Turkish locale.
 */
static inline int names_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return x - y;
		if (x == '\0')
			return 0;
	}
}

static inline bool names_isxdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * A hex digit's value.  Like libpcap, anything that is not 0-9 or a-f is
 * taken as if it were an upper-case letter (so 'g' gives 0x30): callers
 * that must refuse such characters check names_isxdigit() first.
 */
static inline u_char names_xdtoi(u_char c)
{
	if (c >= '0' && c <= '9')
		return (u_char)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (u_char)(c - 'a' + 10);
	return (u_char)(c - 'A' + 10);
}

/*
 * Dotted IPv4 number, one to four parts ("10", "10.1", "10.1.2.3"), the
 * parts packed from the right: "10.1" gives 0x0a01.  Returns the number of
 * bits given (8 per part), or -1 if a part exceeds 255.  The caller (the
 * scanner) has already checked that s holds only digits and dots.
 */
int names_atoin(const char *s, bpf_u_int32 *addr);

/*
 * DECnet "area.node": returns 32 with the 16-bit address (area in the top
 * 6 bits, node in the low 10, each masked as libpcap 1.10.3 does), or 0
 * if s does not start with two dot-separated numbers.
 */
int names_atodn(const char *s, bpf_u_int32 *addr);

/* DECnet node names: Linux has no node database, so always 0 (unknown). */
int names_nametodnaddr(const char *name, u_short *addr);

#endif
