#!/bin/bash
# tests/compat/filter-diff.sh [-S] [-j JOBS] [-v VARIANTS] [-p PCAP]...
#                             BUILD_DIR [CORPUS.txt...]
# The differential test of pcap_compile.  For every expression corpus file
# (tests/compat/filters/*.txt, format in its README) x link type x variant
# (opt, unopt: compiled on pcap_open_dead; savefile, savefile-unopt:
# compiled on each capture's own savefile handle), runs
# tests/compat/probe-filter with the system libpcap and with ours
# (BUILD_DIR/libpcap.so.0.8) over the packets of that link type
# (gen-packets.py output, the tcpdump and libpcap test captures) and
# compares: compile outcome, error text, verdict on every packet.
# One PASS/FAIL line per (corpus file, link type, variant); a FAIL lists
# the first differing expressions with the first differing packet.
# -S: the system library on both sides (checks the harness itself).
# -j: groups run in parallel (default 1; each runs both libraries at once).
# -v: comma-separated variants (default opt,unopt,savefile; by default
#     savefile only for the link types where a savefile handle changes
#     the code: byte-swapped NULL/LOOP/ENC/PFLOG, and inbound/outbound/
#     ifindex, refused on savefiles for links without a direction field).
# -p: use these captures instead of the packet corpus (repeatable).
# Exits non-zero on any difference.
set -u
self_test=0 jobs=1 variants=opt,unopt,savefile given_pcaps=() all_savefile=0
while [ $# -gt 0 ]; do
	case $1 in
	-S) self_test=1; shift ;;
	-j) jobs=$2; shift 2 ;;
	-v) variants=$2; all_savefile=1; shift 2 ;;
	-p) given_pcaps+=("$(realpath "$2")"); shift 2 ;;
	*) break ;;
	esac
