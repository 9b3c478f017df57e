/*
 * restore.c: a node rebuilt from its own change sets at the hub (`noded restore --from-hub`,
 * cli/restore.c, is the verb).
 *
 * For a node whose disk died: with its keys and config back (the bundle, or a backup taken
 * --with-keys) and an empty store, it asks the hub for its own agency's logged change sets
 * (FetchLog / LogSet / LogEnd), verifies every one against its OWN signing key (keys/sign.pub,
 * never a key from the hub), its own agency id and the chain so far, stores each set verbatim
 * in the outbox and replays its changes into the node's tables (never through outbox_append:
 * nothing is sent again), one transaction per batch. Then it fetches every file the restored
 * document issues name that the store lacks (FetchBlob / BlobChunk, resuming from what it
 * holds; blob_append checks the hash). It finishes only when its head hash equals the hub's.
 *
 * Progress is persistent: meta "restoring" marks a store being restored, so an interrupted
 * restore runs again from head + 1 (the chain check proves the hub's sets continue it). Any
 * other non-empty store is refused. Applicants (personal data) never left the node: cases come
 * back without them. Nor does the scan inbox's node-only memory of files it imported.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "domain.h"
#include "err.h"
#include "grow.h"
#include "keys.h"
#include "core/core.h"
#include "wire.h"

#define RESTORE_BATCH      64        /* sets asked for at once (the hub's cap) */
#define RESTORE_CHUNKS     4         /* chunks the hub sends per FetchBlob */
#define RESTORE_TIMEOUT_MS 15000     /* silence before a request is repeated */
#define RESTORE_TRIES      5

struct restore {
	struct node n;
	uint8_t sign_pub[KEYS_SIGN_PUB], curve_pub[KEYS_CURVE], hub_pub[KEYS_CURVE];
	uint8_t *curve_sec;
	void *zctx, *sock;
	uint64_t applied;                /* the hub's, from its Welcome */
	uint8_t applied_hash[KEYS_HASH];
	size_t max_frame;
	struct chain_head head;
	uint64_t sets, files, files_missing;
};

/* ---- replay of one change into the node's tables (full state, no outbox) ---------------- */

/* As document_store: the issue and the docs index (document_put), files remembered. */
static int
restore_doc(MDB_txn *txn, struct node *n, const Eiso__DocIssue *d)
{
	int rc;

	if (d->code == NULL || !domain_code_ok(d->code) || d->status == NULL)
		return eiso_seterr(EISO_PARSE, "a document issue without a valid code");
	if ((rc = document_put(txn, n, d)) != 0)
		return rc;
	/* attach_lookup finds these files again once they are whole (revise keeps files). */
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];

		if (f->sha256.len != KEYS_HASH)
			continue;
		if ((rc = store_put_pb(txn, store_dbi(n->st, NDB_ATTACHMENTS), f->sha256.data,
		    KEYS_HASH, &f->base, 0)) != 0)
			return rc;
	}
	return 0;
}

static int
restore_change(MDB_txn *txn, struct node *n, const Eiso__Change *c)
{
	switch (c->op_case) {
	case EISO__CHANGE__OP_DOC_ISSUE:
		return restore_doc(txn, n, c->doc_issue);
	case EISO__CHANGE__OP_RECORD_FILE:
		if (c->record_file->code == NULL || !domain_code_ok(c->record_file->code))
			return eiso_seterr(EISO_PARSE, "a record file without a valid code");
		return store_put_pb(txn, store_dbi(n->st, NDB_RECORDS), c->record_file->code,
		    strlen(c->record_file->code), &c->record_file->base, 0);
	case EISO__CHANGE__OP_CASE:
		if (c->case_->code == NULL || !domain_code_ok(c->case_->code))
			return eiso_seterr(EISO_PARSE, "a case without a valid code");
		return store_put_pb(txn, store_dbi(n->st, NDB_CASES), c->case_->code,
		    strlen(c->case_->code), &c->case_->base, 0);
	default:
		return eiso_seterr(EISO_PARSE, "change %llu has no operation",
		    (unsigned long long)c->id);
	}
}

