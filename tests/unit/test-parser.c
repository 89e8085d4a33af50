/*
 * test-parser.c: the filter lexer and parser alone.  Each case compiles
 * an expression against tracing stand-ins (parser-standins.c) and
 * compares the calls the parser made -- in order, with their arguments,
 * and the error -- with libpcap 1.10.3's, worked out by hand from its
 * grammar and checked against it.
 *
 *   test-parser            run the cases
 *   test-parser --trace [N] < exprs
 *                          print the trace of each line (the N-th call
 *                          failing), for comparing with libpcap's parser
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "tests/unit/parser-standins.h"

struct trace_case {
	const char *expr;
	const char *trace;
};

#define SYNTAX "=> ERR: can't parse filter expression: syntax error"
#define EXHAUSTED "=> ERR: can't parse filter expression: memory exhausted"

static void check_cases(const struct trace_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = trace_parse(cases[i].expr, 0);

		if (strcmp(got, cases[i].trace) != 0) {
			char m[1024];

			fprintf(stderr, "  %s\n    got:  %s\n    want: %s\n",
				cases[i].expr, got, cases[i].trace);

			snprintf(m, sizeof m, "'%.100s': got \"%.150s\", want \"%.150s\"",
				 cases[i].expr, got, cases[i].trace);
			check_fail(__FILE__, __LINE__, m);
		}
	}
}

#define CHECK_CASES(table) check_cases(table, sizeof table / sizeof *table)

/* ------------------------------------------------------------------ */

static void test_empty(void)
{
	static const struct trace_case cases[] = {
		{ "", "=> OK" },
		{ "   ", "=> OK" },
		{ " \t\r\n ", "=> OK" },
		{ "tcp", "proto(tcp) finish => OK" },
		{ " tcp ", "proto(tcp) finish => OK" },
	};

	CHECK_CASES(cases);
}

/* Keywords and their aliases; case matters; longest match. */
static void test_keywords(void)
{
	static const struct trace_case cases[] = {
		{ "ether host a", "scode(a,link/-/host) finish => OK" },
		{ "ppp host a", "scode(a,link/-/host) finish => OK" },
		{ "slip host a", "scode(a,link/-/host) finish => OK" },
		{ "fddi host a", "scode(a,link/-/host) finish => OK" },
		{ "tr host a", "scode(a,link/-/host) finish => OK" },
		{ "wlan host a", "scode(a,link/-/host) finish => OK" },
		{ "link host a", "scode(a,link/-/host) finish => OK" },
		{ "es-is", "proto(esis) finish => OK" },
		{ "esis", "proto(esis) finish => OK" },
		{ "is-is", "proto(isis) finish => OK" },
		{ "ip6", "proto(ip6) finish => OK" },
		{ "icmp6", "proto(icmp6) finish => OK" },
		{ "l1 or l2 or iih or lsp or snp or csnp or psnp",
		  "proto(l1) proto(l2) or proto(iih) or proto(lsp) or "
		  "proto(snp) or proto(csnp) or proto(psnp) or finish => OK" },
		{ "carp or vrrp or radio or netbeui or ipx or stp or clnp",
		  "proto(carp) proto(vrrp) or proto(radio) or proto(netbeui) or "
		  "proto(ipx) or proto(stp) or proto(clnp) or finish => OK" },
		{ "atalk or aarp or decnet or lat or sca or moprc or mopdl",
		  "proto(atalk) proto(aarp) or proto(decnet) or proto(lat) or "
		  "proto(sca) or proto(moprc) or proto(mopdl) or finish => OK" },
		{ "TCP", SYNTAX },
		{ "tcp && udp || ip", "proto(tcp) proto(udp) and proto(ip) or finish => OK" },
		{ "!tcp", "proto(tcp) not finish => OK" },
		{ "not tcp", "proto(tcp) not finish => OK" },
		{ "hosts", SYNTAX },
		{ "host hosts", "scode(hosts,-/-/host) finish => OK" },
		{ "len = length", "loadlen loadlen rel(jeq,0) finish => OK" },
		{ "ip host tcp", SYNTAX },
		{ "host \\tcp", "scode(tcp,-/-/host) finish => OK" },
		{ "host tcp-x", "scode(tcp-x,-/-/host) finish => OK" },
		{ "host tcp-", SYNTAX },
		{ "host a_b.c", "scode(a_b.c,-/-/host) finish => OK" },
		{ "host a.", "scode(a.,-/-/host) finish => OK" },
		{ "host a_", "scode(a,-/-/host) finish " SYNTAX },
		{ "on eth0 or ifname eth1",
		  "pf_ifname(eth0) pf_ifname(eth1) or finish => OK" },
		{ "rset a or ruleset b", "pf_ruleset(a) pf_ruleset(b) or finish => OK" },
		{ "rnr 1 or rulenum 2 or srnr 3 or subrulenum 4",
		  "pf_rnr(1) pf_rnr(2) or pf_srnr(3) or pf_srnr(4) or finish => OK" },
		{ "direction 1 or dir 2",
		  "p80211_fcdir(1) p80211_fcdir(2) or finish => OK" },
		{ "address1 a or addr1 b",
		  "scode(a,-/addr1/-) scode(b,-/addr1/-) or finish => OK" },
		{ "lsu or lssu", "mtp2type(23) mtp2type(23) or finish => OK" },
	};

	CHECK_CASES(cases);
}

