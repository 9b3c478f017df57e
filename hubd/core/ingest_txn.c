/*
 * ingest_txn.c: the ingest batch's one LMDB write transaction (ingest.c drains the batch and
 * sends the replies). Each message is judged in the order of DESIGN.md step 5 (transport
 * identity, signature, seq, prev_hash, blobs) and applied; the replies it earns (cumulative
 * Acks, Rejects with reasons, BlobNeeds, Welcomes, Pongs, restore answers) are only queued,
 * to be sent once the commit is durable. A set whose files the hub lacks is held back until
 * they are whole. Every function may run again from the start: store_write retries.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "grow.h"
#include "core/ingest.h"

/* Queue a reply for after the commit. */
static int
ingest_reply(struct ingest *g, const uint8_t *rid, size_t ridlen, const Eiso__Envelope *env)
{
	struct reply *r;
	int rc;

	if (eiso_grow(&g->replies, g->nreplies, &g->capreplies, sizeof(*g->replies), 256) != 0)
		return EISO_NOMEM;
	r = &g->replies[g->nreplies];
	if ((rc = wire_pack(env, g->h.conf.max_frame, &r->buf, &r->len)) != 0)
		return rc;
	memcpy(r->rid, rid, ridlen);
	r->ridlen = ridlen;
	g->nreplies++;
	return 0;
}

void
ingest_drop_replies(struct ingest *g)
{
	for (size_t i = 0; i < g->nreplies; i++)
		free(g->replies[i].buf);
	g->nreplies = 0;
}

static int
ingest_reject(struct ingest *g, struct touched *t, Eiso__RejectCode code, uint64_t seq,
    const char *reason)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__Reject r = EISO__REJECT__INIT;
	char clean[512];

	/* The reason may quote the node's text, cut anywhere: keep it valid UTF-8. */
	snprintf(clean, sizeof(clean), "%s", reason);
	wire_utf8_trim(clean);
	reason = clean;
	if (log_limit_take(g->rejects, t->id, g->now))
		log_warnx("reject %s seq %llu: %s: %s", t->id, (unsigned long long)seq,
		    wire_reject_name(code), reason);
	r.code = code;
	r.reason = (char *)reason;
	r.seq = seq;
	r.expected_seq = t->seq + 1;
	env.msg_case = EISO__ENVELOPE__MSG_REJECT;
	env.reject = &r;
	if (code != EISO__REJECT_CODE__REJECT_GAP) {
		char kind[32];
		int rc;

		t->rejected++;
		g->batch.rejected++;
		g->batch.by_code[(unsigned)code & 15]++;
		/* Staff see it: one open alert per agency and reason, counted while it recurs. */
		snprintf(kind, sizeof(kind), "reject:%s", wire_reject_name(code));
		if (t->rec != NULL && (rc = alert_raise(g->txn, &g->h, t->id, kind, reason)) != 0)
			return rc;
	}
	return ingest_reply(g, t->rid, t->ridlen, &env);
}

static int
ingest_welcome(struct ingest *g, struct touched *t)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__Welcome w = EISO__WELCOME__INIT;

	w.protocol = WIRE_PROTOCOL;
	w.applied_seq = t->seq;
	w.applied_hash.data = t->hash;
	w.applied_hash.len = KEYS_HASH;
	w.window = (uint32_t)g->h.conf.window;
	w.max_frame = (uint32_t)g->h.conf.max_frame;
	w.chunk_size = (uint32_t)g->h.conf.chunk_size;
	env.msg_case = EISO__ENVELOPE__MSG_WELCOME;
	env.welcome = &w;
	return ingest_reply(g, t->rid, t->ridlen, &env);
}

static int
ingest_blob_need(struct ingest *g, struct touched *t, const uint8_t *sha, uint64_t have,
    uint64_t size)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__BlobNeed b = EISO__BLOB_NEED__INIT;

	b.sha256.data = (uint8_t *)sha;
	b.sha256.len = KEYS_HASH;
	b.offset = have;
	b.size = size;
	env.msg_case = EISO__ENVELOPE__MSG_BLOB_NEED;
	env.blob_need = &b;
	return ingest_reply(g, t->rid, t->ridlen, &env);
}

/* Does the agency have blob requests outstanding? */
static int
ingest_has_wants(MDB_txn *txn, struct ingest *g, const char *id)
{
	uint8_t key[INGEST_KEY_MAX];
	size_t klen = agency_key(key, sizeof(key), id, NULL, 0);
	MDB_cursor *c;
	MDB_val k = { klen, key }, v;
	int found = 0;

	if (mdb_cursor_open(txn, store_dbi(g->h.st, HDB_WANTS), &c) != 0)
		return 0;
	if (mdb_cursor_get(c, &k, &v, MDB_SET_RANGE) == 0)
		found = k.mv_size > klen && memcmp(k.mv_data, key, klen) == 0;
	mdb_cursor_close(c);
	return found;
}

