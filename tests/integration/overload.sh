#!/bin/bash
# overload.sh [-S] BUILD_DIR: every backend at the generator's full rate
# (bench/live-gen: 200,000 frames as fast as the VM sends them) into a
# tiny buffer, a reader taking them as fast as it can: the frames the
# device received = captured + ps_drop, exactly, and some were dropped
# (else the test proves nothing).  tpacket on the plain device and on
# accel:, xdp and bpfring.  -S: the plain device on the system libpcap.
. "$(dirname "$0")/lib.sh"

gen=$build/bench/live-gen
[ -x "$gen" ] || { fail overload "$gen missing (make check TESTS=)"; finish; }
setup_pair || { fail overload-setup "cannot make the namespaces"; finish; }
ip netns exec "$ns_b" "$gen" -G "$if_b" >/dev/null 2>&1 || true
n=200000

rx_packets() {
	ip netns exec "$ns_b" cat "/sys/class/net/$if_b/statistics/rx_packets"
}

# flood NAME WHICH DEVICE [ARGS...] [-- VARIABLE...]
flood() {
	local name=$1 which=$2 dev=$3 rx0 rx1 got drop args=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	start_probe_env "$name" "$which" "$ns_b" "$@" -- -I 1500 -d 20000 \
		"${args[@]}" "$dev"
	wait_ready "$name" || { fail "overload-$name" "$(why_empty "$tmp/$name.out")"; return; }
	rx0=$(rx_packets)
	ip netns exec "$ns_a" "$gen" -i "$if_a" -d "$mac_b" -n "$n" >"$tmp/$name.gen" 2>&1
	wait_probe
	rx1=$(rx_packets)
	got=$(grep -c '^pkt ' "$tmp/$name.out")
	drop=$(stat_of "$tmp/$name.out" drop)
	if [ -z "$drop" ]; then
		fail "overload-$name" "no statistics: $(why_empty "$tmp/$name.out")"
	elif [ $((got + drop)) -ne $((rx1 - rx0)) ]; then
		fail "overload-$name" "received $((rx1 - rx0)), captured $got + dropped $drop = $((got + drop))"
	elif [ "$drop" -eq 0 ]; then
		fail "overload-$name" "nothing dropped (captured $got of $((rx1 - rx0))): not an overload"
	else
		pass "overload-$name"
	fi
}

flood plain sys "$if_b" -b 65536
if [ "$system_only" -eq 0 ]; then
	flood plain-ours ours "$if_b" -b 65536
	flood accel ours "accel:$if_b" -- ACCEL_BLOCK_SIZE=64K ACCEL_BLOCK_COUNT=2
	flood xdp ours "accel:$if_b" -- ACCEL_BACKEND=xdp ACCEL_RX_SLOTS=64
	flood bpfring ours "accel:$if_b" -- ACCEL_BACKEND=bpfring ACCEL_BPFRING_SIZE=64K
fi
finish
