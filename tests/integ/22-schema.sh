#!/usr/bin/env bash
# 22-schema: the store's layout version, end to end through the command line. A store newer
# than the program is refused by every verb and by both daemons with a clear message, and
# left as it was. A store made before versions were kept (schema 0: no "schema" in meta,
# made here by dumping a real store and loading it back without that key) is refused by
# read-only verbs, upgraded in place when the daemon starts, and carries on: same head, same
# hash, and the chain goes on to agreement with the hub (whose store is upgraded too).
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-gd-dt
start_hub
start_node n1
for i in 1 2 3; do put n1 "QT-0$i" >/dev/null; done
wait_synced n1 30
stop n1
stop "$HUB"
head=$(node_get n1 head_seq) hash=$(node_get n1 head_hash)

# rewrite_store DIR MODE: dump every table of the LMDB store in DIR, change meta's "schema"
# (MODE drop: remove it; a number: set it), load it into a fresh store and put that in DIR.
rewrite_store() {
	local dir=$1 mode=$2
	mdb_dump -a "$dir" >"$TEST_DIR/dump" || fail "mdb_dump $dir"
	"$PY" - "$TEST_DIR/dump" "$mode" >"$TEST_DIR/dump2" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
mode, out, db, i = sys.argv[2], [], None, 0
schema = " " + b"schema".hex()
while i < len(lines):
    l = lines[i]
    if l.startswith("database="):
        db = l[len("database="):]
    if db == "meta" and l == schema:
        if mode != "drop":
            out += [l, " %016x" % int(mode)]
        i += 2
        continue
    out.append(l)
    i += 1
print("\n".join(out), end="")
EOF
	rm -rf "$dir.new"
	mkdir -m 0700 "$dir.new"
	mdb_load -f "$TEST_DIR/dump2" "$dir.new" 2>/dev/null || fail "mdb_load into $dir.new"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
}
schema_in() {   # DIR: meta's "schema" value in hex, empty when absent
	mdb_dump -s meta "$1" | grep -A1 '^ 736368656d61$' | tail -n +2 | tr -d ' '
}

# --- a newer store: refused everywhere, untouched ------------------------------------------
cp -r "$(node_store n1)" "$TEST_DIR/n1-store.orig"
rewrite_store "$(node_store n1)" 99
NEWER="store schema 99 is newer than this program's \([0-9]+\): use a newer binary"
must_fail "$NEWER" "$NODED" status -c "$(node_conf n1)"
must_fail "$NEWER" "$NODED" run -n -c "$(node_conf n1)"
must_fail "$NEWER" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$(node_conf n1)"
must_fail "$NEWER" "$NODED" doc new -c "$(node_conf n1)" --code QT-09 --title t --kind form
must_fail "$NEWER" "$NODED" backup -c "$(node_conf n1)" "$TEST_DIR/bk"
[[ $(schema_in "$(node_store n1)") == 0000000000000063 ]] || fail "a refused open changed the schema"
cp -r "$TEST_DIR/$HUB/store" "$TEST_DIR/hub-store.orig"
rewrite_store "$TEST_DIR/$HUB/store" 99
must_fail "$NEWER" "$HUBD" status -c "$(hub_conf)"
must_fail "$NEWER" timeout 20 "$HUBD" run "${RUN_OPTS[@]}" -c "$(hub_conf)"
must_fail "$NEWER" "$HUBD" enroll -c "$(hub_conf)" so-moi "$(printf '%064d' 1)" "$(printf '%064d' 2)"

# --- schema 0: refused read-only, upgraded in place by the daemon --------------------------
rm -rf "$(node_store n1)" "$TEST_DIR/$HUB/store"
cp -r "$TEST_DIR/n1-store.orig" "$(node_store n1)"
cp -r "$TEST_DIR/hub-store.orig" "$TEST_DIR/$HUB/store"
rewrite_store "$(node_store n1)" drop
rewrite_store "$TEST_DIR/$HUB/store" drop
[[ -z $(schema_in "$(node_store n1)") ]] || fail "the synthetic store still has a schema"
OLDER="store schema 0 is older than this program's \([0-9]+\): start the daemon"
must_fail "$OLDER" "$NODED" status -c "$(node_conf n1)"
must_fail "$OLDER" "$NODED" run -n -c "$(node_conf n1)"
must_fail "$OLDER" "$HUBD" status -c "$(hub_conf)"

start_hub
start_node n1
log_has "$HUB" "store upgraded from schema 0 to [0-9]+" || fail "hubd did not say it upgraded"
log_has n1 "store upgraded from schema 0 to [0-9]+" || fail "noded did not say it upgraded"
[[ $(node_get n1 head_seq) == "$head" && $(node_get n1 head_hash) == "$hash" ]] ||
    fail "the upgrade changed the node's head"
wait_synced n1 30
put n1 QT-04 >/dev/null
wait_synced n1 30
[[ $(node_get n1 head_seq) -gt $head ]] || fail "no new change set after the upgrade"
[[ -n $(schema_in "$(node_store n1)") ]] || fail "the upgrade did not record the schema"
stop n1
stop "$HUB"
"$NODED" status -c "$(node_conf n1)" >/dev/null || fail "noded status refuses the upgraded store"