/* The batch's state for an agency, loaded from the store on first use. */
static int
ingest_touch(MDB_txn *txn, struct ingest *g, const struct item *it, struct touched **out)
{
	Eiso__HeadRecord *hr;
	struct touched *t;
	int rc;

	for (size_t i = 0; i < g->nt; i++) {
		if (strcmp(g->t[i].id, it->agency) == 0) {
			t = &g->t[i];
			goto found;
		}
	}
	if (eiso_grow(&g->t, g->nt, &g->capt, sizeof(*g->t), 64) != 0)
		return EISO_NOMEM;
	t = &g->t[g->nt];
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", it->agency);
	if ((rc = agency_get(txn, &g->h, t->id, &t->rec)) != 0 && rc != EISO_NOTFOUND)
		return rc;
	rc = head_get(txn, &g->h, t->id, &hr);
	if (rc == 0) {
		t->seq = hr->seq;
		if (hr->hash.len == KEYS_HASH)
			memcpy(t->hash, hr->hash.data, KEYS_HASH);
		t->applied_at = hr->applied_at;
		t->node_head = hr->node_head;
		t->rejected = hr->rejected;
		eiso__head_record__free_unpacked(hr, NULL);
	} else if (rc != EISO_NOTFOUND) {
		return rc;
	}
	t->waiting = ingest_has_wants(txn, g, t->id);
	g->nt++;
found:
	memcpy(t->rid, it->rid, it->ridlen);
	t->ridlen = it->ridlen;
	*out = t;
	return 0;
}

static int
ingest_put_log(MDB_txn *txn, struct ingest *g, struct touched *t, uint64_t seq,
    const Eiso__ChangeSet *cs)
{
	uint8_t key[INGEST_KEY_MAX], be[8];
	size_t klen;

	store_be64(be, seq);
	klen = agency_key(key, sizeof(key), t->id, be, sizeof(be));
	return store_put_pb(txn, store_dbi(g->h.st, HDB_LOG), key, klen, &cs->base,
	    MDB_NOOVERWRITE);
}

