#!/usr/bin/env bash
# 10-provision: deploy/provision with the 41-agency Vinh Phuc roster, end to end. Every bundle
# has its config, private keys (0600 in a 0700 directory), store and a bilingual README; the
# hub enrolls every agency with the bundle's keys. Re-running changes no key, adds new roster
# rows, and leaves the hub's later renames alone. A hub and a node installed from the bundles
# as their README.txt says reach agreement; an agency added later to the running hub
# (--hub-conf) joins it.
# timeout: 300
. "$(dirname "$0")/lib.sh"

PROVISION=$ROOT/deploy/provision
ROSTER=$ROOT/deploy/roster/agencies-vinh-phuc.tsv
P=$TEST_DIR/prov
HUB=srvhub
HUB_ENDPOINT=tcp://127.0.0.1:$(free_port)
provision() { "$PROVISION" "$@" --bin "$EISO_BIN"; }

ids=$(awk -F'\t' '!/^#/ && $1 != "id" && NF { print $1 }' "$ROSTER")
n=$(wc -l <<<"$ids")
[[ $n == 41 ]] || fail "the roster has $n agencies, expected 41"

provision "$ROSTER" "$P" --hub "$HUB_ENDPOINT" --listen "$HUB_ENDPOINT" \
    --node-data "$TEST_DIR/srvnode" --hub-data "$TEST_DIR/$HUB" >"$TEST_DIR/out1" 2>&1 ||
    fail "provision failed: $(cat "$TEST_DIR/out1")"
note "$(cat "$TEST_DIR/out1")"
grep -q '41 agencies in the roster: 41 new bundles, 0 existing' "$TEST_DIR/out1" || fail "first run summary"
grep -q 'enrolled 41 new agencies at the hub (0 already enrolled)' "$TEST_DIR/out1" || fail "first run enrollment"
HUB_KEY=$(cat "$P/hub/keys/curve.pub")
[[ $HUB_KEY =~ ^[0-9a-f]{64}$ ]] || fail "no hub key in $P/hub/keys/curve.pub"

# --- every bundle ----------------------------------------------------------------------------
for id in $ids; do
	d=$P/agencies/$id
	[[ -f $d/noded.conf && -d $d/store && -f $d/README.txt ]] || fail "bundle $d incomplete"
	for k in sign curve; do
		[[ $(stat -c %a "$d/keys/$k.key") == 600 ]] || fail "$d/keys/$k.key mode $(stat -c %a "$d/keys/$k.key")"
		[[ -s $d/keys/$k.pub ]] || fail "$d/keys/$k.pub missing"
	done
	[[ $(stat -c %a "$d/keys") == 700 ]] || fail "$d/keys mode $(stat -c %a "$d/keys")"
	grep -qx "agency = $id" "$d/noded.conf" || fail "$d/noded.conf does not name $id"
	grep -qx "data = $TEST_DIR/srvnode" "$d/noded.conf" || fail "$d/noded.conf data is not --node-data"
	grep -qx "endpoint = $HUB_ENDPOINT" "$d/noded.conf" || fail "$d/noded.conf endpoint"
	grep -qx "public_key = $HUB_KEY" "$d/noded.conf" || fail "$d/noded.conf does not pin the hub key"
	grep -q 'TIẾNG VIỆT' "$d/README.txt" && grep -q 'ENGLISH' "$d/README.txt" &&
	    grep -q "($id)" "$d/README.txt" && grep -q 'systemctl enable --now eiso-noded' "$d/README.txt" ||
	    fail "$d/README.txt lacks the Vietnamese or English install steps"
done
grep -q 'cp -r keys store' "$P/hub/README.txt" || fail "hub README.txt lacks the install steps"
grep -qx "data = $TEST_DIR/$HUB" "$P/hub/hubd.conf" || fail "hubd.conf data is not --hub-data"

