#!/bin/bash
# accel-bpfring.sh [-S] BUILD_DIR: "backend = bpfring" -- TC programs on
# ingress and egress copy what the filter accepts into a BPF ring buffer.
#
#  - both (Ethernet) and sll2 (-L LINUX_SLL2): frames arrive at the
#    captured end and leave it (IPv4, IPv6, ARP, VLAN-tagged: the kernel
#    holds those tags as metadata); the system libpcap captures the same
#    traffic at the same time (on the plain device; SLL2: on "any", the
#    only device libpcap gives SLL2 on): every frame captured
#    by both, byte for byte, in the same order (tags put back, SLL2
#    headers alike).
#  - filter: the kernel runs "udp": the frames libpcap's "udp" takes
#    (VLAN-tagged UDP too: the tag is metadata), both ways; ps_recv
#    counts what the filter took.
#  - direction: -D in and -D out see one way each.
#  - stack: while capturing, a TCP exchange completes and the UDP
#    datagrams captured also reach their socket (nothing is taken away).
#  - tcpdump: the real tcpdump (no capabilities when it sets the filter).
#  - drops: a reader paused while 3000 frames arrive at a 64 KiB ring:
#    captured + ps_drop == ps_recv == sent.
#  - two: two captures on one device both get everything.
#  - group: two members of group 7 share 201 flows sent both ways:
#    disjoint, complete, flow-consistent, both busy; a member killed
#    with SIGKILL is found dead and its share goes to the survivor.
#  - gone: the device deleted under a capture: the read fails with
#    libpcap's "The interface disappeared", no hang.
#  - kill: SIGKILL leaves no program on the device's TCX hooks
#    (accel-info), and a new capture works.
# Needs Linux 6.6 (TCX).  -S: only the harness (the accel checks SKIP).
. "$(dirname "$0")/lib.sh"

setup_pair || { fail accel-bpfring-setup "cannot make the namespaces"; finish; }
if [ "$system_only" -eq 1 ]; then
	skip accel-bpfring "the system libpcap has no accel devices"
	finish
fi

# ring_probe TAG ARGS...: probe-live capture ARGS in $ns_b on our library,
# backend bpfring (and the variables in $ring_env).
ring_env=()
ring_probe() {
	start_probe_env "$1" ours "$ns_b" ACCEL_BACKEND=bpfring \
		"${ring_env[@]}" -- "${@:2}"
}

# both_ways TAG: frames into $if_b, then out of it; the end marker last.
both_ways() {
	send "$ns_a" "$1.in" -d "$mac_b" -n 15 ipv4 ipv6 arp vlan qinq
	send "$ns_b" "$1.out" -d "$mac_a" -s 1000 -n 12 ipv4 tcp vlan qinq
	send "$ns_a" "$1.end" -d "$mac_b" -s 2000 -E ipv4
}

# same_capture NAME SYS OURS: ours captured exactly what libpcap did.
same_capture() {
	captured_hex "$tmp/$2.out" >"$tmp/sys.hex"
	captured_hex "$tmp/$3.out" >"$tmp/ours.hex"
	if [ ! -s "$tmp/ours.hex" ]; then
		fail "$1" "nothing captured ($(why_empty "$tmp/$3.out"))"
	elif [ "$(wc -l <"$tmp/sys.hex")" -lt 10 ]; then
		fail "$1" "the system libpcap captured $(wc -l <"$tmp/sys.hex") frames (harness?)"
	elif ! diff -q "$tmp/sys.hex" "$tmp/ours.hex" >/dev/null; then
		fail "$1" "differs from libpcap's: $(diff "$tmp/sys.hex" "$tmp/ours.hex" |
			head -3 | cut -c1-100 | tr '\n' ' ')"
	elif ! awk '$1 == "pkt" && !($2 == $3 && $2 * 2 == length($5)) { bad = 1 }
		    END { exit bad }' "$tmp/$3.out"; then
		fail "$1" "caplen/len wrong"
	else
		pass "$1"
	fi
}

# ---- both directions, against libpcap on the same traffic ------------
# (libpcap gives LINUX_SLL2 on "any" only: that is what it is compared
# with there; nothing else crosses $ns_b's devices.)
for link in EN10MB LINUX_SLL2 filter; do
	sys_dev=$if_b opts=(-L "$link")
	[ "$link" = LINUX_SLL2 ] && sys_dev=any
	[ "$link" = filter ] && opts=(-f udp)
	start_probe sys-both-$link sys "$ns_b" -n -e "${opts[@]}" "$sys_dev"
	sys_pid=$probe_pid
	wait_ready sys-both-$link
	ring_probe ours-both-$link -n -e "${opts[@]}" "accel:$if_b"
	wait_ready ours-both-$link
	both_ways "both-$link"
	wait_probe
	wait_probe "$sys_pid" sys-both-$link
	same_capture "accel-bpfring-both-$link" sys-both-$link ours-both-$link
