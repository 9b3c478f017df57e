/*
 * agency.c: `hubd agency list|show|rename|move|retire`: the life of an enrolled agency after
 * its enrollment (adding one is `hubd enroll`).
 *
 * An agency id never changes: it is inside every change set the agency signed, and it keys
 * the agency's log, documents and head. So a rename changes the names, a move changes the
 * parent or level, and a retirement sets the state to "retired": the ZAP handler then refuses
 * its key and the ingest thread rejects anything it sends, while its log, documents and
 * files stay, readable as before. Each of these changes is kept as an event in the hub's meta
 * table (key "agency-history", NUL, id, NUL, big-endian unix ms), shown by `agency show`.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#include "err.h"
#include "cli/cli.h"
#include "keys.h"
#include "verb.h"
#include "wire.h"

#define AGENCY_HIST      "agency-history"
#define AGENCY_NAME_MAX  256
#define AGENCY_EVENT_MAX 2048

static void
agency_json_str(const char *s)
{
	putchar('"');
	for (; s != NULL && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* "id":..,"state":..,"level":..,"parent":..,"name_vi":..,"name_en":.. of a record. */
static void
agency_json_names(const Eiso__AgencyRecord *a)
{
	printf("\"id\":");
	agency_json_str(a->id);
	printf(",\"state\":");
	agency_json_str(a->state);
	printf(",\"level\":");
	agency_json_str(a->level);
	printf(",\"parent\":");
	agency_json_str(a->parent);
	printf(",\"name_vi\":");
	agency_json_str(a->name_vi);
	printf(",\"name_en\":");
	agency_json_str(a->name_en);
}

/* ,"name":"HEX" for a public key (empty when the record has none of 32 bytes). */
static void
agency_json_key(const char *name, const ProtobufCBinaryData *key)
{
	char hex[2 * 32 + 1] = "";

	if (key->len == 32)
		keys_hex(hex, key->data, 32);
	printf(",\"%s\":\"%s\"", name, hex);
}

static void
agency_time(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);

	if (ms == 0)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", localtime(&t));
}

static const char *
agency_or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* A name: valid UTF-8, no control characters (they would break rosters and history lines). */
static int
agency_name_ok(const char *s, const char *what)
{
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t cp;

	if (len == 0 || len > AGENCY_NAME_MAX)
		return eiso_seterr(EISO_INVAL, "%s must be 1-%d bytes", what, AGENCY_NAME_MAX);
	for (utf8proc_ssize_t i = 0; i < len; i += n) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, len - i, &cp);
		if (n <= 0)
			return eiso_seterr(EISO_INVAL, "%s is not valid UTF-8", what);
		if (cp < 0x20 || cp == 0x7f)
			return eiso_seterr(EISO_INVAL, "%s contains a control character", what);
	}
	return 0;
}

/* Key of a history event: "agency-history" NUL id NUL be64(ms). Returns its length. */
static size_t
agency_hist_key(uint8_t *key, size_t cap, const char *id, int64_t ms)
{
	size_t p = sizeof(AGENCY_HIST), n = strlen(id);

	if (p + n + 1 + 8 > cap)
		return 0;
	memcpy(key, AGENCY_HIST, p);          /* with its NUL */
	memcpy(key + p, id, n + 1);
	if (ms < 0)
		return p + n + 1;                  /* the prefix of every event of id */
	store_be64(key + p + n + 1, (uint64_t)ms);
	return p + n + 1 + 8;
}

/* Who ran the command, for the history: the sudo user when there is one. */
static void
agency_who(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw = getpwuid(getuid());

	if (sudo != NULL && sudo[0] != '\0')
		snprintf(buf, len, "%s (sudo)", sudo);
	else if (pw != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)getuid());
}

