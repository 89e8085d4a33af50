#!/bin/bash
# exports.sh BUILD_DIR: the built library exports exactly libpcap 1.10's
# names (the shared ABI list), under the right SONAME, with data symbols
# the same size as the system library's.
set -u
build=$(cd "${1:?usage: exports.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
want=${ACCEL_SHARED:-$top/../shared}/abi/libpcap-1.10-exports.txt
lib=$build/libpcap.so.0.8
system=/usr/lib/x86_64-linux-gnu/libpcap.so.0.8
failed=0

check() {	# check NAME CONDITION-EXIT-STATUS MESSAGE
	if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1: $3"; failed=1; fi
}

have=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' |
	grep -vE '^(_init|_fini|_edata|_end|__bss_start)$' | sort -u)
extra=$(comm -13 "$want" <(echo "$have") | tr '\n' ' ')
missing=$(comm -23 "$want" <(echo "$have") | tr '\n' ' ')
[ -z "$extra$missing" ]
check exports-exact $? "missing: $missing extra: $extra"
[ "$(echo "$have" | wc -l)" -eq 96 ]
check exports-count-96 $? "$(echo "$have" | wc -l) names"

mapped=$(sed -n '/global:/,/local:/p' "$top/pcap-compat/libpcap.map" |
	grep -oE '^\s+[a-z_0-9]+;' | tr -d ' \t;' | sort)
[ "$mapped" = "$(cat "$want")" ]
check version-script-matches-list $? "pcap-compat/libpcap.map differs from $want"

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libpcap.so.0.8 ]
check soname $? "SONAME is '$soname'"

# No symbol versions: programs linked against Debian's libpcap import Base.
! readelf -V "$lib" | grep -q 'Version definition section'
check no-symbol-versions $? "the library defines symbol versions"

for sym in eproto_db pcap_version; do
	ours=$(nm -S -D --defined-only "$lib" | awk -v s="$sym" '$4 == s {print $2}')
	theirs=$(nm -S -D --defined-only "$system" | awk -v s="$sym" '$4 == s {print $2}')
	[ -n "$ours" ] && [ "$((16#$ours))" -eq "$((16#$theirs))" ]
	check "data-size-$sym" $? "size ${ours:-none} vs system $theirs"
done
exit $failed
