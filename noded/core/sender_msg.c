/*
 * sender_msg.c: the messages of the node's link to the hub (sender.c keeps the socket, the
 * loop and the sealing): what the node sends when the socket can take it (a Hello, change sets
 * from the outbox within the window, chunks of the files the hub asked for, files first) and
 * what it does with the hub's answers (Welcome: the resume point; Ack; Reject: resend, ask
 * again, or hold for a person; BlobNeed; Pong).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zmq.h>

#include "daemon.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "core/core.h"
#include "core/sender.h"
#include "wire.h"

/* Send env now, or EISO_NET (EAGAIN: the socket is full; other errors are logged). */
int
sender_send_env(struct sender *s, const Eiso__Envelope *env)
{
	int rc = wire_send(s->sock, env, s->max_frame, ZMQ_DONTWAIT);

	if (rc == EISO_NET && errno != EAGAIN)
		log_warnx("send to hub: %s", zmq_strerror(errno));
	return rc;
}

static int
sender_send_hello(struct sender *s)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__Hello h = EISO__HELLO__INIT;

	h.protocol = WIRE_PROTOCOL;
	h.agency = s->n.conf.agency;
	h.head_seq = s->head;
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	return sender_send_env(s, &env);
}

/* Send outbox[next]; returns 0 when sent. */
static int
sender_send_set(struct sender *s)
{
	MDB_txn *txn;
	MDB_val v;
	int rc, saved;

	if ((rc = store_read_begin(s->n.st, &txn)) != 0)
		return rc;
	if ((rc = outbox_get(txn, &s->n, s->next, &v)) != 0) {
		log_warnx("outbox has no set %llu: %s", (unsigned long long)s->next,
		    eiso_lasterr(rc));
		store_read_end(&txn);
		return rc;
	}
	/* The stored bytes are the packed ChangeSet: copied once, into the message. */
	rc = wire_send_change_set(s->sock, v.mv_data, v.mv_size, s->max_frame, ZMQ_DONTWAIT);
	saved = errno;
	store_read_end(&txn);
	if (rc == EISO_NET && saved != EAGAIN)
		log_warnx("send to hub: %s", zmq_strerror(saved));
	if (rc == 0) {
		if (s->next == s->acked + 1)
			s->progress_at = store_now_ms();   /* the stall clock starts now */
		log_debug("sent set %llu", (unsigned long long)s->next);
		s->next++;
	}
	return rc;
}

/* Send the next chunk of the first blob the hub asked for. */
static int
sender_send_chunk(struct sender *s)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__BlobChunk bc = EISO__BLOB_CHUNK__INIT;
	struct blob_job *j = &s->jobs[0];
	MDB_txn *txn;
	size_t want, got = 0;
	int rc;

	want = s->chunk;
	if (want > j->size - j->off)
		want = (size_t)(j->size - j->off);
	if ((rc = store_read_begin(s->n.st, &txn)) != 0)
		return rc;
	rc = blob_read(txn, &s->n.bt, j->sha, j->off, s->chunkbuf, want, &got);
	store_read_end(&txn);
	if (rc != 0 || got != want) {
		char hex[2 * KEYS_HASH + 1];
		keys_hex(hex, j->sha, KEYS_HASH);
		log_warnx("hub asked for blob %s at %llu, which this node does not hold", hex,
		    (unsigned long long)j->off);
		memmove(&s->jobs[0], &s->jobs[1], (size_t)--s->njobs * sizeof(s->jobs[0]));
		return 0;
	}
	bc.sha256.data = j->sha;
	bc.sha256.len = KEYS_HASH;
	bc.offset = j->off;
	bc.size = j->size;
	bc.data.data = s->chunkbuf;
	bc.data.len = got;
	env.msg_case = EISO__ENVELOPE__MSG_BLOB_CHUNK;
	env.blob_chunk = &bc;
	if ((rc = sender_send_env(s, &env)) != 0)
		return rc;
	s->progress_at = store_now_ms();
	j->off += got;
	if (j->off >= j->size)
		memmove(&s->jobs[0], &s->jobs[1], (size_t)--s->njobs * sizeof(s->jobs[0]));
	/* The files the queue could not take: the hub names them again after a Hello. */
	if (s->njobs == 0 && s->jobs_dropped) {
		s->jobs_dropped = 0;
		sender_rehello(s);
	}
	return 0;
}

