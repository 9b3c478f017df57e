#!/usr/bin/env bash
# 32-workspace-hostile: hostile input to every form of the workspace. Each field of each form
# gets a NUL byte (%00), invalid UTF-8 (%ff), a control character (%01) and a 1 MB value;
# each form is posted without its token, with a wrong token and with a wrong method. Every
# one answers a 4xx page whose message names the field (or the token, or the method), and
# nothing is written: the node's documents, their histories, its change counter and the
# passwords are the same after as before. A raw NUL byte in a body is refused too.
# timeout: 240
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ws.sh"

hub_init
node_init n1 so-cong-thuong
C=$(node_conf n1)
ws_useradd boss drafter,checker,approver,iso_secretary "Phó Giám đốc" "boss-password-1"
nd() { "$NODED" "$@" -c "$C" >/dev/null || fail "noded $*"; }
nd doc new --code QT-D --kind procedure --title "Dự thảo" --by boss
nd doc new --code QT-R --kind procedure --title "Đang kiểm tra" --by boss
nd doc submit --code QT-R --by boss
nd doc new --code QT-A --kind procedure --title "Chờ phê duyệt" --by boss
nd doc submit --code QT-A --by boss
nd doc check --code QT-A --by boss
start_hub
start_node n1
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
BASE=http://127.0.0.1:$PORT
wait_until "port_open $PORT" 10

# The store as the CLI reads it: documents, every issue, the change counter.
snapshot() {
	"$NODED" doc list -c "$C" --json
	for c in QT-D QT-R QT-A; do "$NODED" doc history -c "$C" --code "$c" --json; done
	"$NODED" status -c "$C" --json | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["head_seq"], d["pending_changes"], d["pending_sets"])'
}
login boss boss-password-1
[[ $STATUS == 303 ]] || fail "login: $STATUS"
page boss /docs/QT-D
TOK=$(token)
[[ -n $TOK ]] || fail "no form token"
before=$(snapshot)

BIG=$(head -c 1000000 /dev/zero | tr '\0' 'a')
printf 'csrf=%s&comment=' "$TOK" >"$TEST_DIR/big.body"
printf '%s' "$BIG" >>"$TEST_DIR/big.body"
n=0
# expect WANT TEXT WHAT: the last answer had status WANT and its page says TEXT.
expect() {
	[[ $STATUS == "$1" ]] || fail "$3: status $STATUS, wanted $1"
	grep -qF -- "$2" "$TEST_DIR/page" || fail "$3: the page does not say '$2': $(sed -n '/<main>/,$p' "$TEST_DIR/page" | head -20)"
	n=$((n + 1))
}
# fields WHO PATH TOKEN OTHER FIELD...: each hostile value in each FIELD of the form at PATH
# (OTHER: the form's other fields, already encoded, "" for none).
fields() {
	local who=$1 path=$2 tok=$3 others=$4 other f
	shift 4
	for f in "$@"; do
		other="&$others"
		other=${other/"&$f="/"&x$f="}      # the field under test only once
		rawform "$who" "$path" "csrf=$tok&$other&$f=a%00b"
		expect 400 "$f: holds a NUL byte" "$path $f=%00"
		rawform "$who" "$path" "csrf=$tok&$other&$f=a%ffb"
		expect 400 "$f: is not valid UTF-8" "$path $f=%ff"
		rawform "$who" "$path" "csrf=$tok&$other&$f=a%01b"
		expect 400 "$f: holds a control character" "$path $f=%01"
		sed "s/&comment=/\&$other\&$f=/" "$TEST_DIR/big.body" >"$TEST_DIR/big.$f"
		STATUS=$(curl -sS -b "$(jar "$who")" -c "$(jar "$who")" -o "$TEST_DIR/page" \
		    -w '%{http_code}' -H 'content-type: application/x-www-form-urlencoded' \
		    --data-binary "@$TEST_DIR/big.$f" "$BASE$path")
		expect 413 "$f: too long" "$path $f of 1 MB"
	done
}
# tokens WHO PATH TOKEN: the form without its token, with a wrong one, and a wrong method.
tokens() {
	rawform "$1" "$2" "title=x&comment=x"
	expect 403 "csrf: missing" "$2 without a token"
	rawform "$1" "$2" "csrf=${3//?/0}&title=x&comment=x"
	expect 403 "csrf: not the token" "$2 with a wrong token"
	STATUS=$(curl -sS -b "$(jar "$1")" -o "$TEST_DIR/page" -w '%{http_code}' -X PUT \
	    --data-binary "csrf=$3" "$BASE$2")
	expect 405 "$2" "PUT $2"
	STATUS=$(curl -sS -b "$(jar "$1")" -o "$TEST_DIR/page" -w '%{http_code}' -X DELETE "$BASE$2")
	expect 405 "$2" "DELETE $2"
}

