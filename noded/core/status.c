/*
 * status.c: what the node holds and how far the hub has acknowledged it, read from the store
 * (whether or not the daemon runs), as numbers or as the JSON object `noded status --json`
 * prints and GET /api/v1/status answers.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "core/core.h"
#include "err.h"
#include "keys.h"

int
status_read(struct node *n, struct node_status *st)
{
	struct chain_head head;
	MDB_txn *txn;
	MDB_val v;
	MDB_dbi meta;
	uint64_t pid = 0;
	uint8_t acked_hash[KEYS_HASH];
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	if ((rc = outbox_head(txn, n, &head)) != 0) {
		store_read_end(&txn);
		return rc;
	}
	meta = store_dbi(n->st, NDB_META);
	store_get_u64(txn, meta, "acked_seq", &st->acked_seq);
	store_get_u64(txn, meta, "last_ack", &st->last_ack);
	store_get_u64(txn, meta, "pid", &pid);
	snprintf(st->link, sizeof(st->link), "stopped");
	if (store_get_str(txn, meta, "link", &v) == 0 && v.mv_size < sizeof(st->link)) {
		memcpy(st->link, v.mv_data, v.mv_size);
		st->link[v.mv_size] = '\0';
	}
	if (store_get_str(txn, meta, "link_detail", &v) == 0 &&
	    v.mv_size < sizeof(st->link_detail)) {
		memcpy(st->link_detail, v.mv_data, v.mv_size);
		st->link_detail[v.mv_size] = '\0';
	}
	st->pending_changes = store_count(txn, store_dbi(n->st, NDB_PENDING));
	/* The hash at the acknowledged seq is what must equal the hub's head (I6). */
	memset(acked_hash, 0, sizeof(acked_hash));
	if (st->acked_seq > 0 && st->acked_seq <= head.seq)
		outbox_set_hash(txn, n, st->acked_seq, acked_hash);
	store_read_end(&txn);
	st->head_seq = head.seq;
	st->pending_sets = head.seq - (st->acked_seq < head.seq ? st->acked_seq : head.seq);
	st->daemon = pid != 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
	if (!st->daemon) {
		snprintf(st->link, sizeof(st->link), "stopped");
		st->link_detail[0] = '\0';
	}
	keys_hex(st->head_hash, head.hash, KEYS_HASH);
	keys_hex(st->acked_hash, acked_hash, KEYS_HASH);
	return 0;
}

json_t *
status_json(const struct node *n, const struct node_status *st)
{
	return json_pack("{s:s,s:I,s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:I,s:b}", "agency",
	    n->conf.agency, "head_seq", (json_int_t)st->head_seq, "head_hash", st->head_hash,
	    "acked_seq", (json_int_t)st->acked_seq, "acked_hash", st->acked_hash,
	    "pending_sets", (json_int_t)st->pending_sets,
	    "pending_changes", (json_int_t)st->pending_changes, "link", st->link,
	    "link_detail", st->link_detail, "last_ack", (json_int_t)st->last_ack,
	    "daemon", st->daemon);
}
