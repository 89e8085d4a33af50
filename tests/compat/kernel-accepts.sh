#!/bin/bash
# tests/compat/kernel-accepts.sh BUILD_DIR [CORPUS.txt...]: the Linux
# kernel's classic BPF checker must take every program our pcap_compile
# produces.  tests/compat/kernel-accepts compiles each expression of the
# corpus (tests/compat/filters/*.txt, every link type it names, optimized
# and not) and big generated host/port/net lists, attaches the program to
# a UDP socket with SO_ATTACH_FILTER, and checks that bpf_dump's -d, -dd
# and -ddd texts parse back to the same program (the parsed -dd program
# is attached too).  The system libpcap runs the same expressions: a
# program the kernel refuses from both libraries (libpcap's protochain
# loops jump backwards, very long programs) is counted, not failed; one
# refused only from ours, or a dump that does not parse back, fails.
# One PASS/FAIL line per (corpus file, variant); exits non-zero on any
# failure.
# -S: the system library on both sides (checks the harness itself).
set -u
ours_lib=
[ "${1:-}" = -S ] && { ours_lib=system; shift; }
build=$(cd "${1:?usage: kernel-accepts.sh [-S] BUILD_DIR [CORPUS...]}" && pwd)
[ -z "$ours_lib" ] && ours_lib=$build
shift
here=$(cd "$(dirname "$0")" && pwd)
checker=$build/tests/compat/kernel-accepts
probe=$build/tests/compat/probe-filter
failed=0

if [ ! -x "$checker" ] || [ ! -x "$probe" ] || [ ! -e "$build/libpcap.so.0.8" ]; then
	echo "FAIL kernel-accepts: $checker, $probe or $build/libpcap.so.0.8 missing"
	exit 1
