#!/usr/bin/env bash
# 06-hostile: a forged node attacks the hub. An unknown CURVE key gets no connection at all;
# a body claiming another agency, a broken signature, a seq gap and a fork are rejected with
# the right code; a resent applied set is acked again and changes nothing (I4, I5). Transport
# abuse: a multi-part message, a NUL hidden in the body's agency, frames at and over the size
# limits, a stream of garbage frames (the hub's log stays bounded) and a login whose user name
# holds a newline (no forged log line). Afterwards the hub still runs, its state for both
# agencies is unchanged, the genuine nodes still replicate and SIGTERM stops the hub.
. "$(dirname "$0")/lib.sh"

A=so-tai-chinh
B=so-xay-dung
MAX_FRAME=4194304
hub_init
conf_set "$(hub_conf)" ingest max_frame "$MAX_FRAME"
hub_password pw-hostile-06
node_init na "$A"
node_init nb "$B"
start_hub
start_node na
start_node nb
for i in 1 2 3 4; do put na "QT-A$i" >/dev/null; put nb "QT-B$i" >/dev/null; done
wait_synced na 30
wait_synced nb 30
# Two connections with one key would muddle the test: A's daemon rests while A's keys attack.
stop na

state() { echo "$(hub_get "$1" applied_seq) $(hub_get "$1" head_hash)"; }
a_before=$(state "$A")
b_before=$(state "$B")
read -r a_seq a_hash <<<"$a_before"
rej_before=$(( $(hub_get "$A" rejected) + $(hub_get "$B" rejected) ))
note "before: $A $a_before; $B $b_before"

# forge EXPECTED_EXIT ARGS...: run forge against the hub; its output (welcome line, answer)
# is in $FORGED.
forge() {
	local want=$1 rc=0
	shift
	FORGED=$("$FORGE" --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --timeout-ms 3000 "$@" \
	    2>>"$LOG_DIR/forge.log") || rc=$?
	note "forge $*: exit $rc: $(tr '\n' '|' <<<"$FORGED")"
	[[ $rc == "$want" ]] || fail "forge $* exited $rc, expected $want"
	ANSWER=$(tail -n 1 <<<"$FORGED")
}

# Sanity: A's own keys are welcomed with A's resume point.
forge 0 --keys "$(node_keys na)" --agency "$A"
[[ $ANSWER == "welcome $a_seq $a_hash" ]] || fail "welcome line '$ANSWER', expected 'welcome $a_seq $a_hash'"

# (0) The protocol has one part per message. A Hello followed by parts of junk is read as its
# first part and the rest discarded: answered, and the hub keeps serving everyone (it once
# blocked forever in a receive: no replies, no handshakes, deaf to SIGTERM).
forge 0 --keys "$(node_keys na)" --agency "$A" --multipart 2
[[ $ANSWER == "welcome $a_seq $a_hash" ]] || fail "2-part Hello: '$ANSWER', expected a welcome"
forge 0 --keys "$(node_keys na)" --agency "$A" --multipart 300
[[ $ANSWER == "welcome $a_seq $a_hash" ]] || fail "300-part Hello: '$ANSWER', expected a welcome"
put nb QT-B-MULTI >/dev/null
wait_synced nb 30
b_before=$(state "$B")
log_has "$HUB" "message of $A with [0-9]+ parts: read the first, dropped [0-9]+" ||
    fail "hub log does not show the multi-part message of $A"

# (a) an unenrolled transport key never completes the handshake: silence.
forge 3 --new-keys --agency "$A" --seq 1
[[ $ANSWER == "no answer" ]] || fail "unknown key got an answer: $ANSWER"
forge 3 --new-keys --agency "$A"

# (b) A's keys claiming B: in the Hello, and inside the change set body.
forge 0 --keys "$(node_keys na)" --agency "$B"
[[ $ANSWER == "reject identity: "* ]] || fail "Hello as $B with $A's keys: $ANSWER"
forge 0 --keys "$(node_keys na)" --agency "$A" --claim "$B"
[[ $ANSWER == "reject identity: "* ]] || fail "body claiming $B over $A's link: $ANSWER"
# ...and a body whose agency is "$A", a NUL byte, "$B", signed by A: no string holds a NUL.
forge 0 --keys "$(node_keys na)" --agency "$A" --nul-claim "$B"
[[ $ANSWER == "reject protocol: "*"NUL"* ]] || fail "agency with a NUL inside: $ANSWER"

# (c) a signature with one bit flipped.
forge 0 --keys "$(node_keys na)" --agency "$A" --bad-signature
[[ $ANSWER == "reject signature: "* ]] || fail "bad signature: $ANSWER"
# ...and a valid Ed25519 signature by the wrong key: A's transport key, B's signing key.
mkdir -m 700 "$TEST_DIR/mixed"
cp -p "$(node_keys na)"/curve.* "$(node_keys nb)"/sign.* "$TEST_DIR/mixed/"
forge 0 --keys "$TEST_DIR/mixed" --agency "$A" --seq $((a_seq + 1))
[[ $ANSWER == "reject signature: "* ]] || fail "set signed with $B's key over $A's link: $ANSWER"

