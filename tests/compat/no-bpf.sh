#!/bin/bash
# no-bpf.sh BUILD_DIR: the library built without libbpf and libxdp
# (configure --without-bpf, in a directory of its own) exports the same
# names, captures on lo through AF_PACKET (root), and accel devices with
# "backend = xdp" or "bpfring" fail activation saying it is not built.
set -u
build=$(cd "${1:?usage: no-bpf.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/acl-nobpf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {	# check NAME STATUS MESSAGE
	if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1: $3"; failed=1; fi
}

names() {
	nm -D --defined-only "$1" | awk '{print $3}' | sed 's/@.*//' |
		grep -vE '^(_init|_fini|_edata|_end|__bss_start)$' | sort -u
}

(cd "$tmp" && "$top/configure" --without-bpf >configure.log 2>&1 &&
	make -j"$(nproc)" libpcap.so.0.8 >make.log 2>&1)
lib=$(ls "$tmp"/libpcap.so.0.8 2>/dev/null)
if [ -z "$lib" ]; then
	check no-bpf-build 1 "the build failed: $(cat "$tmp/configure.log" "$tmp/make.log" 2>/dev/null | grep -m3 -iE 'error|cannot' | tr '\n' ' ' | cut -c1-300)"
	exit 1
fi
! nm -D "$lib" | grep -qE ' U (bpf_|xsk_|libbpf_)'
check no-bpf-build $? "$lib still imports libbpf or libxdp"
[ "$(names "$lib")" = "$(names "$build/libpcap.so.0.8")" ]
check no-bpf-exports $? "its exported names differ from the full build's"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP no-bpf-capture: needs root"
	exit "$failed"
fi
dir=$(dirname "$lib")
# AF_PACKET on lo: a datagram to a port nobody listens on, in a network
# namespace of our own.
unshare -n bash -c '
	ip link set lo up
	LD_LIBRARY_PATH=$1 timeout 10 tcpdump -n -i lo -c 1 udp port 9 \
		>"$2/lo.out" 2>"$2/lo.err" &
	for i in $(seq 50); do grep -q "listening on" "$2/lo.err" && break; sleep 0.1; done
	echo hello >/dev/udp/127.0.0.1/9
	wait
	ACCEL_BACKEND=xdp LD_LIBRARY_PATH=$1 timeout 10 tcpdump -n -i accel:lo -c 1 \
		>/dev/null 2>"$2/xdp.err"
	ACCEL_BACKEND=bpfring LD_LIBRARY_PATH=$1 timeout 10 tcpdump -n -i accel:lo \
		-c 1 >/dev/null 2>"$2/bpfring.err"
	true' sh "$dir" "$tmp"
grep -q '127.0.0.1.*> 127.0.0.1.9: UDP' "$tmp/lo.out"
check no-bpf-capture $? "tcpdump on lo: $(head -c 200 "$tmp/lo.out" "$tmp/lo.err" | tr '\n' ' ')"
grep -q 'xdp backend is not built' "$tmp/xdp.err"
check no-bpf-xdp-refused $? "backend xdp: $(head -c 200 "$tmp/xdp.err")"
grep -q 'bpfring backend is not built' "$tmp/bpfring.err"
check no-bpf-bpfring-refused $? "backend bpfring: $(head -c 200 "$tmp/bpfring.err")"
exit "$failed"
