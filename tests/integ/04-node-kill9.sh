#!/usr/bin/env bash
# 04-node-kill9: a node is killed with SIGKILL again and again while it sends, including in the
# middle of a 30 MB file; after a final restart everything arrives, the file's bytes at the hub
# are the source's (I7), and node and hub agree (I6).
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-noi-vu
start_hub
start_node n1
put n1 QT-00 >/dev/null
wait_synced n1 30
stop n1

mkdir -p "$TEST_DIR/files"
big=""          # the 30 MB file currently being sent
nbig=0
midsend=0       # kills that left sets unacked
midblob=0       # kills that left the hub with part of a file
last_have=0     # bytes of big the hub held after the previous kill
delay=0.08      # seconds between start and kill, adapted to catch the file in transit
for ((cycle = 1; cycle <= 14; cycle++)); do
	if [[ -z $big || $(hub_blob_have "$(sha256 "$big")") == *" 1" ]]; then
		nbig=$((nbig + 1))
		big=$TEST_DIR/files/big-$nbig.bin
		random_file "$big" $((30 * 1024 * 1024 + nbig))
		put n1 "BIG-$nbig" --file "$big" >/dev/null
		last_have=0
	fi
	for i in 1 2 3; do put n1 "C$cycle-$i" >/dev/null; done
	_spawn n1 "$NODED" run "${RUN_OPTS[@]}" -c "$(node_conf n1)"
	sleep "$delay"
	daemon_running n1 || fail "noded died on its own in cycle $cycle"
	kill9 n1
	head=$(node_get n1 head_seq)
	acked=$(node_get n1 acked_seq)
	have=$(hub_blob_have "$(sha256 "$big")")
	note "cycle $cycle: killed after ${delay}s: node head $head acked $acked; hub has of big-$nbig: $have"
	((acked < head)) && midsend=$((midsend + 1))
	h=0 s=1 c=0
	[[ $have == none ]] || read -r h s c <<<"$have"
	# A transfer resumes where it stopped: what the hub holds never shrinks.
	((h >= last_have || c == 1)) || fail "hub held $last_have bytes of big-$nbig, now $h: the transfer restarted"
	last_have=$h
	if ((c == 1)); then
		delay=$("$PY" -c "print(round(max(0.01, $delay * 0.6), 3))")
	elif ((h == 0)); then
		delay=$("$PY" -c "print(round($delay * 1.7, 3))")
	else
		midblob=$((midblob + 1))
	fi
	((midblob >= 3 && cycle >= 4)) && break
done
note "$cycle kills: $midsend with sets unacked, $midblob in the middle of a file"
((midsend >= 1)) || fail "no kill happened while sets were unacked"
((midblob >= 1)) || fail "no kill caught a file half-sent: cannot test resumption (see notes above)"

start_node n1
wait_synced n1 180
for f in "$TEST_DIR"/files/*.bin; do
	hub_blob_is "$f" || fail "hub copy of $(basename "$f") differs from the source"
	[[ $(hub_blob_have "$(sha256 "$f")") == "$(stat -c %s "$f") $(stat -c %s "$f") 1" ]] ||
	    fail "hub blob meta of $(basename "$f"): $(hub_blob_have "$(sha256 "$f")")"
done
note "$nbig files of 30 MB byte-identical at the hub"
stop n1
stop "$HUB"
