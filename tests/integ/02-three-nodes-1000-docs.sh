#!/usr/bin/env bash
# 02-three-nodes-1000-docs: a hub and three nodes; 1,000 documents written while the daemons
# run, most with a random file of 1-200 KB and three with a 21 MB file. Every file's bytes at
# the hub equal the source (I7) and every node agrees with the hub (I6).
# timeout: 600
. "$(dirname "$0")/lib.sh"

TOTAL=${EISO_DOCS:-1000}
NODES=(n1 n2 n3)
AGENCIES=(ubnd-huyen-a so-tp so-khcn-pktn)

hub_init
for i in 0 1 2; do node_init "${NODES[$i]}" "${AGENCIES[$i]}"; done
start_hub
for n in "${NODES[@]}"; do start_node "$n"; done

# Files: docs whose number is not a multiple of 10 carry a random file of 1-200 KB; the first
# doc of each node's share carries a file of 21 MB instead.
mkdir -p "$TEST_DIR/files"
"$PY" - "$TEST_DIR/files" "$TOTAL" <<'PYEOF'
import os, random, sys
d, total = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20240601)
for i in range(1, total + 1):
    if i % 10 == 0:
        continue
    with open(os.path.join(d, "QT-%04d.bin" % i), "wb") as f:
        f.write(os.urandom(rnd.randint(1024, 200 * 1024)))
PYEOF
per=$(( (TOTAL + 2) / 3 ))
for i in 0 1 2; do
	first=$((i * per + 1))
	random_file "$TEST_DIR/files/$(printf 'QT-%04d' "$first").bin" $((21 * 1024 * 1024 + i * 4099))
done
note "made $(ls "$TEST_DIR/files" | wc -l) files ($(du -sm "$TEST_DIR/files" | cut -f1) MB)"

writer() {   # NAME FIRST LAST
	local name=$1 i code f
	local -a args
	for ((i = $2; i <= $3; i++)); do
		code=$(printf 'QT-%04d' "$i")
		f=$TEST_DIR/files/$code.bin
		args=()
		[[ -f $f ]] && args=(--file "$f")
		"$NODED" doc new -c "$(node_conf "$name")" --code "$code" --title "tai lieu $i" \
		    --kind procedure --json "${args[@]}" >>"$TEST_DIR/put-$name.jsonl" ||
		    fail "noded doc new $code on $name failed"
	done
}

declare -a W
for i in 0 1 2; do
	first=$((i * per + 1))
	last=$(((i + 1) * per))
	((last <= TOTAL)) || last=$TOTAL
	background writer "${NODES[$i]}" "$first" "$last"
	W+=("$BG_PID")
done
for pid in "${W[@]}"; do wait_bg "$pid" 480; done
note "all $TOTAL writes returned"

for n in "${NODES[@]}"; do wait_synced "$n" 180; done

# What each node said it stored is the file's SHA-256 and size, and every doc was written once.
sha256sum "$TEST_DIR"/files/*.bin >"$TEST_DIR/sums"
"$PY" - "$TEST_DIR" "$TOTAL" "${NODES[@]}" <<'PYEOF'
import json, os, sys
d, total, nodes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sums = {}
for line in open(os.path.join(d, "sums")):
    h, p = line.split()
    sums[os.path.basename(p)[:-4]] = (h, os.path.getsize(p))
codes = set()
for n in nodes:
    changes = []
    for line in open(os.path.join(d, "put-%s.jsonl" % n)):
        r = json.loads(line)
        changes.append(r["updated"])
        assert r["issue"] == 1 and r["status"] == "draft", "%s: %s" % (r["code"], line)
        code = r["code"]
        assert code not in codes, "code %s written twice" % code
        codes.add(code)
        want = [sums[code]] if code in sums else []
        got = [(f["sha256"], f["size"]) for f in r["files"]]
        assert got == want, "%s on %s: node reported %s, files are %s" % (code, n, got, want)
    assert changes == sorted(changes), \
        "write times on %s go backwards: %s" % (n, changes[:20])
assert len(codes) == total, "%d documents written, expected %d" % (len(codes), total)
PYEOF
note "node-side file addresses check out"

bad=0
while read -r sha path; do
	if ! "$HUBD" blob -c "$(hub_conf)" "$sha" | cmp -s - "$path"; then
		note "hub copy differs or missing: $(basename "$path") $sha"
		bad=$((bad + 1))
	fi
done <"$TEST_DIR/sums"
((bad == 0)) || fail "$bad of $(wc -l <"$TEST_DIR/sums") files differ at the hub"
note "all $(wc -l <"$TEST_DIR/sums") files byte-identical at the hub"

# A sample of documents as the hub holds them.
for code in QT-0001 QT-0002 "$(printf 'QT-%04d' "$TOTAL")"; do
	for i in 0 1 2; do
		if "$HUBD" doc -c "$(hub_conf)" "${AGENCIES[$i]}" "$code" --json >"$TEST_DIR/doc.json" 2>/dev/null; then
			grep -q "tai lieu $((10#${code#QT-}))\"" "$TEST_DIR/doc.json" ||
			    fail "hubd doc ${AGENCIES[$i]} $code: wrong title: $(cat "$TEST_DIR/doc.json")"
			continue 2
		fi
	done
	fail "no agency holds $code at the hub"
done

for n in "${NODES[@]}"; do assert_agree "$n"; stop "$n"; done
stop "$HUB"
