#!/usr/bin/env bash
# 25-workspace: the agency staff's workspace (noded run, on the [api] listen address) with
# curl as the browser: accounts made by `noded user`, a wrong password 401, a login form
# without its token 403, a lockout after repeated failures (429, logged), a drafter who
# posts the approve form 403 (the role is checked on the server), a form without the
# session's token 403, then the whole route by three people: draft -> submit -> returned by
# the checker with a comment (which the drafter sees) -> edited -> resubmitted -> check ->
# approve, each recorded by name (approving before the check is refused, 409), and the
# approved issue at the hub with all three names and its route, the return's comment too.
# The JSON API beside it still wants its bearer token.
# timeout: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ws.sh"

AG=so-noi-vu
hub_init
hub_web_port
node_init n1 "$AG"
C=$(node_conf n1)

ws_useradd lan drafter "Chuyên viên" "lan-password-1"
ws_useradd minh checker "Trưởng phòng" "minh-password-1"
ws_useradd hoa approver,iso_secretary "Giám đốc" "hoa-password-1"
ws_useradd khoa drafter "Chuyên viên" "khoa-password-1"
must_fail "roles: 'boss' is not a role" bash -c "printf 'xxxxxxxx\n' | '$NODED' user add \
    -c '$C' bad --roles boss --password-stdin"
must_fail "user ghost" "$NODED" user role -c "$C" ghost --roles drafter
"$NODED" user list -c "$C" | grep -q '^hoa  *approver,iso_secretary  *Giám đốc$' ||
    fail "user list: $("$NODED" user list -c "$C")"

start_hub
start_node n1
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
TOKEN=$(sed -n 's/^token = \([0-9a-f]*\)$/\1/p' "$C")
BASE=http://127.0.0.1:$PORT
wait_until "port_open $PORT" 10

# The API keeps its token; the workspace sends strangers to the login page.
code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/api/v1/status")
[[ $code == 401 ]] || fail "API without token: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/status")
[[ $code == 200 ]] || fail "API with token: $code"
curl -sS -D "$TEST_DIR/h" -o /dev/null "$BASE/docs"
grep -qi '^location: /login' "$TEST_DIR/h" || fail "/docs without a session: $(cat "$TEST_DIR/h")"
css=$(curl -sS "$BASE/static/ws.css")
grep -q "ws.css: the agency workspace" <<<"$css" || fail "no ws.css"

login lan wrong-password
[[ $STATUS == 401 ]] || fail "a wrong password: $STATUS"
grep -q 'Sai tên đăng nhập hoặc mật khẩu' "$TEST_DIR/page" || fail "no failure message"
page lan /login
form lan /login "name=lan" "password=lan-password-1"
[[ $STATUS == 403 ]] || fail "a login form without its token: $STATUS"
login lan lan-password-1
[[ $STATUS == 303 ]] && grep -qi "^location: /work" "$TEST_DIR/head" || fail "login: $STATUS"
grep -qi '^set-cookie: eiso_ws=[0-9a-f]*; Path=/; HttpOnly; SameSite=Strict' "$TEST_DIR/head" ||
    fail "session cookie: $(cat "$TEST_DIR/head")"
log_has n1 "workspace: lan logged in from 127.0.0.1" || fail "login not logged"

# Five failures lock the name out, even for the right password.
for i in 1 2 3 4 5; do login khoa "nope-$i"; done
login khoa khoa-password-1
[[ $STATUS == 429 ]] || fail "a locked-out name: $STATUS"
log_has n1 "workspace: login for 'khoa' from 127.0.0.1 refused: locked out" ||
    fail "lockout not logged"

# A new draft by lan.
page lan /new
[[ $STATUS == 200 ]] || fail "/new: $STATUS"
form lan /new "code=QT-07" "title=Quy trình tiếp nhận hồ sơ" "kind=procedure"
[[ $STATUS == 403 ]] || fail "a new draft without the form token: $STATUS"
page lan /new
form lan /new "csrf=$(token)" "code=QT-08" "title=Quy trình tiếp nhận hồ sơ" "kind=procedure"
[[ $STATUS == 303 ]] || fail "new draft: $STATUS $(cat "$TEST_DIR/page")"
page lan /new
form lan /new "csrf=$(token)" "code=QT-08" "title=again" "kind=procedure"
[[ $STATUS == 409 ]] && grep -q 'already exists' "$TEST_DIR/page" ||
    fail "a taken code: $STATUS $(cat "$TEST_DIR/page")"
page lan /docs
grep -q 'QT-08' "$TEST_DIR/page" || fail "QT-08 not in the list"
page lan "/docs?status=effective"
grep -q 'QT-08' "$TEST_DIR/page" && fail "the filter by status shows a draft"

# A drafter who posts the approve form gets 403, and nothing changes.
page lan /docs/QT-08
form lan /docs/QT-08/approve "csrf=$(token)"
[[ $STATUS == 403 ]] || fail "a drafter approving: $STATUS"
grep -q 'Bạn không có quyền' "$TEST_DIR/page" || fail "the 403 page does not say why"
page lan /docs/QT-08
form lan /docs/QT-08/submit
[[ $STATUS == 403 ]] || fail "submit without the form token: $STATUS"
[[ $("$NODED" doc show -c "$C" --code QT-08 --json | json_get status) == draft ]] ||
    fail "a refused form changed the document"

