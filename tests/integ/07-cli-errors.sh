#!/usr/bin/env bash
# 07-cli-errors: bad input gets a clear message and a non-zero exit, and changes nothing:
# missing options, missing files, an existing node directory, secret keys or a noded.conf
# readable by others, bad keys and rosters at enrollment, unknown configuration directives
# (file:line).
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-y-te
NCONF=$(node_conf n1)
HCONF=$(hub_conf)

# noded doc new
must_fail '--code' "$NODED" doc new -c "$NCONF" --title "no code"
missing=$TEST_DIR/no/such/file.pdf
must_fail "$missing" "$NODED" doc new -c "$NCONF" --code QT-01 --title t --file "$missing"
[[ $(node_get n1 pending_changes) == 0 && $(node_get n1 head_seq) == 0 ]] ||
    fail "a refused write left something behind: $(node_status n1)"
must_fail 'usage|unknown|command' "$NODED" frobnicate
must_fail 'usage|unknown|subcommand' "$NODED" doc frob -c "$NCONF"
"$NODED" --help >/dev/null || fail "noded --help exited non-zero"
"$NODED" doc new --help >/dev/null || fail "noded doc new --help exited non-zero"
# Unknown verbs and sub-verbs are usage errors (exit 2) that name the word refused.
while read -r prog words; do
	rc=0
	# shellcheck disable=SC2086
	out=$("${!prog}" $words 2>&1 >/dev/null) || rc=$?
	bad=${words##* }
	[[ $rc == 2 ]] || fail "${prog,,} $words exited $rc, expected 2"
	grep -q "unknown verb '$bad'" <<<"$out" || fail "${prog,,} $words: message does not name '$bad': $out"
done <<'END'
NODED frobnicate
NODED doc frob
NODED file archive
NODED case delete
HUBD frobnicate
HUBD agency purge
END
# A usage error is exit 2 with the verb's usage; a sub-verb's --help shows only its own.
rc=0; out=$("$HUBD" agency rename -c "$HCONF" 2>&1) || rc=$?
[[ $rc == 2 ]] && grep -q '^usage: hubd agency rename' <<<"$out" || fail "agency rename: $rc $out"
out=$("$HUBD" agency retire --help) || fail "hubd agency retire --help exited non-zero"
[[ $out == "usage: hubd agency retire "* ]] || fail "agency retire --help: $out"
if grep -q -- '--name-vi' <<<"$out"; then fail "agency retire --help shows rename's options"; fi

# --version: the program version (git describe at build time), protocol and schema versions.
schema=$(sed -n 's/^#define STORE_SCHEMA \([0-9]*\).*/\1/p' "$ROOT/common/store.h")
protocol=$(sed -n 's/^#define WIRE_PROTOCOL *\([0-9]*\).*/\1/p' "$ROOT/common/wire.h")
for prog in NODED HUBD; do
	out=$("${!prog}" --version) || fail "${prog,,} --version exited non-zero"
	version=$(sed -n "s/^${prog,,} (eiso) \([^ ]*\)$/\1/p" <<<"$out")
	# git describe of a commit of this repository (maybe -dirty), or unknown outside git.
	if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$ROOT" rev-parse -q --verify "${version%-dirty}^{commit}" >/dev/null ||
		    fail "${prog,,} --version does not name a commit (git describe): $out"
	else
		[[ $version == unknown ]] || fail "${prog,,} --version outside git: $out"
	fi
	grep -qx "protocol $protocol" <<<"$out" || fail "${prog,,} --version: no protocol $protocol: $out"
	grep -qx "schema $schema" <<<"$out" || fail "${prog,,} --version: no schema $schema: $out"
done

# noded init
must_fail "$TEST_DIR/n1.*exists|exists.*$TEST_DIR/n1" \
    "$NODED" init --agency so-y-te --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --data "$TEST_DIR/n1"
must_fail 'agency' "$NODED" init --agency 'Bad Agency!' --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" \
    --data "$TEST_DIR/bad1"
must_fail 'hub-key|hex' "$NODED" init --agency ok --hub "$HUB_ENDPOINT" --hub-key nothex \
    --data "$TEST_DIR/bad2"
must_fail 'hub' "$NODED" init --agency ok --hub 'not-an-endpoint' --hub-key "$HUB_KEY" \
    --data "$TEST_DIR/bad3"
[[ ! -e $TEST_DIR/bad1/noded.conf && ! -e $TEST_DIR/bad2/noded.conf && ! -e $TEST_DIR/bad3/noded.conf ]] ||
    fail "a refused noded init left a noded.conf behind"

# Secret keys readable by others: the daemon refuses, naming the file and its mode.
for key in sign.key curve.key; do
	chmod 644 "$(node_keys n1)/$key"
	must_fail "$key.*644|644.*$key" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$NCONF"
	chmod 600 "$(node_keys n1)/$key"
done
chmod 640 "$(node_keys n1)/sign.key"
must_fail "sign.key.*640|640.*sign.key" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$NCONF"
chmod 600 "$(node_keys n1)/sign.key"

# noded.conf holds the local API's token: noded init makes it 0600, and the daemon (and its
# check, -n) refuses one that group or others may read, naming the file, its mode, the fix.
[[ $(stat -c %a "$NCONF") == 600 ]] || fail "noded init made noded.conf mode $(stat -c %a "$NCONF")"
for mode in 640 604 660; do
	chmod "$mode" "$NCONF"
	must_fail "noded.conf.* $mode.*chmod 600" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$NCONF"
	must_fail "noded.conf.* $mode" "$NODED" run -n -c "$NCONF"
done
chmod 600 "$NCONF"
[[ $("$NODED" run -n -c "$NCONF") == "configuration OK" ]] || fail "noded run -n on a 0600 noded.conf"

# hubd enroll: bad keys, unknown roster formats, and nothing enrolled by a refusal.
read -r _ sign curve < <("$NODED" init --agency so-cong-thuong --hub "$HUB_ENDPOINT" \
    --hub-key "$HUB_KEY" --data "$TEST_DIR/n2" 2>/dev/null)
must_fail 'key|hex' "$HUBD" enroll -c "$HCONF" so-cong-thuong zz"${sign:2}" "$curve"
must_fail 'key|hex' "$HUBD" enroll -c "$HCONF" so-cong-thuong "$sign" "${curve:0:40}"
must_fail 'agency|id' "$HUBD" enroll -c "$HCONF" 'So Cong Thuong' "$sign" "$curve"
printf 'name\tkey\nso-cong-thuong\t%s\n' "$sign" >"$TEST_DIR/roster-bad.tsv"
must_fail 'roster-bad.tsv' "$HUBD" enroll -c "$HCONF" --roster "$TEST_DIR/roster-bad.tsv"
printf 'id\tlevel\tparent\tname_vi\tname_en\tsign_pub\tcurve_pub\nso-cong-thuong\tprovince\t\tSo Cong Thuong\n' \
    >"$TEST_DIR/roster-short.tsv"
must_fail 'roster-short.tsv' "$HUBD" enroll -c "$HCONF" --roster "$TEST_DIR/roster-short.tsv"
must_fail 'roster-none.tsv' "$HUBD" enroll -c "$HCONF" --roster "$TEST_DIR/roster-none.tsv"
if hub_status | grep -q '"so-cong-thuong"'; then fail "a refused enrollment enrolled so-cong-thuong"; fi
# ...while a good line works.
hub_enroll so-cong-thuong "$sign" "$curve" >/dev/null
hub_status | grep -q '"so-cong-thuong"' || fail "good enrollment not in hubd status"

# Unknown directives and bad values are file:line errors, for both daemons.
cp "$NCONF" "$TEST_DIR/noded.conf.orig"
printf '[sender]\nwindow = 64\nwindw = 8\n' >>"$NCONF"
line=$(grep -n '^windw' "$NCONF" | cut -d: -f1)
must_fail "noded.conf:$line:.*windw" "$NODED" status -c "$NCONF"
must_fail "noded.conf:$line:" "$NODED" doc new -c "$NCONF" --code QT-09 --title t
cp "$TEST_DIR/noded.conf.orig" "$NCONF"
printf '[sender]\nwindow = 0\n' >>"$NCONF"
line=$(grep -n '^window = 0' "$NCONF" | cut -d: -f1)
must_fail "noded.conf:$line:.*window" "$NODED" status -c "$NCONF"
must_fail "noded.conf:$line:" timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$NCONF"
cp "$TEST_DIR/noded.conf.orig" "$NCONF"
"$NODED" status -c "$NCONF" >/dev/null || fail "restored noded.conf no longer loads"

cp "$HCONF" "$TEST_DIR/hubd.conf.orig"
printf '[ingest]\nmax_frame = lots\n' >>"$HCONF"
line=$(grep -n '^max_frame = lots' "$HCONF" | cut -d: -f1)
must_fail "hubd.conf:$line:.*max_frame" "$HUBD" status -c "$HCONF"
must_fail "hubd.conf:$line:" timeout 20 "$HUBD" run "${RUN_OPTS[@]}" -c "$HCONF"
cp "$TEST_DIR/hubd.conf.orig" "$HCONF"
printf '[hubb]\nlisten = tcp://127.0.0.1:1\n' >>"$HCONF"
line=$(grep -n '^listen = tcp://127.0.0.1:1$' "$HCONF" | cut -d: -f1)
must_fail "hubd.conf:$line:" "$HUBD" status -c "$HCONF"
cp "$TEST_DIR/hubd.conf.orig" "$HCONF"
must_fail "$TEST_DIR/nothere.conf" "$HUBD" status -c "$TEST_DIR/nothere.conf"
must_fail "$TEST_DIR/nothere.conf" "$NODED" status -c "$TEST_DIR/nothere.conf"

# After all that, the pair still works.
start_hub
start_node n1
put n1 QT-01 >/dev/null
wait_synced n1 30
stop n1
stop "$HUB"