done
build=$(cd "${1:?usage: filter-diff.sh [-S] [-j JOBS] BUILD_DIR [CORPUS...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
shared=${ACCEL_SHARED:-/work/shared}
probe=$build/tests/compat/probe-filter
timeout_s=${FILTER_DIFF_TIMEOUT:-60}	# one expression
run_timeout=3600				# one probe run, in case alarm() fails
show=${FILTER_DIFF_SHOW:-4}

if [ ! -x "$probe" ] || [ ! -e "$build/libpcap.so.0.8" ]; then
	echo "FAIL filter-diff: $probe or $build/libpcap.so.0.8 missing"
	exit 1
fi
ours_lib=$build
if [ $self_test = 1 ]; then
	ours_lib=
elif ! LD_LIBRARY_PATH=$build ldd "$probe" | grep -q "$build/libpcap.so.0.8"; then
	echo "FAIL filter-diff: the probe does not load $build/libpcap.so.0.8"
	exit 1
fi
if [ $# -gt 0 ]; then
	corpora=("$@")
else
	corpora=("$here"/filters/*.txt)
fi
[ -e "${corpora[0]}" ] || { echo "FAIL filter-diff: no corpus files"; exit 1; }

tmp=$(mktemp -d)
# On an interrupt, end our own probes too (they are our descendants).
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do kill_tree "$c"; done
	kill "$1" 2>/dev/null
}
trap 'rm -rf "$tmp"' EXIT
trap 'for c in $(pgrep -P $$); do kill_tree "$c"; done; exit 130' INT TERM
mkdir "$tmp/pk" "$tmp/out"

# Packet files per link type number: ours first, then the test captures.
own_packets=0
if [ ${#given_pcaps[@]} -gt 0 ]; then
	printf '%s\n' "${given_pcaps[@]}" >"$tmp/files"
else
	own_packets=1
	if ! python3 "$here/gen-packets.py" "$tmp/pk"; then
		echo "FAIL filter-diff: gen-packets.py"
		exit 1
	fi
	{
		ls "$tmp"/pk/*.pcap
		ls "$shared"/tcpdump-tests/data/*.pcap* 2>/dev/null
		find "$shared/libpcap-tests/savefiles/filter" -type f -name '*.pcap*' 2>/dev/null | sort
	} >"$tmp/files"
fi
xargs -d '\n' "$probe" -L <"$tmp/files" >"$tmp/linktypes"
packet_files() {	# DLT number -> file names, one a line
	awk -F'\t' -v d="$1" '$2 == d { print $1 }' "$tmp/linktypes"
}

# Runs the probe with library $1 ("" = system) into file $2, resuming
# after a crash or time-out of one expression (marked CRASH/TIMEOUT).
run_probe() {
	local lib=$1 out=$2 skip=0 rc restarts=0 last what
	shift 2
	: >"$out"
	while :; do
		{
			if [ -n "$lib" ]; then
				LD_LIBRARY_PATH=$lib timeout "$run_timeout" "$probe" -t \
					-a "$timeout_s" -k "$skip" "$@" >"$out.part" 2>"$out.err"
			else
				timeout "$run_timeout" "$probe" -t -a "$timeout_s" -k "$skip" \
					"$@" >"$out.part" 2>"$out.err"
			fi
		} 2>/dev/null
		rc=$?
		if [ $skip -eq 0 ]; then
			cat "$out.part" >>"$out"
		else
			grep -v '^# ' "$out.part" >>"$out"
		fi
		[ $rc -eq 0 ] && break
		# The expression being compiled or run when it stopped.
		last=$(grep '^at' "$out.err" | tail -1)
		if [ $rc -eq 64 ] || [ -z "$last" ]; then
			printf '0\t-\t-\tUSAGE\t%s\t-\n' "stopped with status $rc: $(grep -v '^at' "$out.err" | head -1)" >>"$out"
			break
		fi
		skip=$(cut -f2 <<<"$last")
		what="exit status $rc"
		[ $rc -eq 124 ] && what="no answer after ${timeout_s}s"
		[ $rc -eq 124 ] || [ $rc -gt 128 ] || what="$what: $(grep -v '^at' "$out.err" | head -1)"
		printf '%s\t-\t-\tCRASH\t%s\t%s\n' "$skip" "$what" "$(cut -f3- <<<"$last")" >>"$out"
		restarts=$((restarts + 1))
		[ $restarts -ge 25 ] && break
	done
	rm -f "$out.part" "$out.err"
}

# Compares two probe outputs; prints a summary line "COUNTS ..." and the
# first differences ("DIFF seq kind sys-outcome ours-outcome index expr").
compare() {
	awk -F'\t' -v show="$show" '
	function outcome(f4, f5) {
		return f4 == "ERR" ? "error: " f5 : f4 == "CRASH" ? "crashed: " f5 : f4
	}
	function first_diff(a, b,   i, n) {
		n = length(a) > length(b) ? length(a) : length(b)
		for (i = 1; i <= n; i++)
			if (substr(a, i, 1) != substr(b, i, 1))
				return i - 1
		return -1
	}
	FNR == 1 && /^# / { hdr[FILENAME == ARGV[1] ? 0 : 1] = $0 }
	/^# / { next }
	FILENAME == ARGV[1] {
		line[$1] = $2; exp_[$1] = $3; st[$1] = $4
		if ($4 == "OK") { v[$1] = $7; h[$1] = $6; acc[$1] = $5; expr[$1] = $8 }
		else { msg[$1] = $5; expr[$1] = $6 }
		if (!(n in seq) || seq[n] != $1) { n++; seq[n] = $1 }
		next
	}
	{
		o_seen[$1] = 1; o_st[$1] = $4
		if ($4 == "OK") { o_v[$1] = $7; o_h[$1] = $6 } else o_msg[$1] = $5
	}
	END {
		reader = hdr[0] != hdr[1]
		for (i = 1; i <= n; i++) {
			s = seq[i]; kind = ""
			if (st[s] == "ERR") rejected++; else if (st[s] == "OK") compiled++
			# libpcap optimizer refuses a program that rejects every
			# packet: still "ok" for the corpus.
			if ((exp_[s] == "ok" && st[s] != "OK" &&
			     msg[s] != "expression rejects all packets") ||
			    (exp_[s] == "error" && st[s] != "ERR")) {
				corpus++
				if (shown++ < show)
					printf "DIFF\t%s\tcorpus\tline %s expects %s\t%s\t-\t%s\n",
						s, line[s], exp_[s], outcome(st[s], msg[s]), expr[s]
			}
			if (!(s in o_seen)) kind = "missing"
			else if (st[s] == "CRASH" || o_st[s] == "CRASH") kind = "crash"
			else if (st[s] != o_st[s]) kind = "accept/reject"
			else if (st[s] == "ERR" && msg[s] != o_msg[s]) kind = "message"
			else if (st[s] == "OK" && (v[s] != o_v[s] || h[s] != o_h[s])) kind = "verdict"
			if (kind == "") continue
			count[kind]++
			if (shown++ < show) {
				idx = kind == "verdict" ? first_diff(v[s], o_v[s]) : -1
				ours = kind == "missing" ? "(no output)" : \
					(o_st[s] == "ERR" ? "error: " o_msg[s] : \
					 o_st[s] == "OK" ? "OK" : "crashed: " o_msg[s])
				if (kind == "verdict")
					ours = "OK, packet " idx ": " substr(o_v[s], idx + 1, 1) \
						" (system " substr(v[s], idx + 1, 1) ")"
				printf "DIFF\t%s\t%s\t%s\t%s\t%s\t%s\n", s, kind,
					outcome(st[s], msg[s]), ours, idx, expr[s]
			}
		}
		printf "COUNTS\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", n, compiled,
			rejected, count["accept/reject"], count["message"], count["verdict"],
			count["crash"] + count["missing"], corpus, reader, 0, hdr[0]
	}' "$1" "$2"
}

# One group: corpus file, link type name and number, variant.
run_group() {
	local corpus=$1 dltname=$2 dlt=$3 variant=$4 label files=() args=()
	local base sysout oursout res start=$SECONDS
	base=$(basename "$corpus" .txt)
	label="$base $dltname $variant"
	mapfile -t files < <(packet_files "$dlt")
	# On savefile handles each kind of capture (byte order, snapshot
	# length) gets its own compile: the generated captures are enough.
	if [ "${variant#savefile}" != "$variant" ] && [ "$own_packets" = 1 ]; then
		mapfile -t files < <(printf '%s\n' "${files[@]}" | grep "^$tmp/pk/")
	fi
	case $variant in
	unopt) args=(-O0) ;;
	savefile) args=(-H) ;;
	savefile-unopt) args=(-H -O0) ;;
	esac
	if [ "${variant#savefile}" != "$variant" ] && [ ${#files[@]} -eq 0 ]; then
		echo "SKIP $label: no captures of this link type"
		return 0
	fi
	sysout=$tmp/out/$base.$dlt.$variant.sys
	oursout=$tmp/out/$base.$dlt.$variant.ours
	run_probe "" "$sysout" "${args[@]}" -d "$dlt" -c "$corpus" "${files[@]}" &
	run_probe "$ours_lib" "$oursout" "${args[@]}" -d "$dlt" -c "$corpus" "${files[@]}"
	wait
	res=$(compare "$sysout" "$oursout")
	local n compiled rejected ar msg verd crash corp reader pk
	IFS=$'\t' read -r _ n compiled rejected ar msg verd crash corp reader _ pk \
		< <(grep '^COUNTS' <<<"$res")
	pk=${pk#\# packets }
	pk=${pk%% *}
	if grep -q '^0	-	-	USAGE' "$sysout" "$oursout"; then
		echo "FAIL $label: probe: $(grep -h USAGE "$sysout" "$oursout" | head -1 | cut -f5)"
		return 1
	fi
	if [ "$n" -eq 0 ]; then
		echo "FAIL $label: no expressions selected"
		return 1
	fi
	if [ "$ar$msg$verd$crash$corp$reader" = 000000 ]; then
		echo "PASS $label ($n expressions: $compiled compiled, $rejected rejected; ${pk:-0} packets; $((SECONDS - start))s)"
		return 0
	fi
	local also=
	[ "$reader" = 1 ] && also="; the packets were read differently"
	echo "FAIL $label: of $n expressions: $ar accept/reject, $msg message," \
		"$verd verdict, $crash crash, $corp corpus differences$also"
	grep '^DIFF' <<<"$res" | while IFS=$'\t' read -r _ _ kind sys ours idx expr; do
		echo "    [$kind] $expr"
		if [ "$kind" = corpus ]; then
			echo "        $sys, but the system library says: $ours"
			continue
		fi
		echo "        system: $sys"
		echo "        ours:   $ours"
		if [ "$kind" = verdict ] && [ "$idx" -ge 0 ]; then
			"$probe" -x "$idx" "${files[@]}" | sed 's/^/        /'
		fi
	done
	return 1
}

# Link types of each corpus file, as "name<TAB>number" lines.
dlts_of() {
	local names
	names=$(sed -n 's/^[[:space:]]*@dlt[[:space:]]//p' "$1" | tr -s ' \t' '\n\n' |
		grep . | awk '!seen[$0]++')
	[ -n "$names" ] && "$probe" -D $names 2>&1
}

# NULL LOOP ENC PFLOG EN10MB LINUX_SLL LINUX_SLL2 RAW PPP IEEE802_11_RADIO
savefile_dlts="0 108 109 117 1 113 276 12 9 127"
failed=0
: >"$tmp/groups"
for c in "${corpora[@]}"; do
	if ! dl=$(dlts_of "$c") || [ -z "$dl" ]; then
		echo "FAIL $(basename "$c" .txt): @dlt: $(grep -v '	' <<<"${dl:-no @dlt line}" | head -1)"
		failed=1
		continue
	fi
	while IFS=$'\t' read -r name num; do
		for v in ${variants//,/ }; do
			if [ $all_savefile = 0 ] && [ "${v#savefile}" != "$v" ] &&
				! grep -qw -- "$num" <<<"$savefile_dlts"; then
				continue
			fi
			printf '%s\t%s\t%s\t%s\n' "$c" "$name" "$num" "$v" >>"$tmp/groups"
		done
	done <<<"$dl"
done

export -f run_group run_probe compare packet_files
export tmp probe ours_lib timeout_s run_timeout show own_packets
i=0
while IFS=$'\t' read -r c name num v; do
	i=$((i + 1))
	(run_group "$c" "$name" "$num" "$v" >"$tmp/out/result.$(printf %05d $i)" 2>&1) &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done <"$tmp/groups"
wait
cat "$tmp"/out/result.* 2>/dev/null
grep -q '^FAIL' "$tmp"/out/result.* 2>/dev/null && failed=1
total=$(cat "$tmp"/out/result.* 2>/dev/null | grep -c '^\(PASS\|FAIL\)')
bad=$(cat "$tmp"/out/result.* 2>/dev/null | grep -c '^FAIL')
echo "filter-diff: $bad of $total groups differ"
exit $failed
