#!/bin/bash
# accel-fanout.sh [-S] BUILD_DIR: fanout groups of accel devices.  Handles
# with the same group on one device share its packets (PACKET_FANOUT):
# two and four tcpdump processes, the group given in a config file
# (accel/FILE:DEV, "group = N") or in the environment (ACCEL_GROUP), two
# threads of one process, and a process and two threads together, each
# capture part of 804 frames of 201 UDP/TCP/IPv6 flows sent both ways
# across the captured veth end: their union is exactly what was sent,
# byte for byte; no frame reached two members; every flow (both
# directions: the default "hash" is symmetric) went to one member only;
# every member got some.  "fanout = lb" (and random) share frames out
# regardless of flows, evenly; every mode and modifier (ACCEL_FANOUT)
# still gives each frame to one member; other groups and handles without
# a group on the same device get everything.
#
# The frames: send-frames -F makes the flows (-R from the other end of the
# pair, the reverse direction); the captured end sees one direction come
# in and the other go out.  The same frames captured by plain tcpdumps
# and probe-threads on the system libpcap prove the harness (-S: only
# those; the accel checks print SKIP: the system libpcap has no accel
# devices).
. "$(dirname "$0")/lib.sh"

[ -x "$threads_probe" ] ||
	{ fail accel-fanout "$threads_probe missing (make check TESTS=)"; finish; }
setup_pair || { fail accel-fanout-setup "cannot make the namespaces"; finish; }