# --- the enrollment, read from the provisioned hub store -------------------------------------
sed "s|^data = .*|data = $P/hub|" "$P/hub/hubd.conf" >"$TEST_DIR/prov-hub.conf"
enrolled() { "$HUBD" agency list -c "$TEST_DIR/prov-hub.conf" --json; }
enrolled >"$TEST_DIR/enrolled.json"
"$PY" - "$TEST_DIR/enrolled.json" "$ROSTER" "$P/agencies" <<'EOF'
import csv, json, sys
got = {a["id"]: a for a in json.load(open(sys.argv[1]))["agencies"]}
rows = [r for r in csv.reader((l for l in open(sys.argv[2], encoding="utf-8") if not l.startswith("#")), delimiter="\t")]
hdr, rows = rows[0], [dict(zip(rows[0], r)) for r in rows[1:] if r]
assert len(got) == len(rows) == 41, (len(got), len(rows))
for r in rows:
    a = got[r["id"]]
    keys = sys.argv[3] + "/" + r["id"] + "/keys/"
    assert a["state"] == "active", a
    assert a["sign_pub"] == open(keys + "sign.pub").read().strip(), r["id"]
    assert a["curve_pub"] == open(keys + "curve.pub").read().strip(), r["id"]
    assert a["name_vi"] == r["name_vi"] and a["name_en"] == r["name_en"], (a, r)
    assert a["level"] == r["level"] and a["parent"] == ("" if r["parent"] == "-" else r["parent"]), (a, r)
EOF

# --- re-run: nothing changes; new rows are added; the hub's renames stay ---------------------
keysums() { find "$P/agencies" "$P/hub/keys" -path '*/keys/*' -type f -print0 | sort -z | xargs -0 sha256sum; }
keysums >"$TEST_DIR/keys.before"
"$HUBD" agency rename -c "$TEST_DIR/prov-hub.conf" vp-skhcn --name-vi "Sở KH&CN (tên mới)" >/dev/null
provision "$ROSTER" "$P" --hub "$HUB_ENDPOINT" --node-data "$TEST_DIR/srvnode" \
    --hub-data "$TEST_DIR/$HUB" >"$TEST_DIR/out2" 2>&1 || fail "re-run failed: $(cat "$TEST_DIR/out2")"
grep -q '41 agencies in the roster: 0 new bundles, 41 existing' "$TEST_DIR/out2" || fail "re-run made bundles: $(cat "$TEST_DIR/out2")"
grep -q 'enrolled 0 new agencies at the hub (41 already enrolled)' "$TEST_DIR/out2" || fail "re-run enrolled: $(cat "$TEST_DIR/out2")"
keysums | cmp -s - "$TEST_DIR/keys.before" || fail "a re-run changed key files"

cp "$ROSTER" "$TEST_DIR/roster43.tsv"
printf 'vp-xa-tam-hong\tcommune\tvp-yenlac\tUBND xã Tam Hồng\tTam Hong Commune People'"'"'s Committee\n' >>"$TEST_DIR/roster43.tsv"
printf 'vp-xa-dai-dong\tcommune\tvp-vinhtuong\tUBND xã Đại Đồng\tDai Dong Commune People'"'"'s Committee\n' >>"$TEST_DIR/roster43.tsv"
provision "$TEST_DIR/roster43.tsv" "$P" --hub "$HUB_ENDPOINT" --node-data "$TEST_DIR/srvnode" \
    --hub-data "$TEST_DIR/$HUB" >"$TEST_DIR/out3" 2>&1 || fail "run with 43 failed: $(cat "$TEST_DIR/out3")"
