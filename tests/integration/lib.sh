#!/bin/bash
# tests/integration/lib.sh: sourced by the live capture scripts.
#
#   SCRIPT [-S] BUILD_DIR     -S: the system libpcap stands in for ours too
#
# Gives them: two network namespaces joined by a veth pair (deleted on
# exit whatever happens), the probe and the sender run in either namespace
# on the system libpcap ("sys") or on ours ("ours"), the comparisons, and
# the "PASS name" / "FAIL name: why" lines.  Nothing leaves the namespaces:
# IPv6 is off, frames only cross the pair, and the only addresses are
# 198.18.0.1/30 and .2 on the pair, for the checks of the host's own
# traffic (host_traffic_start).
# KEEP_TMP=1 keeps the run's files (/tmp/acl-integ.*) to look at after.

# Run by itself (tests/run runs every *.sh here), it has nothing to do.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0
set -u

system_only=0
if [ "${1:-}" = -S ]; then
	system_only=1
	shift
fi
test_name=$(basename "$0" .sh)
if [ -z "${1:-}" ] || [ ! -d "$1" ]; then
	echo "usage: $0 [-S] BUILD_DIR" >&2
	exit 64
fi
build=$(cd "$1" && pwd)
probe=$build/tests/integration/probe-live
# shellcheck disable=SC2034 # for the accel-*.sh scripts
threads_probe=$build/tests/integration/probe-threads
sender=$build/tests/integration/send-frames
ours_lib=$build/libpcap.so.0.8
failed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL $test_name: needs root (network namespaces, packet sockets)"
	exit 1
fi
for f in "$probe" "$sender" "$ours_lib"; do
	if [ ! -e "$f" ]; then
		echo "FAIL $test_name: $f missing (make check TESTS=)"
		exit 1
	fi
done
# The system libpcap: the one the probe loads by default (its real path).
sys_lib=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$probe" |
	awk '$1 ~ /^libpcap\.so/ { print $3 }')
sys_lib=$(readlink -f "$sys_lib")
if [ ! -e "$sys_lib" ] || [ "$sys_lib" = "$(readlink -f "$ours_lib")" ]; then
	echo "FAIL $test_name: no system libpcap to compare with ($sys_lib)"
	exit 1
fi
if [ "$system_only" -eq 0 ] &&
   ! LD_LIBRARY_PATH=$build ldd "$probe" | grep -qF "$ours_lib"; then
	echo "FAIL $test_name: the probe does not load $ours_lib"
	exit 1
fi
# A build with AddressSanitizer (tests/run sanitized): valgrind cannot run
# its programs, and uninstrumented clients load our library only with the
# sanitizer's runtime preloaded (tests/sanitized/preload-asan, first in PATH).
# A program started with our library in LD_PRELOAD needs the runtime
# before it there: $preload_runtime is "RUNTIME:" then, else empty.
sanitized=0
preload_runtime=
if ldd "$ours_lib" | grep -q 'libasan\.so'; then
	sanitized=1
	if [ -z "${ASAN_RUNTIME_LIB:-}" ]; then
		echo "FAIL $test_name: a sanitized build needs ASAN_RUNTIME_LIB (tests/run sanitized)"
		exit 1
	fi
	preload_runtime=$ASAN_RUNTIME_LIB:
fi

# An accel device's configuration is only what the script gives it: the
# caller's ACCEL_* variables (ACCEL_FORCE, ACCEL_CONF...) are dropped.
while read -r v; do
	unset "$v"
done < <(compgen -e | grep '^ACCEL_')

tmp=$(mktemp -d /tmp/acl-integ.XXXXXX)
ns_a=acl-$$-A
ns_b=acl-$$-B
if_a=acl-$$-a
if_b=acl-$$-b
mac_a=02:ac:1c:00:00:0a
mac_b=02:ac:1c:00:00:0b
# A second pair (setup_pair2), for devices captured together.
if_c=acl-$$-c
if_d=acl-$$-d
mac_c=02:ac:1c:00:00:0c
mac_d=02:ac:1c:00:00:0d
bg_pids=()

