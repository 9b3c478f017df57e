/*
 * nodes.c: the verbs that work on real nodes and on the hub's store.
 *
 *   fill          queue N new documents in a node through its write path, document_do()
 *                 (each in its own transaction with its change; fsync is deferred to one
 *                 sync at the end, since filling is preparation, not the measured part)
 *   run-node      start `noded run`, sample its memory and CPU, and time it until the node's
 *                 store says everything is sealed and acknowledged; optionally run a command
 *                 (a large `noded doc new --file`) while it runs and time that too
 *   latency       write at a steady rate into several running nodes and time each write from
 *                 its local commit until the document is in the hub's docs table, polled with
 *                 read transactions (what the hub's HTTP side will read; there is no HTTP API
 *                 yet)
 *   gen-files     files of random sizes and contents, with their SHA-256
 *   verify-blobs  re-hash every listed blob held in a hub's or a node's store
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"
#include "err.h"
#include "keys.h"
#include "core/core.h"
#include "sha256.h"
#include "wire.h"

/* ------------------------------------------------------------------------------------------ */
/* fill */

/*
 * One new draft document of about meta_bytes of metadata (title and revision note), written
 * as `noded doc new` writes it. *bytes (if not NULL) receives the size of its change.
 */
static int
bench_doc_new(struct node *n, const char *code, size_t meta_bytes, size_t *bytes)
{
	struct doc_request r;
	Eiso__DocIssue *d = NULL;
	Eiso__Change *probe;
	int rc;

	/* The text comes from the same generator as the simulated agencies' changes. */
	if ((probe = bench_change(1, 1, code, meta_bytes, NULL, 0, NULL, 0)) == NULL)
		return EISO_NOMEM;
	memset(&r, 0, sizeof(r));
	r.review_months = -1;
	r.code = code;
	r.title = probe->doc_issue->title;
	r.note = probe->doc_issue->note;
	r.kind = "procedure";
	r.person = "Nguyễn Văn An";
	r.position = "Chuyên viên";
	rc = document_do(n, DOC_NEW, &r, &d);
	if (rc == 0 && bytes != NULL) {
		Eiso__Change c = EISO__CHANGE__INIT;

		c.id = 1;
		c.at = store_now_ms();
		c.op_case = EISO__CHANGE__OP_DOC_ISSUE;
		c.doc_issue = d;
		*bytes = eiso__change__get_packed_size(&c);
	}
	if (d != NULL)
		eiso__doc_issue__free_unpacked(d, NULL);
	eiso__change__free_unpacked(probe, NULL);
	return rc;
}

int
cmd_fill(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "changes", required_argument, NULL, 'n' },
		{ "meta-bytes", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = NULL;
	uint64_t count = 1000, meta = 1000;
	size_t change_bytes = 0;
	struct node n;
	MDB_env *env;
	double t0, t;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'n': count = bench_num("--changes", optarg); break;
		case 'm': meta = bench_num("--meta-bytes", optarg); break;
		default: bench_usage(NULL);
		}
	}
	if (conf == NULL || optind != argc || meta > 8000)
		bench_usage("fill: --conf is required; --meta-bytes at most 8000");
	eiso_clearerr();
	if ((rc = node_open(conf, 0, &n)) != 0) {
		fprintf(stderr, "loadgen: fill: %s\n", eiso_lasterr(rc));
		return 1;
	}
	env = store_env(n.st);
	mdb_env_set_flags(env, MDB_NOSYNC, 1);
	t0 = bench_now();
	for (uint64_t i = 0; i < count; i++) {
		char code[32];

		snprintf(code, sizeof(code), "C-%09" PRIu64, i + 1);
		eiso_clearerr();
		if ((rc = bench_doc_new(&n, code, meta, i == 0 ? &change_bytes : NULL)) != 0) {
			fprintf(stderr, "loadgen: fill: change %" PRIu64 ": %s\n", i + 1,
			    eiso_lasterr(rc));
			goto fail;
		}
	}
	if (mdb_env_sync(env, 1) != 0) {
		fprintf(stderr, "loadgen: fill: sync failed\n");
		goto fail;
	}
	mdb_env_set_flags(env, MDB_NOSYNC, 0);
	t = bench_now() - t0;
	node_close(&n);
	printf("{\"verb\":\"fill\",\"changes\":%" PRIu64 ",\"change_bytes\":%zu,\"seconds\":%.3f,"
	    "\"changes_per_s\":%.1f}\n", count, change_bytes, t, (double)count / t);
	return 0;
