/*
 * zap.c: the ZeroMQ authentication handler (ZAP, RFC 27) for the hub's ROUTER.
 *
 * CURVE alone admits any client, so this is the door: only CURVE public keys enrolled for an
 * active agency are accepted, and the agency id becomes the connection's User-Id, which the
 * ingest thread compares with every change set's agency (I5). The ROUTER sets ZMQ_ZAP_DOMAIN
 * and ZMQ_ZAP_ENFORCE_DOMAIN=1, so if this handler is absent the handshake fails: fail-closed.
 * Enrollment is read from LMDB on each request, so `hubd enroll` takes effect immediately.
 */
#include <string.h>

#include <zmq.h>

#include "err.h"
#include "core/core.h"
#include "keys.h"
#include "log.h"
#include "wire.h"

#define ZAP_FRAMES 7

int
zap_open(void *zctx, void **sock)
{
	int zero = 0;

	if ((*sock = zmq_socket(zctx, ZMQ_REP)) == NULL)
		return EISO_NET;
	zmq_setsockopt(*sock, ZMQ_LINGER, &zero, sizeof(zero));
	if (zmq_bind(*sock, "inproc://zeromq.zap.01") != 0) {
		zmq_close(*sock);
		*sock = NULL;
		return eiso_seterr(EISO_NET, "zap handler: %s", zmq_strerror(zmq_errno()));
	}
	return 0;
}

/* Decide one request; returns 1 to admit, with the agency id in id. */
static int
zap_decide(struct hub *h, zmq_msg_t *f, char *id, size_t idlen, const char **why)
{
	Eiso__AgencyRecord *rec = NULL;
	MDB_txn *txn;
	int rc, ok = 0;

	*why = "refused";
	if (zmq_msg_size(&f[2]) != strlen(WIRE_ZAP_DOMAIN) ||
	    memcmp(zmq_msg_data(&f[2]), WIRE_ZAP_DOMAIN, strlen(WIRE_ZAP_DOMAIN)) != 0) {
		*why = "unknown domain";
		return 0;
	}
	if (zmq_msg_size(&f[5]) != 5 || memcmp(zmq_msg_data(&f[5]), "CURVE", 5) != 0 ||
	    zmq_msg_size(&f[6]) != KEYS_CURVE) {
		*why = "not CURVE";
		return 0;
	}
	if (store_read_begin(h->st, &txn) != 0) {
		*why = "store unavailable";
		return 0;
	}
	rc = agency_by_curve(txn, h, zmq_msg_data(&f[6]), id, idlen);
	if (rc == 0 && agency_get(txn, h, id, &rec) == 0) {
		ok = rec->state != NULL && strcmp(rec->state, "active") == 0;
		if (!ok)
			*why = "agency not active";
		eiso__agency_record__free_unpacked(rec, NULL);
	} else {
		*why = "key not enrolled";
	}
	store_read_end(&txn);
	return ok;
}

static void
zap_reply(void *sock, zmq_msg_t *reqid, const char *code, const char *text, const char *user)
{
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_msg_send(reqid, sock, ZMQ_SNDMORE);
	zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
}

void
zap_handle(struct hub *h, void *sock)
{
	for (;;) {
		zmq_msg_t f[ZAP_FRAMES], extra;
		char id[WIRE_MAX_AGENCY + 8], peer[64] = "?";
		const char *why;
		int n = 0, more;

		do {
			zmq_msg_t *m = n < ZAP_FRAMES ? &f[n] : &extra;

			zmq_msg_init(m);
			/* Never blocks: the parts of a request come together (PROTOCOL.md §1). */
			if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) < 0) {
				zmq_msg_close(m);
				if (n == 0)
					return;   /* nothing pending */
				break;
			}
			more = zmq_msg_more(m);
			if (m == &extra)
				zmq_msg_close(m);
			n++;
		} while (more);
		if (n != ZAP_FRAMES) {
			log_warnx("zap: malformed request of %d frames", n);
			/* REP must answer before it can receive again. */
			zmq_msg_t empty;
			zmq_msg_init(&empty);
			zap_reply(sock, &empty, "500", "malformed", "");
			zmq_msg_close(&empty);
			for (int i = 0; i < n && i < ZAP_FRAMES; i++)
				zmq_msg_close(&f[i]);
			continue;
		}
		if (zmq_msg_size(&f[3]) < sizeof(peer)) {
			memcpy(peer, zmq_msg_data(&f[3]), zmq_msg_size(&f[3]));
			peer[zmq_msg_size(&f[3])] = '\0';
		}
		if (zap_decide(h, f, id, sizeof(id), &why)) {
			log_debug("zap: admitted %s from %s", id, peer);
			zap_reply(sock, &f[1], "200", "OK", id);
		} else {
			char hex[2 * KEYS_CURVE + 1] = "";
			if (zmq_msg_size(&f[6]) == KEYS_CURVE)
				keys_hex(hex, zmq_msg_data(&f[6]), KEYS_CURVE);
			log_warnx("zap: refused key %.16s... from %s: %s", hex, peer, why);
			zap_reply(sock, &f[1], "400", why, "");
		}
		for (int i = 0; i < ZAP_FRAMES; i++)
			zmq_msg_close(&f[i]);
	}
}
