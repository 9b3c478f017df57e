#!/usr/bin/env bash
# 26-workspace-browser: the agency workspace in a real browser: tests/browser/workspace.mjs
# drives Debian's Chromium through playwright-core against a running node: a wrong password,
# login to My work, a new draft through the form, submit, the checker's return with a
# comment, the drafter's edit and resubmission, the password page, the list in English,
# logout. Screenshots at
# 1366x768 and 400 px wide are kept in $BUILD/screenshots-workspace/.
# timeout: 240
. "$(dirname "$0")/lib.sh"

BROWSER_DIR=$ROOT/tests/browser
SHOTS=${BUILD:-$ROOT/build}/screenshots-workspace
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || fail "$CHROMIUM is missing: deploy/deps.sh installs chromium"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are missing: deploy/deps.sh installs them"
if [[ ! -f $BROWSER_DIR/node_modules/playwright-core/package.json ]]; then
	note "installing playwright-core (npm ci in tests/browser)"
	(cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 ||
	    fail "npm ci in tests/browser failed: $(tail -n 5 "$LOG_DIR/npm.log")"
fi

hub_init
node_init n1 so-xay-dung
C=$(node_conf n1)
printf '%s\n' "mat-khau-lan-1" | "$NODED" user add -c "$C" lan --roles drafter \
    --position "Chuyên viên" --password-stdin >/dev/null
printf '%s\n' "mat-khau-minh-1" | "$NODED" user add -c "$C" minh --roles checker \
    --position "Trưởng phòng" --password-stdin >/dev/null
start_hub
start_node n1
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
wait_until "port_open $PORT" 10

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
EISO_URL=http://127.0.0.1:$PORT EISO_USER=lan EISO_PASSWORD=mat-khau-lan-1 \
    EISO_CHECKER=minh EISO_CHECKER_PASSWORD=mat-khau-minh-1 \
    EISO_SCREENSHOTS=$SHOTS CHROMIUM=$CHROMIUM timeout 180 node "$BROWSER_DIR/workspace.mjs" \
    >"$LOG_DIR/browser.log" 2>&1 || fail "the browser test failed: $(cat "$LOG_DIR/browser.log")"
note "$(tail -n 1 "$LOG_DIR/browser.log")"
for f in login-failed work-empty docs-empty new doc-draft doc-in-review work-checker \
    doc-return-form doc-route work-returned doc-returned work-en passwd passwd-error docs-en; do
	for g in "$f" "$f-phone"; do
		[[ -s $SHOTS/$g.png ]] || fail "no screenshot $SHOTS/$g.png"
	done
done
[[ $("$NODED" doc show -c "$C" --code QT-11 --json | json_get status) == in_review ]] ||
    fail "QT-11 is not in review at the node"
note "screenshots: $(cd "$SHOTS" && ls | tr '\n' ' ')"
