#!/usr/bin/env bash
# 25-workspace: the agency staff's workspace (noded run, on the [api] listen address) with
# curl as the browser: accounts made by `noded user`, a wrong password 401, a login form
# without its token 403, a lockout after repeated failures (429, logged), a drafter who
# posts the approve form 403 (the role is checked on the server), a form without the
# session's token 403, then the whole route draft -> submit -> check -> approve by three
# people, each recorded by name (approving before the check is refused, 409), and the approved issue at the hub with all three names.
# The JSON API beside it still wants its bearer token.
# timeout: 180
. "$(dirname "$0")/lib.sh"

AG=so-noi-vu
hub_init
hub_web_port
node_init n1 "$AG"
C=$(node_conf n1)

useradd() {   # NAME ROLES POSITION PASSWORD
	printf '%s\n' "$4" | "$NODED" user add -c "$C" "$1" --roles "$2" --position "$3" \
	    --password-stdin >/dev/null || fail "noded user add $1"
}
useradd lan drafter "Chuyên viên" "lan-password-1"
useradd minh checker "Trưởng phòng" "minh-password-1"
useradd hoa approver,iso_secretary "Giám đốc" "hoa-password-1"
useradd khoa drafter "Chuyên viên" "khoa-password-1"
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
curl -sS "$BASE/static/ws.css" | grep -q 'ws.css: the agency workspace' || fail "no ws.css"

# jar NAME: the cookie file of one browser.
jar() { echo "$TEST_DIR/jar.$1"; }
# page NAME PATH: GET with NAME's cookies; sets STATUS, body in $TEST_DIR/page.
page() {
	STATUS=$(curl -sS -b "$(jar "$1")" -c "$(jar "$1")" -o "$TEST_DIR/page" -w '%{http_code}' \
	    "$BASE$2")
}
# form NAME PATH FIELDS...: POST the fields (already encoded) with NAME's cookies.
form() {
	local who=$1 path=$2
	shift 2
	local -a d=(--data-raw "")
	for f in "$@"; do d+=(--data-urlencode "$f"); done
	STATUS=$(curl -sS -b "$(jar "$who")" -c "$(jar "$who")" -o "$TEST_DIR/page" \
	    -D "$TEST_DIR/head" -w '%{http_code}' "${d[@]}" "$BASE$path")
}
# token: the form token in the page last fetched.
token() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_DIR/page" | head -1; }
# login NAME PASSWORD: fetch the login page, post it; sets STATUS.
login() {
	page "$1" /login
	form "$1" /login "csrf=$(token)" "name=$1" "password=$2"
}

login lan wrong-password
[[ $STATUS == 401 ]] || fail "a wrong password: $STATUS"
grep -q 'Sai tên đăng nhập hoặc mật khẩu' "$TEST_DIR/page" || fail "no failure message"
page lan /login
form lan /login "name=lan" "password=lan-password-1"
[[ $STATUS == 403 ]] || fail "a login form without its token: $STATUS"
login lan lan-password-1
[[ $STATUS == 303 ]] && grep -qi '^location: /docs' "$TEST_DIR/head" || fail "login: $STATUS"
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
PYEOF
note "workspace route passed: QT-08 effective at the hub"
