#!/bin/bash
# names-diff.sh BUILD_DIR: DLT and time stamp names, pcap_nameto*, Ethernet
# addresses, /etc/ethers-format parsing and eproto_db answer the same on our
# library as on the system libpcap.  One PASS/FAIL line per scenario.
set -u
build=$(cd "${1:?usage: names-diff.sh BUILD_DIR}" && pwd)
shared=${ACCEL_SHARED:-/work/shared}
tests=$shared/libpcap-tests
probe=$build/tests/compat/probe-names
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
unset LD_LIBRARY_PATH	# the system run must load the system library

fail() {
	echo "FAIL names-$1: $2"
	failed=1
}

# compare NAME INPUT_FILE PROBE_ARGS...: run the probe on both libraries
# (stdin from INPUT_FILE), diff the outputs.  $wrap (if set) prefixes the
# command, e.g. to run it inside a private mount namespace.
compare() {
	local name=$1 input=$2
	shift 2
	${wrap:-} "$probe" "$@" <"$input" >"$tmp/sys.out" 2>&1
	echo "exit $?" >>"$tmp/sys.out"
	LD_LIBRARY_PATH=$build ${wrap:-} "$probe" "$@" <"$input" >"$tmp/ours.out" 2>&1
	echo "exit $?" >>"$tmp/ours.out"
	if [ "$(tail -n 1 "$tmp/sys.out")" != "exit 0" ]; then
		fail "$name" "the probe failed on libpcap: $(tail -n 3 "$tmp/sys.out" | tr '\n' ' ')"
	elif ! diff -u "$tmp/sys.out" "$tmp/ours.out" >"$tmp/diff"; then
		fail "$name" "output differs from libpcap:"
		head -20 "$tmp/diff" | sed 's/^/    /'
	elif [ "$(wc -l <"$tmp/sys.out")" -lt "${min_lines:-2}" ]; then
		fail "$name" "probe printed too little: $(head -3 "$tmp/sys.out")"
	else
		echo "PASS names-$name ($(($(wc -l <"$tmp/sys.out") - 1)) lines)"
	fi
}

if [ ! -x "$probe" ]; then
	fail build "$probe not built"
	exit 1
fi
if ! command -v jq >/dev/null; then
	fail inputs "jq is needed to read $tests/*.jsonl"
	exit 1
fi
: >"$tmp/empty"

# --- Tables -------------------------------------------------------------
min_lines=70000 compare dlt-values "$tmp/empty" dlt
min_lines=500 compare dlt-name-to-val "$tmp/empty" dltnames
compare tstamp "$tmp/empty" tstamp
min_lines=13 compare eproto-db "$tmp/empty" eproto_db

# --- Lookups ------------------------------------------------------------
# inputs_for CFUNC: the accepted aliases and rejected args of libpcap's own
# translation tests for one public function.
inputs_for() {
	jq -r --arg f "$1" 'select(.cfunc == $f) | .aliases[]? | tostring' \
		"$tests/translate-accept.jsonl"
	jq -r --arg f "$1" 'select(.cfunc == $f) | .arg // empty | tostring' \
		"$tests/translate-reject.jsonl"
}

# Every service and protocol name (and alias) the system knows.
services=$(sed 's/#.*//' /etc/services | awk 'NF >= 2 {print $1; for (i = 3; i <= NF; i++) print $i}' | sort -u)
protocols=$(sed 's/#.*//' /etc/protocols | awk 'NF >= 2 {print $1; for (i = 3; i <= NF; i++) print $i}' | sort -u)