fail:
	node_close(&n);
	return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* run-node */

struct node_state {
	uint64_t head, acked;
	size_t pending;
};

static int
node_read_state(struct node *n, struct node_state *s)
{
	struct chain_head head;
	MDB_txn *txn;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	if ((rc = outbox_head(txn, n, &head)) == 0) {
		s->head = head.seq;
		store_get_u64(txn, store_dbi(n->st, NDB_META), "acked_seq", &s->acked);
		s->pending = store_count(txn, store_dbi(n->st, NDB_PENDING));
	}
	store_read_end(&txn);
	return rc;
}

static int
node_synced(const struct node_state *s)
{
	return s->pending == 0 && s->acked == s->head;
}

static pid_t
spawn(const char *log, char *const argv[])
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	/* Never outlive the bench. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (log != NULL) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	execvp(argv[0], argv);
	fprintf(stderr, "loadgen: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* 1 while pid runs; 0 once it exited (reaped, status in *st). */
static int
running(pid_t pid, int *st)
{
	return waitpid(pid, st, WNOHANG) == 0;
}

/* SIGTERM, then SIGKILL after 10 s. Returns the exit status, or 128 + the signal. */
static int
stop_child(pid_t pid)
{
	int st = 0;

	kill(pid, SIGTERM);
	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto done;
		bench_sleep(0.01);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
done:
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct watch {
	struct node *n;
	pid_t node, cmd;          /* cmd: 0 when none runs */
	double deadline;
	long peak_kb;
	struct node_state st;
};

/* Sample every 10 ms until the command (if any) is done and the node is synced. */
static int
watch_until_synced(struct watch *w, int need_cmd_exit)
{
	int st;

	w->peak_kb = -1;
	for (;;) {
		long kb = bench_rss_anon_kb(w->node);
		int cmd_done = w->cmd == 0 || !running(w->cmd, &st);

		if (kb > w->peak_kb)
			w->peak_kb = kb;
		if (w->cmd != 0 && cmd_done) {
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "loadgen: run-node: the command failed\n");
				return -1;
			}
			w->cmd = 0;
		}
		if (!running(w->node, &st)) {
			fprintf(stderr, "loadgen: run-node: noded exited (status %d)\n", st);
			w->node = 0;
			return -1;
		}
		if (node_read_state(w->n, &w->st) == 0 && node_synced(&w->st) &&
		    (!need_cmd_exit || w->cmd == 0))
			return 0;
		if (bench_now() > w->deadline) {
			fprintf(stderr, "loadgen: run-node: timed out: head %" PRIu64 ", acked %"
			    PRIu64 ", pending %zu\n", w->st.head, w->st.acked, w->st.pending);
			return -1;
		}
		bench_sleep(0.01);
	}
}

static long
settle(struct watch *w, uint64_t ms)
{
	bench_sleep((double)ms / 1000);
	return bench_rss_anon_kb(w->node);
}