struct batch_txn {
	struct restore *r;
	Eiso__LogSet **sets;
	size_t nsets;
	struct chain_head head;          /* out: the head after the batch */
};

static int
restore_batch_txn(MDB_txn *txn, void *arg)
{
	struct batch_txn *b = arg;
	struct restore *r = b->r;
	struct node *n = &r->n;
	MDB_dbi meta = store_dbi(n->st, NDB_META);
	struct chain_head head = r->head;
	uint64_t next_change = 1;
	int rc = 0;

	store_get_u64(txn, meta, "next_change", &next_change);
	for (size_t i = 0; i < b->nsets; i++) {
		Eiso__ChangeSetBody *body = NULL;
		uint8_t hash[KEYS_HASH], key[8];
		enum chain_verdict v;
		uint64_t seq = 0;

		v = chain_verify(b->sets[i]->change_set, n->conf.agency, r->sign_pub, &head,
		    &body, hash, &seq);
		if (v != CHAIN_APPLY) {
			char why[256];

			snprintf(why, sizeof(why), "%s", v == CHAIN_MALFORMED ||
			    v == CHAIN_TOO_LARGE ? eiso_lasterr(EISO_PARSE) : "");
			rc = eiso_seterr(EISO_CRYPTO, "set %llu from the hub: %s%s%s: refusing it "
			    "(is this the right agency's key, and its hub?)",
			    (unsigned long long)b->sets[i]->seq, chain_verdict_name(v),
			    why[0] ? ": " : "", why);
			if (body != NULL)
				eiso__change_set_body__free_unpacked(body, NULL);
			return rc;
		}
		for (size_t j = 0; j < body->n_changes && rc == 0; j++) {
			rc = restore_change(txn, n, body->changes[j]);
			if (body->changes[j]->id >= next_change)
				next_change = body->changes[j]->id + 1;
		}
		eiso__change_set_body__free_unpacked(body, NULL);
		if (rc != 0)
			return rc;
		/* The set exactly as signed: the outbox is what a later resend reads. */
		store_be64(key, seq);
		if ((rc = store_put_pb(txn, store_dbi(n->st, NDB_OUTBOX), key, sizeof(key),
		    &b->sets[i]->change_set->base, MDB_NOOVERWRITE)) != 0)
			return rc;
		head.seq = seq;
		memcpy(head.hash, hash, KEYS_HASH);
	}
	if ((rc = store_put_u64(txn, meta, "head_seq", head.seq)) != 0 ||
	    (rc = store_put_str(txn, meta, "head_hash", head.hash, KEYS_HASH)) != 0 ||
	    (rc = store_put_u64(txn, meta, "acked_seq", head.seq)) != 0 ||
	    (rc = store_put_u64(txn, meta, "next_change", next_change)) != 0)
		return rc;
	b->head = head;
	return 0;
}

/* ---- the link ---------------------------------------------------------------------------- */

static int
restore_send(struct restore *r, const Eiso__Envelope *env)
{
	int rc = wire_send(r->sock, env, r->max_frame, 0);

	if (rc == EISO_NET)
		return eiso_seterr(EISO_NET, "send to hub: %s", zmq_strerror(errno));
	return rc;
}

/* Next message from the hub, or *timeout = 1 after ms of silence. Never blocks past ms. */
static int
restore_recv(struct restore *r, int ms, Eiso__Envelope **env, int *timeout)
{
	int64_t deadline = store_now_ms() + ms;
	zmq_msg_t msg;
	int rc;

	*env = NULL;
	*timeout = 0;
	for (;;) {
		zmq_pollitem_t pi = { r->sock, 0, ZMQ_POLLIN, 0 };
		int64_t left = deadline - store_now_ms();

		if (left <= 0 || (rc = zmq_poll(&pi, 1, (long)left)) == 0) {
			*timeout = 1;
			return 0;
		}
		if (rc < 0 && zmq_errno() != EINTR)
			return eiso_seterr(EISO_NET, "poll: %s", zmq_strerror(zmq_errno()));
		zmq_msg_init(&msg);
		if (rc > 0 && zmq_msg_recv(&msg, r->sock, ZMQ_DONTWAIT) >= 0)
			break;
		zmq_msg_close(&msg);
		if (rc > 0 && zmq_errno() != EAGAIN && zmq_errno() != EINTR)
			return eiso_seterr(EISO_NET, "receive: %s", zmq_strerror(zmq_errno()));
	}
	rc = wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg), WIRE_MAX_FRAME_MAX, env);
	if (zmq_msg_more(&msg))   /* not the protocol: the first part counts (PROTOCOL.md §1) */
		wire_drain(r->sock);
	zmq_msg_close(&msg);
	if (rc == 0 && (*env)->msg_case == EISO__ENVELOPE__MSG_REJECT &&
	    (*env)->reject->code != EISO__REJECT_CODE__REJECT_BLOB) {
		rc = eiso_seterr(EISO_CRYPTO, "hub refused: %s: %s",
		    wire_reject_name((*env)->reject->code),
		    (*env)->reject->reason ? (*env)->reject->reason : "");
		wire_free(env);
	}
	return rc;
}

