#!/usr/bin/env bash
# 12-noded-cli: every verb of `noded doc|file|case` on success (exit 0, output and --json
# checked) and on its error paths (non-zero exit, a message naming the field: unknown status
# move, missing revision note, bad date, unknown code, file not found, bad kind ...), and
# nothing written by a command that fails: noded status (head_seq, pending_changes) and a dump
# of every table of the store are unchanged. Exports pass `sha256sum -c`; a record file
# exports in filing order.
# timeout: 600
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-tu-phap
C=$(node_conf n1)

# A few changes replicated first, so head_seq is not 0 while refusals are checked.
start_hub
start_node n1
put n1 QT-90 >/dev/null
put n1 QT-91 >/dev/null
wait_synced n1 30
stop n1
stop "$HUB"
(($(node_get n1 head_seq) > 0)) || fail "head_seq still 0 after agreement"

nd() { "$NODED" "$@" -c "$C"; }

# What a failed command must leave as it was: head_seq, pending_changes, a digest of every
# table but the file tables, and a digest of the file tables (chunks, blobmeta, attachments).
snap() {
	printf '%s %s' "$(node_get n1 head_seq pending_changes | paste -sd' ')" \
	    "$(mdb_dump -a "$(node_store n1)" | "$PY" -c 'import hashlib, sys
t, b, cur = hashlib.sha256(), hashlib.sha256(), None
for line in sys.stdin.buffer:
    if line.startswith(b"database="):
        cur = b if line.strip()[9:] in (b"chunks", b"blobmeta", b"attachments") else t
    (cur or t).update(line)
print(t.hexdigest(), b.hexdigest())')"
}

# refused REGEX ARGS...: `noded ARGS -c CONF` fails naming REGEX, and writes nothing.
refused() {
	local re=$1 before after
	shift
	before=$(snap)
	must_fail "$re" "$NODED" "$@" -c "$C"
	after=$(snap)
	[[ $after == "$before" ]] || fail "refused 'noded $*' changed the store: $before -> $after"
}

# pending_is N: pending changes (not yet sealed) since the daemon stopped.
P0=$(node_get n1 pending_changes)
pending_is() {
	local got
	got=$(node_get n1 pending_changes)
	[[ $got == $((P0 + $1)) ]] || fail "pending_changes $got, expected $((P0 + $1))"
}

