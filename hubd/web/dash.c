/*
 * dash.c: the oversight dashboard's pages, rendered on the server from view.c's JSON (the API
 * answers with the same objects): the province overview with every agency in one sortable,
 * filterable table and the province's charts, and the alerts; one agency's page is
 * dash_agency.c's. Also what both files share: the page frame, charts, cards. Charts are
 * SVG drawn here, so a page needs nothing from outside the hub; the little script in
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


/* The current URL with lang=L in place of any lang parameter. */
static void
dash_lang_href(struct dash *d, const char *lang)
{
	const char *q = d->r->query;

	html_esc(&d->b, d->r->path);
	html_raw(&d->b, "?");
	while (q != NULL && *q != '\0') {
		const char *end = strchr(q, '&');
		size_t len = end ? (size_t)(end - q) : strlen(q);

		if (!(len >= 5 && strncmp(q, "lang=", 5) == 0) && len > 0) {
			char part[512];
			snprintf(part, sizeof(part), "%.*s&", (int)len, q);
			html_esc(&d->b, part);
		}
		q = end ? end + 1 : NULL;
	}
	html_printf(&d->b, "lang=%s", lang);
}

void
dash_head(struct dash *d, const char *title, const char *active)
{
	html_printf(&d->b, "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
	    d->lang == WEB_EN ? "en" : "vi");
	html_esc(&d->b, title);
	html_raw(&d->b, " · ");
	html_esc(&d->b, T(d, TR_APP_NAME));
	html_raw(&d->b, "</title><link rel=\"icon\" href=\"/static/favicon.svg\" "
	    "type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/static/dash.css\">"
	    "<script src=\"/static/dash.js\" defer></script></head><body><header class=\"top\">"
	    "<a class=\"brand\" href=\"/\">");
	html_esc(&d->b, T(d, TR_APP_NAME));
	html_raw(&d->b, "<small>");
	html_esc(&d->b, T(d, TR_APP_SUB));
	html_raw(&d->b, "</small></a><nav>");
	html_printf(&d->b, "<a href=\"/\"%s>%s</a>", strcmp(active, "overview") == 0 ?
	    " class=\"active\"" : "", T(d, TR_NAV_OVERVIEW));
	html_printf(&d->b, "<a href=\"/alerts\"%s>%s</a>", strcmp(active, "alerts") == 0 ?
	    " class=\"active\"" : "", T(d, TR_NAV_ALERTS));
	html_raw(&d->b, "</nav><div class=\"who\"><span class=\"user\">");
	html_esc(&d->b, d->who->user);
	html_raw(&d->b, "</span>");
	if (d->lang == WEB_EN) {
		html_raw(&d->b, "<a id=\"lang-switch\" hreflang=\"vi\" href=\"");
		dash_lang_href(d, "vi");
		html_raw(&d->b, "\">Tiếng Việt</a>");
	} else {
		html_raw(&d->b, "<a id=\"lang-switch\" hreflang=\"en\" href=\"");
		dash_lang_href(d, "en");
		html_raw(&d->b, "\">English</a>");
	}
	html_printf(&d->b, "<a href=\"/logout\">%s</a></div></header><main>",
	    T(d, TR_NAV_LOGOUT));
}

void
dash_foot(struct dash *d)
{
	char now[32];

	i18n_time(now, sizeof(now), store_now_ms(), d->lang);
	html_printf(&d->b, "</main><footer>%s %s (%s)</footer></body></html>\n",
	    T(d, TR_FOOTER_GENERATED), now, T(d, TR_FOOTER_TZ));
}

void
dash_send(struct dash *d, int status)
{
	web_reply_html(d->w, d->r, status, &d->b, NULL);
}