{
	echo "$services"
	printf '%s\n' 80 0 65535 65536 -1 0x50 " 80" "80 " "" HTTP Http \
		nonexistent-service 1-2 "http/tcp" 99999999999
} >"$tmp/port.in"
{
	printf '%s\n' 1-2 20-21 0-65535 65535-0 -1-5 5--1 " 1-2" "1 -2" "1- 2" \
		1-2x 1-2-3 "" - 1- -2 abc ftp-data ftp-ssh http-https 80-http \
		domain-http http-domain domain-domain tftp-http echo-discard \
		nonexistent-http http-nonexistent 70000-80000 99999999999-1 \
		2147483647-2147483648 "http - https" ssh-
	echo "$services" | head -40
} >"$tmp/portrange.in"
{
	echo "$protocols"
	printf '%s\n' TCP Tcp "" nonexistent 6 " tcp" "tcp " ip IP ipv6
} >"$tmp/proto.in"
{
	inputs_for pcap_nametoeproto
	printf '%s\n' IP Arp " ip" "ip " ip4 ipv6 x iso stp
} >"$tmp/eproto.in"
{
	inputs_for pcap_nametollc
	printf '%s\n' ISO " iso" netbeuix ip arp
} >"$tmp/llc.in"
hosts=(localhost LOCALHOST 127.0.0.1 127.1 0x7f.1 0177.0.0.1 1.2.3.4
	255.255.255.255 256.1.1.1 1.2.3.4.5 ::1 fe80::1 "" " " runsc vm
	nonexistent.invalid "localhost." 10 4294967295 4294967296)
printf '%s\n' "${hosts[@]}" >"$tmp/addr.in"
printf '%s\n' default loopback LOOPBACK link-local "" nonexistent 127 \
	127.0.0.0 0 " loopback" >"$tmp/netaddr.in"
{
	inputs_for pcap_ether_aton
	printf '%s\n' 00:00:00:00:00:00 ff:ff:ff:ff:ff:ff FF-FF-FF-ff-ff-ff \
		0:1:2:3:4:5 f.f.f.f.f.f 1:2:3:4:5 1:2:3:4:5:6:7 "" : 1::2:3:4:5 1::2:3:4:5:6 \
		gg:hh:ii:jj:kk:ll 12:34:56:gb:cd:ef x2.34.56.ab.cd.ef 1x.2.3.4.5.6 \
		"1 2 3 4 5 6" 1:2:3:4:5:6: 0102.0304.0506 123456789abc \
		-1-2-3-4-5-6 ::1:2:3:4 a1b2c3d4e5f6 A1B2C3D4E5F6
} >"$tmp/aton.in"
{
	printf '%s\n' "" nonexistent localhost eth-noipv4-noipv6.host123.libpcap.test
	head -c 2000 /dev/zero | tr '\0' a
	echo
} >"$tmp/hostton.in"

compare port "$tmp/port.in" port
compare portrange "$tmp/portrange.in" portrange
compare proto "$tmp/proto.in" proto
compare eproto "$tmp/eproto.in" eproto
compare llc "$tmp/llc.in" llc
compare addr "$tmp/addr.in" addr
compare addrinfo "$tmp/addr.in" addrinfo
compare netaddr "$tmp/netaddr.in" netaddr
compare ether-aton "$tmp/aton.in" aton
compare ether-hostton "$tmp/hostton.in" hostton