static int
restore_connect(struct restore *r)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *in = NULL;
	Eiso__Hello h = EISO__HELLO__INIT;
	int zero = 0, rc, timeout;

	if ((r->zctx = zmq_ctx_new()) == NULL || (r->sock = zmq_socket(r->zctx, ZMQ_DEALER)) == NULL)
		return eiso_seterr(EISO_NET, "zmq: %s", zmq_strerror(zmq_errno()));
	if (zmq_setsockopt(r->sock, ZMQ_CURVE_SERVERKEY, r->hub_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(r->sock, ZMQ_CURVE_PUBLICKEY, r->curve_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(r->sock, ZMQ_CURVE_SECRETKEY, r->curve_sec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(r->sock, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_connect(r->sock, r->n.conf.hub_endpoint) != 0)
		return eiso_seterr(EISO_NET, "hub socket %s: %s", r->n.conf.hub_endpoint,
		    zmq_strerror(zmq_errno()));
	r->max_frame = WIRE_MAX_FRAME_DEFAULT;
	h.protocol = WIRE_PROTOCOL;
	h.agency = r->n.conf.agency;
	h.head_seq = r->head.seq;
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	for (int tries = 0; tries < RESTORE_TRIES; tries++) {
		if ((rc = restore_send(r, &env)) != 0)
			return rc;
		for (;;) {
			if ((rc = restore_recv(r, RESTORE_TIMEOUT_MS, &in, &timeout)) != 0)
				return rc;
			if (timeout)
				break;
			if (in->msg_case == EISO__ENVELOPE__MSG_WELCOME) {
				const Eiso__Welcome *w = in->welcome;

				if (w->protocol != WIRE_PROTOCOL || w->applied_hash.len != KEYS_HASH) {
					wire_free(&in);
					return eiso_seterr(EISO_PARSE, "hub speaks another protocol");
				}
				r->applied = w->applied_seq;
				memcpy(r->applied_hash, w->applied_hash.data, KEYS_HASH);
				if (w->max_frame >= WIRE_MAX_FRAME_MIN &&
				    w->max_frame <= WIRE_MAX_FRAME_MAX)
					r->max_frame = w->max_frame;
				wire_free(&in);
				return 0;
			}
			wire_free(&in);
		}
	}
	return eiso_seterr(EISO_NET, "no answer from the hub at %s (is it running, and this "
	    "agency enrolled with these keys?)", r->n.conf.hub_endpoint);
}

/* Fetch and replay every set after the head, a batch at a time. */
static int
restore_log(struct restore *r)
{
	int rc = 0, tries = 0;

	while (r->head.seq < r->applied) {
		Eiso__Envelope env = EISO__ENVELOPE__INIT, *in = NULL;
		Eiso__FetchLog f = EISO__FETCH_LOG__INIT;
		Eiso__Envelope *got[RESTORE_BATCH];
		Eiso__LogSet *sets[RESTORE_BATCH];
		struct batch_txn b;
		size_t n = 0;
		int timeout = 0, ended = 0;
		uint64_t want = r->head.seq + 1;

		f.from_seq = want;
		f.max_sets = RESTORE_BATCH;
		env.msg_case = EISO__ENVELOPE__MSG_FETCH_LOG;
		env.fetch_log = &f;
		if ((rc = restore_send(r, &env)) != 0)
			return rc;
		while (!ended) {
			if ((rc = restore_recv(r, RESTORE_TIMEOUT_MS, &in, &timeout)) != 0 ||
			    timeout)
				break;
			if (in->msg_case == EISO__ENVELOPE__MSG_LOG_SET && n < RESTORE_BATCH &&
			    in->log_set->seq == want + n && in->log_set->change_set != NULL) {
				got[n] = in;
				sets[n++] = in->log_set;
				continue;
			}
			if (in->msg_case == EISO__ENVELOPE__MSG_LOG_END) {
				if (in->log_end->applied_seq < r->head.seq + n) {
					rc = eiso_seterr(EISO_STORE, "the hub now holds only seq %llu",
					    (unsigned long long)in->log_end->applied_seq);
				} else if (in->log_end->last_sent == want + n - 1) {
					ended = 1;   /* the answer to this request, whole */
					if (in->log_end->applied_seq > r->applied &&
					    in->log_end->applied_hash.len == KEYS_HASH) {
						r->applied = in->log_end->applied_seq;
						memcpy(r->applied_hash, in->log_end->applied_hash.data,
						    KEYS_HASH);
					}
				}
			}
			wire_free(&in);   /* stale answers of an earlier request, anything else */
			if (rc != 0)
				break;
		}
		if (rc == 0 && ended && n > 0) {
			memset(&b, 0, sizeof(b));
			b.r = r;
			b.sets = sets;
			b.nsets = n;
			if ((rc = store_write(r->n.st, restore_batch_txn, &b)) == 0) {
				r->head = b.head;
				r->sets += n;
				tries = 0;
				printf("restored sets %llu..%llu of %llu\n", (unsigned long long)want,
				    (unsigned long long)r->head.seq, (unsigned long long)r->applied);
				fflush(stdout);
			}
		}
		for (size_t i = 0; i < n; i++)
			wire_free(&got[i]);
		if (rc != 0)
			return rc;
		if (!ended || n == 0) {
			if (++tries >= RESTORE_TRIES)
				return eiso_seterr(EISO_NET, "the hub did not send set %llu after %d "
				    "requests", (unsigned long long)want, RESTORE_TRIES);
		}
	}
	if (r->head.seq != r->applied || memcmp(r->head.hash, r->applied_hash, KEYS_HASH) != 0)
		return eiso_seterr(EISO_STORE, "the restored head %llu differs from the hub's "
		    "head %llu: histories have diverged", (unsigned long long)r->head.seq,
		    (unsigned long long)r->applied);
	return 0;
}

/* ---- files ------------------------------------------------------------------------------- */

struct want {
	uint8_t sha[KEYS_HASH];
	uint64_t size;
	char code[DOMAIN_MAX_CODE + 1];  /* an issue that names it: the hub checks that */
	uint32_t issue;
};

struct wants {
	struct restore *r;
	struct want *w;
	size_t n, cap;
};

static int
restore_collect_files(const Eiso__DocIssue *d, void *arg)
{
	struct wants *ws = arg;

	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];
		int dup = 0;

		if (f->sha256.len != KEYS_HASH)
			continue;
		for (size_t j = 0; j < ws->n && !dup; j++)
			dup = memcmp(ws->w[j].sha, f->sha256.data, KEYS_HASH) == 0;
		if (dup)
			continue;
		if (eiso_grow(&ws->w, ws->n, &ws->cap, sizeof(*ws->w), 64) != 0)
			return EISO_NOMEM;
		memcpy(ws->w[ws->n].sha, f->sha256.data, KEYS_HASH);
		ws->w[ws->n].size = f->size;
		snprintf(ws->w[ws->n].code, sizeof(ws->w[ws->n].code), "%s", d->code);
		ws->w[ws->n].issue = d->issue;
		ws->n++;
	}
	return 0;
}

struct chunk_txn {
	struct restore *r;
	const struct want *w;
	const Eiso__BlobChunk *bc;       /* NULL: only declare the blob */
	int done;
	int hashfail;
};

static int
restore_chunk_txn(MDB_txn *txn, void *arg)
{
	struct chunk_txn *c = arg;
	int rc;

	c->done = 0;
	c->hashfail = 0;
	if ((rc = blob_want(txn, &c->r->n.bt, c->w->sha, c->w->size)) != 0)
		return rc;
	if (c->bc == NULL)
		return 0;
	rc = blob_append(txn, &c->r->n.bt, c->w->sha, c->w->size, c->bc->offset,
	    c->bc->data.data, c->bc->data.len, &c->done);
	if (rc == EISO_HASH) {
		c->hashfail = 1;   /* the reset is committed: the transfer restarts from 0 */
		return 0;
	}
	return rc;
}

static int
restore_held(struct restore *r, const uint8_t *sha, struct blob_meta *m)
{
	MDB_txn *txn;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = store_read_begin(r->n.st, &txn)) != 0)
		return rc;
	rc = blob_meta(txn, &r->n.bt, sha, m);
	store_read_end(&txn);
	return rc == EISO_NOTFOUND ? 0 : rc;
}

