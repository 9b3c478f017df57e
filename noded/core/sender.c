/*
 * sender.c: the node daemon's link to the hub, run by `noded run` (run.c).
 *
 * One libuv loop. A timer keeps the link alive and hands the sealing of pending changes into
 * signed change sets to libuv's thread pool, one job at a time, so sets and acks keep flowing
 * while a seal transaction signs and commits. The ZeroMQ DEALER (CURVE, hub key pinned) is
 * polled through ZMQ_FD, which is edge-triggered: after every wake we receive and send until
 * ZMQ_EVENTS says neither is possible. Change sets stream from the outbox with at most
 * `window` unacknowledged; the hub's Welcome is the resume point after any reconnect, rewind
 * or restart. File blobs are sent in chunks only when the hub asks for them (BlobNeed), from
 * the offset it already holds. A hub that refuses the node's key never answers (PROTOCOL.md
 * §1): a ZeroMQ monitor on the DEALER reports the failed handshake, so the node can say so.
 * What is sent and how the hub's answers are taken is sender_msg.c (both behind sender.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>
#include <zmq.h>

#include "daemon.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "core/core.h"
#include "core/sender.h"
#include "wire.h"

/*
 * What the node holds in memory while it catches up: a sealing transaction keeps every page it
 * writes (each set up to max_set_bytes) until it commits, and ZeroMQ keeps every queued
 * message (a set, or a blob chunk). 64 sets per transaction and 32 queued messages peaked at
 * 80 MiB of RssAnon with 1 MiB sets; 32 MiB and 8 messages peak at 47 MiB. Smaller
 * transactions cost CPU: each one reloads LMDB's freelist (the pending queue's freed pages)
 * while looking for room for 1 MiB sets; at 8 MiB the node took 18.5 CPU-seconds for
 * 1,000,000 changes instead of 14.7 (peak 22 MiB).
 */
#define SENDER_SEAL_BYTES ((uint64_t)32 << 20)  /* sets sealed per transaction, in bytes */
#define SENDER_SNDHWM    8           /* messages queued in ZeroMQ at most */

static const char *const link_names[] = { "connecting", "connected", "rejected", "refused" };

/* Why the link is refused (the handshake failed), as status, log and systemd show it. */
static const char sender_refused_key[] = "refused by hub: key not admitted";
static const char sender_refused_other[] = "refused by hub: handshake failed";
#define SENDER_MONITOR_EVENTS (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | \
	ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

static void sender_service(struct sender *s);

void
sender_set_link(struct sender *s, enum link_state l)
{
	if (s->link != l)
		log_debug("link %s -> %s", link_names[s->link], link_names[l]);
	s->link = l;
	s->ack_dirty = 1;   /* persisted with the ack state for noded status */
}

/* Stop sending until a person looks, asking the hub again every reconnect_max_ms. */
void
sender_hold(struct sender *s)
{
	sender_set_link(s, LINK_REJECTED);
	s->retry_at = store_now_ms() + (int64_t)s->n.conf.reconnect_max_ms;
}

struct persist_txn {
	struct sender *s;
	int final;
};

static int
sender_persist_txn(MDB_txn *txn, void *arg)
{
	struct persist_txn *p = arg;
	struct sender *s = p->s;
	MDB_dbi meta = store_dbi(s->n.st, NDB_META);
	const char *link = p->final ? "stopped" : link_names[s->link];
	const char *detail = !p->final && s->link_detail != NULL ? s->link_detail : "";
	int rc;

	if ((rc = store_put_u64(txn, meta, "acked_seq", s->acked)) != 0 ||
	    (rc = store_put_u64(txn, meta, "last_ack", (uint64_t)s->last_ack)) != 0 ||
	    (rc = store_put_u64(txn, meta, "pid", p->final ? 0 : (uint64_t)getpid())) != 0 ||
	    (rc = store_put_str(txn, meta, "link", link, strlen(link))) != 0 ||
	    (rc = store_put_str(txn, meta, "link_detail", detail, strlen(detail))) != 0)
		return rc;
	return 0;
}

/* Acks and link state are written in batches: they are hints, the hub's Welcome is the truth. */
static void
sender_persist(struct sender *s, int final)
{
	struct persist_txn p = { s, final };
	int rc;

	if (!s->ack_dirty && !final)
		return;
	if (s->sealing && !final)
		return;   /* the seal holds the write lock: save them after it, not blocked behind it */
	if ((rc = store_write(s->n.st, sender_persist_txn, &p)) != 0)
		log_warnx("saving the acknowledged seq: %s", eiso_lasterr(rc));
	else
		s->ack_dirty = 0;
}

