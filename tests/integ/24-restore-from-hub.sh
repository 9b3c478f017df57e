#!/usr/bin/env bash
# 24-restore-from-hub: a node whose disk died rebuilds itself from the hub (noded restore
# --from-hub). It fetches its own signed change sets back, verifies them with its own key and
# chain, replays them into its tables and fetches its files; afterwards its head, acked seq and
# hash equal the hub's, documents, record files and cases read as before (cases without the
# applicant: personal data never leaves the node), exported files check, and a new write
# reaches the hub with agreement (I6). A store that is not empty, or a running daemon, is
# refused; a restore cut short runs again. The hub serves an agency (its transport key) only
# its own log, and a file only for an issue of that agency that names it (forge).
# timeout: 180
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-tu-phap
start_hub
start_node n1
C=$(node_conf n1)
nd() { local v=$1 w=$2; shift 2; "$NODED" "$v" "$w" -c "$C" "$@"; }

random_file "$TEST_DIR/qt-01.pdf" 1700000   # several FetchBlob requests
random_file "$TEST_DIR/qt-01-v2.bin" 300000
random_file "$TEST_DIR/bm-01.bin" 1000
nd doc new --code QT-01 --title "Quy trình kiểm soát tài liệu" --kind procedure \
    --file "$TEST_DIR/qt-01.pdf" >/dev/null
nd doc submit --code QT-01 --by "Lê Văn C" >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" --effective 2024-01-31 >/dev/null
nd doc revise --code QT-01 --note "Cập nhật theo Nghị định 30/2020" --file "$TEST_DIR/qt-01-v2.bin" >/dev/null
nd doc submit --code QT-01 >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" >/dev/null
nd doc new --code BM-01 --title "Phiếu đề nghị" --kind form --file "$TEST_DIR/bm-01.bin" >/dev/null
for i in $(seq 1 30); do put n1 "HD-$i" >/dev/null; done
FC=000.00.15.H55.01.HS-2024
nd file new --organ-id 000.00.15.H55 --catalog 01 --notation HS-2024 --title "Hồ sơ ISO năm 2024" \
    --retention permanent --creator "Trần Thị B" --start 2024-01-02 >/dev/null
nd file add --file-code "$FC" --doc QT-01 >/dev/null
nd case receive --code H55-0001 --procedure 1.004227 --unit "Phòng Tư pháp" \
    --received "2024-03-01 08:30" --due 2024-03-15 --applicant-name "Nguyễn Thị Hoa" \
    --applicant-id 001190012345 --record-file "$FC" >/dev/null
wait_synced n1 60

# --- the hub serves an agency only its own log and the files its own issues name ----------
node_init n2 so-xay-dung
fetch() {   # KEYS ARGS...: forge asks the hub as the agency of KEYS; the answer in $FETCHED
	local keys=$1 agency
	shift
	agency=$(sed -n 's/^agency *= *//p' "$TEST_DIR/$keys/noded.conf")
	FETCHED=$("$FORGE" --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --timeout-ms 2000 \
	    --keys "$TEST_DIR/$keys/keys" --agency "$agency" "$@" 2>>"$LOG_DIR/forge.log") ||
	    fail "forge $* failed: $FETCHED"
	note "forge as $agency $*: $(tr '\n' '|' <<<"$FETCHED")"
}
bm=$(sha256sum "$TEST_DIR/bm-01.bin" | cut -d' ' -f1)
fetch n1 --fetch-log 1
grep -q "^logset 1$" <<<"$FETCHED" && grep -q "^logend $(node_get n1 head_seq) " <<<"$FETCHED" ||
    fail "FetchLog as so-tu-phap: $FETCHED"
fetch n2 --fetch-log 1
[[ $(tail -n 1 <<<"$FETCHED") == "logend 0 0" ]] && ! grep -q logset <<<"$FETCHED" ||
    fail "so-xay-dung got another agency's log: $FETCHED"
fetch n1 --fetch-blob "$bm" --doc BM-01 --issue 1
grep -q "^chunk 0 1000 1000$" <<<"$FETCHED" || fail "FetchBlob of its own file: $FETCHED"
fetch n2 --fetch-blob "$bm" --doc BM-01 --issue 1
grep -q "^reject blob" <<<"$FETCHED" || fail "so-xay-dung got so-tu-phap's file: $FETCHED"
fetch n1 --fetch-blob "$bm" --doc QT-01 --issue 1
grep -q "^reject blob" <<<"$FETCHED" || fail "a file served for an issue that does not name it: $FETCHED"

