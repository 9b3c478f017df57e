/*
 * ingest.h: what the two halves of the ingest thread share, private to them: ingest.c (the
 * ROUTER socket, the batch loop, the checks ahead on the pool) and ingest_txn.c (the batch's
 * one write transaction, which judges and applies each message and queues the replies).
 */
#ifndef HUBD_CORE_INGEST_H
#define HUBD_CORE_INGEST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "core/core.h"
#include "keys.h"
#include "log.h"
#include "wire.h"

#define INGEST_RID_MAX 256
#define INGEST_KEY_MAX (WIRE_MAX_AGENCY + 1 + 64)

struct item {
	uint8_t rid[INGEST_RID_MAX];
	size_t ridlen;
	char agency[WIRE_MAX_AGENCY + 8];
	Eiso__Envelope *env;          /* NULL when the frame did not unpack */
	Eiso__RejectCode perr;
	char why[160];
	size_t bytes;
	/* A ChangeSet's stateless check (chain_check), done by the pool before the transaction */
	int want_check;               /* its agency has an enrolled key: check it ahead */
	atomic_int done;              /* the check ran (released by the thread that ran it) */
	int checked;                  /* ck holds the result of checking with key */
	uint8_t key[KEYS_SIGN_PUB];
	struct chain_checked ck;      /* ck.body is the item's: freed after the batch */
};

struct reply {
	uint8_t rid[INGEST_RID_MAX];
	size_t ridlen;
	uint8_t *buf;
	size_t len;
};

/* One agency's state while a batch is applied; written back once at the end. */
struct touched {
	char id[WIRE_MAX_AGENCY + 8];
	uint8_t rid[INGEST_RID_MAX];
	size_t ridlen;
	Eiso__AgencyRecord *rec;
	uint64_t seq;
	uint8_t hash[KEYS_HASH];
	int64_t applied_at;
	uint64_t node_head;
	uint64_t rejected;
	int waiting;                  /* the hub asked this agency for blobs */
	int ack;                      /* send a cumulative Ack after the commit */
	int welcome;                  /* blobs complete: send a Welcome after the commit */
};

/* An agency's enrolled key as a read transaction saw it before the batch; ok: usable. */
struct signer {
	char id[WIRE_MAX_AGENCY + 8];
	uint8_t pub[KEYS_SIGN_PUB];
	int ok;
};

struct stats {
	uint64_t applied, rejected, duplicates, deferred, batches;
	uint64_t by_code[16];
};

struct ingest {
	struct hub h;
	void *zctx, *router, *zap;
	struct item *items;
	size_t nitems, capitems;
	struct reply *replies;
	size_t nreplies, capreplies;
	struct touched *t;
	size_t nt, capt;
	struct signer *signers;       /* the batch's agencies, for the checks ahead */
	size_t nsigners, capsigners;
	struct pool *pool;            /* threads that check change sets with this one */
	struct stats batch, total;
	int64_t now;
	MDB_txn *txn;                 /* the batch transaction, while it runs */
	struct log_limit *rejects;    /* a peer's refused messages: a few lines, then a count */
};

/*
 * ingest_txn.c: the batch transaction, given to store_write with g as arg: judges and applies
 * g->items in order and queues the replies to send once it is committed. Returns 0 or EISO_*;
 * it starts from scratch each call, so store_write may retry it. ingest_drop_replies frees the
 * queued replies; ingest_forget_touched frees the batch's per-agency state.
 */
int ingest_batch_txn(MDB_txn *txn, void *arg);
void ingest_drop_replies(struct ingest *g);
void ingest_forget_touched(struct ingest *g);

#endif
