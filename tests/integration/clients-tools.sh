#!/bin/bash
# clients-tools.sh [-S] BUILD_DIR: unmodified Debian programs built on
# libpcap, each run on our library (LD_LIBRARY_PATH for some, LD_PRELOAD
# for others; accel: devices and plain ones) against traffic between the
# test's namespaces, each output checked for what that traffic must give:
#   ngrep      the 3 datagrams carrying a marker, not the other 2
#   tcpflow    a TCP exchange reassembled: both directions' bytes
#   tcpreplay  a savefile replayed (read by our pcap_open_offline): the
#              system libpcap sees its 6 frames, byte for byte
#   nmap       a SYN scan (replies read through libpcap): 7007 open, 7008
#              closed
#   scapy      sniff() with conf.use_pcap: 3 datagrams, and the library it
#              loaded is ours (pcap_lib_version)
#   p0f        the TCP client's SYN seen and fingerprinted
#   softflowd  NetFlow v9 of the traffic, decoded by a collector here: the
#              flows 198.18.0.1 -> 198.18.0.2 and their packets
#   pmacctd    the print plugin's per-host-pair counters
# Each run also shows it loaded our library (LD_DEBUG=libs, or the
# mapping of the running process).  A program Debian does not ship here
# is a SKIP with the reason.  -S: all on the system libpcap (the accel
# devices then fall back to plain ones), which proves the scenarios.
. "$(dirname "$0")/lib.sh"

setup_pair || { fail clients-tools-setup "cannot make the namespaces"; finish; }
ip -n "$ns_a" addr add 198.18.0.1/30 dev "$if_a"
ip -n "$ns_b" addr add 198.18.0.2/30 dev "$if_b"
ours_real=$(readlink -f "$ours_lib")
client_deadline=20

# dev PLAIN: accel:PLAIN on ours, PLAIN with -S.
dev() {
	if [ "$system_only" -eq 1 ]; then echo "$1"; else echo "accel:$1"; fi
}

# how MODE: the environment words for our library: path or preload.
how() {
	if [ "$system_only" -eq 1 ]; then
		echo "LD_DEBUG=libs"
	elif [ "$1" = path ]; then
		echo "LD_DEBUG=libs LD_LIBRARY_PATH=$build"
	else
		echo "LD_DEBUG=libs LD_PRELOAD=$preload_runtime$ours_real"
	fi
}

# loaded TAG: the run's dynamic-loader log says it initialised our
# library (with -S: the system's).
loaded() {
	local want=$ours_real f
	[ "$system_only" -eq 1 ] && want=$sys_lib
	for f in $(sed -n 's/.*calling init: \(.*libpcap[^ ]*\)$/\1/p' \
		   "$tmp/$1.stderr" | sort -u); do
		[ "$(readlink -f "$f")" = "$want" ] && return 0
	done
	echo "it did not load $want"
	return 1
}

# have PROGRAM: installed, else a SKIP line for NAME.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	skip "clients-tools-$2" "$1 is not installed (Debian package $3)"
	return 1
}

# verdict NAME TAG WHY: PASS when WHY is empty and the library was ours.
verdict() {
	local why=$3
	[ -z "$why" ] && why=$(loaded "$2")
	if [ -z "$why" ]; then pass "$1"; else fail "$1" "$why ($(client_why "$2"))"; fi
}

udp_to_b() {	# udp_to_b TEXT...: one datagram each to 198.18.0.2:9
	local t
	for t in "$@"; do
		ip netns exec "$ns_a" bash -c "echo $t >/dev/udp/198.18.0.2/9"
	done
}

# tcp_server PORT: in $ns_b, answers one connection with what it got,
# reversed ($server_pid).
tcp_server() {
	ip netns exec "$ns_b" python3 -c '
import socket, sys
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("198.18.0.2", int(sys.argv[1]))); t.listen(1)
print("listening", flush=True)
c, _ = t.accept(); data = b""
while not data.endswith(b"END"):
    b = c.recv(4096)
    if not b: break
    data += b