static int
restore_one_file(struct restore *r, const struct want *w)
{
	struct chunk_txn c = { r, w, NULL, 0, 0 };
	struct blob_meta m;
	char hex[2 * KEYS_HASH + 1];
	int rc, tries = 0;

	keys_hex(hex, w->sha, KEYS_HASH);
	if ((rc = restore_held(r, w->sha, &m)) != 0)
		return rc;
	if (m.complete)
		return 0;
	if ((rc = store_write(r->n.st, restore_chunk_txn, &c)) != 0)
		return rc;
	if (w->size == 0) {
		Eiso__BlobChunk empty = EISO__BLOB_CHUNK__INIT;
		c.bc = &empty;
		return store_write(r->n.st, restore_chunk_txn, &c);
	}
	while (tries < RESTORE_TRIES) {
		Eiso__Envelope env = EISO__ENVELOPE__INIT, *in = NULL;
		Eiso__FetchBlob fb = EISO__FETCH_BLOB__INIT;
		int got = 0, timeout = 0, progress = 0;

		if ((rc = restore_held(r, w->sha, &m)) != 0)
			return rc;
		if (m.complete)
			return 0;
		fb.sha256.data = (uint8_t *)w->sha;
		fb.sha256.len = KEYS_HASH;
		fb.offset = m.have;
		fb.doc_code = (char *)w->code;
		fb.issue = w->issue;
		env.msg_case = EISO__ENVELOPE__MSG_FETCH_BLOB;
		env.fetch_blob = &fb;
		if ((rc = restore_send(r, &env)) != 0)
			return rc;
		while (got < RESTORE_CHUNKS) {
			if ((rc = restore_recv(r, RESTORE_TIMEOUT_MS, &in, &timeout)) != 0)
				return rc;
			if (timeout)
				break;
			if (in->msg_case == EISO__ENVELOPE__MSG_REJECT) {
				fprintf(stderr, "noded restore: file %s: %s\n", hex,
				    in->reject->reason ? in->reject->reason : "refused");
				wire_free(&in);
				return EISO_NOTFOUND;
			}
			if (in->msg_case == EISO__ENVELOPE__MSG_BLOB_CHUNK &&
			    in->blob_chunk->sha256.len == KEYS_HASH &&
			    memcmp(in->blob_chunk->sha256.data, w->sha, KEYS_HASH) == 0 &&
			    in->blob_chunk->size == w->size) {
				got++;
				c.bc = in->blob_chunk;
				rc = store_write(r->n.st, restore_chunk_txn, &c);
				if (rc == EISO_INVAL)
					rc = 0;   /* a stale chunk of an earlier request */
				else if (rc == 0 && !c.hashfail)
					progress = 1;
				c.bc = NULL;
				if (rc != 0) {
					wire_free(&in);
					return rc;
				}
				if (c.hashfail) {
					wire_free(&in);
					fprintf(stderr, "noded restore: file %s from the hub does not "
					    "match its hash; fetching it again\n", hex);
					break;
				}
				if (c.done) {
					wire_free(&in);
					return 0;
				}
			}
			wire_free(&in);
		}
		if (!progress)
			tries++;
	}
	return eiso_seterr(EISO_NET, "file %s: no progress from the hub", hex);
}