/* Numbers: decimal, octal, hex; 32 bits; the named constants. */
static void test_numbers(void)
{
	static const struct trace_case cases[] = {
		{ "port 80", "ncode(-,80,-/-/port) finish => OK" },
		{ "port 0x50", "ncode(-,80,-/-/port) finish => OK" },
		{ "port 0X50", "ncode(-,80,-/-/port) finish => OK" },
		{ "port 0120", "ncode(-,80,-/-/port) finish => OK" },
		{ "port 0", "ncode(-,0,-/-/port) finish => OK" },
		{ "port 00", "ncode(-,0,-/-/port) finish => OK" },
		{ "port 4294967295", "ncode(-,4294967295,-/-/port) finish => OK" },
		{ "port 4294967296",
		  "=> ERR: number 4294967296 overflows 32 bits" },
		{ "port 99999999999",
		  "=> ERR: number 99999999999 overflows 32 bits" },
		{ "port 0xffffffff", "ncode(-,4294967295,-/-/port) finish => OK" },
		{ "port 0x00000000ffffffff",
		  "ncode(-,4294967295,-/-/port) finish => OK" },
		{ "port 0x100000000",
		  "=> ERR: number 0x100000000 overflows 32 bits" },
		{ "port 00037777777777", "ncode(-,4294967295,-/-/port) finish => OK" },
		{ "port 0400000000000",
		  "=> ERR: number 0400000000000 overflows 32 bits" },
		/* twelve hex digits are a MAC address before they are a number */
		{ "port 037777777777", "ecode(037777777777,-/-/port) finish => OK" },
		{ "port 08", "=> ERR: number 08 contains non-octal digit" },
		{ "port 0778", "=> ERR: number 0778 contains non-octal digit" },
		/* a non-octal digit is seen before the overflow */
		{ "port 0777777777777778",
		  "=> ERR: number 0777777777777778 overflows 32 bits" },
		{ "port 0x", "scode(0x,-/-/port) finish => OK" },
		{ "port 0x1g", "scode(0x1g,-/-/port) finish => OK" },
		{ "port 80a", "scode(80a,-/-/port) finish => OK" },
		{ "icmp[icmptype] = icmp-echo",
		  "loadi(0) load(icmp,1) loadi(8) rel(jeq,0) finish => OK" },
		{ "icmp[icmpcode] != icmp-echoreply",
		  "loadi(1) load(icmp,1) loadi(0) rel(jeq,1) finish => OK" },
		{ "tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst|tcp-push|tcp-ack|tcp-urg|tcp-ece|tcp-cwr) != 0",
		  "loadi(13) load(tcp,1) loadi(2) loadi(1) arth(or) loadi(4) arth(or) "
		  "loadi(8) arth(or) loadi(16) arth(or) loadi(32) arth(or) loadi(64) "
		  "arth(or) loadi(128) arth(or) arth(and) loadi(0) rel(jeq,1) finish => OK" },
		{ "icmp6[icmp6type] = icmp6-echo or icmp6[icmp6code] = icmp6-multicastrouterterm",
		  "loadi(0) load(icmp6,1) loadi(128) rel(jeq,0) loadi(1) load(icmp6,1) "
		  "loadi(153) rel(jeq,0) or finish => OK" },
		{ "icmp[0] = icmp-unreach or icmp[0] = icmp-maskreply",
		  "loadi(0) load(icmp,1) loadi(3) rel(jeq,0) loadi(0) load(icmp,1) "
		  "loadi(18) rel(jeq,0) or finish => OK" },
		{ "icmp6[0] = icmp6-destinationunreach",
		  "loadi(0) load(icmp6,1) loadi(1) rel(jeq,0) finish => OK" },
		{ "port icmp-echox", "scode(icmp-echox,-/-/port) finish => OK" },
		{ "port tcp-syn", "ncode(-,2,-/-/port) finish => OK" },
	};

	CHECK_CASES(cases);
}

/* Address tokens: HID, HID6, EID, AID, and what makes each. */
static void test_addresses(void)
{
	static const struct trace_case cases[] = {
		{ "host 1.2", "ncode(1.2,0,-/-/host) finish => OK" },
		{ "host 1.2.3", "ncode(1.2.3,0,-/-/host) finish => OK" },
		{ "host 10.0.0.1", "ncode(10.0.0.1,0,-/-/host) finish => OK" },
		{ "host 1.2.3.4.5", "scode(1.2.3.4.5,-/-/host) finish => OK" },
		{ "host 0x1.0x2", "ncode(0x1.0x2,0,-/-/host) finish => OK" },
		{ "host 1.2.", "scode(1.2.,-/-/host) finish => OK" },
		{ "host 1.2a", "scode(1.2a,-/-/host) finish => OK" },
		{ "net 10.0.0.0/8", "mcode(10.0.0.0,-,8,-/-/net) finish => OK" },
		{ "net 10/8", "ncode(-,10,-/-/net) finish " SYNTAX },
		{ "net 10.0/16", "mcode(10.0,-,16,-/-/net) finish => OK" },
		{ "net 10.0.0.0 mask 255.0.0.0",
		  "mcode(10.0.0.0,255.0.0.0,0,-/-/net) finish => OK" },
		{ "net 10.0.0.0 mask 8", SYNTAX },
		{ "net 10.0.0.0 / a", SYNTAX },
		{ "host ::1", "mcode6(::1,128,-/-/host) finish => OK" },
		{ "host fe80::1", "mcode6(fe80::1,128,-/-/host) finish => OK" },
		{ "net fe80::/10", "mcode6(fe80::,10,-/-/net) finish => OK" },
		{ "host ::", "mcode6(::,128,-/-/host) finish => OK" },
		{ "host 1:2:3:4:5:6:7:8", "mcode6(1:2:3:4:5:6:7:8,128,-/-/host) finish => OK" },
		{ "host ::ffff:1.2.3.4", "mcode6(::ffff:1.2.3.4,128,-/-/host) finish => OK" },
		{ "host 1:2:3:4:5:6:1.2.3.4",
		  "mcode6(1:2:3:4:5:6:1.2.3.4,128,-/-/host) finish => OK" },
		{ "host ::1.2.3.999", "=> ERR: bogus IPv6 address ::1.2.3.999" },
		{ "host ::0x1.2.3.4", "=> ERR: bogus IPv6 address ::0x1.2.3.4" },
		{ "host 12345::", "ncode(-,12345,-/-/host) finish " SYNTAX },
		{ "ether host aa:bb:cc:dd:ee:ff",
		  "ecode(aa:bb:cc:dd:ee:ff,link/-/host) finish => OK" },
		{ "ether host a:b:c:d:e:f", "ecode(a:b:c:d:e:f,link/-/host) finish => OK" },
		{ "ether host aa-bb-cc-dd-ee-ff",
		  "ecode(aa-bb-cc-dd-ee-ff,link/-/host) finish => OK" },
		{ "ether host aa.bb.cc.dd.ee.ff",
		  "ecode(aa.bb.cc.dd.ee.ff,link/-/host) finish => OK" },
		{ "ether host aabb.ccdd.eeff", "ecode(aabb.ccdd.eeff,link/-/host) finish => OK" },
		{ "ether host aabbccddeeff", "ecode(aabbccddeeff,link/-/host) finish => OK" },
		{ "ether host 001122334455", "ecode(001122334455,link/-/host) finish => OK" },
		{ "ether host 0011223344556", "ncode(-,1246611822,link/-/host) finish => OK" },
		{ "ether host aa-bb-cc-dd-ee-ff-00",
		  "scode(aa-bb-cc-dd-ee-ff-00,link/-/host) finish => OK" },
		{ "ether host aa:bb:cc:dd:ee:ff:",
		  "=> ERR: bogus ethernet address aa:bb:cc:dd:ee:ff:" },
		{ "host 1:2:3", "=> ERR: bogus ethernet address 1:2:" },
		{ "host 1::2::3", "=> ERR: bogus ethernet address 1::2::" },
		{ "host aa::bb::", "=> ERR: bogus ethernet address aa::bb::" },
		{ "host $1", "acode($1,-/-/host) finish => OK" },
		{ "host $ab", "acode($ab,-/-/host) finish => OK" },
		{ "host $abc", "acode($ab,-/-/host) finish " SYNTAX },
		{ "host $", SYNTAX },
		{ "host \\1.2.3.4", "scode(1.2.3.4,-/-/host) finish => OK" },
		{ "host \\a:b!c", "scode(a:b,-/-/host) finish " SYNTAX },
		{ "host \\a:b:c", "scode(a:b:c,-/-/host) finish => OK" },
		{ "host \\", SYNTAX },
		{ "host \\(x)", SYNTAX },
	};

	CHECK_CASES(cases);
}

