#!/bin/bash
# accel-xdp.sh [-S] BUILD_DIR: "backend = xdp" -- AF_XDP sockets on the
# receive queues, the filter in the XDP program.
#
#  - frames (native and generic XDP): 60 frames of three kinds arrive, a
#    filter takes the 20 UDP ones: exactly those are captured, in order,
#    byte for byte, caplen == len, time stamps in nanoseconds within the
#    sender's window; ps_recv counts what the filter took.
#  - stack: while "udp port 9" is captured, a TCP exchange between the
#    namespaces completes (the program passes what the filter rejects),
#    and a UDP socket on port 9 receives nothing (AF_XDP takes what it
#    captures: documented).
#  - queues: a pair with 4 queues each way, 64 flows: every frame captured
#    once (sorted bytes equal), and more than one queue redirected some.
#  - tcpdump: the real tcpdump (it drops its capabilities between compiling
#    and setting the filter) writes the filtered frames with -w.
#  - drops: a reader paused while 3000 frames arrive on a 64-slot ring:
#    captured + ps_drop == ps_recv == sent.
#  - kill: a capture killed with SIGKILL leaves no XDP program on the
#    device, and a new capture there works.
#  - busy: a second xdp capture on the same device fails, saying why.
#  - inject: pcap_inject on an xdp handle sends the frames out.
#  - accel-info says the packets are taken from the host's stack.
#  - gone: the device deleted under a capture: the read fails with
#    libpcap's "The interface disappeared", no hang.
#  - errors: no such device, device down.
# Plain tcpdump on the system libpcap proves the harness (-S: that only;
# the accel checks print SKIP).
. "$(dirname "$0")/lib.sh"

setup_pair || { fail accel-xdp-setup "cannot make the namespaces"; finish; }
if [ "$system_only" -eq 1 ]; then
	skip accel-xdp "the system libpcap has no accel devices"
	finish
fi

# xdp_probe TAG MODE ARGS...: probe-live capture ARGS in $ns_b on our
# library with backend xdp attached in MODE (and the variables in
# $xdp_env).
xdp_env=()
xdp_probe() {
	start_probe_env "$1" ours "$ns_b" ACCEL_BACKEND=xdp \
		ACCEL_XDP_MODE="$2" "${xdp_env[@]}" -- "${@:3}"
}

# kind_frames KIND FILE: the hex of the frames of KIND in a .sent file.
kind_frames() {
	awk -v k="$1" '$1 == "frame" && $5 ~ "^" k { print $4 }' "$2"
}

# ---- frames, native and generic -------------------------------------
for mode in native generic; do
	tag=ours-frames-$mode
	xdp_probe "$tag" "$mode" -n -e -f udp "accel:$if_b"
	if ! wait_ready "$tag"; then
		fail "accel-xdp-frames-$mode" "no capture: $(why_empty "$tmp/$tag.out")"
		continue
	fi
	send "$ns_a" "frames-$mode" -d "$mac_b" -n 60 tcp arp ipv4 -E
	wait_probe
	kind_frames ipv4 "$tmp/frames-$mode.sent" >"$tmp/expect.hex"
	captured_hex "$tmp/$tag.out" >"$tmp/got.hex"
	attached=$(grep -c "xdp" <<<"$(ip -n "$ns_b" -d link show "$if_b")")
	if [ ! -s "$tmp/got.hex" ]; then
		fail "accel-xdp-frames-$mode" "nothing captured ($(why_empty "$tmp/$tag.out"))"
	elif ! cmp -s "$tmp/expect.hex" "$tmp/got.hex"; then
		fail "accel-xdp-frames-$mode" "captured $(wc -l <"$tmp/got.hex"), expected" \
			"$(wc -l <"$tmp/expect.hex") UDP frames"
	elif ! awk '$1 == "pkt" && !($2 == $3 && $2 * 2 == length($5)) { bad = 1 }
		    END { exit bad }' "$tmp/$tag.out"; then
		fail "accel-xdp-frames-$mode" "caplen/len wrong"
	elif ! why=$(ts_ok ours "frames-$mode" 9 "$tmp/frames-$mode.sent" 2>&1); then
		fail "accel-xdp-frames-$mode" "time stamps: $why"
	elif [ "$(stat_of "$tmp/$tag.out" recv)" != 20 ]; then
		fail "accel-xdp-frames-$mode" "ps_recv $(stat_of "$tmp/$tag.out" recv), not 20"
	elif [ "$attached" -ne 0 ]; then
		fail "accel-xdp-frames-$mode" "an XDP program is left on $if_b"
	else
		pass "accel-xdp-frames-$mode"
	fi
