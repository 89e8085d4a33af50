/*
 * lexer.c: cuts a pcap-filter(7) expression into tokens the way libpcap's
 * scanner does -- every rule is tried at the current character, the
 * longest match wins and, between matches of equal length, the rule
 * listed first (enum rule) -- and converts numbers and checks addresses
 * with the same errors.
 */
#include "config.h"

#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <pcap/pcap.h>

#include "filter-jit/compile.h"
#include "filter-jit/lexer.h"

/* The scanner's rules, in the order that breaks ties between matches. */
enum rule {
	R_KEYWORD,	/* a keyword, "&&", "||" */
	R_SPACE,
	R_CHAR,		/* one-character operators */
	R_PAIR,		/* >= <= != == << >> */
	R_AID,		/* $ and one or two hex digits (ARCnet) */
	R_MAC,		/* the five MAC address spellings */
	R_NUM,		/* decimal, 0octal, 0xhex */
	R_HID,		/* two to four dotted numbers */
	R_HID6,		/* IPv6 address forms */
	R_BADMAC,	/* hex groups and colons that are no address */
	R_NAMED,	/* named constants such as icmp-echo: numbers */
	R_ID,
	R_ESCAPED,	/* backslash and anything up to a space, ! or paren */
	R_ANY,		/* any other character: an error */
};

struct word {
	const char *name;
	enum tok kind;
	uint32_t val;
};