static int
restore_files(struct restore *r)
{
	struct doc_filter all = { 0 };
	struct wants ws = { r, NULL, 0, 0 };
	MDB_txn *txn;
	int rc;

	/* Every issue, superseded and withdrawn ones too: list by each status. */
	static const char *const statuses[] = {
		"draft", "in_review", "effective", "superseded", "withdrawn"
	};
	if ((rc = store_read_begin(r->n.st, &txn)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]) && rc == 0; i++) {
		all.status = statuses[i];
		rc = document_list(txn, &r->n, &all, restore_collect_files, &ws);
	}
	store_read_end(&txn);
	for (size_t i = 0; i < ws.n && rc == 0; i++) {
		eiso_clearerr();
		rc = restore_one_file(r, &ws.w[i]);
		if (rc == EISO_NOTFOUND) {
			r->files_missing++;
			rc = 0;
		} else if (rc == 0) {
			r->files++;
		}
	}
	free(ws.w);
	return rc;
}

/* ---- the whole restore ------------------------------------------------------------------ */

static int
restore_mark_txn(MDB_txn *txn, void *arg)
{
	struct node *n = &((struct restore *)arg)->n;
	MDB_dbi meta = store_dbi(n->st, NDB_META);
	MDB_val v;
	int rc;

	rc = store_get_str(txn, meta, "agency", &v);
	if (rc == EISO_NOTFOUND)
		rc = store_put_str(txn, meta, "agency", n->conf.agency, strlen(n->conf.agency));
	if (rc != 0)
		return rc;
	return store_put_u64(txn, meta, "restoring", 1);
}

