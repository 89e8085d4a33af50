#!/bin/bash
# filter.sh [-S] BUILD_DIR: pcap_setfilter on a live capture delivers only
# the frames that match -- in the kernel, and in user space where the
# kernel cannot run the program (too long; cooked-header fields on "any");
# a filter set while frames wait in the ring applies to them too;
# pcap_set_protocol_linux selects by protocol.  Every scenario runs on the
# system libpcap and on ours; both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail filter-setup "cannot make the namespaces"; finish; }

# Sent before each case's last frame (which ends the capture and matches).
mix=(ipv4 ipv6 arp tcp vlan vlan0 qinq bcast mcast mcast6 other ipv4@1200
     vlan@1100)
udp='^(ipv4|ipv6|vlan|vlan0|bcast|mcast|mcast6|other)(@|$)'

# NAME|EXPRESSION|LAST FRAME|KINDS THAT MATCH.  On a live Linux capture
# the program sees a frame without its outer VLAN tag (the kernel took it
# off): "ip" matches 802.1Q-tagged IPv4, "ether[12:2] = 0x8100" only the
# QinQ frame, and "vlan" tests the tag the kernel kept aside.
cases=(
	"ip|ip|ipv4|^(ipv4|tcp|vlan|vlan0|bcast|mcast|other)(@|$)"
	"vlan-100|vlan 100|vlan|^vlan(@|$)"
	"vlan-0|vlan 0|vlan0|^vlan0"
	"qinq|vlan 200 and vlan 300|qinq|^qinq"
	"not-vlan|not vlan|ipv4|^(ipv4|ipv6|arp|tcp|bcast|mcast|mcast6|other)(@|$)"
	"arp-or-ip6|arp or ip6|arp|^(arp|ipv6|mcast6)"
	"ether-multicast|ether multicast|bcast|^(arp|bcast|mcast|mcast6)"
	"ether-dst|ether dst 02:ac:00:00:00:99|other|^other"
	"tcp-syn|tcp[tcpflags] & tcp-syn != 0|tcp|^tcp"
	"length|len >= 1000|ipv4@1200|@1[0-9][0-9][0-9]$"
	"raw-bytes|ether[12:2] = 0x8100|qinq|^qinq"
)

# Too long for the kernel (over 4096 instructions unoptimized): libpcap
# filters in user space.
long="udp dst port 7001"
for port in $(seq 10000 10300); do
	long+=" or udp dst port $port"
done

# run_case WHICH NAME EXPR LAST [PROBE-OPTIONS]: capture on $if_b with
# EXPR, send the mix and LAST from $if_a.
run_case() {
	local w=$1 name=$2 expr=$3 last=$4
	shift 4
	start_probe "$w-$name" "$w" "$ns_b" -e "$@" -f "$expr" "$if_b"
	wait_ready "$w-$name"
	send "$ns_a" "$w-$name" -d "$mac_b" -E "${mix[@]}" "$last"
	wait_probe
}

# late WHICH: frames wait in the ring (kept by "not arp") when "arp or
# tcp" replaces the filter; then more frames come.
run_late() {
	local w=$1
	rm -f "$tmp/go"
	start_probe "$w-late" "$w" "$ns_b" -e -f "not arp" -g "$tmp/go" \
		-F "arp or tcp" "$if_b"
	wait_ready "$w-late"
	send "$ns_a" "$w-late" -d "$mac_b" "${mix[@]}"
	touch "$tmp/go"
	wait_for "$tmp/$w-late.out" '^late setfilter' "$probe_pid"
	send "$ns_a" "$w-late2" -s 100 -d "$mac_b" -E "${mix[@]}" arp
	wait_probe
}

# any WHICH NAME EXPR FIRST: on "any": frames from $if_b (ipv4, arp) and
# from $if_a (the mix); FIRST (a or b) sends first, the other ends it.
run_any() {
	local w=$1 name=$2 expr=$3 first=$4
	start_probe "$w-$name" "$w" "$ns_b" -e -f "$expr" any
	wait_ready "$w-$name"
	if [ "$first" = a ]; then
		send "$ns_a" "$w-$name" -d "$mac_b" "${mix[@]}"
		send "$ns_b" "$w-$name.b" -s 100 -d "$mac_a" -E ipv4 arp ipv4
	else
		send "$ns_b" "$w-$name.b" -s 100 -d "$mac_a" ipv4 arp
		send "$ns_a" "$w-$name" -d "$mac_b" -E "${mix[@]}" "$5"
	fi
	wait_probe
}