done
# The kernel ran that filter: what it took is ps_recv.
if [ "$(stat_of "$tmp/ours-both-filter.out" recv)" = \
     "$(grep -c '^pkt ' "$tmp/ours-both-filter.out")" ]; then
	pass accel-bpfring-filter-stats
else
	fail accel-bpfring-filter-stats "ps_recv $(stat_of "$tmp/ours-both-filter.out" recv)," \
		"captured $(grep -c '^pkt ' "$tmp/ours-both-filter.out")"
fi

# ---- direction ------------------------------------------------------------
ring_probe ours-in -I 800 -D in "accel:$if_b"
wait_ready ours-in
in_pid=$probe_pid
ring_probe ours-out -I 800 -D out "accel:$if_b"
wait_ready ours-out
both_ways dir
wait_probe
wait_probe "$in_pid" ours-in
sent_hex "$tmp/dir.in.sent" "$tmp/dir.end.sent" >"$tmp/in.hex"
sent_hex "$tmp/dir.out.sent" >"$tmp/out.hex"
if ! captured_hex "$tmp/ours-in.out" | cmp -s "$tmp/in.hex" -; then
	fail accel-bpfring-direction "-D in: $(grep -c '^pkt' "$tmp/ours-in.out") frames, not the $(wc -l <"$tmp/in.hex") received"
elif ! captured_hex "$tmp/ours-out.out" | cmp -s "$tmp/out.hex" -; then
	fail accel-bpfring-direction "-D out: $(grep -c '^pkt' "$tmp/ours-out.out") frames, not the $(wc -l <"$tmp/out.hex") sent"
else
	pass accel-bpfring-direction
fi

# ---- the host's traffic is untouched ---------------------------------------
host_traffic_start
ring_probe ours-stack -I 1500 -f "udp port 9" "accel:$if_b"
wait_ready ours-stack
host_udp
host_tcp_exchange
wait_probe
if [ "$(cat "$tmp/client.out")" != ok ]; then
	fail accel-bpfring-stack "the TCP exchange failed while capturing: $(head -c 200 "$tmp/client.out")"
elif [ "$(grep -c '^pkt ' "$tmp/ours-stack.out")" -ne 5 ]; then
	fail accel-bpfring-stack "captured $(grep -c '^pkt ' "$tmp/ours-stack.out") of 5 datagrams"
elif ! grep -q '^udp 5$' "$tmp/server.out"; then
	fail accel-bpfring-stack "the socket got: $(tail -1 "$tmp/server.out") (5 sent)"
else
	pass accel-bpfring-stack
fi

# ---- the real tcpdump ---------------------------------------------------------
ns_cmd "$ns_b" ours
"${in_ns_cmd[@]}" ACCEL_BACKEND=bpfring timeout 20 tcpdump -n -U \
	-i "accel:$if_b" -w "$tmp/tcpdump.pcap" -c 5 'udp port 9' \
	>"$tmp/tcpdump.err" 2>&1 &
td=$!
bg_pids+=("$td")
wait_for "$tmp/tcpdump.err" 'listening on' "$td"
for i in 1 2 3 4 5; do
	ip netns exec "$ns_b" bash -c 'echo out >/dev/udp/198.18.0.1/9'
done
wait_exit "$td" 20
got=$(tcpdump -n -r "$tmp/tcpdump.pcap" 2>/dev/null | grep -c '198.18.0.2.* > 198.18.0.1.9: UDP')
if [ "$got" -eq 5 ]; then
	pass accel-bpfring-tcpdump
else
	fail accel-bpfring-tcpdump "tcpdump wrote $got of 5 datagrams: $(grep -v '^listening\|verbose' "$tmp/tcpdump.err" | head -2)"
fi
host_traffic_end

# ---- drops are counted ----------------------------------------------------------
rm -f "$tmp/go"
ring_env=(ACCEL_BPFRING_SIZE=64K)
ring_probe ours-drops -I 500 -g "$tmp/go" "accel:$if_b"
ring_env=()
wait_ready ours-drops
send "$ns_a" drops -q -d "$mac_b" -n 3000 ipv4@200
touch "$tmp/go"
wait_probe
got=$(grep -c '^pkt ' "$tmp/ours-drops.out")
recv=$(stat_of "$tmp/ours-drops.out" recv)
drop=$(stat_of "$tmp/ours-drops.out" drop)
if [ -z "$recv" ] || [ "$recv" -ne 3000 ] || [ $((got + drop)) -ne 3000 ] ||
   [ "$drop" -eq 0 ]; then
	fail accel-bpfring-drops "sent 3000, captured $got, ps_recv ${recv:-?}, ps_drop ${drop:-?}"