/* Send one thing if there is something to send; returns 1 if it sent. */
int
sender_send_one(struct sender *s)
{
	if (s->hello_due) {
		if (sender_send_hello(s) != 0)
			return 0;
		s->hello_due = 0;
		return 1;
	}
	if (s->link != LINK_CONNECTED)
		return 0;
	/* The hub holds the chain back until it has the files, so files go first. */
	if (s->njobs > 0)
		return sender_send_chunk(s) == 0;
	if (!s->files_first && s->next <= s->head && s->next <= s->acked + s->window)
		return sender_send_set(s) == 0;
	return 0;
}

static void
sender_on_welcome(struct sender *s, const Eiso__Welcome *w)
{
	uint8_t mine[KEYS_HASH];
	MDB_txn *txn;
	int rc;

	if (w->protocol != WIRE_PROTOCOL) {
		log_warnx("hub speaks protocol %u, this node %d", w->protocol, WIRE_PROTOCOL);
		sender_hold(s);
		return;
	}
	if (w->max_frame > 0 && s->n.conf.max_set_bytes + 65536 > w->max_frame) {
		log_warnx("sender.max_set_bytes %llu is too close to the hub's max_frame %u: "
		    "lower it", (unsigned long long)s->n.conf.max_set_bytes, w->max_frame);
		sender_hold(s);
		return;
	}
	if (w->applied_seq > s->head) {
		log_warnx("hub has seq %llu but this node's head is %llu: the node's store is "
		    "behind the hub", (unsigned long long)w->applied_seq,
		    (unsigned long long)s->head);
		sender_hold(s);
		return;
	}
	if (w->applied_seq > 0) {
		if ((rc = store_read_begin(s->n.st, &txn)) != 0)
			return;
		rc = outbox_set_hash(txn, &s->n, w->applied_seq, mine);
		store_read_end(&txn);
		if (rc != 0 || w->applied_hash.len != KEYS_HASH ||
		    memcmp(mine, w->applied_hash.data, KEYS_HASH) != 0) {
			log_warnx("hub's seq %llu differs from this node's: histories have "
			    "diverged", (unsigned long long)w->applied_seq);
			sender_hold(s);
			return;
		}
	}
	if (w->applied_seq < s->acked)
		log_warnx("hub has seq %llu, less than the %llu it acknowledged before: "
		    "resending", (unsigned long long)w->applied_seq, (unsigned long long)s->acked);
	if (s->link != LINK_CONNECTED) {
		log_info("connected to hub %s, hub has seq %llu, head %llu",
		    s->n.conf.hub_endpoint, (unsigned long long)w->applied_seq,
		    (unsigned long long)s->head);
		daemon_notify_status("connected to the hub");
	}
	s->link_detail = NULL;
	s->acked = w->applied_seq;
	s->next = w->applied_seq + 1;
	s->window = w->window > 0 && w->window < s->n.conf.window ? w->window : s->n.conf.window;
	s->chunk = w->chunk_size > 0 && w->chunk_size <= BLOB_CHUNK_MAX ? w->chunk_size :
	    BLOB_CHUNK_DEFAULT;
	s->max_frame = w->max_frame >= WIRE_MAX_FRAME_MIN && w->max_frame <= WIRE_MAX_FRAME_MAX ?
	    w->max_frame : WIRE_MAX_FRAME_DEFAULT;
	s->progress_at = store_now_ms();
	s->backoff_ms = s->n.conf.reconnect_min_ms;
	s->njobs = 0;
	s->jobs_dropped = 0;
	s->files_first = 0;
	s->ack_dirty = 1;
	sender_set_link(s, LINK_CONNECTED);
}