static int
restore_done_txn(MDB_txn *txn, void *arg)
{
	struct restore *r = arg;
	MDB_dbi meta = store_dbi(r->n.st, NDB_META);
	int rc;

	if ((rc = store_put_u64(txn, meta, "last_ack", (uint64_t)store_now_ms())) != 0 ||
	    (rc = store_put_str(txn, meta, "link", "stopped", 7)) != 0)
		return rc;
	rc = mdb_del(txn, meta, &(MDB_val){ 9, "restoring" }, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* Open (creating if need be) the store of the config; refuse one that is not ours to fill. */
static int
restore_open(const char *conf, struct restore *r)
{
	char dir[PATH_MAX];
	struct stat sb;
	MDB_dbi meta;
	MDB_txn *txn;
	MDB_val v;
	uint64_t pid = 0, restoring = 0;
	size_t pending, docs, records, cases;
	int rc;

	if ((rc = conf_load(conf, noded_directives, &r->n.conf)) != 0 ||
	    (rc = node_path(&r->n, dir, sizeof(dir), "store")) != 0)
		return rc;
	if (stat(dir, &sb) != 0 && mkdir(dir, 0700) != 0)
		return eiso_seterr(EISO_IO, "%s: %s", dir, strerror(errno));
	if ((rc = store_open(dir, node_dbnames, NDB_COUNT, 0, &r->n.st)) != 0)
		return rc;
	r->n.bt.chunks = store_dbi(r->n.st, NDB_CHUNKS);
	r->n.bt.meta = store_dbi(r->n.st, NDB_BLOBMETA);
	meta = store_dbi(r->n.st, NDB_META);
	if ((rc = store_read_begin(r->n.st, &txn)) != 0)
		return rc;
	rc = store_get_str(txn, meta, "agency", &v);
	if (rc == 0 && (v.mv_size != strlen(r->n.conf.agency) ||
	    memcmp(v.mv_data, r->n.conf.agency, v.mv_size) != 0))
		rc = eiso_seterr(EISO_CONF, "%s: store belongs to agency %.*s, config says %s",
		    dir, (int)v.mv_size, (char *)v.mv_data, r->n.conf.agency);
	else if (rc == EISO_NOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = outbox_head(txn, &r->n, &r->head);
	store_get_u64(txn, meta, "pid", &pid);
	store_get_u64(txn, meta, "restoring", &restoring);
	pending = store_count(txn, store_dbi(r->n.st, NDB_PENDING));
	docs = store_count(txn, store_dbi(r->n.st, NDB_DOCS));
	records = store_count(txn, store_dbi(r->n.st, NDB_RECORDS));
	cases = store_count(txn, store_dbi(r->n.st, NDB_CASES));
	store_read_end(&txn);
	if (rc != 0)
		return rc;
	if (pid != 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
		return eiso_seterr(EISO_EXISTS, "the daemon runs (pid %llu): stop it first",
		    (unsigned long long)pid);
	if (!restoring && (r->head.seq != 0 || pending != 0 || docs != 0 || records != 0 ||
	    cases != 0))
		return eiso_seterr(EISO_EXISTS, "%s is not empty (head %llu, %zu pending "
		    "changes, %zu documents): a restore from the hub only fills an empty store; "
		    "move this one aside first", dir, (unsigned long long)r->head.seq, pending,
		    docs);
	if (restoring && pending != 0)
		return eiso_seterr(EISO_EXISTS, "%s: a restore was interrupted and changes were "
		    "written since: move this store aside and restore again", dir);
	if (restoring && r->head.seq > 0)
		printf("continuing an interrupted restore after set %llu\n",
		    (unsigned long long)r->head.seq);
	return store_write(r->n.st, restore_mark_txn, r);
}

static int
restore_keys(struct restore *r)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = node_path(&r->n, path, sizeof(path), "keys/sign.pub")) != 0 ||
	    (rc = keys_read_public(path, r->sign_pub, KEYS_SIGN_PUB)) != 0 ||
	    (rc = node_path(&r->n, path, sizeof(path), "keys/curve.key")) != 0 ||
	    (rc = keys_read_secret(path, KEYS_CURVE, &r->curve_sec)) != 0 ||
	    (rc = node_path(&r->n, path, sizeof(path), "keys/curve.pub")) != 0 ||
	    (rc = keys_read_public(path, r->curve_pub, KEYS_CURVE)) != 0)
		return rc;
	if (keys_unhex(r->hub_pub, KEYS_CURVE, r->n.conf.hub_key) != 0)
		return eiso_seterr(EISO_CONF, "hub.public_key must be %d hex characters",
		    2 * KEYS_CURVE);
	return 0;
}

int
restore_from_hub(const char *conf, struct restore_result *res)
{
	struct restore *r;
	MDB_txn *txn;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return EISO_NOMEM;
	if ((rc = restore_open(conf, r)) != 0 || (rc = restore_keys(r)) != 0 ||
	    (rc = restore_connect(r)) != 0)
		goto fail;
	if (r->head.seq > r->applied) {
		rc = eiso_seterr(EISO_STORE, "this store's head %llu is ahead of the hub's %llu",
		    (unsigned long long)r->head.seq, (unsigned long long)r->applied);
		goto fail;
	}
	printf("hub holds %llu change sets of %s\n", (unsigned long long)r->applied,
	    r->n.conf.agency);
	if ((rc = restore_log(r)) != 0 || (rc = restore_files(r)) != 0)
		goto fail;
	if (r->files_missing > 0) {
		rc = eiso_seterr(EISO_NOTFOUND, "%llu files could not be fetched; run the "
		    "restore again", (unsigned long long)r->files_missing);
		goto fail;
	}
	if ((rc = store_write(r->n.st, restore_done_txn, r)) != 0 ||
	    (rc = store_read_begin(r->n.st, &txn)) != 0)
		goto fail;
	res->docs = store_count(txn, store_dbi(r->n.st, NDB_DOCS));
	res->records = store_count(txn, store_dbi(r->n.st, NDB_RECORDS));
	res->cases = store_count(txn, store_dbi(r->n.st, NDB_CASES));
	res->applicants = store_count(txn, store_dbi(r->n.st, NDB_APPLICANTS));
	store_read_end(&txn);
	res->head = r->head;
	res->sets = r->sets;
	res->files = r->files;
	rc = 0;
fail:
	if (r->sock != NULL)
		zmq_close(r->sock);
	if (r->zctx != NULL)
		zmq_ctx_term(r->zctx);
	keys_free(&r->curve_sec);
	if (r->n.st != NULL)
		node_close(&r->n);
	free(r);
	return rc;
}