/* Keywords; the aliases libpcap accepts map to the same token. */
static const struct word keywords[] = {
	{ "dst", TK_DST, 0 },
	{ "src", TK_SRC, 0 },
	{ "link", TK_PNAME, QP_LINK },
	{ "ether", TK_PNAME, QP_LINK },
	{ "ppp", TK_PNAME, QP_LINK },
	{ "slip", TK_PNAME, QP_LINK },
	{ "fddi", TK_PNAME, QP_LINK },
	{ "tr", TK_PNAME, QP_LINK },
	{ "wlan", TK_PNAME, QP_LINK },
	{ "arp", TK_PNAME, QP_ARP },
	{ "rarp", TK_PNAME, QP_RARP },
	{ "ip", TK_PNAME, QP_IP },
	{ "sctp", TK_PNAME, QP_SCTP },
	{ "tcp", TK_PNAME, QP_TCP },
	{ "udp", TK_PNAME, QP_UDP },
	{ "icmp", TK_PNAME, QP_ICMP },
	{ "igmp", TK_PNAME, QP_IGMP },
	{ "igrp", TK_PNAME, QP_IGRP },
	{ "pim", TK_PNAME, QP_PIM },
	{ "vrrp", TK_PNAME, QP_VRRP },
	{ "carp", TK_PNAME, QP_CARP },
	{ "radio", TK_PNAME, QP_RADIO },
	{ "ip6", TK_PNAME, QP_IPV6 },
	{ "icmp6", TK_PNAME, QP_ICMPV6 },
	{ "ah", TK_PNAME, QP_AH },
	{ "esp", TK_PNAME, QP_ESP },
	{ "atalk", TK_PNAME, QP_ATALK },
	{ "aarp", TK_PNAME, QP_AARP },
	{ "decnet", TK_PNAME, QP_DECNET },
	{ "lat", TK_PNAME, QP_LAT },
	{ "sca", TK_PNAME, QP_SCA },
	{ "moprc", TK_PNAME, QP_MOPRC },
	{ "mopdl", TK_PNAME, QP_MOPDL },
	{ "iso", TK_PNAME, QP_ISO },
	{ "esis", TK_PNAME, QP_ESIS },
	{ "es-is", TK_PNAME, QP_ESIS },
	{ "isis", TK_PNAME, QP_ISIS },
	{ "is-is", TK_PNAME, QP_ISIS },
	{ "l1", TK_PNAME, QP_ISIS_L1 },
	{ "l2", TK_PNAME, QP_ISIS_L2 },
	{ "iih", TK_PNAME, QP_ISIS_IIH },
	{ "lsp", TK_PNAME, QP_ISIS_LSP },
	{ "snp", TK_PNAME, QP_ISIS_SNP },
	{ "csnp", TK_PNAME, QP_ISIS_CSNP },
	{ "psnp", TK_PNAME, QP_ISIS_PSNP },
	{ "clnp", TK_PNAME, QP_CLNP },
	{ "stp", TK_PNAME, QP_STP },
	{ "ipx", TK_PNAME, QP_IPX },
	{ "netbeui", TK_PNAME, QP_NETBEUI },
	{ "host", TK_AQUAL, QA_HOST },
	{ "net", TK_AQUAL, QA_NET },
	{ "mask", TK_NETMASK, 0 },
	{ "port", TK_AQUAL, QA_PORT },
	{ "portrange", TK_AQUAL, QA_PORTRANGE },
	{ "proto", TK_PROTO, 0 },
	{ "protochain", TK_PROTOCHAIN, 0 },
	{ "gateway", TK_GATEWAY, 0 },
	{ "type", TK_TYPE, 0 },
	{ "subtype", TK_SUBTYPE, 0 },
	{ "direction", TK_DIR, 0 },
	{ "dir", TK_DIR, 0 },
	{ "address1", TK_DQUAL, QD_ADDR1 },
	{ "addr1", TK_DQUAL, QD_ADDR1 },
	{ "address2", TK_DQUAL, QD_ADDR2 },
	{ "addr2", TK_DQUAL, QD_ADDR2 },
	{ "address3", TK_DQUAL, QD_ADDR3 },
	{ "addr3", TK_DQUAL, QD_ADDR3 },
	{ "address4", TK_DQUAL, QD_ADDR4 },
	{ "addr4", TK_DQUAL, QD_ADDR4 },
	{ "ra", TK_DQUAL, QD_RA },
	{ "ta", TK_DQUAL, QD_TA },
	{ "less", TK_LESS, 0 },
	{ "greater", TK_GREATER, 0 },
	{ "byte", TK_BYTE, 0 },
	{ "broadcast", TK_BROADCAST, 0 },
	{ "multicast", TK_MULTICAST, 0 },
	{ "and", TK_AND, 0 },
	{ "or", TK_OR, 0 },
	{ "not", TK_NOT, 0 },
	{ "len", TK_LEN, 0 },
	{ "length", TK_LEN, 0 },
	{ "inbound", TK_INBOUND, 0 },
	{ "outbound", TK_OUTBOUND, 0 },
	{ "ifindex", TK_IFINDEX, 0 },
	{ "vlan", TK_VLAN, 0 },
	{ "mpls", TK_MPLS, 0 },
	{ "pppoed", TK_PPPOED, 0 },
	{ "pppoes", TK_PPPOES, 0 },
	{ "geneve", TK_GENEVE, 0 },
	{ "lane", TK_ATMTYPE, ATM_LANE },
	{ "llc", TK_LLC, 0 },
	{ "metac", TK_ATMTYPE, ATM_METAC },
	{ "bcc", TK_ATMTYPE, ATM_BCC },
	{ "oam", TK_ATMMULTI, ATM_OAM },
	{ "oamf4", TK_ATMMULTI, ATM_OAMF4 },
	{ "oamf4ec", TK_ATMTYPE, ATM_OAMF4EC },
	{ "oamf4sc", TK_ATMTYPE, ATM_OAMF4SC },
	{ "sc", TK_ATMTYPE, ATM_SC },
	{ "ilmic", TK_ATMTYPE, ATM_ILMIC },
	{ "vpi", TK_ATMFIELD, ATM_VPI },
	{ "vci", TK_ATMFIELD, ATM_VCI },
	{ "connectmsg", TK_ATMMULTI, ATM_CONNECTMSG },
	{ "metaconnect", TK_ATMMULTI, ATM_METACONNECT },
	{ "on", TK_PF_IFNAME, 0 },
	{ "ifname", TK_PF_IFNAME, 0 },
	{ "rset", TK_PF_RSET, 0 },
	{ "ruleset", TK_PF_RSET, 0 },
	{ "rnr", TK_PF_RNR, 0 },
	{ "rulenum", TK_PF_RNR, 0 },
	{ "srnr", TK_PF_SRNR, 0 },
	{ "subrulenum", TK_PF_SRNR, 0 },
	{ "reason", TK_PF_REASON, 0 },
	{ "action", TK_PF_ACTION, 0 },
	{ "fisu", TK_MTP2TYPE, SS7_FISU },
	{ "lssu", TK_MTP2TYPE, SS7_LSSU },
	{ "lsu", TK_MTP2TYPE, SS7_LSSU },
	{ "msu", TK_MTP2TYPE, SS7_MSU },
	{ "hfisu", TK_MTP2TYPE, SS7_HFISU },
	{ "hlssu", TK_MTP2TYPE, SS7_HLSSU },
	{ "hmsu", TK_MTP2TYPE, SS7_HMSU },
	{ "sio", TK_MTP3FIELD, SS7_SIO },
	{ "opc", TK_MTP3FIELD, SS7_OPC },
	{ "dpc", TK_MTP3FIELD, SS7_DPC },
	{ "sls", TK_MTP3FIELD, SS7_SLS },
	{ "hsio", TK_MTP3FIELD, SS7_HSIO },
	{ "hopc", TK_MTP3FIELD, SS7_HOPC },
	{ "hdpc", TK_MTP3FIELD, SS7_HDPC },
	{ "hsls", TK_MTP3FIELD, SS7_HSLS },
};

