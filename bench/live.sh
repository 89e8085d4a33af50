#!/bin/bash
# bench/live.sh [-S] [BUILD_DIR] [ROUNDS] [SECONDS]: live capture, stock
# libpcap vs ours in one run.  Two network namespaces joined by a veth pair;
# bench/live-gen blasts 64-byte UDP frames out of one end for SECONDS while
# tcpdump -w /dev/null captures on the other, once on the system library and
# once on ours (LD_LIBRARY_PATH=BUILD_DIR), alternating, ROUNDS times per
# configuration.  Prints per configuration the medians and [min..max] of
# frames sent, received, captured and dropped, tcpdump's CPU time per
# captured frame, and the ours/stock ratios.
#
#   -S  "ours" is the stock library too: checks the harness (ratios ~ 1).
#
# Configurations (BENCH_CONFIGS, default "default big-buffer"):
#   default       tcpdump -i IF -w /dev/null
#   big-buffer    tcpdump -i IF -B 65536 -w /dev/null    (64 MiB ring)
#   udp           tcpdump -i IF -n -w /dev/null udp      (a kernel filter)
#   small-buffer  tcpdump -i IF -B 128 -w /dev/null      (drops: a stress test)
#   accel         ours: tcpdump -i accel:IF -w /dev/null (accel's defaults:
#                 64 MiB ring, 1 ms blocks); stock: tcpdump -i IF
#   xdp           ours: ACCEL_BACKEND=xdp tcpdump -i accel:IF -w /dev/null
#                 (AF_XDP, the XDP program native on the veth); stock:
#                 tcpdump -i IF.  Run with "accel" for our tpacket figure
#                 in the same run.
#   bpfring       ours: ACCEL_BACKEND=bpfring tcpdump -i accel:IF ...
#                 (TCX programs into a BPF ring buffer); stock: -i IF
#   group4        ours: four tcpdumps -i accel:IF with ACCEL_GROUP and
#                 ACCEL_COMPUTATION='ip >-> steer_flow' sharing the
#                 traffic (the generator sends 256 flows: -F); stock: one
#                 tcpdump -i IF; counts and CPU are the members' sums
#   group4-hash   the same group without a computation (the kernel's
#                 PACKET_FANOUT_HASH): what the steering program costs
#   bpfring-sel   both with the selective filter "tcp port 80", which
#                 none of the generator's frames match: stock's kernel
#                 filter (cBPF on the packet socket) against our TC
#                 program; the cost shows as the rate the sending core
#                 reaches (it runs the receive path)
# BENCH_SIZE=1514 is the other stress test: at ~1 Mpps of full frames
# tcpdump itself is the bottleneck and drops 20-40%.
# Environment: BENCH_SIZE (frame bytes, 64), BENCH_METHOD (live-gen -m:
# auto, xdp, mmsg), BENCH_DRAIN (seconds between the generator's end and
# SIGINT, 2: tcpdump's 1 s timeout retires the last ring block),
# BENCH_PIN ("GEN_CPU TCPDUMP_CPU", default "0 1"; "none" to let the
# scheduler place them).
#
# The generator (bench/live-gen.c) sends by BPF_PROG_RUN with live XDP
# frames, falling back to AF_PACKET sendmmsg.  Rates into a veth whose peer
# is captured by stock tcpdump (no capture in parentheses), 64-byte frames,
# generator and tcpdump pinned apart on the 2-core development VM:
#   xdp live frames          1.02-1.14 Mpps  (1.55-1.77)
#   AF_XDP TX, copy mode     0.55-0.67       (0.78-0.99)   libxdp, not kept
#   sendmmsg, qdisc bypass   0.49-0.53       (0.69-0.83)
#   PACKET_TX_RING (V2)      -               (0.53-0.71)   not kept
# The sender's CPU also runs the receiving veth's NAPI and AF_PACKET's copy
# into tcpdump's ring; that, not tcpdump, bounds the rate: at default
# settings stock tcpdump keeps up using ~8% of a core (it drops 0.1% now and
# then), so "captured" checks correctness and CPU per packet measures speed;
# small-buffer shows drops.  The VM's cores are shared: rates move by ~10%
# between runs (see -S), hence the alternation and the per-round ratios.
#
# Network: only the two namespaces, addresses from 198.18.0.0/15; both are
# deleted on exit, whatever happens.
set -eu

self=0
if [ "${1:-}" = -S ]; then
	self=1
	shift