static void
sender_free_handle(uv_handle_t *h)
{
	free(h);
}

static void
sender_close_poll(uv_poll_t **p)
{
	if (*p != NULL) {
		uv_poll_stop(*p);
		uv_close((uv_handle_t *)*p, sender_free_handle);
		*p = NULL;
	}
}

static void
sender_close_socket(struct sender *s)
{
	sender_close_poll(&s->poll);
	sender_close_poll(&s->mon_poll);
	if (s->sock != NULL) {
		zmq_close(s->sock);
		s->sock = NULL;
	}
	if (s->mon != NULL) {   /* after its socket: the monitor stops with it */
		zmq_close(s->mon);
		s->mon = NULL;
	}
}

/* The handshake was refused: say why once (log, systemd status); ZeroMQ keeps retrying. */
static void
sender_refused(struct sender *s, const char *why)
{
	if (s->link != LINK_REFUSED || s->link_detail != why) {
		log_warnx("link: %s (%s): %s", why, s->n.conf.hub_endpoint, why ==
		    sender_refused_key ? "the hub does not admit this node's CURVE key; enroll it "
		    "at the hub (hubd enroll) or make its agency active again" :
		    "check hub.public_key against the hub's key");
		daemon_notify_status(why);
	}
	s->link_detail = why;
	sender_set_link(s, LINK_REFUSED);
}


static void
sender_on_handshake(struct sender *s, unsigned event)
{
	switch (event) {
	case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
		sender_refused(s, sender_refused_key);
		break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
	case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
		sender_refused(s, sender_refused_other);
		break;
	case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
		if (s->link == LINK_REFUSED) {
			log_info("link: the hub admits this node's key again");
			daemon_notify_status("connecting to the hub");
			s->link_detail = NULL;
			sender_rehello(s);   /* the Welcome makes it connected */
		}
		break;
	default:
		break;
	}
}

/* Monitor events: [event u16, value u32] then the endpoint. Drained without blocking. */
static void
sender_on_monitor(uv_poll_t *h, int status, int events)
{
	struct sender *s = h->data;
	int ev, guard = 0;
	size_t len = sizeof(ev);

	(void)status;
	(void)events;
	while (s->mon != NULL && guard++ < 1000 &&
	    zmq_getsockopt(s->mon, ZMQ_EVENTS, &ev, &len) == 0 && (ev & ZMQ_POLLIN)) {
		zmq_msg_t m;
		uint16_t event = 0;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s->mon, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			break;
		}
		if (zmq_msg_size(&m) >= sizeof(event) + sizeof(uint32_t))
			memcpy(&event, zmq_msg_data(&m), sizeof(event));
		wire_drain(s->mon);
		zmq_msg_close(&m);
		sender_on_handshake(s, event);
	}
}

