#!/usr/bin/env bash
# 05-hub-down: the hub is stopped while two nodes keep writing. Writes still succeed and the
# nodes show them pending; when the hub is back nothing is lost and both agree with it (I6).
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 ubnd-phuc-yen
node_init n2 so-gddt
start_hub
start_node n1
start_node n2
for n in n1 n2; do put "$n" QT-01 >/dev/null; done
for n in n1 n2; do wait_synced "$n" 30; done
acked1=$(node_get n1 acked_seq)
acked2=$(node_get n2 acked_seq)

stop "$HUB"
mkdir -p "$TEST_DIR/files"
for i in $(seq 1 30); do
	random_file "$TEST_DIR/files/f$i.bin" $((1000 + i * 3001))
	for n in n1 n2; do
		put "$n" "BM-$i" --file "$TEST_DIR/files/f$i.bin" >/dev/null
	done
done
random_file "$TEST_DIR/files/big.bin" $((5 * 1024 * 1024))
put n1 BIG --file "$TEST_DIR/files/big.bin" >/dev/null
note "31 + 30 writes returned with the hub down"

# The writes are sealed into sets that wait for the hub.
pending() { echo $(( $(node_get "$1" pending_sets) + $(node_get "$1" pending_changes) )); }
for n in n1 n2; do
	wait_until "(( \$(pending $n) > 0 )) && [[ \$(node_get $n link) != connected ]]" 30
done
wait_until "(( \$(node_get n1 pending_sets) > 0 && \$(node_get n1 pending_changes) == 0 ))" 30
[[ $(node_get n1 acked_seq) == "$acked1" && $(node_get n2 acked_seq) == "$acked2" ]] ||
    fail "acked seq moved while the hub was down"
note "hub down: n1 $(node_get n1 link), $(node_get n1 pending_sets) sets pending; n2 $(node_get n2 pending_sets) pending"

start_hub
for n in n1 n2; do wait_synced "$n" 120; done
for f in "$TEST_DIR"/files/*.bin; do hub_blob_is "$f" || fail "hub copy of $(basename "$f") differs"; done
for n in n1 n2; do
	(( $(node_get "$n" pending_sets) == 0 )) || fail "$n still has sets pending"
done
stop n1
stop n2
stop "$HUB"
