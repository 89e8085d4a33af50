#!/bin/bash
# tests/compat/read-diff.sh BUILD_DIR: reads savefiles with the system
# libpcap and with ours (BUILD_DIR/libpcap.so.0.8) through
# tests/compat/probe-read and compares everything it prints: open errors,
# handle properties, every packet (time stamp, lengths, hash of the bytes),
# return codes and error texts.  Inputs: the tcpdump and libpcap test
# captures, synthetic seeds (probe-read -G), their byte-swapped, padded and
# re-magicked rewrites, and corrupt variants (truncated at many offsets,
# header fields changed, random bytes flipped).  Prints one PASS/FAIL line
# per group; exits non-zero if any case differs.
set -u
build=$(cd "${1:?usage: read-diff.sh BUILD_DIR}" && pwd)
shared=${ACCEL_SHARED:-/work/shared}
probe=$build/tests/compat/probe-read
failed=0

if [ ! -x "$probe" ] || [ ! -e "$build/libpcap.so.0.8" ]; then
	echo "FAIL read-diff: $probe or $build/libpcap.so.0.8 missing"
	exit 1
fi
if ! LD_LIBRARY_PATH=$build ldd "$probe" | grep -q "$build/libpcap.so.0.8"; then
	echo "FAIL read-diff: the probe does not load $build/libpcap.so.0.8"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/seeds" "$tmp/scratch"
"$probe" -G "$tmp/seeds" >/dev/null || { echo "FAIL read-diff: seeds"; exit 1; }