int
cmd_run_node(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "noded", required_argument, NULL, 'b' },
		{ "conf", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "settle-ms", required_argument, NULL, 's' },
		{ "hub-pid", required_argument, NULL, 'P' },
		{ "then", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	const char *noded = NULL, *conf = NULL, *log = NULL, *then = NULL;
	uint64_t timeout = 600, settle_ms = 2000;
	pid_t hub = 0;
	struct node n;
	struct watch w;
	double t0, t1, t2 = 0, t3 = 0, hub0 = -1, hub1 = -1, cpu, cpu1;
	long idle_kb, peak1, peak2 = -1, idle2_kb = -1;
	uint64_t head1;
	int c, rc, ret = 1, exit_status;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b': noded = optarg; break;
		case 'c': conf = optarg; break;
		case 'l': log = optarg; break;
		case 't': timeout = bench_num("--timeout", optarg); break;
		case 's': settle_ms = bench_num("--settle-ms", optarg); break;
		case 'P': hub = (pid_t)bench_num("--hub-pid", optarg); break;
		case 'x': then = optarg; break;
		default: bench_usage(NULL);
		}
	}
	if (noded == NULL || conf == NULL)
		bench_usage("run-node: --noded and --conf are required");
	eiso_clearerr();
	if ((rc = node_open(conf, 1, &n)) != 0) {
		fprintf(stderr, "loadgen: run-node: %s\n", eiso_lasterr(rc));
		return 1;
	}
	memset(&w, 0, sizeof(w));
	w.n = &n;
	if (hub > 0)
		hub0 = bench_cpu_s(hub);
	t0 = bench_now();
	w.deadline = t0 + (double)timeout;
	{
		/* noded run -c CONF, then whatever followed "--" (e.g. --allow-root). */
		char *av[64] = { (char *)noded, "run", "-c", (char *)conf };
		int ac = 4;

		for (int i = optind; i < argc && ac < 63; i++)
			av[ac++] = argv[i];
		av[ac] = NULL;
		if ((w.node = spawn(log, av)) < 0) {
			fprintf(stderr, "loadgen: run-node: fork: %s\n", strerror(errno));
			goto done;
		}
	}
	if (watch_until_synced(&w, 0) != 0)
		goto done;
	t1 = bench_now();
	if (hub > 0)
		hub1 = bench_cpu_s(hub);
	cpu1 = bench_cpu_s(w.node);
	peak1 = w.peak_kb;
	head1 = w.st.head;
	fprintf(stderr, "loadgen: run-node: %" PRIu64 " sets acked %.2f s after start\n", head1,
	    t1 - t0);
	idle_kb = settle(&w, settle_ms);
	if (then != NULL) {
		char *av[] = { "/bin/sh", "-c", (char *)then, NULL };

		t2 = bench_now();
		w.deadline = t2 + (double)timeout;
		if ((w.cmd = spawn(log, av)) < 0)
			goto done;
		if (watch_until_synced(&w, 1) != 0)
			goto done;
		t3 = bench_now();
		peak2 = w.peak_kb;
		idle2_kb = settle(&w, settle_ms);
	}
	cpu = bench_cpu_s(w.node);
	exit_status = stop_child(w.node);
	w.node = 0;
	printf("{\"verb\":\"run-node\",\"head_seq\":%" PRIu64 ",\"seconds\":%.3f,"
	    "\"node_cpu_s\":%.3f,\"hub_cpu_s\":%.3f,\"rss_anon_peak_kb\":%ld,"
	    "\"idle_rss_anon_kb\":%ld,\"then_seconds\":%.3f,\"then_rss_anon_peak_kb\":%ld,"
	    "\"then_idle_rss_anon_kb\":%ld,\"node_cpu_total_s\":%.3f,\"node_exit\":%d}\n",
	    head1, t1 - t0, cpu1, hub0 >= 0 && hub1 >= 0 ? hub1 - hub0 : -1.0, peak1, idle_kb,
	    t3 - t2, peak2, idle2_kb, cpu, exit_status);
	fflush(stdout);
	ret = 0;
done:
	if (w.cmd > 0)
		stop_child(w.cmd);
	if (w.node > 0)
		stop_child(w.node);
	node_close(&n);
	return ret;
}

/* ------------------------------------------------------------------------------------------ */
/* latency */

#define LAT_CODE "%s-%010" PRIu64   /* fixed width: a key prefix names exactly one code */

struct lat_item {
	unsigned node;
	uint64_t g;
	double committed, seen;     /* seen 0: not yet visible at the hub */
};

struct lat {
	struct node *nodes;
	unsigned nnodes;
	struct hubview *hv;
	const char *prefix;         /* of document codes: one per run, codes are never reused */
	struct lat_item *items;
	size_t total, count;        /* count: items written so far (under mu) */
	int writer_done, failed;
	double rate, lag_max;
	pthread_mutex_t mu;
};

