#!/usr/bin/env bash
# 17-portal: the public portal against a real hub fed by a real node, with curl.
# - Published documents appear (agencies, agency page grouped by kind, document pages with
#   file hashes, approver, status; earlier issues marked superseded; downloads byte-exact).
# - QR codes (PNG and SVG, from /qr/) decode with zbarimg to exactly the URL the pages print;
#   that URL says in force / superseded (linking the issue in force) / withdrawn, and a wrong
#   hash says mismatch; the content hash recomputed here from `hubd doc --json` by the
#   documented definition equals the page's.
# - The verify page recognises a published file (upload and pasted hash) and refuses a file
#   changed by one byte.
# - Search ignores case and Vietnamese diacritics ("quy trinh tiep nhan ho so", "đ" = "d"),
#   filters by agency and kind, pages.
# - Leaks: internal, restricted, draft, in_review, a draft issue of a document in force, and a
#   withdrawn document's new draft never show, at any URL pattern (/portal/a, /portal/d,
#   /portal/sheet, /qr, /q with the true hash, /files/{sha}, /verify, search); case lookup
#   shows status and dates but none of the applicant's data.
# timeout: 180
. "$(dirname "$0")/lib.sh"

command -v zbarimg >/dev/null || fail "zbarimg is missing (deploy/deps.sh installs zbar-tools)"

AG=ubnd-tam-duong
AG2=so-tu-phap
hub_init
WEB=$HUB_WEB
BASE=https://iso.vinhphuc.example.vn
conf_set "$(hub_conf)" web public_base "$BASE/"
conf_set "$(hub_conf)" web max_upload 1048576
node_init n1 "$AG"
node_init n2 "$AG2"
HC=$(hub_conf)
hd() { "$HUBD" "$@" -c "$HC"; }
hd agency rename "$AG" --name-vi "UBND huyện Tam Dương" --name-en "Tam Duong District People's Committee" >/dev/null
hd agency move "$AG" --level district >/dev/null
hd agency rename "$AG2" --name-vi "Sở Tư pháp" --name-en "Department of Justice" >/dev/null
hd agency move "$AG2" --level department >/dev/null
start_hub
start_node n1
start_node n2
nd() { "$NODED" "$@" -c "$(node_conf n1)"; }
nd2() { "$NODED" "$@" -c "$(node_conf n2)"; }

# ---------------------------------------------------------------------------------------------
# Documents in every state.
F=$TEST_DIR/files
mkdir -p "$F"
printf '%%PDF-1.4\n%% Quy trinh tiep nhan ho so, lan 1\n%%%%EOF\n' >"$F/qt01-v1.pdf"
printf '%%PDF-1.4\n%% Quy trinh tiep nhan ho so, lan 2\n%%%%EOF\n' >"$F/qt01-v2.pdf"
printf 'Phu luc: bang phi, le phi\n' >"$F/phu-luc.txt"
printf 'Chinh sach chat luong 2026\n' >"$F/cs01.txt"
random_file "$F/big.bin" 700000      # several chunks of the hub's store and of a download
printf 'NOI-BO-MAT: so tay noi bo\n' >"$F/internal.txt"
printf 'HAN-CHE: danh sach can bo\n' >"$F/restricted.txt"
printf 'BAN-NHAP: bieu mau chua ban hanh\n' >"$F/draft.txt"
printf 'DANG-XEM-XET: muc tieu\n' >"$F/review.txt"
printf 'BAN-NHAP-MOI: quy trinh 02 lan 2\n' >"$F/qt02-v2-draft.txt"
printf 'HUONG-DAN-CU\n' >"$F/hd01.txt"
printf 'HUONG-DAN-MOI-NHAP\n' >"$F/hd01-v2-draft.txt"
printf 'QUY TRINH 03\n' >"$F/qt03.txt"
printf 'Phieu dang ky ket hon\n' >"$F/tp-bm.txt"
printf 'Nội dung: tiếp nhận, kiểm tra, luân chuyển hồ sơ; đăng ký hộ tịch.\n' >"$F/qt01.text"

# QT-01: public procedure, issue 1 in force, then issue 2 supersedes it.
nd doc new --code QT-01 --title "Quy trình tiếp nhận hồ sơ" --kind procedure --access public \
    --by "Trần Thị B" --position "Chuyên viên" --text "$F/qt01.text" --file "$F/qt01-v1.pdf" >/dev/null
