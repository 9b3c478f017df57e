/*
 * dash.c: the oversight dashboard's pages, rendered on the server from view.c's JSON (the API
 * answers with the same objects): the province overview with every agency in one sortable,
 * filterable table and the province's charts, and the alerts; one agency's page is
 * dash_agency.c's. Also what both files share: the page frame, charts, cards. The HTML is in
 * templates (hubd/web/tmpl/dash_*.html, escaped by default): C reads the store and builds
 * each page's JSON context. Charts are SVG whose geometry is computed here and drawn by the
 * dash_chart template, so a page needs nothing from outside the hub; the little script in
 * hubd/web/www/dash.js only makes the filters apply as they change. Vietnamese by default,
 * English with ?lang=en; times in Asia/Ho_Chi_Minh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain.h"
#include "err.h"
#include "log.h"
#include "web/dash.h"
#include "wire.h"


/* The current URL with lang=L in place of any lang parameter (escaped by the template). */
static void
dash_lang_href(struct dash *d, struct html *b, const char *lang)
{
	const char *q = d->r->query;

	html_raw(b, d->r->path);
	html_raw(b, "?");
	while (q != NULL && *q != '\0') {
		const char *end = strchr(q, '&');
		size_t len = end ? (size_t)(end - q) : strlen(q);

		if (!(len >= 5 && strncmp(q, "lang=", 5) == 0) && len > 0) {
			html_mem(b, q, len);
			html_raw(b, "&");
		}
		q = end ? end + 1 : NULL;
	}
	html_raw(b, "lang=");
	html_raw(b, lang);
}

json_t *
dash_frame(struct dash *d, const char *title, const char *active)
{
	struct html href = { 0 };
	char nav[64], now[32];
	json_t *ctx;

	dash_lang_href(d, &href, d->lang == WEB_EN ? "vi" : "en");
	i18n_time(now, sizeof(now), store_now_ms(), d->lang);
	snprintf(nav, sizeof(nav), "nav_%s", active);
	/* The path and query are the client's bytes: not checked as UTF-8, only escaped. */
	ctx = json_pack("{s:s, s:b, s:s, s:b}", "title", title, "lang_en", d->lang == WEB_EN,
	    "now", now, nav, 1);
	if (ctx != NULL) {
		json_object_set_new(ctx, "user", json_string_nocheck(d->who->user));
		json_object_set_new(ctx, "csrf", json_string(d->who->csrf ? d->who->csrf : ""));
		json_object_set_new(ctx, "lang_href", json_string_nocheck(href.buf != NULL ?
		    href.buf : "?"));
	}
	html_free(&href);
	return ctx;
}

/* Render template name from ctx (released) into the page. */
void
dash_tmpl(struct dash *d, const char *name, json_t *ctx)
{
	if (ctx == NULL || json_object_set_new(ctx, "lang", json_string(d->lang == WEB_EN ?
	    "en" : "vi")) != 0 || tmpl_render(web_tmpl(d->w), name, d->lang, ctx, &d->b) != 0)
		d->b.oom = 1;
	json_decref(ctx);
}

void
dash_head(struct dash *d, const char *title, const char *active)
{
	dash_tmpl(d, "dash_head", dash_frame(d, title, active));
}

void
dash_foot(struct dash *d)
{
	dash_tmpl(d, "dash_foot", dash_frame(d, "", ""));
}

void
dash_send(struct dash *d, int status)
{
	web_reply_html(d->w, d->r, status, &d->b, NULL);
}

void
dash_error(struct dash *d, int status, const char *msg)
{
	json_t *ctx = dash_frame(d, T(d, TR_ERR_TITLE), "");

	html_free(&d->b);
	if (ctx != NULL)
		json_object_set_new(ctx, "msg", json_string_nocheck(msg));
	dash_tmpl(d, "dash_error", ctx);
	dash_send(d, status);
}

const char *
dash_name(struct dash *d, json_t *a)
{
	const char *en = jstr(a, "name_en"), *vi = jstr(a, "name_vi");

	if (d->lang == WEB_EN && en[0])
		return en;
	return vi[0] ? vi : jstr(a, "id");
}