/* Names that stand for numbers (header offsets, ICMP types, TCP flags). */
static const struct word named_numbers[] = {
	{ "icmptype", TK_NUM, 0 },
	{ "icmpcode", TK_NUM, 1 },
	{ "icmp-echoreply", TK_NUM, 0 },
	{ "icmp-unreach", TK_NUM, 3 },
	{ "icmp-sourcequench", TK_NUM, 4 },
	{ "icmp-redirect", TK_NUM, 5 },
	{ "icmp-echo", TK_NUM, 8 },
	{ "icmp-routeradvert", TK_NUM, 9 },
	{ "icmp-routersolicit", TK_NUM, 10 },
	{ "icmp-timxceed", TK_NUM, 11 },
	{ "icmp-paramprob", TK_NUM, 12 },
	{ "icmp-tstamp", TK_NUM, 13 },
	{ "icmp-tstampreply", TK_NUM, 14 },
	{ "icmp-ireq", TK_NUM, 15 },
	{ "icmp-ireqreply", TK_NUM, 16 },
	{ "icmp-maskreq", TK_NUM, 17 },
	{ "icmp-maskreply", TK_NUM, 18 },
	{ "icmp6type", TK_NUM, 0 },
	{ "icmp6code", TK_NUM, 1 },
	{ "icmp6-destinationunreach", TK_NUM, 1 },
	{ "icmp6-packettoobig", TK_NUM, 2 },
	{ "icmp6-timeexceeded", TK_NUM, 3 },
	{ "icmp6-parameterproblem", TK_NUM, 4 },
	{ "icmp6-echo", TK_NUM, 128 },
	{ "icmp6-echoreply", TK_NUM, 129 },
	{ "icmp6-multicastlistenerquery", TK_NUM, 130 },
	{ "icmp6-multicastlistenerreportv1", TK_NUM, 131 },
	{ "icmp6-multicastlistenerdone", TK_NUM, 132 },
	{ "icmp6-routersolicit", TK_NUM, 133 },
	{ "icmp6-routeradvert", TK_NUM, 134 },
	{ "icmp6-neighborsolicit", TK_NUM, 135 },
	{ "icmp6-neighboradvert", TK_NUM, 136 },
	{ "icmp6-redirect", TK_NUM, 137 },
	{ "icmp6-routerrenum", TK_NUM, 138 },
	{ "icmp6-nodeinformationquery", TK_NUM, 139 },
	{ "icmp6-nodeinformationresponse", TK_NUM, 140 },
	{ "icmp6-ineighbordiscoverysolicit", TK_NUM, 141 },
	{ "icmp6-ineighbordiscoveryadvert", TK_NUM, 142 },
	{ "icmp6-multicastlistenerreportv2", TK_NUM, 143 },
	{ "icmp6-homeagentdiscoveryrequest", TK_NUM, 144 },
	{ "icmp6-homeagentdiscoveryreply", TK_NUM, 145 },
	{ "icmp6-mobileprefixsolicit", TK_NUM, 146 },
	{ "icmp6-mobileprefixadvert", TK_NUM, 147 },
	{ "icmp6-certpathsolicit", TK_NUM, 148 },
	{ "icmp6-certpathadvert", TK_NUM, 149 },
	{ "icmp6-multicastrouteradvert", TK_NUM, 151 },
	{ "icmp6-multicastroutersolicit", TK_NUM, 152 },
	{ "icmp6-multicastrouterterm", TK_NUM, 153 },
	{ "tcpflags", TK_NUM, 13 },
	{ "tcp-fin", TK_NUM, 0x01 },
	{ "tcp-syn", TK_NUM, 0x02 },
	{ "tcp-rst", TK_NUM, 0x04 },
	{ "tcp-push", TK_NUM, 0x08 },
	{ "tcp-ack", TK_NUM, 0x10 },
	{ "tcp-urg", TK_NUM, 0x20 },
	{ "tcp-ece", TK_NUM, 0x40 },
	{ "tcp-cwr", TK_NUM, 0x80 },
};