/* Append an event "what<TAB>who<TAB>detail" at now (or the next free millisecond). */
static int
agency_hist_add(MDB_txn *txn, const struct hub *h, const char *id, int64_t now,
    const char *what, const char *detail)
{
	uint8_t key[sizeof(AGENCY_HIST) + WIRE_MAX_AGENCY + 16];
	char who[128], text[AGENCY_EVENT_MAX];
	MDB_val k, v;
	int rc, n;

	agency_who(who, sizeof(who));
	n = snprintf(text, sizeof(text), "%s\t%s\t%s", what, who, detail);
	if (n < 0 || (size_t)n >= sizeof(text))
		return eiso_seterr(EISO_TOOBIG, "history event too long");
	for (;; now++) {
		k.mv_data = key;
		k.mv_size = agency_hist_key(key, sizeof(key), id, now);
		v.mv_data = text;
		v.mv_size = (size_t)n;
		rc = mdb_put(txn, store_dbi(h->st, HDB_META), &k, &v, MDB_NOOVERWRITE);
		if (rc != MDB_KEYEXIST)
			return store_rc(rc);
	}
}

/* An agency record's bound, as enrollment has always kept it. */
#define AGENCY_RECORD_MAX 4096

static int
agency_put(MDB_txn *txn, const struct hub *h, const Eiso__AgencyRecord *rec)
{
	if (eiso__agency_record__get_packed_size(rec) > AGENCY_RECORD_MAX)
		return eiso_seterr(EISO_TOOBIG, "agency record %s too large", rec->id);
	return store_put_pb(txn, store_dbi(h->st, HDB_AGENCIES), rec->id, strlen(rec->id),
	    &rec->base, 0);
}

/* ---------------------------------------------------------------------------------------- */

enum agency_op { OP_RENAME, OP_MOVE, OP_RETIRE };

struct agency_change {
	struct hub *h;
	enum agency_op op;
	const char *id;
	const char *name_vi, *name_en;     /* rename: NULL keeps */
	const char *parent, *level;        /* move: NULL keeps; parent "" or "-" clears */
	const char *reason;
	char note[AGENCY_EVENT_MAX - 256]; /* what changed, for the output */
};

/* Append to the event text at *d, silently truncating. */
static void __attribute__((format(printf, 4, 5)))
agency_detail(char *buf, size_t len, size_t *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*d + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *d, len - *d, fmt, ap);
	va_end(ap);
	if (n > 0)
		*d = *d + (size_t)n < len ? *d + (size_t)n : len - 1;
}

/* Would id under parent make a loop (parent is id or one of its descendants)? */
static int
agency_loops(MDB_txn *txn, const struct hub *h, const char *id, const char *parent)
{
	char cur[WIRE_MAX_AGENCY + 8];
	int depth = 0;

	snprintf(cur, sizeof(cur), "%s", parent);
	while (cur[0] != '\0' && depth++ < 10000) {
		Eiso__AgencyRecord *r;

		if (strcmp(cur, id) == 0)
			return 1;
		if (agency_get(txn, h, cur, &r) != 0)
			return 0;
		snprintf(cur, sizeof(cur), "%s", r->parent != NULL ? r->parent : "");
		eiso__agency_record__free_unpacked(r, NULL);
	}
	return depth >= 10000;
}

/* Active agencies whose parent is id, as a comma list in buf; returns their count. */
static int
agency_active_children(MDB_txn *txn, const struct hub *h, const char *id, char *buf,
    size_t len)
{
	MDB_cursor *c;
	MDB_val k, v;
	int n = 0;

	buf[0] = '\0';
	if (mdb_cursor_open(txn, store_dbi(h->st, HDB_AGENCIES), &c) != 0)
		return 0;
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *r = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);

		if (r == NULL)
			continue;
		if (r->parent != NULL && strcmp(r->parent, id) == 0 && r->state != NULL &&
		    strcmp(r->state, "active") == 0) {
			size_t used = strlen(buf);
			if (used + 2 < len)
				snprintf(buf + used, len - used, "%s%s", n ? ", " : "", r->id);
			n++;
		}
		eiso__agency_record__free_unpacked(r, NULL);
	}
	mdb_cursor_close(c);
	return n;
}

