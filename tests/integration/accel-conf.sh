#!/bin/bash
# accel-conf.sh [-S] BUILD_DIR: accel device names and their
# configuration, seen through real captures.
#  - errors: tcpdump on accel/FILE:DEV with an unknown key, a bad value,
#    a value out of range, a key unknown in a [DEV] section, a missing or
#    unreadable file, an absolute path; bad ACCEL_* variables; a bad
#    ACCEL_CONF file: tcpdump prints FILE:LINE, the key and (for unknown
#    keys) a suggestion, exits non-zero at once; pcap_activate says
#    PCAP_ERROR (-1) after pcap_create succeeded.
#  - precedence, by the snapshot length (pcap_snapshot and the caplen of
#    300-byte frames): defaults (the application's) < ACCEL_CONF file <
#    ACCEL_CAPLEN < the file in the device name; the key overrides
#    pcap_set_snaplen; relative names from the working directory, absolute
#    ones (accel//PATH:DEV); ACCEL_FORCE=1 makes a plain name accel, and
#    without it ACCEL_* leave plain names alone; tcpdump shows the same.
#  - [DEV] sections apply to their device only (promisc, seen in the
#    device's promiscuity count).
#  - probe-threads: two handles on one device in one process, opened from
#    accel/a.conf and accel/b.conf, get each its own caplen, promisc and
#    ring (block_size x block_count), and a plain handle beside them none.
#  - tcpdump -D lists accel:DEV entries with a description.
# -S: the system libpcap; only the harness (plain devices) runs.
. "$(dirname "$0")/lib.sh"

[ -x "$threads_probe" ] ||
	{ fail accel-conf "$threads_probe missing (make check TESTS=)"; finish; }
setup_pair || { fail accel-conf-setup "cannot make the namespaces"; finish; }
client_deadline=8

tcpdump_lib_check accel-conf-right-library

# --- The harness (plain devices, on the system libpcap and on ours):
# the snapshot length a probe prints, and the caplen of its frames, for
# -s 200; tcpdump -D lists the device.

# caplen_is OUT CAPLEN: the run printed "snapshot = CAPLEN" and captured
# every frame of OUT's .sent file once, cut to CAPLEN, len untouched.
caplen_is() {
	local out=$1 want=$2 sent_file=${1%.out}.sent
	grep -qx "snapshot = $want" "$out" ||
		{ echo "snapshot: $(grep -m1 '^snapshot' "$out" || why_empty "$out"), want $want"; return 1; }
	nothing_captured "$out" && return 1
	awk -v out="$out" -v cap="$want" "$AWK_SEQ"'
	$1 == "frame" { want[$2] = $4; len[$2] = $3; n++ }
	END {
		while ((getline l < out) > 0) {
			split(l, f, " ")
			if (f[1] != "pkt") continue
			s = seq(f[5])	# the marker is cut off: match the bytes
			if (s < 0) for (t in want) if (substr(want[t], 1, 2 * f[2]) == f[5]) { s = t; break }
			if (!(s in want)) { other++; continue }
			got[s]++
			c = len[s] < cap ? len[s] : cap
			if (f[2] != c || f[3] != len[s] || f[5] != substr(want[s], 1, 2 * c)) {
				if (!bad++) b1 = "frame " s ": caplen " f[2] " len " f[3] ", want " c " " len[s]
			}
		}
		for (s in want) if (got[s] != 1) { if (!miss++) m1 = s " captured " got[s] + 0 " times" }
		if (!bad && !miss && !other) exit 0
		print "of " n " frames:" (miss ? " " miss " not captured once (" m1 ")" : "") \
			(bad ? " " bad " wrong (" b1 ")" : "") (other ? " " other " not sent" : "")
		exit 1
	}' "$sent_file"
}

# snap TAG WHICH DEVICE [NAME=VALUE...] [-- PROBE-OPTIONS...]: probe-live
# captures on DEVICE (in $tmp, or $client_dir, with the variables given)
# the frames sent from the other end; $tmp/TAG.out, $tmp/TAG.sent.
snap() {
	local tag=$1 which=$2 dev=$3 vars=() pid
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	rm -f "$tmp/$tag.out"
	ns_cmd "$ns_b" "$which"
	(cd "${client_dir:-$tmp}" && exec "${in_ns_cmd[@]}" "${vars[@]}" \
		"$probe" capture -e -d 3000 "$@" "$dev") >"$tmp/$tag.out" 2>&1 &
	pid=$!
	bg_pids+=("$pid")
	if wait_for "$tmp/$tag.out" '^ready$' "$pid"; then
		send "$ns_a" "$tag" -d "$mac_b" -E ipv4@300 ipv6@300 tcp@300 ipv4@99 ipv4
	else
		: >"$tmp/$tag.sent"
	fi
	wait_probe "$pid" "$tag"
}

