/*
 * sender.h: what the two halves of the node's link to the hub share, private to them:
 * sender.c (the socket, its monitor, the loop's timer and signals, sealing, start and stop)
 * and sender_msg.c (the messages sent and the hub's answers).
 */
#ifndef NODED_CORE_SENDER_H
#define NODED_CORE_SENDER_H

#include <stdint.h>

#include <uv.h>

#include "core/core.h"
#include "keys.h"

#define SENDER_MAX_JOBS  64          /* blobs the hub may have asked for at once */

enum link_state { LINK_CONNECTING, LINK_CONNECTED, LINK_REJECTED, LINK_REFUSED };

struct blob_job {
	uint8_t sha[KEYS_HASH];
	uint64_t off;
	uint64_t size;
};

struct sender {
	struct node n;
	uint8_t *sign_sec, *curve_sec;
	uint8_t curve_pub[KEYS_CURVE], hub_pub[KEYS_CURVE];

	uv_loop_t *loop;
	uv_poll_t *poll;            /* one per socket: a closing handle is never reused */
	uv_timer_t tick;
	uv_signal_t sigterm, sigint, sighup;
	const char *conf_path;      /* reloaded on SIGHUP */
	int cli_debug;              /* -d: debug logging whatever the config says */
	void *zctx, *sock;
	void *mon;                  /* PAIR: sock's handshake events (zmq_socket_monitor) */
	uv_poll_t *mon_poll;
	unsigned mon_seq;           /* names each socket's monitor endpoint */

	enum link_state link;
	const char *link_detail;    /* SENDER_REFUSED_* while LINK_REFUSED, else NULL */
	int hello_due;              /* a Hello waits for the socket to be writable */
	int files_first;            /* the hub holds the chain until it has files: no sets */
	int jobs_dropped;           /* the hub asked for more files than the queue holds */
	size_t max_frame;           /* the hub's, from its Welcome */
	uint64_t head;              /* newest sealed seq */
	uint64_t acked;             /* cumulative ack from the hub */
	uint64_t next;              /* next seq to send */
	uint64_t window;
	size_t chunk;
	int64_t hello_at;           /* when the last Hello went out */
	int64_t last_rx;            /* last message from the hub */
	int64_t last_ping;
	int64_t progress_at;        /* last ack progress or blob chunk sent */
	int64_t retry_at;           /* REJECTED: when to ask again */
	uint64_t backoff_ms;
	int ack_dirty;
	int64_t last_ack;

	/* Sealing runs on libuv's thread pool, so sending and acks go on meanwhile. */
	uv_work_t seal;
	int sealing;                /* a seal job is queued or running */
	int stopping;               /* SIGTERM/SIGINT: the loop is ending */
	int hup_pending;            /* SIGHUP came while sealing: reload when it ends */
	int seal_rc;
	unsigned sealed;
	uint64_t seal_head;
	char seal_err[256];

	struct blob_job jobs[SENDER_MAX_JOBS];
	int njobs;
	uint8_t *chunkbuf;
	int started;                /* sender_start succeeded: handles to close */
};

/* sender.c: the link's state (persisted with the ack state for noded status) */
void sender_set_link(struct sender *s, enum link_state l);
/* Stop sending until a person looks, asking the hub again every reconnect_max_ms. */
void sender_hold(struct sender *s);
/* Ask for the resume point again on the same socket (acks stalled, hub restarted). */
void sender_rehello(struct sender *s);

/* sender_msg.c: send one thing if there is something to send (1 if it sent); take one
 * message from the hub, if one waits. Both only when the socket says it can. */
int sender_send_one(struct sender *s);
/* Send env now: 0, or EISO_NET (errno EAGAIN when the socket is full; others are logged). */
int sender_send_env(struct sender *s, const Eiso__Envelope *env);
void sender_recv_one(struct sender *s);

#endif