cleanup() {
	local pid
	for pid in "${bg_pids[@]}"; do
		# shellcheck disable=SC2046
		kill -KILL $(descendants "$pid") 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() {
	echo "PASS $1"
}

# fail NAME WHY [DETAIL-FILE]: WHY's first line on the FAIL line, the rest
# (and the start of DETAIL-FILE) indented below.
fail() {
	echo "FAIL $1: ${2%%$'\n'*}"
	{
		[ "${2#*$'\n'}" != "$2" ] && echo "${2#*$'\n'}"
		[ -n "${3:-}" ] && head -12 "$3"
	} | cut -c1-200 | sed 's/^/    /'
	failed=1
}

finish() {
	exit "$failed"
}

# The library a run uses: "sys" or "ours" (the system one with -S).
lib_path() {
	if [ "$1" = ours ] && [ "$system_only" -eq 0 ]; then
		echo "$ours_lib"
	else
		echo "$sys_lib"
	fi
}

# ns_cmd NS WHICH: sets the array in_ns_cmd to the command prefix that runs
# a program in namespace NS, linked with WHICH library.  The program keeps
# the prefix's process id (everything execs), so it can be killed by it.
ns_cmd() {
	in_ns_cmd=(ip netns exec "$1" env -u LD_PRELOAD)
	if [ "$2" = ours ] && [ "$system_only" -eq 0 ]; then
		in_ns_cmd+=(LD_LIBRARY_PATH="$build")
	else
		in_ns_cmd+=(-u LD_LIBRARY_PATH)
	fi
}

# in_ns NS WHICH CMD...: CMD in namespace NS, linked with WHICH library.
in_ns() {
	ns_cmd "$1" "$2"
	shift 2
	"${in_ns_cmd[@]}" "$@"
}

# Two namespaces, one veth pair: $if_a ($mac_a) in $ns_a, $if_b in $ns_b.
setup_pair() {
	local ns
	for ns in "$ns_a" "$ns_b"; do
		ip netns add "$ns" || return 1
		# No IPv6: no DAD, router solicitations or MLD reports.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	ip -n "$ns_a" link add "$if_a" address "$mac_a" type veth \
		peer name "$if_b" address "$mac_b" netns "$ns_b" || return 1
	ip -n "$ns_a" link set "$if_a" up && ip -n "$ns_b" link set "$if_b" up
}

# After setup_pair, a second pair: $if_c ($mac_c) in $ns_a, $if_d ($mac_d)
# in $ns_b.
setup_pair2() {
	ip -n "$ns_a" link add "$if_c" address "$mac_c" type veth \
		peer name "$if_d" address "$mac_d" netns "$ns_b" || return 1
	ip -n "$ns_a" link set "$if_c" up && ip -n "$ns_b" link set "$if_d" up
}

# start_probe TAG WHICH NS ARGS...: probe-live capture ARGS in the
# background, output in $tmp/TAG.out, pid in $probe_pid.
start_probe() {
	start_probe_env "$1" "$2" "$3" -- "${@:4}"
}

# start_probe_env TAG WHICH NS [NAME=VALUE...] -- ARGS...: start_probe with
# these variables in the probe's environment (ACCEL_BACKEND=xdp...).
start_probe_env() {
	local tag=$1 which=$2 ns=$3 vars=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	probe_tag=$tag
	rm -f "$tmp/$tag.out"	# an old "ready" must not be seen
	ns_cmd "$ns" "$which"
	"${in_ns_cmd[@]}" "${vars[@]}" "$probe" capture "$@" \
		>"$tmp/$tag.out" 2>&1 &
	probe_pid=$!
	bg_pids+=("$probe_pid")
}

# alive PID: the process runs (a zombie child waiting to be reaped does not).
alive() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "${state%% *}" != Z ]
}

# wait_for FILE REGEX PID [SECONDS]: until a line of FILE matches, PID
# exits or the time is up (then status 1).
wait_for() {
	local file=$1 re=$2 pid=$3 tries=$(( ${4:-5} * 100 ))
	while [ "$tries" -gt 0 ]; do
		grep -qE "$re" "$file" 2>/dev/null && return 0
		alive "$pid" || { grep -qE "$re" "$file" 2>/dev/null; return; }
		sleep 0.01
		tries=$((tries - 1))
	done
	return 1
}

# wait_exit PID [SECONDS]: reap PID (its status in $exit_status); one that
# still runs after SECONDS (default 15) is killed with everything under it
# (status 1).  The probes have deadlines of their own: this is for a
# library that hangs in spite of them.
wait_exit() {
	local pid=$1 tries=$(( ${2:-15} * 50 ))
	while alive "$pid" && [ "$tries" -gt 0 ]; do
		sleep 0.02
		tries=$((tries - 1))
	done
	if alive "$pid"; then
		# shellcheck disable=SC2046
		kill -KILL $(descendants "$pid") 2>/dev/null
		wait "$pid" 2>/dev/null
		exit_status=killed
		return 1
	fi
	wait "$pid" 2>/dev/null
	exit_status=$?
	return 0
}

