# lib.sh: shared helpers for the numbered integration scenarios (sourced, never run).
#
# A scenario sources this file, starts a hub and nodes on free loopback ports in its own temp
# directory, drives them through the real command-line verbs and checks what the daemons report.
# Every process it starts is recorded by PID and only those PIDs are ever signalled; every wait
# is bounded; on failure the daemons' logs are printed. Invariant I6 (agreement) is `agree`.
#
# Environment: EISO_BIN (default build/bin of this tree), TMPDIR, EISO_KEEP=1 keeps the temp
# directory, EISO_VERBOSE=1 echoes every command the scenario runs through `run`.

set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EISO_BIN=${EISO_BIN:-$ROOT/build/bin}
[[ $EISO_BIN == /* ]] || EISO_BIN=$PWD/$EISO_BIN
NODED=$EISO_BIN/noded
HUBD=$EISO_BIN/hubd
FORGE=$EISO_BIN/forge
# The daemons refuse to run as root unless told; CI containers run the tests as root.
RUN_OPTS=()
if ((EUID == 0)); then RUN_OPTS=(--allow-root); fi
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

SCENARIO=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/eiso-$SCENARIO.XXXXXX")
LOG_DIR=$TEST_DIR/logs
mkdir -p "$LOG_DIR"

declare -A DAEMON_PID=()     # name -> pid of a daemon we started and have not stopped
declare -a HELPER_PIDS=()    # background loops started with `background`
HUB=""                       # name of the hub (one per scenario)
HUB_ENDPOINT=""
HUB_KEY=""
HUB_WEB=""                   # base URL of the hub's web side (hub_web_port)
_FAILED_LINE=""

note() { printf '[%s %s] %s\n' "$SCENARIO" "$(date +%T)" "$*" >&2; }

fail() {
	printf '[%s %s] FAIL: %s\n' "$SCENARIO" "$(date +%T)" "$*" >&2
	exit 1
}

_on_err() {
	# The ERR trap fires at every level a failure passes through; report the first only.
	[[ -n $_FAILED_LINE ]] && return 0
	_FAILED_LINE=$1
	printf '[%s %s] FAIL: line %s: command failed (status %s): %s\n' "$SCENARIO" \
	    "$(date +%T)" "$1" "$3" "$2" >&2
}

# 0 if pid is a live process (a zombie, exited but not yet reaped, counts as dead).
_alive() {
	local pid=$1 st
	[[ -r /proc/$pid/stat ]] || return 1
	st=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
	[[ $st != Z && $st != X ]]
}

# Children of pid, by parent id (for the background loops' current noded invocation).
_children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

_kill_tree() {
	local pid=$1 sig=$2 c
	for c in $(_children "$pid"); do _kill_tree "$c" "$sig"; done
	kill "-$sig" "$pid" 2>/dev/null || true
}

_cleanup() {
	local rc=$? name pid i
	set +e
	trap - ERR
	for pid in "${HELPER_PIDS[@]}"; do _kill_tree "$pid" KILL; done
	for name in "${!DAEMON_PID[@]}"; do
		pid=${DAEMON_PID[$name]}
		kill -TERM "$pid" 2>/dev/null
	done
	for name in "${!DAEMON_PID[@]}"; do
		pid=${DAEMON_PID[$name]}
		for ((i = 0; i < 50; i++)); do _alive "$pid" || break; sleep 0.1; done
		if _alive "$pid"; then
			note "$name (pid $pid) ignored SIGTERM for 5s, killing"
			kill -KILL "$pid" 2>/dev/null
			[[ $rc == 0 ]] && rc=1
		fi
	done
	wait 2>/dev/null
	if [[ $rc != 0 ]]; then
		local f
		for f in "$LOG_DIR"/*.log; do
			[[ -e $f ]] || continue
			printf '\n----- %s (last 60 lines) -----\n' "${f#"$TEST_DIR"/}" >&2
			tail -n 60 "$f" >&2
		done
		printf '\n[%s] FAILED (exit %s)\n' "$SCENARIO" "$rc" >&2
	else
		printf '[%s] PASS\n' "$SCENARIO" >&2
	fi
	if [[ ${EISO_KEEP:-0} == 1 ]]; then
		note "kept $TEST_DIR"
	else
		rm -rf "$TEST_DIR"
	fi
	exit "$rc"
}

trap '_on_err "$LINENO" "$BASH_COMMAND" "$?"' ERR
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _b in "$NODED" "$HUBD" "$FORGE"; do
	[[ -x $_b ]] || fail "$_b is missing: build first (make), or set EISO_BIN"
done
unset _b

# ---------------------------------------------------------------------------------------------
# Small tools

free_port() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# 0 when something accepts TCP connections on 127.0.0.1:port.
port_open() {
	"$PY" -c 'import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
s.close()' "$1"
}

# json_get KEY [KEY...] < JSON: prints each value on its own line (booleans as true/false).
json_get() {
	"$PY" -c 'import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = d
    for part in k.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    print(json.dumps(v) if isinstance(v, (bool, dict, list)) or v is None else v)' "$@"
}

# Set KEY in [SECTION] of an INI file (adds the section or key when missing).
conf_set() {
	"$PY" - "$@" <<'EOF'
import re, sys
path, section, key, value = sys.argv[1:5]
lines = open(path).read().splitlines()
out, cur, done = [], None, False
for i, line in enumerate(lines):
    m = re.match(r"\s*\[([^\]]+)\]", line)
    if m:
        if cur == section and not done:
            out.append(f"{key} = {value}")
            done = True
        cur = m.group(1).strip()
    elif cur == section and not done and re.match(rf"\s*{re.escape(key)}\s*=", line):
        out.append(f"{key} = {value}")
        done = True
        continue
    out.append(line)
if not done:
    if cur != section:
        out.append(f"[{section}]")
    out.append(f"{key} = {value}")
open(path, "w").write("\n".join(out) + "\n")
EOF
}

# wait_until CONDITION TIMEOUT_SECONDS: poll the shell condition every 0.2 s; fail on timeout
# or when one of our daemons dies meanwhile.
wait_until() {
	local cond=$1 timeout=$2 start=$SECONDS
	while :; do
		if eval "$cond"; then return 0; fi
		check_daemons
		if ((SECONDS - start >= timeout)); then
			fail "timed out after ${timeout}s waiting for: $cond"
		fi
		sleep 0.2
	done
}

# Run a command in the background, remembered so it is killed at exit.
background() {
	"$@" &
	HELPER_PIDS+=($!)
	BG_PID=$!
}

# wait_bg PID TIMEOUT: wait for a background helper to finish (fails on timeout or its failure).
wait_bg() {
	local pid=$1 timeout=$2 start=$SECONDS rc=0
	while _alive "$pid"; do
		check_daemons
		((SECONDS - start < timeout)) || fail "background job $pid still running after ${timeout}s"
		sleep 0.2
	done
	wait "$pid" || rc=$?
	((rc == 0)) || fail "background job $pid failed with status $rc"
}

random_file() {   # PATH BYTES
	head -c "$2" /dev/urandom >"$1"
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------------
# Daemons

_spawn() {   # NAME CMD...
	local name=$1 log=$LOG_DIR/$1.log
	shift
	printf '=== %s start: %s\n' "$(date +%T.%N)" "$*" >>"$log"
	"$@" >>"$log" 2>&1 &
	DAEMON_PID[$name]=$!
}

daemon_pid() { echo "${DAEMON_PID[$1]:-}"; }

daemon_running() { [[ -n ${DAEMON_PID[$1]:-} ]] && _alive "${DAEMON_PID[$1]}"; }

# Fail if a daemon we started and did not stop has exited.
check_daemons() {
	local name pid rc
	for name in "${!DAEMON_PID[@]}"; do
		pid=${DAEMON_PID[$name]}
		if ! _alive "$pid"; then
			rc=0
			wait "$pid" 2>/dev/null || rc=$?
			unset "DAEMON_PID[$name]"
			fail "$name (pid $pid) died unexpectedly with status $rc"
		fi
	done
}

# stop NAME: SIGTERM, wait (bounded) and require a clean exit status.
stop() {
	local name=$1 pid=${DAEMON_PID[$1]:-} rc=0 i
	[[ -n $pid ]] || fail "stop $name: not running"
	kill -TERM "$pid"
	for ((i = 0; i < 100; i++)); do _alive "$pid" || break; sleep 0.1; done
	_alive "$pid" && fail "$name (pid $pid) still running 10s after SIGTERM"
	wait "$pid" || rc=$?
	unset "DAEMON_PID[$name]"
	((rc == 0)) || fail "$name (pid $pid) exited with status $rc after SIGTERM"
	note "stopped $name"
}

# kill9 NAME: SIGKILL, and reap it.
kill9() {
	local name=$1 pid=${DAEMON_PID[$1]:-} i
	[[ -n $pid ]] || fail "kill9 $name: not running"
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do _alive "$pid" || break; sleep 0.1; done
	{ wait "$pid"; } 2>/dev/null || true
	unset "DAEMON_PID[$name]"
	printf '=== %s killed with SIGKILL\n' "$(date +%T.%N)" >>"$LOG_DIR/$name.log"
	note "killed $name with SIGKILL"
}

log_has() {   # NAME REGEX: the daemon's log matches (extended regex)
	grep -Eq -- "$2" "$LOG_DIR/$1.log"
}

# ---------------------------------------------------------------------------------------------
# Hub

hub_conf() { echo "$TEST_DIR/$HUB/hubd.conf"; }

# hub_init [NAME]: hubd init with its own free ports for nodes and for the web side (never
# the shared default: a taken web port stops the hub); sets HUB, HUB_ENDPOINT, HUB_KEY, HUB_WEB.
hub_init() {
	local name=${1:-hub} port web
	HUB=$name
	port=$(free_port)
	web=$(free_port)
	HUB_ENDPOINT=tcp://127.0.0.1:$port
	HUB_KEY=$("$HUBD" init --data "$TEST_DIR/$name" --listen "$HUB_ENDPOINT" \
	    --web "127.0.0.1:$web" 2>>"$LOG_DIR/init.log")
	[[ $HUB_KEY =~ ^[0-9a-f]{64}$ ]] || fail "hubd init printed '$HUB_KEY', not a 64-hex key"
	[[ -f $TEST_DIR/$name/hubd.conf ]] || fail "hubd init made no $TEST_DIR/$name/hubd.conf"
	HUB_WEB=http://127.0.0.1:$web
}

# hub_web_port: for a hub made otherwise (deploy/provision), the web side on a free port of
# its own, never the shared default; sets HUB_WEB (its base URL).
hub_web_port() {
	local port
	port=$(free_port)
	conf_set "$(hub_conf)" web listen "127.0.0.1:$port"
	HUB_WEB=http://127.0.0.1:$port
}

# The API token hubd init wrote into the hub's config.
hub_token() { sed -n 's/^token *= *//p' "$(hub_conf)"; }

# hub_api PATH [curl options...]: GET (or what the options say) PATH of the hub's web side
# with the API token; prints the body, then a last line "HTTP STATUS".
hub_api() {
	local path=$1
	shift
	curl -sS --max-time 30 -w '\nHTTP %{http_code}\n' -H "Authorization: Bearer $(hub_token)" \
	    "$@" "$HUB_WEB$path"
}

# hub_password PASS: set the dashboard password (user admin) before the hub starts.
hub_password() {
	printf '%s\n' "$1" | "$HUBD" passwd -c "$(hub_conf)" --user admin >/dev/null
}

# start_hub: (hub_init first if needed) run the hub in the background, wait until it listens.
start_hub() {
	[[ -n $HUB ]] || hub_init
	_spawn "$HUB" "$HUBD" run "${RUN_OPTS[@]}" -c "$(hub_conf)"
	wait_until "port_open ${HUB_ENDPOINT##*:}" 20
	if [[ -n $HUB_WEB ]]; then wait_until "port_open ${HUB_WEB##*:}" 20; fi
	note "hub running (pid ${DAEMON_PID[$HUB]}) on $HUB_ENDPOINT, web $HUB_WEB"
}

hub_status() { "$HUBD" status -c "$(hub_conf)" --json; }

# hub_get AGENCY KEY: a field of the agency's entry in `hubd status --json`.
hub_get() {
	hub_status | "$PY" -c 'import json, sys
d = json.load(sys.stdin)
for a in d["agencies"]:
    if a["id"] == sys.argv[1]:
        v = a[sys.argv[2]]
        print(json.dumps(v) if isinstance(v, bool) else v)
        sys.exit(0)
sys.exit("agency %s not in hubd status" % sys.argv[1])' "$1" "$2"
}

hub_enroll() { "$HUBD" enroll -c "$(hub_conf)" "$@"; }

# hub_blob_is FILE: the hub holds FILE's bytes, whole and identical, under its SHA-256.
hub_blob_is() {
	local f=$1 sha
	sha=$(sha256 "$f")
	"$HUBD" blob -c "$(hub_conf)" "$sha" | cmp -s - "$f"
}

# ---------------------------------------------------------------------------------------------
# Nodes

node_conf() { echo "$TEST_DIR/$1/noded.conf"; }
node_keys() { echo "$TEST_DIR/$1/keys"; }
node_store() { echo "$TEST_DIR/$1/store"; }

# node_init NAME AGENCY: noded init against the hub, then enroll its line at the hub.
node_init() {
	local name=$1 agency=$2 line
	local -a f
	line=$("$NODED" init --agency "$agency" --hub "$HUB_ENDPOINT" --hub-key "$HUB_KEY" \
	    --data "$TEST_DIR/$name" 2>>"$LOG_DIR/init.log")
	read -r -a f <<<"$line"
	[[ ${#f[@]} == 3 && ${f[0]} == "$agency" && ${f[1]} =~ ^[0-9a-f]{64}$ &&
	    ${f[2]} =~ ^[0-9a-f]{64}$ ]] || fail "noded init printed '$line', not 'ID SIGN CURVE'"
	# Its own port for the local API: never the shared default, nor another node's.
	conf_set "$(node_conf "$name")" api listen "127.0.0.1:$(free_port)"
	hub_enroll "${f[@]}" >/dev/null
}

# start_node NAME: run the daemon in the background; wait until status says it runs.
start_node() {
	local name=$1
	_spawn "$name" "$NODED" run "${RUN_OPTS[@]}" -c "$(node_conf "$name")"
	wait_until "[[ \$(node_get $name daemon) == true ]]" 20
	note "node $name running (pid ${DAEMON_PID[$name]})"
}

node_status() { "$NODED" status -c "$(node_conf "$1")" --json; }

node_get() {   # NAME KEY...
	local name=$1
	shift
	node_status "$name" | json_get "$@"
}

# put NAME CODE [noded doc new options...]: one durable write (a new draft document);
# prints its issue number.
put() {
	local name=$1 code=$2 out
	shift 2
	out=$("$NODED" doc new -c "$(node_conf "$name")" --code "$code" --title "title of $code" \
	    --kind procedure --json "$@") || fail "noded doc new $code on $name failed"
	json_get issue <<<"$out"
}

# I6: the node has everything acked and its (acked seq, head hash) equals the hub's
# (applied seq, head hash) for its agency. Quiet; returns 1 when not (yet) so.
agree() {
	local nj hj
	nj=$(node_status "$1") || return 1
	hj=$(hub_status) || return 1
	"$PY" - "$nj" "$hj" <<'EOF'
import json, sys
n, h = json.loads(sys.argv[1]), json.loads(sys.argv[2])
a = [x for x in h["agencies"] if x["id"] == n["agency"]]
ok = (a and n["pending_changes"] == 0 and n["acked_seq"] == n["head_seq"]
      and a[0]["applied_seq"] == n["acked_seq"]
      and str(a[0]["head_hash"]).lower() == str(n["head_hash"]).lower())
sys.exit(0 if ok else 1)
EOF
}

# Print both sides of I6 for a node (for failure messages and notes).
agreement() {
	local name=$1 agency
	agency=$(node_get "$name" agency)
	printf 'node %s: head %s acked %s pending_changes %s hash %s | hub: applied %s hash %s' \
	    "$name" "$(node_get "$name" head_seq)" "$(node_get "$name" acked_seq)" \
	    "$(node_get "$name" pending_changes)" "$(node_get "$name" head_hash)" \
	    "$(hub_get "$agency" applied_seq)" "$(hub_get "$agency" head_hash)"
}

assert_agree() {
	agree "$1" || fail "no agreement: $(agreement "$1")"
	note "agreement: $(agreement "$1")"
}

# wait_synced NAME TIMEOUT: every write sealed, sent, applied and acked; then I6 holds.
wait_synced() {
	local name=$1 timeout=$2 start=$SECONDS
	while ! agree "$name"; do
		check_daemons
		((SECONDS - start < timeout)) ||
		    fail "$name not in agreement after ${timeout}s: $(agreement "$name")"
		sleep 0.3
	done
	note "agreement: $(agreement "$name")"
}

# must_fail REGEX CMD...: CMD exits non-zero (and not from a signal) and its stderr/stdout
# match REGEX (extended, case-insensitive). The output is in $OUT afterwards.
must_fail() {
	local re=$1 rc=0
	shift
	OUT=$("$@" 2>&1) || rc=$?
	((rc != 0)) || fail "expected failure, got exit 0: $*
$OUT"
	((rc < 128)) || fail "killed by a signal (status $rc): $*
$OUT"
	grep -Eqi -- "$re" <<<"$OUT" || fail "message does not match /$re/: $*
$OUT"
	note "refused as expected (exit $rc): $(head -n 1 <<<"$OUT")"
}

# hub_blob_have SHA: "HAVE SIZE COMPLETE" from the hub's blob meta table, read straight from
# LMDB with mdb_dump (so a partial transfer is visible); "none" when the hub holds nothing.
hub_blob_have() {
	mdb_dump -s "${HUB_BLOBMETA_DB:-blobmeta}" "$TEST_DIR/$HUB/store" 2>/dev/null |
	    "$PY" -c 'import sys
sha = sys.argv[1]
lines = [l[1:].strip() for l in sys.stdin if l.startswith(" ")]
def varints(b):
    f, i = {}, 0
    while i < len(b):
        tag, i = read(b, i)
        val, i = read(b, i)
        f[tag >> 3] = val
    return f
def read(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7f) << s; s += 7
        if c < 0x80:
            return v, i
for k, v in zip(lines[0::2], lines[1::2]):
    if k.startswith(sha):
        f = varints(bytes.fromhex(v))
        print(f.get(2, 0), f.get(1, 0), f.get(3, 0))
        sys.exit(0)
print("none")' "$1"
}