/* The change as one transaction; starts from scratch on every call (store_write may retry). */
static int
agency_change_txn(MDB_txn *txn, void *arg)
{
	struct agency_change *ch = arg;
	Eiso__AgencyRecord *old = NULL, rec;
	char detail[AGENCY_EVENT_MAX - 256], kids[512];
	const char *what = "";
	size_t d = 0;
	int rc;

	ch->note[0] = '\0';
	if ((rc = agency_get(txn, ch->h, ch->id, &old)) != 0) {
		if (rc == EISO_NOTFOUND)
			return eiso_seterr(EISO_NOTFOUND, "no agency %s is enrolled", ch->id);
		return rc;
	}
	rec = *old;                 /* fields point into old until it is freed below */
	detail[0] = '\0';
#define DETAIL(...) agency_detail(detail, sizeof(detail), &d, __VA_ARGS__)
	switch (ch->op) {
	case OP_RENAME:
		what = "rename";
		if (ch->name_vi != NULL && strcmp(ch->name_vi, agency_or_dash(old->name_vi))) {
			DETAIL("name_vi '%s' -> '%s'", agency_or_dash(old->name_vi), ch->name_vi);
			rec.name_vi = (char *)ch->name_vi;
		}
		if (ch->name_en != NULL && strcmp(ch->name_en, agency_or_dash(old->name_en))) {
			DETAIL("%sname_en '%s' -> '%s'", d ? "; " : "", agency_or_dash(old->name_en),
			    ch->name_en);
			rec.name_en = (char *)ch->name_en;
		}
		break;
	case OP_MOVE:
		what = "move";
		if (ch->parent != NULL) {
			const char *p = strcmp(ch->parent, "-") == 0 ? "" : ch->parent;
			Eiso__AgencyRecord *pr;

			if (p[0] != '\0') {
				if (agency_get(txn, ch->h, p, &pr) != 0) {
					rc = eiso_seterr(EISO_NOTFOUND, "parent %s is not an enrolled "
					    "agency", p);
					goto done;
				}
				rc = pr->state == NULL || strcmp(pr->state, "active") != 0;
				eiso__agency_record__free_unpacked(pr, NULL);
				if (rc) {
					rc = eiso_seterr(EISO_INVAL, "parent %s is retired", p);
					goto done;
				}
				if (agency_loops(txn, ch->h, ch->id, p)) {
					rc = eiso_seterr(EISO_INVAL, "%s cannot be under %s: %s is "
					    "%s itself or under it", ch->id, p, p, ch->id);
					goto done;
				}
			}
			if (strcmp(p, old->parent != NULL ? old->parent : "") != 0) {
				DETAIL("parent %s -> %s", agency_or_dash(old->parent),
				    agency_or_dash(p));
				rec.parent = (char *)p;
			}
		}
		if (ch->level != NULL && strcmp(ch->level, old->level ? old->level : "") != 0) {
			DETAIL("%slevel %s -> %s", d ? "; " : "", agency_or_dash(old->level),
			    ch->level);
			rec.level = (char *)ch->level;
		}
		break;
	case OP_RETIRE:
		what = "retire";
		if (old->state != NULL && strcmp(old->state, "retired") == 0) {
			rc = eiso_seterr(EISO_EXISTS, "%s is already retired", ch->id);
			goto done;
		}
		if (agency_active_children(txn, ch->h, ch->id, kids, sizeof(kids)) > 0) {
			rc = eiso_seterr(EISO_INVAL, "%s is the parent of active agencies (%s): "
			    "move or retire them first", ch->id, kids);
			goto done;
		}
		DETAIL("state %s -> retired", agency_or_dash(old->state));
		rec.state = "retired";
		break;
	}
	if (d == 0) {
		snprintf(ch->note, sizeof(ch->note), "nothing changed");
		rc = 0;
		goto done;
	}
	if (ch->reason != NULL)
		DETAIL("; reason: %s", ch->reason);
#undef DETAIL
	snprintf(ch->note, sizeof(ch->note), "%s", detail);
	if ((rc = agency_put(txn, ch->h, &rec)) == 0)
		rc = agency_hist_add(txn, ch->h, ch->id, store_now_ms(), what, detail);
done:
	eiso__agency_record__free_unpacked(old, NULL);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */

static int
agency_open(const char *conf, int readonly, struct hub *h)
{
	int rc;

	eiso_clearerr();
	if ((rc = hub_open(conf, readonly, h)) != 0) {
		fprintf(stderr, "hubd agency: %s\n", eiso_lasterr(rc));
		return 1;
	}
	return 0;
}

static int
agency_list(const char *conf, int json)
{
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, n = 0, retired = 0;

	if (agency_open(conf, 1, &h) != 0)
		return 1;
	if ((rc = store_read_begin(h.st, &txn)) != 0 ||
	    mdb_cursor_open(txn, store_dbi(h.st, HDB_AGENCIES), &cur) != 0) {
		fprintf(stderr, "hubd agency list: %s\n", eiso_lasterr(EISO_STORE));
		store_read_end(&txn);
		hub_close(&h);
		return 1;
	}
	if (json)
		printf("{\"agencies\":[");
	else
		printf("%-24s %-8s %-14s %-24s %-19s %8s  %s\n", "AGENCY", "STATE", "LEVEL",
		    "PARENT", "ENROLLED", "APPLIED", "NAME");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Eiso__AgencyRecord *a = eiso__agency_record__unpack(NULL, v.mv_size, v.mv_data);
		Eiso__HeadRecord *hr;
		uint64_t seq = 0;
		char when[32];

		if (a == NULL)
			continue;
		if (head_get(txn, &h, a->id, &hr) == 0) {
			seq = hr->seq;
			eiso__head_record__free_unpacked(hr, NULL);
		}
		if (a->state == NULL || strcmp(a->state, "active") != 0)
			retired++;
		if (json) {
			printf("%s{", n ? "," : "");
			agency_json_names(a);
			printf(",\"enrolled\":%lld,\"applied_seq\":%llu", (long long)a->enrolled,
			    (unsigned long long)seq);
			agency_json_key("sign_pub", &a->sign_pub);
			agency_json_key("curve_pub", &a->curve_pub);
			printf("}");
		} else {
			agency_time(when, sizeof(when), a->enrolled);
			printf("%-24s %-8s %-14s %-24s %-19s %8llu  %s\n", a->id,
			    agency_or_dash(a->state), agency_or_dash(a->level),
			    agency_or_dash(a->parent), when, (unsigned long long)seq,
			    agency_or_dash(a->name_vi));
		}
		n++;
		eiso__agency_record__free_unpacked(a, NULL);
	}
	if (json)
		printf("]}\n");
	else
		printf("%d agencies (%d active, %d retired)\n", n, n - retired, retired);
	mdb_cursor_close(cur);
	store_read_end(&txn);
	hub_close(&h);
	return 0;
}