/* Watch sock's handshakes over an inproc PAIR polled in the loop. Returns 0 or -1. */
static int
sender_monitor(struct sender *s)
{
	char ep[64];
	int zero = 0, fd;
	size_t fdlen = sizeof(fd);

	snprintf(ep, sizeof(ep), "inproc://noded-link-%u", ++s->mon_seq);
	if (zmq_socket_monitor(s->sock, ep, SENDER_MONITOR_EVENTS) != 0 ||
	    (s->mon = zmq_socket(s->zctx, ZMQ_PAIR)) == NULL ||
	    zmq_setsockopt(s->mon, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_connect(s->mon, ep) != 0 ||
	    zmq_getsockopt(s->mon, ZMQ_FD, &fd, &fdlen) != 0 ||
	    (s->mon_poll = malloc(sizeof(*s->mon_poll))) == NULL)
		return -1;
	uv_poll_init(s->loop, s->mon_poll, fd);
	s->mon_poll->data = s;
	uv_poll_start(s->mon_poll, UV_READABLE, sender_on_monitor);
	/* ZMQ_FD signals only once a receive found nothing: find nothing now. */
	sender_on_monitor(s->mon_poll, 0, 0);
	return 0;
}

static void
sender_on_poll(uv_poll_t *h, int status, int events)
{
	struct sender *s = h->data;

	(void)status;
	(void)events;
	sender_service(s);
}

/* A fresh DEALER to the hub; Hello goes out as soon as the connection is writable. */
static int
sender_open_socket(struct sender *s)
{
	int zero = 0, one = 1, hwm = SENDER_SNDHWM;
	int ivl = (int)s->n.conf.reconnect_min_ms, ivlmax = (int)s->n.conf.reconnect_max_ms;
	int fd;
	size_t fdlen = sizeof(fd);

	sender_close_socket(s);
	if ((s->sock = zmq_socket(s->zctx, ZMQ_DEALER)) == NULL)
		return EISO_NET;
	if (zmq_setsockopt(s->sock, ZMQ_CURVE_SERVERKEY, s->hub_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_CURVE_PUBLICKEY, s->curve_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_CURVE_SECRETKEY, s->curve_sec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_IMMEDIATE, &one, sizeof(one)) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm)) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_RECONNECT_IVL, &ivl, sizeof(ivl)) != 0 ||
	    zmq_setsockopt(s->sock, ZMQ_RECONNECT_IVL_MAX, &ivlmax, sizeof(ivlmax)) != 0 ||
	    sender_monitor(s) != 0 ||
	    zmq_connect(s->sock, s->n.conf.hub_endpoint) != 0 ||
	    zmq_getsockopt(s->sock, ZMQ_FD, &fd, &fdlen) != 0) {
		log_warnx("hub socket %s: %s", s->n.conf.hub_endpoint, zmq_strerror(zmq_errno()));
		return EISO_NET;
	}
	if ((s->poll = malloc(sizeof(*s->poll))) == NULL)
		return EISO_NOMEM;
	uv_poll_init(s->loop, s->poll, fd);
	s->poll->data = s;
	uv_poll_start(s->poll, UV_READABLE, sender_on_poll);
	s->hello_due = 1;
	s->hello_at = store_now_ms();
	s->last_rx = s->hello_at;
	s->njobs = 0;
	if (s->link != LINK_REFUSED)   /* refused until a handshake succeeds */
		sender_set_link(s, LINK_CONNECTING);
	return 0;
}

/* Ask for the resume point again on the same socket (acks stalled, hub restarted). */
void
sender_rehello(struct sender *s)
{
	s->files_first = 0;
	s->hello_due = 1;
	s->hello_at = store_now_ms();
	s->njobs = 0;
	sender_set_link(s, LINK_CONNECTING);
}

/* Drain the socket both ways; required by the edge-triggered ZMQ_FD. */
static void
sender_service(struct sender *s)
{
	int ev, guard = 0;
	size_t len = sizeof(ev);

	while (s->sock != NULL && guard++ < 100000) {
		if (zmq_getsockopt(s->sock, ZMQ_EVENTS, &ev, &len) != 0)
			break;
		if (ev & ZMQ_POLLIN) {
			sender_recv_one(s);
			continue;
		}
		if ((ev & ZMQ_POLLOUT) && sender_send_one(s))
			continue;
		break;
	}
}

/* On a pool thread: seal up to SENDER_SEAL_BYTES of pending changes. Touches only the store. */
static void
sender_seal_work(uv_work_t *w)
{
	struct sender *s = w->data;
	uint64_t max_sets = SENDER_SEAL_BYTES / s->n.conf.max_set_bytes;
	struct chain_head head;
	MDB_txn *txn;

	s->sealed = 0;
	s->seal_err[0] = '\0';
	s->seal_rc = outbox_seal(&s->n, s->sign_sec, max_sets > 0 ? (unsigned)max_sets : 1,
	    &s->sealed);
	if (s->seal_rc != 0) {
		snprintf(s->seal_err, sizeof(s->seal_err), "%s", eiso_lasterr(s->seal_rc));
		return;
	}
	/* The seal is committed; should this read fail, the next seal's read sets the head. */
	if (s->sealed == 0 || store_read_begin(s->n.st, &txn) != 0)
		return;
	if (outbox_head(txn, &s->n, &head) == 0 && head.seq > s->seal_head)
		s->seal_head = head.seq;
	store_read_end(&txn);
}

static void sender_reload(struct sender *s);

/* Back on the loop: publish the new head and send what was sealed. */
static void
sender_seal_done(uv_work_t *w, int status)
{
	struct sender *s = w->data;

	s->sealing = 0;
	if (status == 0 && s->seal_rc != 0)
		log_warnx("sealing change sets: %s", s->seal_err[0] ? s->seal_err :
		    eiso_strerror(s->seal_rc));
	else if (status == 0 && s->seal_head > s->head)
		s->head = s->seal_head;
	if (s->stopping)
		return;   /* cmd_run is closing the handles: no reload, nothing more to send */
	if (s->hup_pending) {
		s->hup_pending = 0;
		sender_reload(s);
	}
	sender_service(s);
}