# json_py EXPR < JSON: evaluate a python expression over the parsed document `d`.
json_py() { "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

today=$("$PY" -c 'import datetime as t; print((t.datetime.now(t.timezone.utc) + t.timedelta(hours=7)).date())')

# ---------------------------------------------------------------------------------------------
# doc
printf '%%PDF-1.4\n1 0 obj << /Type /Page >>\n2 0 obj << /Type /Page >>\n%%%%EOF\n' \
    >"$TEST_DIR/qt-01.pdf"
random_file "$TEST_DIR/qt-01-v2.bin" 70000
printf 'Quy trình kiểm soát tài liệu: nội dung để tìm kiếm\n' >"$TEST_DIR/qt-01.txt"

out=$(nd doc new --code QT-01 --title "Quy trình kiểm soát tài liệu" --kind procedure \
    --access public --by "Trần Thị B" --position "Chuyên viên" --owner-unit "Văn phòng" \
    --retention 10 --disposition "hủy" --review-months 6 --text "$TEST_DIR/qt-01.txt" \
    --file "$TEST_DIR/qt-01.pdf" --json)
[[ $(json_get issue status kind access review_months retention_years <<<"$out" | paste -sd' ') == \
    "1 draft procedure public 6 10" ]] || fail "doc new --json: $out"
[[ $(json_get files.0.sha256 files.0.pages files.0.media_type <<<"$out" | paste -sd' ') == \
    "$(sha256 "$TEST_DIR/qt-01.pdf") 2 application/pdf" ]] || fail "doc new file: $out"
[[ $(json_get drafted.name <<<"$out") == "Trần Thị B" ]] || fail "doc new drafted: $out"
grep -q "nội dung để tìm kiếm" <<<"$(json_get text <<<"$out")" || fail "doc new --text not kept: $out"
pending_is 1

out=$(nd doc new --code BM-01 --title "Phiếu đề nghị" --kind form)
grep -q "BM-01 issue 1  draft  \[form, internal\]" <<<"$out" || fail "doc new text output: $out"
pending_is 2

# The error paths of new, each naming its field; none writes anything.
refused 'kind.*memo' doc new --code QT-02 --title t --kind memo
refused 'kind' doc new --code QT-02 --title t
refused 'title' doc new --code QT-02 --kind form
refused 'access.*secret' doc new --code QT-02 --title t --kind form --access secret
refused 'code.*QT 02' doc new --code "QT 02" --title t --kind form
refused 'code' doc new --title t --kind form
refused 'code.*QT-01.*exists' doc new --code QT-01 --title again --kind form
# ...also when it brings a file: neither the document tables nor the blob tables change (the
# command removes the file it stored before its document transaction was refused).
random_file "$TEST_DIR/orphan.bin" 5000
before=$(snap)
must_fail 'code.*QT-01.*exists' "$NODED" doc new -c "$C" --code QT-01 --title again --kind form \
    --file "$TEST_DIR/orphan.bin"
after=$(snap)
[[ ${after% *} == "${before% *}" ]] || fail "refused doc new --file changed the document tables"
[[ ${after##* } == "${before##* }" ]] || fail "refused doc new --file left its file in the blob tables"
refused 'review_months' doc new --code QT-02 --title t --kind form --review-months 121
refused 'language.*tiếng Việt.*vi' doc new --code QT-02 --title t --kind form --language "tiếng Việt"
out=$("$NODED" doc new --help)
grep -q "language code: vi, en" <<<"$out" && grep -q "^disposition: " <<<"$out" && grep -q "nộp lưu" <<<"$out" ||
    fail "doc new --help does not say what --language and --disposition take: $out"
refused 'retention' doc new --code QT-02 --title t --kind form --retention forever
refused 'origin_date' doc new --code QT-02 --title t --kind external --origin-issuer ISO \
    --origin-date 2015-9-15
refused "$TEST_DIR/no-such.pdf" doc new --code QT-02 --title t --kind form \
    --file "$TEST_DIR/no-such.pdf"
refused "text.*$TEST_DIR/no-such.txt" doc new --code QT-02 --title t --kind form \
    --text "$TEST_DIR/no-such.txt"
refused 'unexpected argument' doc new --code QT-02 --title t --kind form extra

# submit / check / return / approve: the route, and the moves it forbids.
refused 'status.*draft.*checked issue in review' doc approve --code QT-01 --by "Nguyễn Văn A"
refused 'status.*no effective issue' doc withdraw --code QT-01 --note "lỗi"
refused 'status.*draft' doc revise --code QT-01 --note "sửa"
refused 'code.*QT-99' doc submit --code QT-99
refused 'code' doc submit
out=$(nd doc submit --code QT-01 --by "Trần Thị B" --position "Chuyên viên" --json)
[[ $(json_get status route.0.action route.0.by.name <<<"$out" | paste -sd'|') == \
    "in_review|submit|Trần Thị B" ]] || fail "doc submit: $out"
grep -q '"checked"' <<<"$out" && fail "doc submit recorded a checker: $out"
pending_is 3
refused 'status.*in_review' doc submit --code QT-01
# Approving what nobody checked is refused, as in the workspace (one rule in core).
refused 'status: issue 1 of QT-01 is in review but not checked' doc approve --code QT-01 \
    --by "Nguyễn Văn A"
refused 'comment: the reason' doc return --code QT-01 --by "Lê Văn C"
refused 'returned_by' doc return --code QT-01 --comment "thiếu biểu mẫu"
out=$(nd doc return --code QT-01 --by "Lê Văn C" --position "Trưởng phòng" \
    --comment "Mục 3 thiếu biểu mẫu" --json)
[[ $(json_get status route.1.action route.1.by.name route.1.comment <<<"$out" |
    paste -sd'|') == "draft|return|Lê Văn C|Mục 3 thiếu biểu mẫu" ]] || fail "doc return: $out"
nd doc show --code QT-01 | grep -q 'return by Lê Văn C Trưởng phòng: Mục 3 thiếu biểu mẫu' ||
    fail "doc show does not show the return: $(nd doc show --code QT-01)"
refused 'status.*draft' doc check --code QT-01 --by "Lê Văn C"
out=$(nd doc edit --code QT-01 --title "Quy trình kiểm soát tài liệu" --json)
[[ $(json_get status title <<<"$out" | paste -sd'|') == "draft|Quy trình kiểm soát tài liệu" ]] ||
    fail "doc edit: $out"
nd doc submit --code QT-01 --by "Trần Thị B" >/dev/null
refused 'checked_by' doc check --code QT-01
out=$(nd doc check --code QT-01 --by "Lê Văn C" --position "Trưởng phòng" --json)
[[ $(json_get status checked.name <<<"$out" | paste -sd' ') == "in_review Lê Văn C" ]] ||
    fail "doc check: $out"
refused 'status.*checked by Lê Văn C' doc check --code QT-01 --by "Lê Văn C"
pending_is 7
refused 'approved_by' doc approve --code QT-01
refused 'effective_date.*2024-02-30' doc approve --code QT-01 --by "Nguyễn Văn A" \
    --effective 2024-02-30
refused 'effective_date' doc approve --code QT-01 --by "Nguyễn Văn A" --effective 31/01/2024
out=$(nd doc approve --code QT-01 --by "Nguyễn Văn A" --position "Giám đốc" --effective 2024-01-31 --json)
[[ $(json_get status effective_date next_review approved.name approved.position <<<"$out" |
    paste -sd'|') == "effective|2024-01-31|2024-07-31|Nguyễn Văn A|Giám đốc" ]] ||
    fail "doc approve: $out"
pending_is 8
refused 'status.*effective' doc approve --code QT-01 --by "Nguyễn Văn A"

# revise: a note is required; the new issue carries the files over unless --file is given.
refused 'note' doc revise --code QT-01
refused 'note' doc revise --code QT-01 --note ""
refused 'code.*QT-99' doc revise --code QT-99 --note "sửa"
out=$(nd doc revise --code QT-01 --note "Cập nhật theo Nghị định 30/2020" --file "$TEST_DIR/qt-01-v2.bin" --json)
[[ $(json_get issue status note files.0.sha256 <<<"$out" | paste -sd'|') == \
    "2|draft|Cập nhật theo Nghị định 30/2020|$(sha256 "$TEST_DIR/qt-01-v2.bin")" ]] ||
    fail "doc revise: $out"
pending_is 9
nd doc submit --code QT-01 >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" >/dev/null
out=$(nd doc approve --code QT-01 --by "Nguyễn Văn A" --json)
[[ $(json_get issue status effective_date <<<"$out" | paste -sd' ') == "2 effective $today" ]] ||
    fail "doc approve of issue 2: $out"
pending_is 13      # submit 1, check 1, approve 2 (issue 1 superseded in the same write)

# show / history
out=$(nd doc show --code QT-01 --issue 1 --json)
[[ $(json_get status superseded_by <<<"$out" | paste -sd' ') == "superseded 2" ]] ||
    fail "doc show --issue 1: $out"
out=$(nd doc show --code QT-01)
grep -q "QT-01 issue 2  effective" <<<"$out" || fail "doc show: $out"
out=$(nd doc history --code QT-01 --json)
[[ $(json_py '" ".join("%d:%s:%d" % (i["issue"], i["status"], i["superseded_by"]) for i in d["issues"])' <<<"$out") == \
    "1:superseded:2 2:effective:0" ]] || fail "doc history --json: $out"
out=$(nd doc history --code QT-01)
[[ $(grep -c '^QT-01 issue' <<<"$out") == 2 ]] || fail "doc history: $out"
grep -q "superseded by issue 2" <<<"$out" || fail "doc history text: $out"
refused 'code.*QT-99' doc show --code QT-99
refused 'issue.*7' doc show --code QT-01 --issue 7
refused 'issue.*abc' doc show --code QT-01 --issue abc
refused 'code.*QT-99' doc history --code QT-99

# withdraw: a note is required; only an issue in force can be withdrawn.
nd doc import --code HD-01 --title "Hướng dẫn cũ" --kind instruction --by "Nguyễn Văn A" \
    --effective 2020-01-15 >/dev/null
pending_is 14
refused 'note' doc withdraw --code HD-01
out=$(nd doc withdraw --code HD-01 --note "Hết hiệu lực" --json)
[[ $(json_get status withdraw_note <<<"$out" | paste -sd'|') == "withdrawn|Hết hiệu lực" ]] ||
    fail "doc withdraw: $out"
pending_is 15
refused 'status.*no effective issue' doc withdraw --code HD-01 --note "again"
refused 'approved_by' doc import --code HD-02 --title t --kind instruction
refused 'effective_date' doc import --code HD-02 --title t --kind instruction --by A \
    --effective 2020-02-31

# list and its filters
nd doc import --code CS-01 --title "Chính sách chất lượng" --kind policy --access public \
    --by "Nguyễn Văn A" --effective 2020-01-01 >/dev/null      # next review 2021: due
pending_is 16
codes() { json_py '" ".join(sorted(x["code"] + ":" + str(x["issue"]) for x in d["documents"]))'; }
[[ $(nd doc list --json | codes) == "BM-01:1 CS-01:1 HD-01:1 QT-01:2 QT-90:1 QT-91:1" ]] ||
    fail "doc list: $(nd doc list --json)"
[[ $(nd doc list --kind procedure --json | codes) == "QT-01:2 QT-90:1 QT-91:1" ]] ||
    fail "doc list --kind procedure: $(nd doc list --kind procedure --json)"
[[ $(nd doc list --status superseded --json | codes) == "QT-01:1" ]] ||
    fail "doc list --status superseded"
[[ $(nd doc list --status effective --json | codes) == "CS-01:1 QT-01:2" ]] ||
    fail "doc list --status effective"
[[ $(nd doc list --access public --json | codes) == "CS-01:1 QT-01:2" ]] ||
    fail "doc list --access public"
[[ $(nd doc list --review-due --json | codes) == "CS-01:1" ]] ||
    fail "doc list --review-due: $(nd doc list --review-due --json)"
grep -q "^6 documents$" <<<"$(nd doc list)" || fail "doc list text: $(nd doc list)"
# Small text glitches (issue 14): one of a thing is singular; a person is "name, position".
grep -q "^1 document$" <<<"$(nd doc list --kind policy)" || fail "doc list of one: $(nd doc list --kind policy)"
grep -q "^1 issue$" <<<"$(nd doc list --status superseded)" || fail "issue list of one: $(nd doc list --status superseded)"
grep -qE "approved by [^,]+, [^,]+, effective" <<<"$(nd doc show --code QT-01 --issue 1)" ||
    fail "doc show: no comma between the approver and the position: $(nd doc show --code QT-01 --issue 1)"
refused 'kind.*memo' doc list --kind memo
refused 'status.*published' doc list --status published

# export: the files, metadata.json and a manifest sha256sum -c accepts.
nd doc export --code QT-01 --issue 1 --to "$TEST_DIR/exp1" >/dev/null
(cd "$TEST_DIR/exp1" && sha256sum --quiet -c SHA256SUMS) || fail "doc export: sha256sum -c failed"
cmp -s "$TEST_DIR/exp1/01-qt-01.pdf" "$TEST_DIR/qt-01.pdf" || fail "doc export: file differs"
[[ $(json_get issue status <"$TEST_DIR/exp1/metadata.json" | paste -sd' ') == "1 superseded" ]] ||
    fail "doc export metadata: $(cat "$TEST_DIR/exp1/metadata.json")"
[[ $(wc -l <"$TEST_DIR/exp1/SHA256SUMS") == 2 ]] || fail "doc export manifest: $(cat "$TEST_DIR/exp1/SHA256SUMS")"
nd doc export --code QT-01 --to "$TEST_DIR/exp2" >/dev/null
(cd "$TEST_DIR/exp2" && sha256sum --quiet -c SHA256SUMS) || fail "doc export (current): sha256sum -c failed"
cmp -s "$TEST_DIR/exp2/01-qt-01-v2.bin" "$TEST_DIR/qt-01-v2.bin" || fail "doc export issue 2: file differs"
# The manifest can fail: a changed byte is caught.
printf 'x' >>"$TEST_DIR/exp2/01-qt-01-v2.bin"
if (cd "$TEST_DIR/exp2" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
	fail "sha256sum -c accepted a modified export"
fi
refused 'exists' doc export --code QT-01 --to "$TEST_DIR/exp1"
refused '--to' doc export --code QT-01
refused 'code.*QT-99' doc export --code QT-99 --to "$TEST_DIR/exp3"
[[ ! -e $TEST_DIR/exp3 ]] || fail "a refused export made its directory"

# ---------------------------------------------------------------------------------------------
# file
FC=000.00.15.H55.01.HS-2024
out=$(nd file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-2024 \
    --title "Hồ sơ ISO năm 2024" --retention permanent --creator "Trần Thị B" --start 2024-01-02 --json)
[[ $(json_get code status doc_total page_total retention_permanent start_date <<<"$out" | paste -sd' ') == \
    "$FC open 0 0 true 2024-01-02" ]] || fail "file new: $out"
pending_is 17
refused 'file_code.*exists' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-2024 \
    --title t --retention 5
refused 'retention' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-X --title t
refused 'retention' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-X --title t \
    --retention 0
refused 'organ_id' file new --catalog 01 --notation HS-X --title t --retention 5
refused 'title' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-X --retention 5
refused 'start_date.*2024-02-30' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-X \
    --title t --retention 5 --start 2024-02-30
refused 'access' file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-X --title t \
    --retention 5 --access everyone

# add in a chosen order: BM-01 (draft, no file), QT-01 issue 1 (2 pages), QT-01 in force (1 page)
out=$(nd file add --file-code "$FC" --doc BM-01 --json)
[[ $(json_get doc_total page_total <<<"$out" | paste -sd' ') == "1 0" ]] || fail "file add BM-01: $out"
out=$(nd file add --file-code "$FC" --doc QT-01 --issue 1 --json)
[[ $(json_get doc_total page_total <<<"$out" | paste -sd' ') == "2 2" ]] || fail "file add QT-01/1: $out"
out=$(nd file add --file-code "$FC" --doc QT-01 --json)
[[ $(json_get doc_total page_total entries.2.issue <<<"$out" | paste -sd' ') == "3 3 2" ]] ||
    fail "file add QT-01 (in force): $out"
pending_is 20
refused 'doc.*already filed' file add --file-code "$FC" --doc QT-01 --issue 2
refused 'code.*QT-99' file add --file-code "$FC" --doc QT-99
refused 'issue.*9' file add --file-code "$FC" --doc QT-01 --issue 9
refused 'doc' file add --file-code "$FC"
refused 'file_code.*H55.01.HS-1999' file add --file-code 000.00.15.H55.01.HS-1999 --doc QT-01
refused 'file_code' file add --doc QT-01
nd file add --file-code "$FC" --doc CS-01 >/dev/null
out=$(nd file remove --file-code "$FC" --doc CS-01 --json)
[[ $(json_get doc_total <<<"$out") == 3 ]] || fail "file remove: $out"
pending_is 22
refused 'doc.*not filed' file remove --file-code "$FC" --doc CS-01

out=$(nd file show --file-code "$FC")
grep -q "3 documents, 3 pages" <<<"$out" || fail "file show: $out"
[[ $(nd file show --file-code "$FC" --json | json_py '" ".join("%s/%d" % (e["doc_code"], e["issue"]) for e in d["entries"])') == \
    "BM-01/1 QT-01/1 QT-01/2" ]] || fail "file show --json entries"
[[ $(nd file list --json | json_py 'len(d["files"])') == 1 ]] || fail "file list --json"
grep -q "^$FC " <<<"$(nd file list)" || fail "file list: $(nd file list)"
refused 'file_code.*H55.01.HS-1999' file show --file-code 000.00.15.H55.01.HS-1999

# export in filing order
nd file export --file-code "$FC" --to "$TEST_DIR/fexp" >/dev/null
(cd "$TEST_DIR/fexp" && sha256sum --quiet -c SHA256SUMS) || fail "file export: sha256sum -c failed"
[[ $(cd "$TEST_DIR/fexp" && ls -d 0*/ | paste -sd' ') == \
    "001-BM-01-issue-1/ 002-QT-01-issue-1/ 003-QT-01-issue-2/" ]] ||
    fail "file export order: $(ls "$TEST_DIR/fexp")"
[[ $(cut -d' ' -f3 "$TEST_DIR/fexp/SHA256SUMS" | cut -d/ -f1 | uniq | paste -sd' ') == \
    "001-BM-01-issue-1 002-QT-01-issue-1 003-QT-01-issue-2" ]] ||
    fail "file export manifest order: $(cat "$TEST_DIR/fexp/SHA256SUMS")"
cmp -s "$TEST_DIR/fexp/002-QT-01-issue-1/01-qt-01.pdf" "$TEST_DIR/qt-01.pdf" || fail "file export: QT-01/1 differs"
cmp -s "$TEST_DIR/fexp/003-QT-01-issue-2/01-qt-01-v2.bin" "$TEST_DIR/qt-01-v2.bin" || fail "file export: QT-01/2 differs"
[[ $(json_get status <"$TEST_DIR/fexp/001-BM-01-issue-1/metadata.json") == draft ]] ||
    fail "file export: BM-01 metadata"
refused 'exists' file export --file-code "$FC" --to "$TEST_DIR/fexp"

# close: an end date not before the start; then no more adds
refused 'end_date' file close --file-code "$FC" --end 2023-12-31
refused 'end_date' file close --file-code "$FC" --end 2024-13-01
out=$(nd file close --file-code "$FC" --end 2024-12-31 --json)
[[ $(json_get status end_date <<<"$out" | paste -sd' ') == "closed 2024-12-31" ]] || fail "file close: $out"
pending_is 23
refused 'status.*closed' file add --file-code "$FC" --doc CS-01
refused 'status.*closed' file close --file-code "$FC"

# ---------------------------------------------------------------------------------------------
# case
out=$(nd case receive --code H55-0001 --procedure 1.004227 --unit "Phòng Tư pháp" \
    --received "2024-03-01 08:30" --due 2024-03-15 --applicant-name "Nguyễn Thị Hoa" \
    --applicant-id 001190012345 --applicant-address "Số 12 Kim Ngọc" --applicant-contact 0912345678 \
    --record-file "$FC" --json)
[[ $(json_get status received due completed record_file <<<"$out" | paste -sd' ') == \
    "received 1709256600000 1710521999999 0 $FC" ]] || fail "case receive: $out"
for s in "Nguyễn Thị Hoa" 001190012345 "Số 12 Kim Ngọc" 0912345678; do
	grep -qF "$s" <<<"$out" && fail "case receive --json printed applicant data '$s': $out"
done
pending_is 24
refused 'code.*H55-0001.*exists' case receive --code H55-0001 --procedure p --due 2024-03-15 \
    --applicant-name X
refused 'due.*2024-13-01' case receive --code H55-0002 --procedure p --due 2024-13-01 --applicant-name X
refused 'received.*yesterday' case receive --code H55-0002 --procedure p --received yesterday \
    --due 2024-03-15 --applicant-name X
refused 'due' case receive --code H55-0002 --procedure p --applicant-name X
refused 'due.*before' case receive --code H55-0002 --procedure p --received 2024-03-10 \
    --due 2024-03-01 --applicant-name X
refused 'applicant_name' case receive --code H55-0002 --procedure p --due 2024-03-15
refused 'procedure' case receive --code H55-0002 --due 2024-03-15 --applicant-name X
refused 'file_code.*HS-1999' case receive --code H55-0002 --procedure p --due 2024-03-15 \
    --applicant-name X --record-file 000.00.15.H55.01.HS-1999

out=$(nd case update --code H55-0001 --status supplement --note "thiếu bản sao" --json)
[[ $(json_get status note <<<"$out" | paste -sd'|') == "supplement|thiếu bản sao" ]] || fail "case update: $out"
pending_is 25
refused 'status.*completed' case update --code H55-0001 --status completed
refused 'status.*done' case update --code H55-0001 --status done
refused 'code.*H55-0099' case update --code H55-0099 --status processing
refused 'status.*processing' case complete --code H55-0001 --status processing
refused 'completed.*2024-02-31' case complete --code H55-0001 --at 2024-02-31
refused 'completed.*before received' case complete --code H55-0001 --at 2024-02-01
out=$(nd case complete --code H55-0001 --at "2024-03-14 16:00" --json)
[[ $(json_get status completed <<<"$out" | paste -sd' ') == "completed 1710406800000" ]] ||
    fail "case complete: $out"
pending_is 26
refused 'status.*already completed' case update --code H55-0001 --status processing
refused 'status.*already completed' case complete --code H55-0001

# show prints the applicant (this node only); list does not.
out=$(nd case show --code H55-0001 --json)
[[ $(json_get applicant.name applicant.id_number applicant.address applicant.contact <<<"$out" |
    paste -sd'|') == "Nguyễn Thị Hoa|001190012345|Số 12 Kim Ngọc|0912345678" ]] || fail "case show --json: $out"
grep -q "applicant (this node only): Nguyễn Thị Hoa" <<<"$(nd case show --code H55-0001)" ||
    fail "case show: $(nd case show --code H55-0001)"
refused 'code.*H55-0099' case show --code H55-0099
nd case receive --code H55-0002 --procedure 1.004227 --received 2024-01-02 --due 2024-01-05 \
    --applicant-name "Lê Văn D" >/dev/null
nd case receive --code H55-0003 --procedure 1.004227 --due 2099-01-05 --applicant-name "Phạm E" >/dev/null
pending_is 28
ccodes() { json_py '" ".join(sorted(x["code"] for x in d["cases"]))'; }
[[ $(nd case list --json | ccodes) == "H55-0001 H55-0002 H55-0003" ]] || fail "case list"
[[ $(nd case list --open --json | ccodes) == "H55-0002 H55-0003" ]] || fail "case list --open"
[[ $(nd case list --overdue --json | ccodes) == "H55-0002" ]] || fail "case list --overdue"
[[ $(nd case list --status completed --json | ccodes) == "H55-0001" ]] || fail "case list --status"
if grep -qF "Nguyễn Thị Hoa" <<<"$(nd case list --json)"; then fail "case list printed an applicant"; fi
[[ $(nd case list | wc -l) == 3 ]] || fail "case list text: $(nd case list)"
# A date-only due is the end of that day in Ha Noi (issue 14): a case due today can be received
# now, and completing it this afternoon is on time.
today=$(TZ=Asia/Ho_Chi_Minh date +%F)
out=$(nd case receive --code H55-0004 --procedure 1.004227 --due "$today" --applicant-name "Đỗ F" \
    --json) || fail "case receive --due today: $out"
[[ $(json_get due <<<"$out") == $(( $(TZ=Asia/Ho_Chi_Minh date -d "$today 23:59:59" +%s) * 1000 + 999 )) ]] ||
    fail "case receive --due today: due is not the end of the day: $out"

# Verbs and help
grep -q "withdraw" <<<"$("$NODED" doc --help)" || fail "noded doc --help"
grep -q "export" <<<"$("$NODED" file --help)" || fail "noded file --help"
grep -q "complete" <<<"$("$NODED" case --help)" || fail "noded case --help"
for v in "doc approve" "file add" "case receive"; do
	# shellcheck disable=SC2086
	"$NODED" $v --help >/dev/null || fail "noded $v --help exited non-zero"
done
# Each sub-verb's --help is that sub-verb's usage alone, not the whole family's.
out=$("$NODED" doc approve --help) || fail "noded doc approve --help exited non-zero"
grep -q '^usage: noded doc approve --code C --by NAME' <<<"$out" || fail "doc approve --help: $out"
if grep -Eq 'withdraw|--note|--kind' <<<"$out"; then fail "doc approve --help shows more: $out"; fi
out=$("$NODED" case complete --help) || fail "noded case complete --help exited non-zero"
grep -q '^usage: noded case complete --code C' <<<"$out" || fail "case complete --help: $out"
if grep -q 'applicant-name' <<<"$out"; then fail "case complete --help shows more: $out"; fi
refused 'unknown verb' doc publish --code QT-01
refused 'unknown verb' file archive
refused 'unknown verb' case delete --code H55-0001

# In the end, everything written replicates: the node and the hub agree.
start_hub
start_node n1
wait_synced n1 40
[[ $(node_get n1 pending_changes) == 0 ]] || fail "pending changes left after agreement"
stop n1
stop "$HUB"