fi
[ "${BENCH_SELF:-0}" = 1 ] && self=1
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
rounds=${2:-5}
secs=${3:-5}
size=${BENCH_SIZE:-64}
method=${BENCH_METHOD:-auto}
drain=${BENCH_DRAIN:-2}
configs=${BENCH_CONFIGS:-"default big-buffer"}
pin=${BENCH_PIN:-"0 1"}
gen=$build/bench/live-gen

# Configurations: tcpdump's options, and its filter expression.
declare -A config_opts=([default]="" [big-buffer]="-B 65536" [udp]="-n" [small-buffer]="-B 128" [accel]="" [xdp]="" [bpfring]="" [bpfring-sel]="-n" [group4]="" [group4-hash]="")
# Ours opens accel:IF in these (stock, which has no such thing, plain IF),
# with these variables, in this many processes.
declare -A config_accel=([accel]=1 [xdp]=1 [bpfring]=1 [bpfring-sel]=1 [group4]=1 [group4-hash]=1)
# (NAME=VALUE;NAME=VALUE...)
declare -A config_env=([xdp]="ACCEL_BACKEND=xdp" [bpfring]="ACCEL_BACKEND=bpfring" [bpfring-sel]="ACCEL_BACKEND=bpfring" [group4]="ACCEL_GROUP=7;ACCEL_COMPUTATION=ip >-> steer_flow" [group4-hash]="ACCEL_GROUP=7")
declare -A config_members=([group4]=4 [group4-hash]=4)
# The generator's flows (-F) in these.
declare -A config_flows=([group4]=256 [group4-hash]=256)
declare -A config_filter=([udp]="udp" [bpfring-sel]="tcp port 80")

die() {
	echo "bench/live: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
command -v tcpdump >/dev/null || die "no tcpdump"
command -v ip >/dev/null || die "no ip (iproute2)"
[ -x "$gen" ] || die "no $gen: build it first (make -C $build check TESTS=)"
for c in $configs; do
	[ -n "${config_opts[$c]+set}" ] || die "unknown configuration '$c'"
done

# Which library each side loads, checked by what tcpdump itself reports.
libline() { env "$@" tcpdump --version 2>&1 | grep -i 'libpcap version' || true; }
stock_env=(-u LD_LIBRARY_PATH)
stock_line=$(libline "${stock_env[@]}")
case $stock_line in
*accel-pcap*) die "the system tcpdump already loads accel-pcap ($stock_line): no stock library to compare with" ;;
esac
if [ $self = 1 ]; then
	ours_env=("${stock_env[@]}")
	ours_name="stock again (-S)"
else
	[ -e "$build/libpcap.so.0.8" ] || die "no $build/libpcap.so.0.8: build it first, or run with -S"
	ours_env=(LD_LIBRARY_PATH="$build")
	ours_name="ours"
fi
ours_line=$(libline "${ours_env[@]}")
if [ $self = 0 ]; then
	case $ours_line in
	*accel-pcap*) ;;
	*) die "tcpdump with LD_LIBRARY_PATH=$build does not load our library: its version line is '$ours_line'" ;;
	esac
fi

if [ "$pin" != none ] && [ "$(nproc)" -ge 2 ]; then
	read -r gen_cpu cap_cpu <<<"$pin"
	pin_gen=(taskset -c "$gen_cpu")
	pin_cap=(taskset -c "$cap_cpu")
else
	pin=none
	pin_gen=()
	pin_cap=()
fi

# --------------------------------------------------------------- network
ns_tx=lcap-tx-$$
ns_rx=lcap-rx-$$
if_tx=lctx$$
if_rx=lcrx$$
tmp=$(mktemp -d)
cap_pids=()