nd doc submit --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2024-01-15 >/dev/null
nd doc revise --code QT-01 --note "Sửa đổi theo Nghị định 107/2021" --file "$F/qt01-v2.pdf" \
    --file "$F/phu-luc.txt" >/dev/null
nd doc submit --code QT-01 >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2025-03-01 >/dev/null
# QT-04: issue 2 approved today but in force only from 2199: issue 1 stays in force until then.
nd doc import --code QT-04 --title "Lịch tiếp công dân" --kind form --access public \
    --by "Nguyễn Văn An" --effective 2024-01-01 >/dev/null
nd doc revise --code QT-04 --note "Áp dụng từ năm 2199" >/dev/null
nd doc submit --code QT-04 >/dev/null
nd doc check --code QT-04 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-04 --by "Nguyễn Văn An" --position "Chủ tịch" --effective 2199-01-01 >/dev/null
# CS-01: public policy in force. QT/03: a code with a slash.
nd doc import --code CS-01 --title "Chính sách chất lượng" --kind policy --access public \
    --by "Nguyễn Văn An" --effective 2024-01-01 --file "$F/cs01.txt" --file "$F/big.bin" >/dev/null
nd doc import --code QT/03 --title "Quy trình đánh giá nội bộ công khai" --kind procedure \
    --access public --by "Nguyễn Văn An" --effective 2024-02-01 --file "$F/qt03.txt" >/dev/null
# Never public: internal and restricted documents in force, a public draft, a public one in
# review, a draft second issue of a public document in force, a withdrawn public instruction
# revised into a new draft.
nd doc import --code NB-01 --title "Sổ tay nội bộ tuyệt mật" --kind manual --access internal \
    --by "Nguyễn Văn An" --effective 2024-01-01 --file "$F/internal.txt" >/dev/null
nd doc import --code HC-01 --title "Danh sách hạn chế cán bộ" --kind record --access restricted \
    --by "Nguyễn Văn An" --effective 2024-01-01 --file "$F/restricted.txt" >/dev/null
nd doc new --code BM-09 --title "Biểu mẫu nháp chưa ban hành" --kind form --access public \
    --file "$F/draft.txt" >/dev/null
nd doc new --code MT-09 --title "Mục tiêu đang xem xét" --kind objective --access public \
    --file "$F/review.txt" >/dev/null
nd doc submit --code MT-09 >/dev/null
nd doc import --code QT-02 --title "Quy trình cấp bản sao" --kind procedure --access public \
    --by "Nguyễn Văn An" --effective 2024-01-01 >/dev/null
nd doc revise --code QT-02 --note "Dự thảo sửa đổi" --title "Quy trình cấp bản sao dự thảo mới" \
    --file "$F/qt02-v2-draft.txt" >/dev/null
nd doc import --code HD-01 --title "Hướng dẫn lưu trữ" --kind instruction --access public \
    --by "Nguyễn Văn An" --effective 2023-01-01 --file "$F/hd01.txt" >/dev/null
nd doc withdraw --code HD-01 --note "Không còn áp dụng" >/dev/null
nd doc revise --code HD-01 --note "Soạn lại" --title "Hướng dẫn lưu trữ bản nháp mới" \
    --file "$F/hd01-v2-draft.txt" >/dev/null
# A case with the applicant's personal data (which must stay at the node).
NAME="Nguyễn Thị Hoa Mai"
IDNO=001190012345
ADDR="Số 17 ngõ 9 đường Kim Ngọc"
CONTACT=mai.nguyen@example.vn
nd case receive --code TD-0001 --procedure 1.004227 --unit "Phòng Tư pháp" \
    --received "2024-03-01 08:30" --due "2024-03-15 17:00" --applicant-name "$NAME" \
    --applicant-id "$IDNO" --applicant-address "$ADDR" --applicant-contact "$CONTACT" \
    --note "Bà $NAME nộp đủ hồ sơ" >/dev/null
nd case complete --code TD-0001 --at "2024-03-14 10:00" >/dev/null
# The second agency: a public form.
nd2 doc import --code BM-01 --title "Tờ khai đăng ký kết hôn" --kind form --access public \
    --by "Phạm Văn D" --position "Giám đốc" --effective 2024-05-01 --file "$F/tp-bm.txt" >/dev/null