fi
if [ $# -gt 0 ]; then corpora=("$@"); else corpora=("$here"/filters/*.txt); fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_group NAME: compares $tmp/sys and $tmp/ours (lines "SEQ STATUS ...",
# one block per link type, each line prefixed by the link type).
check_group() {
	local name=$1 res
	res=$(awk -F'\t' '
		FILENAME == ARGV[1] { sys[$1 FS $2] = $3; next }
		{
			k = $1 FS $2; n++; seen[k] = 1
			if ($3 == "OK") ok++
			else if ($3 == "ERR") { if (sys[k] == "OK" || sys[k] == "BAD") notours++ }
			else if ($3 == "BAD" && sys[k] == "BAD") both++
			else {
				bad++
				if (bad <= 5) detail = detail "\n    " $1 ": " $0 \
					(sys[k] == "" ? "" : "  (system: " sys[k] ")")
			}
		}
		END {
			for (k in sys) if (!(k in seen)) { bad++; missing++ }
			if (missing) detail = detail "\n    " missing " expressions missing from our output (crash?)"
			printf "%d %d %d %d %d%s", n, ok, both, notours, bad, detail
		}' \
		"$tmp/sys" "$tmp/ours")
	local n ok both notours bad
	read -r n ok both notours bad <<<"$(head -1 <<<"$res")"
	if [ "$bad" -gt 0 ]; then
		echo "FAIL $name: $bad of $n programs refused or not parsed back$(tail -n +2 <<<"$res" | sed 's/\t/ /g')"
		return 1
	fi
	if [ "$ok" -eq 0 ]; then
		echo "FAIL $name: no program of ours to check ($n expressions, $notours compiled only by the system library)"
		return 1
	fi
	echo "PASS $name ($ok programs accepted; $both refused from both libraries; $notours not compiled by ours)"
}

# run_checker LIB OUT ARGS...: one kernel-accepts run, lines prefixed by
# the link type given with -d.
run_checker() {
	local lib=$1 out=$2 dlt
	shift 2
	dlt=$(awk '{ for (i = 1; i < NF; i++) if ($i == "-d") print $(i + 1) }' <<<"$*")
	if [ -n "$lib" ] && [ "$lib" != system ]; then
		LD_LIBRARY_PATH=$lib "$checker" "$@" 2>&1
	else
		"$checker" "$@" 2>&1
	fi | sed "s/^/$dlt\t/" >>"$out"
}

for c in "${corpora[@]}"; do
	names=$(sed -n 's/^[[:space:]]*@dlt[[:space:]]//p' "$c" | tr -s ' \t' '\n\n' |
		grep . | sort -u)
	for variant in opt unopt; do
		args=()
		[ $variant = unopt ] && args=(-O0)
		: >"$tmp/sys"
		: >"$tmp/ours"
		for d in $names; do
			run_checker "" "$tmp/sys" "${args[@]}" -d "$d" -c "$c"
			run_checker "$ours_lib" "$tmp/ours" "${args[@]}" -d "$d" -c "$c"
		done
		check_group "$(basename "$c" .txt) $variant" || failed=1
	done
done

# Big generated expressions: lists of hosts, ports, nets, IPv6 hosts.
for variant in opt unopt; do
	args=()
	[ $variant = unopt ] && args=(-O0)
	: >"$tmp/sys"
	: >"$tmp/ours"
	for spec in hosts:10 hosts:40 hosts:100 hosts:250 hostlist:100 hostlist:300 \
		ports:50 ports:300 nets:50 nets:200 ip6hosts:20 ip6hosts:60 mixed:30 mixed:100; do
		for d in EN10MB LINUX_SLL RAW; do
			run_checker "" "$tmp/sys" "${args[@]}" -d "$d" -g "$spec"
			run_checker "$ours_lib" "$tmp/ours" "${args[@]}" -d "$d" -g "$spec"
		done
	done
	# Sequence numbers restart per run: make them unique.
	awk -F'\t' 'BEGIN { OFS = "\t" } { $2 = NR; print }' "$tmp/sys" >"$tmp/s" && mv "$tmp/s" "$tmp/sys"
	awk -F'\t' 'BEGIN { OFS = "\t" } { $2 = NR; print }' "$tmp/ours" >"$tmp/o" && mv "$tmp/o" "$tmp/ours"
	check_group "big-lists $variant" || failed=1
done
# The real tcpdump on our library: -d, -dd and -ddd well-formed, the -dd
# program taken by the kernel, and the same texts as on the stock library
# where our optimizer makes libpcap's program (everything but big lists).
tcpdump_texts() {	# LIBDIR OUTPREFIX EXPR: the three dumps
	local lib=$1 out=$2 expr=$3 opt
	for opt in d dd ddd; do
		LD_LIBRARY_PATH=$lib tcpdump -r "$tmp/empty.pcap" -$opt "$expr" \
			>"$out.$opt" 2>"$out.err" || return 1
	done
}
# (No protochain: its loop jumps backwards, which the kernel refuses from
# libpcap's program and from ours alike.)
tcpdump_filters() {
	local i
	cat <<-'LIST'
	tcp port 80
	host 198.18.0.1 and not port 22
	ip[2:2] > 576
	tcp[tcpflags] & (tcp-syn|tcp-fin) != 0
	icmp6 and ip6[40] == 128
	vlan 100 and ip
	mpls and udp
	pppoes 0x3b and ip
	geneve and tcp
	ether multicast or ether broadcast
	sctp or (udp and ip6[6] == 17)
	len >= 100 and udp
	not (src net 198.18.0.0/15 or dst portrange 1-1024)
	LIST
	# A block list: 1,000 hosts.
	for i in $(seq 1 999); do
		printf 'host 198.18.%d.%d or ' $((i / 250)) $((i % 250 + 1))
	done
	echo 'host 198.19.0.1'
}
if ! command -v tcpdump >/dev/null; then
	echo "FAIL tcpdump-dumps: tcpdump is not installed"
	failed=1
else
	# An empty EN10MB savefile to compile against.
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\x00\x00\x04\x00\x01\0\0\0' \
		>"$tmp/empty.pcap"
	n=0 bad=0 detail=
	while IFS= read -r expr; do
		n=$((n + 1))
		if ! tcpdump_texts "$build" "$tmp/t" "$expr"; then
			bad=$((bad + 1))
			detail="$detail; tcpdump failed on '${expr:0:60}': $(head -c 200 "$tmp/t.err")"
			continue
		fi
		res=$("$checker" -t "$tmp/t.d" "$tmp/t.dd" "$tmp/t.ddd")
		if [ "${res%% *}" != OK ]; then
			bad=$((bad + 1)) detail="$detail; '${expr:0:60}': $res"
			continue
		fi
		[ ${#expr} -gt 200 ] && continue	# set trees: not libpcap's program
		tcpdump_texts "" "$tmp/s" "$expr" || continue
		for opt in d dd ddd; do
			cmp -s "$tmp/t.$opt" "$tmp/s.$opt" && continue
			bad=$((bad + 1)) detail="$detail; '$expr' -$opt differs from stock tcpdump"
		done
	done < <(tcpdump_filters)
	if [ $bad -eq 0 ]; then
		echo "PASS tcpdump-dumps ($n filters: tcpdump -d/-dd/-ddd well-formed, the kernel takes -dd, same text as stock)"
	else
		echo "FAIL tcpdump-dumps: $bad failed of $n filters$detail"
		failed=1
	fi
fi
exit $failed
