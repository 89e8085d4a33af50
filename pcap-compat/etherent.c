/*
 * etherent.c: Ethernet addresses -- reading /etc/ethers-format files
 * (pcap_next_etherent), hex address strings (pcap_ether_aton) and the
 * system's ethers lookup (pcap_ether_hostton), as libpcap 1.10.3 does.
 */
#include "config.h"

#include <netinet/ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-compat/pcap-int.h"
#include "pcap-compat/nametoaddr.h"
#include <pcap/namedb.h>

#define ETHER_ADDR_BYTES 6

/* ---------------------------------------------------------------------
 * pcap_next_etherent: one "address name" line at a time.  The tolerance
 * for odd lines is libpcap's, character for character: an address may
 * have fewer than six bytes (the rest keep what earlier lines of the same
 * call left there), digits after a ':' are not checked, an address alone
 * on its line takes its name from the next line, and a file that ends
 * inside an entry (no final newline) yields no entry.
 */

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_word(int c)
{
	return is_blank(c) || c == '\n';
}

/* The first character that is not a space, tab or CR (LF stops it too). */
static int skip_blanks(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (is_blank(c));
	return c;
}

/* Consume the rest of the line: '\n', or EOF. */
static int skip_line(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (c != '\n' && c != EOF);
	return c;
}

/*
 * Parse up to six ':'-separated bytes of one or two hex digits, the first
 * character c already read.  Returns the character after the address, or
 * EOF.
 */
static int read_ether_addr(FILE *fp, int c, u_char *addr)
{
	for (int i = 0; i < ETHER_ADDR_BYTES; i++) {
		u_char byte = names_xdtoi((u_char)c);

		c = getc(fp);
		if (c == EOF)
			return EOF;
		if (names_isxdigit(c)) {
			byte = (u_char)(byte << 4 | names_xdtoi((u_char)c));
			c = getc(fp);
			if (c == EOF)
				return EOF;
		}
		addr[i] = byte;
		if (c != ':')
			return c;
		c = getc(fp);
		if (c == EOF)
			return EOF;
	}
	return c;
}

/*
 * Copy the name starting with c into name (truncated to size - 1 bytes).
 * Returns the character that ended it, or EOF.
 */
static int read_ether_name(FILE *fp, int c, char *name, size_t size)
{
	size_t room = size - 1;

	do {
		*name++ = (char)c;
		c = getc(fp);
		if (c == EOF)
			return EOF;
	} while (!ends_word(c) && --room != 0);
	*name = '\0';
	return c;
}

PCAP_EXPORT struct pcap_etherent *pcap_next_etherent(FILE *fp)
{
	/* The API returns storage the caller keeps: one per thread. */
	static _Thread_local struct pcap_etherent entry;
	int c;

	memset(&entry, 0, sizeof entry);
	for (;;) {
		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;
		/* Comments and anything not starting with a hex digit. */
		if (!names_isxdigit(c)) {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}
		c = read_ether_addr(fp, c, entry.addr);
		if (c == EOF)
			return NULL;
		if (!ends_word(c)) {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}
		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;
		if (c == '#') {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}
		c = read_ether_name(fp, c, entry.name, sizeof entry.name);
		if (c == EOF)
			return NULL;
		if (c != '\n')
			skip_line(fp);
		return &entry;
	}
}

/* ---------------------------------------------------------------------
 * pcap_ether_aton: "xx:xx:xx:xx:xx:xx", "xxxx.xxxx.xxxx", "xxxxxxxxxxxx"
 * and mixes of ':', '.' and '-', one or two hex digits per byte.
 *
 * libpcap 1.10.3 trusts its input: on a string that gives other than six
 * bytes, or ends in a separator, it writes past its 6-byte result, reads
 * past the string, or returns uninitialised bytes.  We return NULL for
 * those; every other string gives libpcap's bytes, non-hex characters
 * included (they are valued as libpcap values them).
 */

static bool is_ether_sep(char c)
{
	return c == ':' || c == '.' || c == '-';
}

PCAP_EXPORT u_char *pcap_ether_aton(const char *s)
{
	u_char *addr = malloc(ETHER_ADDR_BYTES);
	int n = 0;

	if (addr == NULL)
		return NULL;
	while (*s != '\0') {
		if (is_ether_sep(*s))
			s++;
		if (*s == '\0' || n == ETHER_ADDR_BYTES)
			goto malformed;
		u_char byte = names_xdtoi((u_char)*s++);

		if (names_isxdigit((u_char)*s))
			byte = (u_char)(byte << 4 | names_xdtoi((u_char)*s++));
		addr[n++] = byte;
	}
	if (n == ETHER_ADDR_BYTES)
		return addr;
malformed:
	free(addr);
	return NULL;
}

PCAP_EXPORT u_char *pcap_ether_hostton(const char *name)
{
	/* libpcap hands the system a bounded copy of the name. */
	char namebuf[1024];
	struct ether_addr ea;
	u_char *addr;

	snprintf(namebuf, sizeof namebuf, "%s", name);
	if (ether_hostton(namebuf, &ea) != 0)
		return NULL;
	addr = malloc(ETHER_ADDR_BYTES);
	if (addr != NULL)
		memcpy(addr, ea.ether_addr_octet, ETHER_ADDR_BYTES);
	return addr;
}