# Enough forms for the search to have two pages (20 results a page).
for i in $(seq 1 22); do
	nd2 doc import --code "BM-$((100 + i))" --title "Biểu mẫu số $i" --kind form --access public \
	    --by "Phạm Văn D" --effective 2024-05-01 >/dev/null
done

wait_synced n1 60
wait_synced n2 60

# ---------------------------------------------------------------------------------------------
# get PATH [curl args...]: sets STATUS and BODY (the page), headers in $TEST_DIR/hdr.
get() {
	local p=$1
	shift
	STATUS=$(curl -sS -D "$TEST_DIR/hdr" -o "$TEST_DIR/body" -w '%{http_code}' "$@" "$WEB$p") ||
	    fail "curl $p failed"
	BODY=$(cat "$TEST_DIR/body")
}
# page PATH: a 200 HTML page.
page() {
	get "$@"
	[[ $STATUS == 200 ]] || fail "GET $1: status $STATUS"
	grep -qi '^content-type: text/html; charset=utf-8' "$TEST_DIR/hdr" || fail "GET $1: not HTML"
}
has() { grep -qF -- "$1" <<<"$BODY" || fail "${2:-page} lacks '$1'"; }
hasnt() { ! grep -qF -- "$1" <<<"$BODY" || fail "${2:-page} shows '$1'"; }
hash12() {   # AGENCY CODE ISSUE: the content hash as docs/PORTAL.md defines it, from hubd doc
	hd doc "$1" "$2" --json | "$PY" -c '
import hashlib, json, struct, sys
ag, issue = sys.argv[1], int(sys.argv[2])
d = [i for i in json.load(sys.stdin)["issues"] if i["issue"] == issue][0]
s = lambda t: struct.pack(">I", len(t.encode())) + t.encode()
m = b"eiso/issue/v1\0" + s(ag) + s(d["code"]) + struct.pack(">I", d["issue"]) + s(d["title"])
m += s(d.get("effective_date", "")) + struct.pack(">I", len(d.get("files", [])))
for f in d.get("files", []):
    m += bytes.fromhex(f["sha256"]) + struct.pack(">Q", int(f["size"])) + s(f["name"])
print(hashlib.sha256(m).hexdigest()[:int(sys.argv[3]) if len(sys.argv) > 3 else 12])' "$1" "$3" "${4:-12}"
}
enc() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# ---------------------------------------------------------------------------------------------
note "agencies, agency page, document pages"
page /portal
has "UBND huyện Tam Dương"
has "Sở Tư pháp"
has 'href="/portal/a/ubnd-tam-duong"'
page "/portal?lang=en"
has "Tam Duong District People&#39;s Committee"
has 'lang="en"'
grep -qi '^set-cookie: lang=en' "$TEST_DIR/hdr" || fail "?lang=en sets no cookie"
# The look is a static sheet anyone may fetch, not CSS written out by C (issue 11).
has '<link rel="stylesheet" href="/static/portal.css">'
hasnt '<style'
get /static/portal.css
[[ $STATUS == 200 ]] || fail "GET /static/portal.css without a session: status $STATUS"
grep -qi '^content-type: text/css' "$TEST_DIR/hdr" || fail "portal.css: not text/css"
has 'header.site' "portal.css"
page /portal --cookie lang=en
has "Department of Justice" "English by cookie"

page /portal/a/$AG
has 'id="kind-policy"'
has 'id="kind-procedure"'
has "Quy trình tiếp nhận hồ sơ"
has "Chính sách chất lượng"
has "Quy trình cấp bản sao" "issue 1 of QT-02, in force"
has "01/03/2025" "QT-01 issue 2 effective date"
has 'class="earlier" href="/portal/d/ubnd-tam-duong/QT-01/1"' "QT-01's earlier issue"
has "(đã được thay thế)"
has "qt01-v2.pdf"
# In force only: the withdrawn instruction is not listed.
hasnt "Hướng dẫn lưu trữ" "agency page (withdrawn HD-01)"

