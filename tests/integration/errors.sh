#!/bin/bash
# errors.sh [-S] BUILD_DIR: the error paths of live capture answer with
# libpcap's codes and messages: no such device (and a name too long for an
# ifreq), device down, no CAP_NET_RAW, activating twice, setters after
# activation, rfmon on a wired device, time stamp types and precisions,
# pcap_open_live's messages; a device that vanishes under a capture, one
# that goes down and up again.  Each case must print the lines given here
# on the system libpcap, and ours must print exactly what it printed.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail errors-setup "cannot make the namespaces"; finish; }
# A second pair, in $ns_b only, to delete under a capture.
gone=acl-$$-c
if command -v setpriv >/dev/null; then
	no_raw=(setpriv --inh-caps=-all --bounding-set=-net_raw)
elif command -v capsh >/dev/null; then
	no_raw=(capsh --drop=cap_net_raw --)
else
	no_raw=()
fi

# probe_errors WHICH TAG [PREFIX...] -- CASE DEVICE
probe_errors() {
	local w=$1 tag=$1-$2 pre=()
	shift 2
	while [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	if [ "${pre[0]:-}" = capsh ]; then
		in_ns "$ns_b" "$w" "${pre[@]}" -c "$probe errors $*" >"$tmp/$tag.out" 2>&1
	else
		in_ns "$ns_b" "$w" "${pre[@]}" "$probe" errors "$@" >"$tmp/$tag.out" 2>&1
	fi
}

# vanish WHICH: the device is deleted under a running capture.
run_vanish() {
	ip -n "$ns_b" link add "$gone" type veth peer name "$gone-p" &&
		ip -n "$ns_b" link set "$gone" up
	start_probe "$1-vanish" "$1" "$ns_b" -e "$gone"
	wait_ready "$1-vanish"
	ip -n "$ns_b" link del "$gone"
	wait_probe
}

# downup WHICH: the device goes down and up again under a capture.
run_downup() {
	start_probe "$1-downup" "$1" "$ns_b" -e "$if_b"
	wait_ready "$1-downup"
	ip -n "$ns_b" link set "$if_b" down
	ip -n "$ns_b" link set "$if_b" up
	send "$ns_a" "$1-downup" -d "$mac_b" -E ipv4 vlan arp ipv4
	wait_probe
}

for w in sys ours; do
	probe_errors "$w" missing -- activate acl-nosuch0
	probe_errors "$w" too-long -- activate acl-name-too-long-for-ifreq
	probe_errors "$w" missing-open-live -- open-live acl-nosuch0
	ip -n "$ns_b" link set "$if_b" down
	probe_errors "$w" down -- activate "$if_b"
	probe_errors "$w" down-open-live -- open-live "$if_b"
	probe_errors "$w" down-any -- activate any
	ip -n "$ns_b" link set "$if_b" up
	if [ ${#no_raw[@]} -gt 0 ]; then
		probe_errors "$w" no-raw "${no_raw[@]}" -- activate "$if_b"
		probe_errors "$w" no-raw-any "${no_raw[@]}" -- activate any
		probe_errors "$w" no-raw-open-live "${no_raw[@]}" -- open-live "$if_b"
	fi
	probe_errors "$w" twice -- twice "$if_b"
	probe_errors "$w" after -- after "$if_b"
	probe_errors "$w" after-any -- after any
	probe_errors "$w" rfmon -- rfmon "$if_b"
	probe_errors "$w" tstamp -- tstamp "$if_b"
	probe_errors "$w" open-live -- open-live "$if_b"
	run_vanish "$w"
	run_downup "$w"
done

# expect NAME TAG LINE...: the system libpcap printed each LINE ($IF: the
# device), and ours printed the same as it.
expect() {
	local name=$1 tag=$2 line
	shift 2
	for line in "$@"; do
		line=${line//\$IF/$if_b}
		if ! grep -qxF "$line" "$tmp/sys-$tag.out"; then
			fail "$name" "the system libpcap did not print \"$line\" (the test is wrong?)" \
				"$tmp/sys-$tag.out"
			return
		fi
	done
	same_output "$name" "$tag"
}

nodev='No such device exists'
perm="You don't have permission to perform this capture on that device"
notup='That device is not up'
expect errors-no-such-device missing "activate = -5 ($nodev) [$nodev]"
expect errors-name-too-long too-long "activate = -5 ($nodev) [$nodev]"
expect errors-no-such-device-open-live missing-open-live \
	"open_live(promisc 0) = NULL [acl-nosuch0: $nodev ($nodev)]"
expect errors-device-down down "activate = -9 ($notup) [$notup]"
expect errors-device-down-open-live down-open-live \
	"open_live(promisc 1) = NULL [\$IF: $notup]"
expect errors-any-while-a-device-is-down down-any "activate = 0 (ok) []"
if [ ${#no_raw[@]} -gt 0 ]; then
	# libpcap writes "CAP_NET_RAW may be required", then overwrites it.
	expect errors-no-cap-net-raw no-raw \
		"activate = -8 ($perm) [socket: Operation not permitted]"
	expect errors-no-cap-net-raw-any no-raw-any \
		"activate = -8 ($perm) [socket: Operation not permitted]"
	expect errors-no-cap-net-raw-open-live no-raw-open-live \
		"open_live(promisc 0) = NULL [\$IF: $perm (socket: Operation not permitted)]"
else
	fail errors-no-cap-net-raw "neither setpriv nor capsh (util-linux, libcap2-bin)"
fi
expect errors-activate-twice twice \
	"activate again = -4 (The setting can't be changed after the pcap_t is activated) [can't perform  operation on activated capture]"
expect errors-setters-after-activation after "set_snaplen = -4" \
	"set_protocol_linux = -4" "list_datalinks = 2 [ 1:EN10MB 143:DOCSIS ]" \
	"list_tstamp_types = 1 [ 0:host ]" \
	"set_datalink(IEEE802_11) = -1 [IEEE802_11 is not one of the DLTs supported by this device]"
expect errors-setters-after-activation-any after-any "set_buffer_size = -4" \
	"list_datalinks = 2 [ 113:LINUX_SLL 276:LINUX_SLL2 ]" "set_datalink(EN10MB) = -1"
expect errors-rfmon-not-supported rfmon "can_set_rfmon = 0 []" \
	"activate = -6 (That device doesn't support monitor mode) [That device doesn't support monitor mode]"
expect errors-tstamp-types tstamp "list_tstamp_types = 1 [ 0:host ]" \
	"set_tstamp_type(3 adapter) = 3 (That type of time stamp is not supported by that device)" \
	"set_tstamp_precision(2) = -12"
expect errors-open-live-works open-live "open_live(promisc 1) = ok []"
expect errors-device-vanishes vanish "dispatch = -1 [The interface disappeared]" \
	"end = error"
downup_ok() {
	frames_equal "$1" downup && ended "$1" downup marker
}
check errors-device-down-and-up-again downup_ok
same_output errors-device-down-and-up-again-as-libpcap downup
right_libraries errors-right-libraries
finish