static int
lat_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void *
lat_writer(void *arg)
{
	struct lat *l = arg;
	double start = bench_now() + 0.05, step = 1.0 / (l->rate * l->nnodes);

	/* Writes go round the nodes evenly spaced in time: node i every 1/rate seconds. */
	for (uint64_t g = 0; g < l->total; g++) {
		struct lat_item *it = &l->items[g];
		double slot = start + (double)g * step, now = bench_now();
		char code[32];
		int rc;

		if (slot > now)
			bench_sleep(slot - now);
		else if (now - slot > l->lag_max)
			l->lag_max = now - slot;
		it->node = (unsigned)(g % l->nnodes);
		it->g = g;
		snprintf(code, sizeof(code), LAT_CODE, l->prefix, g);
		eiso_clearerr();
		if ((rc = bench_doc_new(&l->nodes[it->node], code, 200, NULL)) != 0) {
			fprintf(stderr, "loadgen: latency: write: %s\n", eiso_lasterr(rc));
			l->failed = 1;
			break;
		}
		it->committed = bench_now();
		pthread_mutex_lock(&l->mu);
		l->count = g + 1;
		pthread_mutex_unlock(&l->mu);
	}
	pthread_mutex_lock(&l->mu);
	l->writer_done = 1;
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

int
cmd_latency(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "hub-conf", required_argument, NULL, 'h' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hubconf = NULL, *prefix = "L";
	uint64_t seconds = 10, warmup = 1, rate = 10;
	struct lat l;
	pthread_t th;
	size_t first = 0, nlat = 0, lost = 0, skip;
	double *lat = NULL, t0, deadline = 0, sum = 0;
	int c, rc, ret = 1, started = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'h': hubconf = optarg; break;
		case 'r': rate = bench_num("--rate", optarg); break;
		case 's': seconds = bench_num("--seconds", optarg); break;
		case 'w': warmup = bench_num("--warmup", optarg); break;
		case 'p': prefix = optarg; break;
		default: bench_usage(NULL);
		}
	}
	if (hubconf == NULL || optind == argc || rate == 0 || seconds == 0 || strlen(prefix) > 8)
		bench_usage("latency: --hub-conf and at least one NODECONF are required; --prefix "
		    "of at most 8 characters");
	memset(&l, 0, sizeof(l));
	l.prefix = prefix;
	pthread_mutex_init(&l.mu, NULL);
	l.nnodes = (unsigned)(argc - optind);
	l.rate = (double)rate;
	l.total = (size_t)(rate * (seconds + warmup)) * l.nnodes;
	skip = (size_t)(rate * warmup) * l.nnodes;
	if ((l.nodes = calloc(l.nnodes, sizeof(*l.nodes))) == NULL ||
	    (l.items = calloc(l.total, sizeof(*l.items))) == NULL ||
	    (lat = calloc(l.total, sizeof(*lat))) == NULL) {
		fprintf(stderr, "loadgen: latency: out of memory\n");
		goto done;
	}
	eiso_clearerr();
	if ((rc = hubview_open(hubconf, &l.hv)) != 0) {
		fprintf(stderr, "loadgen: latency: %s\n", eiso_lasterr(rc));
		goto done;
	}
	for (unsigned i = 0; i < l.nnodes; i++) {
		eiso_clearerr();
		if ((rc = node_open(argv[optind + i], 0, &l.nodes[i])) != 0) {
			fprintf(stderr, "loadgen: latency: %s\n", eiso_lasterr(rc));
			goto done;
		}
	}
	t0 = bench_now();
	if (pthread_create(&th, NULL, lat_writer, &l) != 0)
		goto done;
	started = 1;
	/* Poll the hub's store every half millisecond for what is written and not yet seen. */
	for (;;) {
		size_t count;
		int wdone;
		double now;

		pthread_mutex_lock(&l.mu);
		count = l.count;
		wdone = l.writer_done;
		pthread_mutex_unlock(&l.mu);
		while (first < count && l.items[first].seen > 0)
			first++;
		if (wdone && first == count)
			break;
		if (wdone && deadline == 0)
			deadline = bench_now() + 10;
		if (deadline > 0 && bench_now() > deadline)
			break;
		if (first < count) {
			if (hubview_begin(l.hv) != 0)
				goto done;
			now = bench_now();   /* what this snapshot shows was visible by now */
			for (size_t i = first; i < count; i++) {
				struct lat_item *it = &l.items[i];
				char code[32];

				if (it->seen > 0)
					continue;
				snprintf(code, sizeof(code), LAT_CODE, l.prefix, it->g);
				if (hubview_has_doc(l.hv, l.nodes[it->node].conf.agency, code))
					it->seen = now;
			}
			hubview_end(l.hv);
		}
		bench_sleep(0.0005);
	}
	pthread_join(th, NULL);
	started = 0;
	for (size_t i = 0; i < l.count; i++) {
		if (l.items[i].seen == 0) {
			lost++;
			continue;
		}
		if (i < skip)
			continue;
		lat[nlat] = (l.items[i].seen - l.items[i].committed) * 1000;
		sum += lat[nlat++];
	}
	if (l.failed || lost > 0 || nlat == 0) {
		fprintf(stderr, "loadgen: latency: %zu writes never became visible at the hub\n",
		    lost);
		goto done;
	}
	qsort(lat, nlat, sizeof(*lat), lat_cmp);
	printf("{\"verb\":\"latency\",\"nodes\":%u,\"writes\":%zu,\"measured\":%zu,"
	    "\"write_rate\":%.1f,\"writer_lag_max_ms\":%.2f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
	    "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"mean_ms\":%.3f}\n", l.nnodes, l.count, nlat,
	    (double)l.count / (bench_now() - t0), l.lag_max * 1000,
	    lat[(size_t)(0.50 * (double)(nlat - 1))], lat[(size_t)(0.90 * (double)(nlat - 1))],
	    lat[(size_t)(0.99 * (double)(nlat - 1))], lat[nlat - 1], sum / (double)nlat);
	fflush(stdout);
	ret = 0;
