#!/bin/bash
# accel-multi.sh [-S] BUILD_DIR: several devices in one handle,
# accel:DEV1:DEV2.  Two veth pairs end in the capture namespace; two
# senders stream frames into them at the same time.
#  - tcpdump -i accel:vB:vD writes both streams, every frame once, byte
#    for byte, time stamps never going back (the streams interleave), link
#    type EN10MB (the devices' common one); probe-live sees the same in
#    nanoseconds, and pcap_stats counts both devices' packets.
#  - a veth and a tun device (no common link type) give LINUX_SLL2, each
#    packet with the index, type and address of the device it came from.
#  - pcap_inject sends on the first device of the name.
#  - a fanout group on accel:vB:vD shares both devices' packets (per
#    device, by flow), and one group id used on two devices by two handles
#    works on each (the kernel's fanout ids are per network namespace, not
#    per device: the library must keep them apart).
# The system libpcap captures the same streams device by device (and on
# "any" as LINUX_SLL2) to prove the harness; -S runs only that.
. "$(dirname "$0")/lib.sh"

setup_pair && setup_pair2 ||
	{ fail accel-multi-setup "cannot make the namespaces"; finish; }
tun_if=acl-$$-t
if ! ip -n "$ns_b" tuntap add dev "$tun_if" mode tun ||
   ! ip -n "$ns_b" link set "$tun_if" up; then
	fail accel-multi-setup "cannot make the tun device"
	finish
fi
idx_b=$(ifindex "$ns_b" "$if_b")
idx_t=$(ifindex "$ns_b" "$tun_if")
client_deadline=20
n_a=300			# stream A, on $if_b, 3000 frames/s
n_c=200			# stream C, on $if_d, 2000 frames/s
total=$((n_a + n_c))

cat >"$tmp/group.conf" <<'EOF'
group = 4242
EOF

# streams TAG: stream A into $if_b (seq 0..) and stream C into $if_d (seq
# 100000..) at the same time; $tmp/TAG.A.sent and $tmp/TAG.C.sent.
streams() {
	local spid
	send_if=$if_c send "$ns_a" "$1.C" -d "$mac_d" -s 100000 -r 2000 \
		-n "$n_c" ipv4@77 arp vlan ipv6 &
	spid=$!
	send "$ns_a" "$1.A" -d "$mac_b" -r 3000 -n "$n_a" ipv4 ipv6@99 tcp
	wait "$spid"
}

# in_order OUT: time stamps never go back.
in_order() {
	awk '
	function cmp(a, b,   x, y) {
		split(a, x, "."); split(b, y, ".")
		if (x[1] != y[1]) return x[1] + 0 < y[1] + 0 ? -1 : 1
		if (x[2] != y[2]) return x[2] + 0 < y[2] + 0 ? -1 : 1
		return 0
	}
	$1 == "pkt" {
		if (prev != "" && cmp($4, prev) < 0) { if (!bad++) first = prev " then " $4 " (packet " n + 1 ")" }
		prev = $4; n++
	}
	END {
		if (!bad) exit 0
		print bad " time stamps go back, first " first
		exit 1
	}' "$1"
}

# interleaved OUT...: the streams A and C overlap in time in the packets
# of the OUTs (sorted by time stamp): else ordering proves nothing.
interleaved() {
	cat "$@" | awk "$AWK_SEQ"' $1 == "pkt" { print $4, (seq($5) >= 100000) }' |
		sort -s -t' ' -k1,1 | awk '
		NR > 1 && $2 != prev { switches++ }
		{ prev = $2 }
		END {
			if (switches >= 10) exit 0
			print "the streams hardly overlap (" switches + 0 " switches): the test is wrong?"
			exit 1
		}'
}