# 67 flows (a prime: no member count divides the distance between two
# frames of a flow, so "lb" cannot look flow-consistent by chance), three
# protocols: 201 flows, each twice in each direction.
nflows=67
kinds=(ipv4 tcp ipv6)
count=$((2 * nflows * ${#kinds[@]}))
client_deadline=20

cat >"$tmp/group.conf" <<'EOF'
# accel-fanout.sh: the members of group 4242 share the device's packets.

group = 4242	# the default fanout is hash
EOF
cat >"$tmp/lb.conf" <<'EOF'
group = 4244
fanout = lb
EOF

# send_flows TAG: every flow one way from $if_a, then the other way from
# $if_b; the frames go to $tmp/TAG.fwd.sent and $tmp/TAG.rev.sent.
send_flows() {
	send "$ns_a" "$1.fwd" -d "$mac_b" -F "$nflows" -n "$count" "${kinds[@]}"
	send "$ns_b" "$1.rev" -d "$mac_a" -R -s 100000 -F "$nflows" -n "$count" \
		"${kinds[@]}"
}

# members TAG WHICH DEV [NAME=VALUE...]: adds a tcpdump on DEV in $ns_b
# (in the directory $tmp, with the variables given) to the run TAG; its
# savefile is $tmp/TAG-mN.pcap.  $immediate set: in immediate mode (the
# system libpcap's ring then has room for 8 frames of the default
# snapshot length: -s 256).
members() {
	local tag=$1 which=$2 dev=$3 n
	shift 3
	n=$(( ${#m_tags[@]} + 1 ))
	start_client "$tag-m$n" "$which" "$ns_b" "$@" -- \
		tcpdump -n -U ${immediate:+--immediate-mode -s 256} -i "$dev" \
		-w "$tmp/$tag-m$n.pcap"
	m_tags+=("$tag-m$n")
	m_pids+=("$client_pid")
	m_outs+=("$tmp/$tag-m$n.out")
}

# threads TAG WHICH DEV...: adds probe-threads with a handle on each DEV
# (one thread each) to the run TAG; its threads' outputs are members.
threads() {
	local tag=$1 which=$2 i
	shift 2
	mkdir -p "$tmp/$tag-t"
	start_client "$tag-t" "$which" "$ns_b" -- "$threads_probe" \
		-o "$tmp/$tag-t" -g "$tmp/$tag.go" -d 10000 "$@"
	t_pid=$client_pid
	for i in $(seq 1 $#); do
		m_outs+=("$tmp/$tag-t/T$i.out")
	done
}

# new_run: forget the members of the previous run.
new_run() {
	m_tags=() m_pids=() m_outs=() t_pid=
	rm -f "$tmp/not-started"
}

# go TAG FRAMES-EACH: once every member is active, send the flows; wait
# until the tcpdumps wrote FRAMES-EACH times what was sent (1: a group
# shares it out; 2: two plain captures get it all), then stop them all.
# Members that never started are listed in $tmp/not-started.
go() {
	local tag=$1 times=$2 i want
	for i in "${!m_tags[@]}"; do
		wait_listening "${m_tags[$i]}" "${m_pids[$i]}" ||
			echo "${m_tags[$i]}: $(client_why "${m_tags[$i]}")" >>"$tmp/not-started"
	done
	if [ -n "$t_pid" ]; then
		wait_for "$tmp/$tag-t.stdout" '^ready$' "$t_pid" 5 &&
			libpcap_of "$t_pid" >"$tmp/$tag-t.maps"
		grep -h '^activate = -' "$tmp/$tag-t"/T*.out 2>/dev/null |
			sed "s/^/$tag-t: /" >>"$tmp/not-started"
		grep -q '^ready$' "$tmp/$tag-t.stdout" ||
			echo "$tag-t: not ready: $(tr '\n' ' ' <"$tmp/$tag-t.stderr" | cut -c1-100)" >>"$tmp/not-started"
	fi
	if [ ! -s "$tmp/not-started" ]; then
		send_flows "$tag"
		want=$(pkt_bytes "$tmp/$tag".{fwd,rev}.sent)
		# With threads, they stop once nothing came for 300 ms:
		# then the tcpdumps have had their share too.
		if [ -n "$t_pid" ]; then
			touch "$tmp/$tag.go"
			wait_exit "$t_pid" 10 ||
				echo "end = hung, killed by the test" >>"$tmp/$tag-t.stdout"
		elif [ ${#m_tags[@]} -gt 0 ]; then
			wait_bytes $(( ${#m_tags[@]} * 24 + times * want )) \
				"$tmp/$tag"-m*.pcap
		fi
	fi
	for i in "${!m_tags[@]}"; do
		stop_client "${m_pids[$i]}" "${m_tags[$i]}"
		pcap_pkts "$tmp/${m_tags[$i]}.pcap" "$tmp/${m_tags[$i]}.out"
	done
	if [ -n "$t_pid" ]; then
		touch "$tmp/$tag.go"
		wait_exit "$t_pid" 10
	fi
}

# started NAME WHICH TAG: the members of run TAG all started (else one FAIL
# NAME line), on the library WHICH.
started() {
	local name=$1 which=$2 tag=$3 t why=''
	if [ -s "$tmp/not-started" ]; then
		fail "$name" "$(wc -l <"$tmp/not-started") member(s) did not start: $(head -1 "$tmp/not-started")"
		return 1
	fi
	for t in "${m_tags[@]}"; do
		why=$(client_lib_ok "$t" "$which") || break
	done
	[ -z "$why" ] && [ -n "$t_pid" ] && why=$(client_lib_ok "$tag-t" "$which")
	if [ -n "$why" ]; then
		fail "$name" "$why"
		return 1
	fi
}

# group_checks NAME TAG [CHECK...]: the members of run TAG are one group.
group_checks() {
	local name=$1 tag=$2
	shift 2
	started "$name" ours "$tag" || return
	fanout_verdict "$tmp/$tag".{fwd,rev}.sent -- "${m_outs[@]}" >"$tmp/$tag.verdict"
	fanout_report "$name" "$tmp/$tag.verdict" "$@"
	grep '^members' "$tmp/$tag.verdict" | sed "s/^/# $name: /"
}

tcpdump_lib_check accel-fanout-right-library

# The harness, on the system libpcap: two plain tcpdumps and two threads
# on the plain device each get every frame, and the frames make 201 flows
# sent both ways.
new_run
immediate=1
members plain sys "$if_b"
members plain sys "$if_b"
threads plain sys "$if_b" "$if_b"
go plain 2
immediate=
if started accel-fanout-harness sys plain; then
	why=$(flows_ok 201 "$tmp"/plain.{fwd,rev}.sent)
	for o in "${m_outs[@]}"; do
		[ -n "$why" ] && break
		why=$(frames_once "$o" "$tmp"/plain.{fwd,rev}.sent) ||
			why="$(basename "$o"): $why"
	done
	if [ -n "$why" ]; then
		fail accel-fanout-harness "$why"
	else
		pass accel-fanout-harness
	fi
fi

accel_names=(file-2 file-4 env-2 env-4 threads-2 process-and-threads lb-2
	     mode-cpu mode-rollover mode-random mode-qm mode-hash-defrag
	     mode-hash-rollover mode-lb-defrag other-groups)
if [ "$system_only" -eq 1 ]; then
	for n in "${accel_names[@]}"; do
		skip "accel-fanout-$n" "accel devices are accel-pcap's (-S)"
	done
	finish
fi

# group = 4242 in accel/group.conf: two members, then four.
for n in 2 4; do
	new_run
	for i in $(seq 1 "$n"); do
		members "file-$n" ours "accel/group.conf:$if_b"
	done
	go "file-$n" 1
	group_checks "accel-fanout-file-$n" "file-$n"
done

# ACCEL_GROUP=4243 in the environment of accel:DEV.
for n in 2 4; do
	new_run
	for i in $(seq 1 "$n"); do
		members "env-$n" ours "accel:$if_b" ACCEL_GROUP=4243
	done
	go "env-$n" 1
	group_checks "accel-fanout-env-$n" "env-$n"
done

# Two handles, two threads, one process.
new_run
threads threads-2 ours "accel/group.conf:$if_b" "accel/group.conf:$if_b"
go threads-2 1
group_checks accel-fanout-threads-2 threads-2

# A tcpdump (ACCEL_GROUP=4242) and two threads (the file's group 4242):
# one group across processes and threads, whichever layer named it.
new_run
members mixed ours "accel:$if_b" ACCEL_GROUP=4242
threads mixed ours "accel/group.conf:$if_b" "accel/group.conf:$if_b"
go mixed 1
group_checks accel-fanout-process-and-threads mixed

# fanout = lb: shared out frame by frame, whatever the flow.  The kernel
# alternates (round robin): each member gets a third or more.
new_run
members lb ours "accel/lb.conf:$if_b"
members lb ours "accel/lb.conf:$if_b"
go lb 1
# not_by_flow NAME TAG: the two members of run TAG (lb, random) got
# frames of one flow alike, and a third of them or more each.
not_by_flow() {
	local m1 m2
	read -r _ m1 m2 _ < <(grep '^members' "$tmp/$2.verdict")
	if grep -q '^flows ok' "$tmp/$2.verdict"; then
		fail "$1" "every flow went to one member: the mode was not applied? (members $m1 $m2)"
	elif [ $((3 * m1)) -lt $((m1 + m2)) ] || [ $((3 * m2)) -lt $((m1 + m2)) ]; then
		fail "$1" "unbalanced: members got $m1 and $m2 frames"
	else
		pass "$1"
	fi
}
group_checks accel-fanout-lb-2 lb union disjoint spread &&
	not_by_flow accel-fanout-lb-2-not-by-flow lb

# The other modes and the modifiers (ACCEL_FANOUT): the group still shares
# out every frame once; the hash variants keep flows together.  (cpu,
# rollover and qm may well give everything to one member here.)
modes=(cpu rollover random qm hash+defrag hash+rollover lb+defrag)
for i in "${!modes[@]}"; do
	mode=${modes[$i]}
	tag=mode-${mode/+/-}
	new_run
	members "$tag" ours "accel:$if_b" ACCEL_GROUP=$((4260 + i)) ACCEL_FANOUT="$mode"
	members "$tag" ours "accel:$if_b" ACCEL_GROUP=$((4260 + i)) ACCEL_FANOUT="$mode"
	go "$tag" 1
	case $mode in
	hash*) group_checks "accel-fanout-$tag" "$tag" union disjoint flows ;;
	random) group_checks "accel-fanout-$tag" "$tag" union disjoint &&
		not_by_flow "accel-fanout-$tag-not-by-flow" "$tag" ;;
	*) group_checks "accel-fanout-$tag" "$tag" union disjoint ;;
	esac
done

# Groups are separate: two members of 4242, one of group 4243 and one
# without a group, side by side on the device.  The two share; the others
# get everything.
new_run
members iso ours "accel/group.conf:$if_b"
members iso ours "accel/group.conf:$if_b"
members iso ours "accel:$if_b" ACCEL_GROUP=4243
members iso ours "accel:$if_b"
go iso 1
if started accel-fanout-other-groups ours iso; then
	fanout_verdict "$tmp"/iso.{fwd,rev}.sent -- "${m_outs[@]:0:2}" >"$tmp/iso.verdict"
	fanout_report accel-fanout-other-groups-shared "$tmp/iso.verdict"
	for i in 3 4; do
		what=("" "" "" "alone-in-group-4243" "without-group")
		if why=$(frames_once "${m_outs[$((i - 1))]}" "$tmp"/iso.{fwd,rev}.sent); then
			pass "accel-fanout-other-groups-${what[$i]}"
		else
			fail "accel-fanout-other-groups-${what[$i]}" "$why"
		fi
	done
fi
finish