snapshot() {   # DIR: what the node shows, to compare before and after
	mkdir -p "$1"
	nd doc history --code QT-01 --json >"$1/history.json"
	nd doc show --code QT-01 --json >"$1/qt01.json"
	nd doc show --code BM-01 --json >"$1/bm01.json"
	nd doc list --json >"$1/list.json"
	nd file show --file-code "$FC" --json >"$1/file.json"
	nd case show --code H55-0001 --json | "$PY" -c 'import json, sys
c = json.load(sys.stdin)
c.pop("applicant", None)
print(json.dumps(c, sort_keys=True))' >"$1/case.json"
}
snapshot "$TEST_DIR/before"
head=$(node_get n1 head_seq) hash=$(node_get n1 head_hash)

# --- a store that holds anything is refused ------------------------------------------------
stop n1
must_fail "not empty" "$NODED" restore --from-hub -c "$C"
must_fail "usage" "$NODED" restore -c "$C"

# --- the disk died: keys and config survive, the store does not ----------------------------
rm -rf "$(node_store n1)"
# A restore cut short (here: the hub is down, the restore killed) leaves a store that a
# second run continues.
stop "$HUB"
rc=0
timeout -s KILL 3 "$NODED" restore --from-hub -c "$C" >/dev/null 2>&1 || rc=$?
((rc != 0)) || fail "a restore without a hub succeeded"
start_hub
out=$("$NODED" restore --from-hub -c "$C") || fail "noded restore --from-hub failed: $out"
note "$out"
grep -q "sets $head, documents 32, record files 1, cases 1, files 3" <<<"$out" ||
    fail "restore summary: $out"
grep -q "1 cases without applicant data" <<<"$out" || fail "restore summary (applicants): $out"
[[ $(node_get n1 head_seq) == "$head" && $(node_get n1 acked_seq) == "$head" &&
    $(node_get n1 head_hash) == "$hash" && $(node_get n1 pending_changes) == 0 ]] ||
    fail "after restore: $(agreement n1), was head $head $hash"
assert_agree n1
snapshot "$TEST_DIR/after"
for f in history qt01 bm01 list file case; do
	cmp -s "$TEST_DIR/before/$f.json" "$TEST_DIR/after/$f.json" ||
	    fail "$f differs after restore: $(diff "$TEST_DIR/before/$f.json" "$TEST_DIR/after/$f.json")"
done
nd case show --code H55-0001 | grep -q "Nguyễn Thị Hoa" && fail "an applicant came back from the hub"
nd doc export --code QT-01 --issue 1 --to "$TEST_DIR/exp1" >/dev/null
(cd "$TEST_DIR/exp1" && sha256sum --quiet -c SHA256SUMS) || fail "export issue 1: sha256sum -c"
cmp -s "$TEST_DIR/exp1/01-qt-01.pdf" "$TEST_DIR/qt-01.pdf" || fail "restored issue 1 file differs"
nd doc export --code QT-01 --to "$TEST_DIR/exp2" >/dev/null
(cd "$TEST_DIR/exp2" && sha256sum --quiet -c SHA256SUMS) || fail "export issue 2: sha256sum -c"
cmp -s "$TEST_DIR/exp2/01-qt-01-v2.bin" "$TEST_DIR/qt-01-v2.bin" || fail "restored issue 2 file differs"

# A restore run again on the restored store is refused: it is no longer empty.
must_fail "not empty" "$NODED" restore --from-hub -c "$C"

# --- it goes on where it was ---------------------------------------------------------------
start_node n1
nd doc revise --code QT-01 --note "sau khi khôi phục" >/dev/null
put n1 AFTER-01 >/dev/null
wait_synced n1 60
(($(node_get n1 head_seq) > head)) || fail "no new set after the restore"
must_fail "daemon runs" "$NODED" restore --from-hub -c "$C"
! log_has n1 "diverged|behind the hub" || fail "the restored node disagrees with the hub"
note "restored node in agreement at $(node_get n1 head_seq)"