done

# ---- the rest of the traffic reaches the stack -----------------------
host_traffic_start
xdp_probe ours-stack auto -I 1500 -f "udp port 9" "accel:$if_b"
wait_ready ours-stack
host_udp
host_tcp_exchange
wait_probe
udp_captured=$(grep -c '^pkt ' "$tmp/ours-stack.out")
if [ "$(cat "$tmp/client.out")" != ok ]; then
	fail accel-xdp-stack "the TCP exchange failed while capturing: $(head -c 200 "$tmp/client.out")"
elif [ "$udp_captured" -ne 5 ]; then
	fail accel-xdp-stack "captured $udp_captured of 5 UDP datagrams ($(why_empty "$tmp/ours-stack.out"))"
elif ! grep -q '^udp 0$' "$tmp/server.out"; then
	fail accel-xdp-stack "the captured datagrams also reached the socket: $(tail -1 "$tmp/server.out")"
else
	pass accel-xdp-stack
fi
host_traffic_end

# ---- several queues ------------------------------------------------------
if_q=acl-$$-q
if_r=acl-$$-r
ip -n "$ns_a" link add "$if_q" numrxqueues 4 numtxqueues 4 address "$mac_c" \
	type veth peer name "$if_r" numrxqueues 4 numtxqueues 4 \
	address "$mac_d" netns "$ns_b" &&
	ip -n "$ns_a" link set "$if_q" up && ip -n "$ns_b" link set "$if_r" up
xdp_probe ours-queues native -I 1500 -f udp "accel:$if_r"
if wait_ready ours-queues; then
	send_if=$if_q send "$ns_a" queues -d "$mac_d" -F 64 -n 640 ipv4
	wait_probe
	kind_frames ipv4 "$tmp/queues.sent" | sort >"$tmp/expect.hex"
	captured_hex "$tmp/ours-queues.out" | sort >"$tmp/got.hex"
	used=$(ip netns exec "$ns_b" ethtool -S "$if_r" 2>/dev/null |
		awk '/rx_queue_[0-9]+_xdp_redirect:/ && $2 > 0 { n++ } END { print n + 0 }')
	if ! cmp -s "$tmp/expect.hex" "$tmp/got.hex"; then
		fail accel-xdp-queues "captured $(wc -l <"$tmp/got.hex") of 640" \
			"($(why_empty "$tmp/ours-queues.out"))"
	elif [ "$used" -lt 2 ]; then
		fail accel-xdp-queues "only $used queue(s) redirected packets (ethtool -S)"
	else
		pass accel-xdp-queues
	fi
else
	fail accel-xdp-queues "no capture: $(why_empty "$tmp/ours-queues.out")"
fi

# ---- the real tcpdump, which sets its filter without privileges ---------
ns_cmd "$ns_b" ours
"${in_ns_cmd[@]}" ACCEL_BACKEND=xdp timeout 20 tcpdump -U -i "accel:$if_b" \
	-w "$tmp/tcpdump.pcap" -c 20 udp >"$tmp/tcpdump.err" 2>&1 &
td=$!
bg_pids+=("$td")
wait_for "$tmp/tcpdump.err" 'listening on' "$td"
send "$ns_a" tcpdump -d "$mac_b" -n 60 tcp ipv4 arp
wait_exit "$td" 20
kind_frames ipv4 "$tmp/tcpdump.sent" >"$tmp/expect.hex"
tcpdump -r "$tmp/tcpdump.pcap" -xx 2>/dev/null |
	awk '/^[0-9]/ { if (h != "") print h; h = "" ; next }
	     { for (i = 2; i <= NF; i++) h = h $i } END { if (h != "") print h }' \
	>"$tmp/got.hex"
if cmp -s "$tmp/expect.hex" "$tmp/got.hex"; then
	pass accel-xdp-tcpdump
else
	fail accel-xdp-tcpdump "tcpdump wrote $(wc -l <"$tmp/got.hex") of 20 frames:" \
		"$(grep -v '^listening\|^tcpdump: verbose' "$tmp/tcpdump.err" | head -2)"
fi

