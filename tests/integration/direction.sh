#!/bin/bash
# direction.sh [-S] BUILD_DIR: pcap_setdirection on a veth end that sends
# and receives: IN gets what arrives, OUT what leaves, INOUT (and no call)
# both; ps_recv still counts both, as libpcap sorts directions after the
# kernel has counted.  On loopback, where the kernel shows every frame
# leaving and arriving, a frame is captured once.  Every scenario runs on
# the system libpcap and on ours; both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail direction-setup "cannot make the namespaces"; finish; }
ip -n "$ns_b" link set lo up

# run WHICH DIRECTION FIRST: frames leave $if_b (numbers from 100) and
# arrive from $if_a; FIRST (in or out) goes first, the other carries the
# last frame.
run() {
	local w=$1 d=$2 first=$3 tag=$1-$2 opt=()
	[ "$d" != default ] && opt=(-D "$d")
	start_probe "$tag" "$w" "$ns_b" -n -e "${opt[@]}" "$if_b"
	wait_ready "$tag"
	if [ "$first" = out ]; then
		send "$ns_b" "$tag.out" -s 100 -d "$mac_a" ipv4 arp vlan ipv6@99
		send "$ns_a" "$tag.in" -d "$mac_b" -E ipv4 bcast vlan ipv4@77
	else
		send "$ns_a" "$tag.in" -d "$mac_b" ipv4 bcast vlan ipv4@77
		send "$ns_b" "$tag.out" -s 100 -d "$mac_a" -E ipv4 arp vlan ipv6@99
	fi
	wait_probe
}

# loopback WHICH DIRECTION: frames sent on lo.
run_lo() {
	local w=$1 tag=$1-lo-$2 opt=()
	[ "$2" != default ] && opt=(-D "$2")
	start_probe "$tag" "$w" "$ns_b" -n -e "${opt[@]}" lo
	wait_ready "$tag"
	ip netns exec "$ns_b" "$sender" -i lo -d 00:00:00:00:00:00 -E \
		ipv4 ipv6 ipv4@1000 ipv4 >"$tmp/$tag.sent"
	wait_probe
}

for w in sys ours; do
	run "$w" in out
	run "$w" out in
	run "$w" inout out
	run "$w" default out
	run_lo "$w" default
	run_lo "$w" in
done

# got WHICH DIRECTION FILES...: exactly the frames of FILES, in order,
# whole; the probe stopped at the last one.
got() {
	local w=$1 d=$2
	shift 2
	frames_equal "$w" "$d" "$@" && ended "$w" "$d" marker
}
dir_in() { got "$1" in "$tmp/$1-in.in.sent"; }
dir_out() { got "$1" out "$tmp/$1-out.out.sent"; }
dir_inout() { got "$1" inout "$tmp/$1-inout.out.sent" "$tmp/$1-inout.in.sent"; }
dir_default() { got "$1" default "$tmp/$1-default.out.sent" "$tmp/$1-default.in.sent"; }
check direction-in dir_in
check direction-out dir_out
check direction-inout dir_inout
check direction-default-is-inout dir_default

# The kernel counts 8 frames whatever the direction asked for.
recv_both() {
	local d
	for d in in out inout; do
		grep -qx 'stats = 0 recv 8 drop 0 ifdrop 0' "$tmp/$1-$d.out" ||
			{ echo "$d: $(grep '^stats' "$tmp/$1-$d.out")"; return 1; }
	done
}
check direction-stats-count-both-ways recv_both

lo_once() {
	got "$1" lo-default "$tmp/$1-lo-default.sent" &&
		got "$1" lo-in "$tmp/$1-lo-in.sent" && ts_ok "$1" lo-default 9
}
check direction-loopback-once lo_once

right_libraries direction-right-libraries
same_output direction-same-as-libpcap in out inout default lo-default lo-in
finish