page /portal/d/$AG/QT-01
has "Quy trình tiếp nhận hồ sơ"
has 'data-state="in_force"'
has "Nguyễn Văn An, Chủ tịch"
has "$(sha256 "$F/qt01-v2.pdf")"
has "$(sha256 "$F/phu-luc.txt")"
has "Sửa đổi theo Nghị định 107/2021"
has "$(hash12 "$AG" QT-01 2 64)" "QT-01/2 page (content hash recomputed from hubd doc)"
page /portal/d/$AG/QT-01/1
has 'data-state="superseded"'
has 'class="successor" href="/portal/d/ubnd-tam-duong/QT-01/2"'
has "$(sha256 "$F/qt01-v1.pdf")"
page /portal/d/$AG/HD-01
has 'data-state="withdrawn"' "withdrawn HD-01 page"
hasnt "bản nháp mới" "withdrawn HD-01 page"
page "/portal/d/$AG/$(enc QT/03)"
has "Quy trình đánh giá nội bộ công khai"

note "downloads are byte-exact and safe to open"
get "/files/$(sha256 "$F/qt01-v1.pdf")/qt01-v1.pdf"
[[ $STATUS == 200 ]] || fail "download of a superseded issue's file: $STATUS"
cmp -s "$TEST_DIR/body" "$F/qt01-v1.pdf" || fail "downloaded qt01-v1.pdf differs"
grep -qi '^content-type: application/pdf' "$TEST_DIR/hdr" || fail "pdf content type: $(cat "$TEST_DIR/hdr")"
grep -qi '^x-content-type-options: nosniff' "$TEST_DIR/hdr" || fail "download lacks nosniff"
grep -qi "^content-security-policy: sandbox" "$TEST_DIR/hdr" || fail "download lacks a sandbox CSP"
get "/files/$(sha256 "$F/phu-luc.txt")"
cmp -s "$TEST_DIR/body" "$F/phu-luc.txt" || fail "downloaded phu-luc.txt differs"
get "/files/$(sha256 "$F/big.bin")"
cmp -s "$TEST_DIR/body" "$F/big.bin" || fail "downloaded big.bin (streamed in chunks) differs"
grep -qi '^content-disposition: attachment; filename="big.bin"' "$TEST_DIR/hdr" ||
    fail "big.bin is not offered as an attachment: $(cat "$TEST_DIR/hdr")"

# ---------------------------------------------------------------------------------------------
note "QR codes decode to the URL the pages print, and that URL tells the truth"
qr_check() {   # AGENCY CODE ISSUE: PNG and SVG decode to the expected URL; prints it
	local ag=$1 code=$2 issue=$3 want png
	want="$BASE/q/$ag/$(enc "$code")/$issue/$(hash12 "$ag" "$code" "$issue")"
	get "/qr/$ag/$(enc "$code")/$issue.png"
	[[ $STATUS == 200 ]] || fail "QR png of $code/$issue: $STATUS"
	grep -qi '^content-type: image/png' "$TEST_DIR/hdr" || fail "QR png content type"
	cp "$TEST_DIR/body" "$TEST_DIR/qr.png"
	png=$(zbarimg -q --raw "$TEST_DIR/qr.png") || fail "zbarimg cannot read the PNG of $code/$issue"
	[[ $png == "$want" ]] || fail "PNG QR of $code/$issue is '$png', wanted '$want'"
	get "/qr/$ag/$(enc "$code")/$issue.svg"
	[[ $STATUS == 200 ]] || fail "QR svg of $code/$issue: $STATUS"
	grep -qi '^content-type: image/svg+xml' "$TEST_DIR/hdr" || fail "QR svg content type"
	# Rasterise the SVG's own path (no converter needed) and decode that too.
	"$PY" - "$TEST_DIR/body" "$TEST_DIR/qr-svg.pgm" <<'EOF' || fail "SVG QR of $code/$issue unreadable"
import re, sys
svg = open(sys.argv[1]).read()
side = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
grid = [[255] * side for _ in range(side)]
for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
    for i in range(int(w)):
        grid[int(y)][int(x) + i] = 0
s = 6
with open(sys.argv[2], "wb") as f:
    f.write(b"P5 %d %d 255\n" % (side * s, side * s))
    for row in grid:
        line = bytes(v for v in row for _ in range(s))
        for _ in range(s):
            f.write(line)
EOF
	png=$(zbarimg -q --raw "$TEST_DIR/qr-svg.pgm") || fail "zbarimg cannot read the SVG of $code/$issue"
	[[ $png == "$want" ]] || fail "SVG QR of $code/$issue is '$png', wanted '$want'"
	echo "$want"
}
URL2=$(qr_check "$AG" QT-01 2)
URL1=$(qr_check "$AG" QT-01 1)
URL3=$(qr_check "$AG" QT/03 1)
URLW=$(qr_check "$AG" HD-01 1)
URL41=$(qr_check "$AG" QT-04 1)
URL42=$(qr_check "$AG" QT-04 2)
# The sheet prints the same URL.
page "/portal/sheet/$AG/QT-01/2"
has '<link rel="stylesheet" href="/static/sheet.css">' "the sheet"
hasnt "<style" "the sheet"
has "$URL2" "publication sheet"
has "PHIẾU CÔNG BỐ TÀI LIỆU"
has "$(hash12 "$AG" QT-01 2 64)" "publication sheet"
get /static/sheet.css
[[ $STATUS == 200 ]] || fail "GET /static/sheet.css: status $STATUS"
has "@page{size:A4" "sheet.css"
# The landing pages (the path of the URL, on this hub).
page "${URL2#"$BASE"}"
has 'data-verdict="in_force"'
has 'data-hash="match"'
page "${URL1#"$BASE"}"
has 'data-verdict="superseded"'
has 'id="current" href="/portal/d/ubnd-tam-duong/QT-01/2"' "superseded landing page"
page "${URLW#"$BASE"}"
has 'data-verdict="withdrawn"'
page "${URL3#"$BASE"}"
has 'data-verdict="in_force"' "QT/03 landing page"
# An issue stays in force until its successor takes effect (issue 14, defect 2): QT-04's issue 2
# is approved but upcoming, its issue 1 still in force and says when it is replaced.
page "${URL41#"$BASE"}"
has 'data-verdict="in_force"' "QT-04 issue 1 landing page"
has 'data-replaced="01/01/2199"' "QT-04 issue 1 landing page"
page "${URL42#"$BASE"}"
has 'data-verdict="upcoming"' "QT-04 issue 2 landing page"
has "ĐÃ PHÊ DUYỆT" "QT-04 issue 2 landing page"
hasnt 'data-verdict="in_force"' "QT-04 issue 2 landing page"
# A forged hash: the issue exists but the code is not its own.
page "/q/$AG/QT-01/2/000000000000"
has 'data-verdict="mismatch"'
hasnt 'data-verdict="in_force"'
get "/q/$AG/QT-99/1/$(hash12 "$AG" QT-01 2)"
[[ $STATUS == 404 ]] && grep -qF 'data-verdict="unknown"' <<<"$BODY" || fail "unknown QR: $STATUS"