/* Operators and characters the scanner does not know. */
static void test_operators(void)
{
	static const struct trace_case cases[] = {
		{ "len == 1", "loadlen loadi(1) rel(jeq,0) finish => OK" },
		{ "len = 1", "loadlen loadi(1) rel(jeq,0) finish => OK" },
		{ "len != 1", "loadlen loadi(1) rel(jeq,1) finish => OK" },
		{ "len > 1", "loadlen loadi(1) rel(jgt,0) finish => OK" },
		{ "len >= 1", "loadlen loadi(1) rel(jge,0) finish => OK" },
		{ "len < 1", "loadlen loadi(1) rel(jge,1) finish => OK" },
		{ "len <= 1", "loadlen loadi(1) rel(jgt,1) finish => OK" },
		{ "len >> 1 << 2 > 0",
		  "loadlen loadi(1) arth(rsh) loadi(2) arth(lsh) loadi(0) rel(jgt,0) finish => OK" },
		{ "len > = 1", "loadlen " SYNTAX },
		{ "len =! 1", "loadlen " SYNTAX },
		{ "len ! = 1", "loadlen " SYNTAX },
		{ "tcp & & udp", SYNTAX },
		{ "tcp # udp", SYNTAX },
		{ "tcp , udp", SYNTAX },
		{ "tcp\tor\nudp", "proto(tcp) proto(udp) or finish => OK" },
		{ "tcp\vor udp", SYNTAX },
		{ "tcp\xc3\xa9", SYNTAX },
	};

	CHECK_CASES(cases);
}

/* Qualifier structure of "head id". */
static void test_qualifiers(void)
{
	static const struct trace_case cases[] = {
		{ "host a", "scode(a,-/-/host) finish => OK" },
		{ "src a", "scode(a,-/src/-) finish => OK" },
		{ "dst a", "scode(a,-/dst/-) finish => OK" },
		{ "src host a", "scode(a,-/src/host) finish => OK" },
		{ "src or dst host a", "scode(a,-/or/host) finish => OK" },
		{ "dst or src host a", "scode(a,-/or/host) finish => OK" },
		{ "src and dst host a", "scode(a,-/and/host) finish => OK" },
		{ "dst and src net a", "scode(a,-/and/net) finish => OK" },
		{ "src or src host a", SYNTAX },
		{ "src and host a", SYNTAX },
		{ "src or 1", SYNTAX },
		{ "tcp src port 80", "ncode(-,80,tcp/src/port) finish => OK" },
		{ "udp dst portrange 1-10", "scode(1-10,udp/dst/portrange) finish => OK" },
		{ "ip proto 6", "ncode(-,6,ip/-/proto) finish => OK" },
		{ "proto tcp", SYNTAX },
		{ "proto \\tcp", "scode(tcp,-/-/proto) finish => OK" },
		{ "ip6 protochain 6", "ncode(-,6,ip6/-/protochain) finish => OK" },
		{ "gateway a", "scode(a,-/-/gateway) finish => OK" },
		{ "ether gateway a", "scode(a,link/-/gateway) finish => OK" },
		{ "src gateway a", SYNTAX },
		{ "src proto 1", SYNTAX },
		{ "host port a", SYNTAX },
		{ "addr1 a", "scode(a,-/addr1/-) finish => OK" },
		{ "wlan addr2 host a", "scode(a,link/addr2/host) finish => OK" },
		{ "addr3 a or addr4 b or ra c or ta d",
		  "scode(a,-/addr3/-) scode(b,-/addr4/-) or scode(c,-/ra/-) or "
		  "scode(d,-/ta/-) or finish => OK" },
		{ "net 1", "ncode(-,1,-/-/net) finish => OK" },
		{ "host", SYNTAX },
		{ "tcp port", SYNTAX },
		{ "a", SYNTAX },
		{ "1.2.3.4", SYNTAX },
		{ "80", "loadi(80) " SYNTAX },
	};

	CHECK_CASES(cases);
}