/* Operators of one and two characters. */
static const struct {
	char c;
	enum tok kind;
} single_chars[] = {
	{ '+', TK_PLUS }, { '-', TK_MINUS }, { '*', TK_STAR },
	{ '/', TK_SLASH }, { '%', TK_PERCENT }, { ':', TK_COLON },
	{ '[', TK_LBRACKET }, { ']', TK_RBRACKET }, { '!', TK_NOT },
	{ '<', TK_LT }, { '>', TK_GT }, { '(', TK_LPAREN },
	{ ')', TK_RPAREN }, { '&', TK_AMP }, { '|', TK_PIPE },
	{ '^', TK_CARET }, { '=', TK_EQ },
};

static const struct {
	char s[3];
	enum rule rule;
	enum tok kind;
} char_pairs[] = {
	{ "&&", R_KEYWORD, TK_AND }, { "||", R_KEYWORD, TK_OR },
	{ ">=", R_PAIR, TK_GEQ }, { "<=", R_PAIR, TK_LEQ },
	{ "!=", R_PAIR, TK_NEQ }, { "==", R_PAIR, TK_EQ },
	{ "<<", R_PAIR, TK_LSH }, { ">>", R_PAIR, TK_RSH },
};

/* ------------------------------------------------------------------ */
/* Character classes (ASCII only, whatever the locale).                */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t span_hex(const char *s)
{
	size_t n = 0;

	while (is_hex(s[n]))
		n++;
	return n;
}

static size_t min_len(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ------------------------------------------------------------------ */
/* One function per rule: the length of its longest match at s, or 0.  */

/* Letters, digits, '-', '_' and '.', starting with a letter or digit
 * and not ending with '-' or '_'. */
static size_t match_word(const char *s)
{
	size_t n, end = 0;

	if (!is_alnum(s[0]))
		return 0;
	for (n = 0; is_alnum(s[n]) || s[n] == '-' || s[n] == '_' ||
		    s[n] == '.'; n++) {
		if (s[n] != '-' && s[n] != '_')
			end = n + 1;
	}
	return end;
}

/* A number: 0x and hex digits, or decimal digits. */
static size_t match_number(const char *s)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex(s[2]))
		return 2 + span_hex(s + 2);
	while (is_digit(s[n]))
		n++;
	return n;
}

