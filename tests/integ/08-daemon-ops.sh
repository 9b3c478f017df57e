#!/usr/bin/env bash
# 08-daemon-ops: the daemons as services. `run -n` checks config, key files and store and says
# "configuration OK" or file:line; both daemons refuse to run as root without --allow-root;
# they tell systemd READY=1, RELOADING=1 and STOPPING=1 on $NOTIFY_SOCKET; SIGHUP reloads what
# may change, names what needs a restart, and a bad config keeps the old one running. hubd init
# takes the web address and public base; a web side or local API that cannot bind stops
# start-up, naming the address.
. "$(dirname "$0")/lib.sh"

hub_init
node_init n1 so-noi-vu
NCONF=$(node_conf n1)
HCONF=$(hub_conf)

# --- -n: configuration OK, or the file and line of the first error -----------------------
[[ $("$NODED" run -n -c "$NCONF") == "configuration OK" ]] || fail "noded run -n: not OK"
[[ $("$HUBD" run -n -c "$HCONF") == "configuration OK" ]] || fail "hubd run -n: not OK"

cp "$NCONF" "$TEST_DIR/noded.conf.orig"
printf '[sender]\nwindw = 8\n' >>"$NCONF"
line=$(grep -n '^windw' "$NCONF" | cut -d: -f1)
must_fail "^$NCONF:$line: unknown directive 'windw'" "$NODED" run -n -c "$NCONF"
cp "$TEST_DIR/noded.conf.orig" "$NCONF"
conf_set "$NCONF" hub public_key abcd
must_fail "public_key.*hex" "$NODED" run -n -c "$NCONF"
cp "$TEST_DIR/noded.conf.orig" "$NCONF"

chmod 640 "$(node_keys n1)/curve.key"
must_fail "curve.key.*640" "$NODED" run -n -c "$NCONF"
chmod 600 "$(node_keys n1)/curve.key"
# A public key that is not its secret's half: the hub would refuse this node.
"$NODED" init --agency other --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" \
    --data "$TEST_DIR/other" >/dev/null 2>&1
cp "$(node_keys n1)/sign.pub" "$TEST_DIR/sign.pub.orig"
cp "$TEST_DIR/other/keys/sign.pub" "$(node_keys n1)/sign.pub"
must_fail "sign.pub does not match sign.key" "$NODED" run -n -c "$NCONF"
cp "$TEST_DIR/sign.pub.orig" "$(node_keys n1)/sign.pub"
# The store must be there and belong to the configured agency.
conf_set "$NCONF" node agency so-khac
must_fail "belongs to agency so-noi-vu" "$NODED" run -n -c "$NCONF"
cp "$TEST_DIR/noded.conf.orig" "$NCONF"
# An unfilled sample is refused by name.
"$NODED" config-sample >"$TEST_DIR/sample.conf"
must_fail "required directive 'agency' in \[node\] is empty" "$NODED" run -n -c "$TEST_DIR/sample.conf"
"$HUBD" config-sample >"$TEST_DIR/hsample.conf"
must_fail "required directive 'data' in \[hub\] is empty" "$HUBD" run -n -c "$TEST_DIR/hsample.conf"

cp "$HCONF" "$TEST_DIR/hubd.conf.orig"
conf_set "$HCONF" ingest chunk_size 1048576
conf_set "$HCONF" ingest max_frame 1048576
must_fail "chunk_size must be well below" "$HUBD" run -n -c "$HCONF"
cp "$TEST_DIR/hubd.conf.orig" "$HCONF"
chmod 604 "$TEST_DIR/$HUB/keys/sign.key"
must_fail "sign.key.*604" "$HUBD" run -n -c "$HCONF"
chmod 600 "$TEST_DIR/$HUB/keys/sign.key"
[[ $("$NODED" run -n -c "$NCONF") == "configuration OK" ]] || fail "restored noded.conf not OK"
[[ $("$HUBD" run -n -c "$HCONF") == "configuration OK" ]] || fail "restored hubd.conf not OK"

# --- root ---------------------------------------------------------------------------------
if ((EUID == 0)); then
	must_fail "refusing to run as root.*--allow-root" timeout 20 "$NODED" run -c "$NCONF"
	must_fail "refusing to run as root.*--allow-root" timeout 20 "$HUBD" run -c "$HCONF"
else
	note "not root: the root refusal cannot be seen here; --allow-root must still be accepted"
	RUN_OPTS=(--allow-root)
fi

# --- sd_notify: a datagram socket standing in for systemd ----------------------------------
notify_listen() {   # SOCKET OUTFILE: append each notification, newlines as spaces
	"$PY" -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n")' "$1" "$2"
}
background notify_listen "$TEST_DIR/hub.sock" "$TEST_DIR/hub.notify"
background notify_listen "$TEST_DIR/n1.sock" "$TEST_DIR/n1.notify"
wait_until "[[ -S $TEST_DIR/hub.sock && -S $TEST_DIR/n1.sock ]]" 10

_spawn "$HUB" env NOTIFY_SOCKET="$TEST_DIR/hub.sock" "$HUBD" run "${RUN_OPTS[@]}" -c "$HCONF"
wait_until "port_open ${HUB_ENDPOINT##*:}" 20
_spawn n1 env NOTIFY_SOCKET="$TEST_DIR/n1.sock" "$NODED" run "${RUN_OPTS[@]}" -c "$NCONF"
wait_until "grep -q READY=1 $TEST_DIR/hub.notify" 10
wait_until "grep -q READY=1 $TEST_DIR/n1.notify" 10
put n1 QT-01 >/dev/null
wait_synced n1 30

