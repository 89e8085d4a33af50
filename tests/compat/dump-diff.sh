#!/bin/sh
# dump-diff.sh BUILD_DIR: the savefile writers against the system libpcap.
# Every case runs tests/compat/probe-dump once on the system library and
# once on ours (LD_LIBRARY_PATH=BUILD_DIR), each in a fresh directory
# prepared the same way; the printed reports, exit codes and every file
# left in the directory must be identical.
set -u

B=${1:?usage: dump-diff.sh BUILD_DIR}
B=$(cd "$B" && pwd) || exit 2
PROBE=$B/tests/compat/probe-dump
DATA=${ACCEL_SHARED:-/work/shared}/tcpdump-tests/data
LIBPCAP_DATA=${ACCEL_SHARED:-/work/shared}/libpcap-tests/savefiles
[ -x "$PROBE" ] || { echo "FAIL setup: $PROBE not built"; exit 1; }
[ -e "$B/libpcap.so.0.8" ] || { echo "FAIL setup: no $B/libpcap.so.0.8"; exit 1; }

T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

passes=0
fails=0
pass() { echo "PASS $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

sys_probe() { "$PROBE" "$@"; }
our_probe() { LD_LIBRARY_PATH=$B "$PROBE" "$@"; }

# Preparations: run in the case's directory with the system library, so
# both runs start from the same bytes.
none() { :; }
empty() { : >f.pcap; }
garbage() { printf 'This is plain text and no kind of capture file.\n' >f.pcap; }
raw() { sys_probe rawheader f.pcap "$@"; }
written() { sys_probe write f.pcap "$@" normal >/dev/null; }
pcapng() {
	ng=$(ls "$DATA"/*.pcapng 2>/dev/null | head -n 1)
	if [ -n "$ng" ]; then cp "$ng" f.pcap; else raw 0x0a0d0d0a 0 0 0 0; fi
}
readonly_copy() { written us 1 65535; }

# run_case NAME PREPARE PROBE-ARGS...: PREPARE is a command line (word
# split) run before the probe in each fresh directory.
run_case() {
	name=$1 prep=$2
	shift 2
	for lib in sys our; do
		d=$T/$lib
		rm -rf "$d" && mkdir "$d" || return
		(cd "$d" && $prep) >/dev/null 2>&1 || {
			fail "$name" "preparing with '$prep' failed"
			return
		}
		(cd "$d" && ${lib}_probe "$@" >"$T/$lib.stdout" 2>"$T/$lib.stderr"
		 echo "exit $?" >>"$T/$lib.stderr")
	done
	if ! cmp -s "$T/sys.stdout" "$T/our.stdout"; then
		fail "$name" "stdout differs: $(diff "$T/sys.stdout" "$T/our.stdout" | sed -n 2,3p | tr '\n' ' ')"
	elif ! cmp -s "$T/sys.stderr" "$T/our.stderr"; then
		fail "$name" "stderr differs: $(diff "$T/sys.stderr" "$T/our.stderr" | sed -n 2,3p | tr '\n' ' ')"
	elif ! diff -r "$T/sys" "$T/our" >/dev/null 2>&1; then
		fail "$name" "files differ: $(diff -rq "$T/sys" "$T/our" | head -n 1)"
	else
		pass "$name"
	fi
}

# --- writing ---------------------------------------------------------------
for prec in us ns; do
	for set in normal odd mixed; do
		run_case "write-$prec-$set" none write out.pcap $prec 1 262144 $set
	done
	run_case "write-$prec-stdout" none write - $prec 1 262144 normal
	run_case "fopen-$prec" none fopen out.pcap wb $prec 1 262144
done
for dlt in 0 1 11 12 15 16 19 50 51 104 105 147 246 258 289 \
	13 14 20 290 300 65536 -1; do
	run_case "write-dlt-$dlt" none write out.pcap us $dlt 65535 normal
done
for snaplen in 0 96 65535 262144 2147483647 -1; do
	run_case "write-snaplen-$snaplen" none write out.pcap ns 1 $snaplen normal
done

# --- error paths -----------------------------------------------------------
run_case "error-missing-directory" none write /nonexistent-dir/out.pcap us 1 65535 normal
run_case "error-is-directory" none write . us 1 65535 normal
run_case "error-permission" none write /sys/kernel/notes us 1 65535 normal
run_case "error-write-fails" none write /proc/version us 1 65535 normal
run_case "error-disk-full" none write /dev/full us 1 65535 normal
run_case "error-bad-dlt-open" none write out.pcap us 300 65535 normal
run_case "error-bad-dlt-fopen" none fopen out.pcap wb us 300 65535
run_case "error-fopen-readonly-stream" readonly_copy fopen f.pcap rb us 1 65535
run_case "error-stdout-unwritable" none stdout-ro us 1 65535
run_case "error-null-name" none nullname us 1
run_case "error-null-name-bad-dlt" none nullname us 300
run_case "error-unactivated" none unactivated out.pcap

# --- appending -------------------------------------------------------------
run_case "append-missing-us" none append f.pcap us 1 262144
run_case "append-missing-ns" none append f.pcap ns 1 262144
run_case "append-empty" empty append f.pcap us 1 262144
run_case "append-match-us" "written us 1 262144" append f.pcap us 1 262144
run_case "append-match-ns" "written ns 1 262144" append f.pcap ns 1 262144
run_case "append-match-remapped" "written us 12 65535" append f.pcap us 12 65535
run_case "append-header-only" "raw 0xa1b2c3d4 2 4 65535 1" append f.pcap us 1 65535
run_case "append-stdout" none append - us 1 65535
run_case "append-other-linktype" "written us 1 262144" append f.pcap us 113 262144
run_case "append-linktype-fcs-bits" "raw 0xa1b2c3d4 2 4 65535 0x14000001" append f.pcap us 1 65535
run_case "append-us-file-ns-handle" "written us 1 262144" append f.pcap ns 1 262144
run_case "append-ns-file-us-handle" "written ns 1 262144" append f.pcap us 1 262144
run_case "append-other-snaplen" "written us 1 262144" append f.pcap us 1 65535
run_case "append-swapped-us" "raw 0xd4c3b2a1 2 4 65535 1" append f.pcap us 1 65535
run_case "append-swapped-ns" "raw 0x4d3cb2a1 2 4 65535 1" append f.pcap ns 1 65535
run_case "append-kuznetzov" "raw 0xa1b2cd34 2 4 65535 1" append f.pcap us 1 65535
run_case "append-kuznetzov-swapped" "raw 0x34cdb2a1 2 4 65535 1" append f.pcap us 1 65535
run_case "append-navtel" "raw 0xa12b3c4d 2 4 65535 1" append f.pcap us 1 65535
run_case "append-navtel-swapped" "raw 0x4d3c2ba1 2 4 65535 1" append f.pcap us 1 65535
run_case "append-fmesquita" "raw 0xa1b234cd 2 4 65535 1" append f.pcap us 1 65535
run_case "append-version-2.3" "raw 0xa1b2c3d4 2 3 65535 1" append f.pcap us 1 65535
run_case "append-version-1.0" "raw 0xa1b2c3d4 1 0 65535 1" append f.pcap us 1 65535
run_case "append-truncated-header" "raw 0xa1b2c3d4 2 4 65535 1 10" append f.pcap us 1 65535
run_case "append-one-byte" "raw 0xa1b2c3d4 2 4 65535 1 1" append f.pcap us 1 65535
run_case "append-pcapng" pcapng append f.pcap us 1 65535
run_case "append-garbage" garbage append f.pcap us 1 65535
run_case "append-directory" none append . us 1 65535
run_case "append-missing-directory" none append /nonexistent-dir/f.pcap us 1 65535
run_case "append-bad-dlt" none append f.pcap us 300 65535

# --- cross check: what we write, the system library reads back ------------
for prec in us ns; do
	name=readback-$prec
	our_probe write "$T/rb.pcap" $prec 1 262144 normal >/dev/null 2>&1
	sys_probe read "$T/rb.pcap" $prec >"$T/read.txt" 2>&1
	sys_probe list $prec >"$T/list.txt" 2>&1
	if [ ! -s "$T/list.txt" ]; then
		fail "$name" "the probe listed no packets"
	elif cmp -s "$T/read.txt" "$T/list.txt"; then
		pass "$name"
	else
		fail "$name" "$(diff "$T/list.txt" "$T/read.txt" | sed -n 2,3p | tr '\n' ' ')"
	fi
	rm -f "$T/rb.pcap"
done

# --- copying every capture: pcap_open_offline + pcap_loop(pcap_dump) -------
# The copy needs our reader: if it cannot yet read the first capture as
# the system library does, say so plainly instead of failing every file.
first=$(ls "$DATA"/*.pcap 2>/dev/null | head -n 1)
if [ -n "$first" ]; then
	sys_read=$(sys_probe read "$first" us 2>&1; echo "exit $?")
	our_read=$(our_probe read "$first" us 2>&1; echo "exit $?")
fi
if [ -z "$first" ]; then
	fail "copy-savefiles" "no captures in $DATA"
elif [ "$sys_read" != "$our_read" ]; then
	fail "copy-savefiles" "our reader does not read $(basename "$first") as the system library does (not yet written?): $(printf '%s\n' "$our_read" | head -n 1)"
else
	for f in "$DATA"/*.pcap "$LIBPCAP_DATA"/*.pcap; do
		[ -f "$f" ] || continue
		run_case "copy-$(basename "$f")" none copy "$f" out.pcap
	done
	# A handle read from a file with FCS bits (bootp_asan.pcap): libpcap's
	# append leaves them out of the header and so refuses the file itself.
	fcs=$DATA/bootp_asan.pcap plain=$first
	if [ -f "$fcs" ]; then
		run_case "copyappend-fcs-missing" none copyappend "$fcs" f.pcap
		run_case "copyappend-fcs-same-file" "cp $fcs f.pcap" copyappend "$fcs" f.pcap
	else
		fail "copyappend-fcs" "$fcs is missing"
	fi
	run_case "copyappend-same-file" "cp $plain f.pcap" copyappend "$plain" f.pcap
fi

echo "dump-diff: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