# wait_probe [PID TAG]: wait_exit for the probe last started (or PID, of
# run TAG), and say so in its output if it had to be killed.
wait_probe() {
	local pid=${1:-$probe_pid} tag=${2:-$probe_tag}
	wait_exit "$pid" 10 ||
		echo "end = hung, killed by the test" >>"$tmp/$tag.out"
}

# wait_ready TAG: the probe of TAG is active (or gave up: status 1).
wait_ready() {
	wait_for "$tmp/$1.out" '^ready$' "$probe_pid"
}

# send NS TAG ARGS...: send-frames ARGS on the namespace's end of the
# pair (or on $send_if: send_if=$if_c send ...); what it sent goes to
# $tmp/TAG.sent.
send() {
	local ns=$1 tag=$2 ifname
	shift 2
	if [ "$ns" = "$ns_a" ]; then ifname=$if_a; else ifname=$if_b; fi
	[ "${send_if:-}" ] && ifname=$send_if	# another device of NS
	ip netns exec "$ns" "$sender" -i "$ifname" "$@" >"$tmp/$tag.sent"
}

# Frames of a send: "HEX" lines; of a probe output: "HEX" lines.
sent_hex() {
	awk '$1 == "frame" { print $4 }' "$@"
}
captured_hex() {
	awk '$1 == "pkt" { print $5 }' "$1"
}

# canon FILE: what must be identical between two libraries: every line but
# the "#" timings, with the packet time stamps masked.  libpcap's warnings
# on stderr ("Warning: Kernel filter failed: ...") are left out: our
# library never prints.
canon() {
	awk '/^#/ || /^Warning: / { next } $1 == "pkt" { $4 = "TS" } { print }' "$1"
}

# why_empty FILE: a one-line reason for a capture that went wrong.
why_empty() {
	grep -m1 -E '^(activate|open_live|create|setfilter|end) = ' "$1" |
		cut -c1-160
}

# nothing_captured FILE: true (and says why) if the run got no packet.
nothing_captured() {
	grep -q '^pkt ' "$1" && return 1
	echo "nothing captured ($(why_empty "$1"))"
}

# check NAME FN ARGS...: FN TAG ARGS... must hold for the system library's
# run (TAG sys: else the test itself is wrong) and for ours (TAG ours); FN
# prints why not.
check() {
	local name=$1 fn=$2 why
	shift 2
	if ! why=$("$fn" sys "$@" 2>&1); then
		fail "$name" "with the system libpcap (the test is wrong?): $why"
	elif ! why=$("$fn" ours "$@" 2>&1); then
		fail "$name" "$why"
	else
		pass "$name"
	fi
}

# right_libraries NAME: every run printed the version of the library it
# was meant to load (the last "# lib" line of its output; ours says
# "accel-pcap"), so no check passed on the wrong one.
right_libraries() {
	local f bad='' ours
	for f in "$tmp"/sys-*.out "$tmp"/ours-*.out; do
		grep -q '^# lib ' "$f" 2>/dev/null || continue
		ours=$(grep '^# lib ' "$f" | tail -1 | grep -c accel-pcap)
		case $(basename "$f")/$system_only/$ours in
		sys-*/*/0 | ours-*/1/0 | ours-*/0/1) ;;
		*) bad+=" $(basename "$f" .out)" ;;
		esac
	done
	if [ -n "$bad" ]; then
		fail "$1" "runs on the wrong library:$bad"
	else
		pass "$1"
	fi
}

# same_output NAME TAG...: ours printed what the system libpcap printed, in
# each of the runs TAG.
same_output() {
	local name=$1 tag
	shift
	for tag in "$@"; do
		canon "$tmp/sys-$tag.out" >"$tmp/sys-$tag.canon"
		canon "$tmp/ours-$tag.out" >"$tmp/ours-$tag.canon"
		diff -u "$tmp/sys-$tag.canon" "$tmp/ours-$tag.canon" |
			tail -n +3 >"$tmp/$tag.diff"
		if [ -s "$tmp/$tag.diff" ]; then
			fail "$name" "$tag: output differs from libpcap's (-libpcap +ours):" \
				"$tmp/$tag.diff"
			return
		fi
	done
	pass "$name"
}