c.sendall(data[::-1]); c.close()' "$1" >"$tmp/server.$1" 2>&1 &
	server_pid=$!
	bg_pids+=("$server_pid")
	wait_for "$tmp/server.$1" '^listening' "$server_pid"
}

tcp_client() {	# tcp_client PORT TEXT: from $ns_a, TEXT then END
	ip netns exec "$ns_a" timeout 5 python3 -c '
import socket, sys
s = socket.create_connection(("198.18.0.2", int(sys.argv[1])), timeout=3)
s.sendall(sys.argv[2].encode() + b"END"); print(s.recv(4096).decode())' \
		"$1" "$2" >"$tmp/client.$1" 2>&1
}

# ---- ngrep ------------------------------------------------------------
if have ngrep ngrep ngrep; then
	# shellcheck disable=SC2046
	start_client ngrep ours "$ns_b" $(how path) -- \
		ngrep -q -l -W byline -n 3 -d "$(dev "$if_b")" aclmark udp
	sleep 1.5
	udp_to_b aclmark-1 other-1 aclmark-2 other-2 aclmark-3
	wait_exit "$client_pid" 10
	echo "$exit_status" >"$tmp/ngrep.rc"
	got=$(grep -c '^U 198.18.0.1:[0-9]* -> 198.18.0.2:9' "$tmp/ngrep.stdout")
	why=''
	if [ "$got" != 3 ] || grep -q other "$tmp/ngrep.stdout"; then
		why="matched $got datagrams (want the 3 marked ones)"
	fi
	verdict clients-tools-ngrep ngrep "$why"
fi

# ---- tcpflow ------------------------------------------------------------
if have tcpflow tcpflow tcpflow; then
	mkdir -p "$tmp/flows"
	# shellcheck disable=SC2046
	start_client tcpflow ours "$ns_b" $(how preload) -- \
		tcpflow -i "$if_b" -o "$tmp/flows" port 7001
	sleep 1.5
	tcp_server 7001
	tcp_client 7001 reassemble-me
	sleep 0.5
	kill -TERM "$client_pid" 2>/dev/null
	wait_exit "$client_pid" 5
	echo "$exit_status" >"$tmp/tcpflow.rc"
	why=''
	grep -rqs 'reassemble-meEND' "$tmp/flows" ||
		why="no file holds the client's bytes"
	[ -z "$why" ] && ! grep -rqs 'DNEem-elbmessaer' "$tmp/flows" &&
		why="no file holds the server's bytes"
	verdict clients-tools-tcpflow tcpflow "$why"
fi

# ---- tcpreplay --------------------------------------------------------------
if have tcpreplay tcpreplay tcpreplay; then
	send "$ns_a" replay.frames -x -d "$mac_b" -n 6 ipv4 tcp arp
	python3 - "$tmp/replay.frames.sent" "$tmp/replay.pcap" <<'EOF'
import struct, sys
frames = [bytes.fromhex(l.split()[3]) for l in open(sys.argv[1]) if l.startswith("frame ")]
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
EOF
	start_probe sys-replayed sys "$ns_b" -I 1500 -D in "$if_b"
	wait_ready sys-replayed
	# shellcheck disable=SC2046
	run_client tcpreplay ours "$ns_a" $(how path) -- \
		tcpreplay -q -t -i "$if_a" "$tmp/replay.pcap"
	wait_probe
	why=$(frames_equal sys replayed "$tmp/replay.frames.sent")
	verdict clients-tools-tcpreplay tcpreplay "$why"
fi