/* Is this set, at an already applied seq, the one we hold? */
static int
ingest_same_as_logged(MDB_txn *txn, struct ingest *g, struct touched *t, uint64_t seq,
    const uint8_t hash[KEYS_HASH])
{
	uint8_t key[INGEST_KEY_MAX], be[8], mine[KEYS_HASH];
	Eiso__ChangeSet *cs;
	MDB_val k, v;

	store_be64(be, seq);
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), t->id, be, sizeof(be));
	if (mdb_get(txn, store_dbi(g->h.st, HDB_LOG), &k, &v) != 0)
		return 0;
	if ((cs = eiso__change_set__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return 0;
	chain_hash(cs->body.data, cs->body.len, mine);
	eiso__change_set__free_unpacked(cs, NULL);
	return memcmp(mine, hash, KEYS_HASH) == 0;
}

/* Materialise the set's changes into the hub's tables (apply.c). */
static int
ingest_apply_changes(MDB_txn *txn, struct ingest *g, struct touched *t,
    const Eiso__ChangeSetBody *body)
{
	int rc;

	for (size_t i = 0; i < body->n_changes; i++)
		if ((rc = apply_change(txn, &g->h, t->id, body->changes[i])) != 0)
			return rc;
	return 0;
}

/* The files a set's document issues name, one after another: ci and fi start at 0; NULL at
 * the end. */
static const Eiso__BlobRef *
ingest_next_file(const Eiso__ChangeSetBody *body, size_t *ci, size_t *fi)
{
	for (; *ci < body->n_changes; (*ci)++, *fi = 0) {
		const Eiso__Change *c = body->changes[*ci];

		if (c->op_case == EISO__CHANGE__OP_DOC_ISSUE && *fi < c->doc_issue->n_files)
			return c->doc_issue->files[(*fi)++];
	}
	return NULL;
}

/*
 * A file declared with another size than the hub holds for its hash can never complete:
 * refuse that set on its own (before anything is written) rather than fail the batch.
 */
static int
ingest_blob_sizes_ok(MDB_txn *txn, struct ingest *g, const Eiso__ChangeSetBody *body,
    char *why, size_t whylen)
{
	const Eiso__BlobRef *f;
	struct blob_meta m;

	for (size_t ci = 0, fi = 0; (f = ingest_next_file(body, &ci, &fi)) != NULL; ) {
		/* Only a verified blob knows its size; a partial one may be wrong. */
		if (blob_meta(txn, &g->h.bt, f->sha256.data, &m) == 0 && m.complete &&
		    m.size != f->size) {
			snprintf(why, whylen, "file %s declared with %llu bytes, its hash names %llu",
			    f->name, (unsigned long long)f->size, (unsigned long long)m.size);
			return 0;
		}
	}
	return 1;
}

/* Blobs the set references that the hub does not hold whole: ask for them. Returns count. */
static int
ingest_missing_blobs(MDB_txn *txn, struct ingest *g, struct touched *t,
    const Eiso__ChangeSetBody *body, int *missing)
{
	const Eiso__BlobRef *f;

	*missing = 0;
	for (size_t ci = 0, fi = 0; (f = ingest_next_file(body, &ci, &fi)) != NULL; ) {
		struct blob_meta m;
		uint8_t key[INGEST_KEY_MAX], be[8];
		MDB_val k, v;
		int rc;

		rc = blob_meta(txn, &g->h.bt, f->sha256.data, &m);
		if (rc == 0 && m.complete)
			continue;
		if (rc != 0 && rc != EISO_NOTFOUND)
			return rc;
		/*
		 * A partial blob declared with another size: one agency's wrong size must
		 * not block another's right one, so start it over at this size.
		 */
		if (rc == 0 && m.size != f->size &&
		    (rc = blob_discard(txn, &g->h.bt, f->sha256.data)) != 0)
			return rc;
		if ((rc = blob_want(txn, &g->h.bt, f->sha256.data, f->size)) != 0 ||
		    (rc = blob_meta(txn, &g->h.bt, f->sha256.data, &m)) != 0)
			return rc;
		store_be64(be, f->size);
		k.mv_data = key;
		k.mv_size = agency_key(key, sizeof(key), t->id, f->sha256.data, KEYS_HASH);
		v.mv_data = be;
		v.mv_size = sizeof(be);
		if ((rc = store_rc(mdb_put(txn, store_dbi(g->h.st, HDB_WANTS), &k, &v,
		    0))) != 0)
			return rc;
		if ((rc = ingest_blob_need(g, t, f->sha256.data, m.have, f->size)) != 0)
			return rc;
		(*missing)++;
	}
	return 0;
}

/*
 * Judge and apply one set. The pool checked it ahead (ingest_check_batch) with the key a read
 * transaction saw; that result stands only if this transaction holds the same key, else the
 * set is checked here. Either way only the link to the applied head is judged here.
 * Re-runnable (store_write may retry): the item's checked body is read, never freed, here.
 */
static int
ingest_change_set(MDB_txn *txn, struct ingest *g, struct touched *t, struct item *it)
{
	const Eiso__ChangeSet *cs = it->env->change_set;
	struct chain_head applied;
	struct chain_checked own;
	const struct chain_checked *ck = &it->ck;
	const Eiso__ChangeSetBody *body;
	enum chain_verdict v;
	uint64_t seq;
	char why[256];
	int rc = 0, missing;

	/* A pool thread may still be on it: take the next ones meanwhile, in order. */
	while (it->want_check && !atomic_load_explicit(&it->done, memory_order_acquire))
		if (!pool_help(g->pool))
			sched_yield();
	if (!it->checked || t->rec->sign_pub.len != KEYS_SIGN_PUB ||
	    memcmp(t->rec->sign_pub.data, it->key, KEYS_SIGN_PUB) != 0) {
		if ((rc = chain_check(cs, t->id, t->rec->sign_pub.data, &own)) != 0)
			return eiso_seterr(rc, "%s", own.reason);
		ck = &own;
	}
	body = ck->body;
	seq = ck->seq;
	snprintf(why, sizeof(why), "%s", ck->reason);
	v = ck->verdict;
	if (v == CHAIN_APPLY) {
		applied.seq = t->seq;
		memcpy(applied.hash, t->hash, KEYS_HASH);
		v = chain_link(body, &applied, why, sizeof(why));
	}
	switch (v) {
	case CHAIN_MALFORMED:
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_PROTOCOL, seq, why);
		break;
	case CHAIN_TOO_LARGE:
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_TOO_LARGE, seq, why);
		break;
	case CHAIN_IDENTITY:
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_IDENTITY, seq, why);
		break;
	case CHAIN_SIGNATURE:
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_SIGNATURE, seq, why);
		break;
	case CHAIN_GAP:
		if (t->waiting) {
			/* In flight behind a set that waits for its files: the node resends. */
			g->batch.deferred++;
			break;
		}
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_GAP, seq, why);
		break;
	case CHAIN_FORK:
		rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_FORK, seq, why);
		break;
	case CHAIN_DUPLICATE:
		if (ingest_same_as_logged(txn, g, t, body->seq, ck->hash)) {
			log_info("duplicate %s seq %llu (applied %llu): acknowledged again, "
			    "nothing changed", t->id, (unsigned long long)body->seq,
			    (unsigned long long)t->seq);
			g->batch.duplicates++;
			t->ack = 1;
		} else {
			snprintf(why, sizeof(why), "seq %llu is already applied with different "
			    "content", (unsigned long long)body->seq);
			rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_FORK, body->seq, why);
		}
		break;
	case CHAIN_APPLY:
		if (!ingest_blob_sizes_ok(txn, g, body, why, sizeof(why))) {
			rc = ingest_reject(g, t, EISO__REJECT_CODE__REJECT_BLOB, seq, why);
			break;
		}
		if ((rc = ingest_missing_blobs(txn, g, t, body, &missing)) != 0)
			break;
		if (missing > 0) {
			log_debug("%s seq %llu waits for %d files", t->id,
			    (unsigned long long)body->seq, missing);
			t->waiting = 1;
			g->batch.deferred++;
			break;
		}
		if ((rc = ingest_put_log(txn, g, t, body->seq, cs)) != 0 ||
		    (rc = ingest_apply_changes(txn, g, t, body)) != 0 ||
		    (rc = apply_count_set(txn, &g->h, t->id, g->now)) != 0)
			break;
		t->seq = body->seq;
		memcpy(t->hash, ck->hash, KEYS_HASH);
		t->applied_at = g->now;
		t->ack = 1;
		g->batch.applied++;
		break;
	}
	if (ck == &own && own.body != NULL)
		eiso__change_set_body__free_unpacked(own.body, NULL);
	return rc;
}

