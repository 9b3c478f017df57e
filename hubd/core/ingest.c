/*
 * ingest.c: the hub daemon's ingest side, driven by `hubd run` (run.c).
 *
 * A ZeroMQ ROUTER with CURVE, admitted by the ZAP handler (zap.c), receives envelopes from
 * nodes. Messages are drained into a batch, checked ahead on the pool's threads (pool.c), then
 * judged and applied in ONE LMDB write transaction (group commit, ingest_txn.c), in the order
 * of DESIGN.md step 5: transport identity, signature, seq, prev_hash, blobs. Only after the
 * commit is durable are the replies sent: cumulative Acks (I3), Rejects with reasons,
 * BlobNeeds, Welcomes. A set whose files the hub lacks is held back: the hub asks for the
 * files (resuming partial ones) and sends a Welcome once they are whole, so the node resends
 * from there. This thread is the only writer of the hub's store.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>
#include <zmq.h>

#include "chain.h"
#include "err.h"
#include "grow.h"
#include "core/core.h"
#include "core/ingest.h"
#include "keys.h"
#include "log.h"
#include "wire.h"

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93   /* libzmq >= 4.3 (draft API in its header) */
#endif

#define INGEST_POOL_MIN 4      /* change sets in a batch below which one thread checks them */
#define INGEST_POOL_MAX 16     /* threads that check change sets, this one included */
/* What CURVE adds to a message: "\x07MESSAGE", an 8-byte nonce, the 16-byte MAC, a flags byte */
#define INGEST_CURVE_OVERHEAD 33

/*
 * Receive one message (routing id + payload) into the next batch slot; 0 if none waits.
 * Nothing here blocks: ZeroMQ hands over a message's parts together, so every part is there
 * once the first is, and parts beyond the payload are discarded (PROTOCOL.md §1).
 */
static int
ingest_recv(struct ingest *g, size_t *bytes)
{
	zmq_msg_t rid, msg;
	struct item *it;
	const char *user;
	size_t extra;
	int rc, got = 0;

	if (eiso_grow(&g->items, g->nitems, &g->capitems, sizeof(*g->items), 256) != 0)
		return 0;
	it = &g->items[g->nitems];
	zmq_msg_init(&rid);
	zmq_msg_init(&msg);
	if (zmq_msg_recv(&rid, g->router, ZMQ_DONTWAIT) < 0)
		goto done;
	got = 1;
	if (!zmq_msg_more(&rid) || zmq_msg_recv(&msg, g->router, ZMQ_DONTWAIT) < 0)
		goto done;   /* a ROUTER always gives a routing id and a part: nothing to judge */
	extra = zmq_msg_more(&msg) ? wire_drain(g->router) : 0;
	user = zmq_msg_gets(&msg, "User-Id");
	if (user == NULL || !wire_agency_ok(user) || zmq_msg_size(&rid) > INGEST_RID_MAX) {
		if (log_limit_take(g->rejects, "-", store_now_ms()))
			log_warnx("message without an authenticated agency dropped");
		goto done;
	}
	if (extra > 0 && log_limit_take(g->rejects, user, store_now_ms()))
		log_warnx("message of %s with %zu parts: read the first, dropped %zu", user,
		    extra + 1, extra);
	memset(it, 0, sizeof(*it));
	memcpy(it->rid, zmq_msg_data(&rid), zmq_msg_size(&rid));
	it->ridlen = zmq_msg_size(&rid);
	snprintf(it->agency, sizeof(it->agency), "%s", user);
	it->bytes = zmq_msg_size(&msg);
	eiso_clearerr();
	rc = wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg), g->h.conf.max_frame, &it->env);
	if (rc != 0) {
		it->perr = rc == EISO_TOOBIG ? EISO__REJECT_CODE__REJECT_TOO_LARGE :
		    EISO__REJECT_CODE__REJECT_PROTOCOL;
		snprintf(it->why, sizeof(it->why), "%s", eiso_lasterr(rc));
	}
	*bytes += it->bytes;
	g->nitems++;
done:
	if (got)
		wire_drain(g->router);   /* whatever an early exit left of this message */
	zmq_msg_close(&rid);
	zmq_msg_close(&msg);
	return got;
}