# sent_files WHICH TAG [SENT...]: the files given, else the run's own.
sent_files() {
	if [ $# -gt 2 ]; then
		shift 2
		echo "$@"
	else
		echo "$tmp/$1-$2.sent"
	fi
}

# frames_equal WHICH TAG [SENT...]: the run captured exactly the frames
# sent (in that order), whole: caplen == len == the frame's length.
frames_equal() {
	local out=$tmp/$1-$2.out
	# shellcheck disable=SC2046
	sent_hex $(sent_files "$@") >"$tmp/expect.hex"
	captured_hex "$out" >"$tmp/got.hex"
	if [ ! -s "$tmp/got.hex" ]; then
		echo "nothing captured ($(why_empty "$out"))"
		return 1
	fi
	if ! cmp -s "$tmp/expect.hex" "$tmp/got.hex"; then
		echo "captured $(wc -l <"$tmp/got.hex") frames, sent" \
		     "$(wc -l <"$tmp/expect.hex"); first difference:"
		diff "$tmp/expect.hex" "$tmp/got.hex" | cut -c1-120 | head -4
		return 1
	fi
	awk '$1 == "pkt" && !($2 == $3 && $2 * 2 == length($5)) {
		print "caplen/len wrong: " substr($0, 1, 80); bad = 1 }
	     END { exit bad }' "$out"
}

# ts_ok WHICH TAG DIGITS [SENT...]: time stamps with DIGITS (6 or 9)
# fraction digits, non-decreasing, within the senders' window
# (CLOCK_REALTIME, cut to DIGITS); in nanoseconds, not all whole
# microseconds.
ts_ok() {
	local out=$tmp/$1-$2.out digits=$3 files
	files=$(sent_files "$1" "$2" "${@:4}")
	awk -v sent="$files" -v digits="$digits" '
	function cmp(a, b,   x, y) {	# SEC.FRAC strings, compared exactly
		split(a, x, "."); split(b, y, ".")
		if (x[1] != y[1]) return x[1] + 0 < y[1] + 0 ? -1 : 1
		if (x[2] != y[2]) return x[2] + 0 < y[2] + 0 ? -1 : 1
		return 0
	}
	function cut(t) { return substr(t, 1, length(t) - 9 + digits) }
	BEGIN {
		n = split(sent, files, " ")
		for (i = 1; i <= n; i++)
			while ((getline l < files[i]) > 0) {
				split(l, f, " ")
				if (f[1] == "start" && (lo == "" || cmp(cut(f[2]), lo) < 0)) lo = cut(f[2])
				if (f[1] == "end" && (hi == "" || cmp(cut(f[2]), hi) > 0)) hi = cut(f[2])
			}
	}
	$1 == "pkt" {
		pkts++
		split($4, t, ".")
		if (length(t[2]) != digits) { print "not " digits " fraction digits: " $4; bad = 1; exit }
		if (t[2] % 1000 != 0) sub_us++
		if (prev != "" && cmp($4, prev) < 0) { print "time goes back: " prev " then " $4; bad = 1 }
		if (cmp($4, lo) < 0 || cmp($4, hi) > 0) { print "time stamp " $4 " outside the send window " lo " .. " hi; bad = 1 }
		prev = $4
	}
	END {
		if (bad) exit 1
		if (pkts < 4) { print "only " pkts + 0 " packets"; exit 1 }
		if (digits == 9 && !sub_us) { print "all " pkts " time stamps are whole microseconds"; exit 1 }
	}' "$out"
}

# ended WHICH TAG HOW: the probe stopped the expected way (marker, count...).
ended() {
	local out=$tmp/$1-$2.out
	grep -qx "end = $3" "$out" && return 0
	echo "probe did not stop by $3: $(why_empty "$out")"
	return 1
}

# AWK_SEQ: awk functions: seq(hex) is the sequence number in a frame's
# marker (-1 if the frame has none), hex2num(h) a hex string's value.
AWK_SEQ='
function hex2num(h,   i, n) {
	n = 0
	for (i = 1; i <= length(h); i++)
		n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return n
}
function seq(hex,   m) {
	m = substr(hex, length(hex) - 15, 8)
	if (m != "41434c54" && m != "41434c45") return -1
	return hex2num(substr(hex, length(hex) - 7))
}'