# protocol WHICH: pcap_set_protocol_linux(ETH_P_ARP), no filter.
run_protocol() {
	start_probe "$1-protocol" "$1" "$ns_b" -e -P 2054 "$if_b"
	wait_ready "$1-protocol"
	send "$ns_a" "$1-protocol" -d "$mac_b" -E "${mix[@]}" arp
	wait_probe
}

for w in sys ours; do
	for c in "${cases[@]}"; do
		IFS='|' read -r name expr last re <<<"$c"
		run_case "$w" "$name" "$expr" "$last"
	done
	run_case "$w" userland "$long" ipv4 -O
	run_late "$w"
	run_any "$w" any-udp udp b ipv4
	run_any "$w" any-inbound-arp "inbound and arp" b arp
	run_any "$w" any-outbound "link[0:2] = 4" a
	run_any "$w" any-userland "link[10:2] = 0x000b" a
	run_protocol "$w"
done

# matches WHICH TAG REGEX: the frames captured are those sent whose kind
# matches, in the order sent.
matches() {
	pick "$tmp/$1-$2.sent" "$3" >"$tmp/expect.seq"
	seqs_ok "$1" "$2" "$tmp/expect.seq"
}

for c in "${cases[@]}"; do
	IFS='|' read -r name expr last re <<<"$c"
	check "filter-$name" matches "$name" "$re"
done
check filter-userland-too-long matches userland "$udp"

# Before the new filter: tcp frames (kept by the old filter) only; after.
late_ok() {
	{ pick "$tmp/$1-late.sent" '^tcp'; pick "$tmp/$1-late2.sent" '^(arp|tcp)'; } \
		>"$tmp/expect.seq"
	seqs_ok "$1" late "$tmp/expect.seq"
}
check filter-set-while-frames-wait late_ok

# any_ok WHICH TAG ORDER A-REGEX B-REGEX: ORDER "ab" or "ba" says who sent
# first.
any_ok() {
	local w=$1 tag=$2
	if [ "$3" = ab ]; then
		{ pick "$tmp/$w-$tag.sent" "$4"; pick "$tmp/$w-$tag.b.sent" "$5"; }
	else
		{ pick "$tmp/$w-$tag.b.sent" "$5"; pick "$tmp/$w-$tag.sent" "$4"; }
	fi >"$tmp/expect.seq"
	seqs_ok "$w" "$tag" "$tmp/expect.seq"
}
check filter-any-udp any_ok any-udp ba "$udp" '^ipv4'
check filter-any-inbound-arp any_ok any-inbound-arp ba '^arp' '^$'
check filter-any-pkttype-in-kernel any_ok any-outbound ab '^$' .
check filter-any-userland any_ok any-userland ab '^$' .
check filter-protocol-linux matches protocol '^arp'

# ps_recv counts what passed the kernel's filter: only the matches when
# the kernel filters, every frame when user space does.
recv_counts() {
	local w=$1 n_ip n_all
	n_ip=$(grep -c '^pkt ' "$tmp/$w-ip.out")
	n_all=$(grep -c '^frame ' "$tmp/$w-userland.sent")
	grep -qx "stats = 0 recv $n_ip drop 0 ifdrop 0" "$tmp/$w-ip.out" ||
		{ echo "kernel filter: $(grep '^stats' "$tmp/$w-ip.out"), $n_ip captured"; return 1; }
	grep -qx "stats = 0 recv $n_all drop 0 ifdrop 0" "$tmp/$w-userland.out" ||
		{ echo "user-space filter: $(grep '^stats' "$tmp/$w-userland.out"), $n_all sent"; return 1; }
}
check filter-stats-kernel-and-user-space recv_counts

right_libraries filter-right-libraries
tags=()
for c in "${cases[@]}"; do
	tags+=("${c%%|*}")
done
same_output filter-same-as-libpcap "${tags[@]}" userland late any-udp \
	any-inbound-arp any-outbound any-userland protocol
finish