static void
ingest_send_replies(struct ingest *g)
{
	for (size_t i = 0; i < g->nreplies; i++) {
		struct reply *r = &g->replies[i];

		if (zmq_send(g->router, r->rid, r->ridlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
		    zmq_send(g->router, r->buf, r->len, ZMQ_DONTWAIT) < 0)
			log_debug("reply dropped: %s", zmq_strerror(zmq_errno()));
	}
	ingest_drop_replies(g);
}

/* The agency's enrolled key if it is active, from the batch's cache or txn; NULL if none. */
static const uint8_t *
ingest_signer(MDB_txn *txn, struct ingest *g, const char *id)
{
	Eiso__AgencyRecord *rec;
	struct signer *sg;
	size_t i;

	for (i = g->nsigners; i > 0; i--)   /* newest first: a connection's sets come together */
		if (strcmp(g->signers[i - 1].id, id) == 0)
			return g->signers[i - 1].ok ? g->signers[i - 1].pub : NULL;
	if (eiso_grow(&g->signers, g->nsigners, &g->capsigners, sizeof(*g->signers), 64) != 0)
		return NULL;   /* checked in the transaction instead */
	sg = &g->signers[g->nsigners++];
	snprintf(sg->id, sizeof(sg->id), "%s", id);
	sg->ok = 0;
	if (agency_get(txn, &g->h, id, &rec) == 0) {
		if (rec->state != NULL && strcmp(rec->state, "active") == 0 &&
		    rec->sign_pub.len == KEYS_SIGN_PUB) {
			memcpy(sg->pub, rec->sign_pub.data, KEYS_SIGN_PUB);
			sg->ok = 1;
		}
		eiso__agency_record__free_unpacked(rec, NULL);
	}
	return sg->ok ? sg->pub : NULL;
}

/* A pool thread's share: one item's stateless check. Touches that item only. */
static void
ingest_check_one(size_t i, void *arg)
{
	struct ingest *g = arg;
	struct item *it = &g->items[i];

	if (it->want_check && chain_check(it->env->change_set, it->agency, it->key, &it->ck) == 0)
		it->checked = 1;   /* out of memory: left to the transaction */
	atomic_store_explicit(&it->done, 1, memory_order_release);
}

/*
 * Start checking the batch's change sets (parse, identity, signature, content, hash) on every
 * core: an Ed25519 verification is most of what a set costs the hub, and it needs no chain
 * state. The pool's threads run ahead while the write transaction, on this thread, links and
 * applies the sets already checked, and checks the next ones when it catches up (pool_help).
 * The keys come from a read transaction, closed before the write one; the write transaction
 * uses a result only if it reads the same key. Every check is done after pool_wait.
 */
static void
ingest_check_batch(struct ingest *g)
{
	MDB_txn *txn;
	size_t n = 0;

	g->nsigners = 0;
	eiso_clearerr();
	if (store_read_begin(g->h.st, &txn) != 0)
		return;   /* everything is checked in the transaction */
	for (size_t i = 0; i < g->nitems; i++) {
		struct item *it = &g->items[i];
		const uint8_t *pub;

		atomic_store_explicit(&it->done, 0, memory_order_relaxed);
		if (it->env == NULL || it->env->msg_case != EISO__ENVELOPE__MSG_CHANGE_SET ||
		    (pub = ingest_signer(txn, g, it->agency)) == NULL)
			continue;
		memcpy(it->key, pub, KEYS_SIGN_PUB);
		it->want_check = 1;
		n++;
	}
	store_read_end(&txn);
	/* A few sets are not worth waking the pool for: checked here, now. */
	pool_submit(n < INGEST_POOL_MIN ? NULL : g->pool, g->nitems, ingest_check_one, g);
}

/* Drain what is waiting, apply it in one transaction, then answer. */
static void
ingest_batch(struct ingest *g)
{
	size_t bytes = 0;
	uint64_t t0;
	int rc;

	while (g->nitems < g->h.conf.max_batch && bytes < g->h.conf.max_batch_bytes &&
	    ingest_recv(g, &bytes))
		;
	if (g->nitems == 0)
		return;
	t0 = uv_hrtime();
	ingest_check_batch(g);
	eiso_clearerr();
	rc = store_write(g->h.st, ingest_batch_txn, g);
	g->txn = NULL;
	pool_wait(g->pool);   /* a failed transaction may have stopped before every item */
	if (rc != 0) {
		/* Nothing was applied and nothing is acknowledged: nodes resend. */
		log_warnx("batch of %zu messages not applied: %s", g->nitems, eiso_lasterr(rc));
		ingest_drop_replies(g);
	} else {
		g->total.applied += g->batch.applied;
		g->total.rejected += g->batch.rejected;
		g->total.duplicates += g->batch.duplicates;
		g->total.deferred += g->batch.deferred;
		g->total.batches++;
		hub_metrics.applied += g->batch.applied;
		hub_metrics.duplicates += g->batch.duplicates;
		hub_metrics.deferred += g->batch.deferred;
		hub_metrics.bytes_in += bytes;
		for (int i = 0; i < 16; i++)
			hub_metrics.rejected[i] += g->batch.by_code[i];
		metrics_batch(g->nitems, (uv_hrtime() - t0) / 1000);
		ingest_send_replies(g);
	}
	ingest_forget_touched(g);
	for (size_t i = 0; i < g->nitems; i++) {
		if (g->items[i].ck.body != NULL)
			eiso__change_set_body__free_unpacked(g->items[i].ck.body, NULL);
		wire_free(&g->items[i].env);
	}
	g->nitems = 0;
}

static int
ingest_open_router(struct ingest *g)
{
	char path[1100];
	uint8_t *sec = NULL;
	int one = 1, zero = 0, hwm = 100000;
	/*
	 * Frames up to 2 x max_frame are answered TOO_LARGE; larger ones are dropped with the
	 * connection by ZeroMQ. It measures the message as CURVE sends it: the frame plus
	 * INGEST_CURVE_OVERHEAD bytes (PROTOCOL.md §10; 06-hostile checks both sides).
	 */
	int64_t maxmsg = (int64_t)g->h.conf.max_frame * 2 + INGEST_CURVE_OVERHEAD;
	int rc;

	if ((rc = zap_open(g->zctx, &g->zap)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/keys/curve.key", g->h.conf.data);
	if ((rc = keys_read_secret(path, KEYS_CURVE, &sec)) != 0)
		return rc;
	if ((g->router = zmq_socket(g->zctx, ZMQ_ROUTER)) == NULL) {
		keys_free(&sec);
		return EISO_NET;
	}
	rc = zmq_setsockopt(g->router, ZMQ_CURVE_SERVER, &one, sizeof(one)) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_CURVE_SECRETKEY, sec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_ZAP_DOMAIN, WIRE_ZAP_DOMAIN,
		strlen(WIRE_ZAP_DOMAIN)) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof(one)) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_SNDHWM, &hwm, sizeof(hwm)) != 0 ||
	    zmq_setsockopt(g->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) != 0;
	keys_free(&sec);
	if (rc)
		return eiso_seterr(EISO_NET, "hub socket options: %s", zmq_strerror(zmq_errno()));
	if (zmq_bind(g->router, g->h.conf.listen) != 0)
		return eiso_seterr(EISO_NET, "cannot listen on %s: %s", g->h.conf.listen,
		    zmq_strerror(zmq_errno()));
	return 0;
}