cleanup() {
	set +e
	[ ${#cap_pids[@]} -gt 0 ] && kill "${cap_pids[@]}" 2>/dev/null
	ip netns del "$ns_tx" 2>/dev/null
	ip netns del "$ns_rx" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in "$ns_tx" "$ns_rx"; do
	ip netns add "$ns"
	# No IPv6: no router solicitations or DAD in the counters.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
ip link add "$if_tx" netns "$ns_tx" address 02:00:c6:12:00:01 type veth \
	peer name "$if_rx" netns "$ns_rx" address 02:00:c6:12:00:02
ip -n "$ns_tx" addr add 198.18.0.1/30 dev "$if_tx"
ip -n "$ns_rx" addr add 198.18.0.2/30 dev "$if_rx"
# XDP frames cross a veth only when the receiving end runs NAPI (GRO on);
# without it the generator falls back to sendmmsg and says so.
ip netns exec "$ns_rx" "$gen" -G "$if_rx" || true
ip -n "$ns_tx" link set "$if_tx" up
ip -n "$ns_rx" link set "$if_rx" up

# counters NS IF NAME...: the interface's statistics, one per line.
counters() {
	local ns=$1 dev=$2
	shift 2
	ip netns exec "$ns" sh -c 'cd "/sys/class/net/$1/statistics" && shift && cat "$@"' \
		sh "$dev" "$@"
}

# cpu_ns PID: CPU time of every thread of PID so far, in ns.
cpu_ns() {
	local pid=$1
	if [ -r "/proc/$pid/schedstat" ]; then
		cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}'
	else
		awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1e9 / hz}' \
			"/proc/$pid/stat"
	fi
}

# tcpdump_stat FILE TEXT: N from tcpdump's "N packets TEXT" line, else -1.
tcpdump_stat() {
	awk -v t="packets $2" 'index($0, t) {print $1; f = 1} END {if (!f) print -1}' "$1"
}

# alive PID: whether PID runs (a zombie does not).
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# capture_failed WHY: ends the capture, puts WHY and tcpdump's own words in
# $tmp/fail, and returns 2.
capture_failed() {
	kill -KILL "${cap_pids[@]}" 2>/dev/null || true
	wait "${cap_pids[@]}" 2>/dev/null || true
	cap_pids=()
	{ echo "$1"; grep -hv '^$' "$tmp"/tcpdump.err.* | head -3; } >"$tmp/fail"
	return 2
}

# all_alive: every capture process runs.
all_alive() {
	local pid
	for pid in "${cap_pids[@]}"; do alive "$pid" || return 1; done
}

# cpu_sum: the capture processes' CPU time so far, in ns.
cpu_sum() {
	local pid n=0
	for pid in "${cap_pids[@]}"; do n=$((n + $(cpu_ns "$pid"))); done
	echo "$n"
}

# stat_sum TEXT: the members' "N packets TEXT" added up (-1: none said).
stat_sum() {
	local f n=0 v
	for f in "$tmp"/tcpdump.err.*; do
		v=$(tcpdump_stat "$f" "$1")
		[ "$v" -lt 0 ] && { echo -1; return; }
		n=$((n + v))
	done
	echo "$n"
}

# run_one LIB CONFIG: one capture; appends a row to $tmp/CONFIG.LIB:
#   attempted tx_packets tx_dropped rx_packets rx_dropped captured
#   received dropped cpu_ns gen_seconds
# Returns 2, with the reason in $tmp/fail, when tcpdump did not start,
# died, or did not stop on SIGINT.
run_one() {
	local lib=$1 cfg=$2 i m cpu0 cpu1 members=1 flows=()
	local -a envs opts filter tx0 rx0 tx1 rx1 extra
	if [ "$lib" = ours ]; then envs=("${ours_env[@]}"); else envs=("${stock_env[@]}"); fi
	read -ra opts <<<"${config_opts[$cfg]}"
	read -ra filter <<<"${config_filter[$cfg]:-}"
	[ -n "${config_flows[$cfg]:-}" ] && flows=(-F "${config_flows[$cfg]}")

	mapfile -t tx0 < <(counters "$ns_tx" "$if_tx" tx_packets tx_dropped)
	mapfile -t rx0 < <(counters "$ns_rx" "$if_rx" rx_packets rx_dropped)
	local dev=$if_rx
	if [ "$lib" = ours ] && [ "$self" = 0 ] && [ -n "${config_accel[$cfg]:-}" ]; then
		dev=accel:$if_rx
		members=${config_members[$cfg]:-1}
		if [ -n "${config_env[$cfg]:-}" ]; then
			IFS=';' read -ra extra <<<"${config_env[$cfg]}"
			envs+=("${extra[@]}")
		fi
	fi
	rm -f "$tmp"/tcpdump.err.*
	cap_pids=()
	for m in $(seq "$members"); do
		# ip netns exec, taskset and env all exec: $! is tcpdump.
		ip netns exec "$ns_rx" "${pin_cap[@]}" env "${envs[@]}" \
			tcpdump -i "$dev" "${opts[@]}" -w /dev/null "${filter[@]}" \
			2>"$tmp/tcpdump.err.$m" &
		cap_pids+=($!)
		for i in $(seq 50); do
			grep -q '^tcpdump: listening on' "$tmp/tcpdump.err.$m" && break
			alive "$!" || break
			sleep 0.1
		done
		grep -q '^tcpdump: listening on' "$tmp/tcpdump.err.$m" ||
			{ capture_failed "did not start capturing:"; return; }
	done
	cpu0=$(cpu_sum)
	ip netns exec "$ns_tx" "${pin_gen[@]}" "$gen" -i "$if_tx" -m "$method" \
		-s "$size" -t "$secs" "${flows[@]}" >"$tmp/gen.out" 2>"$tmp/gen.err" ||
		die "generator failed: $(cat "$tmp/gen.err")"
	sleep "$drain"
	all_alive || { capture_failed "exited during the capture:"; return; }
	cpu1=$(cpu_sum)
	kill -INT "${cap_pids[@]}"
	for i in $(seq 100); do
		local any=0 pid
		for pid in "${cap_pids[@]}"; do alive "$pid" && any=1; done
		[ "$any" = 0 ] && break
		sleep 0.1
	done
	for i in "${cap_pids[@]}"; do
		alive "$i" && { capture_failed "did not stop within 10 s of SIGINT:"; return; }
	done
	wait "${cap_pids[@]}" || true
	cap_pids=()
	mapfile -t tx1 < <(counters "$ns_tx" "$if_tx" tx_packets tx_dropped)
	mapfile -t rx1 < <(counters "$ns_rx" "$if_rx" rx_packets rx_dropped)
	if [ -s "$tmp/gen.err" ]; then
		sed 's/^/    /' "$tmp/gen.err" >&2
	fi
	sed -n 's/.*method=\([a-z]*\).*/\1/p' "$tmp/gen.out" >"$tmp/method"
	echo "$(sed -n 's/.*attempted=\([0-9]*\).*/\1/p' "$tmp/gen.out")" \
		$((tx1[0] - tx0[0])) $((tx1[1] - tx0[1])) \
		$((rx1[0] - rx0[0])) $((rx1[1] - rx0[1])) \
		"$(stat_sum captured)" \
		"$(stat_sum 'received by filter')" \
		"$(stat_sum 'dropped by kernel')" \
		$((cpu1 - cpu0)) \
		"$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$tmp/gen.out")" \
		>>"$tmp/$cfg.$lib"
	tail -1 "$tmp/$cfg.$lib" | awk '{printf "    sent %d, veth rx %d, captured %d, dropped %d, CPU %.0f ms\n",
		$2, $4, $6, $8, $9 / 1e6}' >&2
}