const char *
dash_agency_name(struct dash *d, MDB_txn *txn, const char *id, char *buf, size_t len)
{
	Eiso__AgencyRecord *rec = NULL;

	snprintf(buf, len, "%s", id);
	if (id[0] != '\0' && agency_get(txn, web_hub(d->w), id, &rec) == 0) {
		const char *n = d->lang == WEB_EN && rec->name_en[0] ? rec->name_en : rec->name_vi;

		if (n[0] != '\0')
			snprintf(buf, len, "%s", n);
		eiso__agency_record__free_unpacked(rec, NULL);
	}
	return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Charts: SVG drawn on the server */

struct chart {
	const char *id, *title;
	int n;
	char labels[WEB_DAYS > WEB_MONTHS ? WEB_DAYS : WEB_MONTHS][12];
	double a[WEB_DAYS > WEB_MONTHS ? WEB_DAYS : WEB_MONTHS];
	double b[WEB_DAYS > WEB_MONTHS ? WEB_DAYS : WEB_MONTHS];
	const char *name_a, *name_b;   /* name_b NULL: one series */
	int line;                      /* a line instead of bars */
};

/* A round top for the y axis: 1, 2, 5 times a power of ten. */
static double
chart_top(double max)
{
	double p = 1;

	if (max <= 1)
		return 1;
	while (p * 10 <= max)
		p *= 10;
	if (max <= 2 * p)
		return 2 * p;
	if (max <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* Set j's member name to v with digits decimals (-1: as short as "%g" writes it), as text. */
static void
chart_num(json_t *j, const char *name, int digits, double v)
{
	char buf[32];

	if (digits < 0)
		snprintf(buf, sizeof(buf), "%g", v);
	else
		snprintf(buf, sizeof(buf), "%.*f", digits, v);
	json_object_set_new(j, name, json_string(buf));
}

/* A chart's geometry for the dash_chart template. */
static json_t *
chart_ctx(const struct chart *c)
{
	const double W = 560, H = 200, L = 44, R = 8, TOP = 12, B = 30;
	double max = 0, top, pw = W - L - R, ph = H - TOP - B, step = pw / c->n;
	int every = c->n > 15 ? 5 : c->n > 8 ? 2 : 1;
	json_t *j = json_object(), *grid = json_array(), *bars = json_array();
	struct html pts = { 0 };
	char tip[160];

	for (int i = 0; i < c->n; i++) {
		double v = c->a[i] + (c->name_b ? c->b[i] : 0);
		if (v > max)
			max = v;
	}
	top = chart_top(max);
	json_object_set_new(j, "id", json_string(c->id));
	json_object_set_new(j, "title", json_string(c->title));
	json_object_set_new(j, "name_a", json_string(c->name_a));
	json_object_set_new(j, "name_b", json_string(c->name_b ? c->name_b : ""));
	json_object_set_new(j, "line", json_boolean(c->line));
	chart_num(j, "w", 0, W);
	chart_num(j, "h", 0, H);
	chart_num(j, "top", 1, TOP);
	chart_num(j, "step", 1, step);
	chart_num(j, "ph", 1, ph);
	chart_num(j, "ly", 1, H - B + 16);
	for (int g = 0; g <= 4; g++) {
		json_t *e = json_object();
		double y = TOP + ph - ph * g / 4;

		chart_num(e, "x1", 1, L);
		chart_num(e, "x2", 1, W - R);
		chart_num(e, "y", 1, y);
		chart_num(e, "tx", 1, L - 6);
		chart_num(e, "ty", 1, y + 4);
		chart_num(e, "v", -1, top * g / 4);
		json_array_append_new(grid, e);
	}
	for (int i = 0; c->line && i < c->n; i++)
		html_printf(&pts, "%.1f,%.1f ", L + step * (i + 0.5), TOP + ph - ph * c->a[i] / top);
	json_object_set_new(j, "points", json_string(pts.buf != NULL ? pts.buf : ""));
	html_free(&pts);
	for (int i = 0; i < c->n; i++) {
		double x = L + step * i + step * 0.15, bw = step * 0.7;
		double ha = ph * c->a[i] / top, hb = c->name_b ? ph * c->b[i] / top : 0;
		json_t *e = json_object();
		int n;

		n = snprintf(tip, sizeof(tip), "%s: %s %g", c->labels[i], c->name_a, c->a[i]);
		if (c->name_b && n > 0 && (size_t)n < sizeof(tip))
			snprintf(tip + n, sizeof(tip) - (size_t)n, ", %s %g", c->name_b, c->b[i]);
		json_object_set_new(e, "tip", json_string(tip));
		chart_num(e, "cx", 1, L + step * (i + 0.5));
		chart_num(e, "hx", 1, L + step * i);
		chart_num(e, "x", 1, x);
		chart_num(e, "bw", 1, bw);
		chart_num(e, "ya", 1, TOP + ph - ha);
		chart_num(e, "ha", 1, ha);
		chart_num(e, "yb", 1, TOP + ph - ha - hb);
		if (hb > 0)
			chart_num(e, "hb", 1, hb);
		else
			json_object_set_new(e, "hb", json_string(""));
		/* The newest is always labelled. */
		json_object_set_new(e, "label", json_string(i % every == (c->n - 1) % every ?
		    c->labels[i] : ""));
		json_array_append_new(bars, e);
	}
	json_object_set_new(j, "grid", grid);
	json_object_set_new(j, "bars", bars);
	return j;
}

/* The three charts of a series object (view_series), for the dash_charts partial. */
json_t *
dash_charts_ctx(struct dash *d, json_t *series, const char *prefix)
{
	json_t *daily = json_object_get(series, "daily"), *monthly = json_object_get(series,
	    "monthly"), *e, *charts;
	struct chart *c = calloc(3, sizeof(*c));
	char ids[3][48];
	size_t i;

	if (c == NULL)
		return NULL;
	for (int k = 0; k < 3; k++)
		snprintf(ids[k], sizeof(ids[k]), "%s-%s", prefix, k == 0 ? "sets" : k == 1 ?
		    "in-force" : "cases");
	c[0].id = ids[0];
	c[0].title = T(d, TR_CHART_SETS);
	c[0].name_a = T(d, TR_CHART_SETS_A);
	json_array_foreach(daily, i, e) {
		const char *date = jstr(e, "date");
		if (c[0].n >= WEB_DAYS)
			break;
		if (d->lang == WEB_EN)
			snprintf(c[0].labels[c[0].n], sizeof(c[0].labels[0]), "%.5s", date + 5);
		else
			snprintf(c[0].labels[c[0].n], sizeof(c[0].labels[0]), "%.2s/%.2s", date + 8,
			    date + 5);
		c[0].a[c[0].n++] = (double)jint(e, "sets");
	}
	c[1].id = ids[1];
	c[1].title = T(d, TR_CHART_IN_FORCE);
	c[1].name_a = T(d, TR_CHART_IN_FORCE_A);
	c[1].line = 1;
	c[2].id = ids[2];
	c[2].title = T(d, TR_CHART_CASES);
	c[2].name_a = T(d, TR_CHART_CASES_A);
	c[2].name_b = T(d, TR_CHART_CASES_B);
	json_array_foreach(monthly, i, e) {
		const char *month = jstr(e, "month");
		if (c[1].n >= WEB_MONTHS)
			break;
		if (d->lang == WEB_EN)
			snprintf(c[1].labels[c[1].n], sizeof(c[1].labels[0]), "%s", month);
		else
			snprintf(c[1].labels[c[1].n], sizeof(c[1].labels[0]), "%.2s/%.2s", month + 5,
			    month + 2);
		memcpy(c[2].labels[c[2].n], c[1].labels[c[1].n], sizeof(c[1].labels[0]));
		c[1].a[c[1].n++] = (double)jint(e, "in_force");
		c[2].a[c[2].n] = (double)jint(e, "on_time");
		c[2].b[c[2].n++] = (double)jint(e, "late");
	}
	charts = json_array();
	for (int k = 0; k < 3; k++)
		json_array_append_new(charts, chart_ctx(&c[k]));
	free(c);
	return charts;
}

/* ------------------------------------------------------------------------------------------ */
/* Overview */

void
dash_card(json_t *cards, const char *id, const char *label, const char *value,
    const char *sub, const char *cls)
{
	json_array_append_new(cards, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "label",
	    label, "value", value, "sub", sub != NULL ? sub : "", "cls", cls));
}

void
dash_cards(struct dash *d, json_t *cards)
{
	dash_tmpl(d, "dash_cards", json_pack("{s:o}", "cards", cards));
}

/* The province's figure cards (dash_cards' members). */
static json_t *
dash_totals(struct dash *d, json_t *t)
{
	json_t *by = json_object_get(t, "by_status"), *cases = json_object_get(t, "cases"),
	    *cov = json_object_get(t, "record_coverage");
	long long on = jint(cases, "on_time"), late = jint(cases, "late");
	char v[64], s[160];
	json_t *cards = json_array();

	snprintf(v, sizeof(v), "%lld", jint(t, "agencies"));
	snprintf(s, sizeof(s), "%lld %s · %lld %s · %lld %s", jint(by, "online"),
	    Tv(d, "status", "online"), jint(by, "offline"), Tv(d, "status", "offline"),
	    jint(by, "never"), Tv(d, "status", "never"));
	dash_card(cards, "agencies", T(d, TR_CARD_AGENCIES), v, s, jint(by, "offline") ?
	    "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(t, "documents_in_force"));
	snprintf(s, sizeof(s), "%lld %s", jint(t, "reviews_overdue"), T(d, TR_CARD_REVIEWS_OVERDUE));
	dash_card(cards, "in-force", T(d, TR_CARD_IN_FORCE), v, s, jint(t, "reviews_overdue") ?
	    "warn" : "");
	if (on + late > 0)
		snprintf(v, sizeof(v), "%.0f%%", 100.0 * (double)on / (double)(on + late));
	else
		snprintf(v, sizeof(v), "—");
	snprintf(s, sizeof(s), "%lld %s · %lld %s · %lld %s", on, T(d, TR_CASES_ON_TIME), late,
	    T(d, TR_CASES_LATE), jint(cases, "open"), T(d, TR_CASES_OPEN));
	dash_card(cards, "on-time", T(d, TR_CARD_ON_TIME), v, s, "");
	snprintf(v, sizeof(v), "%.0f%%", json_real_value(json_object_get(cov, "percent")));
	snprintf(s, sizeof(s), "%lld/%lld %s", jint(t, "meeting_target"), jint(t, "agencies"),
	    T(d, TR_CARD_MEETING_TARGET));
	dash_card(cards, "coverage", T(d, TR_CARD_COVERAGE), v, s, "");
	snprintf(v, sizeof(v), "%lld", jint(t, "applied_sets"));
	snprintf(s, sizeof(s), "%lld %s", jint(t, "lag_sets"), T(d, TR_CARD_LAG_SETS));
	dash_card(cards, "sets", T(d, TR_CARD_SETS), v, s, jint(t, "lag_sets") ? "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(t, "alerts_open"));
	dash_card(cards, "alerts", T(d, TR_CARD_ALERTS), v, "", jint(t, "alerts_open") ?
	    "bad" : "");
	return cards;
}

/* A filter's part of a column's link: &name=value when the filter is set. */
static void
dash_th_param(struct html *b, const char *name, const char *value)
{
	if (value[0] == '\0')
		return;
	html_raw(b, "&");
	html_raw(b, name);
	html_raw(b, "=");
	html_seg(b, value);
}

/* A sortable column header: a link that sorts by key, the other way when it already does. */
static void
dash_th(json_t *ths, const struct view_filter *f, const char *key, const char *label)
{
	int cur = strcmp(f->sort[0] ? f->sort : "id", key) == 0;
	struct html href = { 0 };

	html_printf(&href, "/?sort=%s&order=%s", key, cur && !f->desc ? "desc" : "asc");
	dash_th_param(&href, "level", f->level);
	dash_th_param(&href, "parent", f->parent);
	dash_th_param(&href, "status", f->status);
	dash_th_param(&href, "q", f->q);
	json_array_append_new(ths, json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", key, "label",
	    label, "aria", !cur ? "" : f->desc ? "descending" : "ascending", "href",
	    href.buf != NULL ? href.buf : "/", "arrow", !cur ? "" : f->desc ? " ▾" : " ▴"));
	html_free(&href);
}

/* 1 when the choices arr (dash_option's) offer the value s. */
static int
dash_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (strcmp(jstr(e, "value"), s) == 0)
			return 1;
	return 0;
}

/* A choice of a filter, for the dash_option partial; request bytes are only escaped. */
static void
dash_option(json_t *opts, const char *value, const char *label, const char *cur)
{
	json_t *o = json_object();

	json_object_set_new(o, "value", json_string_nocheck(value));
	json_object_set_new(o, "label", json_string_nocheck(label));
	json_object_set_new(o, "selected", json_boolean(strcmp(value, cur) == 0));
	json_array_append_new(opts, o);
}

/* The filters' members of ctx (the dash_filters partial's). */
static void
dash_filters(struct dash *d, const struct view_filter *f, json_t *all, json_t *ctx)
{
	static const char *const statuses[] = { "online", "offline", "never", "retired", NULL };
	json_t *levels = json_array(), *parents = json_array(), *sts = json_array(), *a;
	size_t i;

	dash_option(levels, "", T(d, TR_FILTER_ALL), f->level);
	dash_option(parents, "", T(d, TR_FILTER_ALL), f->parent);
	dash_option(parents, "-", T(d, TR_FILTER_NO_PARENT), f->parent);
	json_array_foreach(all, i, a) {
		const char *lv = jstr(a, "level"), *pid = jstr(a, "parent"), *label = pid;
		json_t *x;
		size_t k;

		if (lv[0] && !dash_has(levels, lv))
			dash_option(levels, lv, Tv(d, "level", lv), f->level);
		if (!pid[0] || dash_has(parents, pid))
			continue;
		json_array_foreach(all, k, x)
			if (strcmp(jstr(x, "id"), pid) == 0)
				label = dash_name(d, x);
		dash_option(parents, pid, label, f->parent);
	}
	dash_option(sts, "", T(d, TR_FILTER_ALL), f->status);
	for (const char *const *s = statuses; *s != NULL; s++)
		dash_option(sts, *s, Tv(d, "status", *s), f->status);
	json_object_set_new(ctx, "levels", levels);
	json_object_set_new(ctx, "parents", parents);
	json_object_set_new(ctx, "statuses", sts);
	json_object_set_new(ctx, "order", json_string(f->desc ? "desc" : "asc"));
	json_object_set_new(ctx, "sort", json_string_nocheck(f->sort));
	json_object_set_new(ctx, "q", json_string_nocheck(f->q));
}

/* One agency of the overview's table, for the dash_agency_row template. */
static json_t *
dash_agency_row(struct dash *d, MDB_txn *txn, json_t *a)
{
	json_t *cases = json_object_get(a, "cases"), *cov = json_object_get(a, "record_coverage"),
	    *lag = json_object_get(a, "lag"), *target = json_object_get(cov, "target");
	long long on = jint(cases, "on_time"), late = jint(cases, "late");
	char when[40], lagv[64] = "", ontime[16] = "", of[48] = "", covv[16] = "—", tg[24] = "";
	char parent[256];
	json_t *row;

	i18n_time(when, sizeof(when), (int64_t)jint(a, "last_seen"), d->lang);
	if (jint(lag, "sets") > 0)
		snprintf(lagv, sizeof(lagv), "%lld (%llds)", jint(lag, "sets"), jint(lag, "seconds"));
	if (on + late > 0) {
		snprintf(ontime, sizeof(ontime), "%.0f%%", 100.0 * (double)on / (double)(on + late));
		snprintf(of, sizeof(of), "%lld/%lld", on, on + late);
	}
	if (jint(cov, "completed_cases") > 0)
		snprintf(covv, sizeof(covv), "%.0f%%",
		    json_real_value(json_object_get(cov, "percent")));
	if (json_is_integer(target))
		snprintf(tg, sizeof(tg), "%lld%%", (long long)json_integer_value(target));
	row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:s, "
	    "s:b, s:s, s:s, s:I}", "status", jstr(a, "status"), "status_label",
	    Tv(d, "status", jstr(a, "status")), "id", jstr(a, "id"), "name", dash_name(d, a),
	    "level", Tv(d, "level", jstr(a, "level")), "parent", jstr(a, "parent"), "last_seen",
	    when, "applied_seq", (json_int_t)jint(a, "applied_seq"), "lag", lagv, "in_force",
	    (json_int_t)jint(a, "documents_in_force"), "overdue",
	    (json_int_t)jint(a, "reviews_overdue"), "on_time", ontime, "on_time_of", of,
	    "cov_warn", json_is_false(json_object_get(cov, "meets_target")) &&
	    jint(cov, "completed_cases"), "coverage", covv, "target", tg, "alerts",
	    (json_int_t)jint(a, "alerts_open"));
	if (row != NULL)
		json_object_set_new(row, "parent_name", json_string_nocheck(dash_agency_name(d,
		    txn, jstr(a, "parent"), parent, sizeof(parent))));
	return row;
}

static void
dash_overview(struct dash *d, MDB_txn *txn)
{
	static const struct {
		const char *key;
		enum tr_key label;
	} cols[] = {
		{ "status", TR_COL_STATUS }, { "name", TR_COL_AGENCY }, { "level", TR_COL_LEVEL },
		{ "parent", TR_COL_PARENT }, { "last_seen", TR_COL_LAST_SEEN },
		{ "applied_seq", TR_COL_APPLIED }, { "lag", TR_COL_LAG },
		{ "in_force", TR_COL_IN_FORCE }, { "reviews_overdue", TR_COL_REVIEWS_OVERDUE },
		{ "on_time", TR_COL_ON_TIME }, { "coverage", TR_COL_COVERAGE },
		{ "alerts", TR_COL_ALERTS },
	};
	json_t *ctx, *ths, *rows;
	struct view_filter f, none;
	char order[8];
	json_t *list, *totals, *all, *t2, *a;
	size_t i, n;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&none, 0, sizeof(none));
	web_set_route(d->w, "dashboard");
	http_query(d->r->query, "level", f.level, sizeof(f.level));
	http_query(d->r->query, "parent", f.parent, sizeof(f.parent));
	http_query(d->r->query, "status", f.status, sizeof(f.status));
	http_query(d->r->query, "q", f.q, sizeof(f.q));
	http_query(d->r->query, "sort", f.sort, sizeof(f.sort));
	if (http_query(d->r->query, "order", order, sizeof(order)) == 0)
		f.desc = strcmp(order, "desc") == 0;
	eiso_clearerr();
	if ((rc = view_agencies(txn, d->w, &f, 0, SIZE_MAX, &list, &n, &totals)) != 0) {
		dash_error(d, 400, eiso_lasterr(rc));
		return;
	}
	/* Every agency, for the filters' choices and the count; without a filter, that is list. */
	t2 = NULL;
	if (!f.level[0] && !f.parent[0] && !f.status[0] && !f.q[0])
		all = json_incref(list);
	else if (view_agencies(txn, d->w, &none, 0, SIZE_MAX, &all, &n, &t2) != 0)
		all = json_array();
	json_decref(t2);
	ctx = dash_frame(d, T(d, TR_OVERVIEW_TITLE), "overview");
	if (ctx != NULL) {
		json_t *series = view_series(txn, d->w, NULL);

		json_object_set_new(ctx, "cards", dash_totals(d, totals));
		json_object_set_new(ctx, "charts", dash_charts_ctx(d, series, "province"));
		json_decref(series);
		ths = json_array();
		rows = json_array();
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			dash_th(ths, &f, cols[i].key, T(d, cols[i].label));
		json_array_foreach(list, i, a)
			json_array_append_new(rows, dash_agency_row(d, txn, a));
		json_object_set_new(ctx, "ths", ths);
		json_object_set_new(ctx, "rows", rows);
		json_object_set_new(ctx, "shown", json_integer((json_int_t)json_array_size(list)));
		json_object_set_new(ctx, "total", json_integer((json_int_t)json_array_size(all)));
		dash_filters(d, &f, all, ctx);
	}
	dash_tmpl(d, "dash_overview", ctx);
	json_decref(list);
	json_decref(totals);
	json_decref(all);
	dash_send(d, 200);
}

