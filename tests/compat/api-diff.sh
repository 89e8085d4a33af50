#!/bin/bash
# api-diff.sh BUILD_DIR: the handle-level API (status strings, pcap_init,
# dead and created handles, read-loop conventions) answers the same on our
# library as on the system libpcap.  One PASS/FAIL line per scenario.
set -u
build=$(cd "${1:?usage: api-diff.sh BUILD_DIR}" && pwd)
probe=$build/tests/compat/probe-api
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# compare NAME ARGS...: run the probe on both libraries, diff the outputs.
compare() {
	local name=$1
	shift
	mkdir -p "$tmp/sys" "$tmp/ours"
	(cd "$tmp/sys" && "$probe" "$@" >"$tmp/sys.out" 2>&1)
	echo "exit $?" >>"$tmp/sys.out"
	(cd "$tmp/ours" && LD_LIBRARY_PATH=$build "$probe" "$@" >"$tmp/ours.out" 2>&1)
	echo "exit $?" >>"$tmp/ours.out"
	if diff -u "$tmp/sys.out" "$tmp/ours.out" >"$tmp/diff"; then
		echo "PASS api-$name"
	else
		echo "FAIL api-$name: output differs from libpcap:"
		head -20 "$tmp/diff" | sed 's/^/    /'
		failed=1
	fi
}

compare status status
compare init-local init 0
compare init-utf8 init 1
compare init-same init 1 1
compare init-mixed init 0 1
compare init-mixed2 init 1 0
compare init-unknown init 2
compare dead dead
compare created created
compare loops loops "$tmp"
exit $failed
