#!/usr/bin/env bash
# 03-hub-kill9: the hub is killed with SIGKILL twice while change sets stream in, and restarted.
# Everything the node wrote arrives, node and hub agree (I6), and nothing was applied twice:
# the hub's applied seq equals the node's head seq and its log holds exactly that many sets
# (I2, I3, I4).
. "$(dirname "$0")/lib.sh"

DOCS=400
hub_init
node_init n1 ubnd-vinh-yen
start_hub
start_node n1

mkdir -p "$TEST_DIR/files"
for ((i = 1; i <= DOCS; i += 3)); do random_file "$TEST_DIR/files/$i.bin" $((4096 + i * 97)); done

writer() {
	local i
	local -a args
	for ((i = 1; i <= DOCS; i++)); do
		args=()
		[[ -f $TEST_DIR/files/$i.bin ]] && args=(--file "$TEST_DIR/files/$i.bin")
		"$NODED" doc new -c "$(node_conf n1)" --code "HS-$i" --kind record --title "ho so $i" "${args[@]}" \
		    >/dev/null || fail "noded doc new HS-$i failed"
	done
}
background writer
wpid=$BG_PID

applied() { hub_get ubnd-vinh-yen applied_seq 2>/dev/null || echo 0; }

for round in 1 2; do
	target=$(( $(applied) + 5 ))
	wait_until "(( \$(applied) >= $target ))" 60
	_alive "$wpid" || note "warning: the writer finished before kill $round; sets may not be in flight"
	kill9 "$HUB"
	# I3: whatever the node saw acked is on the dead hub's disk.
	a0=$(node_get n1 acked_seq)
	hub_applied=$(applied)
	note "hub killed at applied $hub_applied: node head $(node_get n1 head_seq) acked $a0"
	((hub_applied >= a0)) || fail "node has seq $a0 acked but the killed hub only applied $hub_applied"
	sleep 1
	[[ $(node_get n1 acked_seq) == "$a0" ]] || fail "node's acked seq moved while the hub was dead"
	start_hub
done

wait_bg "$wpid" 180
wait_synced n1 120

head=$(node_get n1 head_seq)
[[ $(hub_get ubnd-vinh-yen applied_seq) == "$head" ]] || fail "hub applied seq differs from node head $head"
stop n1
stop "$HUB"
# With the hub stopped, count its log entries: one per applied set, none twice.
entries=$(mdb_stat -s log "$TEST_DIR/$HUB/store" | awk '/Entries:/ {print $2}')
[[ $entries == "$head" ]] || fail "hub log holds $entries sets, node head is $head"
note "hub log holds $entries sets = node head"
for f in "$TEST_DIR"/files/*.bin; do hub_blob_is "$f" || fail "hub copy of $f differs"; done