/* Bare ids after and/or take the qualifiers of what precedes them. */
static void test_inheritance(void)
{
	static const struct trace_case cases[] = {
		{ "host a or b", "scode(a,-/-/host) scode(b,-/-/host) or finish => OK" },
		{ "port 80 or 443",
		  "ncode(-,80,-/-/port) ncode(-,443,-/-/port) or finish => OK" },
		{ "tcp dst port 80 or 443 and 8080",
		  "ncode(-,80,tcp/dst/port) ncode(-,443,tcp/dst/port) or "
		  "ncode(-,8080,tcp/dst/port) and finish => OK" },
		{ "host a or b or port 1 or 2",
		  "scode(a,-/-/host) scode(b,-/-/host) or ncode(-,1,-/-/port) or "
		  "ncode(-,2,-/-/port) or finish => OK" },
		{ "host a and not b",
		  "scode(a,-/-/host) scode(b,-/-/host) not and finish => OK" },
		{ "host a and ! ! b",
		  "scode(a,-/-/host) scode(b,-/-/host) not not and finish => OK" },
		{ "host a or (b or c)",
		  "scode(a,-/-/host) scode(b,-/-/host) scode(c,-/-/host) or or finish => OK" },
		{ "host a and (b or not c and 1)",
		  "scode(a,-/-/host) scode(b,-/-/host) scode(c,-/-/host) not or "
		  "ncode(-,1,-/-/host) and and finish => OK" },
		{ "host (a or b)", "scode(a,-/-/host) scode(b,-/-/host) or finish => OK" },
		{ "host (a or (b and c))",
		  "scode(a,-/-/host) scode(b,-/-/host) scode(c,-/-/host) and or finish => OK" },
		{ "host not a", "scode(a,-/-/host) not finish => OK" },
		{ "host (not a or b)",
		  "scode(a,-/-/host) not scode(b,-/-/host) or finish => OK" },
		{ "host 1.2.3.4 or 1.2.3.5",
		  "ncode(1.2.3.4,0,-/-/host) ncode(1.2.3.5,0,-/-/host) or finish => OK" },
		{ "ether host aa:bb:cc:dd:ee:ff or $1",
		  "ecode(aa:bb:cc:dd:ee:ff,link/-/host) acode($1,link/-/host) or finish => OK" },
		{ "ip6 host ::1 or fe80::/10",
		  "mcode6(::1,128,ip6/-/host) mcode6(fe80::,10,ip6/-/host) or finish => OK" },
		/* a parenthesized expression hands on what preceded it */
		{ "(host a) or b", "scode(a,-/-/host) scode(b,?/?/?) or finish => OK" },
		{ "port 1 and (host a) or b",
		  "ncode(-,1,-/-/port) scode(a,-/-/host) and scode(b,-/-/port) or finish => OK" },
		{ "not (host a) or b",
		  "scode(a,-/-/host) not scode(b,?/?/?) or finish => OK" },
		{ "not host a or b",
		  "scode(a,-/-/host) not scode(b,-/-/host) or finish => OK" },
		/* terms without qualifiers hand on undefined ones */
		{ "tcp or 80", "proto(tcp) ncode(-,80,?/?/?) or finish => OK" },
		{ "host a and tcp or b",
		  "scode(a,-/-/host) proto(tcp) and scode(b,?/?/?) or finish => OK" },
		{ "len > 1 or a",
		  "loadlen loadi(1) rel(jgt,0) scode(a,?/?/?) or finish => OK" },
		{ "vlan 1 or 2", "vlan(1,1) ncode(-,2,?/?/?) or finish => OK" },
		{ "broadcast or a", "broadcast(-) scode(a,?/?/?) or finish => OK" },
		/* a pnum id */
		{ "port 80 or (443)",
		  "ncode(-,80,-/-/port) ncode(-,443,-/-/port) or finish => OK" },
		{ "port 80 or ((443))",
		  "ncode(-,80,-/-/port) ncode(-,443,-/-/port) or finish => OK" },
		{ "port (80)", "ncode(-,80,-/-/port) finish => OK" },
		{ "port ((80))", "ncode(-,80,-/-/port) finish => OK" },
		{ "port (80 or 81)",
		  "ncode(-,80,-/-/port) ncode(-,81,-/-/port) or finish => OK" },
		{ "port ((80) or 81)",
		  "ncode(-,80,-/-/port) ncode(-,81,-/-/port) or finish => OK" },
		{ "port (80 or (81))",
		  "ncode(-,80,-/-/port) ncode(-,81,-/-/port) or finish => OK" },
		{ "port 1 and (2 or 3)",
		  "ncode(-,1,-/-/port) ncode(-,2,-/-/port) ncode(-,3,-/-/port) or and finish => OK" },
		{ "port 1 and ((2) or 3)",
		  "ncode(-,1,-/-/port) ncode(-,2,-/-/port) ncode(-,3,-/-/port) or and finish => OK" },
		{ "port 1 and not (2)",
		  "ncode(-,1,-/-/port) ncode(-,2,-/-/port) not and finish => OK" },
		{ "port 1 and (not 2)",
		  "ncode(-,1,-/-/port) ncode(-,2,-/-/port) not and finish => OK" },
		{ "port 1 and 2 + 3 > 4",
		  "ncode(-,1,-/-/port) loadi(2) loadi(3) arth(add) loadi(4) rel(jgt,0) and finish => OK" },
		{ "port 1 and (2) + 3 > 4",
		  "ncode(-,1,-/-/port) loadi(2) loadi(3) arth(add) loadi(4) rel(jgt,0) and finish => OK" },
		{ "host a and (tcp port 80 or b)",
		  "scode(a,-/-/host) ncode(-,80,tcp/-/port) scode(b,tcp/-/port) or and finish => OK" },
		{ "host a and (b) and c",
		  "scode(a,-/-/host) scode(b,-/-/host) and scode(c,-/-/host) and finish => OK" },
		/* an id in parentheses cannot start a pid or an expression */
		{ "host ((a))", SYNTAX },
		{ "host ((a) or b)", SYNTAX },
		{ "host a and ((b))", "scode(a,-/-/host) " SYNTAX },
		{ "host (a or b) or c",
		  "scode(a,-/-/host) scode(b,-/-/host) or scode(c,-/-/host) or finish => OK" },
	};

	CHECK_CASES(cases);
}

/* and/or: equal precedence, left to right; not binds tightest. */
static void test_boolean_structure(void)
{
	static const struct trace_case cases[] = {
		{ "tcp or udp and icmp",
		  "proto(tcp) proto(udp) or proto(icmp) and finish => OK" },
		{ "tcp and udp or icmp",
		  "proto(tcp) proto(udp) and proto(icmp) or finish => OK" },
		{ "tcp or (udp and icmp)",
		  "proto(tcp) proto(udp) proto(icmp) and or finish => OK" },
		{ "not tcp and udp", "proto(tcp) not proto(udp) and finish => OK" },
		{ "not (tcp and udp)", "proto(tcp) proto(udp) and not finish => OK" },
		{ "not not tcp", "proto(tcp) not not finish => OK" },
		{ "! (tcp) || ! udp", "proto(tcp) not proto(udp) not or finish => OK" },
		{ "((tcp))", "proto(tcp) finish => OK" },
		{ "(tcp or udp) and (ip or arp)",
		  "proto(tcp) proto(udp) or proto(ip) proto(arp) or and finish => OK" },
		{ "tcp and", "proto(tcp) " SYNTAX },
		{ "and tcp", SYNTAX },
		{ "tcp udp", SYNTAX },
		{ "tcp )", "proto(tcp) finish " SYNTAX },
		{ "(tcp", "proto(tcp) " SYNTAX },
		{ "()", SYNTAX },
		{ "not", SYNTAX },
		{ "tcp and not", "proto(tcp) " SYNTAX },
	};

	CHECK_CASES(cases);
}