# kind_ok WHICH TAG KIND-REGEX: each frame of the run sent whose KIND[@LEN]
# matches was captured once, byte for byte, with caplen == len == its length.
kind_ok() {
	local out=$tmp/$1-$2.out re=$3 sent=$tmp/$1-$2.sent
	nothing_captured "$out" && return 1
	awk -v re="$re" -v out="$out" "$AWK_SEQ"'
	$1 == "frame" && $5 ~ re { want[$2] = $4; wlen[$2] = $3; n++ }
	END {
		if (!n) { print "no frame of that kind was sent"; exit 1 }
		while ((getline l < out) > 0) {
			split(l, f, " ")
			if (f[1] != "pkt") continue
			s = seq(f[5])
			if (!(s in want)) continue
			got[s]++
			if (f[5] != want[s]) { print "frame " s " differs: sent " substr(want[s], 1, 60) "..., captured " substr(f[5], 1, 60) "..."; bad = 1 }
			else if (f[2] != wlen[s] || f[3] != wlen[s]) { print "frame " s ": caplen " f[2] " len " f[3] ", sent " wlen[s] " bytes"; bad = 1 }
		}
		for (s in want)
			if (got[s] != 1) { print "frame " s " (" wlen[s] " bytes) captured " got[s] + 0 " times"; bad = 1 }
		exit bad
	}' "$sent"
}

# pick SENT REGEX: the numbers of the frames in SENT whose KIND[@LEN]
# matches REGEX.
pick() {
	awk -v re="$2" '$1 == "frame" && $5 ~ re { print $2 }' "$1"
}

# seqs_ok WHICH TAG EXPECTED-FILE: the run captured the frames numbered in
# EXPECTED-FILE (one number a line), in that order, and nothing else.
seqs_ok() {
	local out=$tmp/$1-$2.out
	awk "$AWK_SEQ"' $1 == "pkt" { print seq($5) }' "$out" >"$tmp/got.seq"
	cmp -s "$3" "$tmp/got.seq" && return 0
	if [ ! -s "$tmp/got.seq" ]; then
		echo "nothing captured ($(why_empty "$out"))"
	else
		echo "captured frames [$(tr '\n' ' ' <"$tmp/got.seq" | cut -c1-70)]," \
		     "expected [$(tr '\n' ' ' <"$3" | cut -c1-70)]"
	fi
	return 1
}

# descendants PID: PID and all the processes under it.
descendants() {
	local c
	echo "$1"
	for c in $(pgrep -P "$1"); do
		descendants "$c"
	done
}

# wait_bound PID IFINDEX: until PID or a process under it owns a packet
# socket receiving on interface IFINDEX (/proc/net/packet): its capture
# is on.  Status 1 if PID exits first or after 5 s.
wait_bound() {
	local pid=$1 idx=$2 tries=500 p
	while [ "$tries" -gt 0 ]; do
		alive "$pid" || return 1
		for p in $(descendants "$pid"); do
			{ echo none; find "/proc/$p/fd" -lname 'socket:*' \
				-printf '%l\n' 2>/dev/null | tr -dc '0-9\n'; } >"$tmp/inodes"
			awk -v idx="$idx" 'NR == FNR { mine[$1] = 1; next }
				FNR > 1 && $4 == "0003" && $5 == idx && $6 == 1 && ($9 in mine) { f = 1 }
				END { exit !f }' "$tmp/inodes" "/proc/$p/net/packet" \
				2>/dev/null && return 0
		done
		sleep 0.01
		tries=$((tries - 1))
	done
	return 1
}

# libpcap_of PID: the libpcap files mapped by PID or a process under it.
libpcap_of() {
	local p
	for p in $(descendants "$1"); do
		awk '$6 ~ /libpcap/ { print $6 }' "/proc/$p/maps" 2>/dev/null
	done | sort -u
}

# promiscuity NS DEV: the device's promiscuous-mode reference count.
promiscuity() {
	ip -n "$1" -d link show "$2" | grep -o 'promiscuity [0-9]*' | cut -d' ' -f2
}

# ifindex NS DEV
ifindex() {
	ip netns exec "$1" cat "/sys/class/net/$2/ifindex"
}

# ---------------------------------------------------------------------------
# Clients and checks for the accel device scripts (accel-*.sh).

# skip NAME WHY: a check that cannot run (with -S: the system libpcap
# knows no accel device names).
skip() {
	echo "SKIP $1: $2"
}

