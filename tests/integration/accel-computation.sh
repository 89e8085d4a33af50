#!/bin/bash
# accel-computation.sh [-S] BUILD_DIR: computations on accel: devices.
#
#  - steer: four tcpdump processes with ACCEL_GROUP=7 and
#    ACCEL_COMPUTATION='ip >-> steer_flow' on one veth end share 67 flows
#    of IPv4 UDP and TCP sent both ways: disjoint, complete, every flow to
#    one member, every member busy; the IPv6 frames sent with them reach
#    nobody ("ip" drops them).  Each member got exactly the frames the
#    in-process path (test-computation --members) gives its rank: the
#    kernel and this library agree, packet by packet.
#  - udp: with 'udp >-> steer_flow' only the UDP frames arrive (IPv4 and
#    IPv6), all of them, once.
#  - rrobin: 'ip >-> steer_rrobin' (the kernel's round robin): all of the
#    100 frames, once, about half each.
#  - errors: a syntax error reaches pcap_geterr with line and column (of
#    ACCEL_COMPUTATION, of a computation_file); steering without a group
#    is refused.
# -S: the system libpcap has no accel devices: SKIP.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail accel-computation-setup "cannot make the namespaces"; finish; }
if [ "$system_only" -eq 1 ]; then
	skip accel-computation "the system libpcap has no accel devices"
	finish
fi
members_tool=$build/tests/unit/test-computation
[ -x "$members_tool" ] ||
	{ fail accel-computation "$members_tool missing"; finish; }

# group TAG COMPUTATION N: N tcpdumps in group 7, started one after the
# other (so the kernel ranks them in that order); $outs their "pkt" lines.
group() {
	local tag=$1 comp=$2 n=$3 i
	pids=() outs=() tags=()
	for i in $(seq 1 "$n"); do
		start_client "$tag-m$i" ours "$ns_b" ACCEL_GROUP=7 \
			ACCEL_COMPUTATION="$comp" -- \
			tcpdump -n -U -i "accel:$if_b" -w "$tmp/$tag-m$i.pcap"
		pids+=("$client_pid")
		tags+=("$tag-m$i")
		outs+=("$tmp/$tag-m$i.out")
		wait_listening "$tag-m$i" "$client_pid" ||
			echo "$tag-m$i: $(tr '\n' ' ' <"$tmp/$tag-m$i.stderr" | cut -c1-160)" \
				>>"$tmp/$tag.not-started"
	done
}

# stop TAG WANT-BYTES: once the members wrote WANT-BYTES in all, stop them.
stop() {
	local i
	wait_bytes "$2" "$tmp/$1"-m*.pcap
	sleep 0.2
	for i in "${!pids[@]}"; do
		stop_client "${pids[$i]}" "${tags[$i]}"
		pcap_pkts "$tmp/${tags[$i]}.pcap" "${outs[$i]}"
	done
}

# ---- ip >-> steer_flow, four members ---------------------------------
group steer 'ip >-> steer_flow' 4
if [ -s "$tmp/steer.not-started" ]; then
	fail accel-computation-steer "$(head -1 "$tmp/steer.not-started")"
else
	send "$ns_a" steer.fwd -d "$mac_b" -F 67 -n 402 ipv4 tcp ipv6
	send "$ns_b" steer.rev -d "$mac_a" -R -s 100000 -F 67 -n 402 ipv4 tcp ipv6
	# what must arrive: the IPv4 frames
	for d in fwd rev; do
		awk '$1 == "frame" && $5 !~ /^ipv6/' "$tmp/steer.$d.sent" \
			>"$tmp/steer.$d.ip"
	done
	stop steer $(( 4 * 24 + $(pkt_bytes "$tmp"/steer.*.ip) ))
	fanout_verdict "$tmp/steer.fwd.ip" "$tmp/steer.rev.ip" -- "${outs[@]}" \
		>"$tmp/steer.verdict"
	fanout_report accel-computation-steer "$tmp/steer.verdict"
	# the in-process path gives each frame the member that got it
	bad=''
	for i in 1 2 3 4; do
		awk '$1 == "pkt" { print $5 }' "${outs[$((i - 1))]}" |
			"$members_tool" --members 4 'ip >-> steer_flow' |
			sort -u >"$tmp/ranks.$i"
		[ "$(cat "$tmp/ranks.$i")" = "$((i - 1))" ] ||
			bad+=" member $i: $(tr '\n' ' ' <"$tmp/ranks.$i")"
	done
	if [ -z "$bad" ]; then
		pass accel-computation-steer-same-member
	else
		fail accel-computation-steer-same-member "ranks the in-process path gives:$bad"
	fi
