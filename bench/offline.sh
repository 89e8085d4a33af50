#!/bin/bash
# bench/offline.sh [BUILD_DIR] [ROUNDS]: reading a big savefile, stock
# libpcap vs ours in the same run.  Generates a 5-million-packet capture of
# 64-byte frames (bench/gen-pcap), then alternates the two libraries under
#   tcpdump -r big.pcap -w /dev/null      (read + dump, whole process)
#   bench/pcap-count big.pcap             (read only)
# and prints median wall and CPU seconds and the stock/ours ratio.
# Environment: BENCH_DIR (where big.pcap is kept), BENCH_PACKETS, BENCH_SIZE.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
rounds=${2:-5}
dir=${BENCH_DIR:-$build/bench-data}
packets=${BENCH_PACKETS:-5000000}
size=${BENCH_SIZE:-64}
big=$dir/big-$packets-$size.pcap

mkdir -p "$dir"
[ -s "$big" ] || "$build/bench/gen-pcap" "$big" "$packets" "$size" plain
cat "$big" >/dev/null	# page cache warm for both libraries

# measure LIB CMD...: one run; prints "wall cpu" in seconds (ms resolution).
measure() {
	local lib=$1 TIMEFORMAT='%3R %3U %3S'
	shift
	if [ "$lib" = ours ]; then
		{ time LD_LIBRARY_PATH=$build "$@" >/dev/null 2>&1; } 2>"$dir/time"
	else
		{ time "$@" >/dev/null 2>&1; } 2>"$dir/time"
	fi
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$dir/time"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# bench NAME CMD...: ROUNDS alternating runs; prints one result row.
bench() {
	local name=$1 r lib
	shift
	: >"$dir/stock.t"
	: >"$dir/ours.t"
	for r in $(seq "$rounds"); do
		for lib in $( [ $((r % 2)) -eq 0 ] && echo "stock ours" || echo "ours stock"); do
			measure "$lib" "$@" >>"$dir/$lib.t"
		done
	done
	local sw sc ow oc
	sw=$(cut -d' ' -f1 "$dir/stock.t" | median)
	sc=$(cut -d' ' -f2 "$dir/stock.t" | median)
	ow=$(cut -d' ' -f1 "$dir/ours.t" | median)
	oc=$(cut -d' ' -f2 "$dir/ours.t" | median)
	printf '| %-34s | %8s | %8s | %8s | %8s | %6.2fx | %6.2fx |\n' "$name" \
		"$sw" "$ow" "$sc" "$oc" \
		"$(echo "$sw / $ow" | bc -l)" "$(echo "$sc / $oc" | bc -l)"
}

# Both libraries must agree on what they read before timing means anything.
want=$("$build/bench/pcap-count" "$big")
got=$(LD_LIBRARY_PATH=$build "$build/bench/pcap-count" "$big")
if [ "$want" != "$got" ]; then
	echo "bench/offline: results differ: stock '$want', ours '$got'" >&2
	exit 1
fi

echo "$packets packets of $size bytes ($(du -h "$big" | cut -f1)), $rounds rounds, medians, seconds"
echo
echo "| command                            | stock wall | ours wall | stock cpu | ours cpu | wall ratio | cpu ratio |"
echo "|------------------------------------|-----------:|----------:|----------:|---------:|-----------:|----------:|"
bench "tcpdump -r big.pcap -w /dev/null" tcpdump -r "$big" -w /dev/null
bench "pcap-count big.pcap" "$build/bench/pcap-count" "$big"