static void
sender_on_reject(struct sender *s, const Eiso__Reject *r)
{
	log_warnx("hub rejected seq %llu: %s: %s (expects %llu)", (unsigned long long)r->seq,
	    wire_reject_name(r->code), r->reason ? r->reason : "",
	    (unsigned long long)r->expected_seq);
	switch (r->code) {
	case EISO__REJECT_CODE__REJECT_GAP:
		if (r->expected_seq >= 1 && r->expected_seq <= s->head + 1 &&
		    r->expected_seq > s->acked) {
			s->next = r->expected_seq;
			s->acked = r->expected_seq - 1;
		}
		break;
	case EISO__REJECT_CODE__REJECT_BLOB:
	case EISO__REJECT_CODE__REJECT_PROTOCOL:
		/*
		 * About a change set (seq given), resending the same signed bytes cannot help:
		 * hold. About a message or a chunk (seq 0): start over from the Welcome.
		 */
		if (r->seq != 0)
			sender_hold(s);
		else
			sender_rehello(s);
		break;
	case EISO__REJECT_CODE__REJECT_INTERNAL:
		sender_rehello(s);
		break;
	default:
		/* Identity, signature, fork, size, agency state: needs a person. */
		sender_hold(s);
		break;
	}
}

static void
sender_on_blob_need(struct sender *s, const Eiso__BlobNeed *b)
{
	if (b->sha256.len != KEYS_HASH || b->offset > b->size)
		return;
	for (int i = 0; i < s->njobs; i++) {
		if (memcmp(s->jobs[i].sha, b->sha256.data, KEYS_HASH) == 0) {
			s->jobs[i].off = b->offset;   /* the hub knows what it holds */
			return;
		}
	}
	if (s->njobs == SENDER_MAX_JOBS) {
		/* Asked again once the queue drains (sender_send_chunk): no stall meanwhile. */
		if (!s->jobs_dropped)
			log_debug("hub asked for more than %d files at once", SENDER_MAX_JOBS);
		s->jobs_dropped = 1;
		return;
	}
	/*
	 * The hub dropped the set that needs this file and drops every later one until it
	 * has the file: stop sending sets, resend from its Welcome (no gaps, no duplicates).
	 */
	s->files_first = 1;
	s->next = s->acked + 1;
	memcpy(s->jobs[s->njobs].sha, b->sha256.data, KEYS_HASH);
	s->jobs[s->njobs].off = b->offset;
	s->jobs[s->njobs].size = b->size;
	s->njobs++;
	s->progress_at = store_now_ms();
}

void
sender_recv_one(struct sender *s)
{
	zmq_msg_t msg;
	Eiso__Envelope *env;
	int rc;

	zmq_msg_init(&msg);
	if (zmq_msg_recv(&msg, s->sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&msg);
		return;
	}
	s->last_rx = store_now_ms();
	rc = wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg), WIRE_MAX_FRAME_MAX, &env);
	if (zmq_msg_more(&msg))   /* not the protocol: the first part counts (PROTOCOL.md §1) */
		log_warnx("message of %zu parts from hub: read the first", wire_drain(s->sock) + 1);
	zmq_msg_close(&msg);
	if (rc != 0) {
		log_warnx("bad message from hub: %s", eiso_lasterr(rc));
		return;
	}
	switch (env->msg_case) {
	case EISO__ENVELOPE__MSG_WELCOME:
		sender_on_welcome(s, env->welcome);
		break;
	case EISO__ENVELOPE__MSG_ACK:
		if (env->ack->seq > s->acked && env->ack->seq <= s->head) {
			s->acked = env->ack->seq;
			if (s->next <= s->acked)
				s->next = s->acked + 1;
			s->last_ack = s->last_rx;
			s->progress_at = s->last_rx;
			s->ack_dirty = 1;
		}
		break;
	case EISO__ENVELOPE__MSG_REJECT:
		sender_on_reject(s, env->reject);
		break;
	case EISO__ENVELOPE__MSG_BLOB_NEED:
		sender_on_blob_need(s, env->blob_need);
		break;
	case EISO__ENVELOPE__MSG_PONG:
		/*
		 * The hub never acknowledges what it has not committed, so a Pong below our acked
		 * seq means a hub restored from a backup behind a ZeroMQ reconnect we did not see:
		 * ask for its resume point and resend from its outbox copy.
		 */
		if (s->link == LINK_CONNECTED && env->pong->applied_seq < s->acked) {
			log_warnx("hub reports seq %llu, below the %llu it acknowledged: asking "
			    "where it is", (unsigned long long)env->pong->applied_seq,
			    (unsigned long long)s->acked);
			sender_rehello(s);
		}
		break;
	default:
		log_warnx("unexpected message %d from hub", (int)env->msg_case);
		break;
	}
	wire_free(&env);
}
