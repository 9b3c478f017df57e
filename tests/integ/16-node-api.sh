#!/usr/bin/env bash
# 16-node-api: the node's local JSON API (noded run, [api]) with curl against a real daemon:
# every endpoint once for success and for its main errors (a missing field named, an unknown
# status move, a bad date, an unknown code 404, a duplicate 409, no or a wrong token 401, a
# body over max_body 413, a wrong method 405), errors always {"error":{"code","message"}};
# writes made through the API replicate: the hub shows the document with its uploaded file.
# timeout: 120
. "$(dirname "$0")/lib.sh"

AG=so-tu-phap
hub_init
node_init n1 "$AG"
start_hub
start_node n1
C=$(node_conf n1)
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
TOKEN=$(sed -n 's/^token = \([0-9a-f]*\)$/\1/p' "$C")
[[ $PORT =~ ^[0-9]+$ ]] || fail "no [api] listen port in $C"
[[ $TOKEN =~ ^[0-9a-f]{64}$ ]] || fail "noded init wrote no 64-hex [api] token: '$TOKEN'"
BASE=http://127.0.0.1:$PORT/api/v1
wait_until "log_has n1 'api: listening on 127.0.0.1:$PORT'" 10

# call METHOD PATH [BODY|@FILE]: sets STATUS and RESP (with the token unless AUTH is set).
call() {
	local m=$1 p=$2 auth=${AUTH-Authorization: Bearer $TOKEN}
	local -a extra=()
	[[ $# -ge 3 ]] && extra=(--data-binary "$3")
	[[ -n $auth ]] && extra+=(-H "$auth")
	STATUS=$(curl -sS -o "$TEST_DIR/resp" -w '%{http_code}' -X "$m" "${extra[@]}" "$BASE$p") ||
	    fail "curl $m $p failed"
	RESP=$(cat "$TEST_DIR/resp")
}

# ok STATUS METHOD PATH [BODY]: the call answers STATUS with a JSON object.
ok() {
	local want=$1
	shift
	call "$@"
	[[ $STATUS == "$want" ]] || fail "$1 $2: status $STATUS, wanted $want: $RESP"
	json_get >/dev/null <<<"$RESP" || fail "$1 $2: not JSON: $RESP"
}

# err STATUS CODE REGEX METHOD PATH [BODY]: an error of that status and code whose message
# matches REGEX (extended).
err() {
	local want=$1 code=$2 re=$3 got msg
	shift 3
	call "$@"
	[[ $STATUS == "$want" ]] || fail "$1 $2: status $STATUS, wanted $want: $RESP"
	got=$(json_get error.code <<<"$RESP") || fail "$1 $2: no error object: $RESP"
	msg=$(json_get error.message <<<"$RESP")
	[[ $got == "$code" ]] || fail "$1 $2: error code '$got', wanted '$code': $RESP"
	grep -Eq -- "$re" <<<"$msg" || fail "$1 $2: message '$msg' does not match /$re/"
	note "$1 $2 -> $STATUS $code: $msg"
}

get() { json_get "$@" <<<"$RESP"; }

# ---------------------------------------------------------------------------------------------
# The token: none, wrong, right.
AUTH= err 401 unauthorized '^token: missing' GET /status
AUTH="Authorization: Bearer ${TOKEN:0:63}0" err 401 unauthorized '^token: wrong' GET /status
AUTH="Authorization: Basic $TOKEN" err 401 unauthorized '^token: wrong' GET /status
curl -sS -D - -o /dev/null "$BASE/status" | grep -qi '^www-authenticate: Bearer' ||
    fail "a 401 without WWW-Authenticate: Bearer"

# GET /status: the fields of noded status --json.
ok 200 GET /status
[[ $(get agency) == "$AG" && $(get daemon) == true ]] || fail "status: $RESP"
for k in head_seq head_hash acked_seq acked_hash pending_sets pending_changes link last_ack; do
	get "$k" >/dev/null || fail "status lacks $k: $RESP"
done

# ---------------------------------------------------------------------------------------------
# PUT /api/v1/blobs: a three-page PDF named in Vietnamese (percent-encoded).
printf '%%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type /Page >>\n%%%%EOF\n' \
    >"$TEST_DIR/qt.pdf"
ok 201 PUT "/blobs?name=Quy%20tr%C3%ACnh%20QT-01.pdf" "@$TEST_DIR/qt.pdf"
SHA=$(sha256 "$TEST_DIR/qt.pdf")
[[ $(get sha256) == "$SHA" && $(get size) == "$(stat -c %s "$TEST_DIR/qt.pdf")" ]] ||
    fail "blob answer does not match the file: $RESP"
[[ $(get name) == "Quy trình QT-01.pdf" && $(get media_type) == application/pdf &&
    $(get pages) == 3 ]] || fail "blob name, type or pages wrong: $RESP"
random_file "$TEST_DIR/phu-luc.bin" 200000
ok 201 PUT "/blobs?name=phu-luc.bin" "@$TEST_DIR/phu-luc.bin"
SHA2=$(get sha256)
err 400 invalid '^name: required' PUT /blobs "@$TEST_DIR/qt.pdf"
err 400 invalid "^name: '\.\./x' is not a file name" PUT "/blobs?name=..%2Fx" "@$TEST_DIR/qt.pdf"
err 400 invalid '^body: empty' PUT "/blobs?name=empty.pdf" ""
random_file "$TEST_DIR/big.bin" $((1048576 + 1))
err 413 too_large '^body: larger than 1048576 bytes \(api.max_body\)' PUT "/blobs?name=big.bin" \
    "@$TEST_DIR/big.bin"
err 405 method '^method: GET /api/v1/blobs is not allowed; use PUT' GET /blobs

# ---------------------------------------------------------------------------------------------
# Documents: new (with the uploaded files), import, show, list, history, the lifecycle.
ok 201 POST /docs "{\"code\":\"QT-01\",\"kind\":\"procedure\",\"title\":\"Quy trình tiếp nhận hồ sơ\",
    \"access\":\"public\",\"by\":\"Trần Thị B\",\"position\":\"Chuyên viên\",\"review_months\":6,
    \"retention\":10,\"files\":[\"$SHA\",\"$SHA2\"]}"
[[ $(get issue) == 1 && $(get status) == draft && $(get files.0.sha256) == "$SHA" &&
    $(get files.0.name) == "Quy trình QT-01.pdf" && $(get files.1.sha256) == "$SHA2" &&
    $(get drafted.name) == "Trần Thị B" && $(get retention_years) == 10 ]] ||
    fail "POST /docs answered: $RESP"
err 409 exists '^code: document QT-01 already exists' POST /docs \
    '{"code":"QT-01","kind":"procedure","title":"again"}'
err 400 invalid '^code: required' POST /docs '{"kind":"form","title":"no code"}'
err 400 invalid '^title: required' POST /docs '{"code":"BM-09","kind":"form"}'
err 400 invalid "^kind: 'memo' is not one of" POST /docs '{"code":"BM-09","kind":"memo","title":"t"}'
err 400 invalid '^tittle: unknown field' POST /docs '{"code":"BM-09","kind":"form","tittle":"t"}'
err 400 invalid '^title: must be a string' POST /docs '{"code":"BM-09","kind":"form","title":7}'
err 400 invalid "^review_months: '121' is not a number from 0 to 120" POST /docs \
    '{"code":"BM-09","kind":"form","title":"t","review_months":121}'
err 400 invalid "^files: $(printf '%064d' 0) is not a file this node holds" POST /docs \
    "{\"code\":\"BM-09\",\"kind\":\"form\",\"title\":\"t\",\"files\":[\"$(printf '%064d' 0)\"]}"
err 400 invalid '^files: item 1 is not a SHA-256' POST /docs \
    '{"code":"BM-09","kind":"form","title":"t","files":["abc"]}'
err 400 invalid '^body: not valid JSON' POST /docs '{"code":"BM-09",'
err 400 invalid '^body: must be a JSON object' POST /docs '["BM-09"]'
err 405 method '^method: DELETE /api/v1/docs is not allowed; use GET or POST' DELETE /docs

ok 201 POST /docs/import '{"code":"CS-01","kind":"policy","title":"Chính sách chất lượng",
    "access":"public","by":"Nguyễn Văn A","position":"Giám đốc","effective":"2020-01-01"}'
[[ $(get status) == effective && $(get effective_date) == 2020-01-01 &&
    $(get next_review) == 2021-01-01 ]] || fail "import answered: $RESP"
err 400 invalid '^approved_by: ' POST /docs/import '{"code":"CS-02","kind":"policy","title":"t"}'
err 400 invalid "^effective_date: '2024-02-30' is not a date" POST /docs/import \
    '{"code":"CS-02","kind":"policy","title":"t","by":"A","effective":"2024-02-30"}'

ok 200 GET /docs/QT-01
[[ $(get code) == QT-01 && $(get title) == "Quy trình tiếp nhận hồ sơ" ]] || fail "show: $RESP"
err 404 not_found '^code: no document QT-99' GET /docs/QT-99
err 404 not_found '^issue: document QT-01 has no issue 9' GET '/docs/QT-01?issue=9'
err 400 invalid "^issue: 'x' is not a number" GET '/docs/QT-01?issue=x'
err 400 invalid "^code: 'QT 01' is not a document code" GET /docs/QT%2001

# The lifecycle: unknown moves refused, then draft -> in_review -> effective -> revised.
err 400 invalid '^status: issue 1 of QT-01 is draft; approve takes a checked issue in review' \
    POST /docs/QT-01/approve '{"by":"Nguyễn Văn A"}'
err 400 invalid '^status: issue 1 of QT-01 is draft; a new issue starts' \
    POST /docs/QT-01/revise '{"note":"too early"}'
err 400 invalid '^note: unknown field' POST /docs/QT-01/submit '{"note":"x"}'
ok 200 POST /docs/QT-01/submit '{"by":"Trần Thị B","position":"Chuyên viên"}'
[[ $(get status) == in_review && $(get route.0.by.name) == "Trần Thị B" ]] || fail "submit: $RESP"
# The same route as the CLI and the workspace: checked before approved, or returned.
err 400 invalid '^status: issue 1 of QT-01 is in review but not checked' \
    POST /docs/QT-01/approve '{"by":"Nguyễn Văn A"}'
err 400 invalid '^comment: the reason' POST /docs/QT-01/return '{"by":"Lê Văn C"}'
ok 200 POST /docs/QT-01/return '{"by":"Lê Văn C","comment":"Thiếu lưu đồ"}'
[[ $(get status) == draft && $(get route.1.comment) == "Thiếu lưu đồ" ]] || fail "return: $RESP"
ok 200 POST /docs/QT-01/edit '{"note":"Bổ sung lưu đồ"}'
[[ $(get status) == draft && $(get note) == "Bổ sung lưu đồ" ]] || fail "edit: $RESP"
ok 200 POST /docs/QT-01/submit '{}'
ok 200 POST /docs/QT-01/check '{"by":"Lê Văn C","position":"Chánh Văn phòng"}'
[[ $(get status) == in_review && $(get checked.name) == "Lê Văn C" ]] || fail "check: $RESP"
err 400 invalid '^approved_by: ' POST /docs/QT-01/approve '{}'
err 400 invalid "^effective_date: '2024-13-01' is not a date" POST /docs/QT-01/approve \
    '{"by":"Nguyễn Văn A","effective":"2024-13-01"}'
ok 200 POST /docs/QT-01/approve '{"by":"Nguyễn Văn A","position":"Giám đốc","effective":"2024-01-15"}'
[[ $(get status) == effective && $(get next_review) == 2024-07-15 ]] || fail "approve: $RESP"
err 400 invalid '^note: a revision note' POST /docs/QT-01/revise '{}'
ok 200 POST /docs/QT-01/revise "{\"note\":\"Sửa đổi theo Nghị định 107/2021\",\"files\":[\"$SHA2\"]}"
[[ $(get issue) == 2 && $(get status) == draft && $(get files.0.sha256) == "$SHA2" ]] ||
    fail "revise: $RESP"
err 404 not_found '^code: no document QT-99' POST /docs/QT-99/submit
err 404 not_found 'no such endpoint' POST /docs/QT-01/publish
err 405 method '^method: GET /api/v1/docs/QT-01/submit is not allowed; use POST' \
    GET /docs/QT-01/submit
err 400 invalid '^note: the reason for withdrawing is required' POST /docs/CS-01/withdraw '{}'
ok 200 POST /docs/CS-01/withdraw '{"note":"Thay bằng chính sách mới"}'
[[ $(get status) == withdrawn ]] || fail "withdraw: $RESP"

ok 200 GET /docs/QT-01/history
[[ $(get code) == QT-01 && $(get issues.0.status) == effective && $(get issues.1.issue) == 2 &&
    $(get issues.1.note) == "Sửa đổi theo Nghị định 107/2021" ]] || fail "history: $RESP"
err 404 not_found '^code: no document QT-99' GET /docs/QT-99/history

# Lists, with each filter; the same rows as noded doc list --json.
ok 200 GET /docs
[[ $(get documents | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))') == 2 ]] ||
    fail "GET /docs: $RESP"
cli=$("$NODED" doc list -c "$C" --json)
[[ $(json_get documents <<<"$cli") == "$(get documents)" ]] ||
    fail "GET /docs differs from noded doc list --json:
$RESP
$cli"
ok 200 GET '/docs?status=effective'
[[ $(get documents.0.code) == QT-01 && $(get documents.0.issue) == 1 ]] || fail "?status: $RESP"
ok 200 GET '/docs?kind=policy&access=public'
[[ $(get documents.0.code) == CS-01 ]] || fail "?kind&access: $RESP"
# Issue 1 of QT-01 is in force (issue 2 is a draft) and was due for review in July 2024.
ok 200 GET '/docs?review_due=1'
[[ $(get documents.0.code) == QT-01 && $(get documents.0.issue) == 1 &&
    $(get documents) != *CS-01* ]] || fail "?review_due=1: $RESP"
err 400 invalid "^status: 'valid' is not one of" GET '/docs?status=valid'
err 400 invalid "^access: 'secret' is not one of" GET '/docs?access=secret'
err 400 invalid '^sort: unknown parameter' GET '/docs?sort=code'

# ---------------------------------------------------------------------------------------------
# Record files.
FC=000.00.20.H55.02.HS-2024
ok 201 POST /files '{"organ_id":"000.00.20.H55","catalog":"02","notation":"HS-2024",
    "title":"Hồ sơ hệ thống quản lý chất lượng","retention":"permanent","start":"2024-01-02"}'
[[ $(get code) == "$FC" && $(get status) == open && $(get retention_permanent) == true ]] ||
    fail "POST /files: $RESP"
err 409 exists "^file_code: record file $FC already exists" POST /files \
    '{"organ_id":"000.00.20.H55","catalog":"02","notation":"HS-2024","title":"t","retention":5}'
err 400 invalid '^retention: required' POST /files \
    '{"organ_id":"O","catalog":"C","notation":"N","title":"t"}'
err 400 invalid '^organ_id, catalog and notation are required' POST /files '{"title":"t","retention":5}'
err 400 invalid "^start_date: '2024-02-30' is not a date" POST /files \
    '{"organ_id":"O","catalog":"C","notation":"N","title":"t","retention":5,"start":"2024-02-30"}'
ok 200 POST "/files/$FC/add" '{"doc":"QT-01","issue":1}'
[[ $(get doc_total) == 1 && $(get page_total) == 4 ]] || fail "add (3 PDF pages + 1): $RESP"
err 409 exists '^doc: QT-01 issue 1 is already filed' POST "/files/$FC/add" '{"doc":"QT-01","issue":1}'
err 404 not_found '^code: no document QT-99' POST "/files/$FC/add" '{"doc":"QT-99"}'
err 400 invalid '^doc: the document code is required' POST "/files/$FC/add" '{}'
err 404 not_found '^file_code: no record file X.Y.Z' POST /files/X.Y.Z/add '{"doc":"QT-01"}'
ok 200 POST "/files/$FC/add" '{"doc":"CS-01"}'
ok 200 POST "/files/$FC/remove" '{"doc":"CS-01"}'
[[ $(get doc_total) == 1 ]] || fail "remove: $RESP"
err 404 not_found '^doc: CS-01 issue 1 is not filed' POST "/files/$FC/remove" '{"doc":"CS-01"}'
ok 200 GET "/files/$FC"
[[ $(get entries.0.doc_code) == QT-01 ]] || fail "GET /files/CODE: $RESP"
err 404 not_found '^file_code: no record file X.Y.Z' GET /files/X.Y.Z
ok 200 GET /files
[[ $(get files.0.code) == "$FC" ]] || fail "GET /files: $RESP"
err 400 invalid "^end_date: '2024-31-12' is not a date" POST "/files/$FC/close" '{"end":"2024-31-12"}'
ok 200 POST "/files/$FC/close" '{"end":"2024-12-31"}'
[[ $(get status) == closed && $(get end_date) == 2024-12-31 ]] || fail "close: $RESP"
err 400 invalid "^status: record file $FC is already closed" POST "/files/$FC/close" '{}'

# ---------------------------------------------------------------------------------------------
# Cases: the applicant stays on this node, and this API shows it.
ok 201 POST /cases '{"code":"TD-0001","procedure":"1.004227","unit":"Phòng Tư pháp",
    "received":"2024-03-01 08:30","due":"2024-03-15 17:00","applicant_name":"Nguyễn Thị Hoa Mai",
    "applicant_id":"001190012345","applicant_address":"Số 17 ngõ 9, Vĩnh Yên",
    "applicant_contact":"mai@example.vn"}'