done:
	if (started)
		pthread_join(th, NULL);
	for (unsigned i = 0; l.nodes != NULL && i < l.nnodes; i++)
		if (l.nodes[i].st != NULL)
			node_close(&l.nodes[i]);
	hubview_close(&l.hv);
	free(l.nodes);
	free(l.items);
	free(lat);
	pthread_mutex_destroy(&l.mu);
	return ret;
}

/* ------------------------------------------------------------------------------------------ */
/* files */

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int
cmd_gen_files(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "min", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *listpath = NULL;
	FILE *list = NULL;
	uint64_t total = 0, want = 2000000000ULL, min = 100000, max = 50000000, seed = 1;
	unsigned nfiles = 0;
	size_t blen = (size_t)1 << 20;
	uint8_t *buf = NULL, key[crypto_stream_chacha20_KEYBYTES] = { 0 };
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'b': want = bench_num("--bytes", optarg); break;
		case 'm': min = bench_num("--min", optarg); break;
		case 'M': max = bench_num("--max", optarg); break;
		case 's': seed = bench_num("--seed", optarg); break;
		case 'l': listpath = optarg; break;
		default: bench_usage(NULL);
		}
	}
	if (dir == NULL || listpath == NULL || optind != argc || min == 0 || max < min)
		bench_usage("gen-files: --dir and --list are required, and 0 < --min <= --max");
	if ((list = fopen(listpath, "w")) == NULL) {
		fprintf(stderr, "loadgen: gen-files: %s: %s\n", listpath, strerror(errno));
		return 1;
	}
	if ((buf = malloc(blen)) == NULL)
		goto done;
	memcpy(key, &seed, sizeof(seed));
	/* Sizes are log-uniform between min and max: many small scans, a few large ones. */
	while (total < want) {
		double u = (double)(splitmix(&seed) >> 11) / 9007199254740992.0;
		uint64_t size = (uint64_t)llround(exp(log((double)min) + u * (log((double)max) -
		    log((double)min))));
		uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 }, sha[KEYS_HASH];
		struct sha256 hs;
		char path[1100], hex[2 * KEYS_HASH + 1];
		uint64_t off = 0;
		FILE *f;

		if (size < min)
			size = min;
		/* No file under min: a tail too small for a file of its own joins this one. */
		if (size > want - total || want - total - size < min)
			size = want - total;
		memcpy(nonce, &nfiles, sizeof(nfiles));
		snprintf(path, sizeof(path), "%s/f%05u.bin", dir, nfiles);
		if ((f = fopen(path, "w")) == NULL) {
			fprintf(stderr, "loadgen: gen-files: %s: %s\n", path, strerror(errno));
			goto done;
		}
		if (sha256_init(&hs) != 0) {
			fclose(f);
			goto done;
		}
		while (off < size) {
			size_t n = size - off < blen ? (size_t)(size - off) : blen;

			/* Keystream, so nothing compresses; the counter continues from off. */
			crypto_stream_chacha20_xor_ic(buf, memset(buf, 0, n), n, nonce, off / 64, key);
			sha256_update(&hs, buf, n);
			if (fwrite(buf, 1, n, f) != n)
				break;
			off += n;
		}
		if (fclose(f) != 0 || off != size) {
			fprintf(stderr, "loadgen: gen-files: writing %s failed\n", path);
			sha256_free(&hs);
			goto done;
		}
		sha256_final(&hs, sha);
		keys_hex(hex, sha, KEYS_HASH);
		fprintf(list, "%s\t%" PRIu64 "\t%s\n", path, size, hex);
		total += size;
		nfiles++;
	}
	if (fflush(list) != 0) {
		fprintf(stderr, "loadgen: gen-files: writing %s failed\n", listpath);
		goto done;
	}
	printf("{\"verb\":\"gen-files\",\"files\":%u,\"bytes\":%" PRIu64 "}\n", nfiles, total);
	ret = 0;