int
ingest_open(const char *conf, struct ingest **out)
{
	struct ingest *g;
	int rc;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return EISO_NOMEM;
	if ((rc = hub_open(conf, 0, &g->h)) != 0) {
		free(g);
		return rc;
	}
	*out = g;
	return 0;
}

struct hub *
ingest_hub(struct ingest *g)
{
	return &g->h;
}

int
ingest_listen(struct ingest *g)
{
	unsigned ncores;
	int rc;

	if ((g->zctx = zmq_ctx_new()) == NULL)
		return eiso_seterr(EISO_NET, "zeromq: %s", zmq_strerror(zmq_errno()));
	if ((rc = ingest_open_router(g)) != 0)
		return rc;
	if (log_limit_new("rejects", &g->rejects) != 0)
		return EISO_NOMEM;
	/* Checking signatures is most of ingest's work: every core we may use takes a share. */
	eiso_clearerr();
	ncores = pool_cores();
	if (ncores > INGEST_POOL_MAX)
		ncores = INGEST_POOL_MAX;
	if ((rc = pool_start(ncores - 1, &g->pool)) != 0)
		log_warnx("%s: change sets are checked on one thread", eiso_lasterr(rc));
	log_info("listening on %s", g->h.conf.listen);
	return 0;
}

int
ingest_poll(struct ingest *g, int wake_fd, long timeout_ms, int *woken)
{
	zmq_pollitem_t items[3] = {
		{ g->zap, 0, ZMQ_POLLIN, 0 },
		{ g->router, 0, ZMQ_POLLIN, 0 },
		{ NULL, wake_fd, ZMQ_POLLIN, 0 },
	};

	*woken = 0;
	if (zmq_poll(items, wake_fd >= 0 ? 3 : 2, timeout_ms) < 0) {
		if (zmq_errno() == EINTR)
			return 0;
		return eiso_seterr(EISO_NET, "poll: %s", zmq_strerror(zmq_errno()));
	}
	if (items[0].revents & ZMQ_POLLIN)
		zap_handle(&g->h, g->zap);
	if (items[1].revents & ZMQ_POLLIN)
		ingest_batch(g);
	log_limit_flush(g->rejects, store_now_ms());
	*woken = wake_fd >= 0 && (items[2].revents & ZMQ_POLLIN);
	return 0;
}

void
ingest_close(struct ingest **gp)
{
	struct ingest *g = *gp;

	if (g == NULL)
		return;
	*gp = NULL;
	log_info("stopping: %llu change sets applied, %llu rejected, %llu duplicates in %llu "
	    "batches", (unsigned long long)g->total.applied,
	    (unsigned long long)g->total.rejected, (unsigned long long)g->total.duplicates,
	    (unsigned long long)g->total.batches);
	log_limit_flush(g->rejects, INT64_MAX);   /* the counts held back, before the end */
	log_limit_free(&g->rejects);
	pool_stop(&g->pool);
	if (g->router != NULL)
		zmq_close(g->router);
	if (g->zap != NULL)
		zmq_close(g->zap);
	if (g->zctx != NULL)
		zmq_ctx_term(g->zctx);
	hub_close(&g->h);
	free(g->items);
	free(g->replies);
	free(g->t);
	free(g->signers);
	free(g);
}