static void
sender_seal(struct sender *s)
{
	size_t pending;

	/* Idle, the tick costs one read transaction here and no thread hand-off. */
	if (s->sealing || outbox_pending(&s->n, &pending) != 0 || pending == 0)
		return;
	s->seal.data = s;
	if (uv_queue_work(s->loop, &s->seal, sender_seal_work, sender_seal_done) == 0)
		s->sealing = 1;
}

static void
sender_on_tick(uv_timer_t *t)
{
	struct sender *s = t->data;
	int64_t now = store_now_ms();
	int64_t beat = (int64_t)s->n.conf.heartbeat_ms;

	sender_persist(s, 0);   /* first: between two seals nobody holds the write lock */
	if (s->mon_poll != NULL)
		sender_on_monitor(s->mon_poll, 0, 0);   /* edge-triggered, like the socket's */
	sender_seal(s);
	switch (s->link) {
	case LINK_CONNECTING:
		if (now - s->hello_at > (int64_t)s->backoff_ms + 3 * beat) {
			log_debug("no welcome from hub, reconnecting");
			s->backoff_ms *= 2;
			if (s->backoff_ms > s->n.conf.reconnect_max_ms)
				s->backoff_ms = s->n.conf.reconnect_max_ms;
			sender_open_socket(s);
		}
		break;
	case LINK_CONNECTED:
		if (now - s->last_rx > 3 * beat) {
			log_warnx("hub silent for %lld ms, reconnecting",
			    (long long)(now - s->last_rx));
			sender_open_socket(s);
		} else if ((s->next > s->acked + 1 || s->njobs > 0 || s->files_first) &&
		    now - s->progress_at > (int64_t)s->n.conf.ack_timeout_ms) {
			log_info("no acknowledgement for %lld ms, asking the hub where it is",
			    (long long)(now - s->progress_at));
			sender_rehello(s);
		} else if (now - s->last_ping > beat) {
			Eiso__Envelope env = EISO__ENVELOPE__INIT;
			Eiso__Ping p = EISO__PING__INIT;

			p.nonce = (uint64_t)now;
			p.head_seq = s->head;
			env.msg_case = EISO__ENVELOPE__MSG_PING;
			env.ping = &p;
			if (sender_send_env(s, &env) == 0)
				s->last_ping = now;
		}
		break;
	case LINK_REFUSED:
		/* ZeroMQ does not retry a refused handshake: a new socket asks again, backing off. */
		if (now - s->hello_at > (int64_t)s->backoff_ms) {
			log_debug("refused by hub, asking again");
			s->backoff_ms *= 2;
			if (s->backoff_ms > s->n.conf.reconnect_max_ms)
				s->backoff_ms = s->n.conf.reconnect_max_ms;
			sender_open_socket(s);
		}
		break;
	case LINK_REJECTED:
		if (now >= s->retry_at) {
			s->backoff_ms = s->n.conf.reconnect_max_ms;
			sender_rehello(s);
		}
		break;
	}
	sender_service(s);
}

static void
sender_on_signal(uv_signal_t *h, int signum)
{
	struct sender *s = h->data;

	log_info("signal %d: stopping", signum);
	s->stopping = 1;
	uv_stop(s->loop);
}

/* SIGHUP: reload what may change (node.c), then ask the hub for its terms again. */
static void
sender_on_hup(uv_signal_t *h, int signum)
{
	struct sender *s = h->data;

	(void)signum;
	if (s->sealing)
		s->hup_pending = 1;   /* the seal reads the [sender] settings: not under its feet */
	else
		sender_reload(s);
}

static void
sender_reload(struct sender *s)
{
	daemon_notify_reloading();
	if (node_reload(s->conf_path, &s->n.conf, s->cli_debug) == 0) {
		uv_timer_set_repeat(&s->tick, s->n.conf.linger_ms);
		/* The Welcome recomputes the window and checks max_set_bytes against the hub. */
		if (s->link == LINK_CONNECTED)
			sender_rehello(s);
	}
	daemon_notify_ready(NULL);
}

