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
	fuzz-conf)	# selector byte: a name, a file's text, environment lines
		printf '\x00accel:eth0:eth1' >"$dir/1"
		printf '\x00accel/site.conf:eth0' >"$dir/2"
		printf '\x01# x\ngroup = 7\nfanout = lb+defrag\n[eth0]\nrx_slots = 4096\n' >"$dir/3"
		printf '\x01computation = ip >-> steer_flow\nxdp_queues = 0-3,8\n' >"$dir/4"
		printf '\x02ACCEL_GROUP=3\nACCEL_BLOCK_TIMEOUT_MS=5ms\nACCEL_XDP_MODE=skb' >"$dir/5" ;;
	fuzz-computation)	# computations
		i=0
		for f in 'ip >-> steer_flow' 'udp >-> sample 4' 'when tcp (drop) >-> steer_ip' \
			'conditional ip6 (steer_flow) (steer_mac)' 'filter "port 53" >-> snap 64' \
			'not (src_addr 10.0.0.0/8 or dst_port 80) >-> steer_field 26 4' \
			'unless vlan (steer_rrobin)'; do
			i=$((i + 1))
			printf %s "$f" >"$dir/$i"
		done ;;
	esac
}

# Without a network namespace of its own, a name in a fuzzed filter could
# wait on DNS; unshare -n (root) makes every lookup fail at once.
isolate=()
unshare -n true 2>/dev/null && isolate=(unshare -n)

for target in fuzz-pcap fuzz-pcapng fuzz-compile fuzz-jit fuzz-conf \
	fuzz-computation; do
	if { [ $target = fuzz-compile ] || [ $target = fuzz-computation ]; } &&
	   [ ${#isolate[@]} -eq 0 ]; then
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
		# libFuzzer's last status line: edges covered (cov), features
		# (ft) and the corpus it grew (corp: inputs/bytes).
		cov=$(grep -E '^#[0-9]+.*cov: ' "$tmp/$target.log" | tail -1 |
			grep -oE '(cov|ft|corp): [^ ]+' | tr '\n' ' ')
		echo "PASS $target ($seconds s, $execs executions; ${cov% })"
	else
		echo "FAIL $target: $(grep -m1 -E 'ERROR|SUMMARY' "$tmp/$target.log")"
		grep -A3 -m1 'Test unit written' "$tmp/$target.log" | sed 's/^/    /'
		cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/oom-* "$tmp"/timeout-* "$build/" 2>/dev/null &&
			echo "    crashing input copied to $build/"
		failed=1
	fi
done
exit $failed
