#!/bin/bash
# cycles.sh [-S] BUILD_DIR: every backend opened, activated, filtered,
# read, counted and closed 20 times in one process, under valgrind: no
# leak (definite or indirect), no error, as many descriptors open after
# as before; and afterwards nothing left on the device (no XDP program,
# no TCX program, as accel-info reports), no group registry files, and
# none of our BPF maps or programs anywhere in the kernel (bpf-objects,
# which is first seen to count them while a capture holds some).
# Without the capabilities BPF needs, xdp and bpfring refuse to activate
# with PCAP_ERROR_PERM_DENIED and the system's reason.
# Without valgrind the cycles still run (a SKIP line says what was not
# checked).  -S: the plain device on the system libpcap only.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail cycles-setup "cannot make the namespaces"; finish; }
cycler=$build/tests/integration/probe-cycles
[ -x "$cycler" ] || { fail cycles "$cycler missing"; finish; }
vg=()
if command -v valgrind >/dev/null; then
	vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
	    --suppressions="$(dirname "$0")/valgrind.supp" --error-exitcode=99)
else
	skip cycles-leaks "valgrind is not installed: descriptors only"
fi
ns_ino=$(ip netns exec "$ns_b" stat -L -c %i /proc/self/ns/net)

# cycle NAME DEVICE [NAME=VALUE...]: 20 cycles on our library.
cycle() {
	local name=$1 dev=$2 rc fds
	shift 2
	ns_cmd "$ns_b" ours
	"${in_ns_cmd[@]}" "$@" "${vg[@]}" "$cycler" "$dev" 20 udp \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	fds=$(awk '$1 == "fds" { print $2 == $3 ? "same" : $2 " then " $3 }' \
	      "$tmp/$name.out")
	if [ "$rc" -ne 0 ]; then
		fail "cycles-$name" "exit $rc: $(grep -m2 -E 'cycle|definitely|indirectly|Invalid|==' \
			"$tmp/$name.out" "$tmp/$name.err" | tr '\n' ' ' | cut -c1-200)"
	elif [ "$fds" != same ]; then
		fail "cycles-$name" "descriptors open: ${fds:-not said}"
	else
		pass "cycles-$name"
	fi
}

cycle plain "$if_b"
if [ "$system_only" -eq 0 ]; then
	cycle accel "accel:$if_b"
	cycle group "accel:$if_b" ACCEL_GROUP=5
	cycle computation "accel:$if_b" ACCEL_GROUP=5 \
		"ACCEL_COMPUTATION=ip >-> steer_flow"
	cycle xdp "accel:$if_b" ACCEL_BACKEND=xdp ACCEL_RX_SLOTS=512
	cycle bpfring "accel:$if_b" ACCEL_BACKEND=bpfring ACCEL_BPFRING_SIZE=1M
	cycle bpfring-group "accel:$if_b" ACCEL_BACKEND=bpfring \
		ACCEL_BPFRING_SIZE=1M ACCEL_GROUP=6
	# Without the capabilities BPF needs: libpcap's PERM_DENIED, saying so.
	if command -v setpriv >/dev/null; then
		bad=''
		for b in xdp bpfring; do
			ns_cmd "$ns_b" ours
			"${in_ns_cmd[@]}" ACCEL_BACKEND=$b setpriv --inh-caps=-all \
				--ambient-caps=-all --bounding-set=-all "$probe" capture \
				-d 300 "accel:$if_b" >"$tmp/noperm-$b.out" 2>&1
			grep -q '^activate = -8 \[.*Operation not permitted' \
				"$tmp/noperm-$b.out" ||
				bad+=" $b: $(why_empty "$tmp/noperm-$b.out")"
		done
		if [ -z "$bad" ]; then pass cycles-no-privileges
		else fail cycles-no-privileges "$bad"; fi
	else
		skip cycles-no-privileges "setpriv (util-linux) is not installed"
	fi
	# Our maps and programs: counted while a bpfring capture holds some,
	# then none once everything is closed (freed within moments).
	objects=$build/tests/integration/bpf-objects
	start_probe_env held ours "$ns_b" ACCEL_BACKEND=bpfring -- -d 3000 \
		"accel:$if_b"
	if wait_ready held; then
		during=$("$objects")
	fi
	wait_probe
	for _ in $(seq 30); do
		after=$("$objects")
		[ "$after" = "maps 0 progs 0" ] && break
		sleep 0.1
	done
	if [[ ! ${during:-} =~ ^maps\ [1-9][0-9]*\ progs\ [1-9] ]]; then
		fail cycles-bpf-objects "none counted during a bpfring capture: ${during:-$(why_empty "$tmp/held.out")}"
	elif [ "$after" != "maps 0 progs 0" ]; then
		fail cycles-bpf-objects "left in the kernel: $after"
	else
		pass "cycles-bpf-objects (during a bpfring capture: $during)"
	fi
	info=$(ip netns exec "$ns_b" "$build/accel-info" "$if_b")
	xdp=$(echo "$info" | awk '$1 == "xdp" { print $NF }')
	tcx=$(echo "$info" | awk '$1 == "tcx" { print $3 + $5 }')
	left=$(ls /run/accel-pcap/bpfring-"$ns_ino"-* 2>/dev/null | head -3)
	if [ "$xdp" != none ] || [ "$tcx" != 0 ] || [ -n "$left" ]; then
		fail cycles-nothing-left "xdp attached: $xdp, tcx programs: $tcx, files: $left"
	else
		pass cycles-nothing-left
	fi
fi
finish