fields boss /new "$TOK" "kind=procedure" code title kind note
tokens boss /new "$TOK"
fields boss /docs/QT-D/edit "$TOK" "" title note
tokens boss /docs/QT-D/edit "$TOK"
fields boss /docs/QT-D/submit "$TOK" "" comment
tokens boss /docs/QT-D/submit "$TOK"
fields boss /docs/QT-R/check "$TOK" "" comment
fields boss /docs/QT-R/return "$TOK" "" comment
tokens boss /docs/QT-R/return "$TOK"
fields boss /docs/QT-A/approve "$TOK" "" comment
tokens boss /docs/QT-A/approve "$TOK"
fields boss /password "$TOK" "old_password=boss-password-1&password=boss-password-2&password_again=boss-password-2" \
    old_password password password_again
tokens boss /password "$TOK"
tokens boss /logout "$TOK"
# A GET of a form's POST-only path is a 405 page too.
page boss /docs/QT-A/approve
expect 405 "/docs/QT-A/approve" "GET /docs/QT-A/approve"
page boss /logout
expect 405 "/logout" "GET /logout"
# A field longer than its own limit, though the form is small.
rawform boss /docs/QT-D/edit "csrf=$TOK&title=$(head -c 2000 /dev/zero | tr '\0' t)"
expect 413 "title: longer than" "a 2,000-byte title"
# A raw NUL byte in the body, not escaped.
printf 'csrf=%s&title=a\0b' "$TOK" >"$TEST_DIR/nul.body"
STATUS=$(curl -sS -b "$(jar boss)" -o "$TEST_DIR/page" -w '%{http_code}' \
    -H 'content-type: application/x-www-form-urlencoded' --data-binary "@$TEST_DIR/nul.body" \
    "$BASE/docs/QT-D/edit")
expect 400 "form: holds a NUL byte" "a raw NUL byte"

# The login form: its own token (a new one with each answer), then the two fields.
lform() { page boss /login; rawform boss /login "csrf=$(token)&$1"; }
for f in name password; do
	other="&name=boss&password=boss-password-1"
	other=${other/"&$f="/"&x$f="}
	lform "$other&$f=a%00b"
	expect 400 "$f: holds a NUL byte" "/login $f=%00"
	lform "$other&$f=a%ffb"
	expect 400 "$f: is not valid UTF-8" "/login $f=%ff"
	lform "$other&$f=a%1bb"
	expect 400 "$f: holds a control character" "/login $f=%1b"
done
rawform boss /login "name=boss&password=boss-password-1"
expect 403 "csrf: missing" "/login without a token"
STATUS=$(curl -sS -o "$TEST_DIR/page" -w '%{http_code}' -X PUT "$BASE/login")
expect 405 "/login" "PUT /login"

# Nothing was written, the session lives on, the password is the old one.
after=$(snapshot)
[[ $after == "$before" ]] || fail "a refused form changed the store: $(diff <(echo "$before") <(echo "$after"))"
page boss /work
[[ $STATUS == 200 ]] || fail "the session ended: $STATUS"
login boss boss-password-1
[[ $STATUS == 303 ]] || fail "the password changed: $STATUS"
note "$n hostile requests refused with a 4xx page naming the field; the store unchanged"