# The route: lan submits, minh checks, hoa approves.
page lan /docs/QT-08
form lan /docs/QT-08/submit "csrf=$(token)"
[[ $STATUS == 303 ]] || fail "submit: $STATUS $(cat "$TEST_DIR/page")"
# The route's order: an issue in review is checked before it is approved.
login hoa hoa-password-1
page hoa /docs/QT-08
form hoa /docs/QT-08/approve "csrf=$(token)"
[[ $STATUS == 409 ]] || fail "approve before the check: $STATUS"
grep -q 'không ở bước cho phép' "$TEST_DIR/page" || fail "the 409 page does not say why"
login minh minh-password-1
# The checker returns it: a comment is required; the drafter sees it, edits and resubmits.
act minh QT-08 return "comment="
[[ $STATUS == 400 ]] && grep -q 'comment: the reason' "$TEST_DIR/page" ||
    fail "a return without a comment: $STATUS $(sed -n "/<main>/,\$p" "$TEST_DIR/page" | head -12)"
act minh QT-08 return "comment=Mục 3 thiếu biểu mẫu BM-02"
[[ $STATUS == 303 ]] || fail "return: $STATUS $(cat "$TEST_DIR/page")"
[[ $("$NODED" doc show -c "$C" --code QT-08 --json | json_get status) == draft ]] ||
    fail "a returned issue is not a draft"
page lan /docs/QT-08
grep -q 'Bị trả lại bởi minh' "$TEST_DIR/page" && grep -q 'Mục 3 thiếu biểu mẫu BM-02' \
    "$TEST_DIR/page" || fail "the drafter does not see the return and its comment"
act minh QT-08 check
[[ $STATUS == 409 ]] || fail "checking a returned draft: $STATUS"
act lan QT-08 edit "title=Quy trình tiếp nhận và trả hồ sơ" "note=Bổ sung biểu mẫu BM-02"
[[ $STATUS == 303 ]] || fail "edit: $STATUS $(cat "$TEST_DIR/page")"
act lan QT-08 submit
[[ $STATUS == 303 ]] || fail "resubmit: $STATUS $(cat "$TEST_DIR/page")"
page minh /docs/QT-08
form minh /docs/QT-08/approve "csrf=$(token)"
[[ $STATUS == 403 ]] || fail "a checker approving: $STATUS"
page minh /docs/QT-08
form minh /docs/QT-08/check "csrf=$(token)"
[[ $STATUS == 303 ]] || fail "check: $STATUS $(cat "$TEST_DIR/page")"
page hoa /docs/QT-08
grep -q 'Phê duyệt ban hành' "$TEST_DIR/page" || fail "no approve button for the approver"
form hoa /docs/QT-08/approve "csrf=$(token)"
[[ $STATUS == 303 ]] || fail "approve: $STATUS $(cat "$TEST_DIR/page")"
page hoa "/docs/QT-08?lang=en"
grep -q 'Approved by' "$TEST_DIR/page" || fail "no English page"

"$NODED" doc show -c "$C" --code QT-08 --json >"$TEST_DIR/qt08.json"
"$PY" - "$TEST_DIR/qt08.json" <<'PYEOF' || fail "QT-08 at the node: $(cat "$TEST_DIR/qt08.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "effective", d
assert d["drafted"]["name"] == "lan" and d["drafted"]["position"] == "Chuyên viên", d
assert d["checked"]["name"] == "minh" and d["checked"]["position"] == "Trưởng phòng", d
assert d["approved"]["name"] == "hoa" and d["approved"]["position"] == "Giám đốc", d
assert d["title"] == "Quy trình tiếp nhận và trả hồ sơ", d
steps = [(s["action"], s["by"]["name"], s.get("comment", "")) for s in d["route"]]
assert steps == [("submit", "lan", ""), ("return", "minh", "Mục 3 thiếu biểu mẫu BM-02"),
    ("submit", "lan", ""), ("check", "minh", ""), ("approve", "hoa", "")], steps
PYEOF

# Logout by POST ends the session.
page hoa /docs
form hoa /logout "csrf=$(token)"
[[ $STATUS == 303 ]] || fail "logout: $STATUS"
page hoa /docs
[[ $STATUS == 303 ]] || fail "a page after logout: $STATUS"

# The approved issue reaches the hub with the three names.
wait_synced n1 30
hub_api "/api/v1/agencies/$AG/documents/QT-08" | head -n -1 >"$TEST_DIR/hub.json"
"$PY" - "$TEST_DIR/hub.json" <<'PYEOF' || fail "QT-08 at the hub: $(cat "$TEST_DIR/hub.json")"
import json, sys
d = json.load(open(sys.argv[1]))
i = d["issues"][0]
assert d["current"] == 1 and i["status"] == "effective", d
assert (i["drafted"]["name"], i["checked"]["name"], i["approved"]["name"]) == ("lan", "minh", "hoa"), i
r = i["route"][1]
assert (r["action"], r["by"]["name"], r["by"]["position"], r["comment"]) == \
    ("return", "minh", "Trưởng phòng", "Mục 3 thiếu biểu mẫu BM-02"), i["route"]
assert r["by"]["at"], r
PYEOF
# The hub's document list carries the checker and the route, the return's comment too.
hub_api "/api/v1/agencies/$AG/documents" | head -n -1 >"$TEST_DIR/hub-list.json"
"$PY" - "$TEST_DIR/hub-list.json" <<'PYEOF' || fail "the hub's list: $(cat "$TEST_DIR/hub-list.json")"
import json, sys
d = [x for x in json.load(open(sys.argv[1]))["documents"] if x["code"] == "QT-08"][0]
i = d["issues"][0]
assert i["checked_by"]["name"] == "minh", i
assert [s["action"] for s in i["route"]] == ["submit", "return", "submit", "check", "approve"], i
assert i["route"][1]["comment"] == "Mục 3 thiếu biểu mẫu BM-02" and i["route"][1]["at_iso"], i
PYEOF
note "workspace route passed: QT-08 effective at the hub"
