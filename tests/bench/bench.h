/*
 * bench.h: the benchmark load generator (`loadgen`), one private header for its files,
 * prototypes grouped by file. Every verb prints one JSON object on stdout (the figures) and
 * its progress on stderr; tests/bench/bench.sh runs the verbs and reads the JSON.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "blob.h"
#include "eiso.pb-c.h"
#include "store.h"

/* loadgen.c: options, clocks, /proc, change building, and the simulated agencies */
noreturn void bench_usage(const char *why);
uint64_t bench_num(const char *opt, const char *s);
double bench_now(void);                      /* CLOCK_MONOTONIC seconds */
void bench_sleep(double seconds);
long bench_rss_anon_kb(pid_t pid);           /* RssAnon of /proc/PID/status, -1 if gone */
double bench_cpu_s(pid_t pid);               /* utime + stime of a process, -1 if gone */
/*
 * A Change holding a new draft document, encoded from the field numbers of proto/eiso.proto
 * as an independent node would (Change.id 1, Change.at 2, doc_issue 10 with code 1, title 2,
 * kind 3, issue 4, status 5, access 6, note 7, files 8) and unpacked with the generated code.
 * Title and note hold about meta_bytes of Vietnamese text; sha/size/name add one file;
 * published makes it public and in force (approved, effective date), for the portal.
 * Free with eiso__change__free_unpacked.
 */
Eiso__Change *bench_change(uint64_t id, int64_t at, const char *code, size_t meta_bytes,
    const uint8_t *sha, uint64_t size, const char *name, int published);

/* The Envelope size of one sealed set of `changes` changes of meta_bytes, as ingest sends. */
size_t bench_frame_bytes(uint64_t changes, uint64_t meta_bytes);

/* http.c: GET one path of the hub's web side, keep-alive, one thread per connection */
int cmd_http(int argc, char **argv);

/* limits.c: the machine's own limits, measured with the libraries the daemons use */
int cmd_limits(int argc, char **argv);

/* hubview.c: read transactions on a hub's store */
struct hubview;
int hubview_open(const char *conf, struct hubview **hv);
void hubview_close(struct hubview **hv);
store_t *hubview_store(struct hubview *hv, struct blob_tables *bt);
int hubview_begin(struct hubview *hv);       /* a read transaction, until hubview_end */
void hubview_end(struct hubview *hv);
int hubview_has_doc(struct hubview *hv, const char *agency, const char *code);

/* nodes.c: work on real nodes' and the hub's stores */
int cmd_fill(int argc, char **argv);
int cmd_run_node(int argc, char **argv);
int cmd_latency(int argc, char **argv);
int cmd_gen_files(int argc, char **argv);
int cmd_verify_blobs(int argc, char **argv);

#endif
