#!/usr/bin/env bash
# 09-agency-admin: an agency's life after enrollment, while the hub runs. Rename and move
# change names, parent and level and are kept in the agency's history; the id never changes.
# Retire: a connected node's next change set is rejected (agency-state), a reconnecting node is
# refused at ZAP and says so (link refused), and the agency's applied log stays; other agencies
# go on as before. A node whose key was never enrolled says it is refused, not connected, and
# connects by itself once it is enrolled.
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-khcn
node_init n2 chi-cuc-tc
HCONF=$(hub_conf)
agency() { "$HUBD" agency "$@" -c "$HCONF"; }

start_hub
start_node n1
start_node n2
put n1 QT-01 >/dev/null
put n2 QT-01 >/dev/null
put n2 QT-02 >/dev/null
wait_synced n1 30
wait_synced n2 30

# rename, move: names, parent and level change; the id, log and head do not
agency rename so-khcn --name-vi "Sở Khoa học và Công nghệ" --name-en "Department of Science and Technology" >/dev/null
agency move chi-cuc-tc --parent so-khcn --level subdepartment --reason "trực thuộc Sở KH&CN" >/dev/null
agency list --json >"$TEST_DIR/list.json"
"$PY" - "$TEST_DIR/list.json" <<'EOF'
import json, sys
a = {x["id"]: x for x in json.load(open(sys.argv[1]))["agencies"]}
assert a["so-khcn"]["name_vi"] == "Sở Khoa học và Công nghệ", a["so-khcn"]
assert a["so-khcn"]["name_en"] == "Department of Science and Technology", a["so-khcn"]
assert a["chi-cuc-tc"]["parent"] == "so-khcn" and a["chi-cuc-tc"]["level"] == "subdepartment", a
assert a["chi-cuc-tc"]["applied_seq"] >= 1 and a["chi-cuc-tc"]["state"] == "active", a
EOF
agency show chi-cuc-tc --json | json_get history.0.event history.0.detail >"$TEST_DIR/hist"
grep -q '^move$' "$TEST_DIR/hist" || fail "agency show has no move event: $(cat "$TEST_DIR/hist")"
grep -qF 'parent - -> so-khcn; level - -> subdepartment; reason: trực thuộc Sở KH&CN' "$TEST_DIR/hist" ||
    fail "move event lacks the change: $(cat "$TEST_DIR/hist")"
agency show so-khcn | grep -q 'rename.*Sở Khoa học và Công nghệ' || fail "agency show lacks the rename"
put n1 QT-02 >/dev/null
wait_synced n1 30

# refusals change nothing
must_fail "cannot be under" agency move so-khcn --parent chi-cuc-tc
must_fail "parent of active agencies \(chi-cuc-tc\)" agency retire so-khcn
must_fail "no agency so-khong-co is enrolled" agency retire so-khong-co
must_fail "parent so-khong-co is not an enrolled agency" agency move chi-cuc-tc --parent so-khong-co
must_fail "not valid UTF-8|control character" agency rename so-khcn --name-vi "$(printf 'a\tb')"

# retire while its node is connected: the next change set is rejected, nothing applied
applied=$(hub_get chi-cuc-tc applied_seq)
agency retire chi-cuc-tc --reason "giải thể" >/dev/null
[[ $(hub_get chi-cuc-tc state) == retired ]] || fail "hubd status does not show chi-cuc-tc retired"
put n2 QT-03 >/dev/null
wait_until "log_has $HUB 'reject chi-cuc-tc seq [0-9]+: agency-state'" 20
wait_until "log_has n2 'hub rejected seq [0-9]+: agency-state'" 20
# ...and when it connects again, ZAP refuses its key before any message
stop n2
start_node n2
wait_until "log_has $HUB 'zap: refused key [0-9a-f]+\.\.\. from .*: agency not active'" 20
wait_until "[[ \$(node_get n2 link) == refused ]]" 20
[[ $(hub_get chi-cuc-tc applied_seq) == "$applied" ]] ||
    fail "the retired agency's applied seq moved: $(hub_get chi-cuc-tc applied_seq), was $applied"
agency show chi-cuc-tc | grep -q 'retire .*state active -> retired; reason: giải thể' ||
    fail "agency show lacks the retirement"
must_fail "already retired" agency retire chi-cuc-tc

# a node whose key the hub never enrolled: refused, in status, its log and its API
line=$("$NODED" init --agency so-tu-phap --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" \
    --data "$TEST_DIR/n3" 2>>"$LOG_DIR/init.log")
conf_set "$(node_conf n3)" api listen "127.0.0.1:$(free_port)"
start_node n3
wait_until "[[ \$(node_get n3 link) == refused ]]" 20
[[ $(node_get n3 link_detail) == "refused by hub: key not admitted" ]] ||
    fail "noded status --json: link_detail '$(node_get n3 link_detail)'"
"$NODED" status -c "$(node_conf n3)" | grep -q '^hub link *refused by hub: key not admitted' ||
    fail "noded status does not say the hub refuses the key: $("$NODED" status -c "$(node_conf n3)")"
log_has n3 "refused by hub: key not admitted" || fail "the node's log does not say it is refused"
# ...enrolled, it connects by itself and says so
read -r -a f <<<"$line"
hub_enroll "${f[@]}" >/dev/null
put n3 QT-01 >/dev/null
wait_synced n3 60
[[ $(node_get n3 link) == connected ]] || fail "n3 enrolled but link is $(node_get n3 link)"
stop n3

# the other agency is untouched
put n1 QT-03 >/dev/null
wait_synced n1 30
agency list | grep -q '3 agencies (2 active, 1 retired)' || fail "agency list count is wrong: $(agency list)"
stop n2
stop n1
stop "$HUB"
