#!/bin/bash
# install.sh BUILD_DIR: packaging -- `make install` puts the library,
# libpcap.so, pcap.pc and pcap-config under the prefix; pkg-config and
# pcap-config point at it and a program built with them runs on our
# library; --with-soname=1 gives libpcap.so.1; configure refuses to run
# without <pcap/pcap.h>; `make uninstall` removes what install put there;
# `make install-system` makes it every program's libpcap (checked in a
# mount namespace of its own) and uninstall-system takes that back.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {	# check NAME STATUS MESSAGE
	if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1: $3"; failed=1; fi
}

prefix=$tmp/prefix
mkdir -p "$tmp/b1"
(cd "$tmp/b1" && "$top/configure" -q --prefix="$prefix" && make -s -j2 && make -s install) >"$tmp/b1.log" 2>&1
check install-builds $? "$(tail -3 "$tmp/b1.log")"

for f in lib/libpcap.so.0.8 lib/libpcap.so lib/pkgconfig/pcap.pc bin/pcap-config; do
	[ -e "$prefix/$f" ]
	check "installed-$(basename "$f")" $? "$prefix/$f missing"
done

cat >"$tmp/version.c" <<'EOC'
#include <pcap/pcap.h>
#include <stdio.h>
int main(void) { puts(pcap_lib_version()); return 0; }
EOC

libs=$(echo $(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --libs pcap))
[ "$libs" = "-L$prefix/lib -lpcap" ]
check pkg-config-libs $? "got '$libs'"
cc -o "$tmp/v1" "$tmp/version.c" $(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs pcap) &&
	LD_LIBRARY_PATH=$prefix/lib "$tmp/v1" | grep -q accel-pcap
check pkg-config-program-runs-ours $? "built with pkg-config flags, did not run on our library"

libs=$("$prefix/bin/pcap-config" --libs)
echo "$libs" | grep -q -- "-L$prefix/lib" && echo "$libs" | grep -q -- "-lpcap"
check pcap-config-libs $? "got '$libs'"
cc -o "$tmp/v2" "$tmp/version.c" $("$prefix/bin/pcap-config" --cflags --libs) &&
	"$tmp/v2" | grep -q accel-pcap
check pcap-config-program-runs-ours $? "built with pcap-config flags (rpath), did not run on our library"
[ "$("$prefix/bin/pcap-config" --version)" = 1.10.3 ]
check pcap-config-version $? "$("$prefix/bin/pcap-config" --version)"
"$prefix/bin/pcap-config" --bogus >/dev/null 2>&1
[ $? -eq 1 ]
check pcap-config-bad-option $? "accepted --bogus"

# The library as every program's libpcap, in a throwaway root: the
# loader entry `make install-system` writes, a loader cache made from it
# and the system's configuration (ldconfig -X: no links touched), mounted
# over /etc/ld.so.cache in a mount namespace of our own -- an unmodified
# tcpdump there runs on our library; uninstall-system removes the entry.
root=$tmp/root
(cd "$tmp/b1" && make -s install-system DESTDIR="$root") >"$tmp/sys.log" 2>&1 &&
	grep -qx "$prefix/lib" "$root/etc/ld.so.conf.d/00-accel-pcap.conf" 2>/dev/null ||
	grep -qx "$prefix/lib" "$root$prefix/etc/ld.so.conf.d/00-accel-pcap.conf"
check install-system-entry $? "no loader entry for $prefix/lib: $(tail -2 "$tmp/sys.log")"
conf=$(ls "$root"/etc/ld.so.conf.d/00-accel-pcap.conf "$root$prefix"/etc/ld.so.conf.d/00-accel-pcap.conf 2>/dev/null | head -1)
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && [ -n "$conf" ]; then
	{ echo "include $conf"; cat /etc/ld.so.conf; } >"$tmp/ld.so.conf"
	ldconfig -X -f "$tmp/ld.so.conf" -C "$tmp/ld.so.cache" 2>"$tmp/ldconfig.err"
	out=$(unshare -m sh -c 'mount --bind "$1" /etc/ld.so.cache &&
		env -u LD_LIBRARY_PATH -u LD_PRELOAD tcpdump --version 2>&1' \
		sh "$tmp/ld.so.cache")
	echo "$out" | grep -q accel-pcap
	check install-system-every-program $? "tcpdump with the new loader cache: $(echo "$out" | head -2 | tr '\n' ' ')"
	env -u LD_LIBRARY_PATH -u LD_PRELOAD tcpdump --version 2>&1 | grep -q accel-pcap
	[ $? -ne 0 ]
	check install-system-throwaway $? "the machine's own tcpdump now loads our library"
else
	echo "SKIP install-system-every-program: needs root and unshare"
fi
(cd "$tmp/b1" && make -s uninstall-system DESTDIR="$root") >/dev/null 2>&1
[ ! -e "$conf" ]
check uninstall-system $? "$conf still there"

(cd "$tmp/b1" && make -s uninstall) >/dev/null 2>&1
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ]
check uninstall-clean $? "left behind: $left"

mkdir -p "$tmp/b2"
(cd "$tmp/b2" && "$top/configure" -q --with-soname=1 && make -s -j2) >"$tmp/b2.log" 2>&1 &&
	readelf -d "$tmp/b2/libpcap.so.1" | grep -q 'Library soname: \[libpcap.so.1\]'
check soname-1 $? "no libpcap.so.1 with SONAME libpcap.so.1: $(tail -2 "$tmp/b2.log")"

mkdir -p "$tmp/b3"
out=$(cd "$tmp/b3" && ac_cv_header_pcap_pcap_h=no "$top/configure" -q 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'install the libpcap headers'
check configure-needs-pcap-h $? "configure did not refuse clearly: $out"
exit $failed
