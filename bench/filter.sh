#!/bin/bash
# bench/filter.sh [BUILD_DIR] [PACKETS]: filter speed.  bench/filter times
# seven typical filters over one generated mixed capture (system libpcap,
# our interpreter, our JIT; see bench/filter.c); then the same capture as a savefile
# through the whole process,
#   tcpdump -r big.pcap -w /dev/null '<100-host OR list>'
# stock vs ours (median of 5 alternating runs, and ACCEL_JIT=0 for ours).
# Environment: BENCH_DIR (where the capture is kept).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
packets=${2:-1000000}
dir=${BENCH_DIR:-$build/bench-data}
big=$dir/filter-mix-$packets.pcap

"$build/bench/filter" "$build" "$packets"

mkdir -p "$dir"
[ -s "$big" ] || "$build/bench/filter" --write "$big" "$packets"
cat "$big" >/dev/null	# page cache warm for both libraries
hosts=$("$build/bench/filter" --hosts)

# run LIB [ENV...]: one tcpdump run; prints "wall cpu" seconds.
run() {
	local lib=$1 TIMEFORMAT='%3R %3U %3S'
	shift
	if [ "$lib" = ours ]; then
		{ time env LD_LIBRARY_PATH="$build" "$@" tcpdump -r "$big" -w /dev/null "$hosts" \
			>/dev/null 2>&1; } 2>"$dir/time"
	else
		{ time tcpdump -r "$big" -w /dev/null "$hosts" >/dev/null 2>&1; } 2>"$dir/time"
	fi
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$dir/time"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Same packets kept by both before any timing.
want=$(tcpdump -r "$big" -w - "$hosts" 2>/dev/null | tcpdump -nn -r - 2>/dev/null | wc -l)
got=$(LD_LIBRARY_PATH=$build tcpdump -r "$big" -w - "$hosts" 2>/dev/null |
	tcpdump -nn -r - 2>/dev/null | wc -l)
if [ "$want" != "$got" ]; then
	echo "bench/filter: tcpdump kept $want packets with stock, $got with ours" >&2
	exit 1
fi

: >"$dir/stock.t"; : >"$dir/jit.t"; : >"$dir/interp.t"
for r in 1 2 3 4 5; do
	run stock >>"$dir/stock.t"
	run ours >>"$dir/jit.t"
	run ours ACCEL_JIT=0 >>"$dir/interp.t"
done
echo
echo "tcpdump -r big.pcap -w /dev/null '<100-host list>' ($packets packets, $want kept; median of 5, seconds)"
echo
echo "| library            | wall   | cpu    |"
echo "|--------------------|-------:|-------:|"
for t in stock jit interp; do
	printf '| %-18s | %6s | %6s |\n' "$(case $t in stock) echo "stock libpcap";;
		jit) echo "ours (JIT)";; interp) echo "ours (ACCEL_JIT=0)";; esac)" \
		"$(cut -d' ' -f1 "$dir/$t.t" | median)" "$(cut -d' ' -f2 "$dir/$t.t" | median)"
done