[[ $(get status) == received ]] || fail "POST /cases: $RESP"
grep -q "Hoa Mai" <<<"$RESP" && fail "the receive answer (the replicated Case) carries the name"
ok 201 POST /cases '{"code":"TD-0002","procedure":"1.004227","due":"2099-01-01","applicant_name":"B"}'
err 409 exists '^code: case TD-0001 already exists' POST /cases \
    '{"code":"TD-0001","procedure":"p","due":"2024-04-01","applicant_name":"x"}'
err 400 invalid '^applicant_name: required' POST /cases '{"code":"TD-0003","procedure":"p","due":"2024-04-01"}'
err 400 invalid '^due: the due date is required' POST /cases '{"code":"TD-0003","procedure":"p","applicant_name":"x"}'
err 400 invalid "^due: '15/03/2024' is not a date" POST /cases \
    '{"code":"TD-0003","procedure":"p","due":"15/03/2024","applicant_name":"x"}'
ok 200 GET /cases/TD-0001
[[ $(get applicant.name) == "Nguyễn Thị Hoa Mai" && $(get applicant.id_number) == 001190012345 ]] ||
    fail "GET /cases/CODE lacks the applicant: $RESP"
err 404 not_found '^code: no case TD-9999' GET /cases/TD-9999
ok 200 POST /cases/TD-0001/update '{"status":"processing","note":"Đang thẩm định"}'
[[ $(get status) == processing ]] || fail "update: $RESP"
err 400 invalid "^status: 'completed' is not one of: received, processing, supplement" \
    POST /cases/TD-0001/update '{"status":"completed"}'
