#!/usr/bin/env bash
# 13-lifecycle-at-hub: a document goes draft -> in_review -> effective -> revised -> superseded
# at a node, with files; once node and hub agree, `hubd doc` shows the same history (issues,
# statuses, superseded_by, every field) with identical file hashes and bytes. A case with the
# applicant's name, ID, address and contact arrives at the hub without any of them, and the
# hub's LMDB data file holds none of those strings (I10). `hubd figures` counts documents by
# kind and status, documents in force, reviews overdue, cases open / overdue / on time / late,
# record files and coverage; documents in force and reviews overdue (counters and the reviews
# index) equal a walk of every document after revisions, a withdrawal and a restart.
# timeout: 120
. "$(dirname "$0")/lib.sh"

AG=ubnd-tam-duong
hub_init
node_init n1 "$AG"
start_hub
start_node n1
C=$(node_conf n1)
HC=$(hub_conf)
nd() { "$NODED" "$@" -c "$C"; }
hd() { "$HUBD" "$@" -c "$HC"; }

# ---------------------------------------------------------------------------------------------
# The document's life, with a file per issue.
printf '%%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type /Page >>\n%%%%EOF\n' \
    >"$TEST_DIR/qt-01-ban-1.pdf"
random_file "$TEST_DIR/qt-01-ban-2.bin" 300000
random_file "$TEST_DIR/phu-luc.bin" 40000

nd doc new --code QT-01 --title "Quy trình tiếp nhận hồ sơ" --kind procedure --access public \
    --by "Trần Thị B" --position "Chuyên viên" --file "$TEST_DIR/qt-01-ban-1.pdf" >/dev/null
nd doc submit --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" --position "Chủ tịch" --effective 2024-01-15 >/dev/null
nd doc revise --code QT-01 --note "Sửa đổi theo Nghị định 107/2021" --by "Trần Thị B" \
    --file "$TEST_DIR/qt-01-ban-2.bin" --file "$TEST_DIR/phu-luc.bin" >/dev/null
nd doc submit --code QT-01 >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" --position "Chủ tịch" >/dev/null

# Other documents, for the figures: a form in draft, a policy in force whose review is
# overdue, an instruction withdrawn, an objective in review.
nd doc new --code BM-01 --title "Phiếu tiếp nhận" --kind form >/dev/null
nd doc import --code CS-01 --title "Chính sách chất lượng" --kind policy --by "Nguyễn Văn A" \
    --effective 2020-01-01 >/dev/null
nd doc import --code HD-01 --title "Hướng dẫn cũ" --kind instruction --by "Nguyễn Văn A" \
    --effective 2022-05-01 >/dev/null
nd doc withdraw --code HD-01 --note "Không còn áp dụng" >/dev/null
nd doc new --code MT-01 --title "Mục tiêu chất lượng" --kind objective >/dev/null
nd doc submit --code MT-01 >/dev/null

# A record file and cases: two on time (one with its record file), one late, one open and
# overdue, one open and not yet due, one returned (neither on time nor late).
FC=000.00.20.H55.02.HS-TTHC-2024
nd file new --organ-id 000.00.20.H55 --catalog 02 --notation HS-TTHC-2024 --title "Hồ sơ TTHC" \
    --retention 10 --start 2024-01-02 >/dev/null
nd file add --file-code "$FC" --doc QT-01 --issue 1 >/dev/null
NAME="Nguyễn Thị Hoa Mai"
IDNO=001190012345
ADDR="Số 17 ngõ 9 đường Kim Ngọc, Vĩnh Yên"
CONTACT=mai.nguyen@example.vn
nd case receive --code TD-0001 --procedure 1.004227 --unit "Phòng Tư pháp" \
    --received "2024-03-01 08:30" --due "2024-03-15 17:00" --applicant-name "$NAME" \
    --applicant-id "$IDNO" --applicant-address "$ADDR" --applicant-contact "$CONTACT" \
    --record-file "$FC" --note "đủ hồ sơ" >/dev/null
nd case update --code TD-0001 --status processing >/dev/null
nd case complete --code TD-0001 --at "2024-03-14 10:00" >/dev/null
nd case receive --code TD-0002 --procedure 1.004227 --received 2024-02-01 --due 2024-02-10 \
    --applicant-name "Lê Văn Dũng" --applicant-id 034085001122 --applicant-contact 0987654321 >/dev/null
nd case complete --code TD-0002 --at 2024-02-20 >/dev/null
nd case receive --code TD-0003 --procedure 2.000908 --received 2024-04-01 --due 2024-04-05 \
    --applicant-name "Phạm Thị E" >/dev/null
