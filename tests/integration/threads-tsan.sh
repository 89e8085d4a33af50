#!/bin/bash
# threads-tsan.sh [-S] BUILD_DIR: several handles, one thread each, in one
# process built with the library under ThreadSanitizer (`make tsan`):
# three members of a fanout group and three bpfring handles on one
# device, packets arriving, every loop broken from the watchdog thread
# (pcap_breakloop): no data race or other report, every thread done, and
# between them they captured what was sent.  Without clang: SKIP.  -S:
# nothing to run (our library only).
. "$(dirname "$0")/lib.sh"

if [ "$system_only" -eq 1 ]; then
	skip threads-tsan "the build under ThreadSanitizer is our library"
	finish
fi
if ! make -C "$build" -s tsan >"$tmp/tsan-build.log" 2>&1; then
	if grep -q 'clang' "$tmp/tsan-build.log" || ! command -v clang >/dev/null; then
		skip threads-tsan "no clang to build it: $(tail -1 "$tmp/tsan-build.log" | cut -c1-100)"
	else
		fail threads-tsan-build "$(tail -3 "$tmp/tsan-build.log" | tr '\n' ' ' | cut -c1-200)"
	fi
	finish
fi
tsan=$build/tests/integration/probe-threads-tsan
setup_pair || { fail threads-tsan-setup "cannot make the namespaces"; finish; }

# run NAME WANT VARIABLE...: three threads on accel:$if_b, 60 frames, the
# watchdog breaking the loops after 2 s.  (setarch -R: ThreadSanitizer
# needs a memory layout without the kernel's full randomisation.)
run() {
	local name=$1 want=$2 got
	shift 2
	mkdir -p "$tmp/$name"
	ns_cmd "$ns_b" ours
	"${in_ns_cmd[@]}" "$@" TSAN_OPTIONS=halt_on_error=0 setarch -R "$tsan" \
		-o "$tmp/$name" -d 2000 "accel:$if_b" "accel:$if_b" "accel:$if_b" \
		>"$tmp/$name.stdout" 2>"$tmp/$name.stderr" &
	local pid=$!
	bg_pids+=("$pid")
	wait_for "$tmp/$name.stdout" '^ready$' "$pid" 10
	send "$ns_a" "$name" -q -d "$mac_b" -F 20 -n 60 ipv4 tcp
	wait_exit "$pid" 20
	got=$(cat "$tmp/$name"/T*.out 2>/dev/null | grep -c '^pkt ')
	if grep -q 'WARNING: ThreadSanitizer' "$tmp/$name.stderr"; then
		fail "threads-tsan-$name" "$(grep -m1 -A2 'WARNING: ThreadSanitizer' "$tmp/$name.stderr" | tr '\n' ' ' | cut -c1-240)"
	elif ! grep -q '^done$' "$tmp/$name.stdout" ||
	     [ "$(grep -c 'activate = 0' "$tmp/$name.stdout")" != 3 ]; then
		fail "threads-tsan-$name" "not every thread ran: $(tr '\n' ' ' <"$tmp/$name.stdout" | cut -c1-200)"
	elif [ "$got" -lt "$want" ]; then
		fail "threads-tsan-$name" "the threads captured $got frames (want $want or more)"
	else
		pass "threads-tsan-$name"
	fi
}

run group 60 ACCEL_GROUP=9
run bpfring 180 ACCEL_BACKEND=bpfring ACCEL_BPFRING_SIZE=1M
finish
