#!/bin/bash
# tests/integration/lib.sh: sourced by the live capture scripts.
#
#   SCRIPT [-S] BUILD_DIR     -S: the system libpcap stands in for ours too
#
# Gives them: two network namespaces joined by a veth pair (deleted on
# exit whatever happens), the probe and the sender run in either namespace
# on the system libpcap ("sys") or on ours ("ours"), the comparisons, and
# the "PASS name" / "FAIL name: why" lines.  Nothing leaves the namespaces:
# no addresses are configured, IPv6 is off, frames only cross the pair.

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

tmp=$(mktemp -d /tmp/acl-integ.XXXXXX)
ns_a=acl-$$-A
ns_b=acl-$$-B
if_a=acl-$$-a
if_b=acl-$$-b
mac_a=02:ac:1c:00:00:0a
mac_b=02:ac:1c:00:00:0b
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
	rm -rf "$tmp"
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

# start_probe TAG WHICH NS ARGS...: probe-live capture ARGS in the
# background, output in $tmp/TAG.out, pid in $probe_pid.
start_probe() {
	local tag=$1 which=$2 ns=$3
	shift 3
	probe_tag=$tag
	rm -f "$tmp/$tag.out"	# an old "ready" must not be seen
	ns_cmd "$ns" "$which"
	"${in_ns_cmd[@]}" "$probe" capture "$@" >"$tmp/$tag.out" 2>&1 &
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
# pair; what it sent goes to $tmp/TAG.sent.
send() {
	local ns=$1 tag=$2 ifname
	shift 2
	if [ "$ns" = "$ns_a" ]; then ifname=$if_a; else ifname=$if_b; fi
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