/* Between `least` and `most` numbers joined by dots. */
static size_t match_dotted(const char *s, int least, int most)
{
	size_t pos = 0, best = 0;

	for (int groups = 1; groups <= most; groups++) {
		size_t n = match_number(s + pos);

		if (n == 0)
			break;
		pos += n;
		if (groups >= least)
			best = pos;
		if (s[pos] != '.')
			break;
		pos++;
	}
	return best;
}

/*
 * Hex groups of at most `width` digits, each followed by `sep` but the
 * last: `count` of them.  A group must take all of its digits unless it
 * is the last, which may be cut short.
 */
static size_t match_groups(const char *s, int count, size_t width, char sep)
{
	size_t pos = 0;

	for (int i = 0; i < count; i++) {
		size_t h = span_hex(s + pos);

		if (h == 0)
			return 0;
		if (i == count - 1)
			return pos + min_len(h, width);
		if (h > width || s[pos + h] != sep)
			return 0;
		pos += h + 1;
	}
	return pos;
}

/* aa:bb:cc:dd:ee:ff, with '-' or '.', aabb.ccdd.eeff, aabbccddeeff. */
static size_t match_mac(const char *s)
{
	static const char seps[] = ":-.";
	size_t best = 0, n;

	for (int i = 0; i < 3; i++) {
		n = match_groups(s, 6, 2, seps[i]);
		if (n > best)
			best = n;
	}
	if (span_hex(s) == 4 && s[4] == '.' && span_hex(s + 5) == 4 &&
	    s[9] == '.' && span_hex(s + 10) >= 4 && 14 > best)
		best = 14;
	if (span_hex(s) >= 12 && 12 > best)
		best = 12;
	return best;
}

/*
 * One IPv6 spelling: `left` groups, then "::" (if compressed) and
 * `right` groups, then an embedded IPv4 address (if dotted).  Without
 * "::" there are 8 groups, or 6 before the IPv4 part.
 */
static size_t match_ipv6_form(const char *s, bool compressed, int left,
			      int right, bool dotted)
{
	size_t pos = 0, n;
	int groups = compressed ? left : dotted ? 6 : 8;
	bool more;

	for (int i = 0; i < groups; i++) {
		size_t h = span_hex(s + pos);

		more = compressed || dotted || i < groups - 1;
		if (h == 0)
			return 0;
		if (!more)
			return pos + min_len(h, 4);
		if (h > 4 || s[pos + h] != ':')
			return 0;
		pos += h + 1;
	}
	if (compressed) {
		if (left == 0) {
			if (s[0] != ':')
				return 0;
			pos = 1;
		}
		if (s[pos] != ':')
			return 0;
		pos++;
		for (int i = 0; i < right; i++) {
			size_t h = span_hex(s + pos);

			more = dotted || i < right - 1;
			if (h == 0)
				return 0;
			if (!more)
				return pos + min_len(h, 4);
			if (h > 4 || s[pos + h] != ':')
				return 0;
			pos += h + 1;
		}
		if (!dotted)
			return pos;
	}
	n = match_dotted(s + pos, 4, 4);
	return n ? pos + n : 0;
}

/* The IPv6 forms the scanner knows: at most 7 groups around "::", or
 * at most 5 when an IPv4 address ends it. */
static size_t match_ipv6(const char *s)
{
	size_t best, n;

	if (!is_hex(s[0]) && s[0] != ':')
		return 0;
	best = match_ipv6_form(s, false, 0, 0, false);
	n = match_ipv6_form(s, false, 0, 0, true);
	if (n > best)
		best = n;
	for (int dotted = 0; dotted <= 1; dotted++) {
		int most = dotted ? 5 : 7;

		for (int left = 0; left <= most; left++) {
			for (int right = 0; left + right <= most; right++) {
				n = match_ipv6_form(s, true, left, right,
						    dotted);
				if (n > best)
					best = n;
			}
		}
	}
	return best;
}