# sll2_ok OUT ETH-SENT ETH-IFINDEX TUN-SENT TUN-IFINDEX: every frame of
# ETH-SENT (Ethernet, into a veth) and TUN-SENT (IP packets, into the tun
# device) captured once as LINUX_SLL2: the protocol, the device's index,
# ARPHRD type (1, or 0xfffe for tun), packet type 0 (to us), the source
# MAC address (none for tun; the 8 address bytes past its length are not
# compared), then the packet from its network header on.
sll2_ok() {
	local out=$1
	nothing_captured "$out" && return 1
	awk -v out="$out" -v ei="$3" -v ti="$5" -v efile="$2" "$AWK_SEQ"'
	function ifx(i) { return sprintf("%08x", i) }
	$1 == "frame" && FILENAME == efile {
		want[$2] = substr($4, 15 * 2 - 1)
		hdr[$2] = substr($4, 25, 4) "0000" ifx(ei) "0001" "00" "06" substr($4, 13, 12)
		n++
		next
	}
	$1 == "frame" {
		want[$2] = $4
		hdr[$2] = (substr($4, 1, 1) == "6" ? "86dd" : "0800") "0000" ifx(ti) "fffe" "00" "00"
		n++
	}
	END {
		while ((getline l < out) > 0) {
			split(l, f, " ")
			if (f[1] != "pkt") continue
			s = seq(f[5])
			if (!(s in want)) { if (!other++) o1 = substr(f[5], 1, 60); continue }
			got[s]++
			# The address bytes past its length are not compared.
			if (substr(f[5], 1, length(hdr[s])) != hdr[s]) { if (!badh++) h1 = "frame " s ": SLL2 header " substr(f[5], 1, 40) ", want " hdr[s] "..." }
			else if (substr(f[5], 41) != want[s] || f[2] != f[3]) { if (!badp++) p1 = s }
		}
		for (s in want) if (got[s] != 1) { if (!miss++) m1 = s " captured " got[s] + 0 " times" }
		if (!miss && !other && !badh && !badp) exit 0
		print "of " n " frames:" (miss ? " " miss " not captured once (e.g. " m1 ")" : "") \
			(badh ? " " badh " with a wrong header (" h1 ")" : "") \
			(badp ? " " badp " with other bytes after it (e.g. " p1 ")" : "") \
			(other ? " " other " frames not sent (" o1 "...)" : "")
		exit 1
	}' "$2" "$4"
}

# stat_line OUT: the probe's pcap_stats line.
stat_line() {
	grep -m1 '^stats = ' "$1"
}

tcpdump_lib_check accel-multi-right-library

# --- The harness, on the system libpcap: each device by itself gets its
# stream, the streams overlap; "any" as LINUX_SLL2 satisfies sll2_ok.
start_probe sys-dev-b sys "$ns_b" -n -c "$n_a" -d 6000 "$if_b"
pid_b=$probe_pid
start_probe sys-dev-d sys "$ns_b" -n -c "$n_c" -d 6000 "$if_d"
pid_d=$probe_pid
wait_for "$tmp/sys-dev-b.out" '^ready$' "$pid_b"
wait_for "$tmp/sys-dev-d.out" '^ready$' "$pid_d"
streams harness
wait_probe "$pid_b" sys-dev-b
wait_probe "$pid_d" sys-dev-d
if ! why=$(frames_once "$tmp/sys-dev-b.out" "$tmp/harness.A.sent") ||
   ! why=$(frames_once "$tmp/sys-dev-d.out" "$tmp/harness.C.sent") ||
   ! why=$(interleaved "$tmp/sys-dev-b.out" "$tmp/sys-dev-d.out"); then
	fail accel-multi-harness-streams "$why"
else
	pass accel-multi-harness-streams
fi

# sll2 WHICH TAG DEVICE ARGS...: Ethernet frames into $if_b and IP packets
# into the tun device, captured on DEVICE.
sll2() {
	local w=$1 tag=$2 dev=$3
	shift 3
	start_probe "$w-$tag" "$w" "$ns_b" -n -c 80 -d 6000 "$@" "$dev"
	wait_ready "$w-$tag"
	send "$ns_a" "$w-$tag.eth" -d "$mac_b" -s 1000 -n 40 ipv4 ipv6@90 tcp
	send_if=$tun_if send "$ns_b" "$w-$tag.tun" -T -s 2000 -n 40 ipv4@70 ipv6 tcp
	wait_probe
}
sll2 sys sll2 any -L LINUX_SLL2
if why=$(sll2_ok "$tmp/sys-sll2.out" "$tmp/sys-sll2.eth.sent" "$idx_b" \
		"$tmp/sys-sll2.tun.sent" "$idx_t"); then
	pass accel-multi-harness-sll2
