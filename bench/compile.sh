#!/bin/bash
# bench/compile.sh [BUILD_DIR]: pcap_compile on big filters, stock libpcap
# vs ours in the same run.  bench/compile-time compiles each case (OR-lists
# of N hosts from 198.18.0.0/15, of N ports, and mixed lists) in a child
# process, once on the system library and once on ours (LD_LIBRARY_PATH),
# and this prints compile seconds and program length side by side.
# The stock library is quadratic and worse on these; it gets a per-case
# limit (BENCH_TIMEOUT, default 150 s) and prints "timeout" past it, or
# "crash" when it dies (here, 10,000 hosts ran out of time first, at 10 GB).
# Environment: BENCH_CASES (default below), BENCH_TIMEOUT.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
prog=$build/bench/compile-time
limit=${BENCH_TIMEOUT:-150}
cases=${BENCH_CASES:-"hosts:100 hosts:400 hosts:1000 hosts:10000 ports:100 ports:300 mixed:100 mixed:300"}

[ -x "$prog" ] || { echo "build it first: make -C $build check TESTS=" >&2; exit 1; }
[ -e "$build/libpcap.so.0.8" ] || { echo "no $build/libpcap.so.0.8" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every case on both sides, each cut off at the limit.
"$prog" -t "$limit" $cases >"$tmp/stock"
LD_LIBRARY_PATH=$build "$prog" -t "$limit" $cases >"$tmp/ours"

# speed OURS_S STOCK_S: how many times faster, ">N" when stock gave up.
speed() {
	awk -v o="$1" -v s="$2" -v lim="$limit" 'BEGIN {
		if (o !~ /^[0-9.]+$/) { print "-"; exit }
		if (o < 0.0001) o = 0.0001
		if (s ~ /^[0-9.]+$/) printf "%.0fx\n", s / o
		else printf ">%.0fx\n", lim / o
	}'
}

printf '%-13s %10s %7s   %10s %7s   %s\n' case "stock s" insns "ours s" insns faster
paste -d'|' "$tmp/stock" "$tmp/ours" | while IFS='|' read -r stock ours; do
	read -r name s_t s_n <<<"$stock"
	read -r _ o_t o_n <<<"$ours"
	[[ $s_t =~ ^[0-9.]+$ ]] || s_n=-
	[[ $o_t =~ ^[0-9.]+$ ]] || o_n=-
	printf '%-13s %10s %7s   %10s %7s   %s\n' "$name" "$s_t" "$s_n" \
		"$o_t" "$o_n" "$(speed "$o_t" "$s_t")"
done