done:
	fclose(list);
	free(buf);
	return ret;
}

int
cmd_verify_blobs(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "hub-conf", required_argument, NULL, 'h' },
		{ "node-conf", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *hubconf = NULL, *nodeconf = NULL;
	struct hubview *hv = NULL;
	struct node n;
	store_t *st;
	struct blob_tables tables;
	const struct blob_tables *bt = &tables;
	char line[2048];
	size_t blen = (size_t)1 << 20;
	uint8_t *buf;
	uint64_t files = 0, bytes = 0, bad = 0;
	double t0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'h': hubconf = optarg; break;
		case 'n': nodeconf = optarg; break;
		default: bench_usage(NULL);
		}
	}
	if ((hubconf == NULL) == (nodeconf == NULL) || optind != argc)
		bench_usage("verify-blobs: one of --hub-conf or --node-conf");
	eiso_clearerr();
	rc = hubconf != NULL ? hubview_open(hubconf, &hv) : node_open(nodeconf, 1, &n);
	if (rc != 0) {
		fprintf(stderr, "loadgen: verify-blobs: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if (hv != NULL) {
		st = hubview_store(hv, &tables);
	} else {
		st = n.st;
		tables = n.bt;
	}
	if ((buf = malloc(blen)) == NULL)
		return 1;
	t0 = bench_now();
	/* Lines as gen-files writes them: PATH SIZE SHA256 (tab-separated). */
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char path[1100], hex[2 * KEYS_HASH + 1];
		unsigned long long size;
		uint8_t want[KEYS_HASH], got[KEYS_HASH];
		struct sha256 hs;
		struct blob_meta m;
		uint64_t off = 0;
		MDB_txn *txn;

		if (sscanf(line, "%1099s %llu %64s", path, &size, hex) != 3 ||
		    keys_unhex(want, KEYS_HASH, hex) != 0)
			continue;
		files++;
		if (store_read_begin(st, &txn) != 0) {
			bad++;
			continue;
		}
		if (sha256_init(&hs) != 0) {
			store_read_end(&txn);
			bad++;
			continue;
		}
		if (blob_meta(txn, bt, want, &m) == 0 && m.complete && m.size == size) {
			while (off < size) {
				size_t got_n = 0;

				if (blob_read(txn, bt, want, off, buf, blen, &got_n) != 0 || got_n == 0)
					break;
				sha256_update(&hs, buf, got_n);
				off += got_n;
			}
		}
		store_read_end(&txn);
		sha256_final(&hs, got);
		if (off != size || memcmp(got, want, KEYS_HASH) != 0) {
			fprintf(stderr, "loadgen: verify-blobs: %s (%s) is missing or differs\n", path,
			    hex);
			bad++;
		}
		bytes += off;
	}
	printf("{\"verb\":\"verify-blobs\",\"store\":\"%s\",\"files\":%" PRIu64 ",\"bytes\":%"
	    PRIu64 ",\"bad\":%" PRIu64 ",\"mb_per_s\":%.1f}\n", hubconf != NULL ? "hub" : "node",
	    files, bytes, bad, (double)bytes / 1e6 / (bench_now() - t0));
	free(buf);
	if (hv != NULL)
		hubview_close(&hv);
	else
		node_close(&n);
	return bad == 0 && files > 0 ? 0 : 1;
}
