#!/bin/bash
# snaplen.sh [-S] BUILD_DIR: caplen = min(len, snaplen) and len = the
# length on the wire, the bytes kept being the frame's first (VLAN tag put
# back first); a snaplen of 0 or below means 262144; pcap_open_live's
# snaplen; on "any" the cooked header counts and a tiny snaplen is raised.
# Every scenario runs on the system libpcap and on ours; both must hold,
# and print the same.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail snaplen-setup "cannot make the namespaces"; finish; }

frames=(ipv4@1514 vlan@200 qinq@300 arp ipv4@61 ipv6@1513 vlan@64 ipv4@199
	ipv4@200 ipv4@201 vlan@204 ipv4@63 ipv4@65)

# run WHICH TAG DEVICE PROBE-OPTIONS...: capture as many frames as sent.
run() {
	local w=$1 tag=$1-$2 dev=$3
	shift 3
	start_probe "$tag" "$w" "$ns_b" -c "${#frames[@]}" -d 5000 "$@" "$dev"
	wait_ready "$tag"
	send "$ns_a" "$tag" -d "$mac_b" "${frames[@]}"
	wait_probe
}

for w in sys ours; do
	run "$w" 64 "$if_b" -s 64
	run "$w" 200 "$if_b" -s 200
	run "$w" 1 "$if_b" -s 1
	run "$w" 0 "$if_b" -s 0
	run "$w" negative "$if_b" -s -5
	run "$w" open-live-100 "$if_b" -o -s 100
	run "$w" any-64 any -s 64
	run "$w" any-10 any -s 10
done

# snap_ok WHICH TAG SNAPLEN [HEADER-BYTES]: the n-th packet is the n-th
# frame sent (after HEADER-BYTES of cooked header), cut at SNAPLEN; the
# probe said "snapshot = SNAPLEN".
snap_ok() {
	local out=$tmp/$1-$2.out sent=$tmp/$1-$2.sent snap=$3 hdr=${4:-0}
	grep -qx "snapshot = $snap" "$out" ||
		{ echo "$(grep -m1 -E '^(snapshot|activate|open_live) = ' "$out"), want snapshot = $snap"; return 1; }
	awk -v snap="$snap" -v hdr="$hdr" -v out="$out" '
	$1 == "frame" { want[++n] = $4; wlen[n] = $3 }
	END {
		while ((getline l < out) > 0) {
			split(l, f, " ")
			if (f[1] != "pkt") continue
			i++
			len = wlen[i] + hdr
			cap = len < snap ? len : snap
			data = substr(f[5], 2 * hdr + 1)
			if (f[3] != len || f[2] != cap || length(f[5]) != 2 * cap) {
				print "packet " i ": caplen " f[2] " len " f[3] " (" length(f[5]) / 2 " bytes), want " cap " and " len; exit 1
			}
			if (data != substr(want[i], 1, length(data))) {
				print "packet " i ": bytes differ from the frame sent: " substr(f[5], 1, 60); exit 1
			}
		}
		if (i != n) { print "captured " i + 0 " of " n " frames"; exit 1 }
	}' "$sent"
}
check snaplen-64 snap_ok 64 64
check snaplen-200 snap_ok 200 200
check snaplen-1 snap_ok 1 1
check snaplen-0-is-262144 snap_ok 0 262144
check snaplen-negative-is-262144 snap_ok negative 262144
check snaplen-open-live snap_ok open-live-100 100

# On "any" the frames arrive with a 16-byte header for their 14 bytes of
# Ethernet header: only the untagged frames compare simply.
any_ok() {
	local w=$1 tag=$2 snap=$3
	grep -qx "snapshot = $snap" "$tmp/$w-$tag.out" ||
		{ echo "$(grep -m1 -E '^(snapshot|activate) = ' "$tmp/$w-$tag.out"), want snapshot = $snap"; return 1; }
	awk -v snap="$snap" '
	$1 == "frame" { len[++n] = $3 + 2; untagged[n] = $5 !~ /^(vlan|qinq)/ }
	$1 == "pkt" {
		i++
		cap = len[i] < snap ? len[i] : snap
		if (untagged[i] && ($3 != len[i] || $2 != cap)) {
			print "packet " i ": caplen " $2 " len " $3 ", want " cap " and " len[i]; exit 1
		}
		if ($2 > snap || $2 * 2 != length($5)) { print "packet " i ": caplen " $2 " with snapshot " snap; exit 1 }
	}
	END { if (i != n) { print "captured " i + 0 " of " n " frames"; exit 1 } }
	' "$tmp/$w-$tag.sent" "$tmp/$w-$tag.out"
}
check snaplen-any-64 any_ok any-64 64
# libpcap raises it to fit a LINUX_SLL2 header and one byte.
check snaplen-any-10-raised-to-21 any_ok any-10 21

right_libraries snaplen-right-libraries
same_output snaplen-same-as-libpcap 64 200 1 0 negative open-live-100 any-64 any-10
finish
