#!/bin/bash
# tests/compat/libpcap-filter-tests.sh BUILD_DIR: libpcap's own filter
# test tables (${ACCEL_SHARED:-/work/shared}/libpcap-tests, see its
# README) run differentially: every expression of filter-accept.jsonl and
# filter-reject.jsonl compiled by the system libpcap 1.10.3 and by ours,
# optimized and not, must give the same outcome, the same error text and,
# where our packet corpus has packets of that link type, the same
# verdicts; every apply block of filter-apply.jsonl must give the same
# verdicts on its capture (compiled on the capture's handle).  The
# expectations recorded there are master's, not 1.10.3's, so the system
# library is the reference.  Rows that need the *.libpcap.test names
# (NEEDS-FIXTURE) run in a private mount namespace whose /etc is a copy
# with the fixture lines added, when we are root; otherwise they are
# SKIP lines.  Uses filter-diff.sh; its PASS/FAIL lines come out as they
# are.  -S: the system library on both sides (checks the harness).
# Exits non-zero on any difference.
set -u
self=()
[ "${1:-}" = -S ] && { self=(-S); shift; }
build=$(cd "${1:?usage: libpcap-filter-tests.sh [-S] BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
data=${ACCEL_SHARED:-/work/shared}/libpcap-tests
probe=$build/tests/compat/probe-filter
diff_sh=$here/filter-diff.sh
failed=0

for f in filter-accept.jsonl filter-reject.jsonl filter-apply.jsonl name-fixtures.json; do
	if [ ! -r "$data/$f" ]; then
		echo "FAIL libpcap-filter-tests: $data/$f missing"
		exit 1
	fi
done
if [ ! -x "$probe" ] || [ ! -e "$build/libpcap.so.0.8" ]; then
	echo "FAIL libpcap-filter-tests: $probe or $build/libpcap.so.0.8 missing"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Link type of each apply capture (as the system library reads it), and
# which DLT names of the tables libpcap 1.10.3 knows (newer ones it does
# not: their rows cannot be compiled through the API and are skipped).
"$probe" -L "$data"/savefiles/filter/* >"$tmp/savefile-dlts"
python3 -c 'import json, sys
names = set()
for f in sys.argv[1:]:
    for l in open(f):
        r = json.loads(l)
        if "DLT" in r: names.add(r["DLT"])
print("\n".join(sorted(names)))' "$data/filter-accept.jsonl" "$data/filter-reject.jsonl" |
	while read -r name; do
		if "$probe" -D "$name" >/dev/null 2>&1; then
			printf '%s\t%s\n' "$name" "$name"
		else	# a number libpcap knows under no name: from its dlt.h
			printf '%s\t%s\n' "$name" "$(awk -v n="DLT_$name" \
				'$1 == "#define" && $2 == n { v = $3; c++ }
				 END { print c == 1 && v ~ /^[0-9]+$/ ? v : "-" }' \
				/usr/include/pcap/dlt.h 2>/dev/null)"
		fi
	done >"$tmp/dlt-names"

# The tables as corpora (tests/compat/filters/README format):
#   plain/*.txt      accept and reject rows, one file per table
#   fixture/*.txt    the rows needing the fixture names
#   offline-*/       rows compiled for a savefile of host/opposite byte
#                    order
#   apply[-fixture]/NAME.txt   apply blocks of capture NAME
python3 - "$data" "$tmp" <<'EOF'
import json, os, sys
data, tmp = sys.argv[1], sys.argv[2]
dlt_of = {}
for line in open(os.path.join(tmp, "savefile-dlts")):
    f = line.rstrip("\n").split("\t")
    dlt_of[os.path.basename(f[0])] = f[1]
corpora = {}          # path -> list of lines
skips = []
known = {}           # DLT name -> what @dlt can say (number if no name)
for line in open(os.path.join(tmp, "dlt-names")):
    name, spelling = (line.rstrip("\n").split("\t") + ["-"])[:2]
    if spelling not in ("", "-"):
        known[name] = spelling
unknown_rows = {}

def usable(r, table):
    if r["DLT"] in known:
        r["DLT"] = known[r["DLT"]]
        return True
    unknown_rows[(table, r["DLT"])] = unknown_rows.get((table, r["DLT"]), 0) + 1
    return False

def expr_line(e):
    e = " ".join(e.split())   # tabs/newlines are blanks to the lexer
    return e if e else "@empty"

def add(path, dlt, snaplen, netmask, exprs):
    lines = corpora.setdefault(path, [])
    lines.append("@dlt %s" % dlt)
    lines.append("@expect any")
    if snaplen:
        lines.append("@snaplen %d" % snaplen)
    if netmask:
        lines.append("@netmask %s" % netmask)
    lines.extend(expr_line(e) for e in exprs)

def kind_dir(row):
    return "fixture" if str(row.get("skip", "")).startswith("NEEDS-FIXTURE") else "plain"

for line in open(os.path.join(data, "filter-accept.jsonl")):
    r = json.loads(line)
    if not usable(r, "accept"):
        continue
    if r.get("linuxext"):
        skips.append("accept %s: Linux BPF extensions (linuxext) are not "
                     "reachable through the public API; compiled without them" % r["name"])
    gof = r.get("generate_offline_filter")
    if gof:
        d = os.path.join(tmp, "offline-" + gof)
        add(os.path.join(d, "accept-offline-%s.txt" % gof), r["DLT"],
            r.get("snaplen"), r.get("netmask"), r["aliases"])
        continue
    add(os.path.join(tmp, kind_dir(r), "accept.txt"), r["DLT"],
        r.get("snaplen"), r.get("netmask"), r["aliases"])

for line in open(os.path.join(data, "filter-reject.jsonl")):
    r = json.loads(line)
    if "savefile" in r:
        continue          # open failures: compared below
    if not usable(r, "reject"):
        continue
    add(os.path.join(tmp, kind_dir(r), "reject.txt"), r["DLT"], None,
        r.get("netmask"), [r["expr"]])

for line in open(os.path.join(data, "filter-apply.jsonl")):
    r = json.loads(line)
    sub = "apply-fixture" if kind_dir(r) == "fixture" else "apply"
    name = r["savefile"]
    add(os.path.join(tmp, sub, name + ".txt"), dlt_of[name], None,
        r.get("netmask"), [r["expr"]])

for path, lines in corpora.items():
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")

for (table, dlt), n in sorted(unknown_rows.items()):
    skips.append("%s DLT_%s (%d rows): a link type libpcap 1.10.3 does "
                 "not know by name or number" % (table, dlt, n))
with open(os.path.join(tmp, "skips"), "w") as fh:
    fh.write("\n".join(skips) + ("\n" if skips else ""))
EOF
[ $? -eq 0 ] || { echo "FAIL libpcap-filter-tests: reading the tables"; exit 1; }
sed 's/^/SKIP /' "$tmp/skips"

# run_diff ARGS...: filter-diff.sh, its failure noted.
run_diff() {
	"$diff_sh" "${self[@]}" "$@" | grep -v '^filter-diff: '
	[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
}

# The plain rows: compile outcome everywhere, verdicts on our packets.
run_diff -v opt,unopt "$build" "$tmp"/plain/*.txt
# Compiled for savefiles of either byte order.
# Compiled for savefiles of either byte order (the generated NULL, LOOP
# and PFLOG captures, written in host and in the other byte order).
mkdir "$tmp/pk"
python3 "$here/gen-packets.py" "$tmp/pk" || { echo "FAIL libpcap-filter-tests: gen-packets.py"; exit 1; }
for kind in unswapped swapped; do
	pcaps=()
	for name in NULL LOOP PFLOG; do
		if [ $kind = swapped ]; then
			pcaps+=(-p "$tmp/pk/$name.swapped.pcap")
		else
			pcaps+=(-p "$tmp/pk/$name.pcap")
		fi
	done
	run_diff -v savefile,savefile-unopt "${pcaps[@]}" "$build" "$tmp/offline-$kind"/*.txt
done
# Apply blocks: each on its own capture.
for c in "$tmp"/apply/*.txt; do
	run_diff -v savefile,savefile-unopt -p "$data/savefiles/filter/$(basename "$c" .txt)" \
		"$build" "$c"
done

# Captures that must fail to open: the same error from both libraries.
open_files=()
while IFS= read -r f; do open_files+=("$data/savefiles/$f"); done < <(
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "savefile" in r: print(r["savefile"])' "$data/filter-reject.jsonl")
if [ ${#open_files[@]} -gt 0 ]; then
	"$probe" -L "${open_files[@]}" >"$tmp/open.sys"
	if [ ${#self[@]} -gt 0 ]; then
		"$probe" -L "${open_files[@]}" >"$tmp/open.ours"
	else
		LD_LIBRARY_PATH=$build "$probe" -L "${open_files[@]}" >"$tmp/open.ours"
	fi
	if cmp -s "$tmp/open.sys" "$tmp/open.ours"; then
		echo "PASS reject-savefiles (${#open_files[@]} captures: same open outcome and error)"
	else
		echo "FAIL reject-savefiles:"
		diff "$tmp/open.sys" "$tmp/open.ours" | sed 's/^/    /' | head -20
		failed=1
	fi
fi

# Rows needing the fixture names: in a private mount namespace over a
# copy of /etc with the fixture lines added (nothing is written in /etc).
fixture_corpora=("$tmp"/fixture/*.txt "$tmp"/apply-fixture/*.txt)
n_fixture=$(cat "${fixture_corpora[@]}" 2>/dev/null | grep -vc '^@')
if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP fixture rows ($n_fixture expressions): need root and unshare -m" \
		"to add name-fixtures.json to a private /etc"
else
	mkdir "$tmp/etc"
	cp -a /etc/. "$tmp/etc/" 2>/dev/null
	python3 - "$data/name-fixtures.json" "$tmp/etc" <<'EOF'
import json, os, sys
fix = json.load(open(sys.argv[1]))
for name in ("hosts", "ethers", "networks"):
    with open(os.path.join(sys.argv[2], name), "a") as fh:
        fh.write("\n" + "\n".join(fix[name]) + "\n")
EOF
	cat >"$tmp/in-namespace.sh" <<EOF
mount --bind "$tmp/etc" /etc || { echo "FAIL fixture: bind mount of /etc"; exit 1; }
rc=0
"$diff_sh" ${self[*]} -v opt,unopt "$build" "$tmp"/fixture/*.txt | grep -v '^filter-diff: '
[ "\${PIPESTATUS[0]}" -eq 0 ] || rc=1
for c in "$tmp"/apply-fixture/*.txt; do
	[ -e "\$c" ] || continue
	"$diff_sh" ${self[*]} -v savefile,savefile-unopt \
		-p "$data/savefiles/filter/\$(basename "\$c" .txt)" "$build" "\$c" |
		grep -v '^filter-diff: '
	[ "\${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
exit \$rc
EOF
	unshare -m bash "$tmp/in-namespace.sh" | sed 's/^\(PASS\|FAIL\) /\1 fixture: /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
fi
exit $failed