/* ------------------------------------------------------------------------------------------ */
/* Alerts (a table the overview, the agency page and /alerts share) */

/* The alert's kind in the page's language, into buf. */
static const char *
dash_alert_kind(struct dash *d, const char *kind, char *buf, size_t len)
{
	if (strncmp(kind, "reject:", 7) != 0)
		return Tv(d, "alert", kind);
	snprintf(buf, len, "%s (%s)", T(d, TR_ALERT_REJECT), kind + 7);
	return buf;
}

/* The documents an overdue-review alert is about, appended to a reason: "CODE Title; ..." */
struct dash_overdue {
	struct dash *d;
	MDB_txn *txn;
	char *buf;
	size_t len;
	int n;
};

static int
dash_overdue_doc(const char *date, const char *agency, const char *code, uint32_t issue,
    void *arg)
{
	struct dash_overdue *o = arg;
	Eiso__DocIssue *di = NULL;
	size_t used = strlen(o->buf);

	(void)date;
	if (o->n == 3) {
		snprintf(o->buf + used, o->len - used, "; …");
		return 1;
	}
	apply_doc_version(o->txn, web_hub(o->d->w), agency, code, issue, &di);
	snprintf(o->buf + used, o->len - used, "%s%s%s%s", o->n ? "; " : ": ", code,
	    di != NULL && di->title[0] ? " " : "", di != NULL ? di->title : "");
	if (di != NULL)
		eiso__doc_issue__free_unpacked(di, NULL);
	o->n++;
	return 0;
}