# start_client TAG WHICH NS [NAME=VALUE...] -- CMD...: CMD (tcpdump, a
# probe) in the background in namespace NS, on the library WHICH, with
# the variables NAME=VALUE, in the directory $tmp (where accel/FILE:DEV
# finds FILE), killed after $client_deadline seconds (default 15).  Its
# output in $tmp/TAG.stdout and $tmp/TAG.stderr, its pid in $client_pid.
start_client() {
	local tag=$1 which=$2 ns=$3 vars=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	ns_cmd "$ns" "$which"
	(cd "$tmp" && exec "${in_ns_cmd[@]}" "${vars[@]}" \
		timeout -k 1 "${client_deadline:-15}" "$@") \
		>"$tmp/$tag.stdout" 2>"$tmp/$tag.stderr" &
	client_pid=$!
	bg_pids+=("$client_pid")
}

# run_client TAG WHICH NS [NAME=VALUE...] -- CMD...: the same in the
# foreground; its exit status in $tmp/TAG.rc ("killed" if it had to be).
run_client() {
	local tag=$1
	start_client "$@"
	wait_exit "$client_pid" "${client_deadline:-15}"
	echo "$exit_status" >"$tmp/$tag.rc"
}

# wait_listening TAG PID: tcpdump of run TAG says "listening on" (its
# handle is active), or exited, or 5 s passed (status 1).  The libraries
# it mapped go to $tmp/TAG.maps.
wait_listening() {
	wait_for "$tmp/$1.stderr" 'listening on ' "$2" 5 || return 1
	libpcap_of "$2" >"$tmp/$1.maps"
}

# stop_client PID TAG: SIGINT (tcpdump writes its statistics and exits),
# then wait; its exit status in $tmp/TAG.rc.
stop_client() {
	kill -INT "$1" 2>/dev/null
	wait_exit "$1" 5
	echo "$exit_status" >"$tmp/$2.rc"
}

# client_why TAG: a line saying how run TAG ended (for FAIL lines).
client_why() {
	local rc
	rc=$(cat "$tmp/$1.rc" 2>/dev/null)
	echo "${rc:+exit status $rc: }$(grep -v 'listening on' "$tmp/$1.stderr" |
		tr '\n' ' ' | cut -c1-150)"
}

# client_lib_ok TAG WHICH: run TAG mapped the library WHICH and no other.
client_lib_ok() {
	local want maps
	want=$(readlink -f "$(lib_path "$2")")
	maps=$(tr '\n' ' ' <"$tmp/$1.maps" 2>/dev/null)
	[ "$maps" = "$want " ] && return 0
	echo "run $1 mapped [${maps% }], not $want"
	return 1
}