static int
sender_load_keys(struct sender *s)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = node_path(&s->n, path, sizeof(path), "keys/sign.key")) != 0 ||
	    (rc = keys_read_secret(path, KEYS_SIGN_SEC, &s->sign_sec)) != 0 ||
	    (rc = node_path(&s->n, path, sizeof(path), "keys/curve.key")) != 0 ||
	    (rc = keys_read_secret(path, KEYS_CURVE, &s->curve_sec)) != 0 ||
	    (rc = node_path(&s->n, path, sizeof(path), "keys/curve.pub")) != 0 ||
	    (rc = keys_read_public(path, s->curve_pub, KEYS_CURVE)) != 0)
		return rc;
	if (keys_unhex(s->hub_pub, KEYS_CURVE, s->n.conf.hub_key) != 0)
		return eiso_seterr(EISO_CONF, "hub.public_key must be %d hex characters",
		    2 * KEYS_CURVE);
	return 0;
}

int
sender_open(const char *conf, int cli_debug, struct sender **out)
{
	struct sender *s;
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return EISO_NOMEM;
	if ((rc = node_open(conf, 0, &s->n)) != 0) {
		free(s);
		return rc;
	}
	s->conf_path = conf;
	s->cli_debug = cli_debug;
	*out = s;
	return 0;
}

struct node *
sender_node(struct sender *s)
{
	return &s->n;
}

int
sender_start(struct sender *s, uv_loop_t *loop)
{
	struct chain_head head;
	MDB_txn *txn;
	uint64_t acked = 0;
	int rc;

	if ((rc = sender_load_keys(s)) != 0)
		return rc;
	if ((s->chunkbuf = malloc(BLOB_CHUNK_MAX)) == NULL)
		return EISO_NOMEM;
	if ((rc = store_read_begin(s->n.st, &txn)) != 0)
		return rc;
	if (outbox_head(txn, &s->n, &head) != 0) {
		store_read_end(&txn);
		return EISO_STORE;
	}
	store_get_u64(txn, store_dbi(s->n.st, NDB_META), "acked_seq", &acked);
	store_read_end(&txn);
	s->head = head.seq;
	s->acked = acked;
	s->next = acked + 1;
	s->window = s->n.conf.window;
	s->chunk = BLOB_CHUNK_DEFAULT;
	s->max_frame = WIRE_MAX_FRAME_DEFAULT;
	s->backoff_ms = s->n.conf.reconnect_min_ms;

	s->loop = loop;
	if ((s->zctx = zmq_ctx_new()) == NULL)
		return eiso_seterr(EISO_NET, "zeromq: %s", zmq_strerror(zmq_errno()));
	if (sender_open_socket(s) != 0)
		return eiso_seterr(EISO_NET, "cannot open the hub socket for %s",
		    s->n.conf.hub_endpoint);
	uv_timer_init(s->loop, &s->tick);
	s->tick.data = s;
	uv_timer_start(&s->tick, sender_on_tick, 0, s->n.conf.linger_ms);
	uv_signal_init(s->loop, &s->sigterm);
	s->sigterm.data = s;
	uv_signal_start(&s->sigterm, sender_on_signal, SIGTERM);
	uv_signal_init(s->loop, &s->sigint);
	s->sigint.data = s;
	uv_signal_start(&s->sigint, sender_on_signal, SIGINT);
	uv_signal_init(s->loop, &s->sighup);
	s->sighup.data = s;
	uv_signal_start(&s->sighup, sender_on_hup, SIGHUP);
	s->started = 1;
	log_info("agency %s, head %llu, acknowledged %llu, hub %s", s->n.conf.agency,
	    (unsigned long long)s->head, (unsigned long long)s->acked, s->n.conf.hub_endpoint);
	return 0;
}

void
sender_stop(struct sender *s)
{
	if (!s->started)
		return;
	sender_persist(s, 1);
	sender_close_socket(s);
	uv_close((uv_handle_t *)&s->tick, NULL);
	uv_close((uv_handle_t *)&s->sigterm, NULL);
	uv_close((uv_handle_t *)&s->sigint, NULL);
	uv_close((uv_handle_t *)&s->sighup, NULL);
	s->started = 0;
}

void
sender_close(struct sender **sp)
{
	struct sender *s = *sp;

	if (s == NULL)
		return;
	*sp = NULL;
	if (s->zctx != NULL)
		zmq_ctx_term(s->zctx);
	keys_free(&s->sign_sec);
	keys_free(&s->curve_sec);
	free(s->chunkbuf);
	node_close(&s->n);
	free(s);
}