nd case receive --code TD-0004 --procedure 2.000908 --due 2099-12-31 --applicant-name "Hoàng F" >/dev/null
nd case receive --code TD-0005 --procedure 2.000908 --received 2024-05-01 --due 2024-05-10 \
    --applicant-name "Vũ G" >/dev/null
nd case complete --code TD-0005 --status returned --at 2024-05-03 >/dev/null
nd case receive --code TD-0006 --procedure 1.004227 --received 2024-06-03 --due 2024-06-10 \
    --applicant-name "Đỗ H" >/dev/null
nd case complete --code TD-0006 --at "2024-06-10 00:00" >/dev/null     # on the due minute

wait_synced n1 60

# ---------------------------------------------------------------------------------------------
# The same history at the hub: every issue identical, field by field.
nd doc history --code QT-01 --json >"$TEST_DIR/node-history.json"
hd doc "$AG" QT-01 --json >"$TEST_DIR/hub-doc.json"
"$PY" - "$TEST_DIR/node-history.json" "$TEST_DIR/hub-doc.json" <<'EOF' || fail "hub history differs from the node's"
import json, sys
node = json.load(open(sys.argv[1]))["issues"]
hub = json.load(open(sys.argv[2]))
issues = {i["issue"]: i for i in hub["issues"]}
assert sorted(issues) == [1, 2], "hub issues %s" % sorted(issues)
assert hub["current"] == 2, "hub current %s" % hub["current"]
assert hub["issue"] == 2 and hub["status"] == "effective", "hub newest %s %s" % (hub["issue"], hub["status"])
assert [i["issue"] for i in hub["issues"]] == [2, 1], "hub order newest first"
for n in node:
    h = issues[n["issue"]]
    if n != h:
        diff = {k: (n.get(k), h.get(k)) for k in set(n) | set(h) if n.get(k) != h.get(k)}
        sys.exit("issue %d differs: %s" % (n["issue"], diff))
one, two = issues[1], issues[2]
assert one["status"] == "superseded" and one["superseded_by"] == 2, one
assert one["effective_date"] == "2024-01-15" and one["approved"]["name"] == "Nguyễn Văn A", one
assert one["checked"]["name"] == "Lê Văn C", one
assert two["status"] == "effective" and two["superseded_by"] == 0, two
assert two["note"] == "Sửa đổi theo Nghị định 107/2021", two
assert len(one["files"]) == 1 and len(two["files"]) == 2, "files per issue"
EOF
# ...with the files' hashes those of the originals, and the hub holding their bytes.
[[ $(json_get issues.1.files.0.sha256 <"$TEST_DIR/hub-doc.json") == "$(sha256 "$TEST_DIR/qt-01-ban-1.pdf")" ]] ||
    fail "issue 1's file hash at the hub is not the file's"
[[ $(json_get issues.0.files.0.sha256 issues.0.files.1.sha256 <"$TEST_DIR/hub-doc.json" | paste -sd' ') == \
    "$(sha256 "$TEST_DIR/qt-01-ban-2.bin") $(sha256 "$TEST_DIR/phu-luc.bin")" ]] ||
    fail "issue 2's file hashes at the hub are not the files'"
for f in qt-01-ban-1.pdf qt-01-ban-2.bin phu-luc.bin; do
	hub_blob_is "$TEST_DIR/$f" || fail "the hub's copy of $f differs"
done
out=$(hd doc "$AG" QT-01)
grep -q "QT-01 issue 2  effective (in force)" <<<"$out" || fail "hubd doc text: $out"
grep -q "QT-01 issue 1  superseded" <<<"$out" || fail "hubd doc text: $out"
out=$(hd doc "$AG" HD-01 --json)
[[ $(json_get status withdraw_note current <<<"$out" | paste -sd'|') == "withdrawn|Không còn áp dụng|0" ]] ||
    fail "hubd doc HD-01: $out"

# The record file as filed.
out=$(hd file "$AG" "$FC" --json)
[[ $(json_get doc_total page_total entries.0.doc_code entries.0.issue <<<"$out" | paste -sd' ') == \
    "1 3 QT-01 1" ]] || fail "hubd file: $out"

# ---------------------------------------------------------------------------------------------
# The case, without the applicant, anywhere at the hub.
out=$(hd case "$AG" TD-0001 --json)
[[ $(json_get status procedure unit record_file completed due <<<"$out" | paste -sd'|') == \
    "completed|1.004227|Phòng Tư pháp|$FC|1710385200000|1710496800000" ]] || fail "hubd case: $out"