else
	fail accel-multi-harness-sll2 "$why" "$tmp/sys-sll2.out"
fi

# inject WHICH TAG DEVICE PEER OTHER: the library injects frames on DEVICE
# (in $ns_b); the system libpcap captures at the far ends: PEER must get
# them (in order, unchanged), OTHER none of them.
inject() {
	local w=$1 tag=$2 dev=$3 peer=$4 other=$5 ppid opid peer_mac
	peer_mac=$mac_a
	[ "$peer" = "$if_c" ] && peer_mac=$mac_c
	start_probe "sys-$tag-peer" sys "$ns_a" -e -d 2000 "$peer"
	ppid=$probe_pid
	start_probe "sys-$tag-other" sys "$ns_a" -N -I 1000 "$other"
	opid=$probe_pid
	wait_for "$tmp/sys-$tag-peer.out" '^ready$' "$ppid"
	wait_for "$tmp/sys-$tag-other.out" '^ready$' "$opid"
	"$sender" -x -d "$peer_mac" -a 02:ac:1c:00:00:99 -s 3000 -E ipv4 arp \
		ipv6@99 tcp >"$tmp/sys-$tag-peer.sent"
	# shellcheck disable=SC2046
	in_ns "$ns_b" "$w" timeout -k 1 10 "$probe" inject "$dev" \
		$(sent_hex "$tmp/sys-$tag-peer.sent") >"$tmp/$tag.log" 2>&1
	wait_probe "$ppid" "sys-$tag-peer"
	wait_probe "$opid" "sys-$tag-other"
}
inject_ok() {
	local tag=$1
	awk '$1 == "frame" { print (n++ % 2 ? "sendpacket = 0" : "inject = " $3) " []" }' \
		"$tmp/sys-$tag-peer.sent" >"$tmp/expect.inject"
	if ! grep -v '^#' "$tmp/$tag.log" | diff "$tmp/expect.inject" - >"$tmp/inject.diff"; then
		echo "the library said: $(grep -m1 '^>' "$tmp/inject.diff" | cut -c1-120)"
		return 1
	fi
	frames_equal sys "$tag-peer" || return 1
	if grep -q '^pkt ' "$tmp/sys-$tag-other.out"; then
		echo "frames went out on the other device too"
		return 1
	fi
}
inject sys harness-inject "$if_d" "$if_c" "$if_a"
if why=$(inject_ok harness-inject); then
	pass accel-multi-harness-inject
else
	fail accel-multi-harness-inject "$why"
fi

accel_names=(tcpdump probe probe-wide-window sll2 inject-first-device
	     inject-first-device-reversed
	     group-split group-same-id-other-device)
if [ "$system_only" -eq 1 ]; then
	for n in "${accel_names[@]}"; do
		skip "accel-multi-$n" "accel devices are accel-pcap's (-S)"
	done
	finish
fi

# --- tcpdump -i accel:vB:vD -w.
start_client tcpdump ours "$ns_b" -- tcpdump -n -U -i "accel:$if_b:$if_d" \
	-w "$tmp/tcpdump.pcap"
tpid=$client_pid
if wait_listening tcpdump "$tpid"; then
	streams tcpdump
	wait_bytes $((24 + $(pkt_bytes "$tmp"/tcpdump.{A,C}.sent))) "$tmp/tcpdump.pcap"