# result NAME FN ARGS...: PASS NAME if FN ARGS holds, else FAIL with why.
result() {
	local name=$1 why
	shift
	if why=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$why"
	fi
}

for w in sys ours; do
	snap "$w-plain-s200" "$w" "$if_b" -- -s 200
	result "accel-conf-harness-caplen-$w" caplen_is "$tmp/$w-plain-s200.out" 200
done
right_libraries accel-conf-harness-right-libraries

# devices WHICH: tcpdump -D in $ns_b.
in_ns "$ns_b" sys timeout 10 tcpdump -D >"$tmp/sys.devices" 2>&1
in_ns "$ns_b" ours timeout 10 tcpdump -D >"$tmp/ours.devices" 2>&1
lists_plain() {
	grep -qE "^[0-9]+\.$if_b( |$)" "$tmp/$1.devices" ||
		{ echo "$if_b not in: $(tr '\n' ' ' <"$tmp/$1.devices" | cut -c1-150)"; return 1; }
}
result accel-conf-harness-devices-sys lists_plain sys
result accel-conf-devices-plain-still-listed lists_plain ours

accel_names=(devices-accel-entries errors-unknown-key errors-unknown-key-probe
	     errors-bad-value errors-out-of-range errors-bad-fanout
	     errors-bad-backend
	     errors-section-unknown-key errors-missing-file
	     errors-unreadable-file errors-absolute-path errors-env-bad-caplen
	     errors-env-bad-caplen-probe errors-env-bad-group
	     errors-env-bad-fanout errors-env-force-plain-name
	     errors-site-file errors-site-file-missing
	     precedence-default precedence-application precedence-site
	     precedence-site-over-application precedence-env
	     precedence-env-over-site precedence-file-over-env
	     precedence-file-over-env-and-site precedence-absolute-path
	     precedence-relative-subdirectory precedence-working-directory
	     precedence-force precedence-force-site precedence-plain-untouched
	     precedence-tcpdump section-applies section-other-device
	     threads-a threads-b threads-plain threads-promisc threads-rings)
if [ "$system_only" -eq 1 ]; then
	for n in "${accel_names[@]}"; do
		skip "accel-conf-$n" "accel devices are accel-pcap's (-S)"
	done
	finish
fi

# --- tcpdump -D: accel:DEV with a description, for the veth and lo.
accel_entries() {
	local dev
	for dev in "$if_b" lo; do
		grep -qE "^[0-9]+\.accel:$dev \(.+\)" "$tmp/ours.devices" ||
			{ echo "no \"accel:$dev (description)\" in: $(tr '\n' ' ' <"$tmp/ours.devices" | cut -c1-200)"; return 1; }
	done
}
result accel-conf-devices-accel-entries accel_entries

# --- Errors.
cat >"$tmp/bad-key.conf" <<'EOF'
# accel-conf.sh: line 4 is wrong

caplen = 128
grop = 3
EOF
printf 'promisc = 0\ncaplen = lots\n' >"$tmp/bad-value.conf"
printf 'group = 70000\n' >"$tmp/range.conf"
printf '# a comment\nfanout = hsah\n' >"$tmp/bad-fanout.conf"
printf 'caplen = 100\n\n\nbackend = tpackett\n' >"$tmp/bad-backend.conf"
cat >"$tmp/section.conf" <<EOF
caplen = 100
[$if_b]
promisc = 1
blok_size = 64K
EOF
mkdir -p "$tmp/a-directory.conf" "$tmp/abs"
cp "$tmp/bad-key.conf" "$tmp/abs/abs-bad.conf"
printf '# site\n\n\ngroupp = 1\n' >"$tmp/site-bad.conf"

