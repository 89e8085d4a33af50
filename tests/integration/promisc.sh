#!/bin/bash
# promisc.sh [-S] BUILD_DIR: promiscuous mode on a bridge (which, unlike a
# veth end, passes frames for other unicast addresses up only when
# promiscuous): those frames arrive only with pcap_set_promisc; the
# device's promiscuity count goes up while the handle is open and back to
# 0 when it closes, when its process is killed, and handle by handle
# (PACKET_ADD_MEMBERSHIP, not the IFF_PROMISC flag).  Every scenario runs
# on the system libpcap and on ours; both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail promisc-setup "cannot make the namespaces"; finish; }
br=acl-$$-br
mac_br=02:ac:1c:00:00:0c
# No multicast snooping: the bridge would join a group and say so.
if ! { ip -n "$ns_b" link add "$br" address "$mac_br" type bridge \
		mcast_snooping 0 &&
       ip -n "$ns_b" link set "$if_b" master "$br" &&
       ip -n "$ns_b" link set "$br" up; }; then
	fail promisc-setup "cannot make a bridge"
	finish
fi

# capture WHICH TAG PROBE-OPTIONS: capture on the bridge, note its
# promiscuity while capturing and after, send frames for it and for others.
capture() {
	local w=$1 tag=$1-$2
	shift 2
	start_probe "$tag" "$w" "$ns_b" -e "$@" "$br"
	wait_ready "$tag"
	promiscuity "$ns_b" "$br" >"$tmp/$tag.during"
	send "$ns_a" "$tag" -d "$mac_br" -E ipv4 other arp other@99 mcast \
		ipv4@200
	wait_probe
	promiscuity "$ns_b" "$br" >"$tmp/$tag.after"
}

# killed WHICH: promiscuous capture killed by SIGKILL.
killed() {
	local tag=$1-killed
	start_probe "$tag" "$1" "$ns_b" -p "$br"
	wait_ready "$tag"
	promiscuity "$ns_b" "$br" >"$tmp/$tag.during"
	kill -KILL "$probe_pid" 2>/dev/null
	wait "$probe_pid" 2>/dev/null
	promiscuity "$ns_b" "$br" >"$tmp/$tag.after"
}

# two WHICH: two promiscuous handles (one waits for an ARP frame, the
# other for an IPv4 one); the first closes, then the second.
two() {
	local tag=$1-two p1 p2
	start_probe "$tag.1" "$1" "$ns_b" -p -e -f arp "$br"
	p1=$probe_pid
	wait_ready "$tag.1"
	start_probe "$tag.2" "$1" "$ns_b" -p -e -f ip "$br"
	p2=$probe_pid
	wait_ready "$tag.2"
	{
		promiscuity "$ns_b" "$br"
		send "$ns_a" "$tag.1" -d "$mac_br" -E arp
		wait_probe "$p1" "$tag.1"
		promiscuity "$ns_b" "$br"
		send "$ns_a" "$tag.2" -d "$mac_br" -E ipv4
		wait_probe "$p2" "$tag.2"
		promiscuity "$ns_b" "$br"
	} >"$tmp/$tag.list"
	tr '\n' ' ' <"$tmp/$tag.list" >"$tmp/$tag.counts"
}

for w in sys ours; do
	capture "$w" plain
	capture "$w" promisc -p
	killed "$w"
	two "$w"
done

# Without promiscuous mode the frames "other" (for 02:ac:00:00:00:99)
# stay out; with it they come.
plain_ok() {
	{ pick "$tmp/$1-plain.sent" '^(ipv4|arp|mcast)'; } >"$tmp/expect.seq"
	seqs_ok "$1" plain "$tmp/expect.seq"
}
promisc_ok() {
	pick "$tmp/$1-promisc.sent" . >"$tmp/expect.seq"
	seqs_ok "$1" promisc "$tmp/expect.seq" && frames_equal "$1" promisc
}
check promisc-off-other-unicast-filtered plain_ok
check promisc-on-other-unicast-captured promisc_ok

# counts WHICH TAG DURING AFTER: the promiscuity while the probe of TAG
# was capturing, and after it ended.
counts() {
	local during after
	grep -qx ready "$tmp/$1-$2.out" ||
		{ echo "the capture never started: $(why_empty "$tmp/$1-$2.out")"; return 1; }
	during=$(cat "$tmp/$1-$2.during")
	after=$(cat "$tmp/$1-$2.after")
	[ "$during/$after" = "$3/$4" ] && return 0
	echo "promiscuity $during while capturing, $after after (want $3, $4)"
	return 1
}
check promisc-off-leaves-count-0 counts plain 0 0
check promisc-count-1-then-0-on-close counts promisc 1 0
check promisc-count-0-after-kill counts killed 1 0
two_ok() {
	ended "$1" two.1 marker && ended "$1" two.2 marker || return 1
	[ "$(cat "$tmp/$1-two.counts")" = "2 1 0 " ] && return 0
	echo "promiscuity with two handles, one, none: $(cat "$tmp/$1-two.counts")"
	return 1
}
check promisc-two-handles-counted two_ok

right_libraries promisc-right-libraries
same_output promisc-same-as-libpcap plain promisc
finish