# tcpdump_lib_check NAME: tcpdump --version names accel-pcap on ours (not
# with -S) and not on the system library, so no check passes on the wrong
# library.
tcpdump_lib_check() {
	local w out bad=''
	for w in sys ours; do
		out=$(in_ns "$ns_b" "$w" timeout -k 1 10 tcpdump --version 2>&1)
		case $w/$system_only/$(echo "$out" | grep -c accel-pcap) in
		sys/*/0 | ours/1/0 | ours/0/1) ;;
		*) bad+=" $w: $(echo "$out" | grep -m1 libpcap)" ;;
		esac
	done
	if [ -n "$bad" ]; then
		fail "$1" "tcpdump --version does not name the right library:$bad"
	else
		pass "$1"
	fi
}

# pcap_pkts FILE OUT: the packets of savefile FILE as "pkt" lines (the
# probe on the system library reads it).
pcap_pkts() {
	env -u LD_LIBRARY_PATH -u LD_PRELOAD "$probe" read "$1" >"$2" 2>&1
}

# pkt_bytes SENT...: the bytes a savefile holds once every frame of the
# SENT files is in it (16 bytes of header a frame), header not counted.
pkt_bytes() {
	awk '$1 == "frame" { n += 16 + $3 } END { print n + 0 }' "$@"
}

# wait_bytes BYTES FILE...: until the FILEs hold BYTES bytes together,
# or 4 s (a client that writes with -U has then written what it got).
wait_bytes() {
	local want=$1 tries=400 have
	shift
	while [ "$tries" -gt 0 ]; do
		have=$(cat "$@" 2>/dev/null | wc -c)
		[ "$have" -ge "$want" ] && return 0
		sleep 0.01
		tries=$((tries - 1))
	done
	return 1
}

# AWK_FLOW: awk functions: flow(hex) is the flow of an Ethernet frame
# carrying IPv4 (without options) or IPv6, UDP or TCP, the same in both
# directions: "PROTO LOW-ADDR:PORT HIGH-ADDR:PORT" in hex, "" for other
# frames; it sets flow_dir to 0 (the frame goes from LOW) or 1.
AWK_FLOW='
function flow(hex,   t, p, a, b, x) {
	t = substr(hex, 25, 4)
	if (t == "0800") {
		p = substr(hex, 47, 2)
		a = substr(hex, 53, 8) ":" substr(hex, 69, 4)
		b = substr(hex, 61, 8) ":" substr(hex, 73, 4)
	} else if (t == "86dd") {
		p = substr(hex, 41, 2)
		a = substr(hex, 45, 32) ":" substr(hex, 109, 4)
		b = substr(hex, 77, 32) ":" substr(hex, 113, 4)
	} else
		return ""
	if (p != "06" && p != "11") return ""
	flow_dir = a > b
	if (flow_dir) { x = a; a = b; b = x }
	return p " " a " " b
}'

# flows_ok MIN SENT...: the frames sent make at least MIN flows, each
# sent in both directions (else a fanout test proves little).
flows_ok() {
	local min=$1
	shift
	awk -v min="$min" "$AWK_FLOW"'
	$1 == "frame" { f = flow($4); if (f == "") next; dirs[f, flow_dir] = 1; fl[f] = 1 }
	END {
		for (f in fl) { n++; if ((f, 0) in dirs && (f, 1) in dirs) both++ }
		if (both + 0 >= min + 0 && both == n) exit 0
		print n + 0 " flows, " both + 0 " of them in both directions; want " min " or more, all both ways"
		exit 1
	}' "$@"
}

# frames_once OUT SENT...: OUT ("pkt" lines) holds every frame of the
# SENT files exactly once, byte for byte and whole, in any order, and no
# other frame.
frames_once() {
	local out=$1
	shift
	nothing_captured "$out" && return 1
	awk -v out="$out" "$AWK_SEQ"'
	$1 == "frame" { want[$2] = $4; n++ }
	END {
		while ((getline l < out) > 0) {
			split(l, f, " ")
			if (f[1] != "pkt") continue
			s = seq(f[5])
			if (!(s in want)) { if (!other++) first = substr(f[5], 1, 60); continue }
			if (got[s]++) { dup++; if (!d1) d1 = s }
			if (f[5] != want[s] || f[2] != f[3]) { bad++; if (!b1) b1 = s }
		}
		for (s in want) if (!(s in got)) { miss++; if (m1 == "") m1 = s }
		if (!miss && !dup && !bad && !other) exit 0
		print "of " n " frames sent:" (miss ? " " miss " missing (e.g. " m1 ")" : "") \
			(dup ? " " dup " more than once (e.g. " d1 ")" : "") \
			(bad ? " " bad " altered or cut (e.g. " b1 ")" : "") \
			(other ? " " other " frames not sent (" first "...)" : "")
		exit 1
	}' "$@"
}

# fanout_verdict SENT... -- MEMBER-OUT...: the members of one fanout
# group ("pkt" lines each) against the frames sent.  Prints four lines,
# "CHECK ok" or "CHECK WHY": union (every frame sent was captured, byte
# for byte, nothing else), disjoint (by one member only), flows (every
# flow, both directions, went to one member), spread (every member got
# some of the traffic); then "members N N...  flows N".
fanout_verdict() {
	local sent=()
	while [ "$1" != -- ]; do
		sent+=("$1")
		shift
	done
	shift
	awk -v outs="$*" "$AWK_SEQ$AWK_FLOW"'
	$1 == "frame" { want[$2] = $4; nwant++ }
	END {
		nm = split(outs, out, " ")
		for (m = 1; m <= nm; m++) {
			while ((getline l < out[m]) > 0) {
				split(l, p, " ")
				if (p[1] != "pkt") continue
				count[m]++
				s = seq(p[5])
				if (!(s in want)) { if (!other++) o1 = "member " m ": " substr(p[5], 1, 40) "..."; continue }
				if (s in got) { if (!dup++) d1 = "frame " s " by members " got[s] " and " m }
				else got[s] = m
				if (p[5] != want[s] || p[2] != p[3]) { if (!bad++) b1 = "frame " s " (member " m ")" }
				f = flow(p[5])
				if (f == "") continue
				if (!((f, m) in fm)) { fm[f, m] = 1; members[f] = members[f] " " m; nmem[f]++ }
			}
			close(out[m])
		}
		for (s in want) if (!(s in got)) { if (!miss++) m1 = s }
		if (!miss && !other && !bad) print "union ok"
		else print "union" (miss ? " " miss " of " nwant " frames sent missing (e.g. " m1 ")" : "") \
			(bad ? " " bad " altered or cut (e.g. " b1 ")" : "") \
			(other ? " " other " frames not sent (" o1 ")" : "")
		if (!dup) print "disjoint ok"
		else printf "disjoint %d frames captured by two members or more, e.g. %s\n", dup, d1
		for (f in nmem) { nf++; if (nmem[f] > 1 && !nsplit++) s1 = "flow [" f "] went to members" members[f] }
		if (!nf) print "flows no flow captured"
		else if (!nsplit) print "flows ok"
		else printf "flows %d of %d flows split between members, e.g. %s\n", nsplit, nf, s1
		for (m = 1; m <= nm; m++) { c = c " " count[m] + 0; if (count[m] > 0) busy++ }
		if (busy == nm) print "spread ok"
		else printf "spread only %d of %d members got packets (counts:%s)\n", busy + 0, nm, c
		printf "members%s  flows %d\n", c, nf
	}' "${sent[@]}"
}

# fanout_report NAME VERDICT-FILE [CHECK...]: PASS/FAIL NAME-CHECK for
# each CHECK of fanout_verdict's output (default: all four).
fanout_report() {
	local name=$1 file=$2 c line
	shift 2
	[ $# -eq 0 ] && set -- union disjoint flows spread
	for c in "$@"; do
		line=$(grep -m1 "^$c " "$file")
		if [ "${line#"$c "}" = ok ]; then
			pass "$name-$c"
		else
			fail "$name-$c" "${line#"$c "} ($(grep -m1 '^members' "$file"))"
		fi
	done
}

# The host's own traffic across the pair while a capture runs (the
# accel-xdp and accel-bpfring checks): addresses 198.18.0.1/30 on $if_a
# and .2 on $if_b; in $ns_b a TCP server that sends back, reversed, the
# 100,000 bytes it gets, and a UDP socket on port 9 that counts what it
# receives until 1 s passes quietly (at most 5): "udp N" last in
# $tmp/server.out.  host_traffic_start starts it (pid $server_pid);
# host_udp sends the 5 datagrams; host_tcp_exchange runs the client and
# waits for the server: "ok" in $tmp/client.out when all came back.
host_traffic_start() {
	ip -n "$ns_a" addr add 198.18.0.1/30 dev "$if_a"
	ip -n "$ns_b" addr add 198.18.0.2/30 dev "$if_b"
	ip netns exec "$ns_b" python3 -c '
import socket
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("198.18.0.2", 7007)); t.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("198.18.0.2", 9))
print("listening", flush=True)
c, _ = t.accept(); data = b""
while len(data) < 100000:
    b = c.recv(65536)
    if not b: break
    data += b
c.sendall(data[::-1]); c.close()
u.settimeout(1); n = 0
try:
    while n < 5: u.recv(2000); n += 1
except socket.timeout: pass
print("udp", n, flush=True)' >"$tmp/server.out" 2>&1 &
	server_pid=$!
	bg_pids+=("$server_pid")
	wait_for "$tmp/server.out" '^listening' "$server_pid"
}

host_udp() {
	local i
	for i in 1 2 3 4 5; do
		ip netns exec "$ns_a" bash -c 'echo hello >/dev/udp/198.18.0.2/9'
	done
}

host_tcp_exchange() {
	ip netns exec "$ns_a" timeout 10 python3 -c '
import socket
s = socket.create_connection(("198.18.0.2", 7007), timeout=5)
msg = bytes(range(256)) * 400
s.sendall(msg[:100000]); s.shutdown(socket.SHUT_WR)
back = b""
while True:
    b = s.recv(65536)
    if not b: break
    back += b
print("ok" if back == msg[:100000][::-1] else "bad %d" % len(back))' \
		>"$tmp/client.out" 2>&1
	wait_exit "$server_pid" 10
}

# host_traffic_end: the addresses go.
host_traffic_end() {
	ip -n "$ns_a" addr flush dev "$if_a"
	ip -n "$ns_b" addr flush dev "$if_b"
}

# stat_of FILE recv|drop|ifdrop: from a probe's "stats = 0 ..." line.
stat_of() {
	awk -v f="$2" '$1 == "stats" && $3 == 0 {
		for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' "$1"
}
