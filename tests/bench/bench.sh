#!/usr/bin/env bash
# bench.sh: `make bench`: eiso's performance scenarios against real daemons on loopback, each
# printed beside the machine's own limit measured in the same run, with its target.
#
#   tests/bench/bench.sh [options]        (make bench BENCH_ARGS="options")
#
# Scenarios (each run --runs times; the table shows median, min and max):
#   limits    Ed25519 verify/sign on one core, SHA-256, LMDB batched puts and durable commits,
#             ZeroMQ CURVE over loopback at the ingest message size and at the blob chunk size
#   ingest    --agencies simulated agencies (loadgen, one process, own keys, connection and
#             chain each) stream --sets pre-signed one-change sets each to a fresh hubd
#   catchup   one real noded with --changes pending 1 KB changes, started after the hub:
#             from `noded run` until everything is sealed, signed, sent and acknowledged
#   latency   --latency-nodes real noded, --rate writes/s each for --latency-seconds: from a
#             write's local commit until the hub's docs table (what its API and portal read)
#             has it, polled with read transactions on the hub's store every 0.5 ms
#   files     --bytes of files of 100 kB - 50 MB through a real noded to the hub, every blob
#             re-hashed in both stores afterwards
#   memory    noded RssAnon idle and while sending a --mem-file-bytes file; hubd RssAnon with
#             --hold-agencies agencies connected
#   reading   a hub holding --read-docs documents of --read-agencies agencies (1,000 x 1,000):
#             GET /api/v1/agencies one request at a time (p99), and one public document page
#             over 8 keep-alive connections (requests/s), for --read-seconds each
#
# Options (sizes take k, M, G = 10^3, 10^6, 10^9):
#   --runs N (3)  --agencies N (41)  --sets N per agency (2000)  --changes N (1000000)
#   --latency-nodes N (41)  --rate N (10)  --latency-seconds N (10)  --bytes N (2G)
#   --mem-file-bytes N (1G)  --hold-agencies N (1000)  --limit-ms N (1000 per limit)
#   --read-agencies N (1000)  --read-docs N (1000000)  --read-seconds N (5)
#   --only LIST (comma-separated scenario names)  --out FILE (bench/results.json)
#   --tiny   seconds-long configuration for make check: targets are not judged
#
# Environment as tests/integ/lib.sh (EISO_BIN, TMPDIR, EISO_KEEP=1).

# shellcheck source=../integ/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integ/lib.sh"

LOADGEN=$EISO_BIN/loadgen
# Options every `noded run` gets (lib.sh may set some, e.g. to run as root on a test machine).
NODE_RUN_OPTS=("${RUN_OPTS[@]+"${RUN_OPTS[@]}"}")
[[ -x $LOADGEN ]] || fail "$LOADGEN is missing: build first (make), or set EISO_BIN"

RUNS=3 AGENCIES=41 SETS=2000 CHANGES=1000000 LAT_NODES=41 RATE=10 LAT_SECONDS=10
BYTES=2G MEM_FILE=1G HOLD=1000 LIMIT_MS=1000 TINY=0 SETTLE_MS=2000
READ_AGENCIES=1000 READ_DOCS=1000000 READ_SECONDS=5
ONLY=limits,ingest,catchup,latency,files,memory,reading
OUT=$ROOT/bench/results.json
ARGS="$*"

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

