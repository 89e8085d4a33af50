#!/bin/bash
# tests/fuzz/run.sh BUILD_DIR [SECONDS]: build the libFuzzer targets, replay
# every saved regression input, then fuzz each target for SECONDS from a
# seed corpus made of the shared captures.  PASS/FAIL per target and step.
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-15}
here=$(cd "$(dirname "$0")" && pwd)
shared=${ACCEL_SHARED:-$here/../../../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

if ! make -C "$build" -s fuzz >"$tmp/build.log" 2>&1; then
	echo "FAIL fuzz-build: $(tail -5 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi
echo "PASS fuzz-build"

# seed TARGET DIR: starting inputs shaped the way each target expects.
seed() {
	local target=$1 dir=$2 f i=0
	mkdir -p "$dir"
	case $target in
	fuzz-pcap)	# one selector byte, then the file after its magic
		for f in "$shared"/tcpdump-tests/data/*.pcap; do
			i=$((i + 1))
			[ $((i % 7)) -eq 0 ] || continue
			{ printf "\\x0$((i % 6))"; tail -c +5 "$f" | head -c 65536; } >"$dir/$i"
		done ;;
	fuzz-pcapng)	# the file after its block type
		for f in "$shared"/tcpdump-tests/data/*.pcapng "$shared"/libpcap-tests/savefiles/*.pcapng; do
			i=$((i + 1))
			tail -c +5 "$f" | head -c 65536 >"$dir/$i"
		done ;;
	fuzz-compile)	# link type byte, then an expression of the corpus
		grep -hv '^[[:space:]]*[#@]' "$here"/../compat/filters/*.txt | grep . |
		while IFS= read -r f; do
			i=$((i + 1))
			[ $((i % 5)) -eq 0 ] || continue
			{ printf "\\x$(printf %02x $((i % 40)))"; printf %s "$f"; } >"$dir/$i"
		done ;;
	fuzz-jit)	# program bytes then packet: slices of the shared captures
		for f in "$shared"/tcpdump-tests/data/*.pcap; do
			i=$((i + 1))
			[ $((i % 11)) -eq 0 ] || continue
			tail -c +25 "$f" | head -c 1024 >"$dir/$i"
		done ;;
	esac
}

# Without a network namespace of its own, a name in a fuzzed filter could
# wait on DNS; unshare -n (root) makes every lookup fail at once.
isolate=()
unshare -n true 2>/dev/null && isolate=(unshare -n)

for target in fuzz-pcap fuzz-pcapng fuzz-compile fuzz-jit; do
	if [ $target = fuzz-compile ] && [ ${#isolate[@]} -eq 0 ]; then
		echo "SKIP fuzz-compile: needs unshare -n (root) to keep name lookups off the network"
		continue
	fi
	bin=$build/tests/fuzz/$target
	regressions=$(find "$here/regressions/$target" -type f ! -name .keep 2>/dev/null)
	if [ -n "$regressions" ]; then
		if "${isolate[@]}" "$bin" $regressions >"$tmp/$target.replay" 2>&1; then
			echo "PASS $target-regressions ($(echo "$regressions" | wc -l) inputs)"
		else
			echo "FAIL $target-regressions: $(grep -m1 'ERROR' "$tmp/$target.replay")"
			failed=1
		fi
	fi
	seed "$target" "$tmp/corpus-$target"
	if (cd "$tmp" && "${isolate[@]}" "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 "$tmp/corpus-$target" \
		>"$tmp/$target.log" 2>&1); then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$target.log")
		echo "PASS $target ($seconds s, $execs executions)"
	else
		echo "FAIL $target: $(grep -m1 -E 'ERROR|SUMMARY' "$tmp/$target.log")"
		grep -A3 -m1 'Test unit written' "$tmp/$target.log" | sed 's/^/    /'
		cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/oom-* "$tmp"/timeout-* "$build/" 2>/dev/null &&
			echo "    crashing input copied to $build/"
		failed=1
	fi
done
exit $failed
