#!/bin/bash
# loop.sh [-S] BUILD_DIR: the read loop on a live handle: pcap_breakloop
# from another thread and from a signal handler wakes a pcap_loop blocked
# with no traffic, promptly; nonblocking mode returns 0 at once and the
# selectable fd polls readable when frames wait; pcap_set_timeout bounds
# how long a frame waits; immediate mode delivers each frame at once;
# pcap_next_ex reads live frames.  Every scenario runs on the system
# libpcap and on ours; both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail loop-setup "cannot make the namespaces"; finish; }

# run WHICH TAG SEND-ARGS -- PROBE-OPTIONS: capture on $if_b; send
# SEND-ARGS from $if_a (none: no traffic).
run() {
	local w=$1 tag=$1-$2 sargs=()
	shift 2
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	start_probe "$tag" "$w" "$ns_b" "$@" "$if_b"
	wait_ready "$tag"
	[ ${#sargs[@]} -gt 0 ] && send "$ns_a" "$tag" -d "$mac_b" "${sargs[@]}"
	wait_probe
}

paced=(-E -r 20 -n 20 ipv4 vlan ipv6@99 arp@70)
for w in sys ours; do
	run "$w" break-thread -- -B thread:300
	run "$w" break-signal -- -B signal:300
	run "$w" nonblock -E ipv4 vlan ipv6 arp@1000 -- -N -e
	run "$w" next-ex -E ipv4 vlan qinq ipv6 arp -- -x -e -t 50
	run "$w" timeout "${paced[@]}" -- -e -l -t 300
	run "$w" immediate "${paced[@]}" -- -e -l -i -t 5000
done

# broken WHICH TAG: pcap_loop returned PCAP_ERROR_BREAK after 300 ms (give
# or take scheduling), and the next read was normal.
broken() {
	local out=$tmp/$1-$2.out ms
	grep -qx 'loop = -2 \[\]' "$out" ||
		{ echo "$(grep -m1 -E '^(loop|activate) = ' "$out"), want loop = -2"; return 1; }
	ms=$(awk '$2 == "elapsed" { print $3 }' "$out")
	if [ "${ms:-0}" -lt 280 ] || [ "${ms:-0}" -gt 700 ]; then
		echo "pcap_loop returned after $ms ms, the break came at 300"
		return 1
	fi
	grep -qx 'dispatch after break = 0' "$out" ||
		{ echo "then $(grep '^dispatch after' "$out"), want 0"; return 1; }
}
check loop-breakloop-from-thread broken break-thread
check loop-breakloop-from-signal-handler broken break-signal

nonblock_ok() {
	local out=$tmp/$1-nonblock.out us l
	for l in 'setnonblock = 0 \[\]' 'getnonblock = 1' 'selectable_fd = ok' \
		 'dispatch when empty = 0' 'poll saw POLLIN = 1'; do
		grep -qx "$l" "$out" || { echo "no \"$l\": $(why_empty "$out")"; return 1; }
	done
	us=$(awk '$2 == "elapsed_us" { print $3 }' "$out")
	[ "$us" -le 50000 ] || { echo "an empty pcap_dispatch took $us us"; return 1; }
	frames_equal "$1" nonblock && ended "$1" nonblock marker
}
check loop-nonblocking nonblock_ok

next_ex_ok() {
	frames_equal "$1" next-ex && ended "$1" next-ex marker
}
check loop-pcap-next-ex next_ex_ok

# waited WHICH TAG MAX-MS MIN-BATCHES: every frame came, none waited longer
# than MAX-MS after its time stamp, and pcap_dispatch returned frames at
# least MIN-BATCHES times.
waited() {
	local out=$tmp/$1-$2.out
	frames_equal "$1" "$2" || return 1
	awk -v max="$3" -v min="$4" '
	$2 == "lat" { if ($3 > worst) worst = $3 }
	$2 == "dispatch" && $3 > 0 { batches++ }
	END {
		if (worst > max * 1000) { print "a frame waited " int(worst / 1000) " ms, more than " max; exit 1 }
		if (batches < min) { print "frames came in " batches + 0 " batches, want " min " or more"; exit 1 }
	}' "$out"
}
# With a 300 ms timeout a frame waits for its block to be handed over.
check loop-timeout-300ms waited timeout 500 1
# Immediate mode: each frame (sent 50 ms apart) on its own, at once.
check loop-immediate-mode waited immediate 100 15

right_libraries loop-right-libraries
same_output loop-same-as-libpcap break-thread break-signal nonblock next-ex \
	timeout immediate
finish
