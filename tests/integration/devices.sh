#!/bin/bash
# devices.sh BUILD_DIR: pcap_findalldevs, pcap_lookupdev and pcap_lookupnet
# answer on our library exactly as on the system libpcap, in network
# namespaces built for the purpose (lo, veth, dummy, VLAN, tun, bridge,
# aliases, point-to-point and IPv6 addresses, links up, down and without
# carrier).  No traffic is sent.  One PASS/FAIL line per check.
set -u
build=$(cd "${1:?usage: devices.sh BUILD_DIR}" && pwd)
probe=$build/tests/integration/probe-devices
failed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL devices: needs root"
	exit 1
fi
for f in "$build/libpcap.so.0.8" "$probe"; do
	if [ ! -e "$f" ]; then
		echo "FAIL devices: $f is missing (make check TESTS=)"
		exit 1
	fi
done

tmp=$(mktemp -d)
ns_made=()
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	for ns in "${ns_made[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

make_ns() {	# make_ns NAME: a fresh namespace, deleted on exit
	if ! ip netns add "$1"; then
		fail devices-netns "ip netns add $1 failed"
		exit 1
	fi
	ns_made+=("$1")
}
# Unique per run, so parallel runs do not collide.
ns1=acdev-$$-1 ns2=acdev-$$-2 peer=acdev-$$-3

# Setup steps: a failure is remembered and fails the scenario.
setup_errors=
run() {
	if ! "$@" 2>"$tmp/err"; then
		setup_errors+="'$*': $(head -1 "$tmp/err"); "
	fi
}

# Interface kinds this kernel may lack: the substitute, and a note saying so.
notes=
add_link() {	# add_link NS NAME SPEC FALLBACK-SPEC: ip link add NAME SPEC
	local ns=$1 name=$2
	# shellcheck disable=SC2086 # the specs are word lists
	if ip -n "$ns" link add name "$name" $3 2>/dev/null; then
		return
	fi
	local kind=${3#*type }
	kind=${kind%% *}
	case $notes in
	*"no $kind,"*) ;;
	*) notes+="${notes:+, }no $kind, used '${4#*type }'" ;;
	esac
	# shellcheck disable=SC2086
	run ip -n "$ns" link add name "$name" $4
}

# Wait until links and addresses stop changing (carrier and operstate
# follow a link change after up to a second).
settle() {	# settle NS
	local before after
	after=$(ip -n "$1" -d link; ip -n "$1" addr)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		before=$after
		sleep 1.2
		after=$(ip -n "$1" -d link; ip -n "$1" addr)
		[ "$before" = "$after" ] && return
	done
}

probe_sys() {
	ip netns exec "$ns" env -u LD_LIBRARY_PATH "$probe" "$@"
}
probe_ours() {
	ip netns exec "$ns" env LD_LIBRARY_PATH="$build" "$probe" "$@"
}