# ---------------------------------------------------------------------------------------------
note "verify: a published file is recognised, a changed one is not"
get /verify -F "file=@$F/qt01-v1.pdf"
[[ $STATUS == 200 ]] || fail "verify upload: $STATUS"
has 'data-verdict="published"'
has 'data-in-force="0"' "verify of a superseded issue's file"
has "Quy trình tiếp nhận hồ sơ"
get /verify -F "file=@$F/phu-luc.txt"
has 'data-in-force="1"' "verify of an in-force file"
get /verify --data-binary "@$F/tp-bm.txt" -H 'content-type: application/octet-stream'
has 'data-verdict="published"' "verify raw upload"
has "Sở Tư pháp" "verify raw upload"
cp "$F/qt01-v2.pdf" "$F/changed.pdf"
printf ' ' >>"$F/changed.pdf"
get /verify -F "file=@$F/changed.pdf"
[[ $STATUS == 200 ]] || fail "verify changed upload: $STATUS"
has 'data-verdict="unknown"' "verify of a changed file"
hasnt 'data-verdict="published"' "verify of a changed file"
page "/verify?sha=$(sha256 "$F/qt01-v2.pdf")"
has 'data-verdict="published"' "verify by pasted hash"
page "/verify?sha=$(sha256 "$F/qt01-v2.pdf" | tr a-f A-F)"
has 'data-verdict="published"' "verify by upper-case hash"
get "/verify?sha=123"
[[ $STATUS == 400 ]] || fail "verify of a bad hash: $STATUS"
get /verify -F "file=@$F/big.bin"
has 'data-verdict="published"' "verify of a 700 kB file"
random_file "$F/huge.bin" 1200000
get /verify -F "file=@$F/huge.bin"
[[ $STATUS == 413 ]] || fail "an upload over web.max_upload answers $STATUS, not 413"