# ------------------------------------------------------------------ runs
load0=$(cut -d' ' -f1-3 /proc/loadavg)
ours_ok=1
for cfg in $configs; do : >"$tmp/$cfg.stock"; : >"$tmp/$cfg.ours"; done
echo "bench/live: $rounds rounds x $secs s per library and configuration," \
	"$size-byte frames, CPUs ${pin/ /+} (generator+tcpdump)" >&2
for r in $(seq "$rounds"); do
	for cfg in $configs; do
		for lib in $( [ $((r % 2)) -eq 1 ] && echo "stock ours" || echo "ours stock"); do
			[ $lib = ours ] && [ $ours_ok = 0 ] && continue
			echo "  round $r/$rounds, $cfg, $lib:" >&2
			rc=0
			run_one "$lib" "$cfg" || rc=$?
			[ $rc = 0 ] && continue
			[ "$lib" = stock ] && die "tcpdump on the stock library $(cat "$tmp/fail")"
			ours_ok=0
			ours_fail="round $r, $cfg: tcpdump on our library $(cat "$tmp/fail")"
			echo "  ours cannot capture: $ours_fail; going on with stock only" >&2
		done
	done
done

# ---------------------------------------------------------------- report
# values FILE EXPR: one value per row of FILE, EXPR over its columns a[1..10].
values() { awk "{split(\$0, a); print $2}" "$1"; }