# --- /etc/ethers-format files --------------------------------------------
e=$tmp/ethers
mkdir "$e"
printf '08:00:20:01:02:03 host1\naa:bb:cc:dd:ee:ff\thost2\n' >"$e/plain"
printf '# comment\n  # indented comment\n\n\t\r\n \n01:02:03:04:05:06 after-comments\n' >"$e/comments"
printf '\t 1:2:3:4:5:6 \t name2 trailing junk\r\n1:2:3:4:5:6\t\tcr\r\n' >"$e/spacing"
printf 'aa:bb short\nA:B:C:D:E:F upper\n' >"$e/short"
printf '11:22:33:44:55:66\nnextline rest\n' >"$e/addr-alone"
printf '11:22:33:44:55:66x bad\n7 short-after-bad\n' >"$e/leftover"
printf '1:2:3:4:5:6:7 seven\n1:2:3:4:5:6: colon\n1:2:3:4:5:6:\n' >"$e/seven"
printf '1:zz:3:4:5:6 z\n1:g:3:4:5:6 g\n123:4:5:6:7:8 three\n1:\nfoo bar\n' >"$e/nonhex"
printf '1:2:3:4:5:6 #comment\n1:2:3:4:5:6\t# also\n1:2:3:4:5:6 name#hash\n' >"$e/hash"
{
	printf '1:2:3:4:5:6 %s\n' "$(head -c 121 /dev/zero | tr '\0' n)"
	printf '1:2:3:4:5:7 %s\n' "$(head -c 122 /dev/zero | tr '\0' m)"
	printf '1:2:3:4:5:8 %s tail\n' "$(head -c 300 /dev/zero | tr '\0' l)"
	printf '1:2:3:4:5:9 %s\n' "$(head -c 120 /dev/zero | tr '\0' k)"
} >"$e/long"
printf '1:2:3:4:5:6 caf\xc3\xa9\n\xff:1 high\n1:2:3:4:5:6 a\x01b\n' >"$e/bytes"
printf 'aa:bb:cc:dd:ee:ff last-without-newline' >"$e/no-newline"
printf 'aa:bb:cc:dd:ee:ff' >"$e/addr-then-eof"
printf '# only a comment' >"$e/comment-then-eof"
printf '1:2:3:4:5:6 x\n- 1\n+1:2:3:4:5:6 plus\n' >"$e/junk-start"
printf '1:2:3:4:5:6 one\r\n\r\n2:2:3:4:5:6 two\r\n' >"$e/crlf"
: >"$e/empty"
for f in "$e"/*; do
	min_lines=2 compare "etherent-$(basename "$f")" "$tmp/empty" etherent "$f"
done
min_lines=4 compare etherent-all-files "$tmp/empty" etherent "$e"/*

# --- With libpcap's test names in /etc/{ethers,hosts,networks} ---------------
# A private mount namespace gets a copy of /etc holding the fixture lines,
# so ether_hostton, nametoaddr and nametonetaddr resolve real names.
fixtures=$tests/name-fixtures.json
etc=$tmp/etc
in_ns() { unshare -m sh -c 'mount --bind "$0" /etc && exec "$@"' "$etc" "$@"; }
if mkdir "$etc" && cp -a /etc/. "$etc"/ 2>/dev/null && in_ns true 2>/dev/null; then
	for db in ethers hosts networks; do
		jq -r --arg db "$db" '.[$db][]' "$fixtures" >>"$etc/$db"
	done
	# Names follow the address in ethers and hosts, lead in networks.
	jq -r '(.ethers[], .hosts[] | split(" ")[1:][]),
	       (.networks[] | split(" ")[0])' "$fixtures" |
		sort -u >"$tmp/fixture-names.in"
	printf '%s\n' nonexistent.libpcap.test "" >>"$tmp/fixture-names.in"
	wrap=in_ns
	for f in hostton addr addrinfo netaddr; do
		compare "fixtures-$f" "$tmp/fixture-names.in" "$f"
	done
	unset wrap
	# The fixtures must actually resolve, or the comparison proves little.
	ethers=$(in_ns "$probe" hostton <"$tmp/fixture-names.in" | grep -c -v '(null)')
	nets=$(in_ns "$probe" netaddr <"$tmp/fixture-names.in" | grep -c -v ' 00000000$')
	if [ "$ethers" -ge 7 ] && [ "$nets" -ge 3 ]; then
		echo "PASS names-fixtures-resolve ($ethers ethers names, $nets networks)"
	else
		fail fixtures-resolve "only $ethers ethers names and $nets networks resolved in the namespace"
	fi
else
	echo "SKIP names-fixtures: cannot bind-mount /etc in a private mount namespace (needs root)"
fi
exit $failed