/* Arithmetic, including the operators without declared precedence. */
static void test_arithmetic(void)
{
	static const struct trace_case cases[] = {
		{ "1 + 2 * 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(mul) arth(add) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 * 2 + 3 > 0",
		  "loadi(1) loadi(2) arth(mul) loadi(3) arth(add) loadi(0) rel(jgt,0) finish => OK" },
		{ "(1 + 2) * 3 > 0",
		  "loadi(1) loadi(2) arth(add) loadi(3) arth(mul) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 - 2 - 3 > 0",
		  "loadi(1) loadi(2) arth(sub) loadi(3) arth(sub) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 / 2 / 3 > 0",
		  "loadi(1) loadi(2) arth(div) loadi(3) arth(div) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 | 2 & 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(and) arth(or) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 & 2 << 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(lsh) arth(and) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 << 2 + 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(add) arth(lsh) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 >> 2 >> 3 > 0",
		  "loadi(1) loadi(2) arth(rsh) loadi(3) arth(rsh) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 + 2 > 3 * 4",
		  "loadi(1) loadi(2) arth(add) loadi(3) loadi(4) arth(mul) rel(jgt,0) finish => OK" },
		/* '%' and '^': shift always -- tight on the left, loose on the right */
		{ "1 + 2 % 3 + 4 > 5",
		  "loadi(1) loadi(2) loadi(3) loadi(4) arth(add) arth(mod) arth(add) "
		  "loadi(5) rel(jgt,0) finish => OK" },
		{ "1 % 2 * 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(mul) arth(mod) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 * 2 % 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(mod) arth(mul) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 % 2 % 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(mod) arth(mod) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 ^ 2 | 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(or) arth(xor) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 | 2 ^ 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(xor) arth(or) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 ^ 2 % 3 ^ 4 > 0",
		  "loadi(1) loadi(2) loadi(3) loadi(4) arth(xor) arth(mod) arth(xor) "
		  "loadi(0) rel(jgt,0) finish => OK" },
		{ "(1 % 2) * 3 > 0",
		  "loadi(1) loadi(2) arth(mod) loadi(3) arth(mul) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 % 2 > 3 % 4",
		  "loadi(1) loadi(2) arth(mod) loadi(3) loadi(4) arth(mod) rel(jgt,0) finish => OK" },
		{ "(1) % 2 > 0",
		  "loadi(1) loadi(2) arth(mod) loadi(0) rel(jgt,0) finish => OK" },
		{ "ip[0] % 2 + 1 > 0",
		  "loadi(0) load(ip,1) loadi(2) loadi(1) arth(add) arth(mod) loadi(0) rel(jgt,0) finish => OK" },
		/* unary minus */
		{ "-1 > 0", "loadi(1) neg loadi(0) rel(jgt,0) finish => OK" },
		{ "- - 1 > 0", "loadi(1) neg neg loadi(0) rel(jgt,0) finish => OK" },
		{ "-1 * 2 > 0",
		  "loadi(1) neg loadi(2) arth(mul) loadi(0) rel(jgt,0) finish => OK" },
		{ "-1 % 2 > 0",
		  "loadi(1) loadi(2) arth(mod) neg loadi(0) rel(jgt,0) finish => OK" },
		{ "-1 ^ 2 * 3 > 0",
		  "loadi(1) loadi(2) loadi(3) arth(mul) arth(xor) neg loadi(0) rel(jgt,0) finish => OK" },
		{ "1 - -2 > 0",
		  "loadi(1) loadi(2) neg arth(sub) loadi(0) rel(jgt,0) finish => OK" },
		{ "1 > -2", "loadi(1) loadi(2) neg rel(jgt,0) finish => OK" },
		{ "-(1 + 2) > 0",
		  "loadi(1) loadi(2) arth(add) neg loadi(0) rel(jgt,0) finish => OK" },
		{ "-len > 0", "loadlen neg loadi(0) rel(jgt,0) finish => OK" },
		/* loads */
		{ "ip[0] > 1", "loadi(0) load(ip,1) loadi(1) rel(jgt,0) finish => OK" },
		{ "ip[2:2] > 1", "loadi(2) load(ip,2) loadi(1) rel(jgt,0) finish => OK" },
		{ "ip[2:4] > 1", "loadi(2) load(ip,4) loadi(1) rel(jgt,0) finish => OK" },
		{ "ip[2:3] > 1", "loadi(2) load(ip,3) loadi(1) rel(jgt,0) finish => OK" },
		{ "ether[len - 1] > 1",
		  "loadlen loadi(1) arth(sub) load(link,1) loadi(1) rel(jgt,0) finish => OK" },
		{ "tcp[tcp[0]:2] > 1",
		  "loadi(0) load(tcp,1) load(tcp,2) loadi(1) rel(jgt,0) finish => OK" },
		{ "ip[1 + 2 : 2] = 3",
		  "loadi(1) loadi(2) arth(add) load(ip,2) loadi(3) rel(jeq,0) finish => OK" },
		{ "(ip[0]) > 1", "loadi(0) load(ip,1) loadi(1) rel(jgt,0) finish => OK" },
		{ "ip6[0] = 6 and tcp[13] & 2 != 0",
		  "loadi(0) load(ip6,1) loadi(6) rel(jeq,0) loadi(13) load(tcp,1) loadi(2) "
		  "arth(and) loadi(0) rel(jeq,1) and finish => OK" },
		{ "ip[0:a] > 1", "loadi(0) " SYNTAX },
		{ "ip[0] ", "loadi(0) load(ip,1) " SYNTAX },
		{ "ip[] > 1", SYNTAX },
		{ "ip[1", "loadi(1) " SYNTAX },
		{ "ip[1:2", "loadi(1) " SYNTAX },
		{ "ip [1] > 0", "loadi(1) load(ip,1) loadi(0) rel(jgt,0) finish => OK" },
		/* parenthesized numbers and arithmetic */
		{ "(1) > 2", "loadi(1) loadi(2) rel(jgt,0) finish => OK" },
		{ "((1)) > 2", "loadi(1) loadi(2) rel(jgt,0) finish => OK" },
		{ "((1) + 2) > 3",
		  "loadi(1) loadi(2) arth(add) loadi(3) rel(jgt,0) finish => OK" },
		{ "((1 + 2)) > 3",
		  "loadi(1) loadi(2) arth(add) loadi(3) rel(jgt,0) finish => OK" },
		{ "(1 > 2)", "loadi(1) loadi(2) rel(jgt,0) finish => OK" },
		{ "((1) > 2)", "loadi(1) loadi(2) rel(jgt,0) finish => OK" },
		{ "(1 + 2 > 3) or 4",
		  "loadi(1) loadi(2) arth(add) loadi(3) rel(jgt,0) ncode(-,4,?/?/?) or finish => OK" },
		{ "1 > 2 > 3", "loadi(1) loadi(2) rel(jgt,0) finish " SYNTAX },
		{ "1 >", "loadi(1) " SYNTAX },
		{ "1 +", "loadi(1) " SYNTAX },
		{ "1 + > 2", "loadi(1) " SYNTAX },
		{ "(1)", "loadi(1) " SYNTAX },
		{ "(1 or 2)", "loadi(1) " SYNTAX },
		{ "not (1)", "loadi(1) " SYNTAX },
		{ "1 + (tcp)", "loadi(1) " SYNTAX },
		{ "1 + (tcp[0])",
		  "loadi(1) loadi(0) load(tcp,1) arth(add) " SYNTAX },
		{ "1 + (2 > 3)", "loadi(1) loadi(2) " SYNTAX },
		{ "len", "loadlen " SYNTAX },
		{ "len > 1 and len", "loadlen loadi(1) rel(jgt,0) loadlen " SYNTAX },
		{ "len > 1 and 2 = 3",
		  "loadlen loadi(1) rel(jgt,0) loadi(2) loadi(3) rel(jeq,0) and finish => OK" },
		{ "not 1 > 2", "loadi(1) loadi(2) rel(jgt,0) not finish => OK" },
	};

	CHECK_CASES(cases);
}