/* At least two groups of one or two hex digits, each followed by colons. */
static size_t match_bad_mac(const char *s)
{
	size_t pos = 0, best = 0;

	for (int groups = 1;; groups++) {
		size_t h = span_hex(s + pos);

		if (h < 1 || h > 2 || s[pos + h] != ':')
			return best;
		pos += h;
		while (s[pos] == ':')
			pos++;
		if (groups >= 2)
			best = pos;
	}
}

static size_t match_arcnet(const char *s)
{
	if (s[0] != '$' || !is_hex(s[1]))
		return 0;
	return 1 + min_len(span_hex(s + 1), 2);
}

static size_t match_escaped(const char *s)
{
	size_t n = 1;

	if (s[0] != '\\')
		return 0;
	while (s[n] != '\0' && strchr(" !()\n\t", s[n]) == NULL)
		n++;
	return n > 1 ? n : 0;
}

static const struct word *find_word(const struct word *table, size_t count,
				    const char *s, size_t len)
{
	for (size_t i = 0; i < count; i++) {
		if (strncmp(table[i].name, s, len) == 0 &&
		    table[i].name[len] == '\0')
			return &table[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Making tokens.                                                      */

static char *lex_text(struct lexer *lx, const char *s, size_t len)
{
	char *t = cc_alloc(lx->cc, len + 1);

	memcpy(t, s, len);
	t[len] = '\0';
	return t;
}

static const char *lex_message(struct lexer *lx, const char *fmt,
			       const char *text)
{
	char *m = cc_alloc(lx->cc, PCAP_ERRBUF_SIZE);

	snprintf(m, PCAP_ERRBUF_SIZE, fmt, text);
	return m;
}

/* 0x: hex, leading 0: octal, else decimal; 32 bits at most. */
static void convert_number(struct lexer *lx, const char *text,
			   struct token *t)
{
	uint32_t v = 0;
	const char *s = text;

	t->kind = TK_LEXERR;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; *s != '\0'; s++) {
			unsigned d = is_digit(*s) ? (unsigned)(*s - '0')
				   : (unsigned)((*s | 0x20) - 'a' + 10);

			if (v > 0x0fffffffU)
				goto overflow;
			v = (v << 4) + d;
		}
	} else if (s[0] == '0') {
		for (s++; *s != '\0'; s++) {
			if (*s > '7') {
				t->error = lex_message(lx,
					"number %s contains non-octal digit", text);
				return;
			}
			if (v > 03777777777U)
				goto overflow;
			v = (v << 3) + (unsigned)(*s - '0');
		}
	} else {
		for (; *s != '\0'; s++) {
			unsigned d = (unsigned)(*s - '0');

			if (v > 0xffffffffU / 10 ||
			    (v == 0xffffffffU / 10 && d > 0xffffffffU % 10))
				goto overflow;
			v = v * 10 + d;
		}
	}
	t->kind = TK_NUM;
	t->val = v;
	return;
overflow:
	t->error = lex_message(lx, "number %s overflows 32 bits", text);
}

static bool is_ipv6_address(const char *text)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET6;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(text, NULL, &hints, &res) != 0)
		return false;
	freeaddrinfo(res);
	return true;
}

void lexer_init(struct lexer *lx, struct cc *cc, const char *text)
{
	lx->cc = cc;
	lx->p = text;
}