# ---------------------------------------------------------------------------------------------
note "search: diacritics and case do not matter; filters; paging"
# search QUERY WANT: the search page counts WANT documents.
search() {
	local total
	page "/portal/search?$1"
	total=$(sed -n 's/.*data-total="\([0-9]*\)".*/\1/p' <<<"$BODY")
	[[ $total == "$2" ]] || fail "search $1: $total documents, wanted $2"
}
search "q=quy+trinh+tiep+nhan+ho+so" 1
has "Quy trình tiếp nhận hồ sơ" "search"
search "q=$(enc "QUY TRÌNH TIẾP NHẬN HỒ SƠ")" 1
search "q=dang+ky+ho+tich" 1
search "q=$(enc "đăng ký kết hôn")" 1
search "q=quy+trinh" 3
search "q=quy+trinh&kind=policy" 0
search "q=quy+trinh&agency=$AG2" 0
search "q=tuyet+mat" 0
search "q=nhap" 0
search "q=dang+xem+xet" 0
search "q=han+che" 0
search "q=huong+dan+luu+tru" 0
search "q=bieu+mau+so" 22
[[ $(grep -c 'class="hit"' <<<"$BODY") == 20 ]] || fail "search page 1 shows not 20 hits"
has 'rel="next" href="/portal/search?q=bieu%20mau%20so&amp;page=2"' "search paging"
search "q=bieu+mau+so&page=2" 22
[[ $(grep -c 'class="hit"' <<<"$BODY") == 2 ]] || fail "search page 2 shows not 2 hits"
has 'rel="prev"' "search page 2"
search "q=bieu+mau&kind=form&agency=$AG2" 22
search "q=bieu+mau&kind=procedure" 0

# ---------------------------------------------------------------------------------------------
note "case lookup: status and dates, no personal data"
page "/portal/case?code=TD-0001"
has 'data-status="completed"'
has "1.004227"
has "14/03/2024 10:00"
has "15/03/2024 17:00"
for s in "$NAME" "Hoa Mai" "$IDNO" "$ADDR" "$CONTACT" "nộp đủ"; do hasnt "$s" "case page"; done
page "/portal/case?code=TD-0001&agency=$AG&lang=en"
has "2024-03-14 10:00"
get "/portal/case?code=TD-9999"
[[ $STATUS == 404 ]] || fail "unknown case: $STATUS"

# ---------------------------------------------------------------------------------------------
note "every string translated: no page shows a raw i18n key, in either language"
for u in /portal /portal/a/$AG /portal/d/$AG/QT-01/1 /portal/d/$AG/HD-01 "/portal/sheet/$AG/QT-01/2" \
    "${URL1#"$BASE"}" "/q/$AG/QT-01/2/000000000000" "/q/$AG/XX/1/000000000000" /verify \
    "/verify?sha=$(sha256 "$F/cs01.txt")" "/verify?sha=$(sha256 "$F/changed.pdf")" \
    "/portal/search?q=quy+trinh" "/portal/case?code=TD-0001" "/portal/case?code=NONE" /portal/nope; do
	for lang in vi en; do
		get "$u" --cookie "lang=$lang"
		# (a style sheet's name, /static/portal.css, is no key)
		sed 's#/static/[a-z_0-9.]*##g' "$TEST_DIR/body" >"$TEST_DIR/body.nokeys"
		! grep -qE '\b(portal|verify|sheet|plevel|cstatus|kind|level)\.[a-z_0-9]+\b' "$TEST_DIR/body.nokeys" ||
		    fail "$u ($lang) shows a raw key: $(grep -oE '\b(portal|verify|sheet|plevel|cstatus|kind|level)\.[a-z_0-9]+\b' "$TEST_DIR/body.nokeys" | head -3)"
	done
done

# ---------------------------------------------------------------------------------------------
note "leaks: nothing non-public at any URL"
SECRETS=("Sổ tay nội bộ tuyệt mật" "Danh sách hạn chế cán bộ" "Biểu mẫu nháp chưa ban hành"
    "Mục tiêu đang xem xét" "Quy trình cấp bản sao dự thảo mới" "Hướng dẫn lưu trữ bản nháp mới"
    "Dự thảo sửa đổi" "Soạn lại" "$NAME" "$IDNO" "$ADDR" "$CONTACT"
    "$(sha256 "$F/internal.txt")" "$(sha256 "$F/restricted.txt")" "$(sha256 "$F/draft.txt")"
    "$(sha256 "$F/review.txt")" "$(sha256 "$F/qt02-v2-draft.txt")" "$(sha256 "$F/hd01-v2-draft.txt")")