/* The "other" primitives. */
static void test_other_primitives(void)
{
	static const struct trace_case cases[] = {
		{ "broadcast", "broadcast(-) finish => OK" },
		{ "ether broadcast", "broadcast(link) finish => OK" },
		{ "ip multicast", "multicast(ip) finish => OK" },
		{ "ip6 multicast", "multicast(ip6) finish => OK" },
		{ "less 100", "less(100) finish => OK" },
		{ "greater 0x10", "greater(16) finish => OK" },
		{ "less", SYNTAX },
		{ "less (1)", SYNTAX },
		{ "byte 1 & 2", "byte(&,1,2) finish => OK" },
		{ "byte 1 | 2", "byte(|,1,2) finish => OK" },
		{ "byte 1 < 2", "byte(<,1,2) finish => OK" },
		{ "byte 1 > 2", "byte(>,1,2) finish => OK" },
		{ "byte 1 = 2", "byte(=,1,2) finish => OK" },
		{ "byte 1 == 2", "byte(=,1,2) finish => OK" },
		{ "byte 1 != 2", SYNTAX },
		{ "byte 1 >= 2", SYNTAX },
		{ "inbound", "inbound(0) finish => OK" },
		{ "outbound", "inbound(1) finish => OK" },
		{ "ifindex 3", "ifindex(3) finish => OK" },
		{ "vlan", "vlan(0,0) finish => OK" },
		{ "vlan 100", "vlan(100,1) finish => OK" },
		{ "vlan (100)", "vlan(100,1) finish => OK" },
		{ "vlan ((100))", "vlan(100,1) finish => OK" },
		{ "vlan and vlan 2", "vlan(0,0) vlan(2,1) and finish => OK" },
		{ "vlan (host a)", SYNTAX },
		{ "vlan (1 + 2)", SYNTAX },
		{ "vlan a", "vlan(0,0) finish " SYNTAX },
		{ "vlan 1 and host a", "vlan(1,1) scode(a,-/-/host) and finish => OK" },
		{ "mpls", "mpls(0,0) finish => OK" },
		{ "mpls 7 and mpls", "mpls(7,1) mpls(0,0) and finish => OK" },
		{ "pppoed", "pppoed finish => OK" },
		{ "pppoes", "pppoes(0,0) finish => OK" },
		{ "pppoes 0x27", "pppoes(39,1) finish => OK" },
		{ "geneve", "geneve(0,0) finish => OK" },
		{ "geneve (5) or geneve", "geneve(5,1) geneve(0,0) or finish => OK" },
		{ "on eth0", "pf_ifname(eth0) finish => OK" },
		{ "on 1", SYNTAX },
		{ "rnr 5", "pf_rnr(5) finish => OK" },
		{ "rnr a", SYNTAX },
		{ "reason 3", "pf_reason(3) finish => OK" },
		{ "reason match", "pf_reason(0) finish => OK" },
		{ "reason bad-offset", "pf_reason(1) finish => OK" },
		{ "reason nosuch", "=> ERR: unknown PF reason \"nosuch\"" },
		{ "action pass or action drop",
		  "pf_action(0) pf_action(1) or finish => OK" },
		{ "action 1", SYNTAX },
		{ "action nosuch", "=> ERR: unknown PF action \"nosuch\"" },
	};

	CHECK_CASES(cases);
}

/* 802.11 type/subtype/dir and LLC names, resolved by the grammar. */
static void test_wlan_and_llc(void)
{
	static const struct trace_case cases[] = {
		{ "type mgt", "p80211_type(0x0,0xc) finish => OK" },
		{ "type management", "p80211_type(0x0,0xc) finish => OK" },
		{ "type ctl", "p80211_type(0x4,0xc) finish => OK" },
		{ "type control", "p80211_type(0x4,0xc) finish => OK" },
		{ "type DATA", "p80211_type(0x8,0xc) finish => OK" },
		{ "type 8", "p80211_type(0x8,0xc) finish => OK" },
		{ "type 3", "=> ERR: invalid 802.11 type value 0x03" },
		{ "type 0x100", "=> ERR: invalid 802.11 type value 0x100" },
		{ "type foo", "=> ERR: unknown 802.11 type name \"foo\"" },
		{ "type mgt subtype beacon", "p80211_type(0x80,0xfc) finish => OK" },
		{ "type mgt subtype assoc-req", "p80211_type(0x0,0xfc) finish => OK" },
		{ "type mgt subtype Deauthentication", "p80211_type(0xc0,0xfc) finish => OK" },
		{ "type ctl subtype ps-poll", "p80211_type(0xa4,0xfc) finish => OK" },
		{ "type ctl subtype cf-end-ack", "p80211_type(0xf4,0xfc) finish => OK" },
		{ "type data subtype qos-cf-ack-poll", "p80211_type(0xf8,0xfc) finish => OK" },
		{ "type data subtype null", "p80211_type(0x48,0xfc) finish => OK" },
		{ "type data subtype 0x80", "p80211_type(0x88,0xfc) finish => OK" },
		{ "type data subtype 0x81", "=> ERR: invalid 802.11 subtype value 0x81" },
		{ "type ctl subtype beacon",
		  "=> ERR: unknown 802.11 subtype name \"beacon\"" },
		{ "type 12 subtype x", "=> ERR: unknown 802.11 type" },
		{ "type 12 subtype 0x10", "p80211_type(0x1c,0xfc) finish => OK" },
		{ "type mgt subtype", SYNTAX },
		{ "subtype beacon", "p80211_type(0x80,0xfc) finish => OK" },
		{ "subtype rts", "p80211_type(0xb4,0xfc) finish => OK" },
		{ "subtype data", "p80211_type(0x8,0xfc) finish => OK" },
		{ "subtype qos", "p80211_type(0xc8,0xfc) finish => OK" },
		{ "subtype foo", "=> ERR: unknown 802.11 type name" },
		{ "subtype 1", SYNTAX },
		{ "wlan type mgt", "p80211_type(0x0,0xc) finish => OK" },
		{ "tcp dir 2", "p80211_fcdir(2) finish => OK" },
		{ "dir nods or dir tods or dir fromds or dir dstods",
		  "p80211_fcdir(0) p80211_fcdir(1) or p80211_fcdir(2) or "
		  "p80211_fcdir(3) or finish => OK" },
		{ "dir TODS", "p80211_fcdir(1) finish => OK" },
		{ "dir 7", "p80211_fcdir(7) finish => OK" },
		{ "dir up", "=> ERR: unknown 802.11 direction" },
		{ "dir", SYNTAX },
		/* the grammar's checks run before the next token is read */
		{ "type foo ::1.2.3.999", "=> ERR: unknown 802.11 type name \"foo\"" },
		{ "llc", "llc finish => OK" },
		{ "llc i", "llc_i finish => OK" },
		{ "llc S", "llc_s finish => OK" },
		{ "llc u", "llc_u finish => OK" },
		{ "llc rr", "llc_s_subtype(0x1) finish => OK" },
		{ "llc rnr", "llc_s_subtype(0x5) finish => OK" },
		{ "llc rej", "llc_s_subtype(0x9) finish => OK" },
		{ "llc ui or llc ua or llc disc or llc dm",
		  "llc_u_subtype(0x3) llc_u_subtype(0x63) or llc_u_subtype(0x43) or "
		  "llc_u_subtype(0xf) or finish => OK" },
		{ "llc sabme or llc test or llc xid or llc frmr",
		  "llc_u_subtype(0x6f) llc_u_subtype(0xe3) or llc_u_subtype(0xaf) or "
		  "llc_u_subtype(0x87) or finish => OK" },
		{ "llc foo", "=> ERR: unknown LLC type name \"foo\"" },
		{ "llc 1", "llc finish " SYNTAX },
		{ "llc and llc", "llc llc and finish => OK" },
	};

	CHECK_CASES(cases);
}