static int
agency_show(const char *conf, int json, const char *id)
{
	uint8_t key[sizeof(AGENCY_HIST) + WIRE_MAX_AGENCY + 16];
	Eiso__AgencyRecord *a;
	struct hub h;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t plen;
	char when[32];
	int rc, n = 0;

	if (!wire_agency_ok(id)) {
		fprintf(stderr, "hubd agency show: '%s' is not an agency id\n", id);
		return 1;
	}
	if (agency_open(conf, 1, &h) != 0)
		return 1;
	if ((rc = store_read_begin(h.st, &txn)) != 0 || (rc = agency_get(txn, &h, id, &a)) != 0) {
		fprintf(stderr, "hubd agency show: %s\n", rc == EISO_NOTFOUND ?
		    "no such agency is enrolled" : eiso_lasterr(rc));
		store_read_end(&txn);
		hub_close(&h);
		return 1;
	}
	agency_time(when, sizeof(when), a->enrolled);
	if (json) {
		printf("{");
		agency_json_names(a);
		printf(",\"enrolled\":%lld,\"history\":[", (long long)a->enrolled);
	} else {
		printf("%s (%s)\n  name_vi  %s\n  name_en  %s\n  level    %s\n  parent   %s\n"
		    "  enrolled %s\n", a->id, agency_or_dash(a->state), agency_or_dash(a->name_vi),
		    agency_or_dash(a->name_en), agency_or_dash(a->level),
		    agency_or_dash(a->parent), when);
	}
	eiso__agency_record__free_unpacked(a, NULL);
	plen = agency_hist_key(key, sizeof(key), id, -1);
	k.mv_data = key;
	k.mv_size = plen;
	if (mdb_cursor_open(txn, store_dbi(h.st, HDB_META), &cur) == 0) {
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 &&
		    k.mv_size == plen + 8 && memcmp(k.mv_data, key, plen) == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			int64_t ms = (int64_t)store_get_be64((uint8_t *)k.mv_data + plen);
			char text[AGENCY_EVENT_MAX + 1], *what = text, *who, *detail;

			snprintf(text, sizeof(text), "%.*s", (int)v.mv_size, (char *)v.mv_data);
			if ((who = strchr(what, '\t')) == NULL ||
			    (detail = strchr(who + 1, '\t')) == NULL)
				continue;
			*who++ = '\0';
			*detail++ = '\0';
			if (json) {
				printf("%s{\"at\":%lld,\"event\":", n ? "," : "", (long long)ms);
				agency_json_str(what);
				printf(",\"by\":");
				agency_json_str(who);
				printf(",\"detail\":");
				agency_json_str(detail);
				printf("}");
			} else {
				agency_time(when, sizeof(when), ms);
				printf("  %s %-7s %s (by %s)\n", when, what, detail, who);
			}
			n++;
		}
		mdb_cursor_close(cur);
	}
	if (json)
		printf("]}\n");
	store_read_end(&txn);
	hub_close(&h);
	return 0;
}