else
	pass accel-bpfring-drops
fi

# ---- two captures on one device --------------------------------------------------
ring_probe ours-one -e "accel:$if_b"
wait_ready ours-one
one=$probe_pid
ring_probe ours-two -e "accel:$if_b"
wait_ready ours-two
send "$ns_a" two -d "$mac_b" -n 20 ipv4 arp -E
wait_probe
wait_probe "$one" ours-one
if why=$(frames_equal ours one "$tmp/two.sent") &&
   why=$(frames_equal ours two "$tmp/two.sent"); then
	pass accel-bpfring-two
else
	fail accel-bpfring-two "$why"
fi

# ---- a group of two: disjoint, complete, flow-consistent ----------------------
send_flows() {	# send_flows TAG: 67 flows of 3 kinds, both ways
	send "$ns_a" "$1.fwd" -d "$mac_b" -F 67 -n 402 ipv4 tcp ipv6
	send "$ns_b" "$1.rev" -d "$mac_a" -R -s 100000 -F 67 -n 402 ipv4 tcp ipv6
}
ring_env=(ACCEL_GROUP=7)
ring_probe ours-g1 -I 800 "accel:$if_b"
g1=$probe_pid
wait_ready ours-g1
ring_probe ours-g2 -I 800 "accel:$if_b"
wait_ready ours-g2
ring_env=()
send_flows group
wait_probe
wait_probe "$g1" ours-g1
if why=$(flows_ok 100 "$tmp/group.fwd.sent" "$tmp/group.rev.sent"); then
	fanout_verdict "$tmp/group.fwd.sent" "$tmp/group.rev.sent" -- \
		"$tmp/ours-g1.out" "$tmp/ours-g2.out" >"$tmp/group.verdict"
	fanout_report accel-bpfring-group "$tmp/group.verdict"
else
	fail accel-bpfring-group "the frames sent: $why"
fi

# The last member out removes the registry files.
ns_ino=$(ip netns exec "$ns_b" stat -L -c %i /proc/self/ns/net)
if ls /run/accel-pcap/bpfring-"$ns_ino"-*-7* >/dev/null 2>&1; then
	fail accel-bpfring-group-files "left behind: $(ls /run/accel-pcap/bpfring-"$ns_ino"-*-7* | head -3 | tr '\n' ' ')"
else
	pass accel-bpfring-group-files
fi

# A member killed: the other gives its slot back within a second or two
# and then gets every flow.
ring_env=(ACCEL_GROUP=8)
ring_probe ours-dead -d 20000 "accel:$if_b"
dead=$probe_pid
wait_ready ours-dead
ring_probe ours-alive -I 4000 -d 10000 "accel:$if_b"
wait_ready ours-alive
ring_env=()
kill -KILL "$dead"
wait "$dead" 2>/dev/null
sleep 2.5
send_flows reclaim
wait_probe
if why=$(frames_once "$tmp/ours-alive.out" "$tmp/reclaim.fwd.sent" \
	 "$tmp/reclaim.rev.sent"); then
	pass accel-bpfring-group-reclaim
else
	fail accel-bpfring-group-reclaim "the survivor: $why"
fi

# ---- SIGKILL ------------------------------------------------------------------------
tcx() {
	ip netns exec "$ns_b" "$build/accel-info" "$if_b" |
		awk '$1 == "tcx" { print $3 + $5 }'
}
ring_probe ours-killed -d 20000 "accel:$if_b"
wait_ready ours-killed
during=$(tcx)
kill -KILL "$probe_pid"
wait "$probe_pid" 2>/dev/null
sleep 0.2
after=$(tcx)
ring_probe ours-again -e "accel:$if_b"
wait_ready ours-again
send "$ns_a" again -d "$mac_b" -n 10 ipv4 -E
wait_probe
if [ "$during" != 2 ]; then
	fail accel-bpfring-kill "accel-info counted '$during' TCX programs during the capture, not 2"
elif [ "$after" != 0 ]; then
	fail accel-bpfring-kill "$after TCX programs stayed after SIGKILL"
elif ! why=$(frames_equal ours again "$tmp/again.sent"); then
	fail accel-bpfring-kill "the next capture: $why"
else
	pass accel-bpfring-kill
fi

# ---- the device deleted under the capture (last: the pair goes) ----------
ring_probe ours-gone -d 8000 "accel:$if_b"
wait_ready ours-gone
sleep 0.3
ip -n "$ns_b" link del "$if_b"
wait_probe
if grep -q '^dispatch = -1 \[The interface disappeared\]' "$tmp/ours-gone.out"; then
	pass accel-bpfring-gone
else
	fail accel-bpfring-gone "after the device went: $(grep -m1 -E '^(dispatch|end)' "$tmp/ours-gone.out")"
fi

finish
