#!/usr/bin/env bash
# 18-hub-api: the hub's oversight side over HTTP, with curl, against a real hub fed by real
# nodes. Every JSON API endpoint (agencies with filters, sort and pages; one agency; its
# documents with history, record files, cases without personal data, change sets re-verified;
# the province with its series; alerts, one alert, acknowledging one), the errors (JSON with a
# code and message), the refusals (no token, wrong token, no password set, wrong password,
# a session without its form token), /metrics in the Prometheus format, and the dashboard's
# login, pages and ack form.
# timeout: 240
. "$(dirname "$0")/lib.sh"

A=vp-skhcn          # a department, with documents, cases and a record file
B=vp-stp            # another, whose forged change set is rejected
C=vp-vinhyen        # enrolled, never connected
hub_init
conf_set "$(hub_conf)" alerts check_s 5
node_init na "$A"
node_init nb "$B"
node_init nc "$C"
"$HUBD" agency move -c "$(hub_conf)" "$A" --level department >/dev/null
"$HUBD" agency move -c "$(hub_conf)" "$B" --level department >/dev/null
"$HUBD" agency move -c "$(hub_conf)" "$C" --level district --parent "$A" >/dev/null
"$HUBD" agency rename -c "$(hub_conf)" "$A" --name-vi "Sở Khoa học và Công nghệ" \
    --name-en "Department of Science and Technology" >/dev/null
TOKEN=$(hub_token)
[[ $TOKEN =~ ^[0-9a-f]{64}$ ]] || fail "hubd init wrote no random web.token: '$TOKEN'"
grep -q '^password_hash = *$' "$(hub_conf)" || fail "hubd init set a password"
[[ $(stat -c %a "$(hub_conf)") == 600 ]] || fail "hubd.conf holds the token but is mode $(stat -c %a "$(hub_conf)")"

# hubd run -n checks the [web] directives as the web side takes them.
cp "$(hub_conf)" "$TEST_DIR/hubd.conf.good"
conf_set "$(hub_conf)" web targets "district=80 commune=most"
must_fail "web.targets: 'commune=most'" "$HUBD" run -n -c "$(hub_conf)"
conf_set "$(hub_conf)" web targets "district=80"
conf_set "$(hub_conf)" web listen "localhost:80"
must_fail "web.listen: 'localhost' is not an IPv4 address" "$HUBD" run -n -c "$(hub_conf)"
cp "$TEST_DIR/hubd.conf.good" "$(hub_conf)"
[[ $("$HUBD" run -n -c "$(hub_conf)") == "configuration OK" ]] || fail "hubd run -n on the good config"

# --- first run: no password set: the dashboard refuses logins and says how to set one --------
start_hub
wait_until "curl -s -o /dev/null $HUB_WEB/login" 10
log_has "$HUB" "no password is set .*hubd passwd -c" || fail "the log does not say how to set the password"
out=$(curl -sS -w '\nHTTP %{http_code}' -d 'user=admin&password=whatever' "$HUB_WEB/login")
[[ $out == *"HTTP 403" && $out == *"hubd passwd -c"* && $out == *"login-off"* ]] ||
    fail "login without a password set: $out"
stop "$HUB"
hub_password "mat-khau-thu-nghiem"
grep -q '^password_hash = \$argon2id\$' "$(hub_conf)" || fail "hubd passwd wrote no argon2id hash"
[[ $(printf 'short\n' | "$HUBD" passwd 2>&1) == *"at least 8"* ]] || fail "hubd passwd took a short password"
[[ $(printf 'long enough one\n' | "$HUBD" passwd) == '$argon2id$'* ]] || fail "hubd passwd printed no hash"
start_hub
start_node na
start_node nb

# --- data, through the nodes' own CLI --------------------------------------------------------
nd() { "$NODED" "$@" -c "$(node_conf na)"; }
nd doc new --code QT-01 --title "Quy trình kiểm soát tài liệu" --kind procedure --access public \
    --by "Trần Thị B" --position "Chuyên viên" >/dev/null