# compare NAME NS [PROBE-ARGS...]: the system library, ours, and the
# system library again (if the two system runs differ the namespace was
# still changing: try again).
compare() {
	local name=devices-$1
	ns=$2
	shift 2
	if [ -n "$setup_errors" ]; then
		fail "$name" "setup failed: $setup_errors"
		setup_errors=
		return
	fi
	for _ in 1 2 3; do
		probe_sys "$@" >"$tmp/sys.out" 2>&1
		echo "exit $?" >>"$tmp/sys.out"
		probe_ours "$@" >"$tmp/ours.out" 2>&1
		echo "exit $?" >>"$tmp/ours.out"
		probe_sys "$@" >"$tmp/sys2.out" 2>&1
		echo "exit $?" >>"$tmp/sys2.out"
		cmp -s "$tmp/sys.out" "$tmp/sys2.out" && break
		settle "$ns"
	done
	local devs accel bad
	devs=$(grep -c '^dev ' "$tmp/sys.out")
	# Ours appends an accel:NAME entry per interface after libpcap's list:
	# without them the output must be libpcap's, and each must name a
	# device libpcap listed (lo at least), after every libpcap entry.
	awk '/^dev [0-9]+ accel:/ { skip = 1; next } /^[^ ]/ { skip = 0 } !skip' \
		"$tmp/ours.out" >"$tmp/ours-libpcap.out"
	accel=$(awk '/^dev [0-9]+ accel:/ { sub(/^accel:/, "", $3); print $3 }' "$tmp/ours.out")
	bad=
	for d in $accel; do
		grep -q "^dev [0-9]* $d\$" "$tmp/sys.out" || bad="$bad $d"
	done
	if ! awk '/^dev [0-9]+ accel:/ { a = 1; next } /^dev / && a { exit 1 }' "$tmp/ours.out"; then
		bad="$bad (an accel: entry before a libpcap one)"
	fi
	if grep -q '^dev [0-9]* lo$' "$tmp/sys.out" && ! grep -qx lo <<<"$accel"; then
		bad="$bad (no accel:lo)"
	fi
	if [ -n "$bad" ]; then
		fail "$name" "accel: entries wrong:$bad"
	elif diff -u "$tmp/sys.out" "$tmp/ours-libpcap.out" >"$tmp/diff"; then
		pass "$name ($devs devices, $(wc -w <<<"$accel") accel: entries${notes:+; $notes})"
	else
		fail "$name" "output differs from libpcap:"
		head -20 "$tmp/diff" | sed 's/^/    /'
	fi
}

# The probe must really load ours with LD_LIBRARY_PATH, the system's without.
ours_lib=$(LD_LIBRARY_PATH=$build ldd "$probe" | awk '/libpcap.so.0.8/ {print $3}')
sys_lib=$(env -u LD_LIBRARY_PATH ldd "$probe" | awk '/libpcap.so.0.8/ {print $3}')
if [ "$(readlink -f "$ours_lib")" = "$(readlink -f "$build/libpcap.so.0.8")" ] &&
   [ "$(readlink -f "$sys_lib")" != "$(readlink -f "$build/libpcap.so.0.8")" ]; then
	pass "devices-probe-libraries ($sys_lib vs ours)"
else
	fail devices-probe-libraries "ours '$ours_lib', system '$sys_lib'"
fi

# --- A namespace as it is born: only lo, down. -----------------------------
make_ns "$ns1"
compare empty "$ns1"
compare empty-init "$ns1" --init

run ip -n "$ns1" link set lo up
settle "$ns1"
compare lo-up "$ns1"

# --- The full set. ---------------------------------------------------------
make_ns "$ns2"
make_ns "$peer"
# No duplicate address detection: addresses are final at once.
for conf in all default; do
	ip netns exec "$ns2" sh -c \
		"echo 0 >/proc/sys/net/ipv6/conf/$conf/accept_dad" 2>/dev/null
done
run ip -n "$ns2" link set lo up

# A veth pair inside the namespace, both up: running and connected.
run ip -n "$ns2" link add va type veth peer name vb
run ip -n "$ns2" addr add 198.18.1.1/24 dev va
run ip -n "$ns2" addr add 198.18.1.2/24 dev va
run ip -n "$ns2" addr add 198.18.3.1/23 brd + dev va
run ip -n "$ns2" addr add 198.18.2.1/24 dev va label va:1
run ip -n "$ns2" addr add 198.18.2.2/24 dev va label va:web
run ip -n "$ns2" addr add 2001:db8:1::1/64 dev va nodad
run ip -n "$ns2" addr add fe80::1:1/64 dev va nodad
run ip -n "$ns2" link set va alias "an alias is no description"
run ip -n "$ns2" link set va up
run ip -n "$ns2" link set vb up
run ip -n "$ns2" addr add 198.18.1.9/24 dev vb