# ---- nmap ---------------------------------------------------------------------
if have nmap nmap nmap; then
	tcp_server 7007
	# shellcheck disable=SC2046
	run_client nmap ours "$ns_a" $(how preload) -- \
		nmap -n -Pn -sS -p 7007,7008 --max-retries 2 -e "$if_a" 198.18.0.2
	why=''
	grep -q '^7007/tcp open' "$tmp/nmap.stdout" ||
		why="7007 not seen open: $(grep -E '^70|Nmap done' "$tmp/nmap.stdout" | tr '\n' ' ')"
	[ -z "$why" ] && ! grep -q '^7008/tcp closed' "$tmp/nmap.stdout" &&
		why="7008 not seen closed"
	kill "$server_pid" 2>/dev/null
	verdict clients-tools-nmap nmap "$why"
fi

# ---- scapy -----------------------------------------------------------------------
# Debian's python3 (python3-scapy is installed for it), whatever is first
# on PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ "$sanitized" -eq 1 ]; then
	# Python would need the sanitizer runtime preloaded, and then reports
	# its own leaks at exit.
	skip clients-tools-scapy "not with a sanitized build"
elif "$py" -c 'import scapy' 2>/dev/null; then
	# shellcheck disable=SC2046
	start_client scapy ours "$ns_b" $(how path) -- "$py" -c '
import sys
from scapy.all import conf, sniff, UDP
conf.use_pcap = True
from scapy.libs.winpcapy import pcap_lib_version
print("lib", pcap_lib_version().decode(), flush=True)
pk = sniff(iface=sys.argv[1], count=3, timeout=8, filter="udp port 9")
for p in pk:
    print("pkt", p[UDP].dport, bytes(p[UDP].payload).strip().decode())' "$if_b"
	sleep 3
	udp_to_b scapy-1 scapy-2 scapy-3
	wait_exit "$client_pid" 12
	echo "$exit_status" >"$tmp/scapy.rc"
	why=''
	[ "$(grep -c '^pkt 9 scapy-' "$tmp/scapy.stdout")" = 3 ] ||
		why="sniffed: $(grep '^pkt' "$tmp/scapy.stdout" | tr '\n' ' ')"
	if [ -z "$why" ] && [ "$system_only" -eq 0 ] &&
	   ! grep -q '^lib .*accel-pcap' "$tmp/scapy.stdout"; then
		why="scapy's libpcap: $(grep '^lib' "$tmp/scapy.stdout")"
	fi
	verdict clients-tools-scapy scapy "$why"
else
	skip clients-tools-scapy "python3-scapy is not installed"
fi

# ---- p0f -----------------------------------------------------------------------------
if [ "$sanitized" -eq 1 ]; then
	# AddressSanitizer stops p0f in its own code (a memcmp past a 10-byte
	# heap block), before any capture.
	skip clients-tools-p0f "not with a sanitized build (p0f's own overflow)"
elif have p0f p0f p0f; then
	# shellcheck disable=SC2046
	start_client p0f ours "$ns_b" $(how preload) -- \
		p0f -i "$(dev "$if_b")" -o "$tmp/p0f.log" 'port 7002'
	sleep 1.5
	tcp_server 7002
	tcp_client 7002 fingerprint-me
	sleep 0.5
	kill -INT "$client_pid" 2>/dev/null
	wait_exit "$client_pid" 5
	echo "$exit_status" >"$tmp/p0f.rc"
	why=''
	grep -q 'mod=syn|cli=198.18.0.1/[0-9]*|srv=198.18.0.2/7002|subj=cli|os=' \
		"$tmp/p0f.log" 2>/dev/null ||
		why="no SYN fingerprint logged: $(head -c 200 "$tmp/p0f.log" 2>/dev/null)"
	verdict clients-tools-p0f p0f "$why"
fi

# ---- softflowd ---------------------------------------------------------------------
# softflowd opens its capture with no timeout, so (as on the system
# libpcap) packets reach it as ring blocks fill: it gets a few thousand
# frames of 4 flows, then softflowctl makes it export every flow to a
# NetFlow v9 collector on the namespace's loopback.  (softflowd reads
# "-i N:DEV" as an interface index: it gets the plain device.)
if have softflowd softflowd softflowd && have softflowctl softflowd softflowd; then
	ip netns exec "$ns_b" ip link set lo up
	ip netns exec "$ns_b" python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 2055))