static int
agency_apply(const char *conf, const char *verb, struct agency_change *ch)
{
	struct hub h;
	int rc;

	if (!wire_agency_ok(ch->id)) {
		fprintf(stderr, "hubd agency %s: '%s' is not an agency id\n", verb, ch->id);
		return 1;
	}
	eiso_clearerr();
	if ((ch->name_vi != NULL && (rc = agency_name_ok(ch->name_vi, "--name-vi")) != 0) ||
	    (ch->name_en != NULL && (rc = agency_name_ok(ch->name_en, "--name-en")) != 0) ||
	    (ch->reason != NULL && (rc = agency_name_ok(ch->reason, "--reason")) != 0)) {
		fprintf(stderr, "hubd agency %s: %s\n", verb, eiso_lasterr(rc));
		return 1;
	}
	if (ch->level != NULL && !wire_agency_ok(ch->level)) {
		fprintf(stderr, "hubd agency %s: --level '%s': use 1-%d characters of a-z 0-9 . _ -\n",
		    verb, ch->level, WIRE_MAX_AGENCY);
		return 1;
	}
	if (ch->parent != NULL && strcmp(ch->parent, "-") != 0 && ch->parent[0] != '\0' &&
	    !wire_agency_ok(ch->parent)) {
		fprintf(stderr, "hubd agency %s: --parent '%s' is not an agency id\n", verb,
		    ch->parent);
		return 1;
	}
	if (agency_open(conf, 0, &h) != 0)
		return 1;
	ch->h = &h;
	eiso_clearerr();
	rc = store_write(h.st, agency_change_txn, ch);
	hub_close(&h);
	if (rc != 0) {
		fprintf(stderr, "hubd agency %s: %s (nothing changed)\n", verb, eiso_lasterr(rc));
		return 1;
	}
	printf("%s: %s\n", ch->id, ch->note);
	return 0;
}

struct agency_args {
	const char *conf;
	int json;
	struct agency_change ch;
};