/*
 * The sweep's reasons are stored in English with one number in them (alerts.c); they are
 * shown in the page's language, into buf; an open overdue-review alert names the documents
 * (the first three). Rejection reasons quote the hub's verifier: kept as they are.
 */
static const char *
dash_alert_reason(struct dash *d, MDB_txn *txn, json_t *a, char *buf, size_t len)
{
	static const struct {
		const char *kind, *before, *after;   /* the text around the number */
		enum tr_key key;
	} reasons[] = {
		{ "review_overdue", "", " documents", TR_REASON_REVIEW_OVERDUE },
		{ "offline", "no message for ", " ", TR_REASON_OFFLINE },
		{ "storage", "disk of the data directory is ", "", TR_REASON_STORAGE },
	};
	const char *kind = jstr(a, "kind"), *reason = jstr(a, "reason");
	char num[24], today[11];

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		size_t bl = strlen(reasons[i].before), nl;
		const char *p = reason + bl;

		if (strcmp(kind, reasons[i].kind) != 0 || strncmp(reason, reasons[i].before, bl) != 0)
			continue;
		nl = strspn(p, "0123456789");
		if (nl == 0 || nl >= sizeof(num) ||
		    strncmp(p + nl, reasons[i].after, strlen(reasons[i].after)) != 0)
			continue;
		memcpy(num, p, nl);
		num[nl] = '\0';
		tr_fill_text(buf, len, d->lang, reasons[i].key, "n", num, NULL);
		if (strcmp(kind, "review_overdue") == 0 && strcmp(jstr(a, "state"), "open") == 0) {
			struct dash_overdue o = { d, txn, buf, len, 0 };

			domain_today(today);
			apply_reviews(txn, web_hub(d->w), jstr(a, "agency"), today, dash_overdue_doc,
			    &o);
		}
		return buf;
	}
	return reason;
}

