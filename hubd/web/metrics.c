/*
 * metrics.c: /metrics (Prometheus text format), rendered on the web thread from the counters
 * the ingest thread keeps (core/metrics.c). Per-agency figures (lag, last seen) come from the
 * store.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "web/web.h"
#include "wire.h"

/* /metrics: the Prometheus text format (version 0.0.4), read on the web thread */

static void
metrics_head(struct html *b, const char *name, const char *type, const char *help)
{
	html_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, quote and newline escaped. */
static void
metrics_label(struct html *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			html_printf(b, "\\%c", *s);
		else if (*s == '\n')
			html_raw(b, "\\n");
		else
			html_mem(b, s, 1);
	}
}

static void
metrics_hist(struct html *b, const char *name, const char *help, _Atomic uint64_t *hist,
    double first, double scale, double sum)
{
	uint64_t cum = 0;
	double bound = first;

	metrics_head(b, name, "histogram", help);
	for (int i = 0; i < METRICS_BUCKETS; i++, bound *= 2) {
		cum += hist[i];
		if (i == METRICS_BUCKETS - 1)
			html_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
		else
			html_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, bound * scale,
			    (unsigned long long)cum);
	}
	html_printf(b, "%s_sum %.6f\n%s_count %llu\n", name, sum, name, (unsigned long long)cum);
}

struct metrics_agency {
	char id[WIRE_MAX_AGENCY + 1];
	uint64_t lag_sets, lag_s, seq;
	int64_t seen;
	int online;
};