/* The options of every `hubd agency` verb, then nargs arguments (the ID); 2: usage error. */
static int
agency_args(int argc, char **argv, int nargs, struct agency_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "name-vi", required_argument, NULL, 'v' },
		{ "name-en", required_argument, NULL, 'e' },
		{ "parent", required_argument, NULL, 'P' },
		{ "level", required_argument, NULL, 'L' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->conf = HUBD_DEFAULT_CONF;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->conf = optarg; break;
		case 'j': a->json = 1; break;
		case 'v': a->ch.name_vi = optarg; break;
		case 'e': a->ch.name_en = optarg; break;
		case 'P': a->ch.parent = optarg; break;
		case 'L': a->ch.level = optarg; break;
		case 'r': a->ch.reason = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind != nargs)
		return 2;
	if (nargs == 1)
		a->ch.id = argv[optind];
	return 0;
}

static int
agency_cmd_list(int argc, char **argv)
{
	struct agency_args a;

	return agency_args(argc, argv, 0, &a) != 0 ? 2 : agency_list(a.conf, a.json);
}

static int
agency_cmd_show(int argc, char **argv)
{
	struct agency_args a;

	return agency_args(argc, argv, 1, &a) != 0 ? 2 : agency_show(a.conf, a.json, a.ch.id);
}

/* rename, move, retire: one recorded change. */
static int
agency_cmd_change(enum agency_op op, int argc, char **argv)
{
	const char *verb = argv[0];
	struct agency_args a;

	if (agency_args(argc, argv, 1, &a) != 0)
		return 2;
	a.ch.op = op;
	if (op == OP_RENAME && a.ch.name_vi == NULL && a.ch.name_en == NULL) {
		fprintf(stderr, "hubd agency rename: give --name-vi, --name-en or both\n");
		return 2;
	}
	if (op == OP_MOVE && a.ch.parent == NULL && a.ch.level == NULL) {
		fprintf(stderr, "hubd agency move: give --parent, --level or both\n");
		return 2;
	}
	if ((op != OP_RENAME && (a.ch.name_vi || a.ch.name_en)) ||
	    (op != OP_MOVE && (a.ch.parent || a.ch.level))) {
		fprintf(stderr, "hubd agency %s: option not valid for this command\n", verb);
		return 2;
	}
	return agency_apply(a.conf, verb, &a.ch);
}

static int agency_cmd_rename(int argc, char **argv)
{
	return agency_cmd_change(OP_RENAME, argc, argv);
}
static int agency_cmd_move(int argc, char **argv)
{
	return agency_cmd_change(OP_MOVE, argc, argv);
}
static int agency_cmd_retire(int argc, char **argv)
{
	return agency_cmd_change(OP_RETIRE, argc, argv);
}

static const struct verb agency_verb_list[] = {
	{ "list", agency_cmd_list, "every enrolled agency", "[-c CONF] [--json]\n", NULL },
	{ "show", agency_cmd_show, "one agency with its recorded changes",
	    "[-c CONF] [--json] ID\n", NULL },
	{ "rename", agency_cmd_rename, "change an agency's names",
	    "[-c CONF] ID [--name-vi NAME] [--name-en NAME] [--reason TEXT]\n", NULL },
	{ "move", agency_cmd_move, "change an agency's parent or level",
	    "[-c CONF] ID [--parent ID|-] [--level LEVEL] [--reason TEXT]\n", NULL },
	{ "retire", agency_cmd_retire, "refuse the agency's key, keep its log and documents",
	    "[-c CONF] ID [--reason TEXT]\n", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct verb_table agency_verbs = {
	"hubd agency",
	"The enrolled agencies after enrollment (hubd enroll adds them). An id never changes;\n"
	"rename and move change names, parent and level; retire makes the hub refuse the\n"
	"agency's key while keeping its log and documents. Each change is recorded with its\n"
	"time and the user who made it (agency show). Works while hubd runs.\n",
	agency_verb_list,
};