nd doc submit --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" --position "Giám đốc" --effective 2025-01-15 >/dev/null
nd doc revise --code QT-01 --note "Sửa đổi theo Nghị định 107/2021" --by "Trần Thị B" >/dev/null
nd doc submit --code QT-01 >/dev/null
nd doc check --code QT-01 --by "Lê Văn C" --position "Chánh Văn phòng" >/dev/null
nd doc approve --code QT-01 --by "Nguyễn Văn A" --position "Giám đốc" >/dev/null
nd doc import --code CS-01 --title "Chính sách chất lượng" --kind policy --by "Nguyễn Văn A" \
    --effective 2020-01-01 >/dev/null
for i in $(seq 1 12); do put na "BM-$(printf %02d "$i")" --kind form >/dev/null; done
FC=000.00.20.H55.02.HS-2026
nd file new --organ-id 000.00.20.H55 --catalog 02 --notation HS-2026 --title "Hồ sơ TTHC 2026" \
    --retention 10 --start 2026-01-02 >/dev/null
d3=$(date -d '-3 days' +%F) d2=$(date -d '-2 days' +%F) d1=$(date -d '-1 days' +%F)
APPLICANT="Nguyễn Thị Hoa Mai"
nd case receive --code TD-1 --procedure 1.004227 --received "$d3 08:00" --due "$d1 17:00" \
    --applicant-name "$APPLICANT" --applicant-id 001190012345 --record-file "$FC" >/dev/null
nd case complete --code TD-1 --at "$d2 10:00" >/dev/null
nd case receive --code TD-2 --procedure 1.004227 --received "$d3 08:00" --due "$d3 17:00" \
    --applicant-name "Lê Văn Dũng" >/dev/null
nd case complete --code TD-2 --at "$d1 09:00" >/dev/null
nd case receive --code TD-3 --procedure 2.000908 --due 2099-12-31 --applicant-name "Phạm E" >/dev/null
put nb QT-01 >/dev/null
put nb QT-02 >/dev/null
wait_synced na 60
wait_synced nb 60
A_SEQ=$(hub_get "$A" applied_seq)
A_HASH=$(hub_get "$A" head_hash)
B_SEQ=$(hub_get "$B" applied_seq)

# A forged set with B's keys and a bad signature: rejected, counted, an alert.
"$FORGE" --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --timeout-ms 3000 --keys "$(node_keys nb)" \
    --agency "$B" --bad-signature >>"$LOG_DIR/forge.log" 2>&1 || fail "forge failed"
# The sweep raises review_overdue for A (CS-01 is past its review date).
wait_until "\"\$HUBD\" alerts -c \"\$(hub_conf)\" | grep -q review_overdue" 20

# json_check BODY PYTHON: assert on the parsed body d (the last line "HTTP nnn" is s).
json_check() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
text = sys.argv[1]
body, _, status = text.rpartition("\nHTTP ")
s = int(status)
d = json.loads(body) if body.strip() else None
exec(sys.argv[2])
EOF
}
api_ok() {   # PATH CHECK [curl options]: 200 and CHECK holds
	local path=$1 check=$2 out
	shift 2
	out=$(hub_api "$path" "$@")
	json_check "$out" "assert s == 200, s
$check" || fail "GET $path: $out"
}
api_err() {   # STATUS CODE PATH [curl options]: that status, the error shape and code
	local status=$1 code=$2 path=$3 out
	shift 3
	out=$(hub_api "$path" "$@")
	json_check "$out" "assert s == $status, s
e = d['error']
assert e['code'] == '$code' and isinstance(e['message'], str) and e['message'], e" ||
	    fail "$path: expected $status $code, got: $out"
	note "$path -> $status $(json_get error.message <<<"${out%$'\n'HTTP*}")"
}

