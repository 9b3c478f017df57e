#!/usr/bin/env bash
# 20-backup-restore: hot backups while writers write, then restores as hubd(8) and noded(8)
# describe them. Hub: restored from a copy taken mid-stream, it holds exactly the heads its
# BACKUP.txt lists; the nodes resend the rest from their outboxes (files too) and every head
# agrees again (I4, I6). Node: a copy taken while it seals changes the hub has not seen comes
# back with the head and hash its BACKUP.txt names and the hub applies exactly that. A node
# restored behind what the hub already holds refuses to go on (that needs a restore from
# the hub).
# timeout: 300
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-tu-phap
node_init n2 so-xay-dung
HCONF=$(hub_conf)
start_hub
start_node n1
start_node n2

writer() {   # NAME PREFIX COUNT
	local i
	for ((i = 1; i <= $3; i++)); do put "$1" "$2-$i" >/dev/null; done
}
manifest() {   # FILE KEY: a "key: value" line of a BACKUP.txt
	sed -n "s/^$2: //p" "$1"
}
backup_head() {   # BACKUP.txt AGENCY: the applied seq the hub backup holds for it
	awk -v a="$2" '$1 == "agency" && $2 == a { print $5 }' "$1"
}

# --- hub: backup while two nodes write -------------------------------------------------------
background writer n1 QT 120
w1=$BG_PID
background writer n2 BM 120
w2=$BG_PID
wait_until "(( \$(hub_get so-tu-phap applied_seq) >= 15 && \$(hub_get so-xay-dung applied_seq) >= 15 ))" 60
"$HUBD" backup -c "$HCONF" "$TEST_DIR/hb" >"$TEST_DIR/hb.out" || fail "hubd backup failed"
note "$(cat "$TEST_DIR/hb.out")"
# Files written after the backup must come back to a restored hub as well.
random_file "$TEST_DIR/late.pdf" 300000
wait_bg "$w1" 120
wait_bg "$w2" 120
put n1 LATE-01 --file "$TEST_DIR/late.pdf" >/dev/null
wait_synced n1 60
wait_synced n2 60
final1=$(hub_get so-tu-phap applied_seq) hash1=$(hub_get so-tu-phap head_hash)
final2=$(hub_get so-xay-dung applied_seq) hash2=$(hub_get so-xay-dung head_hash)
b1=$(backup_head "$TEST_DIR/hb/BACKUP.txt" so-tu-phap)
b2=$(backup_head "$TEST_DIR/hb/BACKUP.txt" so-xay-dung)
note "backup holds so-tu-phap $b1, so-xay-dung $b2; live hub $final1, $final2"
((b1 >= 15 && b1 < final1 && b2 >= 15 && b2 < final2)) ||
    fail "the backup is not a mid-stream copy: $b1/$final1, $b2/$final2"
[[ $(manifest "$TEST_DIR/hb/BACKUP.txt" agencies) == 2 ]] || fail "BACKUP.txt agencies"
[[ $(stat -c %a "$TEST_DIR/hb/store/data.mdb") == 600 && $(stat -c %a "$TEST_DIR/hb") == 700 ]] ||
    fail "the hub backup is readable by others"
must_fail "exists: a backup is never written over another" "$HUBD" backup -c "$HCONF" "$TEST_DIR/hb"

# restore: stop, move the store aside, put the copy in its place, start
stop "$HUB"
mv "$TEST_DIR/$HUB/store" "$TEST_DIR/$HUB/store.old"
cp -r "$TEST_DIR/hb/store" "$TEST_DIR/$HUB/store"
[[ $(hub_get so-tu-phap applied_seq) == "$b1" && $(hub_get so-xay-dung applied_seq) == "$b2" ]] ||
    fail "the restored hub does not hold what BACKUP.txt lists"
grep -q "agency so-tu-phap active applied $b1 head $(hub_get so-tu-phap head_hash)" \
    "$TEST_DIR/hb/BACKUP.txt" || fail "BACKUP.txt head hash differs from the restored store's"
