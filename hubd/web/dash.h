/*
 * dash.h: what the dashboard's two files share (dash.c: the frame, charts, cards, the overview
 * and alerts pages; dash_agency.c: one agency's page). Private to them.
 */
#ifndef HUBD_WEB_DASH_H
#define HUBD_WEB_DASH_H

#include <stdio.h>
#include <string.h>

#include "web/web.h"

#define DASH_DOCS_PAGE 50
#define DASH_LIST 20

struct dash {
	struct web *w;
	struct http_req *r;
	const struct web_who *who;
	enum web_lang lang;
	struct html b;
};

/* The page's language's string for key. */
static inline const char *
T(struct dash *d, enum tr_key key)
{
	return tr(d->lang, key);
}

/* tr() of "prefix.value", or the value itself when the table has no such key. */
static inline const char *
Tv(struct dash *d, const char *prefix, const char *value)
{
	return tr_value(d->lang, prefix, value);
}

/* A member of one of view.c's objects: "" or 0 when it is absent. */
static inline const char *
jstr(json_t *j, const char *name)
{
	const char *s = json_string_value(json_object_get(j, name));

	return s != NULL ? s : "";
}

static inline long long
jint(json_t *j, const char *name)
{
	return (long long)json_integer_value(json_object_get(j, name));
}

/*
 * The frame's context (title, the active nav entry: "overview", "alerts" or "", the user,
 * the language switch, the time) for the dash_head and dash_foot partials; NULL: no memory.
 */
json_t *dash_frame(struct dash *d, const char *title, const char *active);
/* Append template name rendered from ctx (released; NULL sets oom) to the page. */
void dash_tmpl(struct dash *d, const char *name, json_t *ctx);
void dash_head(struct dash *d, const char *title, const char *active);
void dash_foot(struct dash *d);
void dash_send(struct dash *d, int status);
void dash_error(struct dash *d, int status, const char *msg);
const char *dash_name(struct dash *d, json_t *a);
/* Agency id's name in the page's language into buf (the id when it has none or is unknown). */
const char *dash_agency_name(struct dash *d, MDB_txn *txn, const char *id, char *buf,
    size_t len);
/* The charts of view_series' object (the dash_charts partial's "charts"); ids prefix-... */
json_t *dash_charts_ctx(struct dash *d, json_t *series, const char *prefix);
/* Append a figure card to cards (a JSON array); dash_cards renders them (and releases cards). */
void dash_card(json_t *cards, const char *id, const char *label, const char *value,
    const char *sub, const char *cls);
void dash_cards(struct dash *d, json_t *cards);
/*
 * The dash_alerts_table partial's members of ctx: items are view_alerts' objects; next is
 * where an acknowledgement returns.
 */
void dash_alerts_ctx(struct dash *d, MDB_txn *txn, json_t *items, int show_agency,
    const char *next, json_t *ctx);
/* dash_agency.c: GET /agency/ID */
void dash_agency(struct dash *d, MDB_txn *txn);

#endif
