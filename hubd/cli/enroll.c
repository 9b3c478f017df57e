/*
 * enroll.c: the hub's agencies: enrollment binds an agency id to its Ed25519 signing key and
 * its CURVE transport key (I5). One by one or from a roster (TSV with a header line), all or
 * nothing. The records it writes are read through core/agencies.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "cli/cli.h"
#include "keys.h"
#include "wire.h"

#define ENROLL_MAX_COLS 16

/* Bounds the records have always had: names are short. */
#define ENROLL_RECORD_MAX 2048

struct enroll_row {
	char *f[ENROLL_MAX_COLS];     /* id level parent name_vi name_en sign_pub curve_pub */
	int line;
};

enum { COL_ID, COL_LEVEL, COL_PARENT, COL_NAME_VI, COL_NAME_EN, COL_SIGN, COL_CURVE, COL_N };
static const char *const col_names[COL_N] = {
	"id", "level", "parent", "name_vi", "name_en", "sign_pub", "curve_pub"
};

struct enroll_txn {
	struct hub *h;
	struct enroll_row *rows;
	size_t nrows;
	const char *src;
	size_t added, updated;
};

static int
enroll_one(MDB_txn *txn, struct enroll_txn *e, const struct enroll_row *r)
{
	Eiso__AgencyRecord rec = EISO__AGENCY_RECORD__INIT, *old = NULL;
	uint8_t sign[KEYS_SIGN_PUB], curve[KEYS_CURVE];
	char other[WIRE_MAX_AGENCY + 8];
	const char *id = r->f[COL_ID];
	MDB_val k, v;
	int rc;

	if (!wire_agency_ok(id))
		return eiso_seterr(EISO_INVAL, "%s:%d: agency id '%s' is invalid (1-%d of a-z 0-9 "
		    ". _ -)", e->src, r->line, id, WIRE_MAX_AGENCY);
	if (keys_unhex(sign, sizeof(sign), r->f[COL_SIGN]) != 0)
		return eiso_seterr(EISO_INVAL, "%s:%d: %s: sign_pub must be %d hex characters",
		    e->src, r->line, id, 2 * KEYS_SIGN_PUB);
	if (keys_unhex(curve, sizeof(curve), r->f[COL_CURVE]) != 0)
		return eiso_seterr(EISO_INVAL, "%s:%d: %s: curve_pub must be %d hex characters",
		    e->src, r->line, id, 2 * KEYS_CURVE);
	rc = agency_by_curve(txn, e->h, curve, other, sizeof(other));
	if (rc == 0 && strcmp(other, id) != 0)
		return eiso_seterr(EISO_EXISTS, "%s:%d: %s: curve_pub is already enrolled for %s",
		    e->src, r->line, id, other);
	rc = agency_get(txn, e->h, id, &old);
	if (rc == 0) {
		int same = old->sign_pub.len == KEYS_SIGN_PUB && old->curve_pub.len == KEYS_CURVE &&
		    memcmp(old->sign_pub.data, sign, KEYS_SIGN_PUB) == 0 &&
		    memcmp(old->curve_pub.data, curve, KEYS_CURVE) == 0;
		rec.enrolled = old->enrolled;
		eiso__agency_record__free_unpacked(old, NULL);
		if (!same)
			return eiso_seterr(EISO_EXISTS, "%s:%d: %s is already enrolled with other "
			    "keys; keys are never replaced silently", e->src, r->line, id);
		e->updated++;
	} else if (rc == EISO_NOTFOUND) {
		rec.enrolled = store_now_ms();
		e->added++;
	} else {
		return rc;
	}
	rec.id = (char *)id;
	rec.level = r->f[COL_LEVEL];
	rec.parent = r->f[COL_PARENT];
	rec.name_vi = r->f[COL_NAME_VI];
	rec.name_en = r->f[COL_NAME_EN];
	rec.sign_pub.data = sign;
	rec.sign_pub.len = KEYS_SIGN_PUB;
	rec.curve_pub.data = curve;
	rec.curve_pub.len = KEYS_CURVE;
	rec.state = "active";
	if (eiso__agency_record__get_packed_size(&rec) > ENROLL_RECORD_MAX)
		return eiso_seterr(EISO_TOOBIG, "%s:%d: %s: names too long", e->src, r->line, id);
	if ((rc = store_put_pb(txn, store_dbi(e->h->st, HDB_AGENCIES), id, strlen(id), &rec.base,
	    0)) != 0)
		return rc;
	k.mv_data = curve;
	k.mv_size = KEYS_CURVE;
	v.mv_data = (void *)id;
	v.mv_size = strlen(id);
	return store_rc(mdb_put(txn, store_dbi(e->h->st, HDB_CURVEKEYS), &k, &v, 0));
}

static int
enroll_txn(MDB_txn *txn, void *arg)
{
	struct enroll_txn *e = arg;
	int rc;

	e->added = e->updated = 0;
	for (size_t i = 0; i < e->nrows; i++)
		if ((rc = enroll_one(txn, e, &e->rows[i])) != 0)
			return rc;
	return 0;
}