/*
 * The members of ctx the dash_alerts_table partial reads: items are view_alerts' objects;
 * next is where an acknowledgement returns.
 */
void
dash_alerts_ctx(struct dash *d, MDB_txn *txn, json_t *items, int show_agency, const char *next,
    json_t *ctx)
{
	json_t *a, *rows = json_array();
	char when[40], kind[128], reason[1024], name[256], count[64], n[24];
	size_t i;

	json_array_foreach(items, i, a) {
		const char *state = jstr(a, "state");
		json_t *row;

		i18n_time(when, sizeof(when), (int64_t)jint(a, "last"), d->lang);
		count[0] = '\0';
		if (jint(a, "count") > 1) {
			snprintf(n, sizeof(n), "%lld", jint(a, "count"));
			tr_fill_text(count, sizeof(count), d->lang, TR_ALERT_COUNT, "n", n, NULL);
		}
		row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
		    (json_int_t)jint(a, "id"), "state", state, "state_label",
		    Tv(d, "astate", state), "when", when, "count", count, "agency", jstr(a, "agency"),
		    "acked", strcmp(state, "acked") == 0);
		if (row == NULL)
			continue;
		/* Kinds and reasons quote what an agency sent: escaped, not checked as UTF-8. */
		json_object_set_new(row, "agency_name", json_string_nocheck(dash_agency_name(d, txn,
		    jstr(a, "agency"), name, sizeof(name))));
		json_object_set_new(row, "kind", json_string_nocheck(dash_alert_kind(d,
		    jstr(a, "kind"), kind, sizeof(kind))));
		json_object_set_new(row, "reason", json_string_nocheck(dash_alert_reason(d, txn, a,
		    reason, sizeof(reason))));
		json_object_set_new(row, "acked_by", json_string_nocheck(jstr(a, "acked_by")));
		json_array_append_new(rows, row);
	}
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "show_agency", json_boolean(show_agency));
	json_object_set_new(ctx, "cols", json_integer(show_agency ? 7 : 6));
	json_object_set_new(ctx, "csrf", json_string(d->who->csrf ? d->who->csrf : ""));
	json_object_set_new(ctx, "next", json_string_nocheck(next));
}