# tcpdump_error NAME DEVICE REGEX... [-- NAME=VALUE...]: tcpdump -i DEVICE
# must fail within 3 s with an error that matches every REGEX (grep -E)
# and is not about the device (it exists).
tcpdump_error() {
	local name=$1 dev=$2 res=() vars=() t0 t1 re msg rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		res+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	vars=("$@")
	t0=$(date +%s%N)
	client_deadline=4 run_client "$name" ours "$ns_b" "${vars[@]}" -- \
		tcpdump -n -c 1 -i "$dev" -w /dev/null
	t1=$(date +%s%N)
	rc=$(cat "$tmp/$name.rc")
	msg=$(grep -v 'listening on' "$tmp/$name.stderr" | tr '\n' ' ')
	if [ "$rc" = killed ] || [ "$rc" = 124 ]; then
		fail "$name" "tcpdump did not fail: it ran until killed ($msg)"
		return
	fi
	if [ "$rc" = 0 ]; then
		fail "$name" "tcpdump exited with status 0: $msg"
		return
	fi
	if grep -q 'No such device' <<<"$msg"; then
		fail "$name" "the device is said not to exist: ${msg:0:200}"
		return
	fi
	for re in "${res[@]}"; do
		if ! grep -qE -- "$re" <<<"$msg"; then
			fail "$name" "no /$re/ in tcpdump's error: ${msg:0:200}"
			return
		fi
	done
	if [ $(( (t1 - t0) / 1000000 )) -gt 3000 ]; then
		fail "$name" "took $(( (t1 - t0) / 1000000 )) ms to fail"
		return
	fi
	pass "$name"
}

tcpdump_error accel-conf-errors-unknown-key "accel/bad-key.conf:$if_b" \
	'bad-key\.conf:4\b' "'?grop'?" "'?group'?"
tcpdump_error accel-conf-errors-bad-value "accel/bad-value.conf:$if_b" \
	'bad-value\.conf:2\b' caplen
tcpdump_error accel-conf-errors-out-of-range "accel/range.conf:$if_b" \
	'range\.conf:1\b' group
tcpdump_error accel-conf-errors-bad-fanout "accel/bad-fanout.conf:$if_b" \
	'bad-fanout\.conf:2\b' fanout
tcpdump_error accel-conf-errors-bad-backend "accel/bad-backend.conf:$if_b" \
	'bad-backend\.conf:4\b' backend
tcpdump_error accel-conf-errors-section-unknown-key "accel/section.conf:$if_b" \
	'section\.conf:4\b' "'?blok_size'?" "'?block_size'?"
# The file's name, not followed by ":DEV" (as in the device name).
tcpdump_error accel-conf-errors-missing-file "accel/no-such.conf:$if_b" \
	'no-such\.conf($|[^:]|: )'
tcpdump_error accel-conf-errors-unreadable-file "accel/a-directory.conf:$if_b" \
	'a-directory\.conf($|[^:]|: )'
tcpdump_error accel-conf-errors-absolute-path "accel/$tmp/abs/abs-bad.conf:$if_b" \
	'abs-bad\.conf:4\b' grop
tcpdump_error accel-conf-errors-env-bad-caplen "accel:$if_b" 'ACCEL_CAPLEN|caplen' \
	-- ACCEL_CAPLEN=abc
tcpdump_error accel-conf-errors-env-bad-group "accel:$if_b" 'ACCEL_GROUP|group' \
	-- ACCEL_GROUP=65536
tcpdump_error accel-conf-errors-env-bad-fanout "accel:$if_b" 'ACCEL_FANOUT|fanout' \
	-- ACCEL_FANOUT=hash+bogus
tcpdump_error accel-conf-errors-env-force-plain-name "$if_b" 'ACCEL_GROUP|group' \
	-- ACCEL_FORCE=1 ACCEL_GROUP=many
tcpdump_error accel-conf-errors-site-file "accel:$if_b" 'site-bad\.conf:4\b' \
	"'?groupp'?" "'?group'?" -- ACCEL_CONF="$tmp/site-bad.conf"
tcpdump_error accel-conf-errors-site-file-missing "accel:$if_b" 'no-site\.conf' \
	-- ACCEL_CONF="$tmp/no-site.conf"

# The API: pcap_create succeeds, pcap_activate returns PCAP_ERROR with
# the message.
api_error() {
	local tag=$1 dev=$2 re=$3
	shift 3
	run_client "$tag" ours "$ns_b" "$@" -- "$probe" errors activate "$dev"
	grep -qx 'create = ok \[\]' "$tmp/$tag.stdout" ||
		{ echo "$(grep -m1 '^create' "$tmp/$tag.stdout")"; return 1; }
	grep -qE "^activate = -1 \(.*\) \[.*$re" "$tmp/$tag.stdout" && return 0
	echo "want activate = -1 [...$re...], got: $(grep -m1 '^activate' "$tmp/$tag.stdout" || client_why "$tag")"
	return 1
}
result accel-conf-errors-unknown-key-probe api_error api-key \
	"accel/bad-key.conf:$if_b" 'bad-key\.conf:4'