err 404 not_found '^code: no case TD-9999' POST /cases/TD-9999/update '{"status":"processing"}'
err 400 invalid "^status: 'processing' does not finish a case" POST /cases/TD-0001/complete \
    '{"status":"processing"}'
ok 200 GET '/cases?overdue=1'
[[ $(get cases.0.code) == TD-0001 && $(get cases) != *TD-0002* ]] || fail "?overdue=1: $RESP"
ok 200 POST /cases/TD-0001/complete '{"at":"2024-03-14 10:00"}'
[[ $(get status) == completed ]] || fail "complete: $RESP"
err 400 invalid '^status: case TD-0001 is already completed' POST /cases/TD-0001/update '{"note":"x"}'
ok 200 GET '/cases?open=1'
[[ $(get cases.0.code) == TD-0002 && $(get cases) != *TD-0001* ]] || fail "?open=1: $RESP"
ok 200 GET '/cases?status=completed'
[[ $(get cases.0.code) == TD-0001 ]] || fail "?status=completed: $RESP"
err 400 invalid "^status: 'done' is not one of" GET '/cases?status=done'

err 404 not_found 'no such endpoint' GET /nothing
err 404 not_found 'no such endpoint' GET /docs/QT-01/history/extra

# ---------------------------------------------------------------------------------------------
# What the API wrote is in the signed log: it reaches the hub, file and all.
wait_synced n1 60
ok 200 GET /status
[[ $(get head_seq) == "$(node_get n1 head_seq)" && $(get acked_seq) == "$(get head_seq)" &&
    $(get head_hash) == "$(node_get n1 head_hash)" ]] || fail "GET /status vs noded status: $RESP"