"$PY" -c 'import json, sys
d = json.loads(sys.argv[1])
extra = set(d) - {"code", "procedure", "received", "due", "completed", "status", "unit",
    "record_file", "note", "updated", "agency"}
sys.exit("hubd case shows unexpected fields %s" % extra if extra else 0)' "$out"
for s in "$NAME" "$IDNO" "$ADDR" "$CONTACT" "Hoa Mai" "Lê Văn Dũng" 034085001122 0987654321; do
	grep -qF -- "$s" <<<"$out$(hd case "$AG" TD-0002 --json)" && fail "hubd case shows '$s'"
	n=$(grep -caF -- "$s" "$TEST_DIR/$HUB/store/data.mdb" || true)
	[[ $n == 0 ]] || fail "the hub's data.mdb holds '$s' ($n lines)"
done
# The check can fail: the node's own store does hold them (applicants table).
for s in "$NAME" "$IDNO" "$ADDR" "$CONTACT"; do
	n=$(grep -caF -- "$s" "$(node_store n1)/data.mdb" || true)
	((n > 0)) || fail "the node's data.mdb lacks '$s': the grep would prove nothing"
done
# ...and the hub does hold the case's other text.
(($(grep -caF "đủ hồ sơ" "$TEST_DIR/$HUB/store/data.mdb") > 0)) ||
    fail "the hub's data.mdb lacks the case note: the grep would prove nothing"

# ---------------------------------------------------------------------------------------------
# The derived figures.
hd figures "$AG" --json >"$TEST_DIR/figures.json"
"$PY" - "$TEST_DIR/figures.json" <<'EOF' || fail "hubd figures: $(cat "$TEST_DIR/figures.json")"
import json, sys
f = json.load(open(sys.argv[1]))["agencies"]
assert len(f) == 1, "one agency asked, %d given" % len(f)
f = f[0]
want_docs = {
    "procedure": {"superseded": 1, "effective": 1},
    "form": {"draft": 1},
    "policy": {"effective": 1},
    "instruction": {"withdrawn": 1},
    "objective": {"in_review": 1},
}
assert f["documents"] == want_docs, "documents %s" % f["documents"]
assert f["documents_in_force"] == 2, "in force %s" % f["documents_in_force"]   # QT-01/2, CS-01
assert f["reviews_overdue"] == 1, "reviews overdue %s" % f["reviews_overdue"]  # CS-01 (2021)
c = f["cases"]
assert (c["open"], c["open_overdue"], c["on_time"], c["late"]) == (2, 1, 2, 1), "cases %s" % c
assert f["record_files"] == 1, "record files %s" % f["record_files"]
rc = f["record_coverage"]
assert (rc["completed_cases"], rc["with_record_file"]) == (3, 1), "coverage %s" % rc
assert abs(rc["percent"] - 100.0 / 3) < 1e-9, "coverage %s" % rc
EOF
out=$(hd figures)
grep -qE "^$AG +2 +1 +2 +1 +2 +1 +33%" <<<"$out" || fail "hubd figures table: $out"

# ---------------------------------------------------------------------------------------------
# Documents in force and reviews overdue come from counters and the reviews index the hub
# keeps as it applies changes: they must equal a walk of every document (hubd doc), after
# each round of changes, and after a restart.
DOCS="QT-01 BM-01 CS-01 HD-01 MT-01"
check_in_force() {   # WHAT IN_FORCE OVERDUE: what the walk must find, and the rest with it
	local c
	: >"$TEST_DIR/docs.jsonl"
	for c in $DOCS; do
		hd doc "$AG" "$c" --json | tr -d '\n' >>"$TEST_DIR/docs.jsonl"
		echo >>"$TEST_DIR/docs.jsonl"
	done
	hd figures "$AG" --json >"$TEST_DIR/fig.json"
	hub_api "/api/v1/reviews?before=2199-12-31" | head -n -1 >"$TEST_DIR/reviews.json"
	hub_api "/api/v1/reviews?agency=$AG" | head -n -1 >"$TEST_DIR/overdue.json"
	hub_api "/api/v1/agencies" | head -n -1 >"$TEST_DIR/agencies.json"
	hub_api "/api/v1/agencies/$AG" | head -n -1 >"$TEST_DIR/agency.json"
	"$PY" - "$TEST_DIR" "$2" "$3" <<'EOF' || fail "in force / reviews ($1): $(cat "$TEST_DIR/fig.json")"
import datetime, json, sys
d, want_in_force, want_overdue = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).strftime("%Y-%m-%d")
in_force, due = 0, []
for line in open(d + "/docs.jsonl"):
    doc = json.loads(line)
    if doc["current"]:
        in_force += 1
        cur = [i for i in doc["issues"] if i["issue"] == doc["current"]][0]
        if cur.get("next_review"):
            due.append((cur["next_review"], doc["agency"], cur["code"], cur["issue"]))
