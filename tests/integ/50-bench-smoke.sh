#!/usr/bin/env bash
# timeout: 120
# 08-bench-smoke: the benchmark harness (tests/bench/bench.sh, loadgen) runs end to end in its
# tiny configuration and writes a results file with every figure, so `make bench` cannot rot.
# Nothing here is timed against a target: targets are judged by `make bench` only.
. "$(dirname "$0")/lib.sh"

[[ -x $EISO_BIN/loadgen ]] || fail "$EISO_BIN/loadgen is missing: build first (make)"

out=$TEST_DIR/results.json
"$ROOT/tests/bench/bench.sh" --tiny --out "$out" >"$LOG_DIR/bench.log" 2>&1 ||
    { tail -n 40 "$LOG_DIR/bench.log" >&2; fail "tests/bench/bench.sh --tiny failed"; }
[[ -s $out ]] || fail "bench wrote no $out"
grep -q '^ingest: 3 agencies' "$LOG_DIR/bench.log" || fail "bench printed no table"

"$PY" - "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("date", "commit", "machine", "options", "figures"):
    assert k in r, "results lack %s" % k
for k in ("nproc", "cpu", "kernel"):
    assert k in r["machine"], "machine lacks %s" % k
measured = ["limit.ed25519_verify", "limit.ed25519_sign", "limit.sha256", "limit.lmdb_puts",
            "limit.lmdb_commits", "limit.zmq_curve_small", "limit.zmq_curve_chunk",
            "ingest.sets_per_s", "catchup.seconds", "latency.p50_ms", "latency.p99_ms",
            "files.mb_per_s", "memory.noded_idle_mib", "memory.noded_sending_mib",
            "memory.hubd_agencies_mib", "reading.agencies_p99_ms", "reading.public_page_rps"]
for k in measured:
    f = r["figures"].get(k)
    assert f is not None, "no figure %s" % k
    for s in ("median", "min", "max"):
        assert isinstance(f[s], (int, float)) and f[s] > 0, "%s.%s = %r" % (k, s, f[s])
    assert f["min"] <= f["median"] <= f["max"], k
for k in ("ingest.sets_per_s", "files.mb_per_s"):
    assert r["figures"][k]["ratio"] > 0, "%s has no ratio to its limit" % k
assert all(f["met"] is None for f in r["figures"].values()), "tiny mode judged a target"
EOF
note "bench results have every figure: $(grep -c '"median"' "$out") entries"
