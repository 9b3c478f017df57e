#!/usr/bin/env bash
# 19-portal-browser: the public portal in Debian's Chromium (tests/browser/portal.mjs, driven
# by playwright-core) against a real hub fed by a real node: agencies, an agency, a document,
# its publication sheet (screenshot, and printed to exactly one A4 page), the language switch,
# search without diacritics, the verify page (a real file, a changed one), the QR landing page,
# and an old sheet's QR page (superseded, linking the issue in force).
# The sheet's screenshot is decoded with zbarimg: the QR code on the printed sheet names
# exactly the URL printed beside it. Screenshots go to $BUILD/screenshots/.
# timeout: 240
. "$(dirname "$0")/lib.sh"

command -v zbarimg >/dev/null || fail "zbarimg is missing (deploy/deps.sh installs zbar-tools)"
command -v node >/dev/null || fail "node is missing (deploy/deps.sh installs nodejs)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || fail "$CHROMIUM is missing (deploy/deps.sh installs chromium)"
BR=$ROOT/tests/browser
if [[ ! -d $BR/node_modules/playwright-core ]]; then
	note "installing playwright-core (npm ci in tests/browser)"
	(cd "$BR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 ||
	    fail "npm ci in tests/browser failed: $(tail -n 5 "$LOG_DIR/npm.log")"
fi
SHOTS=${BUILD:-$ROOT/build}/screenshots
mkdir -p "$SHOTS"

AG=ubnd-vinh-yen
hub_init
WEB=$HUB_WEB
conf_set "$(hub_conf)" web public_base "https://iso.vinhphuc.example.vn"
node_init n1 "$AG"
HC=$(hub_conf)
"$HUBD" agency rename -c "$HC" "$AG" --name-vi "UBND thành phố Vĩnh Yên" \
    --name-en "Vinh Yen City People's Committee" >/dev/null
"$HUBD" agency move -c "$HC" "$AG" --level district >/dev/null
start_hub
start_node n1
nd() { "$NODED" "$@" -c "$(node_conf n1)"; }

F=$TEST_DIR/files
mkdir -p "$F"
printf '%%PDF-1.4\n%% Quy trinh tiep nhan va tra ket qua ho so\n%%%%EOF\n' >"$F/qt-01.pdf"
printf 'Chinh sach chat luong\n' >"$F/cs-01.txt"
printf 'Phieu theo doi\n' >"$F/bm-01.txt"
nd doc import --code CS-01 --title "Chính sách chất lượng" --kind policy --access public \
    --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2025-01-01 --file "$F/cs-01.txt" >/dev/null
printf 'Chinh sach chat luong, ban hanh lan 2\n' >"$F/cs-01-v2.txt"
nd doc revise --code CS-01 --note "Cập nhật theo TCVN ISO 9001:2015" --file "$F/cs-01-v2.txt" >/dev/null
nd doc submit --code CS-01 >/dev/null
nd doc check --code CS-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code CS-01 --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2026-01-01 >/dev/null
nd doc new --code QT-01 --title "Quy trình tiếp nhận hồ sơ" --kind procedure --access public \
    --by "Trần Thị B" --position "Chuyên viên" --owner-unit "Văn phòng HĐND và UBND" \
    --file "$F/qt-01.pdf" >/dev/null
nd doc submit --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2026-01-15 >/dev/null
nd doc import --code BM-01 --title "Phiếu theo dõi quá trình giải quyết hồ sơ" --kind form \
    --access public --by "Nguyễn Văn An" --effective 2026-01-15 --file "$F/bm-01.txt" >/dev/null
wait_synced n1 60

cp "$F/qt-01.pdf" "$F/qt-01-changed.pdf"
printf '%% one more line\n' >>"$F/qt-01-changed.pdf"
out=$(node "$BR/portal.mjs" "$WEB" "$TEST_DIR/shots" "$AG" QT-01 "$F/qt-01.pdf" \
    "$F/qt-01-changed.pdf" CS-01 2>"$LOG_DIR/browser.log") ||
    fail "portal.mjs: $(cat "$LOG_DIR/browser.log")"
QR_URL=$(json_get qr_url <<<"$out")
[[ $QR_URL == https://iso.vinhphuc.example.vn/q/$AG/QT-01/1/* ]] || fail "sheet's URL: $QR_URL"

# The QR code as Chromium drew it on the sheet says what the sheet prints.
got=$(zbarimg -q --raw "$TEST_DIR/shots/portal-sheet.png") || fail "zbarimg found no QR code on the sheet"
[[ $got == "$QR_URL" ]] || fail "the sheet's QR code says '$got', the sheet prints '$QR_URL'"
note "sheet QR decodes to $got"

cp "$TEST_DIR"/shots/*.png "$TEST_DIR"/shots/*.pdf "$SHOTS"/
note "screenshots in $SHOTS: $(cd "$SHOTS" && ls portal-* | paste -sd' ')"

stop n1
stop "$HUB"
