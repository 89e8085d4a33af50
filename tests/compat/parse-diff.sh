#!/bin/bash
# parse-diff.sh BUILD_DIR: the filter lexer and parser against the system
# libpcap.  Compiles thousands of expressions (libpcap's own test
# expressions, tests/compat/parse-cases.txt, nesting at the parser's stack
# limit) with both libraries through tests/compat/probe-parse and checks
# that libpcap reports a lexer or parser error (a "can't parse filter
# expression" message, or one of the scanner's and the grammar's own)
# exactly where ours does, with the same text.  Other errors (a generator
# refusing a primitive) are not compared here, except that where ours has
# no generator yet ("not implemented yet") the case is counted as skipped.
# One PASS/FAIL line per group of expressions; a FAIL shows the first
# differing ones.
set -u
build=$(cd "${1:?usage: parse-diff.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
shared=${ACCEL_SHARED:-/work/shared}
tests=$shared/libpcap-tests
probe=$build/tests/compat/probe-parse
unset LD_LIBRARY_PATH	# the system run must load the system library

if [ ! -x "$probe" ] || [ ! -e "$build/libpcap.so.0.8" ]; then
	echo "FAIL parse-diff: $probe or $build/libpcap.so.0.8 missing"
	exit 1
fi
if ! LD_LIBRARY_PATH=$build ldd "$probe" | grep -q "$build/libpcap.so.0.8"; then
	echo "FAIL parse-diff: the probe does not load $build/libpcap.so.0.8"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Input files, one "DLT<TAB>expression" per line, one file per group.
python3 - "$tests" "$here/parse-cases.txt" "$tmp" <<'EOF' || { echo "FAIL parse-diff: cannot read the expression corpus"; exit 1; }
import json, sys
tests, cases, out = sys.argv[1:4]

def write(name, rows):
    with open(f"{out}/{name}.in", "w") as f:
        for dlt, expr in rows:
            if "\n" not in expr and "\t" not in expr:
                f.write(f"{dlt}\t{expr}\n")

def jsonl(name):
    with open(f"{tests}/{name}") as f:
        return [json.loads(line) for line in f if line.strip()]

write("accept", [(b["DLT"], a) for b in jsonl("filter-accept.jsonl")
                 for a in b.get("aliases", [])])
write("reject", [(r["DLT"], r["expr"]) for r in jsonl("filter-reject.jsonl")
                 if "expr" in r and "DLT" in r])
write("apply", [("EN10MB", r["expr"]) for r in jsonl("filter-apply.jsonl")])
with open(cases) as f:
    write("stress", [("EN10MB", l.rstrip("\n")) for l in f if l.strip()])
# libpcap's parser stack holds 10000 entries: both sides of the limit.
deep = []
for k in (9994, 9995, 9996):
    deep.append("(" * k + "1" + ")" * k + " > 0")
    deep.append("(" * k + "src host a" + ")" * k)
    deep.append("(" * k)
for k in (9996, 9997):
    deep.append("not " * k + "tcp")
    deep.append("- " * k + "1 > 0")
write("deep", [("EN10MB", e) for e in deep])
EOF

# Host names must not wait for DNS: in a private mount namespace, /etc is
# a copy that resolves from files only and knows libpcap's test names.
etc=$tmp/etc
in_ns() { unshare -m sh -c 'mount --bind "$0" /etc && exec "$@"' "$etc" "$@"; }
groups="accept reject apply stress deep"
if mkdir "$etc" && cp -a /etc/. "$etc"/ 2>/dev/null && in_ns true 2>/dev/null; then
	sed -i -E 's/^(hosts|networks):.*/\1: files/' "$etc/nsswitch.conf"
	for db in ethers hosts networks; do
		jq -r --arg db "$db" '.[$db][]' "$tests/name-fixtures.json" >>"$etc/$db"
	done
	wrap=in_ns
else
	echo "SKIP parse-diff-names: cannot bind-mount /etc in a private mount namespace (needs root); only the nesting cases run"
	groups=deep
	wrap=
fi

status=0
for group in $groups; do
	in=$tmp/$group.in
	$wrap "$probe" <"$in" >"$tmp/$group.sys" 2>"$tmp/$group.sys.err"
	LD_LIBRARY_PATH=$build $wrap "$probe" <"$in" >"$tmp/$group.ours" 2>"$tmp/$group.ours.err"
	python3 - "$group" "$in" "$tmp/$group.sys" "$tmp/$group.ours" <<'EOF' || status=1
import re, sys
group, inp, sysf, oursf = sys.argv[1:5]
parse_class = re.compile(
    r"can't parse filter expression: "
    r"|number .* (overflows 32 bits|contains non-octal digit)$"
    r"|bogus (IPv6|ethernet) address "
    r"|'(port|portrange|proto|protochain)' modifier applied to ip host$"
    r"|invalid 802\.11 (sub)?type value "
    r"|unknown 802\.11 (type|type name|subtype name \".*\"|type name \".*\"|direction)$"
    r"|unknown LLC type name "
    r"|unknown PF (reason|action) ")

def parse_error(out):
    if out.startswith("error: "):
        msg = out[len("error: "):]
        if parse_class.match(msg):
            return msg
    return None

exprs = [l.rstrip("\n").split("\t", 1)[1] for l in open(inp, encoding="latin1")]
sys_out = open(sysf, encoding="latin1").read().splitlines()
ours_out = open(oursf, encoding="latin1").read().splitlines()
name = f"parse-{group}"
if len(sys_out) != len(exprs):
    print(f"FAIL {name}: the probe answered {len(sys_out)} of {len(exprs)} on libpcap")
    sys.exit(1)
if len(ours_out) != len(exprs):
    print(f"FAIL {name}: the probe answered {len(ours_out)} of {len(exprs)} on ours "
          f"(crash after: {exprs[len(ours_out)][:80]!r})")
    sys.exit(1)
bad, compared, skipped = [], 0, 0
if group in ("stress", "deep") and not any(parse_error(s) for s in sys_out):
    print(f"FAIL {name}: libpcap reported no lexer/parser error at all (probe broken?)")
    sys.exit(1)
for e, s, o in zip(exprs, sys_out, ours_out):
    ps, po = parse_error(s), parse_error(o)
    if ps is None and po is None:
        continue
    compared += 1
    if ps == po:
        continue
    if ps is not None and "not implemented yet" in o:
        skipped += 1
        continue
    bad.append((e, s, o))
if bad:
    print(f"FAIL {name}: {len(bad)} of {len(exprs)} expressions differ in lexer/parser errors")
    for e, s, o in bad[:10]:
        shown = e if len(e) <= 100 else e[:60] + f"... ({len(e)} chars)"
        print(f"    {shown!r}\n      libpcap: {s}\n      ours:    {o}")
    sys.exit(1)
print(f"PASS {name} ({len(exprs)} expressions, {compared} with lexer/parser "
      f"errors, {skipped} skipped: generator not implemented yet)")
EOF
done
exit $status