result accel-conf-errors-env-bad-caplen-probe api_error api-env \
	"accel:$if_b" 'ACCEL_CAPLEN|caplen' ACCEL_CAPLEN=0

# --- Precedence, by caplen: site file 70, ACCEL_CAPLEN 90, the name's
# file 110; the application asks for 200 (-s) or nothing (262144).
printf '# site-wide\ncaplen = 70\n' >"$tmp/site.conf"
printf 'caplen = 110\n' >"$tmp/name.conf"
printf 'caplen = 120\n' >"$tmp/abs/abs.conf"
mkdir -p "$tmp/sub" "$tmp/elsewhere"
printf 'caplen = 130\n' >"$tmp/sub/rel.conf"
printf 'caplen = 140\n' >"$tmp/elsewhere/name.conf"
site=ACCEL_CONF=$tmp/site.conf

# prec NAME CAPLEN DEVICE [NAME=VALUE...] [-- PROBE-OPTIONS]
prec() {
	local name=$1 want=$2
	shift 2
	snap "$name" ours "$@"
	result "accel-conf-$name" caplen_is "$tmp/$name.out" "$want"
}
prec precedence-default 262144 "accel:$if_b"
prec precedence-application 200 "accel:$if_b" -- -s 200
prec precedence-site 70 "accel:$if_b" "$site"
prec precedence-site-over-application 70 "accel:$if_b" "$site" -- -s 200
prec precedence-env 90 "accel:$if_b" ACCEL_CAPLEN=90
prec precedence-env-over-site 90 "accel:$if_b" "$site" ACCEL_CAPLEN=90
prec precedence-file-over-env 110 "accel/name.conf:$if_b" ACCEL_CAPLEN=90
prec precedence-file-over-env-and-site 110 "accel/name.conf:$if_b" "$site" \
	ACCEL_CAPLEN=90 -- -s 200
prec precedence-absolute-path 120 "accel/$tmp/abs/abs.conf:$if_b" ACCEL_CAPLEN=90
prec precedence-relative-subdirectory 130 "accel/sub/rel.conf:$if_b"
client_dir=$tmp/elsewhere
prec precedence-working-directory 140 "accel/name.conf:$if_b"
client_dir=
prec precedence-force 90 "$if_b" ACCEL_FORCE=1 ACCEL_CAPLEN=90
prec precedence-force-site 70 "$if_b" ACCEL_FORCE=1 "$site"
prec precedence-plain-untouched 262144 "$if_b" ACCEL_CAPLEN=90 "$site"

# tcpdump: the snapshot length it reports and writes.
rm -f "$tmp/tcpdump-prec.pcap"
start_client tcpdump-prec ours "$ns_b" "$site" ACCEL_CAPLEN=90 -- \
	tcpdump -n -U -c 4 -i "accel/name.conf:$if_b" -w "$tmp/tcpdump-prec.pcap"
tpid=$client_pid
wait_listening tcpdump-prec "$tpid" &&
	send "$ns_a" tcpdump-prec -d "$mac_b" ipv4@300 ipv6@300 tcp@300 ipv4@99
wait_exit "$tpid" 5
pcap_pkts "$tmp/tcpdump-prec.pcap" "$tmp/tcpdump-prec.pkts"
tcpdump_prec() {
	grep -q 'listening on .*snapshot length 110 bytes' "$tmp/tcpdump-prec.stderr" ||
		{ client_why tcpdump-prec; return 1; }
	awk '$1 == "pkt" { print $2, $3 }' "$tmp/tcpdump-prec.pkts" | tr '\n' ' ' >"$tmp/got"
	[ "$(cat "$tmp/got")" = "110 300 110 300 110 300 99 99 " ] ||
		{ echo "caplen/len of the 4 frames: $(cat "$tmp/got")"; return 1; }
}
result accel-conf-precedence-tcpdump tcpdump_prec