# A veth whose peer, in another namespace, stays down: up, no carrier.
run ip -n "$ns2" link add vc type veth peer name vd netns "$peer"
run ip -n "$ns2" addr add 198.18.4.1/24 dev vc
run ip -n "$ns2" link set vc up

# Dummies: one up with a point-to-point style address, one down with
# addresses of both families, one without any address.
add_link "$ns2" d0 "type dummy" "type ifb"
run ip -n "$ns2" addr add 198.18.5.1 peer 198.18.5.2 dev d0
run ip -n "$ns2" addr add 2001:db8:5::1/128 dev d0 nodad
run ip -n "$ns2" link set d0 up
add_link "$ns2" d1 "type dummy" "type ifb"
run ip -n "$ns2" addr add 198.18.6.1/16 dev d1
run ip -n "$ns2" addr add 2001:db8:6::1/48 dev d1 nodad
add_link "$ns2" d2 "type dummy" "type ifb"

# A VLAN on the dummy, up, with an address.
add_link "$ns2" d0.100 "link d0 type vlan id 100" "link d0 type macvlan"
run ip -n "$ns2" addr add 198.18.7.1/24 dev d0.100
run ip -n "$ns2" link set d0.100 up

# A real point-to-point link (tun, no link-layer address), up, no reader.
run ip -n "$ns2" tuntap add dev t0 mode tun
run ip -n "$ns2" addr add 198.18.8.1 peer 198.18.8.2 dev t0
run ip -n "$ns2" addr add 2001:db8:8::1/64 dev t0 nodad
run ip -n "$ns2" link set t0 up

# A bridge without ports, and names at the 15-character limit.
run ip -n "$ns2" link add br0 type bridge
run ip -n "$ns2" link set br0 up
add_link "$ns2" acdev-name-15ch "type dummy" "type ifb"
run ip -n "$ns2" addr add 198.18.9.1/31 dev acdev-name-15ch
run ip -n "$ns2" link set acdev-name-15ch up
run ip -n "$ns2" link add x.y-z_15charsxy type veth peer name vpeer-of-x.y-z
run ip -n "$ns2" link set x.y-z_15charsxy up

settle "$ns2"
compare full "$ns2"
compare full-init "$ns2" --init

# --- The same after taking interfaces down. --------------------------------
for dev in va d0 t0 br0 lo; do
	run ip -n "$ns2" link set "$dev" down
done
settle "$ns2"
compare some-down "$ns2"

for dev in $(ip -n "$ns2" -o link show up | awk -F': ' '{sub(/@.*/, "", $2); print $2}'); do
	run ip -n "$ns2" link set "$dev" down
done
settle "$ns2"
compare all-down "$ns2"

# --- usbmon buses: fake /dev/usbmon* nodes the probe sees as /dev. ---------
mkdir "$tmp/dev"
for node in usbmon0 usbmon1 usbmon3 usbmon12 usbmon123456789 usbmon-2 \
	    usbmon7x usbmonx usbmo null; do
	: >"$tmp/dev/$node"
done
notes=
compare usbmon "$ns1" --dev-dir "$tmp/dev"

# --- No leaks: findalldevs/freealldevs and lookupdev under valgrind. -------
# (In a sanitized build LeakSanitizer checks every probe run instead.)
if ldd "$build/libpcap.so.0.8" | grep -q 'libasan\.so'; then
	echo "SKIP devices-valgrind: a sanitized build (LeakSanitizer checks leaks)"
elif command -v valgrind >/dev/null; then
	ns=$ns2
	run ip -n "$ns2" link set va up
	if vg_out=$(ip netns exec "$ns2" env LD_LIBRARY_PATH="$build" \
		valgrind -q --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		"$probe" 2>&1 >/dev/null) && [ -z "$vg_out" ]; then
		pass devices-valgrind
	else
		fail devices-valgrind "valgrind reports:"
		echo "$vg_out" | head -20 | sed 's/^/    /'
	fi
else
	fail devices-valgrind "valgrind is not installed"
fi

exit $failed
