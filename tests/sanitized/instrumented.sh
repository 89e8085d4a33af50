#!/bin/bash
# instrumented.sh BUILD_DIR: the sanitized run really tests an instrumented
# library: it needs the AddressSanitizer and UBSan runtimes, an
# uninstrumented tcpdump cannot load it without the runtime preloaded, and
# with the launcher first in PATH (tests/run sanitized) it can.
set -u
build=$(cd "${1:?usage: instrumented.sh BUILD_DIR}" && pwd)
lib=$build/libpcap.so.0.8
failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

deps=$(ldd "$lib" 2>&1)
if grep -q 'libasan\.so' <<<"$deps" && grep -q 'libubsan\.so' <<<"$deps"; then
	pass san-runtimes
else
	fail san-runtimes "$lib does not need libasan and libubsan"
fi

out=$(env -u LD_PRELOAD LD_LIBRARY_PATH=$build /usr/bin/tcpdump --version 2>&1)
if grep -q 'ASan runtime does not come first' <<<"$out"; then
	pass san-needs-runtime
else
	fail san-needs-runtime "tcpdump loaded it without the runtime: $(head -2 <<<"$out" | tr '\n' ' ')"
fi

launcher=$(command -v tcpdump)
out=$(LD_LIBRARY_PATH=$build tcpdump --version 2>&1)
if [ "$launcher" = "$build/tests/sanitized/bin/tcpdump" ] &&
   grep -q accel-pcap <<<"$out"; then
	pass san-launcher
else
	fail san-launcher "tcpdump is $launcher and says: $(head -2 <<<"$out" | tr '\n' ' ')"
fi
exit $failed