fi
stop_client "$tpid" tcpdump
pcap_pkts "$tmp/tcpdump.pcap" "$tmp/tcpdump.out"
tcpdump_ok() {
	grep -q 'listening on .*link-type EN10MB' "$tmp/tcpdump.stderr" ||
		{ client_why tcpdump; return 1; }
	client_lib_ok tcpdump ours || return 1
	frames_once "$tmp/tcpdump.out" "$tmp"/tcpdump.{A,C}.sent || return 1
	in_order "$tmp/tcpdump.out" || return 1
	interleaved "$tmp/tcpdump.out" || return 1
	# pcap_stats: both devices' packets.
	grep -qx "$total packets received by filter" "$tmp/tcpdump.stderr" ||
		{ echo "tcpdump says: $(grep 'received by filter' "$tmp/tcpdump.stderr"), want $total"; return 1; }
}
if why=$(tcpdump_ok); then
	pass accel-multi-tcpdump
else
	fail accel-multi-tcpdump "$why"
fi

# --- The probe: nanoseconds, datalink, pcap_stats summed over the devices
# (the streams have different lengths).  Then again with a reorder window
# of 20 ms, far above any delay here: a failure with the default window
# only is a matter of defaults (reorder_window_us against the ring's
# block_timeout_ms), not of the merge.
# probe TAG [NAME=VALUE...]: $tmp/ours-TAG.out
probe() {
	local tag=$1 pid
	shift
	start_client "ours-$tag" ours "$ns_b" "$@" -- "$probe" capture -n \
		-c "$total" -d 6000 "accel:$if_b:$if_d"
	pid=$client_pid
	wait_for "$tmp/ours-$tag.stdout" '^ready$' "$pid" && streams "$tag"
	wait_exit "$pid" 10 ||
		echo "end = hung, killed by the test" >>"$tmp/ours-$tag.stdout"
	cat "$tmp/ours-$tag.stdout" "$tmp/ours-$tag.stderr" >"$tmp/ours-$tag.out"
}
probe_ok() {
	local out=$tmp/ours-$1.out why
	grep -qx 'datalink = 1 EN10MB' "$out" ||
		{ echo "datalink: $(grep -m1 '^datalink' "$out") $(why_empty "$out")"; return 1; }
	frames_once "$out" "$tmp/$1".{A,C}.sent || return 1
	why=$(ts_ok ours "$1" 9 "$tmp/$1".{A,C}.sent) ||
		{ echo "$(echo "$why" | wc -l) faults, first: $(echo "$why" | head -1)"; return 1; }
	interleaved "$out" || return 1
	[ "$(stat_line "$out")" = "stats = 0 recv $total drop 0 ifdrop 0" ] ||
		{ echo "$(stat_line "$out"), want recv $total ($n_a + $n_c) drop 0"; return 1; }
}
probe probe
if why=$(probe_ok probe); then
	pass accel-multi-probe
else
	fail accel-multi-probe "$why"
fi
probe wide ACCEL_REORDER_WINDOW_US=20000
if why=$(probe_ok wide); then
	pass accel-multi-probe-wide-window
else
	fail accel-multi-probe-wide-window "$why"
fi

# --- A veth and a tun device: LINUX_SLL2.
sll2 ours sll2 "accel:$if_b:$tun_if"
sll2_accel_ok() {
	local out=$tmp/ours-sll2.out
	grep -qx 'datalink = 276 LINUX_SLL2' "$out" ||
		{ echo "datalink: $(grep -m1 '^datalink' "$out") $(why_empty "$out")"; return 1; }
	sll2_ok "$out" "$tmp/ours-sll2.eth.sent" "$idx_b" \
		"$tmp/ours-sll2.tun.sent" "$idx_t" || return 1
	in_order "$out"
}
if why=$(sll2_accel_ok); then
	pass accel-multi-sll2
else
	fail accel-multi-sll2 "$why"
fi

# --- pcap_inject: the first device, in either order.
inject ours inject-bd "accel:$if_b:$if_d" "$if_a" "$if_c"
if why=$(inject_ok inject-bd); then
	pass accel-multi-inject-first-device
else
	fail accel-multi-inject-first-device "$why"
fi
inject ours inject-db "accel:$if_d:$if_b" "$if_c" "$if_a"
if why=$(inject_ok inject-db); then
	pass accel-multi-inject-first-device-reversed
else
	fail accel-multi-inject-first-device-reversed "$why"
fi