# --- [DEV] sections: promisc = 1 in [$if_b] (0 globally); then only in
# another device's section.  Seen in the promiscuity count while open.
cat >"$tmp/sect-on.conf" <<EOF
promisc = 0
[acl-$$-zz]
promisc = 0
[$if_b]
promisc = 1
EOF
cat >"$tmp/sect-off.conf" <<EOF
[acl-$$-zz]
promisc = 1
EOF
# promisc_during TAG DEVICE: the promiscuity of $if_b while a probe holds
# DEVICE open.
promisc_during() {
	local tag=$1 dev=$2 pid
	start_client "$tag" ours "$ns_b" -- "$probe" capture -N -I 700 -d 3000 "$dev"
	pid=$client_pid
	if wait_for "$tmp/$tag.stdout" '^ready$' "$pid"; then
		promiscuity "$ns_b" "$if_b" >"$tmp/$tag.promisc"
	else
		echo "never ready: $(grep -m1 '^activate' "$tmp/$tag.stdout")" >"$tmp/$tag.promisc"
	fi
	wait_exit "$pid" 5
}
promisc_is() {
	[ "$(cat "$tmp/$1.promisc")" = "$2" ] && return 0
	echo "promiscuity $(cat "$tmp/$1.promisc"), want $2"
	return 1
}
promisc_during sect-on "accel/sect-on.conf:$if_b"
result accel-conf-section-applies promisc_is sect-on 1
promisc_during sect-off "accel/sect-off.conf:$if_b"
result accel-conf-section-other-device promisc_is sect-off 0

# --- Two handles in one process with their own files, and a plain one.
cat >"$tmp/a.conf" <<'EOF'
# thread 1
backend = tpacket
caplen = 64
promisc = 1
block_size = 64K
block_count = 8
EOF
cat >"$tmp/b.conf" <<'EOF'
# thread 2
backend = tpacket
caplen = 128
promisc = 0
block_size = 128K
block_count = 24
EOF
mkdir -p "$tmp/threads"
start_client threads ours "$ns_b" -- "$threads_probe" -o "$tmp/threads" -e \
	-d 4000 "accel/a.conf:$if_b" "accel/b.conf:$if_b" "$if_b"
tpid=$client_pid
if wait_for "$tmp/threads.stdout" '^ready$' "$tpid"; then
	promiscuity "$ns_b" "$if_b" >"$tmp/threads.promisc"
	# The rings: packet socket mappings, their sizes.
	for p in $(descendants "$tpid"); do
		awk '$6 ~ /^socket:/ { print $1 }' "/proc/$p/maps" 2>/dev/null
	done | while IFS=- read -r lo hi; do
		echo $((0x$hi - 0x$lo))
	done | sort -n >"$tmp/threads.rings"
	send "$ns_a" threads -d "$mac_b" -E ipv4@300 ipv6@100 tcp@200 ipv6@127 ipv4@61
else
	: >"$tmp/threads.sent"
fi
wait_exit "$tpid" 8
promiscuity "$ns_b" "$if_b" >"$tmp/threads.promisc-after"
for i in 1 2 3; do
	cp "$tmp/threads.sent" "$tmp/threads/T$i.sent"
done
thread_ok() {
	local out=$tmp/threads/T$1.out
	grep -qx 'activate = 0 \[\]' "$out" ||
		{ echo "$(grep -m1 '^activate' "$out" || echo "no thread output: $(client_why threads)")"; return 1; }
	grep -q accel-pcap "$tmp/threads.stdout" ||
		{ echo "not on accel-pcap: $(grep -m1 '^# lib' "$tmp/threads.stdout")"; return 1; }
	caplen_is "$out" "$2"
}
result accel-conf-threads-a thread_ok 1 64
result accel-conf-threads-b thread_ok 2 128
result accel-conf-threads-plain thread_ok 3 262144
threads_promisc() {
	[ "$(cat "$tmp/threads.promisc")/$(cat "$tmp/threads.promisc-after")" = 1/0 ] && return 0
	echo "promiscuity $(cat "$tmp/threads.promisc") while open (want 1: a.conf only)," \
	     "$(cat "$tmp/threads.promisc-after") after (want 0)"
	return 1
}
result accel-conf-threads-promisc threads_promisc
threads_rings() {
	local want
	for want in $((64 * 1024 * 8)) $((128 * 1024 * 24)); do
		grep -qx "$want" "$tmp/threads.rings" && continue
		echo "no ring of $want bytes among the packet socket mappings:" \
		     "$(tr '\n' ' ' <"$tmp/threads.rings")"
		return 1
	done
}
result accel-conf-threads-rings threads_rings
finish