while (($#)); do
	case $1 in
	--runs) RUNS=$2 ;;
	--agencies) AGENCIES=$2 ;;
	--sets) SETS=$2 ;;
	--changes) CHANGES=$2 ;;
	--latency-nodes) LAT_NODES=$2 ;;
	--rate) RATE=$2 ;;
	--latency-seconds) LAT_SECONDS=$2 ;;
	--bytes) BYTES=$2 ;;
	--mem-file-bytes) MEM_FILE=$2 ;;
	--hold-agencies) HOLD=$2 ;;
	--limit-ms) LIMIT_MS=$2 ;;
	--read-agencies) READ_AGENCIES=$2 ;;
	--read-docs) READ_DOCS=$2 ;;
	--read-seconds) READ_SECONDS=$2 ;;
	--only) ONLY=$2 ;;
	--out) OUT=$2 ;;
	--tiny)
		TINY=1 RUNS=2 AGENCIES=3 SETS=100 CHANGES=2000 LAT_NODES=3 LAT_SECONDS=2 BYTES=3M
		MEM_FILE=5M HOLD=20 LIMIT_MS=100 SETTLE_MS=300 READ_AGENCIES=20 READ_DOCS=4000
		READ_SECONDS=1
		shift
		continue
		;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; fail "unknown option $1" ;;
	esac
	[[ $# -ge 2 ]] || fail "$1 needs a value"
	shift 2
done
[[ $OUT == /* ]] || OUT=$PWD/$OUT

# A size with an optional k/M/G suffix, as a plain number.
num() {
	local v=$1
	case $v in
	*k) echo $((${v%k} * 1000)) ;;
	*M) echo $((${v%M} * 1000000)) ;;
	*G) echo $((${v%G} * 1000000000)) ;;
	*) echo $((v)) ;;
	esac
}
BYTES=$(num "$BYTES")
MEM_FILE=$(num "$MEM_FILE")
CHANGES=$(num "$CHANGES")
READ_DOCS=$(num "$READ_DOCS")

RAW=$TEST_DIR/raw.jsonl
: >"$RAW"
wanted() { [[ ,$ONLY, == *,$1,* ]]; }

# record SCENARIO RUN CMD...: run a loadgen verb, keep its JSON line for the table.
record() {
	local scen=$1 run=$2 out
	shift 2
	out=$("$@" 2>>"$LOG_DIR/loadgen.log") || fail "$scen (run $run) failed: $*"
	[[ $out == '{'*'}' ]] || fail "$scen (run $run) printed no JSON: $out"
	printf '{"scenario":"%s","run":%s,"data":%s}\n' "$scen" "$run" "$out" >>"$RAW"
	LAST=$out
}

# field KEY: a number from the last recorded JSON line.
field() { json_get "$1" <<<"$LAST"; }

# A daemon that does not stop cleanly is reported, but does not throw away the figures.
NOTES=$TEST_DIR/notes.txt
: >"$NOTES"
bench_note() { note "$*"; printf '%s\n' "$*" >>"$NOTES"; }

# stop_node NAME: like lib.sh's stop, but a bad exit status is a note, not a failure.
stop_node() {
	local name=$1 pid=${DAEMON_PID[$1]:-} rc=0 i
	kill -TERM "$pid"
	for ((i = 0; i < 100; i++)); do _alive "$pid" || break; sleep 0.1; done
	_alive "$pid" && kill -KILL "$pid"
	wait "$pid" || rc=$?
	unset "DAEMON_PID[$name]"
	((rc == 0)) || bench_note "noded $name exited with status $rc after SIGTERM (see its log)"
}

# node_exit: the last run-node's noded exit status, noted when it was not 0.
node_exit() {
	local st
	st=$(field node_exit)
	[[ $st == 0 ]] || bench_note "noded ($1) exited with status $st after SIGTERM"
}

# fresh_hub NAME: init and start a hub of its own for one run.
fresh_hub() {
	HUB=""
	hub_init "$1"
	start_hub
}

drop_hub() {
	stop "$HUB"
	rm -rf "${TEST_DIR:?}/$HUB"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

LOAD_START=$(load1)
note "load average $LOAD_START on $(nproc) cores$( [[ ${LOAD_START%%.*} -ge 1 ]] && echo ': the machine is busy, figures will be noisy')"
note "scenarios: $ONLY; $RUNS run(s) each; work in $TEST_DIR"

# --- limits and ingest (run by run, so each ingest figure has its limits beside it in time) --
for ((r = 1; r <= RUNS; r++)); do
	if wanted limits; then
		record limits "$r" "$LOADGEN" limits --dir "$TEST_DIR" --ms "$LIMIT_MS"
		note "limits $r: $(field ed25519_verify_per_s) verify/s, $(field sha256_mb_per_s) MB/s SHA-256, $(field zmq_curve_small_msgs_per_s) CURVE msg/s"
	fi
	if wanted ingest; then
		fresh_hub "hub-ingest-$r"
		"$LOADGEN" roster --agencies "$AGENCIES" --prefix "ing$r" >"$TEST_DIR/roster-ingest.tsv"
		hub_enroll --roster "$TEST_DIR/roster-ingest.tsv" >/dev/null
		record ingest "$r" "$LOADGEN" ingest --agencies "$AGENCIES" --prefix "ing$r" \
		    --sets "$SETS" --endpoint "$HUB_ENDPOINT" --hub-key "$HUB_KEY" \
		    --hub-pid "$(daemon_pid "$HUB")"
		note "ingest $r: $(field sets_per_s) change sets/s ($(field sets) sets, hub CPU $(field hub_cpu_s) s)"
		drop_hub
	fi
done

# --- catch-up -------------------------------------------------------------------------------
if wanted catchup; then
	for ((r = 1; r <= RUNS; r++)); do
		# The node's backlog is written first; then the hub starts, then the node.
		HUB=""
		hub_init "hub-catchup-$r"
		node_init "cu-$r" "catchup-$r"
		record fill "$r" "$LOADGEN" fill --conf "$(node_conf "cu-$r")" --changes "$CHANGES" \
		    --meta-bytes 1000
		note "catchup $r: $(field changes) changes of $(field change_bytes) bytes queued in $(field seconds) s"
		start_hub
		record catchup "$r" "$LOADGEN" run-node --noded "$NODED" --conf "$(node_conf "cu-$r")" \
		    --log "$LOG_DIR/cu-$r.log" --hub-pid "$(daemon_pid "$HUB")" --settle-ms 0 \
		    --timeout 900 -- "${NODE_RUN_OPTS[@]}"
		note "catchup $r: all acked $(field seconds) s after noded run ($(field head_seq) sets)"
		node_exit "catch-up run $r"
		assert_agree "cu-$r"
		drop_hub
		rm -rf "${TEST_DIR:?}/cu-$r"
	done
fi

# --- latency --------------------------------------------------------------------------------
if wanted latency; then
	fresh_hub hub-latency
	confs=()
	for ((i = 1; i <= LAT_NODES; i++)); do
		node_init "lat-$i" "lat-$i"
		_spawn "lat-$i" "$NODED" run -c "$(node_conf "lat-$i")" "${NODE_RUN_OPTS[@]}"
		confs+=("$(node_conf "lat-$i")")
	done
	for ((i = 1; i <= LAT_NODES; i++)); do
		wait_until "[[ \$(node_get lat-$i link) == connected ]]" 60
	done
	note "latency: $LAT_NODES nodes connected"
	for ((r = 1; r <= RUNS; r++)); do
		record latency "$r" "$LOADGEN" latency --hub-conf "$(hub_conf)" --rate "$RATE" \
		    --seconds "$LAT_SECONDS" --prefix "L$r" "${confs[@]}"
		note "latency $r: p50 $(field p50_ms) ms, p99 $(field p99_ms) ms over $(field measured) writes"
	done
	for ((i = 1; i <= LAT_NODES; i++)); do
		stop_node "lat-$i"
		rm -rf "${TEST_DIR:?}/lat-$i"
	done
	drop_hub
fi

# --- files ----------------------------------------------------------------------------------
if wanted files; then
	mkdir -p "$TEST_DIR/files"
	"$LOADGEN" gen-files --dir "$TEST_DIR/files" --list "$TEST_DIR/files.tsv" \
	    --bytes "$BYTES" --min 100k --max 50M >/dev/null 2>>"$LOG_DIR/loadgen.log"
	note "files: $(wc -l <"$TEST_DIR/files.tsv") files, $BYTES bytes"
	for ((r = 1; r <= RUNS; r++)); do
		fresh_hub "hub-files-$r"
		node_init "fi-$r" "files-$r"
		i=0
		while IFS=$'\t' read -r path size sha; do
			i=$((i + 1))
			out=$("$NODED" doc new -c "$(node_conf "fi-$r")" --code "$(printf 'F-%05d' "$i")" \
			    --title "Hồ sơ số hoá $i" --kind record --file "$path" --json)
			[[ $(json_get files.0.sha256 <<<"$out") == "$sha" ]] ||
			    fail "node stored $path under another SHA-256"
		done <"$TEST_DIR/files.tsv"
		record files "$r" "$LOADGEN" run-node --noded "$NODED" --conf "$(node_conf "fi-$r")" \
		    --log "$LOG_DIR/fi-$r.log" --hub-pid "$(daemon_pid "$HUB")" --settle-ms 0 \
		    --timeout 900 -- "${NODE_RUN_OPTS[@]}"
		secs=$(field seconds)
		node_exit "files run $r"
		record verify-node "$r" "$LOADGEN" verify-blobs --node-conf "$(node_conf "fi-$r")" \
		    <"$TEST_DIR/files.tsv"
		record verify-hub "$r" "$LOADGEN" verify-blobs --hub-conf "$(hub_conf)" \
		    <"$TEST_DIR/files.tsv"
		note "files $r: $BYTES bytes acked $secs s after noded run; $(field files) blobs re-hashed at both ends"
		assert_agree "fi-$r"
		drop_hub
		rm -rf "${TEST_DIR:?}/fi-$r"
	done
	rm -rf "${TEST_DIR:?}/files"
fi

# --- memory ---------------------------------------------------------------------------------
if wanted memory; then
	mkdir -p "$TEST_DIR/big"
	"$LOADGEN" gen-files --dir "$TEST_DIR/big" --list "$TEST_DIR/big.tsv" --bytes "$MEM_FILE" \
	    --min "$MEM_FILE" --max "$MEM_FILE" >/dev/null 2>>"$LOG_DIR/loadgen.log"
	big=$(head -n 1 "$TEST_DIR/big.tsv" | cut -f1)
	for ((r = 1; r <= RUNS; r++)); do
		fresh_hub "hub-memory-$r"
		node_init "mem-$r" "memory-$r"
		conf=$(node_conf "mem-$r")
		record memory-node "$r" "$LOADGEN" run-node --noded "$NODED" --conf "$conf" \
		    --log "$LOG_DIR/mem-$r.log" --settle-ms "$SETTLE_MS" --timeout 900 \
		    --then "'$NODED' doc new -c '$conf' --code M-00001 --title 'Tệp lớn' --kind record --file '$big' >/dev/null" \
		    -- "${NODE_RUN_OPTS[@]}"
		note "memory $r: noded RssAnon $(field idle_rss_anon_kb) kB idle, peak $(field then_rss_anon_peak_kb) kB sending $MEM_FILE bytes"
		node_exit "memory run $r"
		drop_hub
		rm -rf "${TEST_DIR:?}/mem-$r"

		fresh_hub "hub-hold-$r"
		"$LOADGEN" roster --agencies "$HOLD" --prefix "hold$r" >"$TEST_DIR/roster-hold.tsv"
		hub_enroll --roster "$TEST_DIR/roster-hold.tsv" >/dev/null
		record memory-hub "$r" "$LOADGEN" ingest --agencies "$HOLD" --prefix "hold$r" --sets 1 \
		    --endpoint "$HUB_ENDPOINT" --hub-key "$HUB_KEY" --hub-pid "$(daemon_pid "$HUB")" \
		    --hold-ms "$((SETTLE_MS * 2))"
		note "memory $r: hubd RssAnon $(field hub_rss_anon_kb) kB with $HOLD agencies connected (peak $(field hub_rss_anon_peak_kb) kB)"
		drop_hub
	done
	rm -rf "${TEST_DIR:?}/big"
fi

# --- reading ---------------------------------------------------------------------------------
if wanted reading; then
	# Documents go in as sets of 100 changes; each agency's first one is public and in force.
	per=$(((READ_DOCS + READ_AGENCIES - 1) / READ_AGENCIES))
	((per >= 100)) || per=100
	fresh_hub hub-reading
	"$LOADGEN" roster --agencies "$READ_AGENCIES" --prefix rd >"$TEST_DIR/roster-read.tsv"
	hub_enroll --roster "$TEST_DIR/roster-read.tsv" >/dev/null
	record reading-fill 1 "$LOADGEN" ingest --agencies "$READ_AGENCIES" --prefix rd \
	    --sets "$((per / 100))" --changes 100 --published 1 --endpoint "$HUB_ENDPOINT" \
	    --hub-key "$HUB_KEY" --hub-pid "$(daemon_pid "$HUB")" --timeout 1800
	note "reading: $(field changes) documents of $READ_AGENCIES agencies stored in $(field seconds) s"
	token=$(sed -n 's/^token = //p' "$(hub_conf)")
	port=${HUB_WEB##*:}
	for ((r = 1; r <= RUNS; r++)); do
		record reading-api "$r" "$LOADGEN" http --port "$port" --path /api/v1/agencies \
		    --token "$token" --connections 1 --seconds "$READ_SECONDS"
		note "reading $r: GET /api/v1/agencies p50 $(field p50_ms) ms, p99 $(field p99_ms) ms"
		record reading-page "$r" "$LOADGEN" http --port "$port" \
		    --path /portal/d/rd-0001/D-000000001 --connections 8 --seconds "$READ_SECONDS"
		note "reading $r: public document page $(field requests_per_s) requests/s"
	done
	drop_hub
fi

# --- the table and results.json ---------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=false
[[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] && dirty=true
"$PY" - "$RAW" "$OUT" <<EOF
import json, platform, statistics, sys, time

raw, out = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(raw) if l.strip()]
tiny = $TINY == 1
opts = dict(runs=$RUNS, agencies=$AGENCIES, sets_per_agency=$SETS, catchup_changes=$CHANGES,
            latency_nodes=$LAT_NODES, latency_rate=$RATE, latency_seconds=$LAT_SECONDS,
            file_bytes=$BYTES, memory_file_bytes=$MEM_FILE, hold_agencies=$HOLD,
            limit_ms=$LIMIT_MS, read_agencies=$READ_AGENCIES, read_docs=$READ_DOCS,
            read_seconds=$READ_SECONDS, tiny=tiny, only="$ONLY")

def values(scen, fn):
    v = []
    for r in rows:
        if r["scenario"] == scen:
            x = fn(r["data"])
            if x is not None and x >= 0:
                v.append(x)
    return v

def stat(v):
    if not v:
        return None
    return dict(median=statistics.median(v), min=min(v), max=max(v), values=v)

cpu = "unknown"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
import os
mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
res = dict(
    schema=1,
    date=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    commit="$commit", dirty="$dirty" == "true",
    command="tests/bench/bench.sh $ARGS".strip(),
    machine=dict(nproc=os.cpu_count(), cpu=cpu, kernel=platform.release(),
                 mem_mib=mem_kb // 1024, load_start=float("$LOAD_START"),
                 load_end=float(open("/proc/loadavg").read().split()[0])),
    options=opts, figures={}, notes=[])

F = res["figures"]
def fig(key, label, unit, scen, fn, target=None, limit=None, scaled=None):
    s = stat(values(scen, fn))
    d = dict(label=label, unit=unit)
    if s is None:
        d.update(median=None, min=None, max=None, values=[])
    else:
        d.update(s)
    if target is not None:
        d["target"] = dict(op=target[0], value=target[1], text=target[2])
    if scaled:
        d["scaled"] = scaled
    if limit is not None and limit in F and F[limit]["median"] and d["median"] is not None:
        d["limit"] = limit
        d["ratio"] = d["median"] / F[limit]["median"]
    met = None
    if not tiny and d["median"] is not None and target is not None:
        v = d["median"]
        met = v >= target[1] if target[0] == ">=" else v <= target[1]
    d["met"] = met
    F[key] = d

mib = lambda kb: kb / 1024.0 if kb is not None and kb >= 0 else None
# Limits
fig("limit.ed25519_verify", "Ed25519 verify, one core", "verifies/s", "limits", lambda d: d["ed25519_verify_per_s"])
fig("limit.ed25519_sign", "Ed25519 sign, one core", "signs/s", "limits", lambda d: d["ed25519_sign_per_s"])
fig("limit.sha256", "SHA-256, one core", "MB/s", "limits", lambda d: d["sha256_mb_per_s"])
fig("limit.lmdb_puts", "LMDB puts, 10,000 per durable txn", "puts/s", "limits", lambda d: d["lmdb_puts_per_s"])
fig("limit.lmdb_commits", "LMDB durable commits (1 put each)", "commits/s", "limits", lambda d: d["lmdb_commits_per_s"])
fig("limit.zmq_curve_small", "ZeroMQ CURVE loopback, ingest frame", "msgs/s", "limits", lambda d: d["zmq_curve_small_msgs_per_s"])
fig("limit.zmq_curve_chunk", "ZeroMQ CURVE loopback, 256 KiB chunks", "MB/s", "limits", lambda d: d["zmq_curve_chunk_mb_per_s"])

# 1. steady ingest
fig("ingest.sets_per_s", "ingest: %d agencies, 1 change/set" % $AGENCIES, "sets/s", "ingest",
    lambda d: d["sets_per_s"], (">=", 20000, ">= 20,000"), "limit.ed25519_verify")
# The same ratio run by run (each ingest run beside the limits measured just before it).
verify_of = {r["run"]: r["data"]["ed25519_verify_per_s"] for r in rows if r["scenario"] == "limits"}
rows.extend({"scenario": "ingest-ratio", "run": r["run"],
             "data": dict(ratio=r["data"]["sets_per_s"] / verify_of[r["run"]])}
            for r in list(rows) if r["scenario"] == "ingest" and r["run"] in verify_of)
fig("ingest.verify_ratio", "ingest / Ed25519 verify rate, per run", "ratio", "ingest-ratio",
    lambda d: d["ratio"], (">=", 0.7, ">= 0.7"))
fig("ingest.vs_curve", "ingest vs CURVE msgs/s (same frame)", "sets/s", "ingest",
    lambda d: d["sets_per_s"], None, "limit.zmq_curve_small")
fig("ingest.hub_cpu_us_per_set", "ingest: hubd CPU per set", "us", "ingest",
    lambda d: d["hub_cpu_s"] / d["sets"] * 1e6 if d["hub_cpu_s"] >= 0 else None)

# 2. catch-up
scale = $CHANGES / 1e6
fig("catchup.seconds", "catch-up: {:,} x 1 KB, one node".format($CHANGES), "s", "catchup",
    lambda d: d["seconds"], ("<=", 20 * scale, "<= %.3g" % (20 * scale)),
    scaled=None if $CHANGES == 1000000 else "target scaled from 20 s for 1,000,000")
changes_of = {r["run"]: r["data"]["changes"] for r in rows if r["scenario"] == "fill"}
cbytes = {r["run"]: r["data"]["change_bytes"] for r in rows if r["scenario"] == "fill"}
def cu(fn):
    v = []
    for r in rows:
        if r["scenario"] == "catchup":
            v.append(fn(r["data"], changes_of[r["run"]], cbytes[r["run"]]))
    return v
rows.extend({"scenario": "catchup-rate", "run": r["run"], "data": dict(
    cps=changes_of[r["run"]] / r["data"]["seconds"],
    mbs=changes_of[r["run"]] * cbytes[r["run"]] / r["data"]["seconds"] / 1e6)}
    for r in list(rows) if r["scenario"] == "catchup")
fig("catchup.changes_per_s", "catch-up changes/s vs LMDB puts/s", "changes/s", "catchup-rate",
    lambda d: d["cps"], None, "limit.lmdb_puts")
fig("catchup.mb_per_s", "catch-up metadata MB/s vs SHA-256", "MB/s", "catchup-rate",
    lambda d: d["mbs"], None, "limit.sha256")
fig("catchup.node_cpu_s", "catch-up: noded CPU", "s", "catchup", lambda d: d["node_cpu_s"])
fig("catchup.hub_cpu_s", "catch-up: hubd CPU", "s", "catchup", lambda d: d["hub_cpu_s"])
fig("catchup.noded_rss_peak_mib", "catch-up: noded RssAnon peak", "MiB", "catchup",
    lambda d: mib(d["rss_anon_peak_kb"]))

# 3. latency
fig("latency.p50_ms", "latency p50: %d nodes x %d writes/s" % ($LAT_NODES, $RATE), "ms", "latency",
    lambda d: d["p50_ms"], ("<=", 10, "<= 10"))
fig("latency.p99_ms", "latency p99", "ms", "latency", lambda d: d["p99_ms"], ("<=", 50, "<= 50"))
fig("latency.max_ms", "latency max", "ms", "latency", lambda d: d["max_ms"])

# 4. files
fig("files.mb_per_s", "files: %.3g GB, 100 kB-50 MB" % ($BYTES / 1e9), "MB/s", "files",
    lambda d: $BYTES / d["seconds"] / 1e6, (">=", 150, ">= 150"), "limit.sha256")
fig("files.vs_curve", "files vs CURVE 256 KiB MB/s", "MB/s", "files",
    lambda d: $BYTES / d["seconds"] / 1e6, None, "limit.zmq_curve_chunk")
fig("files.node_cpu_s", "files: noded CPU", "s", "files", lambda d: d["node_cpu_s"])
fig("files.hub_cpu_s", "files: hubd CPU", "s", "files", lambda d: d["hub_cpu_s"])
bad = sum(r["data"]["bad"] for r in rows if r["scenario"].startswith("verify-"))
nver = sum(1 for r in rows if r["scenario"].startswith("verify-"))
if nver:
    res["notes"].append("files: every blob re-hashed in the node's and the hub's store: %s"
                        % ("all match" if bad == 0 else "%d MISMATCHES" % bad))

# 5. memory
fig("memory.noded_idle_mib", "noded RssAnon idle", "MiB", "memory-node",
    lambda d: mib(d["idle_rss_anon_kb"]), ("<=", 16, "<= 16"))
fig("memory.noded_sending_mib", "noded RssAnon sending %.3g GB file" % ($MEM_FILE / 1e9), "MiB",
    "memory-node", lambda d: mib(d["then_rss_anon_peak_kb"]), ("<=", 64, "<= 64"))
fig("memory.hubd_agencies_mib", "hubd RssAnon, %d agencies connected" % $HOLD, "MiB",
    "memory-hub", lambda d: mib(d["hub_rss_anon_kb"]), ("<=", 128, "<= 128"),
    scaled=None if $HOLD == 1000 else "target is for 1,000 agencies")
fig("memory.hubd_connect_s", "connect+handshake+ack, %d agencies" % $HOLD, "s", "memory-hub",
    lambda d: d["connect_s"] + d["seconds"])

# 6. reading
rscaled = None if ($READ_AGENCIES, $READ_DOCS) == (1000, 1000000) else \
    "target is for 1,000 agencies and 1,000,000 documents"
fig("reading.fill_changes_per_s", "hub ingest, sets of 100 changes", "changes/s",
    "reading-fill", lambda d: d["changes_per_s"])
fig("reading.agencies_p99_ms", "GET /api/v1/agencies p99", "ms",
    "reading-api", lambda d: d["p99_ms"], ("<=", 20, "<= 20"), scaled=rscaled)
fig("reading.agencies_p50_ms", "GET /api/v1/agencies p50", "ms", "reading-api",
    lambda d: d["p50_ms"])
fig("reading.public_page_rps", "public document page, 8 connections", "req/s", "reading-page",
    lambda d: d["requests_per_s"], (">=", 10000, ">= 10,000"), scaled=rscaled)

res["notes"].extend(l.strip() for l in open("$NOTES") if l.strip())
res["notes"].append("latency: visible = the hub's docs table, which its API and portal "
                    "read, has the document (polled with read transactions on the hub's store, "
                    "every 0.5 ms)")
if any(r["scenario"] == "reading-api" for r in rows):
    res["notes"].append("reading: loadgen http (keep-alive HTTP/1.1, one thread per "
                        "connection) stands in for wrk, which is not installed")
if tiny:
    res["notes"].append("tiny configuration: targets are not judged")
def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 1000:
        return "{:,.0f}".format(x)
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.2f" % x

print()
print("eiso bench  %s  commit %s%s  %d cores (%s)  load %.2f -> %.2f" % (
    res["date"], res["commit"][:10], " (dirty)" if res["dirty"] else "", res["machine"]["nproc"],
    cpu, res["machine"]["load_start"], res["machine"]["load_end"]))
print("%d run(s) each; ratio = median / median of the limit on the same row" % $RUNS)
print()
row = "%-38s %10s %21s %-10s %-22s %5s  %-14s %s"
hdr = row % ("figure", "median", "min - max", "unit", "limit (median)", "ratio", "target", "")
print(hdr)
print("-" * len(hdr))
for key, d in F.items():
    if d["median"] is None:
        continue
    lim = ratio = ""
    if "limit" in d:
        L = F[d["limit"]]
        lim = "%s %s" % (fmt(L["median"]), L["unit"])
        ratio = "%.2f" % d["ratio"]
    tgt = d.get("target", {}).get("text", "")
    if d.get("scaled"):
        tgt += " *"
        res["notes"].append("* %s: %s" % (d["label"], d["scaled"]))
    met = {True: "ok", False: "MISSED", None: ""}[d["met"]]
    print(row % (d["label"][:38], fmt(d["median"]), "%s - %s" % (fmt(d["min"]), fmt(d["max"])),
                 d["unit"], lim, ratio, tgt, met))
print()
for n in res["notes"]:
    print("note: " + n)
json.dump(res, open(out, "w"), indent=1, ensure_ascii=False)
print("results: " + out)
EOF
