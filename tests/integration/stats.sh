#!/bin/bash
# stats.sh [-S] BUILD_DIR: pcap_stats after a forced overflow (a small
# buffer, the reader paused while 2000 frames arrive): as on libpcap,
# ps_recv counts every frame the kernel handed the socket, dropped or not,
# ps_drop those it had no room for, so captured + ps_drop == ps_recv ==
# sent; what was captured is the first frames, in order.  A filtered
# capture counts only what passed.  Each side is judged by those rules
# (the sizes of the two libraries' buffers may differ).
. "$(dirname "$0")/lib.sh"

setup_pair || { fail stats-setup "cannot make the namespaces"; finish; }
n=2000

# overflow WHICH: pause the reader, send, then read until nothing comes.
run_overflow() {
	local w=$1 tag=$1-overflow
	rm -f "$tmp/go"
	start_probe "$tag" "$w" "$ns_b" -b 1 -g "$tmp/go" -I 500 "$if_b"
	wait_ready "$tag"
	send "$ns_a" "$tag" -q -d "$mac_b" -n "$n" ipv4@1000 ipv4@1400 vlan@800
	touch "$tmp/go"
	wait_probe
}

# filtered WHICH: 30 frames, a filter lets 10 through (and the last).
run_filtered() {
	start_probe "$1-filtered" "$1" "$ns_b" -e -f arp "$if_b"
	wait_ready "$1-filtered"
	send "$ns_a" "$1-filtered" -d "$mac_b" -n 30 ipv4 arp ipv6
	send "$ns_a" "$1-filtered.end" -s 100 -d "$mac_b" -E arp
	wait_probe
}

# idle WHICH: statistics of a handle that saw nothing.
run_idle() {
	start_probe "$1-idle" "$1" "$ns_b" -N -I 200 "$if_b"
	wait_probe
}

for w in sys ours; do
	run_overflow "$w"
	run_filtered "$w"
	run_idle "$w"
done

# stat WHICH TAG FIELD: a number from the stats line.
stat() {
	awk -v f="$3" '$1 == "stats" && $3 == 0 { for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' \
		"$tmp/$1-$2.out"
}

overflow_sent() {
	local got
	got=$(awk '$1 == "sent" { print $2 }' "$tmp/$1-overflow.sent")
	[ "$got" = "$n" ] || { echo "the sender sent ${got:-nothing} of $n"; return 1; }
	[ -n "$(stat "$1" overflow recv)" ] ||
		{ echo "no statistics: $(why_empty "$tmp/$1-overflow.out")"; return 1; }
}
recv_all() {
	overflow_sent "$1" || return 1
	[ "$(stat "$1" overflow recv)" = "$n" ] && return 0
	echo "ps_recv $(stat "$1" overflow recv), sent $n"
	return 1
}
captured_plus_dropped() {
	local got drop
	overflow_sent "$1" || return 1
	got=$(grep -c '^pkt ' "$tmp/$1-overflow.out")
	drop=$(stat "$1" overflow drop)
	[ "$((got + drop))" = "$n" ] && [ "$drop" -gt 0 ] && [ "$got" -gt 0 ] && return 0
	echo "captured $got + ps_drop $drop, sent $n (both must be above 0)"
	return 1
}
# The ring filled up with the first frames; the rest were dropped.
first_frames() {
	local got
	overflow_sent "$1" || return 1
	got=$(grep -c '^pkt ' "$tmp/$1-overflow.out")
	seq 0 $((got - 1)) >"$tmp/expect.seq"
	seqs_ok "$1" overflow "$tmp/expect.seq" || return 1
	awk '$1 == "pkt" && !($2 == $3 && ($3 == 1000 || $3 == 1400 || $3 == 800)) {
		print "caplen/len " $2 "/" $3; exit 1 }' "$tmp/$1-overflow.out"
}
check stats-overflow-ps-recv-counts-all recv_all
check stats-overflow-captured-plus-ps-drop captured_plus_dropped
check stats-overflow-first-frames-kept first_frames

filtered() {
	local want=11
	ended "$1" filtered marker || return 1
	[ "$(grep -c '^pkt ' "$tmp/$1-filtered.out")" = "$want" ] &&
		[ "$(stat "$1" filtered recv)/$(stat "$1" filtered drop)" = "$want/0" ] &&
		return 0
	echo "captured $(grep -c '^pkt ' "$tmp/$1-filtered.out"), ps_recv" \
	     "$(stat "$1" filtered recv) ps_drop $(stat "$1" filtered drop), want $want, $want, 0"
	return 1
}
check stats-count-what-passed-the-filter filtered

idle() {
	grep -qx 'end = idle' "$tmp/$1-idle.out" &&
		grep -qx 'stats = 0 recv 0 drop 0 ifdrop 0' "$tmp/$1-idle.out" && return 0
	grep -E '^(activate|end|stats) = ' "$tmp/$1-idle.out" | tr '\n' ' '
	return 1
}
check stats-nothing-seen-all-zero idle

right_libraries stats-right-libraries
# The overflow's numbers depend on the ring's size: not compared.
same_output stats-same-as-libpcap filtered idle
finish