static void
dash_alerts_page(struct dash *d, MDB_txn *txn)
{
	static const char *const states[] = { "open", "acked", "cleared", "all", NULL };
	char state[16] = "open", agency[80] = "", next[256];
	size_t total;
	json_t *items, *ctx;
	int rc;

	web_set_route(d->w, "alerts_page");
	http_query(d->r->query, "state", state, sizeof(state));
	http_query(d->r->query, "agency", agency, sizeof(agency));
	eiso_clearerr();
	if ((rc = view_alerts(txn, d->w, state, agency, NULL, 0, 500, &items, &total)) != 0) {
		dash_error(d, 400, eiso_lasterr(rc));
		return;
	}
	snprintf(next, sizeof(next), "/alerts?state=%s", state);
	if ((ctx = dash_frame(d, T(d, TR_ALERTS_TITLE), "alerts")) != NULL) {
		json_t *tabs = json_array();

		for (const char *const *s = states; *s != NULL; s++)
			json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "state", *s, "label",
			    Tv(d, "astate", *s), "active", strcmp(*s, state) == 0));
		json_object_set_new(ctx, "tabs", tabs);
		json_object_set_new(ctx, "total", json_integer((json_int_t)total));
		dash_alerts_ctx(d, txn, items, 1, next, ctx);
	}
	json_decref(items);
	dash_tmpl(d, "dash_alerts", ctx);
	dash_send(d, 200);
}

