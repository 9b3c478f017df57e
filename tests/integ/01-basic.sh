#!/usr/bin/env bash
# 01-basic: one hub, one node, five documents (one with a file): all acked, the node and the
# hub agree (I6), and the hub's copy of the file is byte-identical (I7).
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-khcn
start_hub
start_node n1
wait_until "[[ \$(node_get n1 link) == connected ]]" 20

random_file "$TEST_DIR/quy-trinh.pdf" 54321
for i in 1 2 3 4; do
	put n1 "QT-0$i" --kind procedure >/dev/null
done
out=$("$NODED" doc new -c "$(node_conf n1)" --code BM-01 --title "form with a file" \
    --kind form --file "$TEST_DIR/quy-trinh.pdf" --json)
note "put with file: $out"
read -r fsha fsize < <(json_get files.0.sha256 files.0.size <<<"$out" | paste -sd' ')
[[ $fsha == "$(sha256 "$TEST_DIR/quy-trinh.pdf")" ]] ||
    fail "noded doc new reported sha256 $fsha, the file's is $(sha256 "$TEST_DIR/quy-trinh.pdf")"
[[ $fsize == 54321 ]] || fail "noded doc new reported size $fsize, not 54321"

wait_synced n1 60
[[ $(node_get n1 pending_sets) == 0 ]] || fail "pending_sets not 0 after agreement"
(( $(node_get n1 last_ack) > 0 )) || fail "last_ack still 0 after acks"

hub_blob_is "$TEST_DIR/quy-trinh.pdf" || fail "hub's copy of the file differs from the source"
# A blob the hub never saw is refused with exit 1.
rc=0
"$HUBD" blob -c "$(hub_conf)" "$(printf '%064d' 0)" >/dev/null 2>&1 || rc=$?
[[ $rc == 1 ]] || fail "hubd blob of an unknown sha256 exited $rc, expected 1"

# The hub holds the document as the node wrote it.
"$HUBD" doc -c "$(hub_conf)" so-khcn BM-01 --json >"$TEST_DIR/doc.json"
grep -q "$fsha" "$TEST_DIR/doc.json" || fail "hubd doc so-khcn BM-01 lacks the file: $(cat "$TEST_DIR/doc.json")"
grep -q "form with a file" "$TEST_DIR/doc.json" || fail "hubd doc so-khcn BM-01 lacks the title"
stop n1
stop "$HUB"