# ---- drops are counted -----------------------------------------------------
rm -f "$tmp/go"
xdp_env=(ACCEL_RX_SLOTS=64)
xdp_probe ours-drops auto -I 500 -g "$tmp/go" "accel:$if_b"
xdp_env=()
wait_ready ours-drops
send "$ns_a" drops -q -d "$mac_b" -n 3000 ipv4
touch "$tmp/go"
wait_probe
got=$(grep -c '^pkt ' "$tmp/ours-drops.out")
recv=$(stat_of "$tmp/ours-drops.out" recv)
drop=$(stat_of "$tmp/ours-drops.out" drop)
if [ -z "$recv" ] || [ "$recv" -ne 3000 ] || [ $((got + drop)) -ne 3000 ] ||
   [ "$drop" -eq 0 ]; then
	fail accel-xdp-drops "sent 3000, captured $got, ps_recv ${recv:-?}, ps_drop ${drop:-?}"
else
	pass accel-xdp-drops
fi

# ---- SIGKILL, then capture again ------------------------------------------
xdp_probe ours-killed auto -d 20000 "accel:$if_b"
wait_ready ours-killed
kill -KILL "$probe_pid"
wait "$probe_pid" 2>/dev/null
sleep 0.2
left=$(ip -n "$ns_b" -d link show "$if_b" | grep -c 'prog/xdp')
xdp_probe ours-again auto -e "accel:$if_b"
wait_ready ours-again
send "$ns_a" again -d "$mac_b" -n 10 ipv4 -E
wait_probe
if [ "$left" -ne 0 ]; then
	fail accel-xdp-kill "the killed capture's XDP program stayed on $if_b"
elif ! why=$(frames_equal ours again "$tmp/again.sent"); then
	fail accel-xdp-kill "the next capture: $why"
else
	pass accel-xdp-kill
fi

# ---- one XDP program per device ----------------------------------------------
xdp_probe ours-first auto -d 3000 "accel:$if_b"
wait_ready ours-first
first=$probe_pid
xdp_probe ours-second auto -d 500 "accel:$if_b"
wait_probe
wait_exit "$first" 10
if grep -q '^activate = -1 .*one xdp capture per device' \
	"$tmp/ours-second.out"; then
	pass accel-xdp-busy
else
	fail accel-xdp-busy "second capture: $(why_empty "$tmp/ours-second.out")"
fi

# ---- pcap_inject -------------------------------------------------------------
send "$ns_a" inject -x -d "$mac_a" -n 5 ipv4 tcp
start_probe sys-injected sys "$ns_a" -I 1000 "$if_a"
wait_ready sys-injected
ns_cmd "$ns_b" ours
# shellcheck disable=SC2046
"${in_ns_cmd[@]}" ACCEL_BACKEND=xdp "$probe" inject "accel:$if_b" \
	$(sent_hex "$tmp/inject.sent") >"$tmp/inject.out" 2>&1
wait_probe
if why=$(frames_equal sys injected "$tmp/inject.sent"); then
	pass accel-xdp-inject
else
	fail accel-xdp-inject "$why ($(head -c 200 "$tmp/inject.out"))"
fi

# ---- accel-info says what the backend does to the host --------------------
if ACCEL_BACKEND=xdp "$build/accel-info" -c "accel:$if_b" |
	grep -q 'taken away from the host'; then
	pass accel-xdp-info
else
	fail accel-xdp-info "accel-info does not say that AF_XDP takes the packets"
fi

# ---- errors ---------------------------------------------------------------------
ns_cmd "$ns_b" ours
"${in_ns_cmd[@]}" ACCEL_BACKEND=xdp "$probe" capture -d 300 accel:acl-none \
	>"$tmp/nodev.out" 2>&1
ip -n "$ns_b" link set "$if_b" down
"${in_ns_cmd[@]}" ACCEL_BACKEND=xdp "$probe" capture -d 300 "accel:$if_b" \
	>"$tmp/down.out" 2>&1
ip -n "$ns_b" link set "$if_b" up
if ! grep -q "^activate = -5 " "$tmp/nodev.out"; then
	fail accel-xdp-errors "no such device: $(why_empty "$tmp/nodev.out")"
elif ! grep -q "^activate = -9 .*not up" "$tmp/down.out"; then
	fail accel-xdp-errors "device down: $(why_empty "$tmp/down.out")"
else
	pass accel-xdp-errors
fi

# ---- the device deleted under the capture (last: the pair goes) ----------
xdp_probe ours-gone auto -d 8000 "accel:$if_b"
wait_ready ours-gone
sleep 0.3
ip -n "$ns_b" link del "$if_b"
wait_probe
if grep -q '^dispatch = -1 \[The interface disappeared\]' "$tmp/ours-gone.out"; then
	pass accel-xdp-gone
else
	fail accel-xdp-gone "after the device went: $(grep -m1 -E '^(dispatch|end)' "$tmp/ours-gone.out")"
fi

finish