static int
ingest_blob_chunk(MDB_txn *txn, struct ingest *g, struct touched *t, const Eiso__BlobChunk *bc)
{
	uint8_t key[INGEST_KEY_MAX];
	struct blob_meta m;
	MDB_val k, v;
	int rc, done;

	if (bc->sha256.len != KEYS_HASH || bc->data.len > g->h.conf.chunk_size)
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_BLOB, 0,
		    "malformed blob chunk");
	k.mv_data = key;
	k.mv_size = agency_key(key, sizeof(key), t->id, bc->sha256.data, KEYS_HASH);
	if ((rc = mdb_get(txn, store_dbi(g->h.st, HDB_WANTS), &k, &v)) == MDB_NOTFOUND) {
		/* The tail of a transfer another agency completed first is harmless. */
		if (blob_meta(txn, &g->h.bt, bc->sha256.data, &m) == 0 && m.complete)
			return 0;
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_BLOB, 0,
		    "blob was not requested");
	}
	if (rc != 0)
		return store_rc(rc);
	if (bc->size != store_get_be64(v.mv_data))
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_BLOB, 0,
		    "blob size differs from the change set's");
	eiso_clearerr();
	rc = blob_append(txn, &g->h.bt, bc->sha256.data, bc->size, bc->offset, bc->data.data,
	    bc->data.len, &done);
	if (rc == EISO_INVAL) {
		if ((rc = blob_meta(txn, &g->h.bt, bc->sha256.data, &m)) != 0)
			return rc;
		if (bc->offset < m.have)
			return 0;   /* already held: a resend after a resume */
		return ingest_blob_need(g, t, bc->sha256.data, m.have, m.size);
	}
	if (rc == EISO_HASH) {
		mdb_del(txn, store_dbi(g->h.st, HDB_WANTS), &k, NULL);
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_BLOB, 0,
		    "blob content does not match its SHA-256; discarded");
	}
	if (rc != 0)
		return rc;
	if (done) {
		if ((rc = store_rc(mdb_del(txn, store_dbi(g->h.st, HDB_WANTS), &k, NULL))) != 0)
			return rc;
		if (!ingest_has_wants(txn, g, t->id)) {
			t->waiting = 0;
			t->welcome = 1;   /* resend from applied + 1 */
		}
	}
	return 0;
}

struct restore_to {
	struct ingest *g;
	struct touched *t;
};

static int
ingest_restore_reply(void *arg, const Eiso__Envelope *env)
{
	struct restore_to *r = arg;

	return ingest_reply(r->g, r->t->rid, r->t->ridlen, env);
}

