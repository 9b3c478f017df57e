#!/usr/bin/env bash
# 30-route-cli-vs-workspace: the CLI and the workspace are one code path underneath: the same
# scenario (a draft returned by the checker with a comment, edited, resubmitted, checked,
# approved; approving before the check refused) played with `noded doc` on QT-C and through
# the workspace's HTTP forms on QT-W leaves the same issue in the node's store, times and the
# code aside. Each refusal leaves the store as it was, in both.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ws.sh"

hub_init
node_init n1 so-tu-phap
C=$(node_conf n1)
ws_useradd lan drafter "Chuyên viên" "lan-password-1"
ws_useradd minh checker "Trưởng phòng" "minh-password-1"
ws_useradd hoa approver "Giám đốc" "hoa-password-1"
start_hub
start_node n1
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
BASE=http://127.0.0.1:$PORT
wait_until "port_open $PORT" 10

TITLE="Quy trình chứng thực bản sao"
FIXED="Quy trình chứng thực bản sao từ bản chính"
WHY="Thiếu bước đối chiếu bản chính"
show() { "$NODED" doc show -c "$C" --code "$1" --json; }

# Through the CLI, each step in the name of the same people.
cli() { "$NODED" doc "$@" -c "$C" >/dev/null || fail "noded doc $*"; }
cli new --code QT-C --kind procedure --title "$TITLE" --by lan --position "Chuyên viên"
cli submit --code QT-C --by lan --position "Chuyên viên"
before=$(show QT-C)
must_fail "status: issue 1 of QT-C is in review but not checked" "$NODED" doc approve -c "$C" \
    --code QT-C --by hoa --position "Giám đốc"
[[ $(show QT-C) == "$before" ]] || fail "a refused approve changed QT-C"
cli return --code QT-C --by minh --position "Trưởng phòng" --comment "$WHY"
cli edit --code QT-C --title "$FIXED"
cli submit --code QT-C --by lan --position "Chuyên viên"
cli check --code QT-C --by minh --position "Trưởng phòng"
cli approve --code QT-C --by hoa --position "Giám đốc"

# Through the workspace's forms, by the users themselves.
for u in lan minh hoa; do
	login "$u" "$u-password-1"
	[[ $STATUS == 303 ]] || fail "login $u: $STATUS"
done
page lan /new
form lan /new "csrf=$(token)" "code=QT-W" "title=$TITLE" "kind=procedure"
[[ $STATUS == 303 ]] || fail "new: $STATUS"
act lan QT-W submit
[[ $STATUS == 303 ]] || fail "submit: $STATUS"
before=$(show QT-W)
act hoa QT-W approve
[[ $STATUS == 409 ]] || fail "approve before the check: $STATUS"
[[ $(show QT-W) == "$before" ]] || fail "a refused approve changed QT-W"
act minh QT-W return "comment=$WHY"
[[ $STATUS == 303 ]] || fail "return: $STATUS"
act lan QT-W edit "title=$FIXED" "note="
[[ $STATUS == 303 ]] || fail "edit: $STATUS"
act lan QT-W submit
act minh QT-W check
[[ $STATUS == 303 ]] || fail "check: $STATUS"
act hoa QT-W approve
[[ $STATUS == 303 ]] || fail "approve: $STATUS"

# The two issues, times and codes aside, are the same.
show QT-C >"$TEST_DIR/cli.json"
show QT-W >"$TEST_DIR/ws.json"
"$PY" - "$TEST_DIR/cli.json" "$TEST_DIR/ws.json" <<'PYEOF' || fail "the CLI and the workspace differ"
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("at", "updated", "code")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
if a != b:
    print("cli:", json.dumps(a, ensure_ascii=False, sort_keys=True), file=sys.stderr)
    print("ws: ", json.dumps(b, ensure_ascii=False, sort_keys=True), file=sys.stderr)
    sys.exit(1)
assert a["status"] == "effective" and len(a["route"]) == 5, a
PYEOF
note "CLI and workspace left the same issue: $(json_get route <"$TEST_DIR/ws.json" | head -c 200)"