# Every not-public (code, issue): internal, restricted, draft, in review, QT-02's draft issue 2,
# HD-01's draft issue 2.
HIDDEN=("NB-01 1" "HC-01 1" "BM-09 1" "MT-09 1" "QT-02 2" "HD-01 2")
URLS=(/portal /portal/a/$AG "/portal/search?q=quy+trinh" "/portal/case?code=TD-0001")
for h in "${HIDDEN[@]}"; do
	read -r code issue <<<"$h"
	URLS+=("/portal/d/$AG/$code" "/portal/d/$AG/$code/$issue" "/portal/sheet/$AG/$code/$issue"
	    "/qr/$AG/$code/$issue.png" "/qr/$AG/$code/$issue.svg"
	    "/q/$AG/$code/$issue/$(hash12 "$AG" "$code" "$issue")")
done
for f in internal.txt restricted.txt draft.txt review.txt qt02-v2-draft.txt hd01-v2-draft.txt; do
	URLS+=("/files/$(sha256 "$F/$f")" "/files/$(sha256 "$F/$f")/$f" "/verify?sha=$(sha256 "$F/$f")")
done
for u in "${URLS[@]}"; do
	for lang in vi en; do
		get "$u" --cookie "lang=$lang"
		for s in "${SECRETS[@]}"; do
			# A hash the URL itself carries is echoed back (links, the form): not a leak.
			[[ $u == *"$s"* ]] && continue
			! grep -qF -- "$s" "$TEST_DIR/body" || fail "$u ($lang) shows '$s'"
		done
		case $u in
		/portal/d/*/NB-01* | /portal/d/*/HC-01* | /portal/d/*/BM-09* | /portal/d/*/MT-09* | \
		    */QT-02/2 | */HD-01/2 | /portal/sheet/* | /qr/* | /files/*)
			[[ $STATUS == 404 ]] || fail "$u answers $STATUS, not 404"
			;;
		/q/*)
			[[ $STATUS == 404 ]] && grep -qF 'data-verdict="unknown"' "$TEST_DIR/body" ||
			    fail "$u answers $STATUS without the unknown verdict"
			;;
		esac
	done
done
# Uploading a non-public file: not recognised.
for f in internal.txt draft.txt hd01-v2-draft.txt; do
	get /verify -F "file=@$F/$f"
	grep -qF 'data-verdict="unknown"' "$TEST_DIR/body" || fail "verify recognises $f"
done
# Not-public answers exactly as nonexistent (same status and same words).
get "/portal/d/$AG/NB-01"
a=$(sed 's/href="[^"]*"//g' "$TEST_DIR/body")
get "/portal/d/$AG/XX-99"
b=$(sed 's/href="[^"]*"//g' "$TEST_DIR/body")
[[ $a == "$b" ]] || fail "an internal document's 404 differs from a nonexistent one's"
# The hub holds none of the applicant's fields (the name is in the hub only because staff
# wrote it into the case's note, which is why the portal never shows notes).
for s in "$IDNO" "$ADDR" "$CONTACT"; do
	n=$(grep -caF -- "$s" "$TEST_DIR/$HUB/store/data.mdb" || true)
	[[ $n == 0 ]] || fail "the hub's data.mdb holds '$s'"
done
# The same pages from the command line (hubd portal) agree with the web side.
hd portal "/portal/d/$AG/QT-01/2" >"$TEST_DIR/cli.html" 2>/dev/null || fail "hubd portal failed"
grep -qF "$(hash12 "$AG" QT-01 2 64)" "$TEST_DIR/cli.html" || fail "hubd portal: no content hash"
must_fail "404" hd portal "/portal/d/$AG/NB-01"
# A public base QR codes could not carry is a config error (hubd run -n).
cp "$HC" "$TEST_DIR/bad.conf"
conf_set "$TEST_DIR/bad.conf" web public_base "iso.example.vn"
must_fail "web.public_base: 'iso.example.vn' is not an http" "$HUBD" run -n -c "$TEST_DIR/bad.conf"
conf_set "$TEST_DIR/bad.conf" web public_base "https://iso.example.vn/a b"
must_fail "web.public_base: .* may not carry" "$HUBD" run -n -c "$TEST_DIR/bad.conf"

stop n1
stop n2
stop "$HUB"