# --- SIGHUP -------------------------------------------------------------------------------
conf_set "$HCONF" ingest window 8
conf_set "$HCONF" hub listen tcp://127.0.0.1:1
kill -HUP "$(daemon_pid "$HUB")"
wait_until "log_has $HUB 'configuration reloaded from .*hubd.conf: ingest.window'" 10
log_has "$HUB" 'reload: hub.listen changed but needs a restart' ||
    fail "hubd did not say that hub.listen needs a restart"
grep -q RELOADING=1 "$TEST_DIR/hub.notify" || fail "hubd sent no RELOADING=1"

conf_set "$NCONF" sender window 4
conf_set "$NCONF" log debug 1
kill -HUP "$(daemon_pid n1)"
wait_until "log_has n1 'configuration reloaded from .*noded.conf: sender.window, log.debug'" 10
for i in 2 3 4 5 6; do put n1 "QT-0$i" >/dev/null; done
wait_synced n1 30
log_has n1 'sent set' || fail "log.debug = 1 reloaded, but noded logs no debug lines"

# A bad config keeps the old one: the daemons say why and go on working (the files are
# put back before the next write only because the command-line verbs read them too).
cp "$NCONF" "$TEST_DIR/noded.conf.good"
cp "$HCONF" "$TEST_DIR/hubd.conf.good"
printf '[sender]\nwindow = 0\n' >>"$NCONF"
printf '[ingest]\nmax_batch = lots\n' >>"$HCONF"
kill -HUP "$(daemon_pid n1)" "$(daemon_pid "$HUB")"
wait_until "log_has n1 'reload: .*noded.conf:[0-9]+: .*window.*keeping the old configuration'" 10
wait_until "log_has $HUB 'reload: .*hubd.conf:[0-9]+: .*max_batch.*keeping the old configuration'" 10
cp "$TEST_DIR/noded.conf.good" "$NCONF"
cp "$TEST_DIR/hubd.conf.good" "$HCONF"
daemon_running n1 && daemon_running "$HUB" || fail "a bad config on SIGHUP stopped a daemon"
put n1 QT-07 >/dev/null
wait_synced n1 30

# --- start-up addresses -----------------------------------------------------------------------
# hubd init makes the missing parents of --data (the data directory itself 0700), writes the
# web address given, and derives the public base from it unless --public-base says otherwise.
W=$(free_port)
H2DIR=$TEST_DIR/deep/er/hub2
"$HUBD" init --data "$H2DIR" --listen "tcp://127.0.0.1:$(free_port)" --web "127.0.0.1:$W" \
    >/dev/null 2>>"$LOG_DIR/init.log" || fail "hubd init under missing parents: $(tail -n 1 "$LOG_DIR/init.log")"
H2=$H2DIR/hubd.conf
[[ $(stat -c %a "$H2DIR") == 700 ]] || fail "hubd init made $H2DIR mode $(stat -c %a "$H2DIR")"
grep -qx "listen = 127.0.0.1:$W" "$H2" && grep -qx "public_base = http://127.0.0.1:$W" "$H2" ||
    fail "hubd init --web wrote: $(grep -E '^(listen|public_base) ' "$H2")"
"$HUBD" init --data "$TEST_DIR/hub3" --web "127.0.0.1:$(free_port)" \
    --public-base https://iso.vinhphuc.example.vn >/dev/null 2>>"$LOG_DIR/init.log" ||
    fail "hubd init --public-base: $(tail -n 1 "$LOG_DIR/init.log")"
grep -qx "public_base = https://iso.vinhphuc.example.vn" "$TEST_DIR/hub3/hubd.conf" ||
    fail "hubd init --public-base wrote: $(grep '^public_base' "$TEST_DIR/hub3/hubd.conf")"
must_fail "--web: .*'localhost' is not an IPv4 address" "$HUBD" init --data "$TEST_DIR/hub4" --web localhost:80
must_fail "--public-base: .*not an http" "$HUBD" init --data "$TEST_DIR/hub4" --public-base iso.example.vn
must_fail "--web 0.0.0.0:7790 .*--public-base" "$HUBD" init --data "$TEST_DIR/hub4" --web 0.0.0.0:7790
[[ ! -e $TEST_DIR/hub4 ]] || fail "a refused hubd init left $TEST_DIR/hub4 behind"
# A configured web side that cannot bind stops start-up, naming the address (here the running
# hub's web port); an empty web.listen turns the web side off.
taken=${HUB_WEB##*:}
conf_set "$H2" web listen "127.0.0.1:$taken"
must_fail "web: cannot listen on 127.0.0.1:$taken: address already in use" \
    timeout 20 "$HUBD" run "${RUN_OPTS[@]}" -c "$H2"
conf_set "$H2" web listen ""
_spawn hub2 "$HUBD" run "${RUN_OPTS[@]}" -c "$H2"
wait_until "log_has hub2 'web: off'" 10
stop hub2
# The node's local API likewise (a node that has not connected yet, on the same taken port).
conf_set "$TEST_DIR/other/noded.conf" api listen "127.0.0.1:$taken"
must_fail "api: cannot listen on 127.0.0.1:$taken: address already in use" \
    timeout 20 "$NODED" run "${RUN_OPTS[@]}" -c "$TEST_DIR/other/noded.conf"

stop n1
stop "$HUB"
grep -q STOPPING=1 "$TEST_DIR/n1.notify" || fail "noded sent no STOPPING=1"
grep -q STOPPING=1 "$TEST_DIR/hub.notify" || fail "hubd sent no STOPPING=1"