# summary: "median [min..max]" of the numbers on stdin, FORMAT for each.
summary() {
	sort -g | awk -v f="$1" '{v[NR] = $1} END {
		if (!NR) { printf "-"; exit }
		printf f " [" f ".." f "]", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

line() { printf '| %-34s | %-32s | %-32s | %-22s |\n' "$@"; }

# Table rows: name, value per run over run_one's columns a[1..10], and
# which way the ratio goes (ours/stock, or stock/ours where less is better).
metrics=(
	"sent by generator|a[1]|o/s"
	"sent (veth tx)|a[2]|o/s"
	"dropped at veth tx|a[3]|o/s"
	"received (veth rx)|a[4]|o/s"
	"dropped at veth rx|a[5]|o/s"
	"received, kpps|sprintf(\"%.0f\", a[4] / a[10] / 1000)|o/s"
	"captured|a[6]|o/s"
	"received by filter|a[7]|o/s"
	"dropped by kernel|a[8]|o/s"
	"captured / received, %|sprintf(\"%.2f\", a[4] ? 100 * a[6] / a[4] : 0)|o/s"
	"tcpdump CPU, ms|sprintf(\"%.0f\", a[9] / 1e6)|o/s"
	"CPU ns / captured (stock/ours)|sprintf(\"%.1f\", a[6] > 0 ? a[9] / a[6] : 0)|s/o"
)

# table CONFIG: the configuration's results.  Ratios pair each round's two
# runs (they ran back to back) and summarize over rounds.
table() {
	local s=$tmp/$1.stock o=$tmp/$1.ours m name expr dir
	line metric stock "$ours_name" "ratio ours/stock"
	line "$(printf -- '-%.0s' {1..34})" "$(printf -- '-%.0s' {1..32})" \
		"$(printf -- '-%.0s' {1..32})" "$(printf -- '-%.0s' {1..22})"
	for m in "${metrics[@]}"; do
		IFS='|' read -r name expr dir <<<"$m"
		values "$s" "$expr" >"$tmp/v.s"
		values "$o" "$expr" >"$tmp/v.o"
		paste -d' ' "$tmp/v.s" "$tmp/v.o" | awk -v d="$dir" 'NF == 2 {
			x = d == "s/o" ? $1 : $2; y = d == "s/o" ? $2 : $1
			if (y > 0) print x / y }' >"$tmp/v.r"
		line "$name" "$(summary %s <"$tmp/v.s")" "$(summary %s <"$tmp/v.o")" \
			"$(summary %.3f <"$tmp/v.r")"
	done
}

# verdict CONFIG: does ours capture at least as large a share of the frames
# the interface received as stock does (medians, to 0.01%)?  The share, not
# the count, because the generator's rate varies from run to run; the count
# ratio follows, for when tcpdump rather than the sender is the bottleneck.
verdict() {
	local st ou n
	st=$(values "$tmp/$1.stock" 'a[4] ? 100 * a[6] / a[4] : 0' | summary %.2f | cut -d' ' -f1)
	ou=$(values "$tmp/$1.ours" 'a[4] ? 100 * a[6] / a[4] : 0' | summary %.2f | cut -d' ' -f1)
	n=$(paste -d' ' "$tmp/$1.stock" "$tmp/$1.ours" | awk 'NF == 20 && $6 > 0 {print $16 / $6}' | summary %.3f)
	echo
	if awk -v o="$ou" -v s="$st" 'BEGIN {exit !(o >= s - 0.005)}'; then
		printf '%s: ours captures at least as much as stock: yes' "$1"
	else
		printf '%s: ours captures at least as much as stock: NO' "$1"
	fi
	echo " ($ou% vs $st% of received frames, medians; captured ours/stock $n)"
}

echo
echo "live capture: $size-byte frames, $secs s a run, $rounds rounds, generator" \
	"method $(cat "$tmp/method" 2>/dev/null || echo ?), CPUs ${pin/ /+}," \
	"$(nproc) online; load average before/after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "stock: $stock_line"
echo "$ours_name: $ours_line"
echo "values: median [min..max] over rounds; ratio: per round (rounds pair up), median [min..max]"
for cfg in $configs; do
	echo
	echo "### $cfg: tcpdump -i ${config_accel[$cfg]:+(ours: accel:)}IF ${config_opts[$cfg]:+${config_opts[$cfg]} }-w /dev/null${config_filter[$cfg]:+ ${config_filter[$cfg]}}"
	echo
	table "$cfg"
	[ -s "$tmp/$cfg.ours" ] && verdict "$cfg"
done
if [ $ours_ok = 0 ]; then
	echo
	echo "ours: NOT MEASURED from $ours_fail" | sed '2,$s/^/    /'
fi