# (d) a verbatim resend of applied sets: acked again with the current head, nothing changes.
forge 0 --keys "$(node_keys na)" --agency "$A" --replay 1 --store "$(node_store na)"
[[ $ANSWER == "ack $a_seq $a_hash" ]] || fail "replay of seq 1: '$ANSWER', expected 'ack $a_seq $a_hash'"
forge 0 --keys "$(node_keys na)" --agency "$A" --replay "$a_seq" --store "$(node_store na)"
[[ $ANSWER == "ack $a_seq $a_hash" ]] || fail "replay of seq $a_seq: '$ANSWER'"
[[ $(state "$A") == "$a_before" ]] || fail "replay changed the hub: $(state "$A")"

# (e) a seq that skips ahead.
forge 0 --keys "$(node_keys na)" --agency "$A" --seq $((a_seq + 5))
[[ $ANSWER == "reject gap: "*"(expected $((a_seq + 1)))" ]] || fail "gap: $ANSWER"

# (f) the right seq linked to a made-up predecessor; and a different body for an applied seq.
forge 0 --keys "$(node_keys na)" --agency "$A" --fork
[[ $ANSWER == "reject fork: "* ]] || fail "fork: $ANSWER"
forge 0 --keys "$(node_keys na)" --agency "$A" --seq 2
[[ $ANSWER == "reject fork: "* ]] || fail "different body for applied seq 2: $ANSWER"

# (g) frame sizes: over max_frame, up to and including 2 x max_frame, Reject TOO_LARGE; beyond
# that ZeroMQ drops the connection (ZMQ_MAXMSGSIZE): no answer.
forge 0 --keys "$(node_keys na)" --agency "$A" --frame-bytes $((MAX_FRAME + 1))
[[ $ANSWER == "reject too-large: "* ]] || fail "frame of max_frame + 1 bytes: $ANSWER"
forge 0 --keys "$(node_keys na)" --agency "$A" --frame-bytes $((2 * MAX_FRAME))
[[ $ANSWER == "reject too-large: "* ]] || fail "frame of 2 x max_frame bytes: $ANSWER"
forge 3 --keys "$(node_keys na)" --agency "$A" --frame-bytes $((2 * MAX_FRAME + 1))

# (h) a login whose user name holds a newline writes one escaped line, not a forged second one.
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 \
    --data-urlencode $'user=intruder\nhubd: web: admin logged in' \
    --data-urlencode password=wrong "$HUB_WEB/login")
[[ $code == 401 ]] || fail "bad login answered $code, expected 401"
log_has "$HUB" "failed login for user 'intruder\\\\x0ahubd: web: admin logged in'" ||
    fail "hub log does not show the escaped user name"
log_has "$HUB" "^hubd: web: admin logged in" && fail "a user name forged a line in the hub's log"

# (i) a flood of garbage frames: each is refused, but the hub logs the first few rejects of an
# agency and then a count, not a line each.
lines_before=$(wc -l <"$LOG_DIR/$HUB.log")
forge 0 --keys "$(node_keys na)" --agency "$A" --garbage 3000
[[ $ANSWER == "reject protocol: "* ]] || fail "garbage frame: $ANSWER"
lines=$(($(wc -l <"$LOG_DIR/$HUB.log") - lines_before))
note "3000 garbage frames added $lines lines to the hub's log"
((lines < 100)) || fail "3000 garbage frames added $lines lines to the hub's log"
wait_until "log_has $HUB '$A: [0-9]+ more rejects not logged in the last'" 20

check_daemons
[[ $(state "$A") == "$a_before" ]] || fail "$A changed at the hub: $(state "$A"), was $a_before"
[[ $(state "$B") == "$b_before" ]] || fail "$B changed at the hub: $(state "$B"), was $b_before"
rej_after=$(( $(hub_get "$A" rejected) + $(hub_get "$B" rejected) ))
note "rejected change sets counted: $rej_before -> $rej_after"
# Counted: body identity, 2 signatures, 2 forks (gaps are not counted: they are routine after
# a restart).
((rej_after - rej_before >= 5)) || fail "hub counted $((rej_after - rej_before)) rejected sets, expected at least 5"
for code in identity signature gap fork; do
	log_has "$HUB" "reject $A seq [0-9]+: $code: " || fail "hub log has no 'reject $A seq N: $code: ' line"
done
log_has "$HUB" "duplicate $A seq 1 " || fail "hub log has no 'duplicate $A seq 1' line"
log_has "$HUB" "zap: refused key" || fail "hub log does not show the refused transport key"
"$HUBD" doc -c "$(hub_conf)" "$A" FORGED-1 >/dev/null 2>&1 && fail "the hub holds the forged document"

# The genuine nodes carry on.
start_node na
put na QT-A5 >/dev/null
put nb QT-B5 >/dev/null
wait_synced na 30
wait_synced nb 30
[[ $(hub_get "$A" applied_seq) -gt $a_seq ]] || fail "$A did not advance after the attacks"
stop na
stop nb
stop "$HUB"