static void
dash_ack(struct dash *d)
{
	char csrf[80], next[512], body[WEB_LIMIT_MAX + 1024], *end;
	const char *id_s = d->r->path + strlen("/alerts/");
	uint64_t id;
	int rc;

	web_set_route(d->w, "alert_ack_form");
	if (strcmp(d->r->method, "POST") != 0) {
		dash_error(d, 405, T(d, TR_ERR_METHOD));
		return;
	}
	id = strtoull(id_s, &end, 10);
	if (id == 0 || strcmp(end, "/ack") != 0) {
		dash_error(d, 404, T(d, TR_ERR_NOT_FOUND));
		return;
	}
	csrf[0] = next[0] = '\0';
	if (d->r->body != NULL && d->r->body_len < sizeof(body)) {
		memcpy(body, d->r->body, d->r->body_len);
		body[d->r->body_len] = '\0';
		if (http_query(body, "csrf", csrf, sizeof(csrf)) != 0)
			csrf[0] = '\0';
		if (http_query(body, "next", next, sizeof(next)) != 0)
			next[0] = '\0';
	}
	if (d->who->csrf == NULL || strlen(csrf) != strlen(d->who->csrf) ||
	    sodium_memcmp(csrf, d->who->csrf, strlen(csrf)) != 0) {
		dash_error(d, 403, T(d, TR_ERR_CSRF));
		return;
	}
	eiso_clearerr();
	if ((rc = web_ack(d->w, id, d->who->user)) != 0) {
		dash_error(d, rc == EISO_NOTFOUND ? 404 : 503, eiso_lasterr(rc));
		return;
	}
	if (!http_safe_path(next))
		snprintf(next, sizeof(next), "/alerts");
	{
		const char *h[] = { "location", next, NULL };
		http_reply_raw(d->r, 303, "text/plain; charset=utf-8", "", 0, h);
	}
}

void
dash_route(void *arg, struct http_req *r)
{
	struct web *w = arg;
	const struct web_who *who = web_who(w);
	struct dash d;
	MDB_txn *txn;
	int rc;

	memset(&d, 0, sizeof(d));
	d.w = w;
	d.r = r;
	d.who = who;
	d.lang = web_lang(w, r);
	if (strncmp(r->path, "/alerts/", 8) == 0) {
		dash_ack(&d);              /* no read transaction held while the write waits */
		return;
	}
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		dash_error(&d, 405, T(&d, TR_ERR_METHOD));
		return;
	}
	eiso_clearerr();
	if ((rc = store_read_begin(web_hub(w)->st, &txn)) != 0) {
		dash_error(&d, 500, eiso_lasterr(rc));
		return;
	}
	if (strcmp(r->path, "/") == 0)
		dash_overview(&d, txn);
	else if (strcmp(r->path, "/alerts") == 0)
		dash_alerts_page(&d, txn);
	else
		dash_agency(&d, txn);
	store_read_end(&txn);
}