start_hub
wait_synced n1 120
wait_synced n2 120
[[ $(hub_get so-tu-phap applied_seq) == "$final1" && $(hub_get so-tu-phap head_hash) == "$hash1" ]] ||
    fail "so-tu-phap after restore: $(hub_get so-tu-phap applied_seq) $(hub_get so-tu-phap head_hash), was $final1 $hash1"
[[ $(hub_get so-xay-dung applied_seq) == "$final2" && $(hub_get so-xay-dung head_hash) == "$hash2" ]] ||
    fail "so-xay-dung after restore differs from before"
log_has n1 "less than the [0-9]+ it acknowledged before: resending" ||
    fail "n1 did not notice the hub went back"
hub_blob_is "$TEST_DIR/late.pdf" || fail "the file written after the backup did not come back to the hub"

# --- node: backup while it seals changes the hub cannot see ---------------------------------
stop "$HUB"
background writer n1 HD 40
w1=$BG_PID
wait_until "(( \$(node_get n1 head_seq) >= $final1 + 10 ))" 60
"$NODED" backup -c "$(node_conf n1)" --with-keys "$TEST_DIR/nb" >"$TEST_DIR/nb.out" ||
    fail "noded backup failed"
note "$(cat "$TEST_DIR/nb.out")"
wait_bg "$w1" 120
wait_until "[[ \$(node_get n1 pending_changes) == 0 ]]" 30
stop n1
bh=$(manifest "$TEST_DIR/nb/BACKUP.txt" head_seq)
bhash=$(manifest "$TEST_DIR/nb/BACKUP.txt" head_hash)
live=$(node_get n1 head_seq)
note "node backup head $bh, live head $live"
((bh > final1 && bh < live)) || fail "the node backup is not a mid-stream copy ($final1 < $bh < $live)"
[[ $(manifest "$TEST_DIR/nb/BACKUP.txt" agency) == so-tu-phap ]] || fail "BACKUP.txt agency"
for k in sign curve; do
	cmp -s "$TEST_DIR/nb/keys/$k.key" "$(node_keys n1)/$k.key" || fail "--with-keys: $k.key differs"
	[[ $(stat -c %a "$TEST_DIR/nb/keys/$k.key") == 600 ]] || fail "--with-keys: $k.key mode"
done

mv "$(node_store n1)" "$(node_store n1).old"
cp -r "$TEST_DIR/nb/store" "$(node_store n1)"
[[ $(node_get n1 head_seq) == "$bh" && $(node_get n1 head_hash) == "$bhash" ]] ||
    fail "restored node: head $(node_get n1 head_seq) $(node_get n1 head_hash), BACKUP.txt says $bh $bhash"
[[ $("$NODED" run -n -c "$(node_conf n1)") == "configuration OK" ]] || fail "restored node: -n not OK"
bpending=$(manifest "$TEST_DIR/nb/BACKUP.txt" pending_changes)
[[ $(node_get n1 pending_changes) == "$bpending" ]] || fail "restored node: pending changes differ from BACKUP.txt"
start_hub
start_node n1
wait_synced n1 60
# The hub has exactly the restored history: the head of the copy, plus the changes that were
# pending in it (sealed now), nothing written after the backup.
got=$(hub_get so-tu-phap applied_seq)
((got >= bh && got <= bh + bpending && (bpending > 0 || got == bh))) ||
    fail "the hub applied $got; the restored node had head $bh and $bpending pending changes"
((bpending > 0)) || [[ $(hub_get so-tu-phap head_hash) == "$bhash" ]] || fail "head hash differs"

# --- a node restored behind the hub stops rather than fork its history ----------------------
put n1 AFTER-1 >/dev/null
wait_synced n1 30
stop n1
rm -rf "$(node_store n1)"
cp -r "$TEST_DIR/nb/store" "$(node_store n1)"
start_node n1
wait_until "log_has n1 \"the node's store is behind the hub\"" 20
[[ $(hub_get so-tu-phap applied_seq) == $((got + 1)) ]] || fail "the hub lost or gained sets"
stop n1
stop n2
stop "$HUB"