static void test_atm_and_ss7(void)
{
	static const struct trace_case cases[] = {
		{ "lane", "atmtype(30) finish => OK" },
		{ "metac or bcc or oamf4ec or oamf4sc or sc or ilmic",
		  "atmtype(22) atmtype(23) or atmtype(25) or atmtype(24) or "
		  "atmtype(26) or atmtype(27) or finish => OK" },
		{ "oam or oamf4 or connectmsg or metaconnect",
		  "atmmulti(28) atmmulti(29) or atmmulti(70) or atmmulti(71) or finish => OK" },
		{ "vpi 1", "atmfield(51,1,jeq,0) finish => OK" },
		{ "vci > 3", "atmfield(52,3,jgt,0) finish => OK" },
		{ "vci >= 3", "atmfield(52,3,jge,0) finish => OK" },
		{ "vci = 3", "atmfield(52,3,jeq,0) finish => OK" },
		{ "vci <= 3", "atmfield(52,3,jgt,1) finish => OK" },
		{ "vci < 3", "atmfield(52,3,jge,1) finish => OK" },
		{ "vci != 3", "atmfield(52,3,jeq,1) finish => OK" },
		{ "vpi (1 or 2 or 3)",
		  "atmfield(51,1,jeq,0) atmfield(51,2,jeq,0) or atmfield(51,3,jeq,0) or "
		  "finish => OK" },
		{ "vpi (1 || 2)", "atmfield(51,1,jeq,0) atmfield(51,2,jeq,0) or finish => OK" },
		{ "vpi (1 and 2)", "atmfield(51,1,jeq,0) " SYNTAX },
		{ "vpi ((1))", SYNTAX },
		{ "vpi (1)", "atmfield(51,1,jeq,0) finish => OK" },
		{ "vpi", SYNTAX },
		{ "vpi > a", SYNTAX },
		{ "vpi 1 or 2", "atmfield(51,1,jeq,0) ncode(-,2,?/?/?) or finish => OK" },
		{ "fisu or lssu or msu or hfisu or hlssu or hmsu",
		  "mtp2type(22) mtp2type(23) or mtp2type(24) or mtp2type(25) or "
		  "mtp2type(26) or mtp2type(27) or finish => OK" },
		{ "sio 3", "mtp3field(1,3,jeq,0) finish => OK" },
		{ "opc < 4 or 5", "mtp3field(2,4,jge,1) ncode(-,5,?/?/?) or finish => OK" },
		{ "dpc (1 or 2)",
		  "mtp3field(3,1,jeq,0) mtp3field(3,2,jeq,0) or finish => OK" },
		{ "sls != 1 and hsio 2 and hopc 3 and hdpc 4 and hsls 5",
		  "mtp3field(4,1,jeq,1) mtp3field(5,2,jeq,0) and mtp3field(6,3,jeq,0) and "
		  "mtp3field(7,4,jeq,0) and mtp3field(8,5,jeq,0) and finish => OK" },
	};

	CHECK_CASES(cases);
}

/* Errors the grammar reports itself, and which error wins. */
static void test_error_messages(void)
{
	static const struct trace_case cases[] = {
		{ "port 1.2.3.4", "=> ERR: 'port' modifier applied to ip host" },
		{ "portrange 1.2.3.4",
		  "=> ERR: 'portrange' modifier applied to ip host" },
		{ "ip proto 1.2.3.4", "=> ERR: 'proto' modifier applied to ip host" },
		{ "ip6 protochain 1.2.3.4",
		  "=> ERR: 'protochain' modifier applied to ip host" },
		{ "port 80 or 1.2.3.4",
		  "ncode(-,80,-/-/port) => ERR: 'port' modifier applied to ip host" },
		{ "port 1.2.3.4/8", "mcode(1.2.3.4,-,8,-/-/port) finish => OK" },
		{ "host a or port 1 or 1.2.3.4",
		  "scode(a,-/-/host) ncode(-,1,-/-/port) or => ERR: 'port' modifier applied to ip host" },
		/* the lexer's error, once reported, is the one that stays */
		{ "port 1.2.3.4 ::1.2.3.999", "=> ERR: bogus IPv6 address ::1.2.3.999" },
		{ "port 1.2.3.4 99999999999",
		  "=> ERR: number 99999999999 overflows 32 bits" },
		{ "port 1.2.3.4 aa:bb:", "=> ERR: bogus ethernet address aa:bb:" },
		/* ... but actions before it still run, and come first */
		{ "host a ::1.2.3.999",
		  "scode(a,-/-/host) finish => ERR: bogus IPv6 address ::1.2.3.999" },
		{ "host a 99999999999",
		  "scode(a,-/-/host) finish => ERR: number 99999999999 overflows 32 bits" },
		{ "host a or ::1.2.3.999/64",
		  "scode(a,-/-/host) => ERR: bogus IPv6 address ::1.2.3.999" },
		{ "host a or ::1.2.3.999/x",
		  "scode(a,-/-/host) => ERR: bogus IPv6 address ::1.2.3.999" },
		{ "tcp or 08 or udp", "proto(tcp) => ERR: number 08 contains non-octal digit" },
		{ "tcp or 1:2: or udp", "proto(tcp) => ERR: bogus ethernet address 1:2:" },
		/* a character no rule matches is a plain syntax error */
		{ "host a or @", "scode(a,-/-/host) " SYNTAX },
		{ "host a @", "scode(a,-/-/host) finish " SYNTAX },
		/* actions the parser completes before it finds the error */
		{ "host a b", "scode(a,-/-/host) finish " SYNTAX },
		{ "host a and 1 foo", "scode(a,-/-/host) loadi(1) " SYNTAX },
		{ "host a and (1 foo)", "scode(a,-/-/host) loadi(1) " SYNTAX },
		{ "host (1 + 2)", "ncode(-,1,-/-/host) " SYNTAX },
		{ "host a and 1)", "scode(a,-/-/host) ncode(-,1,-/-/host) and finish " SYNTAX },
		{ "tcp foo", SYNTAX },
		{ "vlan 1 2", "vlan(1,1) finish " SYNTAX },
		{ "ip[1] > 2 3", "loadi(1) load(ip,1) loadi(2) rel(jgt,0) finish " SYNTAX },
		{ "(host a", "scode(a,-/-/host) " SYNTAX },
		{ "host a)", "scode(a,-/-/host) finish " SYNTAX },
		{ "(host a))", "scode(a,-/-/host) finish " SYNTAX },
	};

	CHECK_CASES(cases);
}