# --- Fanout groups and several devices.  Flows both ways on both pairs:
# pair 1 (seq below 200000), pair 2 (200000 and up).
nflows=67
flows() {
	local k=(ipv4 tcp ipv6) n=$((2 * nflows * 3))
	send "$ns_a" "$1.fwd1" -d "$mac_b" -F "$nflows" -n "$n" "${k[@]}"
	send "$ns_b" "$1.rev1" -d "$mac_a" -R -s 100000 -F "$nflows" -n "$n" "${k[@]}"
	send_if=$if_c send "$ns_a" "$1.fwd2" -d "$mac_d" -s 200000 -F "$nflows" -n "$n" "${k[@]}"
	send_if=$if_d send "$ns_b" "$1.rev2" -d "$mac_c" -R -s 300000 -F "$nflows" -n "$n" "${k[@]}"
}

# by_pair OUT PAIR: the packets of OUT sent on pair PAIR (1 or 2).
by_pair() {
	awk -v pair="$2" "$AWK_SEQ"'$1 == "pkt" && (seq($5) < 200000) == (pair == 1)' "$1"
}

# group TAG DEVICE...: a tcpdump on each DEVICE; flows; stop them.
group() {
	local tag=$1 i=0 dev pids=() bytes
	shift
	for dev in "$@"; do
		i=$((i + 1))
		start_client "$tag-m$i" ours "$ns_b" -- tcpdump -n -U -i "$dev" \
			-w "$tmp/$tag-m$i.pcap"
		pids+=("$client_pid")
	done
	rm -f "$tmp/$tag.not-started"
	for i in $(seq 1 $#); do
		wait_listening "$tag-m$i" "${pids[$((i - 1))]}" ||
			echo "$tag-m$i: $(client_why "$tag-m$i")" >>"$tmp/$tag.not-started"
	done
	if [ ! -s "$tmp/$tag.not-started" ]; then
		flows "$tag"
		bytes=$(pkt_bytes "$tmp/$tag".{fwd,rev}{1,2}.sent)
		wait_bytes $((24 * $# + bytes)) "$tmp/$tag"-m*.pcap
	fi
	for i in $(seq 1 $#); do
		stop_client "${pids[$((i - 1))]}" "$tag-m$i"
		pcap_pkts "$tmp/$tag-m$i.pcap" "$tmp/$tag-m$i.out"
	done
}

# Two members of group 4242 on accel/group.conf:vB:vD: on each device,
# the verdict of a fanout group.
group split "accel/group.conf:$if_b:$if_d" "accel/group.conf:$if_b:$if_d"
if [ -s "$tmp/split.not-started" ]; then
	fail accel-multi-group-split "$(head -1 "$tmp/split.not-started")"
else
	for p in 1 2; do
		for i in 1 2; do
			by_pair "$tmp/split-m$i.out" "$p" >"$tmp/split-m$i.pair$p"
		done
		fanout_verdict "$tmp"/split.{fwd,rev}$p.sent -- \
			"$tmp/split-m1.pair$p" "$tmp/split-m2.pair$p" >"$tmp/split$p.verdict"
		fanout_report "accel-multi-group-split-device$p" "$tmp/split$p.verdict"
	done
fi

# Group 4242 on vB by one tcpdump, on vD by another: not one group (they
# are not on the same device), each gets its device's traffic.
group sameid "accel/group.conf:$if_b" "accel/group.conf:$if_d"
sameid_ok() {
	[ -s "$tmp/sameid.not-started" ] && { head -1 "$tmp/sameid.not-started"; return 1; }
	frames_once "$tmp/sameid-m1.out" "$tmp"/sameid.{fwd,rev}1.sent ||
		{ echo "(on $if_b)"; return 1; }
	frames_once "$tmp/sameid-m2.out" "$tmp"/sameid.{fwd,rev}2.sent ||
		{ echo "(on $if_d)"; return 1; }
}
if why=$(sameid_ok); then
	pass accel-multi-group-same-id-other-device
else
	fail accel-multi-group-same-id-other-device "$why"
fi
finish