due.sort()
over = [x for x in due if x[0] < today]
assert (in_force, len(over)) == (want_in_force, want_overdue), "walk: %d in force, %s" % (in_force, over)
f = json.load(open(d + "/fig.json"))["agencies"][0]
assert f["documents_in_force"] == in_force, "figures in force %s" % f["documents_in_force"]
assert f["reviews_overdue"] == len(over), "figures overdue %s" % f["reviews_overdue"]
a = json.load(open(d + "/agencies.json"))
got = (a["agencies"][0]["documents_in_force"], a["agencies"][0]["reviews_overdue"],
    a["province"]["reviews_overdue"])
assert got == (in_force, len(over), len(over)), "api %s" % (got,)
# The chart agrees: this month's point counts each document in force once, and last month's
# counts what was in force on its last day: an issue ends when its successor takes effect.
m = json.load(open(d + "/agency.json"))["series"]["monthly"]
assert m[-1]["in_force"] == in_force, "chart this month %s, in force %d" % (m[-1], in_force)
first = datetime.date.fromisoformat(today[:8] + "01")
end = (first - datetime.timedelta(days=1)).isoformat()
day = lambda ms: (datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc) +
    datetime.timedelta(hours=7)).strftime("%Y-%m-%d")
then = 0
for line in open(d + "/docs.jsonl"):
    issues = {i["issue"]: i for i in json.loads(line)["issues"]}
    for i in issues.values():
        if i["status"] not in ("effective", "superseded", "withdrawn") or i["effective_date"] > end:
            continue
        if i["status"] == "superseded":
            until = issues[i["superseded_by"]]["effective_date"]
        elif i["status"] == "withdrawn":
            until = day(i["updated"])
        else:
            until = "9999"
        then += until > end
assert m[-2]["in_force"] == then, "chart last month %s, in force on %s: %d" % (m[-2], end, then)
key = lambda r: (r["next_review"], r["agency"], r["code"], r["issue"])
r = json.load(open(d + "/reviews.json"))
assert [key(x) for x in r["reviews"]] == due and r["total"] == len(due), "index %s, walk %s" % (r, due)
o = json.load(open(d + "/overdue.json"))
assert [key(x) for x in o["reviews"]] == over and o["before"] == today, "overdue %s, walk %s" % (o, over)
EOF
}
check_in_force "as filed" 2 1
# CS-01 revised and in force again (its next review ahead), QT-01 withdrawn, then a procedure
# in force since long ago: each moves the counters and the index.
nd doc revise --code CS-01 --note "Rà soát định kỳ" --by "Trần Thị B" >/dev/null
nd doc submit --code CS-01 >/dev/null
nd doc check --code CS-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code CS-01 --by "Nguyễn Văn A" --position "Chủ tịch" >/dev/null
nd doc withdraw --code QT-01 --note "Thay bằng quy trình mới" >/dev/null
wait_synced n1 60
check_in_force "after revise and withdraw" 1 0
nd doc import --code QT-09 --title "Quy trình cũ" --kind procedure --by "Nguyễn Văn A" \
    --effective 2019-03-01 >/dev/null
DOCS="$DOCS QT-09"
wait_synced n1 60
check_in_force "after an old import" 2 1
# A new issue of QT-09 approved today but in force since 40 days ago: issue 1 ended that day,
# so the chart must not count both (issue 14, defect 2); its review moves a year ahead.
nd doc revise --code QT-09 --note "Cập nhật" --by "Trần Thị B" >/dev/null
nd doc submit --code QT-09 >/dev/null
nd doc check --code QT-09 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-09 --by "Nguyễn Văn A" --position "Chủ tịch" \
    --effective "$(TZ=Asia/Ho_Chi_Minh date -d '-40 days' +%F)" >/dev/null
wait_synced n1 60
check_in_force "after an issue dated back" 2 0
stop "$HUB"
start_hub
check_in_force "after a restart" 2 0

stop n1
stop "$HUB"