static int
ingest_one(MDB_txn *txn, struct ingest *g, struct item *it)
{
	struct restore_to rt;
	Eiso__Envelope *env = it->env, reply = EISO__ENVELOPE__INIT;
	Eiso__Pong pong = EISO__PONG__INIT;
	struct touched *t;
	int rc;

	if ((rc = ingest_touch(txn, g, it, &t)) != 0)
		return rc;
	if (env == NULL)
		return ingest_reject(g, t, it->perr, 0, it->why);
	if (t->rec == NULL || t->rec->state == NULL || strcmp(t->rec->state, "active") != 0)
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_AGENCY_STATE, 0,
		    "agency is not enrolled as active");
	switch (env->msg_case) {
	case EISO__ENVELOPE__MSG_HELLO:
		if (env->hello->protocol != WIRE_PROTOCOL)
			return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_PROTOCOL, 0,
			    "unsupported protocol version");
		if (env->hello->agency == NULL || strcmp(env->hello->agency, t->id) != 0)
			return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_IDENTITY, 0,
			    "hello names another agency than the connection's key");
		t->node_head = env->hello->head_seq;
		return ingest_welcome(g, t);
	case EISO__ENVELOPE__MSG_CHANGE_SET:
		return ingest_change_set(txn, g, t, it);
	case EISO__ENVELOPE__MSG_BLOB_CHUNK:
		return ingest_blob_chunk(txn, g, t, env->blob_chunk);
	case EISO__ENVELOPE__MSG_PING:
		t->node_head = env->ping->head_seq;
		pong.nonce = env->ping->nonce;
		pong.applied_seq = t->seq;
		reply.msg_case = EISO__ENVELOPE__MSG_PONG;
		reply.pong = &pong;
		return ingest_reply(g, t->rid, t->ridlen, &reply);
	case EISO__ENVELOPE__MSG_FETCH_LOG:   /* restore.c: only the connection's own agency */
		rt.g = g;
		rt.t = t;
		return restore_fetch_log(txn, &g->h, t->id, t->seq, t->hash, env->fetch_log,
		    ingest_restore_reply, &rt);
	case EISO__ENVELOPE__MSG_FETCH_BLOB:
		rt.g = g;
		rt.t = t;
		return restore_fetch_blob(txn, &g->h, t->id, env->fetch_blob,
		    ingest_restore_reply, &rt);
	default:
		return ingest_reject(g, t, EISO__REJECT_CODE__REJECT_PROTOCOL, 0,
		    "message not accepted by the hub");
	}
}

void
ingest_forget_touched(struct ingest *g)
{
	for (size_t i = 0; i < g->nt; i++)
		if (g->t[i].rec != NULL)
			eiso__agency_record__free_unpacked(g->t[i].rec, NULL);
	g->nt = 0;
}

/* The batch transaction. Starts from scratch each call (store_write may retry it). */
int
ingest_batch_txn(MDB_txn *txn, void *arg)
{
	struct ingest *g = arg;
	int rc;

	ingest_drop_replies(g);
	ingest_forget_touched(g);
	memset(&g->batch, 0, sizeof(g->batch));
	g->now = store_now_ms();
	g->txn = txn;
	for (size_t i = 0; i < g->nitems; i++)
		if ((rc = ingest_one(txn, g, &g->items[i])) != 0)
			return rc;
	for (size_t i = 0; i < g->nt; i++) {
		struct touched *t = &g->t[i];
		Eiso__HeadRecord hr = EISO__HEAD_RECORD__INIT;
		Eiso__Envelope env = EISO__ENVELOPE__INIT;
		Eiso__Ack ack = EISO__ACK__INIT;

		if (t->rec == NULL)
			continue;   /* never store anything for an unknown agency */
		hr.seq = t->seq;
		hr.hash.data = t->hash;
		hr.hash.len = KEYS_HASH;
		hr.applied_at = t->applied_at;
		hr.last_seen = g->now;
		hr.node_head = t->node_head;
		hr.rejected = t->rejected;
		if ((rc = head_put(txn, &g->h, t->id, &hr)) != 0)
			return rc;
		if (t->ack) {
			ack.seq = t->seq;
			ack.head_hash.data = t->hash;
			ack.head_hash.len = KEYS_HASH;
			env.msg_case = EISO__ENVELOPE__MSG_ACK;
			env.ack = &ack;
			if ((rc = ingest_reply(g, t->rid, t->ridlen, &env)) != 0)
				return rc;
		}
		if (t->welcome && (rc = ingest_welcome(g, t)) != 0)
			return rc;
	}
	return 0;
}