void
dash_error(struct dash *d, int status, const char *msg)
{
	html_free(&d->b);
	dash_head(d, T(d, TR_ERR_TITLE), "");
	html_raw(&d->b, "<h1>");
	html_esc(&d->b, T(d, TR_ERR_TITLE));
	html_raw(&d->b, "</h1><p class=\"error\">");
	html_esc(&d->b, msg);
	html_printf(&d->b, "</p><p><a href=\"/\">%s</a></p>", T(d, TR_NAV_OVERVIEW));
	dash_foot(d);
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

void
dash_status(struct dash *d, const char *status)
{
	html_printf(&d->b, "<span class=\"badge st-%s\"><span class=\"dot\"></span>", status);
	html_esc(&d->b, Tv(d, "status", status));
	html_raw(&d->b, "</span>");
}

static void
dash_pct(struct dash *d, double v)
{
	html_printf(&d->b, "%.0f%%", v);
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

static void
chart_svg(struct dash *d, const struct chart *c)
{
	const double W = 560, H = 200, L = 44, R = 8, TOP = 12, B = 30;
	double max = 0, top, pw = W - L - R, ph = H - TOP - B, step = pw / c->n, total = 0;
	int every = c->n > 15 ? 5 : c->n > 8 ? 2 : 1;

	for (int i = 0; i < c->n; i++) {
		double v = c->a[i] + (c->name_b ? c->b[i] : 0);
		if (v > max)
			max = v;
		total += c->a[i];
	}
	top = chart_top(max);
	html_printf(&d->b, "<figure class=\"chart\" id=\"%s\"><figcaption>", c->id);
	html_esc(&d->b, c->title);
	html_printf(&d->b, "</figcaption><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"", W, H);
	html_esc(&d->b, c->title);
	html_raw(&d->b, "\" xmlns=\"http://www.w3.org/2000/svg\">");
	for (int g = 0; g <= 4; g++) {
		double y = TOP + ph - ph * g / 4;
		html_printf(&d->b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g"
		    "</text>", L, W - R, y, y, L - 6, y + 4, top * g / 4);
	}
	if (c->line) {
		html_raw(&d->b, "<polyline class=\"line sa\" fill=\"none\" points=\"");
		for (int i = 0; i < c->n; i++)
			html_printf(&d->b, "%.1f,%.1f ", L + step * (i + 0.5),
			    TOP + ph - ph * c->a[i] / top);
		html_raw(&d->b, "\"/>");
	}
	for (int i = 0; i < c->n; i++) {
		double x = L + step * i + step * 0.15, bw = step * 0.7;
		double ha = ph * c->a[i] / top, hb = c->name_b ? ph * c->b[i] / top : 0;

		html_raw(&d->b, "<g class=\"bar\"><title>");
		html_esc(&d->b, c->labels[i]);
		html_printf(&d->b, ": %s %g", c->name_a, c->a[i]);
		if (c->name_b)
			html_printf(&d->b, ", %s %g", c->name_b, c->b[i]);
		html_raw(&d->b, "</title>");
		if (c->line)
			html_printf(&d->b, "<circle class=\"sa\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>"
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"transparent\"/>", L + step * (i + 0.5), TOP + ph - ha,
			    L + step * i, TOP, step, ph);
		else
			html_printf(&d->b, "<rect class=\"sa\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\"/>", x, TOP + ph - ha, bw, ha);
		if (hb > 0)
			html_printf(&d->b, "<rect class=\"sb\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\"/>", x, TOP + ph - ha - hb, bw, hb);
		html_raw(&d->b, "</g>");
		if (i % every == (c->n - 1) % every)          /* the newest always labelled */
			html_printf(&d->b, "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">%s</text>", L + step * (i + 0.5), H - B + 16,
			    c->labels[i]);
	}
	html_raw(&d->b, "</svg><div class=\"legend\"><span><i class=\"sa\"></i>");
	html_esc(&d->b, c->name_a);
	html_raw(&d->b, "</span>");
	if (c->name_b) {
		html_raw(&d->b, "<span><i class=\"sb\"></i>");
		html_esc(&d->b, c->name_b);
		html_raw(&d->b, "</span>");
	}
	html_raw(&d->b, "</div></figure>");
	(void)total;
}

/* The three charts of a series object (view_series). */
void
dash_charts(struct dash *d, json_t *series, const char *prefix)
{
	json_t *daily = json_object_get(series, "daily"), *monthly = json_object_get(series,
	    "monthly"), *e;
	struct chart *c = calloc(3, sizeof(*c));
	char ids[3][48];
	size_t i;

	if (c == NULL)
		return;
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
	html_raw(&d->b, "<section class=\"charts\">");
	for (int k = 0; k < 3; k++)
		chart_svg(d, &c[k]);
	html_raw(&d->b, "</section>");
	free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Overview */

void
dash_card(struct dash *d, const char *id, const char *label, const char *value,
    const char *sub, const char *cls)
{
	html_printf(&d->b, "<div class=\"card %s\" id=\"card-%s\"><div class=\"label\">", cls, id);
	html_esc(&d->b, label);
	html_raw(&d->b, "</div><div class=\"value\">");
	html_esc(&d->b, value);
	html_raw(&d->b, "</div>");
	if (sub != NULL && sub[0]) {
		html_raw(&d->b, "<div class=\"sub\">");
		html_esc(&d->b, sub);
		html_raw(&d->b, "</div>");
	}
	html_raw(&d->b, "</div>");
}

static void
dash_totals(struct dash *d, json_t *t)
{
	json_t *by = json_object_get(t, "by_status"), *cases = json_object_get(t, "cases"),
	    *cov = json_object_get(t, "record_coverage");
	long long on = jint(cases, "on_time"), late = jint(cases, "late");
	char v[64], s[160];

	html_raw(&d->b, "<section class=\"cards\">");
	snprintf(v, sizeof(v), "%lld", jint(t, "agencies"));
	snprintf(s, sizeof(s), "%lld %s · %lld %s · %lld %s", jint(by, "online"),
	    Tv(d, "status", "online"), jint(by, "offline"), Tv(d, "status", "offline"),
	    jint(by, "never"), Tv(d, "status", "never"));
	dash_card(d, "agencies", T(d, TR_CARD_AGENCIES), v, s, jint(by, "offline") ? "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(t, "documents_in_force"));
	snprintf(s, sizeof(s), "%lld %s", jint(t, "reviews_overdue"), T(d, TR_CARD_REVIEWS_OVERDUE));
	dash_card(d, "in-force", T(d, TR_CARD_IN_FORCE), v, s, jint(t, "reviews_overdue") ?
	    "warn" : "");
	if (on + late > 0)
		snprintf(v, sizeof(v), "%.0f%%", 100.0 * (double)on / (double)(on + late));
	else
		snprintf(v, sizeof(v), "—");
	snprintf(s, sizeof(s), "%lld %s · %lld %s · %lld %s", on, T(d, TR_CASES_ON_TIME), late,
	    T(d, TR_CASES_LATE), jint(cases, "open"), T(d, TR_CASES_OPEN));
	dash_card(d, "on-time", T(d, TR_CARD_ON_TIME), v, s, "");
	snprintf(v, sizeof(v), "%.0f%%", json_real_value(json_object_get(cov, "percent")));
	snprintf(s, sizeof(s), "%lld/%lld %s", jint(t, "meeting_target"), jint(t, "agencies"),
	    T(d, TR_CARD_MEETING_TARGET));
	dash_card(d, "coverage", T(d, TR_CARD_COVERAGE), v, s, "");
	snprintf(v, sizeof(v), "%lld", jint(t, "applied_sets"));
	snprintf(s, sizeof(s), "%lld %s", jint(t, "lag_sets"), T(d, TR_CARD_LAG_SETS));
	dash_card(d, "sets", T(d, TR_CARD_SETS), v, s, jint(t, "lag_sets") ? "warn" : "");
	snprintf(v, sizeof(v), "%lld", jint(t, "alerts_open"));
	dash_card(d, "alerts", T(d, TR_CARD_ALERTS), v, "", jint(t, "alerts_open") ? "bad" : "");
	html_raw(&d->b, "</section>");
}

/* A sortable column header: a link that sorts by key, the other way when it already does. */
static void
dash_th(struct dash *d, const struct view_filter *f, const char *key, const char *label)
{
	int cur = strcmp(f->sort[0] ? f->sort : "id", key) == 0;

	html_printf(&d->b, "<th data-sort=\"%s\"%s><a href=\"/?sort=%s&amp;order=%s", key,
	    cur ? (f->desc ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : "", key,
	    cur && !f->desc ? "desc" : "asc");
	if (f->level[0]) {
		html_raw(&d->b, "&amp;level=");
		html_seg(&d->b, f->level);
	}
	if (f->parent[0]) {
		html_raw(&d->b, "&amp;parent=");
		html_seg(&d->b, f->parent);
	}
	if (f->status[0]) {
		html_raw(&d->b, "&amp;status=");
		html_seg(&d->b, f->status);
	}
	if (f->q[0]) {
		html_raw(&d->b, "&amp;q=");
		html_seg(&d->b, f->q);
	}
	html_raw(&d->b, "\">");
	html_esc(&d->b, label);
	if (cur)
		html_raw(&d->b, f->desc ? " ▾" : " ▴");
	html_raw(&d->b, "</a></th>");
}

static int
dash_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (strcmp(json_string_value(e), s) == 0)
			return 1;
	return 0;
}

static void
dash_option(struct dash *d, const char *value, const char *label, const char *cur)
{
	html_raw(&d->b, "<option value=\"");
	html_esc(&d->b, value);
	html_printf(&d->b, "\"%s>", strcmp(value, cur) == 0 ? " selected" : "");
	html_esc(&d->b, label);
	html_raw(&d->b, "</option>");
}

static void
dash_filters(struct dash *d, const struct view_filter *f, json_t *all)
{
	static const char *const statuses[] = { "online", "offline", "never", "retired", NULL };
	json_t *levels = json_array(), *parents = json_array(), *a;
	size_t i;

	json_array_foreach(all, i, a) {
		if (jstr(a, "level")[0] && !dash_has(levels, jstr(a, "level")))
			json_array_append_new(levels, json_string(jstr(a, "level")));
		if (jstr(a, "parent")[0] && !dash_has(parents, jstr(a, "parent")))
			json_array_append_new(parents, json_string(jstr(a, "parent")));
	}
	html_raw(&d->b, "<form class=\"filters\" id=\"filters\" method=\"get\" action=\"/\">");
	if (f->sort[0]) {
		html_raw(&d->b, "<input type=\"hidden\" name=\"sort\" value=\"");
		html_esc(&d->b, f->sort);
		html_printf(&d->b, "\"><input type=\"hidden\" name=\"order\" value=\"%s\">",
		    f->desc ? "desc" : "asc");
	}
	html_printf(&d->b, "<label>%s<select name=\"level\" id=\"f-level\">", T(d, TR_COL_LEVEL));
	dash_option(d, "", T(d, TR_FILTER_ALL), f->level);
	json_array_foreach(levels, i, a)
		dash_option(d, json_string_value(a), Tv(d, "level", json_string_value(a)), f->level);
	html_printf(&d->b, "</select></label><label>%s<select name=\"parent\" id=\"f-parent\">",
	    T(d, TR_COL_PARENT));
	dash_option(d, "", T(d, TR_FILTER_ALL), f->parent);
	dash_option(d, "-", T(d, TR_FILTER_NO_PARENT), f->parent);
	json_array_foreach(parents, i, a) {
		const char *pid = json_string_value(a), *label = pid;
		size_t k;
		json_t *x;

		json_array_foreach(all, k, x)
			if (strcmp(jstr(x, "id"), pid) == 0)
				label = dash_name(d, x);
		dash_option(d, pid, label, f->parent);
	}
	html_printf(&d->b, "</select></label><label>%s<select name=\"status\" id=\"f-status\">",
	    T(d, TR_COL_STATUS));
	dash_option(d, "", T(d, TR_FILTER_ALL), f->status);
	for (const char *const *s = statuses; *s != NULL; s++)
		dash_option(d, *s, Tv(d, "status", *s), f->status);
	html_printf(&d->b, "</select></label><label>%s<input type=\"search\" name=\"q\" "
	    "id=\"f-q\" value=\"", T(d, TR_FILTER_SEARCH));
	html_esc(&d->b, f->q);
	html_printf(&d->b, "\"></label><button type=\"submit\">%s</button>"
	    "<a class=\"reset\" href=\"/\">%s</a></form>", T(d, TR_FILTER_APPLY),
	    T(d, TR_FILTER_RESET));
	json_decref(levels);
	json_decref(parents);
}

static void
dash_agency_row(struct dash *d, json_t *a)
{
	json_t *cases = json_object_get(a, "cases"), *cov = json_object_get(a, "record_coverage"),
	    *lag = json_object_get(a, "lag"), *target = json_object_get(cov, "target");
	long long on = jint(cases, "on_time"), late = jint(cases, "late");
	char when[40];

	html_printf(&d->b, "<tr class=\"st-%s\" data-agency=\"", jstr(a, "status"));
	html_esc(&d->b, jstr(a, "id"));
	html_printf(&d->b, "\" data-status=\"%s\"><td>", jstr(a, "status"));
	dash_status(d, jstr(a, "status"));
	html_raw(&d->b, "</td><td class=\"name\"><a href=\"/agency/");
	html_seg(&d->b, jstr(a, "id"));
	html_raw(&d->b, "\">");
	html_esc(&d->b, dash_name(d, a));
	html_raw(&d->b, "</a><div class=\"id\">");
	html_esc(&d->b, jstr(a, "id"));
	html_raw(&d->b, "</div></td><td class=\"level\">");
	html_esc(&d->b, Tv(d, "level", jstr(a, "level")));
	html_raw(&d->b, "</td><td class=\"parent\">");
	if (jstr(a, "parent")[0]) {
		html_raw(&d->b, "<a href=\"/agency/");
		html_seg(&d->b, jstr(a, "parent"));
		html_raw(&d->b, "\">");
		html_esc(&d->b, jstr(a, "parent"));
		html_raw(&d->b, "</a>");
	} else {
		html_raw(&d->b, "—");
	}
	i18n_time(when, sizeof(when), (int64_t)jint(a, "last_seen"), d->lang);
	html_printf(&d->b, "</td><td class=\"time\">%s</td><td class=\"num\">%lld</td>", when,
	    jint(a, "applied_seq"));
	if (jint(lag, "sets") > 0)
		html_printf(&d->b, "<td class=\"num lagging\">%lld (%llds)</td>", jint(lag, "sets"),
		    jint(lag, "seconds"));
	else
		html_raw(&d->b, "<td class=\"num\">0</td>");
	html_printf(&d->b, "<td class=\"num\">%lld</td><td class=\"num%s\">%lld</td>",
	    jint(a, "documents_in_force"), jint(a, "reviews_overdue") ? " bad" : "",
	    jint(a, "reviews_overdue"));
	if (on + late > 0)
		html_printf(&d->b, "<td class=\"num\">%.0f%% <small>(%lld/%lld)</small></td>",
		    100.0 * (double)on / (double)(on + late), on, on + late);
	else
		html_raw(&d->b, "<td class=\"num muted\">—</td>");
	html_printf(&d->b, "<td class=\"num%s\">",
	    json_is_false(json_object_get(cov, "meets_target")) && jint(cov, "completed_cases") ?
	    " warn" : "");
	if (jint(cov, "completed_cases") > 0)
		dash_pct(d, json_real_value(json_object_get(cov, "percent")));
	else
		html_raw(&d->b, "—");
	if (json_is_integer(target))
		html_printf(&d->b, " <small>/ %lld%%</small>", (long long)json_integer_value(target));
	html_printf(&d->b, "</td><td class=\"num%s\">%lld</td></tr>", jint(a, "alerts_open") ?
	    " bad" : "", jint(a, "alerts_open"));
}

static void
dash_overview(struct dash *d, MDB_txn *txn)
{
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
	dash_head(d, T(d, TR_OVERVIEW_TITLE), "overview");
	html_printf(&d->b, "<h1>%s</h1>", T(d, TR_OVERVIEW_TITLE));
	dash_totals(d, totals);
	{
		json_t *series = view_series(txn, d->w, NULL);
		dash_charts(d, series, "province");
		json_decref(series);
	}
	html_printf(&d->b, "<section><h2>%s</h2>", T(d, TR_OVERVIEW_AGENCIES));
	dash_filters(d, &f, all);
	html_printf(&d->b, "<p class=\"count\" id=\"shown\">%s <b>%zu</b> / %zu</p>",
	    T(d, TR_OVERVIEW_SHOWN), json_array_size(list), json_array_size(all));
	html_raw(&d->b, "<div class=\"scroll\"><table class=\"agencies\" id=\"agencies\">"
	    "<thead><tr>");
	dash_th(d, &f, "status", T(d, TR_COL_STATUS));
	dash_th(d, &f, "name", T(d, TR_COL_AGENCY));
	dash_th(d, &f, "level", T(d, TR_COL_LEVEL));
	dash_th(d, &f, "parent", T(d, TR_COL_PARENT));
	dash_th(d, &f, "last_seen", T(d, TR_COL_LAST_SEEN));
	dash_th(d, &f, "applied_seq", T(d, TR_COL_APPLIED));
	dash_th(d, &f, "lag", T(d, TR_COL_LAG));
	dash_th(d, &f, "in_force", T(d, TR_COL_IN_FORCE));
	dash_th(d, &f, "reviews_overdue", T(d, TR_COL_REVIEWS_OVERDUE));
	dash_th(d, &f, "on_time", T(d, TR_COL_ON_TIME));
	dash_th(d, &f, "coverage", T(d, TR_COL_COVERAGE));
	dash_th(d, &f, "alerts", T(d, TR_COL_ALERTS));
	html_raw(&d->b, "</tr></thead><tbody>");
	json_array_foreach(list, i, a)
		dash_agency_row(d, a);
	if (json_array_size(list) == 0)
		html_printf(&d->b, "<tr><td colspan=\"12\" class=\"muted\">%s</td></tr>",
		    T(d, TR_OVERVIEW_NONE));
	html_raw(&d->b, "</tbody></table></div></section>");
	dash_foot(d);
	json_decref(list);
	json_decref(totals);
	json_decref(all);
	dash_send(d, 200);
}

/* ------------------------------------------------------------------------------------------ */
/* Alerts (a table the overview, the agency page and /alerts share) */

static void
dash_alert_kind(struct dash *d, const char *kind)
{
	if (strncmp(kind, "reject:", 7) == 0) {
		html_esc(&d->b, T(d, TR_ALERT_REJECT));
		html_raw(&d->b, " (");
		html_esc(&d->b, kind + 7);
		html_raw(&d->b, ")");
	} else {
		html_esc(&d->b, Tv(d, "alert", kind));
	}
}

/*
 * The sweep's reasons are stored in English with one number in them (alerts.c); they are
 * shown in the page's language. Rejection reasons quote the hub's verifier: kept as they are.
 */
static void
dash_alert_reason(struct dash *d, const char *kind, const char *reason)
{
	static const struct {
		const char *kind, *before, *after;   /* the text around the number */
		enum tr_key key;
	} reasons[] = {
		{ "review_overdue", "", " documents", TR_REASON_REVIEW_OVERDUE },
		{ "offline", "no message for ", " ", TR_REASON_OFFLINE },
		{ "storage", "disk of the data directory is ", "", TR_REASON_STORAGE },
	};
	char num[24];

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
		tr_fill(&d->b, d->lang, reasons[i].key, "n", num, NULL);
		return;
	}
	html_esc(&d->b, reason);
}

void
dash_alerts_table(struct dash *d, json_t *items, int show_agency, const char *next)
{
	size_t i;
	json_t *a;
	char when[40];

	html_raw(&d->b, "<table class=\"alerts\" id=\"alerts-table\"><thead><tr>");
	html_printf(&d->b, "<th>#</th><th>%s</th>", T(d, TR_ALERT_TIME));
	if (show_agency)
		html_printf(&d->b, "<th>%s</th>", T(d, TR_COL_AGENCY));
	html_printf(&d->b, "<th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
	    T(d, TR_ALERT_KIND), T(d, TR_ALERT_REASON), T(d, TR_ALERT_STATE));
	json_array_foreach(items, i, a) {
		const char *state = jstr(a, "state");

		html_printf(&d->b, "<tr class=\"al-%s\" data-alert=\"%lld\"><td>%lld</td>", state,
		    jint(a, "id"), jint(a, "id"));
		i18n_time(when, sizeof(when), (int64_t)jint(a, "last"), d->lang);
		html_printf(&d->b, "<td class=\"time\">%s", when);
		if (jint(a, "count") > 1)
			html_printf(&d->b, " <small>×%lld</small>", jint(a, "count"));
		html_raw(&d->b, "</td>");
		if (show_agency) {
			html_raw(&d->b, "<td>");
			if (jstr(a, "agency")[0]) {
				html_raw(&d->b, "<a href=\"/agency/");
				html_seg(&d->b, jstr(a, "agency"));
				html_raw(&d->b, "\">");
				html_esc(&d->b, jstr(a, "agency"));
				html_raw(&d->b, "</a>");
			} else {
				html_esc(&d->b, T(d, TR_ALERT_HUB));
			}
			html_raw(&d->b, "</td>");
		}
		html_raw(&d->b, "<td>");
		dash_alert_kind(d, jstr(a, "kind"));
		html_raw(&d->b, "</td><td>");
		dash_alert_reason(d, jstr(a, "kind"), jstr(a, "reason"));
		html_printf(&d->b, "</td><td><span class=\"badge al-%s\">", state);
		html_esc(&d->b, Tv(d, "astate", state));
		html_raw(&d->b, "</span>");
		if (strcmp(state, "acked") == 0) {
			html_raw(&d->b, " <small>");
			html_esc(&d->b, jstr(a, "acked_by"));
			html_raw(&d->b, "</small>");
		}
		html_raw(&d->b, "</td><td>");
		if (strcmp(state, "acked") != 0) {
			html_printf(&d->b, "<form method=\"post\" action=\"/alerts/%lld/ack\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
			    "name=\"next\" value=\"", jint(a, "id"), d->who->csrf ? d->who->csrf : "");
			html_esc(&d->b, next);
			html_printf(&d->b, "\"><button class=\"ack\" type=\"submit\">%s</button>"
			    "</form>", T(d, TR_ALERT_ACK));
		}
		html_raw(&d->b, "</td></tr>");
	}
	if (json_array_size(items) == 0)
		html_printf(&d->b, "<tr><td colspan=\"%d\" class=\"muted\">%s</td></tr>",
		    show_agency ? 7 : 6, T(d, TR_ALERT_NONE));
	html_raw(&d->b, "</tbody></table>");
}

static void
dash_alerts_page(struct dash *d, MDB_txn *txn)
{
	static const char *const states[] = { "open", "acked", "cleared", "all", NULL };
	char state[16] = "open", agency[80] = "", next[256];
	size_t total;
	json_t *items;
	int rc;

	web_set_route(d->w, "alerts_page");
	http_query(d->r->query, "state", state, sizeof(state));
	http_query(d->r->query, "agency", agency, sizeof(agency));
	eiso_clearerr();
	if ((rc = view_alerts(txn, d->w, state, agency, NULL, 0, 500, &items, &total)) != 0) {
		dash_error(d, 400, eiso_lasterr(rc));
		return;
	}
	dash_head(d, T(d, TR_ALERTS_TITLE), "alerts");
	html_printf(&d->b, "<h1>%s</h1><nav class=\"tabs\">", T(d, TR_ALERTS_TITLE));
	for (const char *const *s = states; *s != NULL; s++)
		html_printf(&d->b, "<a href=\"/alerts?state=%s\"%s>%s</a>", *s,
		    strcmp(*s, state) == 0 ? " class=\"active\"" : "", Tv(d, "astate", *s));
	html_printf(&d->b, "</nav><p class=\"count\">%zu</p>", total);
	snprintf(next, sizeof(next), "/alerts?state=%s", state);
	dash_alerts_table(d, items, 1, next);
	json_decref(items);
	dash_foot(d);
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
