# lib-ws.sh: curl as the workspace's browser, for the scenarios that drive noded's staff pages
# (25-workspace, 30-route-cli-vs-workspace). Source after lib.sh, with BASE set.

# ws_useradd NAME ROLES POSITION PASSWORD [CONF]: a local account made by `noded user add`.
ws_useradd() {
	printf '%s\n' "$4" | "$NODED" user add -c "${5:-$C}" "$1" --roles "$2" --position "$3" \
	    --password-stdin >/dev/null || fail "noded user add $1"
}
# jar NAME: the cookie file of one browser.
jar() { echo "$TEST_DIR/jar.$1"; }
# page NAME PATH: GET with NAME's cookies; sets STATUS, body in $TEST_DIR/page.
page() {
	STATUS=$(curl -sS -b "$(jar "$1")" -c "$(jar "$1")" -o "$TEST_DIR/page" -w '%{http_code}' \
	    "$BASE$2")
}
# form NAME PATH FIELDS...: POST the fields (each name=value, encoded here) with NAME's
# cookies; sets STATUS, body in $TEST_DIR/page, headers in $TEST_DIR/head.
form() {
	local who=$1 path=$2
	shift 2
	local -a d=(--data-raw "")
	for f in "$@"; do d+=(--data-urlencode "$f"); done
	STATUS=$(curl -sS -b "$(jar "$who")" -c "$(jar "$who")" -o "$TEST_DIR/page" \
	    -D "$TEST_DIR/head" -w '%{http_code}' "${d[@]}" "$BASE$path")
}
# rawform NAME PATH BODY: POST BODY exactly as given (already encoded).
rawform() {
	STATUS=$(curl -sS -b "$(jar "$1")" -c "$(jar "$1")" -o "$TEST_DIR/page" \
	    -D "$TEST_DIR/head" -w '%{http_code}' -H 'content-type: application/x-www-form-urlencoded' \
	    --data-binary "$3" "$BASE$2")
}
# token: the form token in the page last fetched.
token() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_DIR/page" | head -1; }
# login NAME PASSWORD: fetch the login page, post it; sets STATUS.
login() {
	page "$1" /login
	form "$1" /login "csrf=$(token)" "name=$1" "password=$2"
}
# act NAME CODE ACTION FIELDS...: the form of ACTION on document CODE, with a fresh token.
act() {
	local who=$1 code=$2 action=$3
	shift 3
	page "$who" "/docs/$code"
	form "$who" "/docs/$code/$action" "csrf=$(token)" "$@"
}