void
metrics_route(void *arg, struct http_req *r)
{
	struct web *w = arg;
	static const char *const hdr[] = { "cache-control", "no-store", NULL };
	struct hub *h = web_hub(w);
	struct html b = { 0 };
	MDB_txn *txn;
	MDB_envinfo info;
	MDB_stat st;
	MDB_cursor *c;
	MDB_val k, v;
	json_t *rows = json_array();
	int64_t now = store_now_ms();
	size_t i = 0;
	int rc, status;
	const char *route;
	uint64_t n;

	web_set_route(w, "metrics");
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		http_reply_error(r, 405, "method", "method: /metrics takes GET");
		json_decref(rows);
		return;
	}
	eiso_clearerr();
	if ((rc = store_read_begin(h->st, &txn)) != 0) {
		http_reply_eiso(r, rc);
		json_decref(rows);
		return;
	}
	/* Per agency, from the store: what replication looks like right now. */
	if (mdb_cursor_open(txn, store_dbi(h->st, HDB_AGENCIES), &c) == 0) {
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size,
			    v.mv_data);
			json_t *j;

			if (a == NULL)
				continue;
			j = view_agency(txn, w, a, now);
			eiso__agency_record__free_unpacked(a, NULL);
			if (j != NULL)
				json_array_append_new(rows, j);
		}
		mdb_cursor_close(c);
	}
	mdb_env_info(store_env(h->st), &info);
	mdb_env_stat(store_env(h->st), &st);

	metrics_head(&b, "eiso_hub_agency_lag_sets", "gauge",
	    "Change sets the agency's node reported that the hub has not applied yet.");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_lag_sets{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %lld\n", (long long)json_integer_value(json_object_get(
		    json_object_get(j, "lag"), "sets")));
	}
	metrics_head(&b, "eiso_hub_agency_lag_seconds", "gauge",
	    "Seconds since the hub last applied a set of an agency that is behind (0 when not).");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_lag_seconds{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %lld\n", (long long)json_integer_value(json_object_get(
		    json_object_get(j, "lag"), "seconds")));
	}
	metrics_head(&b, "eiso_hub_agency_last_seen_timestamp_seconds", "gauge",
	    "Unix time of the agency's last message (0: never).");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_last_seen_timestamp_seconds{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %.3f\n", (double)json_integer_value(json_object_get(j,
		    "last_seen")) / 1000.0);
	}
	metrics_head(&b, "eiso_hub_agency_applied_seq", "gauge",
	    "The newest change set of the agency applied at the hub.");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_applied_seq{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %lld\n", (long long)json_integer_value(json_object_get(j,
		    "applied_seq")));
	}
	metrics_head(&b, "eiso_hub_agency_up", "gauge",
	    "1 when the agency has sent a message within alerts.offline_after_s.");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_up{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %d\n", json_is_true(json_object_get(j, "online")));
	}
	metrics_head(&b, "eiso_hub_agency_alerts_open", "gauge",
	    "Alerts of the agency neither cleared nor acknowledged.");
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *j = json_array_get(rows, i);
		html_raw(&b, "eiso_hub_agency_alerts_open{agency=\"");
		metrics_label(&b, json_string_value(json_object_get(j, "id")));
		html_printf(&b, "\"} %lld\n", (long long)json_integer_value(json_object_get(j,
		    "alerts_open")));
	}
	store_read_end(&txn);
	json_decref(rows);

	/* From the ingest thread's counters, since this hubd started. */
	metrics_head(&b, "eiso_hub_changesets_applied_total", "counter",
	    "Change sets verified and applied.");
	html_printf(&b, "eiso_hub_changesets_applied_total %llu\n",
	    (unsigned long long)hub_metrics.applied);
	metrics_head(&b, "eiso_hub_changesets_duplicate_total", "counter",
	    "Change sets received again after they were applied (acknowledged again).");
	html_printf(&b, "eiso_hub_changesets_duplicate_total %llu\n",
	    (unsigned long long)hub_metrics.duplicates);
	metrics_head(&b, "eiso_hub_changesets_deferred_total", "counter",
	    "Change sets held back until the files they name arrive.");
	html_printf(&b, "eiso_hub_changesets_deferred_total %llu\n",
	    (unsigned long long)hub_metrics.deferred);
	metrics_head(&b, "eiso_hub_changesets_rejected_total", "counter",
	    "Messages rejected, by reason (the Reject code of docs/PROTOCOL.md).");
	for (int code = 1; code < 16; code++) {
		const char *name = wire_reject_name((Eiso__RejectCode)code);
		if (code > EISO__REJECT_CODE__REJECT_INTERNAL && hub_metrics.rejected[code] == 0)
			continue;
		html_printf(&b, "eiso_hub_changesets_rejected_total{reason=\"%s\"} %llu\n", name,
		    (unsigned long long)hub_metrics.rejected[code]);
	}
	metrics_head(&b, "eiso_hub_received_bytes_total", "counter",
	    "Bytes of messages taken into batches.");
	html_printf(&b, "eiso_hub_received_bytes_total %llu\n",
	    (unsigned long long)hub_metrics.bytes_in);
	metrics_hist(&b, "eiso_hub_ingest_batch_messages", "Messages applied per transaction "
	    "(group commit).", hub_metrics.batch_hist, 1, 1, (double)hub_metrics.batch_msgs_sum);
	metrics_hist(&b, "eiso_hub_ingest_commit_seconds", "Time to apply and durably commit "
	    "one batch.", hub_metrics.commit_hist, 500, 1e-6,
	    (double)hub_metrics.commit_us_sum / 1e6);

	metrics_head(&b, "eiso_hub_store_used_bytes", "gauge",
	    "Bytes of the LMDB map in use (pages up to the last one written).");
	html_printf(&b, "eiso_hub_store_used_bytes %llu\n", (unsigned long long)
	    ((info.me_last_pgno + 1) * (uint64_t)st.ms_psize));
	metrics_head(&b, "eiso_hub_store_map_bytes", "gauge",
	    "Size of the LMDB map (it grows when full).");
	html_printf(&b, "eiso_hub_store_map_bytes %llu\n", (unsigned long long)info.me_mapsize);

	metrics_head(&b, "eiso_hub_http_requests_total", "counter",
	    "HTTP requests answered by the hub's web side, by route and status.");
	while ((i = (size_t)web_http_count(w, i, &route, &status, &n)) != 0)
		html_printf(&b, "eiso_hub_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
		    route, status, (unsigned long long)n);
	if (b.oom) {
		html_free(&b);
		http_reply_error(r, 500, "internal", "out of memory");
		return;
	}
	http_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.buf ? b.buf : "",
	    b.len, hdr);
	html_free(&b);
}