/* Split a TSV line in place into at most max fields. */
static int
enroll_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Read a roster: '#' comments, a header naming the columns, then one agency per line. */
static int
enroll_read_roster(const char *path, struct enroll_row **rows, size_t *nrows, char ***lines,
    size_t *nlines)
{
	FILE *f;
	char buf[4096], *cols[ENROLL_MAX_COLS];
	int map[COL_N], lineno = 0, header = 0, rc = 0;
	static char empty[] = "";

	*rows = NULL;
	*nrows = 0;
	*lines = NULL;
	*nlines = 0;
	if ((f = fopen(path, "r")) == NULL)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		char *copy, **nl;
		struct enroll_row *nr;
		int n;

		lineno++;
		if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0')
			continue;
		if ((copy = strdup(buf)) == NULL ||
		    (nl = realloc(*lines, (*nlines + 1) * sizeof(char *))) == NULL) {
			free(copy);
			rc = EISO_NOMEM;
			goto done;
		}
		*lines = nl;
		(*lines)[(*nlines)++] = copy;
		n = enroll_split(copy, cols, ENROLL_MAX_COLS);
		if (!header) {
			for (int c = 0; c < COL_N; c++) {
				map[c] = -1;
				for (int i = 0; i < n; i++)
					if (strcmp(cols[i], col_names[c]) == 0)
						map[c] = i;
				if (map[c] < 0 && (c == COL_ID || c == COL_SIGN || c == COL_CURVE)) {
					rc = eiso_seterr(EISO_PARSE, "%s:%d: header has no '%s' "
					    "column (need id, sign_pub, curve_pub; optional level, "
					    "parent, name_vi, name_en)", path, lineno, col_names[c]);
					goto done;
				}
			}
			header = 1;
			continue;
		}
		if ((nr = realloc(*rows, (*nrows + 1) * sizeof(**rows))) == NULL) {
			rc = EISO_NOMEM;
			goto done;
		}
		*rows = nr;
		nr = &(*rows)[(*nrows)++];
		nr->line = lineno;
		for (int c = 0; c < COL_N; c++) {
			nr->f[c] = map[c] >= 0 && map[c] < n ? cols[map[c]] : empty;
			if (c == COL_PARENT && strcmp(nr->f[c], "-") == 0)
				nr->f[c] = empty;
		}
	}
	if (!header)
		rc = eiso_seterr(EISO_PARSE, "%s: no header line (id level parent name_vi name_en "
		    "sign_pub curve_pub)", path);
done:
	fclose(f);
	return rc;
}

int
cmd_enroll(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "roster", required_argument, NULL, 'r' },
		{ "level", required_argument, NULL, 'L' },
		{ "parent", required_argument, NULL, 'P' },
		{ "name-vi", required_argument, NULL, 'v' },
		{ "name-en", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *roster = NULL;
	static char empty[] = "";
	struct enroll_row one = { { 0 }, 0 };
	struct enroll_txn e;
	struct hub h;
	char **lines = NULL;
	size_t nlines = 0;
	int c, rc, ret = 1;

	for (int i = 0; i < COL_N; i++)
		one.f[i] = empty;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'r': roster = optarg; break;
		case 'L': one.f[COL_LEVEL] = optarg; break;
		case 'P': one.f[COL_PARENT] = optarg; break;
		case 'v': one.f[COL_NAME_VI] = optarg; break;
		case 'e': one.f[COL_NAME_EN] = optarg; break;
		default: return 2;
		}
	}
	memset(&e, 0, sizeof(e));
	eiso_clearerr();
	if (roster != NULL) {
		if (optind != argc) {
			fprintf(stderr, "hubd enroll: --roster takes no other arguments\n");
			return 2;
		}
		if ((rc = enroll_read_roster(roster, &e.rows, &e.nrows, &lines, &nlines)) != 0) {
			fprintf(stderr, "hubd enroll: %s\n", eiso_lasterr(rc));
			goto done;
		}
		e.src = roster;
	} else {
		if (argc - optind != 3) {
			fprintf(stderr, "hubd enroll: expected ID SIGN_PUB CURVE_PUB\n");
			return 2;
		}
		one.f[COL_ID] = argv[optind];
		one.f[COL_SIGN] = argv[optind + 1];
		one.f[COL_CURVE] = argv[optind + 2];
		one.line = 1;
		e.rows = &one;
		e.nrows = 1;
		e.src = "command line";
	}
	if ((rc = hub_open(conf, 0, &h)) != 0) {
		fprintf(stderr, "hubd enroll: %s\n", eiso_lasterr(rc));
		goto done;
	}
	e.h = &h;
	rc = store_write(h.st, enroll_txn, &e);
	hub_close(&h);
	if (rc != 0) {
		fprintf(stderr, "hubd enroll: %s (nothing enrolled)\n", eiso_lasterr(rc));
		goto done;
	}
	printf("enrolled %zu new, %zu unchanged or renamed\n", e.added, e.updated);
	ret = 0;
done:
	if (e.rows != &one)
		free(e.rows);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	return ret;
}
