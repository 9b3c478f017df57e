/*
 * limits.c: `loadgen limits`: what this machine can do at best with the libraries the daemons
 * use, measured in the same run as the scenarios so that each figure can be printed beside
 * its limit: Ed25519 signatures and verifications per second on one core, SHA-256 MB/s,
 * LMDB puts per second in large durable transactions and durable commits per second, and
 * ZeroMQ CURVE messages per second over loopback (a DEALER to a ROUTER, each with its own
 * context and I/O thread, as between a node and the hub) at the scenarios' message sizes.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>
#include <zmq.h>

#include "bench.h"
#include "keys.h"
#include "sha256.h"
#include "store.h"

struct limits_opts {
	const char *dir;
	double seconds;
	size_t msg_bytes, value_bytes, chunk_bytes;
};

static double
limits_ed25519(const struct limits_opts *o, int verify)
{
	uint8_t pk[KEYS_SIGN_PUB], sk[KEYS_SIGN_SEC], sig[KEYS_SIG], *msg;
	double t0 = bench_now(), t;
	uint64_t n = 0;

	if ((msg = malloc(o->msg_bytes)) == NULL)
		return -1;
	randombytes_buf(msg, o->msg_bytes);
	crypto_sign_ed25519_keypair(pk, sk);
	crypto_sign_ed25519_detached(sig, NULL, msg, o->msg_bytes, sk);
	do {
		for (int i = 0; i < 64; i++, n++) {
			if (verify) {
				if (crypto_sign_ed25519_verify_detached(sig, msg, o->msg_bytes, pk) != 0)
					abort();
			} else {
				crypto_sign_ed25519_detached(sig, NULL, msg, o->msg_bytes, sk);
			}
		}
	} while ((t = bench_now() - t0) < o->seconds);
	free(msg);
	return (double)n / t;
}

static double
limits_sha256(const struct limits_opts *o)
{
	size_t len = (size_t)1 << 20;
	uint8_t *buf = malloc(len), out[KEYS_HASH];
	double t0 = bench_now(), t;
	uint64_t n = 0;

	if (buf == NULL)
		return -1;
	randombytes_buf(buf, len);
	do {
		sha256(buf, len, out);
		n++;
	} while ((t = bench_now() - t0) < o->seconds);
	free(buf);
	return (double)(n * len) / t / 1e6;
}

/* puts per second with `batch` puts per durable transaction, keys ascending. */
static double
limits_lmdb(const struct limits_opts *o, unsigned batch)
{
	char path[1100];
	MDB_env *env = NULL;
	MDB_dbi dbi;
	MDB_txn *txn;
	uint8_t key[8], *val;
	uint64_t n = 0;
	double t0, t = -1;

	snprintf(path, sizeof(path), "%s/lmdb-limit", o->dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	if ((val = malloc(o->value_bytes)) == NULL)
		return -1;
	randombytes_buf(val, o->value_bytes);
	if (mdb_env_create(&env) != 0 || mdb_env_set_mapsize(env, (size_t)16 << 30) != 0 ||
	    mdb_env_open(env, path, 0, 0600) != 0 || mdb_txn_begin(env, NULL, 0, &txn) != 0 ||
	    mdb_dbi_open(txn, NULL, 0, &dbi) != 0 || mdb_txn_commit(txn) != 0)
		goto done;
	t0 = bench_now();
	do {
		if (mdb_txn_begin(env, NULL, 0, &txn) != 0)
			goto done;
		for (unsigned i = 0; i < batch; i++, n++) {
			MDB_val k = { sizeof(key), key }, v = { o->value_bytes, val };

			store_be64(key, n);
			if (mdb_put(txn, dbi, &k, &v, 0) != 0) {
				mdb_txn_abort(txn);
				goto done;
			}
		}
		if (mdb_txn_commit(txn) != 0)   /* durable: fsync, as the daemons commit */
			goto done;
	} while ((t = bench_now() - t0) < o->seconds);
	t = (double)n / t;
done:
	if (env != NULL)
		mdb_env_close(env);
	free(val);
	snprintf(path, sizeof(path), "%s/lmdb-limit/data.mdb", o->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lmdb-limit/lock.mdb", o->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lmdb-limit", o->dir);
	rmdir(path);
	return t;
}

/* The receiving side: a CURVE ROUTER in its own thread and context, like the hub. */
struct zserver {
	void *ctx, *sock;
	uint8_t sec[KEYS_CURVE];
	char endpoint[128];
	uint64_t count;
};

static void *
zserver_main(void *arg)
{
	struct zserver *z = arg;
	zmq_msg_t rid, msg;

	zmq_msg_init(&rid);
	zmq_msg_init(&msg);
	for (;;) {
		if (zmq_msg_recv(&rid, z->sock, 0) < 0 || zmq_msg_recv(&msg, z->sock, 0) < 0)
			break;
		if (zmq_msg_size(&msg) > 1) {
			z->count++;
			continue;
		}
		/* 1 byte: a ping before the timed part; 0 bytes: the end, answered with the count. */
		zmq_send(z->sock, zmq_msg_data(&rid), zmq_msg_size(&rid), ZMQ_SNDMORE);
		zmq_send(z->sock, &z->count, sizeof(z->count), 0);
		if (zmq_msg_size(&msg) == 0)
			break;
	}
	zmq_msg_close(&rid);
	zmq_msg_close(&msg);
	return NULL;
}

/* Messages per second of `size` bytes from a CURVE DEALER to the ROUTER, over loopback. */
static double
limits_zmq(const struct limits_opts *o, size_t size)
{
	struct zserver z;
	uint8_t spub[KEYS_CURVE], cpub[KEYS_CURVE], csec[KEYS_CURVE], *buf;
	void *cctx = NULL, *c = NULL;
	int one = 1, zero = 0;
	size_t elen = sizeof(z.endpoint);
	uint64_t sent = 0, got = 0;
	pthread_t th;
	double t0, t = -1;

	memset(&z, 0, sizeof(z));
	if ((buf = malloc(size)) == NULL)
		return -1;
	randombytes_buf(buf, size);
	randombytes_buf(z.sec, sizeof(z.sec));
	crypto_scalarmult_base(spub, z.sec);
	randombytes_buf(csec, sizeof(csec));
	crypto_scalarmult_base(cpub, csec);
	if ((z.ctx = zmq_ctx_new()) == NULL || (z.sock = zmq_socket(z.ctx, ZMQ_ROUTER)) == NULL ||
	    zmq_setsockopt(z.sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) != 0 ||
	    zmq_setsockopt(z.sock, ZMQ_CURVE_SECRETKEY, z.sec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(z.sock, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_bind(z.sock, "tcp://127.0.0.1:*") != 0 ||
	    zmq_getsockopt(z.sock, ZMQ_LAST_ENDPOINT, z.endpoint, &elen) != 0)
		goto done;
	if (pthread_create(&th, NULL, zserver_main, &z) != 0)
		goto done;
	if ((cctx = zmq_ctx_new()) == NULL || (c = zmq_socket(cctx, ZMQ_DEALER)) == NULL ||
	    zmq_setsockopt(c, ZMQ_CURVE_SERVERKEY, spub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(c, ZMQ_CURVE_PUBLICKEY, cpub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(c, ZMQ_CURVE_SECRETKEY, csec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(c, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_connect(c, z.endpoint) != 0)
		goto join;
	/* Handshake first, outside the timed part. */
	if (zmq_send(c, "p", 1, 0) != 1 || zmq_recv(c, &got, sizeof(got), 0) < 0)
		goto join;
	t0 = bench_now();
	do {
		for (int i = 0; i < 16; i++, sent++)
			if (zmq_send(c, buf, size, 0) < 0)
				goto join;
	} while (bench_now() - t0 < o->seconds);
	if (zmq_send(c, "", 0, 0) != 0 || zmq_recv(c, &got, sizeof(got), 0) < 0)
		goto join;
	t = bench_now() - t0;
	if (got != sent) {
		fprintf(stderr, "loadgen: limits: %llu messages sent, %llu received\n",
		    (unsigned long long)sent, (unsigned long long)got);
		t = -1;
	} else {
		t = (double)got / t;
	}
join:
	if (t < 0)
		zmq_ctx_shutdown(z.ctx);   /* its blocking receive returns: the thread ends */
	pthread_join(th, NULL);
done:
	if (c != NULL)
		zmq_close(c);
	if (cctx != NULL)
		zmq_ctx_term(cctx);
	if (z.sock != NULL)
		zmq_close(z.sock);
	if (z.ctx != NULL)
		zmq_ctx_term(z.ctx);
	free(buf);
	return t;
}

int
cmd_limits(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "ms", required_argument, NULL, 's' },
		{ "msg-bytes", required_argument, NULL, 'm' },
		{ "value-bytes", required_argument, NULL, 'v' },
		{ "chunk-bytes", required_argument, NULL, 'c' },
		{ "meta-bytes", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	struct limits_opts o = { NULL, 1.0, 0, 0, 262144 };
	uint64_t meta = 200;
	double verify, sign, sha, puts, commits, zsmall, zchunk;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 's': o.seconds = (double)bench_num("--ms", optarg) / 1000; break;
		case 'm': o.msg_bytes = bench_num("--msg-bytes", optarg); break;
		case 'v': o.value_bytes = bench_num("--value-bytes", optarg); break;
		case 'c': o.chunk_bytes = bench_num("--chunk-bytes", optarg); break;
		case 'M': meta = bench_num("--meta-bytes", optarg); break;
		default: bench_usage(NULL);
		}
	}
	/* By default, the size of what `loadgen ingest` sends with the same --meta-bytes. */
	if (o.msg_bytes == 0)
		o.msg_bytes = bench_frame_bytes(1, meta);
	if (o.value_bytes == 0)
		o.value_bytes = o.msg_bytes;
	if (o.dir == NULL || optind != argc)
		bench_usage("limits: --dir is required (an on-disk directory for LMDB)");
	if (o.msg_bytes < 2 || o.chunk_bytes < 2 || o.value_bytes == 0 || o.seconds <= 0)
		bench_usage("limits: sizes must be at least 2 bytes, --ms more than 0");
	verify = limits_ed25519(&o, 1);
	sign = limits_ed25519(&o, 0);
	sha = limits_sha256(&o);
	puts = limits_lmdb(&o, 10000);
	commits = limits_lmdb(&o, 1);
	zsmall = limits_zmq(&o, o.msg_bytes);
	zchunk = limits_zmq(&o, o.chunk_bytes);
	printf("{\"verb\":\"limits\",\"seconds_each\":%.3f,\"msg_bytes\":%zu,\"value_bytes\":%zu,"
	    "\"chunk_bytes\":%zu,\"ed25519_verify_per_s\":%.1f,\"ed25519_sign_per_s\":%.1f,"
	    "\"sha256_mb_per_s\":%.1f,\"lmdb_puts_per_s\":%.1f,\"lmdb_commits_per_s\":%.1f,"
	    "\"zmq_curve_small_msgs_per_s\":%.1f,\"zmq_curve_chunk_msgs_per_s\":%.1f,"
	    "\"zmq_curve_chunk_mb_per_s\":%.1f}\n", o.seconds, o.msg_bytes, o.value_bytes,
	    o.chunk_bytes, verify, sign, sha, puts, commits, zsmall, zchunk,
	    zchunk * (double)o.chunk_bytes / 1e6);
	return verify > 0 && sign > 0 && sha > 0 && puts > 0 && commits > 0 && zsmall > 0 &&
	    zchunk > 0 ? 0 : 1;
}