# --- authentication ---------------------------------------------------------------------------
# A wrong token: the real one with its last hex digit changed (never left as it was).
if [[ ${TOKEN: -1} == 0 ]]; then WRONG=${TOKEN%?}1; else WRONG=${TOKEN%?}0; fi
for path in /api/v1/agencies /api/v1/province /api/v1/alerts /metrics; do
	out=$(curl -sS -w '\nHTTP %{http_code}' "$HUB_WEB$path")
	json_check "$out" "assert s == 401 and d['error']['code'] == 'unauthorized', (s, d)" ||
	    fail "$path without a token: $out"
	out=$(curl -sS -w '\nHTTP %{http_code}' -H "Authorization: Bearer $WRONG" "$HUB_WEB$path")
	json_check "$out" "assert s == 401, s" || fail "$path with a wrong token: $out"
done
[[ $(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$HUB_WEB/") == "303 $HUB_WEB/login?next=%2F" ]] ||
    fail "the dashboard without a session does not send to /login"
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$HUB_WEB/") == 303 ]] ||
    fail "the API token opened a dashboard page (pages need a login)"

# --- agencies ---------------------------------------------------------------------------------
api_ok /api/v1/agencies "
a = {x['id']: x for x in d['agencies']}
assert d['total'] == 3 and d['offset'] == 0 and d['limit'] == 50, d
x = a['$A']
assert x['name_vi'] == 'Sở Khoa học và Công nghệ' and x['level'] == 'department', x
assert x['status'] == 'online' and x['online'] is True and x['state'] == 'active', x
assert x['applied_seq'] == $A_SEQ and x['head_hash'] == '$A_HASH', x
assert x['lag'] == {'sets': 0, 'seconds': 0}, x
assert x['documents_in_force'] == 2 and x['reviews_overdue'] == 1, x
assert x['documents']['form'] == {'draft': 12}, x['documents']
assert x['documents']['procedure'] == {'superseded': 1, 'effective': 1}, x['documents']
assert x['cases'] == {'open': 1, 'open_overdue': 0, 'on_time': 1, 'late': 1}, x['cases']
rc = x['record_coverage']
assert (rc['completed_cases'], rc['with_record_file'], rc['target'], rc['meets_target']) == (2, 1, 90, False), rc
assert x['record_files'] == 1 and x['alerts_open'] >= 1, x
assert x['last_seen_iso'].endswith('+07:00'), x['last_seen_iso']
assert a['$C']['status'] == 'never' and a['$C']['last_seen'] is None and a['$C']['parent'] == '$A', a['$C']
assert a['$C']['record_coverage']['target'] == 80, a['$C']
p = d['province']
assert p['agencies'] == 3 and p['by_status'] == {'online': 2, 'offline': 0, 'never': 1, 'retired': 0}, p
assert p['applied_sets'] == $A_SEQ + $B_SEQ, p
"
api_ok "/api/v1/agencies?level=district" "assert [x['id'] for x in d['agencies']] == ['$C'] and d['total'] == 1, d"
api_ok "/api/v1/agencies?parent=$A" "assert [x['id'] for x in d['agencies']] == ['$C'], d"
api_ok "/api/v1/agencies?parent=-" "assert sorted(x['id'] for x in d['agencies']) == sorted(['$A', '$B']), d"
api_ok "/api/v1/agencies?status=never" "assert [x['id'] for x in d['agencies']] == ['$C'], d"
api_ok "/api/v1/agencies?q=khoa%20h%E1%BB%8Dc" "assert [x['id'] for x in d['agencies']] == ['$A'], d"
api_ok "/api/v1/agencies?sort=applied_seq&order=desc" "
seqs = [x['applied_seq'] for x in d['agencies']]
assert seqs == sorted(seqs, reverse=True) and seqs[-1] == 0, seqs"
api_ok "/api/v1/agencies?sort=id&limit=1&offset=1" "
assert d['total'] == 3 and d['limit'] == 1 and d['offset'] == 1, d
assert [x['id'] for x in d['agencies']] == [sorted(['$A', '$B', '$C'])[1]], d"
api_ok "/api/v1/agencies?offset=10" "assert d['agencies'] == [] and d['total'] == 3, d"
api_err 400 invalid "/api/v1/agencies?limit=0"
api_err 400 invalid "/api/v1/agencies?limit=1001"
api_err 400 invalid "/api/v1/agencies?offset=-1"
api_err 400 invalid "/api/v1/agencies?limit=abc"
api_err 400 invalid "/api/v1/agencies?sort=bogus"
api_err 400 invalid "/api/v1/agencies?order=up"
api_err 400 invalid "/api/v1/agencies?status=asleep"
api_err 404 not_found /api/v1/agencies/no-such-agency
api_err 404 not_found "/api/v1/agencies/BAD%20ID"
api_err 404 not_found /api/v1/nothing
api_err 404 not_found "/api/v1/agencies/$A/nothing"
api_err 405 method /api/v1/agencies -X POST
api_err 405 method /api/v1/agencies -X DELETE

# --- the province and one agency ---------------------------------------------------------------
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
api_ok /api/v1/province "
assert d['agencies'] == 3 and d['documents_in_force'] == 2 + 0, d
daily, monthly = d['series']['daily'], d['series']['monthly']
assert len(daily) == 30 and daily[-1]['date'] == '$TODAY', daily[-1]
assert sum(x['sets'] for x in daily) == $A_SEQ + $B_SEQ, daily
assert len(monthly) == 12 and monthly[-1]['month'] == '$TODAY'[:7], monthly[-1]
assert monthly[-1]['in_force'] == d['documents_in_force'], monthly[-1]
assert sum(x['on_time'] for x in monthly) == 1 and sum(x['late'] for x in monthly) == 1, monthly
"
api_ok "/api/v1/agencies/$A" "
assert d['id'] == '$A' and d['applied_seq'] == $A_SEQ, d
assert d['series']['daily'][-1]['sets'] == $A_SEQ, d['series']['daily'][-1]
"
api_ok "/api/v1/agencies/$C" "assert d['status'] == 'never' and d['series']['daily'][-1]['sets'] == 0, d"

# documents: pages, filters, history
api_ok "/api/v1/agencies/$A/documents?limit=5" "
assert d['total'] == 14 and len(d['documents']) == 5 and d['agency'] == '$A', d
assert [x['code'] for x in d['documents']] == ['BM-01', 'BM-02', 'BM-03', 'BM-04', 'BM-05'], d"
api_ok "/api/v1/agencies/$A/documents?limit=5&offset=10" "
assert [x['code'] for x in d['documents']] == ['BM-11', 'BM-12', 'CS-01', 'QT-01'], d"
api_ok "/api/v1/agencies/$A/documents?kind=procedure" "
assert d['total'] == 1, d
q = d['documents'][0]
assert (q['code'], q['latest'], q['current'], q['status']) == ('QT-01', 2, 2, 'effective'), q
assert [(i['issue'], i['status']) for i in q['issues']] == [(2, 'effective'), (1, 'superseded')], q
assert q['issues'][0]['note'] == 'Sửa đổi theo Nghị định 107/2021', q
assert q['issues'][1]['approved_by']['name'] == 'Nguyễn Văn A', q"
api_ok "/api/v1/agencies/$A/documents?status=effective" "
assert sorted(x['code'] for x in d['documents']) == ['CS-01', 'QT-01'], d
cs = [x for x in d['documents'] if x['code'] == 'CS-01'][0]
assert cs['review_overdue'] is True and cs['effective_date'] == '2020-01-01', cs"
# Reviews due: CS-01 (in force since 2020) is overdue, from the reviews index.
api_ok "/api/v1/reviews" "
assert d['total'] == 1 and [(x['agency'], x['code'], x['issue']) for x in d['reviews']] == [('$A', 'CS-01', 1)], d
assert d['reviews'][0]['title'] == 'Chính sách chất lượng' and d['reviews'][0]['next_review'] < d['before'], d"
api_ok "/api/v1/reviews?agency=$B" "assert d['total'] == 0 and d['reviews'] == [], d"
api_ok "/api/v1/reviews?before=2199-12-31&limit=1" "assert d['total'] >= 1 and len(d['reviews']) == 1, d"
api_err 400 invalid "/api/v1/reviews?before=yesterday"
api_err 400 invalid "/api/v1/agencies/$A/documents?kind=novel"
api_err 400 invalid "/api/v1/agencies/$A/documents?status=lost"
api_ok "/api/v1/agencies/$A/documents/QT-01" "
assert d['current'] == 2 and [i['issue'] for i in d['issues']] == [2, 1], d
assert d['issues'][1]['superseded_by'] == 2 and d['issues'][1]['effective_date'] == '2025-01-15', d"
api_err 404 not_found "/api/v1/agencies/$A/documents/QT-99"

# record files and cases (no personal data anywhere)
api_ok "/api/v1/agencies/$A/files" "
f = d['files']
assert d['total'] == 1 and f[0]['code'] == '$FC' and f[0]['title'] == 'Hồ sơ TTHC 2026', d
assert 'entries' not in f[0] and f[0]['entries_count'] == 0, f[0]"
api_ok "/api/v1/agencies/$A/files/$FC" "assert d['code'] == '$FC' and d['retention_years'] == 10, d"
api_err 404 not_found "/api/v1/agencies/$A/files/000.00.00.X.01.NONE"
out=$(hub_api "/api/v1/agencies/$A/cases")
json_check "$out" "
assert s == 200 and d['total'] == 3, d
c = {x['code']: x for x in d['cases']}
assert c['TD-1']['on_time'] is True and c['TD-1']['record_file'] == '$FC', c
assert c['TD-2']['on_time'] is False and c['TD-3']['on_time'] is None, c
assert c['TD-3']['overdue'] is False and c['TD-3']['status'] == 'received', c" || fail "cases: $out"
for s in "$APPLICANT" 001190012345 "Lê Văn Dũng"; do
	grep -qF -- "$s" <<<"$out" && fail "the cases answer holds personal data '$s'"
done
api_ok "/api/v1/agencies/$A/cases?status=completed&limit=1" "
assert d['total'] == 2 and len(d['cases']) == 1 and d['cases'][0]['code'] == 'TD-1', d"
api_err 400 invalid "/api/v1/agencies/$A/cases?status=lost"

# change sets, newest first, each verified again
api_ok "/api/v1/agencies/$A/changesets?limit=3" "
cs = d['changesets']
assert d['total'] == $A_SEQ and [x['seq'] for x in cs] == [$A_SEQ, $A_SEQ - 1, $A_SEQ - 2], cs
assert cs[0]['hash'] == '$A_HASH', cs[0]
for x in cs:
    assert x['signature'] == 'valid' and x['chain'] == 'linked' and x['outcome'] == 'applied, verified', x
    assert x['changes'] >= 1 and x['created_iso'].endswith('+07:00') and x['items'], x"
api_ok "/api/v1/agencies/$A/changesets?offset=$((A_SEQ - 1))" "
assert [x['seq'] for x in d['changesets']] == [1] and d['changesets'][0]['chain'] == 'linked', d"

# --- alerts -------------------------------------------------------------------------------------
api_ok "/api/v1/alerts" "
k = {(x['agency'], x['kind']) for x in d['alerts']}
assert ('$A', 'review_overdue') in k and ('$B', 'reject:signature') in k, k
assert all(x['state'] == 'open' for x in d['alerts']) and d['state'] == 'open', d"
api_ok "/api/v1/alerts?kind=reject&agency=$B" "
assert d['total'] == 1 and d['alerts'][0]['kind'] == 'reject:signature', d
assert d['alerts'][0]['first_iso'].endswith('+07:00') and d['alerts'][0]['count'] == 1, d"
api_ok "/api/v1/alerts?agency=$C" "assert d['total'] == 0 and d['alerts'] == [], d"
api_err 400 invalid "/api/v1/alerts?state=sleeping"
# Bytes that are not UTF-8, anywhere in a request, are a 400 that says so (never a 500).
for path in "/api/v1/alerts?state=%ff" "/api/v1/reviews?before=%ff" "/api/v1/agencies/%ff" \
    "/api/v1/agencies?q=%c3" "/api/v1/agencies/$A/documents/%ED%A0%80"; do
	out=$(hub_api "$path")
	json_check "$out" "assert s == 400 and d['error']['code'] == 'invalid', (s, d)
assert 'not valid UTF-8' in d['error']['message'], d" || fail "$path: $out"
done
out=$(curl -sS -w '\nHTTP %{http_code}' "$HUB_WEB/portal/%ff")
json_check "$out" "assert s == 400, s" || fail "a portal path that is not UTF-8: $out"
RID=$(hub_api "/api/v1/alerts?kind=reject:signature" | head -n 1 | json_get alerts.0.id)
api_ok "/api/v1/alerts/$RID" "assert d['id'] == $RID and d['agency'] == '$B' and d['state'] == 'open', d"
api_err 404 not_found /api/v1/alerts/999999
api_err 400 invalid /api/v1/alerts/abc
api_err 405 method "/api/v1/alerts/$RID/ack"
api_err 400 invalid "/api/v1/alerts/$RID/ack" -X POST -d '{"by":""}'
api_err 400 invalid "/api/v1/alerts/$RID/ack" -X POST -d '{"who":"x"}'
api_err 400 invalid "/api/v1/alerts/$RID/ack" -X POST -d 'not json'
api_err 404 not_found /api/v1/alerts/999999/ack -X POST -d '{}'
api_ok "/api/v1/alerts/$RID/ack" "
assert d['state'] == 'acked' and d['acked_by'] == 'Phòng Quản lý' and d['acked_iso'], d" \
    -X POST -d '{"by":"Phòng Quản lý"}'
api_ok "/api/v1/alerts?kind=reject" "assert d['total'] == 0, d"
api_ok "/api/v1/alerts?state=acked" "assert [x['id'] for x in d['alerts']] == [$RID], d"
api_ok "/api/v1/alerts?state=all&limit=1" "assert d['total'] >= 2 and len(d['alerts']) == 1, d"
"$HUBD" alerts -c "$(hub_conf)" --all | grep -q "reject:signature .*(acknowledged)" ||
    fail "hubd alerts does not show the acknowledgement made over the API"
log_has "$HUB" "alert $RID acknowledged by Phòng Quản lý" || fail "the ack is not in the log"

# --- /metrics ----------------------------------------------------------------------------------
out=$(hub_api /metrics)
[[ $out == *"HTTP 200" ]] || fail "/metrics: $out"
"$PY" - "$out" "$A" "$B" "$C" "$((A_SEQ + B_SEQ))" <<'EOF' || fail "/metrics content"
import re, sys
text, a, b, c, applied = sys.argv[1].rpartition("\nHTTP ")[0], *sys.argv[2:5], int(sys.argv[5])
m = {}
for line in text.splitlines():
    if line.startswith("#"):
        assert re.match(r"# (HELP|TYPE) eiso_hub_\w+ ", line), line
        continue
    name, _, value = line.rpartition(" ")
    m[name] = float(value)
def v(name):
    assert name in m, "missing " + name
    return m[name]
assert v('eiso_hub_agency_lag_sets{agency="%s"}' % a) == 0
assert v('eiso_hub_agency_up{agency="%s"}' % a) == 1 and v('eiso_hub_agency_up{agency="%s"}' % c) == 0
assert v('eiso_hub_agency_last_seen_timestamp_seconds{agency="%s"}' % a) > 1.7e9
assert v('eiso_hub_agency_last_seen_timestamp_seconds{agency="%s"}' % c) == 0
assert v('eiso_hub_agency_applied_seq{agency="%s"}' % b) >= 1
assert v("eiso_hub_changesets_applied_total") == applied, m["eiso_hub_changesets_applied_total"]
assert v('eiso_hub_changesets_rejected_total{reason="signature"}') == 1
assert v('eiso_hub_changesets_rejected_total{reason="fork"}') == 0
assert v("eiso_hub_store_used_bytes") > 0 and v("eiso_hub_store_map_bytes") >= v("eiso_hub_store_used_bytes")
for h in ("eiso_hub_ingest_batch_messages", "eiso_hub_ingest_commit_seconds"):
    assert v(h + '_bucket{le="+Inf"}') == v(h + "_count") > 0, h
    buckets = [val for k, val in m.items() if k.startswith(h + "_bucket")]
    assert buckets == sorted(buckets), h + " buckets not cumulative"
assert v("eiso_hub_ingest_batch_messages_sum") >= applied
assert v('eiso_hub_http_requests_total{route="api_agencies",status="200"}') >= 5
assert v('eiso_hub_http_requests_total{route="api_agencies",status="400"}') >= 5
assert v('eiso_hub_http_requests_total{route="api_alert_ack",status="200"}') == 1
EOF

# --- the dashboard: login, pages, the ack form ----------------------------------------------------
JAR=$TEST_DIR/cookies
out=$(curl -sS -w '\nHTTP %{http_code}' -d 'user=admin&password=wrong-password' "$HUB_WEB/login")
[[ $out == *"HTTP 401" && $out == *"Sai tên đăng nhập hoặc mật khẩu"* ]] || fail "a wrong password: $out"
out=$(curl -sS -w '\nHTTP %{http_code}' -d 'user=root&password=mat-khau-thu-nghiem' "$HUB_WEB/login")
[[ $out == *"HTTP 401" ]] || fail "a wrong user with the right password: $out"
log_has "$HUB" "web: failed login for user 'root'" || fail "a failed login is not logged"
out=$(curl -sS -c "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode user=admin --data-urlencode password=mat-khau-thu-nghiem \
    --data-urlencode "next=/agency/$A" "$HUB_WEB/login")
[[ $out == "303 $HUB_WEB/agency/$A" ]] || fail "login: $out"
grep -q "eiso_session" "$JAR" || fail "no session cookie"
# After login the browser goes only to a local path: TAB, CR/LF, "\\", a second "/" or an
# absolute URL in next (as sent, percent-encoded) fall back to the overview.
location() { tr -d '\r' | sed -n 's/^location: //Ip'; }
for nx in '/%09/evil.example' '//evil.example' '/%5C/evil.example' '/%5Cevil.example' \
    '/%0d%0aSet-Cookie:%20x=1' '/%0b/evil.example' '/%20/evil.example' 'https://evil.example/'; do
	out=$(curl -sS -o /dev/null -D - --data-urlencode user=admin \
	    --data-urlencode password=mat-khau-thu-nghiem -d "next=$nx" "$HUB_WEB/login" | location)
	[[ $out == / ]] || fail "login with next=$nx sends the browser to '$out'"
done
out=$(curl -sS "$HUB_WEB/login?next=/%09/evil.example")
[[ $out == *'name="next" value="/"'* ]] || fail "the login page keeps next=/%09/evil.example"
page() { curl -sS -b "$JAR" -w '\nHTTP %{http_code}' "$HUB_WEB$1"; }
out=$(page /)
[[ $out == *"HTTP 200" && $out == *"Tổng quan toàn tỉnh"* && $out == *"Sở Khoa học và Công nghệ"* ]] ||
    fail "the overview: ${out:0:400}"
for id in "$A" "$B" "$C"; do [[ $out == *"data-agency=\"$id\""* ]] || fail "the overview lacks $id"; done
[[ $out == *'id="province-sets"'* && $out == *"<svg"* ]] || fail "the overview has no charts"
out=$(page "/?lang=en&status=never")
[[ $out == *"Province overview"* && $out == *"data-agency=\"$C\""* && $out != *"data-agency=\"$A\""* ]] ||
    fail "the overview in English, filtered: ${out:0:400}"
out=$(page "/agency/$A")
[[ $out == *"HTTP 200" && $out == *"QT-01"* && $out == *"Sửa đổi theo Nghị định 107/2021"* &&
    $out == *"TD-1"* && $out != *"$APPLICANT"* ]] || fail "the agency page: ${out:0:400}"
[[ $out == *'<section id="reviews">'*"CS-01"*'id="documents"'* ]] ||
    fail "the agency page does not list CS-01's overdue review"
[[ $(page /agency/nope) == *"HTTP 404" ]] || fail "an unknown agency's page is not a 404"
# The Vietnamese pages speak Vietnamese (issue 14, defect 3): change sets in words, the parent
# column by name, alerts naming the agency and the overdue document, the repeat count explained.
[[ $out == *"Hồ sơ TTHC TD-2: Đã giải quyết"* && $out == *"Tài liệu BM-12, lần ban hành 1: "* &&
    $out != *"case TD-"* && $out != *"doc BM-"* ]] ||
    fail "the agency page describes change sets in English: $(grep -o 'id="changesets".\{0,600\}' <<<"$out")"
out=$(page /)
[[ $out == *"class=\"parent fold\"><a href=\"/agency/$A\">Sở Khoa học và Công nghệ</a>"* ]] ||
    fail "the parent column does not name the parent: $(grep -o 'class="parent[^"]*">.\{0,80\}' <<<"$out")"
out=$(page /alerts)
[[ $out == *"<a href=\"/agency/$A\">Sở Khoa học và Công nghệ</a>"* ]] ||
    fail "the alerts page does not name the agency"
[[ $out == *"1 tài liệu đã quá ngày rà soát: CS-01 Chính sách chất lượng"* ]] ||
    fail "the overdue-review alert does not name the document: $(grep -o 'quá ngày rà soát.\{0,80\}' <<<"$out")"
[[ $out != *"×"* ]] || fail "the alerts page shows an unexplained ×N"
# The session opens the API too; but an ack from it needs the page's form token.
out=$(curl -sS -b "$JAR" -w '\nHTTP %{http_code}' "$HUB_WEB/api/v1/agencies?limit=1")
json_check "$out" "assert s == 200 and d['total'] == 3, d" || fail "the API with a session: $out"
OID=$(hub_api "/api/v1/alerts?kind=review_overdue" | head -n 1 | json_get alerts.0.id)
out=$(curl -sS -b "$JAR" -w '\nHTTP %{http_code}' -X POST -d '{}' "$HUB_WEB/api/v1/alerts/$OID/ack")
json_check "$out" "assert s == 403 and d['error']['code'] == 'forbidden', d" || fail "an API ack from a session without X-CSRF-Token: $out"
out=$(curl -sS -b "$JAR" -w '\nHTTP %{http_code}' -d "csrf=forged&next=/alerts" "$HUB_WEB/alerts/$OID/ack")
[[ $out == *"HTTP 403" ]] || fail "the ack form with a wrong form token: $out"
CSRF=$(page /alerts | grep -o 'name="csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="//; s/"//')
[[ $CSRF =~ ^[0-9a-f]{32}$ ]] || fail "no form token on the alerts page"
out=$(curl -sS -b "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
    -d "csrf=$CSRF&next=/agency/$A" "$HUB_WEB/alerts/$OID/ack")
[[ $out == "303 $HUB_WEB/agency/$A" ]] || fail "the ack form: $out"
api_ok "/api/v1/alerts/$OID" "assert d['state'] == 'acked' and d['acked_by'] == 'admin', d"
for nx in '/%09/evil.example' '//evil.example' '/%5Cevil.example' 'https://evil.example/'; do
	out=$(curl -sS -b "$JAR" -o /dev/null -D - -d "csrf=$CSRF&next=$nx" \
	    "$HUB_WEB/alerts/$OID/ack" | location)
	[[ $out == /alerts ]] || fail "the ack form with next=$nx sends the browser to '$out'"
done
curl -sS -b "$JAR" -c "$JAR" -o /dev/null -d "csrf=$CSRF" "$HUB_WEB/logout"
[[ $(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$HUB_WEB/") == 303 ]] || fail "still logged in after /logout"
[[ $(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$HUB_WEB/static/dash.css") == "200 text/css; charset=utf-8" ]] ||
    fail "the stylesheet is not served"

check_daemons
stop nb
stop na
stop "$HUB"
