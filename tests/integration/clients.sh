#!/bin/bash
# clients.sh [-S] BUILD_DIR: unmodified tcpdump, dumpcap and tshark capture
# on our library, loaded through LD_LIBRARY_PATH and through LD_PRELOAD:
# each must really map it (its --version names accel-pcap; the capturing
# process -- dumpcap under tshark -- has it in /proc/PID/maps) and write or
# print exactly the frames sent.  The same runs on the system libpcap
# first prove the scenario.  (-S: the system library in every run.)
. "$(dirname "$0")/lib.sh"

setup_pair || { fail clients-setup "cannot make the namespaces"; finish; }
idx_b=$(ifindex "$ns_b" "$if_b")
frames=(ipv4 ipv6 arp vlan qinq@90 bcast mcast6 ipv4@1514)
n=${#frames[@]}

# client_env MODE: sets the array cenv: the environment of a run (sys,
# path or preload), and want_lib: the library it must load.
client_env() {
	cenv=(env -u LD_LIBRARY_PATH -u LD_PRELOAD TMPDIR="$tmp")
	want_lib=$sys_lib
	[ "$1" = sys ] && return
	want_lib=$(readlink -f "$(lib_path ours)")
	if [ "$1" = path ] && [ "$system_only" -eq 0 ]; then
		cenv+=(LD_LIBRARY_PATH="$build")
	elif [ "$1" = preload ]; then
		cenv+=(LD_PRELOAD="$preload_runtime$want_lib")
	fi
}

# run CLIENT MODE: CLIENT captures $n frames on $if_b; $tmp/CLIENT-MODE.*
# get its --version, output, the libraries it mapped, and the frames.
run() {
	local c=$1 m=$2 tag=$1-$2 pid
	client_env "$m"
	"${cenv[@]}" "$c" --version >"$tmp/$tag.version" 2>&1
	case $c in
	tcpdump) set -- tcpdump -i "$if_b" -w "$tmp/$tag.pcap" -c "$n" ;;
	dumpcap) set -- dumpcap -i "$if_b" -w "$tmp/$tag.pcap" -c "$n" ;;
	tshark) set -- tshark -i "$if_b" -c "$n" -x ;;
	esac
	ip netns exec "$ns_b" "${cenv[@]}" timeout -k 1 12 "$@" \
		>"$tmp/$tag.stdout" 2>"$tmp/$tag.stderr" &
	pid=$!
	bg_pids+=("$pid")
	if wait_bound "$pid" "$idx_b"; then
		echo bound >"$tmp/$tag.bound"
		libpcap_of "$pid" >"$tmp/$tag.maps"
	fi
	send "$ns_a" "$tag" -d "$mac_b" "${frames[@]}"
	wait_exit "$pid" 10
	echo "$exit_status" >"$tmp/$tag.rc"
	if [ "$c" = tshark ]; then
		# The hex dump: "OFFSET  HEX BYTES   ASCII"; offset 0 starts a frame.
		awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / {
			if ($1 == "0000" && hex != "") { print hex; hex = "" }
			b = substr($0, 7, 48); gsub(/ /, "", b); hex = hex b }
			END { if (hex != "") print hex }' "$tmp/$tag.stdout" >"$tmp/$tag.hex"
	else
		env -u LD_LIBRARY_PATH -u LD_PRELOAD "$probe" read "$tmp/$tag.pcap" 2>&1 |
			awk '$1 == "pkt" { print $5 }' >"$tmp/$tag.hex"
	fi
}

clients=(tcpdump dumpcap tshark)
if [ "$sanitized" -eq 1 ]; then
	# tshark stops answering with the sanitizer runtime preloaded (on the
	# system libpcap too); tcpdump and dumpcap cover the clients.
	echo "SKIP clients-tshark: does not run with AddressSanitizer preloaded"
	clients=(tcpdump dumpcap)
fi
for c in "${clients[@]}"; do
	if ! command -v "$c" >/dev/null; then
		fail "clients-$c" "$c is not installed (.ci/run installs it)"
		continue
	fi
	for m in sys path preload; do
		run "$c" "$m"
	done
done

# captured CLIENT MODE: the right library, and the frames.
captured() {
	local tag=$1-$2 maps
	client_env "$2"
	if [ "$want_lib" = "$sys_lib" ]; then
		! grep -q accel-pcap "$tmp/$tag.version"
	else
		grep -q accel-pcap "$tmp/$tag.version"
	fi || { echo "--version does not say the library it should:" \
		"$(grep -m1 TPACKET "$tmp/$tag.version")"; return 1; }
	[ -e "$tmp/$tag.bound" ] ||
		{ echo "never started capturing: $(tail -2 "$tmp/$tag.stderr" | tr '\n' ' ')"; return 1; }
	maps=$(tr '\n' ' ' <"$tmp/$tag.maps")
	[ "$maps" = "$want_lib " ] ||
		{ echo "the capturing process mapped [${maps% }], not $want_lib"; return 1; }
	sent_hex "$tmp/$tag.sent" >"$tmp/expect.hex"
	if ! cmp -s "$tmp/expect.hex" "$tmp/$tag.hex"; then
		echo "$(wc -l <"$tmp/$tag.hex") of $n frames, or other bytes" \
		     "(exit status $(cat "$tmp/$tag.rc"); $(tail -1 "$tmp/$tag.stderr"))"
		diff "$tmp/expect.hex" "$tmp/$tag.hex" | cut -c1-100 | head -3
		return 1
	fi
	[ "$(cat "$tmp/$tag.rc")" = 0 ] ||
		{ echo "exit status $(cat "$tmp/$tag.rc"): $(tail -1 "$tmp/$tag.stderr")"; return 1; }
	# Each reports the count it took.
	tr '\r' '\n' <"$tmp/$tag.stderr" |
		grep -qxE "$n packets captured|Packets captured: $n" ||
		{ echo "no \"$n packets captured\": $(tail -1 "$tmp/$tag.stderr")"; return 1; }
}

# verdict CLIENT MODE: the system library's run proves the scenario.
verdict() {
	local why
	if ! why=$(captured "$1" sys); then
		fail "clients-$1-$2" "with the system libpcap (the test is wrong?): $why"
	elif ! why=$(captured "$1" "$2"); then
		fail "clients-$1-$2" "$why"
	else
		pass "clients-$1-$2"
	fi
}

for c in "${clients[@]}"; do
	command -v "$c" >/dev/null || continue
	verdict "$c" path
	verdict "$c" preload
done

# stats_lines CLIENT MODE: what the client says of pcap_stats.
stats_lines() {
	grep -E 'packets (received|dropped)|Packets received/dropped' \
		"$tmp/$1-$2.stderr"
}

# The statistics tcpdump and dumpcap print (from pcap_stats) are libpcap's.
client_stats() {
	local c=$1 m
	stats_lines "$c" sys >"$tmp/want.stats"
	grep -qE "^$n packets received by filter|received/dropped on .*: $n/0 " \
		"$tmp/want.stats" ||
		{ echo "system libpcap: $(tr '\n' ' ' <"$tmp/want.stats")"; return 1; }
	for m in path preload; do
		stats_lines "$c" "$m" | diff "$tmp/want.stats" - >/dev/null ||
			{ echo "$m: $(stats_lines "$c" "$m" | tr '\n' ' ')"; return 1; }
	done
}
for c in tcpdump dumpcap; do
	command -v "$c" >/dev/null || continue
	if why=$(client_stats "$c"); then
		pass "clients-$c-stats"
	else
		fail "clients-$c-stats" "$why"
	fi
done
finish