/* The rule that matches most at s (first listed on a tie), and how much. */
static enum rule longest_match(const char *s, size_t *len,
			       const struct word **word)
{
	size_t n;
	enum rule best = R_ANY;

	*len = 1;
	*word = NULL;
#define CONSIDER(r, length)                                                   \
	do {                                                                  \
		n = (length);                                                 \
		if (n > *len || (n == *len && (r) < best)) {                  \
			*len = n;                                             \
			best = (r);                                           \
		}                                                             \
	} while (0)

	n = match_word(s);
	if (n > 0) {
		const struct word *w;

		if ((w = find_word(keywords, sizeof keywords / sizeof *keywords,
				   s, n)) != NULL) {
			CONSIDER(R_KEYWORD, n);
		} else if ((w = find_word(named_numbers, sizeof named_numbers /
					  sizeof *named_numbers, s, n)) != NULL) {
			CONSIDER(R_NAMED, n);
		} else {
			CONSIDER(R_ID, n);
		}
		*word = w;
	}
	if (strchr(" \r\n\t", s[0]) != NULL)
		CONSIDER(R_SPACE, 1);
	for (size_t i = 0; i < sizeof single_chars / sizeof *single_chars; i++) {
		if (s[0] == single_chars[i].c)
			CONSIDER(R_CHAR, 1);
	}
	for (size_t i = 0; i < sizeof char_pairs / sizeof *char_pairs; i++) {
		if (s[0] == char_pairs[i].s[0] && s[1] == char_pairs[i].s[1])
			CONSIDER(char_pairs[i].rule, 2);
	}
	CONSIDER(R_AID, match_arcnet(s));
	CONSIDER(R_MAC, match_mac(s));
	CONSIDER(R_NUM, match_number(s));
	CONSIDER(R_HID, match_dotted(s, 2, 4));
	CONSIDER(R_HID6, match_ipv6(s));
	CONSIDER(R_BADMAC, match_bad_mac(s));
	CONSIDER(R_ESCAPED, match_escaped(s));
#undef CONSIDER
	return best;
}

static void make_token(struct lexer *lx, enum rule rule, const char *s,
		       size_t len, const struct word *word, struct token *t)
{
	switch (rule) {
	case R_KEYWORD:
		if (word == NULL) {	/* && or || */
			t->kind = s[0] == '&' ? TK_AND : TK_OR;
			return;
		}
		/* fall through */
	case R_NAMED:
		t->kind = word->kind;
		t->val = word->val;
		return;
	case R_CHAR:
		for (size_t i = 0; i < sizeof single_chars / sizeof *single_chars; i++) {
			if (s[0] == single_chars[i].c)
				t->kind = single_chars[i].kind;
		}
		return;
	case R_PAIR:
		for (size_t i = 0; i < sizeof char_pairs / sizeof *char_pairs; i++) {
			if (s[0] == char_pairs[i].s[0] && s[1] == char_pairs[i].s[1])
				t->kind = char_pairs[i].kind;
		}
		return;
	case R_AID:
		t->kind = TK_AID;
		t->text = lex_text(lx, s, len);
		return;
	case R_MAC:
		t->kind = TK_EID;
		t->text = lex_text(lx, s, len);
		return;
	case R_NUM:
		convert_number(lx, lex_text(lx, s, len), t);
		return;
	case R_HID:
		t->kind = TK_HID;
		t->text = lex_text(lx, s, len);
		return;
	case R_HID6: {
		char *text = lex_text(lx, s, len);

		t->kind = TK_HID6;
		if (is_ipv6_address(text))
			t->text = text;
		else
			t->error = lex_message(lx, "bogus IPv6 address %s", text);
		return;
	}
	case R_BADMAC:
		t->kind = TK_EID;
		t->error = lex_message(lx, "bogus ethernet address %s",
				       lex_text(lx, s, len));
		return;
	case R_ID:
		t->kind = TK_ID;
		t->text = lex_text(lx, s, len);
		return;
	case R_ESCAPED:
		t->kind = TK_ID;
		t->text = lex_text(lx, s + 1, len - 1);
		return;
	case R_SPACE:
	case R_ANY:
		t->kind = TK_LEXERR;
		return;
	}
}

void lexer_next(struct lexer *lx, struct token *t)
{
	memset(t, 0, sizeof *t);
	for (;;) {
		const struct word *word;
		const char *s = lx->p;
		size_t len;
		enum rule rule;

		if (*s == '\0') {
			t->kind = TK_EOF;
			return;
		}
		rule = longest_match(s, &len, &word);
		lx->p += len;
		if (rule != R_SPACE) {
			make_token(lx, rule, s, len, word, t);
			return;
		}
	}
}