s.settimeout(6); templates = {}
print("listening", flush=True)
try:
    while True:
        d, _ = s.recvfrom(65536)
        if struct.unpack("!H", d[:2])[0] != 9: continue
        at = 20
        while at + 4 <= len(d):
            fid, ln = struct.unpack("!HH", d[at:at + 4])
            body = d[at + 4:at + ln]
            if ln < 4: break
            if fid == 0:
                b = 0
                while b + 4 <= len(body):
                    tid, n = struct.unpack("!HH", body[b:b + 4]); b += 4
                    fields = [struct.unpack("!HH", body[b + 4 * i:b + 4 * i + 4]) for i in range(n)]
                    b += 4 * n; templates[tid] = fields
            elif fid in templates:
                size = sum(l for _, l in templates[fid]); b = 0
                while b + size <= len(body):
                    rec = {}
                    for t, l in templates[fid]:
                        rec[t] = body[b:b + l]; b += l
                    if 8 in rec and 12 in rec and 2 in rec:
                        print("flow", socket.inet_ntoa(rec[8]), socket.inet_ntoa(rec[12]),
                              int.from_bytes(rec[2], "big"), flush=True)
            at += ln
except socket.timeout:
    pass' >"$tmp/collector.out" 2>&1 &
	collector=$!
	bg_pids+=("$collector")
	wait_for "$tmp/collector.out" '^listening' "$collector"
	# shellcheck disable=SC2046
	start_client softflowd ours "$ns_b" $(how path) -- \
		softflowd -d -v 9 -i "$if_b" -n 127.0.0.1:2055 -c "$tmp/sf.ctl"
	sleep 1.5
	ip netns exec "$ns_a" "$build/bench/live-gen" -i "$if_a" -d "$mac_b" \
		-n 5000 -F 4 >"$tmp/flowgen.out" 2>&1
	sleep 1
	ip netns exec "$ns_b" softflowctl -c "$tmp/sf.ctl" expire-all \
		>"$tmp/softflowctl.out" 2>&1
	sleep 1
	kill -INT "$client_pid" 2>/dev/null
	wait_exit "$client_pid" 5
	echo "$exit_status" >"$tmp/softflowd.rc"
	wait_exit "$collector" 10
	pkts=$(awk '$1 == "flow" && $2 == "198.18.0.1" && $3 == "198.18.0.2" {
		n += $4 } END { print n + 0 }' "$tmp/collector.out")
	why=''
	[ "$pkts" -ge 1000 ] && [ "$pkts" -le 5000 ] ||
		why="the flows exported hold $pkts packets of the 5000 sent: $(head -c 160 "$tmp/collector.out")"
	verdict clients-tools-softflowd softflowd "$why"
fi

# ---- pmacctd ---------------------------------------------------------------------------
if have pmacctd pmacctd pmacct; then
	# shellcheck disable=SC2046
	start_client pmacctd ours "$ns_b" $(how path) -- \
		pmacctd -P print -O formatted -r 2 -c src_host,dst_host \
		-i "$(dev "$if_b")" udp port 9
	sleep 2
	udp_to_b acct-1 acct-2 acct-3 acct-4 acct-5
	sleep 3
	kill -INT "$client_pid" 2>/dev/null
	wait_exit "$client_pid" 8
	echo "$exit_status" >"$tmp/pmacctd.rc"
	why=''
	grep -qE '^198\.18\.0\.1 +198\.18\.0\.2 +5 ' "$tmp/pmacctd.stdout" ||
		why="no '198.18.0.1 198.18.0.2 5' row: $(grep -E '198|SRC' "$tmp/pmacctd.stdout" | head -3 | tr '\n' ' ')"
	verdict clients-tools-pmacctd pmacctd "$why"
fi

finish