grep -q '43 agencies in the roster: 2 new bundles, 41 existing' "$TEST_DIR/out3" || fail "$(cat "$TEST_DIR/out3")"
grep -q 'enrolled 2 new agencies at the hub (41 already enrolled)' "$TEST_DIR/out3" || fail "$(cat "$TEST_DIR/out3")"
keysums | grep -v 'vp-xa-' | cmp -s - "$TEST_DIR/keys.before" || fail "adding agencies changed existing keys"
enrolled >"$TEST_DIR/list43"
"$PY" - "$TEST_DIR/list43" <<'EOF'
import json, sys
a = {x["id"]: x for x in json.load(open(sys.argv[1]))["agencies"]}
assert len(a) == 43, "the hub holds %d agencies, not 43" % len(a)
assert a["vp-skhcn"]["name_vi"] == "Sở KH&CN (tên mới)", "a re-run undid the hub's rename"
assert a["vp-xa-dai-dong"]["parent"] == "vp-vinhtuong", a["vp-xa-dai-dong"]
EOF
[[ $(wc -l <"$P/enrollment.tsv") == 44 ]] || fail "enrollment.tsv does not list 43 agencies"

# An interrupted bundle (keys, no config) is reported, not overwritten.
mkdir -p "$P/agencies/vp-xa-hong-chau/keys"
printf 'id\nvp-xa-hong-chau\n' >"$TEST_DIR/roster1.tsv"
must_fail "vp-xa-hong-chau has keys but no noded.conf" provision "$TEST_DIR/roster1.tsv" "$P" \
    --hub "$HUB_ENDPOINT"
printf 'id\nvp-a\nvp-a\n' >"$TEST_DIR/roster-twice.tsv"
must_fail "listed twice" provision "$TEST_DIR/roster-twice.tsv" "$P" --hub "$HUB_ENDPOINT"
must_fail "must look like tcp://HOST:PORT" provision "$ROSTER" "$P" --hub hub.example:7701

# --- install the hub and one agency as their README.txt says, and run them ------------------
install_bundle() {   # BUNDLE DATA CONFNAME
	mkdir -m 0750 "$2"
	cp -r "$1/keys" "$1/store" "$2/"
	install -m 0600 "$1/$3" "$2/$3"     # stands for /etc/eiso/$3, as the README says
	# Two nodes on one machine cannot share the default API port (a taken one stops noded).
	if [[ $3 == noded.conf ]]; then conf_set "$2/$3" api listen "127.0.0.1:$(free_port)"; fi
}
install_bundle "$P/hub" "$TEST_DIR/$HUB" hubd.conf
hub_web_port     # the installed config names the default web port: use one of our own
install_bundle "$P/agencies/vp-skhcn" "$TEST_DIR/srvnode" noded.conf
[[ $("$HUBD" run -n -c "$(hub_conf)") == "configuration OK" ]] || fail "installed hub: -n not OK"
[[ $("$NODED" run -n -c "$(node_conf srvnode)") == "configuration OK" ]] || fail "installed node: -n not OK"
start_hub
start_node srvnode
put srvnode QT-01 >/dev/null
put srvnode QT-02 >/dev/null
wait_synced srvnode 30

# An agency added later, enrolled straight into the running hub by its config.
printf 'vp-xa-van-tien\tcommune\tvp-yenlac\tUBND xã Văn Tiến\tVan Tien Commune\n' >>"$TEST_DIR/roster43.tsv"
provision "$TEST_DIR/roster43.tsv" "$P" --hub "$HUB_ENDPOINT" --node-data "$TEST_DIR/srvnode2" \
    --hub-conf "$(hub_conf)" >"$TEST_DIR/out4" 2>&1 || fail "adding to the running hub: $(cat "$TEST_DIR/out4")"
grep -q '44 agencies in the roster: 1 new bundles, 43 existing' "$TEST_DIR/out4" || fail "$(cat "$TEST_DIR/out4")"
install_bundle "$P/agencies/vp-xa-van-tien" "$TEST_DIR/srvnode2" noded.conf
start_node srvnode2
put srvnode2 QT-01 >/dev/null
wait_synced srvnode2 30
stop srvnode2
stop srvnode
stop "$HUB"
