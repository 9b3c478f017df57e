#!/usr/bin/env bash
# 31-workspace-work: the workspace's landing page, My work, and the own-password page.
# My work shows each user what waits for them (issues to check or approve, their drafts,
# drafts returned to them with the comment, reviews due within 30 days or overdue, and for
# the one-stop-shop role cases due soon or late), in Vietnamese and in English, with the
# counts in the header of every page. The password page wants the old password and the form
# token, says which field is wrong, and follows the same rules as `noded user passwd`.
# timeout: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ws.sh"

hub_init
node_init n1 so-y-te
C=$(node_conf n1)
ws_useradd lan drafter "Chuyên viên" "lan-password-1"
ws_useradd minh checker "Trưởng phòng" "minh-password-1"
ws_useradd hoa approver "Giám đốc" "hoa-password-1"
ws_useradd thu iso_secretary "Thư ký ISO" "thu-password-1"
ws_useradd mai one_stop "Cán bộ một cửa" "mai-password-1"

nd() { "$NODED" "$@" -c "$C" >/dev/null || fail "noded $*"; }
# vn_day WHEN: the calendar day in Vietnam (UTC+7, as the node counts days), WHEN from now.
vn_day() { date -u -d "$(date -u -d "@$(( $(date +%s) + 7 * 3600 ))" +%F) ${1/now/}" +%F; }
for c in QT-01 QT-02 QT-03 QT-04; do
	nd doc new --code $c --kind procedure --title "Quy trình $c" --by lan --position "Chuyên viên"
done
nd doc submit --code QT-01 --by lan
nd doc submit --code QT-02 --by lan
nd doc check --code QT-02 --by minh
nd doc submit --code QT-04 --by lan
nd doc return --code QT-04 --by minh --comment "Bổ sung lưu đồ ở mục 5"
# Reviews: CS-01 overdue, HD-01 due in about ten days, ST-01 a year away.
nd doc import --code CS-01 --kind policy --title "Chính sách chất lượng" --by hoa \
    --effective 2020-01-01
nd doc import --code HD-01 --kind instruction --title "Hướng dẫn lưu trữ" --by hoa \
    --effective "$(vn_day '-12 months +10 days')"
nd doc import --code ST-01 --kind manual --title "Sổ tay chất lượng" --by hoa \
    --effective "$(vn_day now)"
# Cases: one late, one due in two days, one a month away, one late but completed.
nd case receive --code HS-01 --procedure 1.001 --due "$(vn_day '-2 days')" \
    --received "$(vn_day '-20 days')" --applicant-name "Phạm Thị D"
nd case receive --code HS-02 --procedure 1.002 --due "$(vn_day '+2 days')" \
    --applicant-name "Phạm Thị E"
nd case receive --code HS-03 --procedure 1.003 --due "$(vn_day '+30 days')" \
    --applicant-name "Phạm Thị G"
nd case receive --code HS-04 --procedure 1.004 --due "$(vn_day '-5 days')" \
    --received "$(vn_day '-20 days')" --applicant-name "Phạm Thị H"
nd case complete --code HS-04