real=()
for f in "$shared"/tcpdump-tests/data/*.pcap*; do real+=("$f"); done
while IFS= read -r f; do real+=("$f"); done \
	< <(find "$shared/libpcap-tests/savefiles" -type f -name '*.pcap*' | sort)
seeds=("$tmp"/seeds/*)
pcaps=()
for f in "${real[@]}" "${seeds[@]}"; do
	case $f in *.pcap) pcaps+=("$f") ;; esac
done
if [ "${#real[@]}" -lt 10 ]; then
	echo "FAIL read-diff: only ${#real[@]} captures under $shared"
	exit 1
fi

# Every line prefixed by its case ("== label" starts one), so a diff of
# two outputs names the cases that differ.
label_lines() {
	awk '/^== / { l = substr($0, 4) } { print l "\t" $0 }' "$1"
}

# group NAME PROBE-ARGS... -- FILES...: both libraries, then compare.
group() {
	local name=$1 args=() n bad first pkts
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	TMPDIR=$tmp/scratch "$probe" -d "$tmp/scratch" "${args[@]}" "$@" \
		>"$tmp/sys.out" 2>&1
	LD_LIBRARY_PATH=$build TMPDIR=$tmp/scratch "$probe" -d "$tmp/scratch" \
		"${args[@]}" "$@" >"$tmp/ours.out" 2>&1
	n=$(grep -c '^== ' "$tmp/sys.out")
	pkts=$(grep -c '^pkt ' "$tmp/sys.out")
	bad=
	if ! cmp -s "$tmp/sys.out" "$tmp/ours.out"; then
		label_lines "$tmp/sys.out" >"$tmp/sys.lines"
		label_lines "$tmp/ours.out" >"$tmp/ours.lines"
		bad=$(diff "$tmp/sys.lines" "$tmp/ours.lines" | sed -n 's/^[<>] //p' |
			cut -f1 | sort -u)
		# Too different to diff: still a failure.
		[ -n "$bad" ] || bad="(outputs differ: $(cmp "$tmp/sys.out" "$tmp/ours.out" 2>&1 | head -1))"
	fi
	if [ "$n" -eq 0 ] || { [ "$pkts" -eq 0 ] && [ "${name#bad-}" = "$name" ]; }; then
		echo "FAIL $name: nothing was read ($n cases, $pkts packets)"
		failed=1
	elif [ -n "$bad" ] || [ "$n" -ne "$(grep -c '^== ' "$tmp/ours.out")" ]; then
		first=$(echo "$bad" | head -1)
		echo "FAIL $name: $(echo "$bad" | grep -c .) of $n cases differ, first: $first"
		diff <(grep -F -A1000000 "== $first" "$tmp/sys.out" | head -40) \
		     <(grep -F -A1000000 "== $first" "$tmp/ours.out" | head -40) |
			head -20 | sed 's/^/    /'
		failed=1
	else
		echo "PASS $name ($n cases, $pkts packets)"
	fi
}

# Every capture as it is, in several reading styles.
group real-loop-usec -- "${real[@]}" "${seeds[@]}"
group real-next_ex-nsec -n -m next_ex -e 3 -- "${real[@]}" "${seeds[@]}"
group real-pipe-dispatch7 -p -m dispatch:7 -e 2 -- "${real[@]}" "${seeds[@]}"
group real-midfile-break3-nsec -n -W pad:17 -s 17 -m break:3 -- "${real[@]}" "${seeds[@]}"
group real-next -m next -- "${real[@]}"
group real-stdin-nsec -n -i -m next_ex -e 2 -- "${real[@]}" "${seeds[@]}"
group real-loop-chunks5 -m loop:5 -- "${real[@]}"
group bad-precision -P 7 -- "${real[@]:0:5}" "${seeds[@]:0:4}"
group bad-inputs -- "$tmp/seeds" /dev/null "$probe" "$tmp/no-such-file"

# Rewritten: the other byte order, nanosecond and Kuznetzov magics.
group swapped-usec -W swap -m next_ex -e 3 -- "${real[@]}" "${seeds[@]}"
group swapped-nsec-pipe -n -p -W swap -m loop -- "${real[@]}" "${seeds[@]}"
group ns-magic -W ns -m next_ex -e 2 -- "${pcaps[@]}"
group ns-magic-nsec -n -W ns -m loop -- "${pcaps[@]}"
group kuz-magic -W kuz -m next_ex -e 5 -- "${pcaps[@]}"

# Corrupt and truncated variants of a few inputs.
d=$shared/tcpdump-tests/data
cut_seeds=("$tmp"/seeds/ng-sections-le.pcapng "$tmp"/seeds/ng-sections-be.pcapng
	"$tmp"/seeds/usb-mmapped-be.pcap "$tmp"/seeds/kuz-eth-le.pcap
	"$tmp"/seeds/snap2000-be.pcap "$tmp"/seeds/ng-usb-be.pcapng)
real_cut=()
for f in "$d"/isup.pcap "$d"/ahcp.pcapng "$d"/nflog.pcap "$d"/of13_ericsson.pcapng \
	"$d"/empty.pcapng "$d"/02-sunrise-sunset-esp.pcap; do
	[ -e "$f" ] && real_cut+=("$f")
done
group truncated-seeds -V trunc:0-400/1 -V trunc:401-100000/29 -m next_ex -e 2 -- "${cut_seeds[@]}"
group truncated-seeds-pipe -p -V trunc:0-200/3 -V trunc:201-100000/97 -m next_ex -e 2 -- "${cut_seeds[@]}"
group truncated-real -n -V trunc:0-300/1 -V trunc:301-6000/13 -m next_ex -e 2 -- "${real_cut[@]}"
group truncated-real-big -V trunc:100-120000/997 -m dispatch:50 -- "$d"/of13_ericsson.pcapng

# Header fields: pcap versions, snaplen, link type and its FCS bits.
pcap_le=$d/02-sunrise-sunset-esp.pcap
sets=()
for v in set:4:0100 set:4:0200 set:4:0300 set:6:0000 set:6:0300 set:6:0500 \
	set:4:1f020000 set:16:00000000 set:16:01000000 set:16:ffffff7f \
	set:16:00000080 set:16:ffffffff set:20:0100000c set:20:01000004 \
	set:20:010000f4 set:20:0100ff03 set:20:e7000000 set:20:f9000000 \
	set:20:65000000 set:20:ffff0000 set:24:ffffffff set:32:ffff0300 \
	set:32:01000400 set:36:00000000 set:0:0a0d0d0a set:0:4d3cb2a1; do
	sets+=(-V "$v")
done
group pcap-header-fields -m next_ex -e 2 "${sets[@]}" -- "$pcap_le" "$tmp"/seeds/v2.3-be.pcap
ng=$d/ahcp.pcapng
sets=()
for v in set:4:1b000000 set:4:1c000000 set:4:00001000 set:4:00001100 \
	set:4:ffffffff set:8:1a2b3c4d set:8:4d3c2b1b set:12:0200 set:14:0100 \
	set:14:0200 set:14:0300 set:0:0a0d0d0b set:28:01000000 set:28:06000000 \
	set:28:02000000 set:32:0b000000 set:32:0a000000 set:32:00001000 \
	set:32:00100001 set:36:6500 set:40:00000000 set:40:ffffffff; do
	sets+=(-V "$v")
done
group pcapng-header-fields -m next_ex -e 2 "${sets[@]}" -- "$ng" "$tmp"/seeds/ng-sections-be.pcapng

# Random damage: 1-3 bytes changed, 150 variants per file.
flip_files=("$d"/isup.pcap "$d"/ahcp.pcapng "$d"/nflog.pcap "$tmp"/seeds/*-be.pcap*)
group flipped -V flip:150 -m loop -- "${flip_files[@]}"
group flipped-nsec-pipe -n -p -V flip:40 -m dispatch:3 -- "${flip_files[@]}"

exit $failed
