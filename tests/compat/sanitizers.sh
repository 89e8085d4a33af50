#!/bin/bash
# sanitizers.sh BUILD_DIR: the unit tests again, in a build of their own
# made with AddressSanitizer and UndefinedBehaviorSanitizer (leaks
# included, any report fatal): each must pass and report nothing.
# test-optimize and test-bpf compare with the system libpcap through
# dlopen (not instrumented): they run too.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/acl-san.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
flags="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

if ! (cd "$tmp" && "$top/configure" -q CFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" &&
      make -s -j"$(nproc)" && make -s -j"$(nproc)" check TESTS=) >"$tmp/build.log" 2>&1; then
	echo "FAIL sanitizers-build: $(grep -m3 -iE 'error' "$tmp/build.log" | tr '\n' ' ' | cut -c1-300)"
	exit 1
fi
echo "PASS sanitizers-build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
for t in "$tmp"/tests/unit/test-*; do
	[ -x "$t" ] || continue
	name=sanitizers-$(basename "$t")
	"$t" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/out"; then
		echo "PASS $name"
	else
		echo "FAIL $name: exit $rc: $(grep -m2 -E 'ERROR|runtime error|^FAIL' "$tmp/out" | tr '\n' ' ' | cut -c1-250)"
		failed=1
	fi
done
exit $failed