start_hub
start_node n1
PORT=$(sed -n 's/^listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$C")
BASE=http://127.0.0.1:$PORT
wait_until "port_open $PORT" 10

# has TEXT... / hasnt TEXT...: the page last fetched does (not) hold each text.
has() { for t in "$@"; do grep -qF -- "$t" "$TEST_DIR/page" || fail "page lacks '$t'"; done; }
hasnt() { for t in "$@"; do grep -qF -- "$t" "$TEST_DIR/page" && fail "page shows '$t'"; done; return 0; }
# section TITLE: the page's section with that heading, into $TEST_DIR/page.
section() {
	"$PY" - "$TEST_DIR/page" "$1" >"$TEST_DIR/section" <<'PYEOF'
import sys
html = open(sys.argv[1]).read()
at = html.index(sys.argv[2])
print(html[at:html.index("</section>", at)])
PYEOF
	cp "$TEST_DIR/section" "$TEST_DIR/page"
}

# Login lands on My work.
login lan lan-password-1
[[ $STATUS == 303 ]] && grep -qi '^location: /work' "$TEST_DIR/head" || fail "login lands: $STATUS"
page lan /
grep -qi 'location: /work' "$TEST_DIR/page" || true
page lan /work
[[ $STATUS == 200 ]] || fail "/work: $STATUS"
has "Việc của tôi" 'class="badge"'
cp "$TEST_DIR/page" "$TEST_DIR/lan.html"
section "Bị trả lại cho tôi"; has QT-04 "Bổ sung lưu đồ ở mục 5" "minh"; hasnt QT-03 QT-01
cp "$TEST_DIR/lan.html" "$TEST_DIR/page"; section "Dự thảo của tôi"; has QT-03; hasnt QT-04 QT-01
cp "$TEST_DIR/lan.html" "$TEST_DIR/page"
hasnt "Chờ tôi kiểm tra" "Chờ tôi phê duyệt" "Hồ sơ một cửa"
grep -q 'Bị trả lại: 1' "$TEST_DIR/lan.html" || fail "lan's header does not count the return"

login minh minh-password-1
page minh /work
cp "$TEST_DIR/page" "$TEST_DIR/minh.html"
section "Chờ tôi kiểm tra"; has QT-01; hasnt QT-02 QT-03 QT-04
page minh /docs
has "Chờ kiểm tra: 1"          # the counts are in every page's header
page minh /docs/QT-01
has "Chờ kiểm tra: 1" 'class="badge"'
page minh /new
has "Chờ kiểm tra: 1"

login hoa hoa-password-1
page hoa /work
section "Chờ tôi phê duyệt"; has QT-02; hasnt QT-01

login thu thu-password-1
page thu /work
section "Tài liệu đến hạn rà soát"; has CS-01 HD-01 "quá hạn từ"; hasnt ST-01
page thu "/work?lang=en"
has "My work" "Documents due for review within 30 days or overdue" "overdue since" "Reviews due: 2"

login mai mai-password-1
page mai /work
section "Hồ sơ một cửa"; has HS-01 HS-02 "trễ hạn"; hasnt HS-03 HS-04
page mai /docs
has "Hồ sơ sắp/quá hạn: 2"

# The approver acts from My work: the count goes down.
act hoa QT-02 approve
[[ $STATUS == 303 ]] || fail "approve: $STATUS"
page hoa /work
section "Chờ tôi phê duyệt"; hasnt QT-02

# ---------------------------------------------------------------------------------------------
# Own password: old password, form token, the same rules as the CLI.
page lan /password
[[ $STATUS == 200 ]] || fail "/password: $STATUS"
has 'name="old_password"' 'autocomplete="new-password"'
form lan /password "old_password=lan-password-1" "password=lan-password-2" \
    "password_again=lan-password-2"
[[ $STATUS == 403 ]] || fail "a password form without its token: $STATUS"
pw() { page lan /password; form lan /password "csrf=$(token)" "$@"; }
pw "old_password=wrong-password" "password=lan-password-2" "password_again=lan-password-2"
[[ $STATUS == 400 ]] && has "old_password: not the current password" || fail "a wrong old one: $STATUS"
pw "old_password=lan-password-1" "password=lan-password-2" "password_again=lan-password-3"
[[ $STATUS == 400 ]] && has "password_again: the two new passwords differ" || fail "differ: $STATUS"
pw "old_password=lan-password-1" "password=short" "password_again=short"
[[ $STATUS == 400 ]] && has "password: 8 to 256 characters" || fail "short: $STATUS"
pw "password=lan-password-2" "password_again=lan-password-2"
[[ $STATUS == 400 ]] && has "old_password: required" || fail "no old password: $STATUS"
must_fail "password: 8 to 256 characters" bash -c "printf 'short\n' | '$NODED' user passwd \
    -c '$C' lan --password-stdin"
pw "old_password=lan-password-1" "password=lan-password-2" "password_again=lan-password-2"
[[ $STATUS == 200 ]] && has "Đã đổi mật khẩu" || fail "change: $STATUS $(cat "$TEST_DIR/page")"
log_has n1 "workspace: lan changed their password" || fail "the change is not logged"
login lan lan-password-1
[[ $STATUS == 401 ]] || fail "the old password still logs in: $STATUS"
login lan lan-password-2
[[ $STATUS == 303 ]] || fail "the new password does not log in: $STATUS"
# The administrator's reset goes through the same core function.
printf 'lan-password-3\n' | "$NODED" user passwd -c "$C" lan --password-stdin >/dev/null ||
    fail "noded user passwd"
login lan lan-password-3
[[ $STATUS == 303 ]] || fail "the reset password does not log in: $STATUS"
note "My work and the password page passed"
