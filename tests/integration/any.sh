#!/bin/bash
# any.sh [-S] BUILD_DIR: the "any" device: DLT_LINUX_SLL by default,
# LINUX_SLL2 by pcap_set_datalink; every cooked header field (packet
# type, ARPHRD, address length and bytes, protocol; for SLL2 the ifindex)
# for frames arriving (to us, broadcast, multicast, another host) and
# leaving; an arriving VLAN tag is put back in SLL and dropped in SLL2 (as
# libpcap does).  Every scenario runs on the system libpcap and on ours;
# both must hold, and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail any-setup "cannot make the namespaces"; finish; }
idx_b=$(ifindex "$ns_b" "$if_b")

# run WHICH DLT: frames arrive from $if_a, leave from $if_b (numbered from
# 100), and a last one arrives (200).  QinQ and a leaving VLAN frame are
# only compared with libpcap.
run() {
	local w=$1 tag=$1-$2 opt=()
	[ "$2" = sll2 ] && opt=(-L LINUX_SLL2)
	start_probe "$tag" "$w" "$ns_b" -n -e "${opt[@]}" any
	wait_ready "$tag"
	send "$ns_a" "$tag.in" -d "$mac_b" ipv4 ipv6 arp tcp vlan vlan0 bcast \
		mcast mcast6 other ipv4@999 vlan@1001 qinq
	send "$ns_b" "$tag.out" -s 100 -d "$mac_a" ipv4 arp vlan ipv6@333
	send "$ns_a" "$tag.end" -s 200 -d "$mac_b" -E ipv4
	wait_probe
}

for w in sys ours; do
	run "$w" sll
	run "$w" sll2
done

# cooked_ok WHICH DLT: each frame but QinQ came once, as the kernel and
# libpcap cook it: SLL is pkttype(2) hatype(2) halen(2) addr(8) protocol(2),
# SLL2 protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1)
# addr(8); the address is the sender's MAC.
cooked_ok() {
	local w=$1 dlt=$2 tag=$1-$2
	nothing_captured "$tmp/$tag.out" && return 1
	awk -v dlt="$dlt" -v idx="$idx_b" -v out="$tmp/$tag.out" "$AWK_SEQ"'
	function hex(v, digits) { return sprintf("%0" digits "x", v) }
	$1 == "frame" && $5 !~ /^qinq/ {
		f = $4; s = $2
		outgoing = FILENAME ~ /\.out\.sent$/
		# Whether the kernel takes the tag off a leaving frame for a
		# cooked socket depends on its version (recent ones do).
		if (outgoing && $5 ~ /^vlan/) next
		dst = substr(f, 1, 12)
		if (outgoing) type = 4
		else if (dst == "ffffffffffff") type = 1
		else if (substr(dst, 2, 1) ~ /[13579bdf]/) type = 2
		else if (dst == "02ac1c00000b") type = 0
		else type = 3
		src = substr(f, 13, 12) "0000"
		# An arriving tag is metadata: SLL gets it back, SLL2 does not.
		tagged = !outgoing && substr(f, 25, 4) == "8100"
		if (dlt == "sll")
			want[s] = hex(type, 4) "0001" "0006" src substr(f, 25)
		else if (tagged)
			want[s] = substr(f, 33, 4) "0000" hex(idx, 8) "0001" hex(type, 2) "06" src substr(f, 37)
		else
			want[s] = substr(f, 25, 4) "0000" hex(idx, 8) "0001" hex(type, 2) "06" src substr(f, 29)
		n++
	}
	END {
		while ((getline l < out) > 0) {
			split(l, p, " ")
			if (p[1] != "pkt" || !((s = seq(p[5])) in want)) continue
			got[s]++
			if (p[5] != want[s]) { print "frame " s ": got " substr(p[5], 1, 70) "..., want " substr(want[s], 1, 70) "..."; bad = 1 }
			else if (p[2] != p[3] || p[2] * 2 != length(p[5])) { print "frame " s ": caplen " p[2] " len " p[3]; bad = 1 }
		}
		for (s in want)
			if (got[s] != 1) { print "frame " s " captured " got[s] + 0 " times"; bad = 1 }
		if (!n) { print "nothing sent"; bad = 1 }
		exit bad
	}' "$tmp/$tag.in.sent" "$tmp/$tag.out.sent" "$tmp/$tag.end.sent"
}

datalink() {
	grep -qx "datalink = $2" "$tmp/$1-$3.out" && return 0
	echo "$(grep -m1 -E '^(datalink|activate|set_datalink) = ' "$tmp/$1-$3.out"), want $2"
	return 1
}
check any-default-linux-sll datalink '113 LINUX_SLL' sll
check any-sll-headers cooked_ok sll
check any-set-datalink-linux-sll2 datalink '276 LINUX_SLL2' sll2
check any-sll2-headers cooked_ok sll2

# Arriving, leaving, then arriving again: the order sent.
order() {
	{ awk '$1 == "frame" { print $2 }' "$tmp/$1-$2.in.sent" "$tmp/$1-$2.out.sent" \
		"$tmp/$1-$2.end.sent"; } >"$tmp/expect.seq"
	seqs_ok "$1" "$2" "$tmp/expect.seq" && ts_ok "$1" "$2" 9 \
		"$tmp/$1-$2.in.sent" "$tmp/$1-$2.end.sent"
}
check any-sll-order-and-timestamps order sll
check any-sll2-order-and-timestamps order sll2

right_libraries any-right-libraries
same_output any-same-as-libpcap sll sll2
finish
