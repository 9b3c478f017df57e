#!/usr/bin/env bash
# 21-dashboard-browser: the oversight dashboard in a real browser. The 41 agencies of the Vinh
# Phuc roster are provisioned (deploy/provision) and enrolled at a hub; a dozen of them run
# real nodes that fill in documents (one revised), record files and cases over the last
# months, while the rest have not connected yet; one forged change set is rejected. Then
# tests/browser/dashboard.mjs drives Debian's Chromium through playwright-core: login, the
# overview's table (every agency, colours for states, sorting, filters), its charts, the
# switch to English, an agency page with its document history, an alert acknowledged. The
# screenshots are kept in $BUILD/screenshots/.
# timeout: 420
. "$(dirname "$0")/lib.sh"

ROSTER=$ROOT/deploy/roster/agencies-vinh-phuc.tsv
BROWSER_DIR=$ROOT/tests/browser
SHOTS=${BUILD:-$ROOT/build}/screenshots
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PASSWORD="mat-khau-trinh-duyet"
[[ -x $CHROMIUM ]] || fail "$CHROMIUM is missing: deploy/deps.sh installs chromium"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are missing: deploy/deps.sh installs them"
if [[ ! -f $BROWSER_DIR/node_modules/playwright-core/package.json ]]; then
	note "installing playwright-core (npm ci in tests/browser)"
	(cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 ||
	    fail "npm ci in tests/browser failed: $(tail -n 5 "$LOG_DIR/npm.log")"
fi

# --- a province: the hub and every agency's bundle, made as a real rollout makes them ---------
HUB=hub
HUB_ENDPOINT=tcp://127.0.0.1:$(free_port)
"$ROOT/deploy/provision" "$ROSTER" "$TEST_DIR" --hub "$HUB_ENDPOINT" --listen "$HUB_ENDPOINT" \
    --in-place --agencies-dir "$TEST_DIR" --bin "$EISO_BIN" >"$LOG_DIR/provision.log" 2>&1 ||
    fail "provision: $(tail -n 5 "$LOG_DIR/provision.log")"
HUB_KEY=$(cat "$TEST_DIR/hub/keys/curve.pub")
hub_web_port
hub_password "$PASSWORD"
conf_set "$(hub_conf)" alerts check_s 5
ids=$(awk -F'\t' '!/^#/ && $1 != "id" && NF { print $1 }' "$ROSTER")
[[ $(wc -l <<<"$ids") == 41 ]] || fail "the roster does not have 41 agencies"
start_hub

# A dozen agencies of every level come online; the others have not connected yet.
RUNNING="vp-skhcn vp-stp vp-snv vp-syt vp-sgddt vp-tp-vinhyen vp-tp-phucyen vp-tamdao
    vp-yenlac vp-cctdc vp-ccvtlt vp-ccattp"
for id in $RUNNING; do
	conf_set "$(node_conf "$id")" api listen "127.0.0.1:$(free_port)"
	start_node "$id"
done

month_ago() { date -d "$(date +%Y-%m-15) -$1 months" +%F; }
fill() {   # ID INDEX: documents in force since different months, and cases
	local id=$1 k=$2 c
	c=$(node_conf "$id")
	"$NODED" doc import -c "$c" --code CS-01 --kind policy --access public \
	    --title "Chính sách chất lượng" --by "Giám đốc" --effective "$(month_ago $((10 - k % 4)))" >/dev/null
	"$NODED" doc import -c "$c" --code MT-01 --kind objective --access public \
	    --title "Mục tiêu chất lượng năm 2026" --by "Giám đốc" --effective "$(month_ago $((7 - k % 3)))" >/dev/null
	"$NODED" doc import -c "$c" --code QT-02 --kind procedure --access internal \
	    --title "Quy trình kiểm soát hồ sơ" --by "Giám đốc" --effective "$(month_ago $((4 - k % 3)))" >/dev/null
	"$NODED" doc import -c "$c" --code BM-01 --kind form --access public \
	    --title "Phiếu theo dõi quá trình giải quyết hồ sơ" --by "Giám đốc" --effective "$(month_ago $((k % 2)))" >/dev/null
	"$NODED" doc new -c "$c" --code QT-05 --kind procedure --title "Quy trình đánh giá nội bộ" >/dev/null
	"$NODED" file new -c "$c" --organ-id "000.00.$k.H55" --catalog 02 --notation HS-TTHC \
	    --title "Hồ sơ thủ tục hành chính năm 2026" --retention 10 --start "$(month_ago 6)" >/dev/null
	for m in 5 3 1; do
		local r d
		r=$(month_ago "$m")
		d=$(date -d "$r +10 days" +%F)
		"$NODED" case receive -c "$c" --code "HS-$m-1" --procedure 1.004227 --received "$r 08:00" \
		    --due "$d 17:00" --applicant-name "Công dân $m" \
		    $( ((k % 3 != 1)) && echo --record-file "000.00.$k.H55.02.HS-TTHC") >/dev/null
		"$NODED" case complete -c "$c" --code "HS-$m-1" --at "$(date -d "$r +$((3 + k % 5)) days" +%F) 10:00" >/dev/null
		"$NODED" case receive -c "$c" --code "HS-$m-2" --procedure 2.000908 --received "$r 09:00" \
		    --due "$d 17:00" --applicant-name "Công dân $m-2" >/dev/null
		if (( (k + m) % 3 == 0 )); then
			"$NODED" case complete -c "$c" --code "HS-$m-2" --at "$(date -d "$r +14 days" +%F) 16:00" >/dev/null
		fi
	done
}
k=0
for id in $RUNNING; do fill "$id" "$k"; k=$((k + 1)); done
# vp-skhcn: a revised procedure (two issues) and a policy long past its review.
C=$(node_conf vp-skhcn)
"$NODED" doc import -c "$C" --code QT-01 --kind procedure --access public --by "Giám đốc" \
    --title "Quy trình kiểm soát tài liệu" --effective "$(month_ago 8)" >/dev/null
"$NODED" doc revise -c "$C" --code QT-01 --note "Sửa đổi theo Nghị định 107/2021" --by "Chuyên viên" >/dev/null
"$NODED" doc submit -c "$C" --code QT-01 >/dev/null
"$NODED" doc check -c "$C" --code QT-01 --by "Trưởng phòng" >/dev/null
"$NODED" doc approve -c "$C" --code QT-01 --by "Giám đốc" --position "Giám đốc Sở" >/dev/null
"$NODED" doc import -c "$C" --code ST-01 --kind manual --title "Sổ tay chất lượng" --by "Giám đốc" \
    --effective 2020-01-01 >/dev/null
for id in $RUNNING; do wait_synced "$id" 90; done
"$FORGE" --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --timeout-ms 3000 --keys "$(node_keys vp-stp)" \
    --agency vp-stp --bad-signature >>"$LOG_DIR/forge.log" 2>&1 || fail "forge failed"
wait_until "\"\$HUBD\" alerts -c \"\$(hub_conf)\" | grep -q 'vp-skhcn .*review_overdue'" 30

# --- the browser ---------------------------------------------------------------------------------
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
EISO_URL=$HUB_WEB EISO_USER=admin EISO_PASSWORD=$PASSWORD EISO_AGENCIES=41 EISO_AGENCY=vp-skhcn \
    EISO_SCREENSHOTS=$SHOTS CHROMIUM=$CHROMIUM timeout 240 node "$BROWSER_DIR/dashboard.mjs" \
    >"$LOG_DIR/browser.log" 2>&1 || fail "the browser test failed: $(cat "$LOG_DIR/browser.log")"
note "$(tail -n 1 "$LOG_DIR/browser.log")"
for f in login overview-vi overview-en agency-en agency-vi alerts; do
	[[ -s $SHOTS/$f.png ]] || fail "no screenshot $SHOTS/$f.png"
	[[ $(head -c 8 "$SHOTS/$f.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
	    fail "$SHOTS/$f.png is not a PNG"
done
# The printed overview: every column's heading is on the paper, the menu is not.
text=$(pdftotext -layout "$SHOTS/overview-print.pdf" - | tr -s ' \n' ' ')
for h in "Trạng thái" "Cơ quan, đơn vị" "Cấp" "Đơn vị cấp trên" "Liên lạc gần nhất" "Số bộ đã áp dụng" \
    "Chậm đồng bộ" "Tài liệu hiệu lực" "Quá hạn rà soát" "Đúng hạn" "HS điện tử / chỉ tiêu" "Cảnh báo"; do
	# A heading may wrap onto two lines in its narrow printed column: compare word by word.
	for w in $h; do grep -qF -- "$w" <<<"$text" || fail "the printed overview lacks the column '$h' ($w)"; done
done
grep -qF "Đăng xuất" <<<"$text" && fail "the printed overview carries the menu"
for f in overview-1366 agency-400; do [[ -s $SHOTS/$f.png ]] || fail "no screenshot $SHOTS/$f.png"; done
note "screenshots: $(cd "$SHOTS" && ls | tr '\n' ' ')"

for id in $RUNNING; do stop "$id"; done
stop "$HUB"