fi

# ---- udp >-> steer_flow: only UDP --------------------------------------
group udp 'udp >-> steer_flow' 2
if [ -s "$tmp/udp.not-started" ]; then
	fail accel-computation-udp "$(head -1 "$tmp/udp.not-started")"
else
	send "$ns_a" udp.fwd -d "$mac_b" -F 20 -n 120 ipv4 tcp ipv6
	for d in fwd; do
		awk '$1 == "frame" && $5 !~ /^tcp/' "$tmp/udp.$d.sent" \
			>"$tmp/udp.$d.want"
	done
	stop udp $(( 2 * 24 + $(pkt_bytes "$tmp/udp.fwd.want") ))
	cat "${outs[@]}" >"$tmp/udp.all"
	if why=$(frames_once "$tmp/udp.all" "$tmp/udp.fwd.want"); then
		pass accel-computation-udp
	else
		fail accel-computation-udp "$why"
	fi
fi

# ---- steer_rrobin: the kernel's round robin ----------------------------
group rr 'ip >-> steer_rrobin' 2
if [ -s "$tmp/rr.not-started" ]; then
	fail accel-computation-rrobin "$(head -1 "$tmp/rr.not-started")"
else
	send "$ns_a" rr.fwd -d "$mac_b" -n 100 ipv4
	stop rr $(( 2 * 24 + $(pkt_bytes "$tmp/rr.fwd.sent") ))
	n1=$(grep -c '^pkt ' "${outs[0]}")
	n2=$(grep -c '^pkt ' "${outs[1]}")
	cat "${outs[@]}" >"$tmp/rr.all"
	if ! why=$(frames_once "$tmp/rr.all" "$tmp/rr.fwd.sent"); then
		fail accel-computation-rrobin "$why"
	elif [ "$n1" -lt 40 ] || [ "$n2" -lt 40 ]; then
		fail accel-computation-rrobin "shares $n1 and $n2 of 100"
	else
		pass accel-computation-rrobin
	fi
fi

# ---- errors ----------------------------------------------------------------
ns_cmd "$ns_b" ours
"${in_ns_cmd[@]}" ACCEL_COMPUTATION='ip >-> steer_flw' "$probe" capture -d 300 \
	"accel:$if_b" >"$tmp/syntax.out" 2>&1
"${in_ns_cmd[@]}" ACCEL_COMPUTATION='steer_flow' "$probe" capture -d 300 \
	"accel:$if_b" >"$tmp/nogroup.out" 2>&1
printf '# a computation file\nudp >->\n  steer_flw\n' >"$tmp/bad.acl"
"${in_ns_cmd[@]}" ACCEL_GROUP=9 ACCEL_COMPUTATION_FILE="$tmp/bad.acl" "$probe" \
	capture -d 300 "accel:$if_b" >"$tmp/file.out" 2>&1
if ! grep -q "^activate = -1 \[env ACCEL_COMPUTATION:1:8: expected a predicate" \
	"$tmp/syntax.out"; then
	fail accel-computation-errors "syntax: $(why_empty "$tmp/syntax.out")"
elif ! grep -q "^activate = -1 .*steering needs a group" "$tmp/nogroup.out"; then
	fail accel-computation-errors "no group: $(why_empty "$tmp/nogroup.out")"
elif ! grep -qF "activate = -1 [$tmp/bad.acl:3:3: expected a predicate" \
	"$tmp/file.out"; then
	fail accel-computation-errors "computation_file: $(why_empty "$tmp/file.out")"
else
	pass accel-computation-errors
fi

finish
