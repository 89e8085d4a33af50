#!/bin/bash
# frames.sh [-S] BUILD_DIR: frames injected at one end of a veth pair are
# captured at the other end byte for byte, in order, with caplen and len,
# in nanoseconds within the send window (and in microseconds); tcpdump -w
# running beside the probe writes the same frames; pcap_inject and
# pcap_sendpacket put frames on the wire unchanged.  Every scenario runs on
# the system libpcap and on ours; both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail frames-setup "cannot make the namespaces"; finish; }
idx_b=$(ifindex "$ns_b" "$if_b")

# Every kind of frame; odd lengths from 60 to the MTU (1518 with a tag).
kinds=(ipv4 ipv4@61 ipv4@99 ipv4@1514 ipv6 ipv6@1513 arp arp@73 tcp
       vlan vlan@1001 vlan@1518 vlan0 qinq qinq@777 bcast mcast mcast6
       other ipv4@333)

# kinds WHICH: the probe (nanoseconds) and tcpdump -w on $if_b, then the
# frames from $if_a.
run_kinds() {
	local w=$1 ppid tpid
	start_probe "$w-kinds" "$w" "$ns_b" -n -e "$if_b"
	ppid=$probe_pid
	rm -f "$tmp/$w.pcap"
	ns_cmd "$ns_b" "$w"
	"${in_ns_cmd[@]}" timeout 10 tcpdump -i "$if_b" -w "$tmp/$w.pcap" \
		-c "${#kinds[@]}" >"$tmp/$w-tcpdump.log" 2>&1 &
	tpid=$!
	bg_pids+=("$tpid")
	wait_ready "$w-kinds"
	wait_bound "$tpid" "$idx_b"
	send "$ns_a" "$w-kinds" -d "$mac_b" -E "${kinds[@]}"
	wait_probe "$ppid" "$w-kinds"
	wait_exit "$tpid"
	env -u LD_LIBRARY_PATH -u LD_PRELOAD "$probe" read "$tmp/$w.pcap" \
		>"$tmp/$w-tcpdump.out" 2>&1
}

# micro WHICH: microsecond time stamps (the default precision).
run_micro() {
	start_probe "$1-micro" "$1" "$ns_b" -e "$if_b"
	wait_ready "$1-micro"
	send "$ns_a" "$1-micro" -d "$mac_b" -E -n 8 ipv4 vlan ipv6@99 arp
	wait_probe
}

# inject WHICH: the library injects on $if_a; the system libpcap captures.
run_inject() {
	local w=$1
	start_probe "$w-inject" sys "$ns_b" -e "$if_b"
	wait_ready "$w-inject"
	"$sender" -x -a "$mac_a" -d "$mac_b" -E ipv4 vlan@99 qinq ipv6@1513 \
		arp@61 ipv4@1514 >"$tmp/$w-inject.sent"
	# shellcheck disable=SC2046
	in_ns "$ns_a" "$w" "$probe" inject "$if_a" \
		$(sent_hex "$tmp/$w-inject.sent") >"$tmp/$w-inject.log" 2>&1
	wait_probe
	cat "$tmp/$w-inject.log" >>"$tmp/$w-inject.out"
}

for w in sys ours; do
	run_kinds "$w"
	run_micro "$w"
	run_inject "$w"
done

check frames-ipv4 kind_ok kinds '^ipv4'
check frames-ipv6 kind_ok kinds '^ipv6'
check frames-arp kind_ok kinds '^arp'
check frames-tcp kind_ok kinds '^tcp'
check frames-vlan-tag-reinserted kind_ok kinds '^vlan(@|$)'
check frames-vlan-tci-0 kind_ok kinds '^vlan0'
check frames-qinq kind_ok kinds '^qinq'
check frames-broadcast-multicast kind_ok kinds '^(bcast|mcast)'
check frames-other-unicast kind_ok kinds '^other'
check frames-odd-lengths kind_ok kinds '@'

# All of them, in the order sent, nothing else; the probe stopped at the
# last one; pcap_stats counted them.
kinds_all() {
	frames_equal "$1" kinds && ended "$1" kinds marker || return 1
	grep -qx "stats = 0 recv ${#kinds[@]} drop 0 ifdrop 0" "$tmp/$1-kinds.out" ||
		{ echo "wrong stats: $(grep '^stats' "$tmp/$1-kinds.out")"; return 1; }
}
check frames-in-order-and-counted kinds_all

kinds_ts() {
	ts_ok "$1" kinds 9
}
check frames-nanosecond-timestamps kinds_ts

micro_ts() {
	frames_equal "$1" micro && ts_ok "$1" micro 6
}
check frames-microsecond-timestamps micro_ts

# tcpdump -w beside the probe: the same frames in its file.
tcpdump_w() {
	sent_hex "$tmp/$1-kinds.sent" >"$tmp/expect.hex"
	captured_hex "$tmp/$1-tcpdump.out" >"$tmp/got.hex"
	if ! cmp -s "$tmp/expect.hex" "$tmp/got.hex"; then
		echo "tcpdump -w wrote $(wc -l <"$tmp/got.hex") of" \
		     "$(wc -l <"$tmp/expect.hex") frames, or other bytes" \
		     "($(tr '\n' ' ' <"$tmp/$1-tcpdump.log" | cut -c1-100))"
		return 1
	fi
}
check frames-tcpdump-w tcpdump_w

# pcap_inject returns the length, pcap_sendpacket 0; the frames arrive.
inject_ok() {
	awk '$1 == "frame" { print (n++ % 2 ? "sendpacket = 0" : "inject = " $3) " []" }' \
		"$tmp/$1-inject.sent" >"$tmp/expect.inject"
	if ! grep -v '^#' "$tmp/$1-inject.log" | diff "$tmp/expect.inject" - >"$tmp/inject.diff"; then
		grep -m1 '^[<>]' "$tmp/inject.diff" | cut -c1-120
		return 1
	fi
	frames_equal "$1" inject
}
check frames-inject inject_ok

right_libraries frames-right-libraries
same_output frames-same-as-libpcap kinds
same_output frames-micro-same-as-libpcap micro
same_output frames-inject-same-as-libpcap inject
finish