"$HUBD" doc -c "$(hub_conf)" --json "$AG" QT-01 >"$TEST_DIR/hub-doc.json"
hub=$(cat "$TEST_DIR/hub-doc.json")
[[ $(json_get title <<<"$hub") == "Quy trình tiếp nhận hồ sơ" && $(json_get current <<<"$hub") == 1 ]] ||
    fail "hubd doc $AG QT-01: $hub"
grep -q "$SHA" "$TEST_DIR/hub-doc.json" || fail "hubd doc $AG QT-01 lacks the uploaded file $SHA"
hub_blob_is "$TEST_DIR/qt.pdf" || fail "the hub's copy of the uploaded file differs"
hub_blob_is "$TEST_DIR/phu-luc.bin" || fail "the hub's copy of phu-luc.bin differs"
"$HUBD" doc -c "$(hub_conf)" "$AG" CS-01 | grep -q withdrawn || fail "hub lacks CS-01 withdrawn"

# ---------------------------------------------------------------------------------------------
# An empty token refuses everything (and says so at start); the daemon stops cleanly with a
# keep-alive connection open.
stop n1
conf_set "$C" api token ""
start_node n1
wait_until "log_has n1 'api.token is empty'" 10
err 401 unauthorized '^token: api.token is empty' GET /status
"$PY" - "$PORT" "$TOKEN" >"$TEST_DIR/keepalive.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
s.settimeout(20)
print(s.recv(65536).split(b"\r\n")[0].decode(), flush=True)
t = time.time()
print("closed" if s.recv(10) == b"" else "data", "%.1f" % (time.time() - t), flush=True)
EOF
KA=$!
sleep 0.5
start=$SECONDS
stop n1
((SECONDS - start <= 5)) || fail "noded took $((SECONDS - start))s to stop with a keep-alive connection open"
wait "$KA" || fail "keep-alive client failed: $(cat "$TEST_DIR/keepalive.out")"
grep -q '^HTTP/1.1 401' "$TEST_DIR/keepalive.out" && grep -q '^closed' "$TEST_DIR/keepalive.out" ||
    fail "keep-alive client saw: $(cat "$TEST_DIR/keepalive.out")"

# A port already taken (here the hub's): the node refuses to start, naming the address; an
# empty api.listen turns the API off, and the node replicates on without it.
conf_set "$C" api listen "127.0.0.1:${HUB_ENDPOINT##*:}"
must_fail "api: cannot listen on 127.0.0.1:${HUB_ENDPOINT##*:}: address already in use" \
    timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$C"
conf_set "$C" api listen ""
start_node n1
wait_until "log_has n1 'api: off'" 10
put n1 QT-50 >/dev/null
wait_synced n1 30
stop n1
# A malformed address is a configuration error, for run -n and for run.
conf_set "$C" api listen "localhost:7780"
must_fail "api.listen: 'localhost' is not an IPv4 address" "$NODED" run "${RUN_OPTS[@]}" -n -c "$C"
must_fail "api.listen: 'localhost' is not an IPv4 address" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$C"
stop "$HUB"