/* A failing generator stops the parse with its own message. */
static void test_failing_actions(void)
{
	static const struct {
		const char *expr;
		int fail_at;
		const char *trace;
	} cases[] = {
		{ "host a or b", 1, "scode(a,-/-/host) => ERR: injected failure at 1" },
		{ "host a or b", 2,
		  "scode(a,-/-/host) scode(b,-/-/host) => ERR: injected failure at 2" },
		{ "host a or b", 3,
		  "scode(a,-/-/host) scode(b,-/-/host) or finish => ERR: injected failure at 3" },
		/* it replaces a lexer error reported before it */
		{ "host a ::1.2.3.999", 1,
		  "scode(a,-/-/host) => ERR: injected failure at 1" },
		{ "host a 99999999999", 2,
		  "scode(a,-/-/host) finish => ERR: injected failure at 2" },
		/* and wins over the syntax error found after it */
		{ "tcp )", 1, "proto(tcp) => ERR: injected failure at 1" },
		{ "tcp )", 2, "proto(tcp) finish => ERR: injected failure at 2" },
		{ "host a and 1 foo", 2,
		  "scode(a,-/-/host) loadi(1) => ERR: injected failure at 2" },
		{ "vlan 1 and host a", 1, "vlan(1,1) => ERR: injected failure at 1" },
		{ "reason 1", 1, "pf_reason(1) => ERR: injected failure at 1" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		CHECK_STR(trace_parse(cases[i].expr, cases[i].fail_at),
			  cases[i].trace);
}

/* libpcap's parser stack holds 10000 entries. */
static char *repeat(const char *head, const char *unit, int n,
		    const char *mid, const char *close, int m)
{
	size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(mid) +
		     strlen(close) * (size_t)m + 1;
	char *s = malloc(len), *p = s;

	if (s == NULL)
		abort();
	p += sprintf(p, "%s", head);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s", unit);
	p += sprintf(p, "%s", mid);
	for (int i = 0; i < m; i++)
		p += sprintf(p, "%s", close);
	return s;
}

static void check_deep(const char *head, const char *unit, int n,
		       const char *mid, const char *close, int m,
		       const char *want_end)
{
	char *e = repeat(head, unit, n, mid, close, m);
	const char *got = trace_parse(e, 0);
	size_t gl = strlen(got), wl = strlen(want_end);

	if (gl < wl || strcmp(got + gl - wl, want_end) != 0) {
		char msg[512];

		snprintf(msg, sizeof msg, "%s%s x%d %s: got ...\"%.120s\", want ...\"%s\"",
			 head, unit, n, mid, gl > 120 ? got + gl - 120 : got, want_end);
		check_fail(__FILE__, __LINE__, msg);
	}
	free(e);
}

static void test_stack_limit(void)
{
	check_deep("", "(", 9995, "1", ")", 9995, "loadi(1) " SYNTAX);
	check_deep("", "(", 9996, "1", ")", 9996, EXHAUSTED);
	check_deep("", "(", 9993, "1) > (0", ")", 9993, "rel(jgt,0) finish => OK");
	check_deep("", "(", 9995, "1) > (0", ")", 9995, "loadi(1) " EXHAUSTED);
	check_deep("", "not ", 9996, "tcp", "", 0, "not finish => OK");
	check_deep("", "not ", 9997, "tcp", "", 0, "=> ERR: can't parse filter "
		   "expression: memory exhausted");
	check_deep("", "- ", 9996, "1 > 0", "", 0, "neg loadi(0) rel(jgt,0) finish => OK");
	check_deep("", "- ", 9997, "1 > 0", "", 0, EXHAUSTED);
	check_deep("", "1 % ", 4998, "1 > 0", "", 0, "arth(mod) loadi(0) rel(jgt,0) finish => OK");
	check_deep("", "1 % ", 4999, "1 > 0", "", 0, "loadi(1) " EXHAUSTED);
	check_deep("host ", "(", 9995, "a", ")", 9995, SYNTAX);
	check_deep("host (", "not ", 9994, "a)", "", 0, "not finish => OK");
	check_deep("host (", "not ", 9995, "a)", "", 0, EXHAUSTED);
	/* before the error, libpcap's parser assumes an empty qualifier */
	check_deep("", "(", 9997, "", "", 0, EXHAUSTED);
	check_deep("", "(", 9996, "", "", 0, SYNTAX);
	check_deep("", "(", 9995, "src", "", 0, SYNTAX);
	check_deep("", "(", 9996, "src", "", 0, EXHAUSTED);
	check_deep("", "(", 9994, "src host a", ")", 9994, "scode(a,-/src/host) finish => OK");
	/* a lexer error reported first still wins */
	check_deep("", "(", 9996, "::1.2.3.999", ")", 9996,
		   "=> ERR: bogus IPv6 address ::1.2.3.999");
	/* long flat expressions need no depth */
	check_deep("host a", " or b", 20000, "", "", 0, "or finish => OK");
	check_deep("vpi (1", " or 2", 20000, ")", "", 0, "or finish => OK");
}

static int trace_lines(int fail_at)
{
	static char line[1 << 20];

	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		puts(trace_parse(line, fail_at));
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--trace") == 0)
		return trace_lines(argc > 2 ? atoi(argv[2]) : 0);
	RUN(test_empty);
	RUN(test_keywords);
	RUN(test_numbers);
	RUN(test_addresses);
	RUN(test_operators);
	RUN(test_qualifiers);
	RUN(test_inheritance);
	RUN(test_boolean_structure);
	RUN(test_arithmetic);
	RUN(test_other_primitives);
	RUN(test_wlan_and_llc);
	RUN(test_atm_and_ss7);
	RUN(test_error_messages);
	RUN(test_failing_actions);
	RUN(test_stack_limit);
	CHECK_EXIT();
}
