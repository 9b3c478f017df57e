/*
 * api.c: the node's local JSON API, for the agency's own document software. It runs inside
 * `noded run` on the daemon's libuv loop, on the node's one HTTP server (web.c), bound to
 * 127.0.0.1 by default and closed to anyone without the bearer token from the config.
 *
 * It offers what the CLI verbs offer, with the same names: every write goes through
 * document_do(), recordfile_do() or case_do() (one transaction with its outbox entry, I1),
 * so validation and error texts are the CLI's; reads use the same tables and print records
 * with the same encoder (pbjson). Request fields are the CLI's options with '_' for '-';
 * an unknown field is an error, so a typo never passes silently. Files are uploaded first
 * (PUT /api/v1/blobs) and documents then name them by SHA-256. A case read here includes
 * its applicant: this is the node's own API; nothing here reaches the hub but the changes.
 * See docs/API-node.md. Reading a request's fields and parameters is api_fields.c's.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "domain.h"
#include "err.h"
#include "fsutil.h"
#include "http.h"
#include "keys.h"
#include "log.h"
#include "web/api.h"
#include "pbjson.h"
#include "wire.h"

#define API_PREFIX "/api/v1/"
#define API_MAX_SEGS 4

struct api {
	struct node *n;
	char tmp[PATH_MAX];        /* DATA/tmp: an upload is written here, then stored */
};

/* ------------------------------------------------------------------------------------------ */
/* Status */

static void
api_status(struct api *a, struct http_req *r)
{
	struct node_status st;
	int rc;

	eiso_clearerr();
	if ((rc = status_read(a->n, &st)) != 0)
		http_reply_eiso(r, rc);
	else
		http_reply(r, 200, status_json(a->n, &st));
}

/* ------------------------------------------------------------------------------------------ */
/* Files uploaded for documents */

/* A name to store a file under: one path component, printable UTF-8. */
static int
api_file_name_ok(const char *name)
{
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(name), k;
	utf8proc_int32_t cp;

	if (len == 0 || len > 255 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (utf8proc_ssize_t i = 0; i < len; i += k) {
		if ((k = utf8proc_iterate((const utf8proc_uint8_t *)name + i, len - i, &cp)) < 0)
			return 0;
		if (cp < 0x20 || cp == 0x7f || cp == '/')
			return 0;
	}
	return 1;
}

static int
api_write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * PUT /api/v1/blobs?name=FILE: the body is the file. It goes through attach_file like a CLI
 * --file (same type detection and page count), from a temporary file named FILE.
 */
static void
api_blob_put(struct api *a, struct http_req *r)
{
	static const char *const params[] = { "name", NULL };
	char name[768], dir[PATH_MAX], path[PATH_MAX + 800];
	const char *v;
	struct attachment att;
	int fd, rc;

	eiso_clearerr();
	if ((rc = api_query_known(r->query, params)) != 0 ||
	    (rc = api_param(r, "name", name, sizeof(name), &v)) != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	if (v == NULL) {
		http_reply_error(r, 400, "invalid", "name: required (PUT /api/v1/blobs?name=FILE)");
		return;
	}
	if (!api_file_name_ok(name)) {
		http_reply_error(r, 400, "invalid", "name: '%s' is not a file name (1-255 bytes of "
		    "UTF-8, no '/' or control characters)", name);
		return;
	}
	if (r->body_len == 0) {
		http_reply_error(r, 400, "invalid", "body: empty; the request body is the file");
		return;
	}
	if (snprintf(dir, sizeof(dir), "%s/upload.XXXXXX", a->tmp) >= (int)sizeof(dir) ||
	    mkdtemp(dir) == NULL) {
		http_reply_eiso(r, eiso_seterr(EISO_IO, "%s: %s", a->tmp, strerror(errno)));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	} else {
		rc = api_write_all(fd, r->body, r->body_len);
		if (close(fd) != 0 || rc != 0)
			rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		else
			rc = attach_file(a->n, path, &att);
		unlink(path);
	}
	rmdir(dir);
	if (rc != 0) {
		http_reply_eiso(r, rc);
		return;
	}
	log_info("api: stored %s (%llu bytes, %s)", att.name, (unsigned long long)att.ref.size,
	    att.media_type);
	http_reply(r, 201, pbjson_encode(&att.ref.base));
}

/* Remove what a crash may have left of uploads in DATA/tmp. */
static void
api_clean_tmp(const char *tmp)
{
	char sub[PATH_MAX + 300], path[2 * PATH_MAX];
	struct dirent *e, *f;
	DIR *d, *s;

	if ((d = opendir(tmp)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "upload.", 7) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", tmp, e->d_name);
		if ((s = opendir(sub)) != NULL) {
			while ((f = readdir(s)) != NULL) {
				if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0)
					continue;
				snprintf(path, sizeof(path), "%s/%s", sub, f->d_name);
				unlink(path);
			}
			closedir(s);
		}
		rmdir(sub);
	}
	closedir(d);
}

/* ------------------------------------------------------------------------------------------ */
/* Documents */

static const char *const doc_fields_new[] = {
	"code", "kind", "title", "access", "note", "owner_unit", "language", "review_months",
	"retention", "disposition", "origin_issuer", "origin_number", "origin_date", "text", "by",
	"position", "files", NULL
};
static const char *const doc_fields_import[] = {
	"code", "kind", "title", "access", "note", "owner_unit", "language", "review_months",
	"retention", "disposition", "origin_issuer", "origin_number", "origin_date", "text", "by",
	"position", "files", "effective", NULL
};
static const char *const doc_fields_revise[] = {
	"kind", "title", "access", "note", "owner_unit", "language", "review_months",
	"retention", "disposition", "origin_issuer", "origin_number", "origin_date", "text", "by",
	"position", "files", NULL
};
static const char *const doc_fields_edit[] = {
	"kind", "title", "access", "note", "owner_unit", "language", "review_months",
	"retention", "disposition", "origin_issuer", "origin_number", "origin_date", "text",
	"files", NULL
};
static const char *const doc_fields_step[] = { "by", "position", "comment", NULL };
static const char *const doc_fields_approve[] = {
	"by", "position", "effective", "comment", NULL
};
static const char *const doc_fields_withdraw[] = { "note", NULL };

static const char *const *
doc_fields(enum doc_op op)
{
	switch (op) {
	case DOC_NEW: return doc_fields_new;
	case DOC_IMPORT: return doc_fields_import;
	case DOC_REVISE: return doc_fields_revise;
	case DOC_EDIT: return doc_fields_edit;
	case DOC_SUBMIT:
	case DOC_CHECK:
	case DOC_RETURN: return doc_fields_step;
	case DOC_APPROVE: return doc_fields_approve;
	default: return doc_fields_withdraw;
	}
}

struct doc_files {
	Eiso__BlobRef *refs[WIRE_MAX_FILES];
	size_t n;
};

static void
doc_files_free(struct doc_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		eiso__blob_ref__free_unpacked(f->refs[i], NULL);
	f->n = 0;
}

/* files: [SHA-256 hex, ...] of files uploaded before, each held whole by this node. */
static int
api_doc_files(struct api *a, json_t *body, struct doc_request *req, struct doc_files *f)
{
	json_t *arr = json_object_get(body, "files"), *v;
	uint8_t sha[KEYS_HASH];
	MDB_txn *txn;
	size_t i;
	int rc = 0;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return eiso_seterr(EISO_INVAL, "files: must be an array of SHA-256 (hex) of files "
		    "uploaded with PUT /api/v1/blobs");
	if (json_array_size(arr) > WIRE_MAX_FILES)
		return eiso_seterr(EISO_INVAL, "files: more than %d", WIRE_MAX_FILES);
	if ((rc = store_read_begin(a->n->st, &txn)) != 0)
		return rc;
	json_array_foreach(arr, i, v) {
		const char *hex = json_is_string(v) ? json_string_value(v) : "";
		if (!json_is_string(v) || keys_unhex(sha, KEYS_HASH, hex) != 0) {
			rc = eiso_seterr(EISO_INVAL, "files: item %zu is not a SHA-256 (%d hex "
			    "characters)", i + 1, 2 * KEYS_HASH);
			break;
		}
		if ((rc = attach_lookup(txn, a->n, sha, &f->refs[f->n])) != 0) {
			if (rc == EISO_NOTFOUND)
				rc = eiso_seterr(EISO_INVAL, "files: %s is not a file this node "
				    "holds (upload it first: PUT /api/v1/blobs?name=FILE)", hex);
			break;
		}
		f->n++;
	}
	store_read_end(&txn);
	if (rc != 0) {
		doc_files_free(f);
		return rc;
	}
	req->files = f->refs;
	req->nfiles = f->n;
	req->have_files = 1;
	return 0;
}

static void
api_doc_write(struct api *a, struct http_req *r, enum doc_op op, const char *code)
{
	const char *const *fields = doc_fields(op);
	struct doc_request req;
	struct doc_files files = { .n = 0 };
	Eiso__DocIssue *d = NULL;
	json_t *body = NULL;
	char ret[32];
	long months = -1;
	int rc;

	eiso_clearerr();
	memset(&req, 0, sizeof(req));
	req.review_months = -1;
	if ((rc = http_body_json(r, &body)) != 0 || (rc = api_known(body, fields)) != 0)
		goto fail;
	if (code != NULL)
		req.code = code;
	else if ((rc = api_str(body, "code", &req.code)) != 0)
		goto fail;
	if (req.code == NULL || req.code[0] == '\0') {
		rc = eiso_seterr(EISO_INVAL, "code: required");
		goto fail;
	}
	if ((rc = api_str(body, "title", &req.title)) != 0 ||
	    (rc = api_str(body, "kind", &req.kind)) != 0 ||
	    (rc = api_str(body, "access", &req.access)) != 0 ||
	    (rc = api_str(body, "note", &req.note)) != 0 ||
	    (rc = api_str(body, "comment", &req.comment)) != 0 ||
	    (rc = api_str(body, "owner_unit", &req.owner_unit)) != 0 ||
	    (rc = api_str(body, "language", &req.language)) != 0 ||
	    (rc = api_str(body, "disposition", &req.disposition)) != 0 ||
	    (rc = api_retention(body, ret, sizeof(ret), &req.retention)) != 0 ||
	    (rc = api_str(body, "text", &req.text)) != 0 ||
	    (rc = api_str(body, "effective", &req.effective_date)) != 0 ||
	    (rc = api_number(body, "review_months", 120, &months)) != 0 ||
	    (rc = api_str(body, "by", &req.person)) != 0 ||
	    (rc = api_str(body, "position", &req.position)) != 0 ||
	    (rc = api_str(body, "origin_issuer", &req.origin_issuer)) != 0 ||
	    (rc = api_str(body, "origin_number", &req.origin_number)) != 0 ||
	    (rc = api_str(body, "origin_date", &req.origin_date)) != 0)
		goto fail;
	req.review_months = months;
	if (req.text != NULL && strlen(req.text) > DOMAIN_MAX_TEXT) {
		rc = eiso_seterr(EISO_TOOBIG, "text: longer than %d bytes", DOMAIN_MAX_TEXT);
		goto fail;
	}
	if ((rc = api_doc_files(a, body, &req, &files)) != 0)
		goto fail;
	if ((rc = document_do(a->n, op, &req, &d)) != 0)
		goto fail;
	log_info("api: doc %s %s issue %u (%s)", doc_op_name(op), d->code, d->issue, d->status);
	http_reply(r, op == DOC_NEW || op == DOC_IMPORT ? 201 : 200, pbjson_encode(&d->base));
	eiso__doc_issue__free_unpacked(d, NULL);
	doc_files_free(&files);
	json_decref(body);
	return;
fail:
	doc_files_free(&files);
	json_decref(body);
	http_reply_eiso(r, rc);
}

static int
api_append(const Eiso__DocIssue *d, void *arr)
{
	return json_array_append_new(arr, pbjson_encode(&d->base)) == 0 ? 0 : EISO_NOMEM;
}

static void
api_doc_list(struct api *a, struct http_req *r)
{
	static const char *const params[] = { "kind", "status", "access", "review_due", NULL };
	char kbuf[64], sbuf[64], abuf[64];
	struct doc_filter f;
	MDB_txn *txn = NULL;
	json_t *arr = NULL;
	int rc;

	eiso_clearerr();
	memset(&f, 0, sizeof(f));
	if ((rc = api_query_known(r->query, params)) != 0 ||
	    (rc = api_param(r, "kind", kbuf, sizeof(kbuf), &f.kind)) != 0 ||
	    (rc = api_param(r, "status", sbuf, sizeof(sbuf), &f.status)) != 0 ||
	    (rc = api_param(r, "access", abuf, sizeof(abuf), &f.access)) != 0 ||
	    (rc = api_flag(r, "review_due", &f.review_due)) != 0 ||
	    (rc = store_read_begin(a->n->st, &txn)) != 0 ||
	    (arr = json_array()) == NULL ||
	    (rc = document_list(txn, a->n, &f, api_append, arr)) != 0) {
		json_decref(arr);
		store_read_end(&txn);
		http_reply_eiso(r, rc != 0 ? rc : EISO_NOMEM);
		return;
	}
	store_read_end(&txn);
	http_reply(r, 200, json_pack("{s:o}", "documents", arr));
}

static void
api_doc_read(struct api *a, struct http_req *r, const char *code, int history)
{
	static const char *const show_params[] = { "issue", NULL };
	static const char *const no_params[] = { NULL };
	Eiso__DocRecord *rec = NULL;
	Eiso__DocIssue *d;
	MDB_txn *txn = NULL;
	uint32_t issue = 0;
	json_t *arr;
	int rc;

	eiso_clearerr();
	if ((rc = api_query_known(r->query, history ? no_params : show_params)) != 0 ||
	    (rc = api_issue_param(r, &issue)) != 0 ||
	    (rc = store_read_begin(a->n->st, &txn)) != 0 ||
	    (rc = document_index(txn, a->n, code, &rec)) != 0)
		goto fail;
	if (!history) {
		if ((rc = document_get(txn, a->n, code, issue, &d)) != 0)
			goto fail;
		http_reply(r, 200, pbjson_encode(&d->base));
		eiso__doc_issue__free_unpacked(d, NULL);
		goto done;
	}
	arr = json_array();
	for (uint32_t i = 1; i <= rec->latest; i++) {
		if ((rc = document_get(txn, a->n, code, i, &d)) != 0) {
			json_decref(arr);
			goto fail;
		}
		json_array_append_new(arr, pbjson_encode(&d->base));
		eiso__doc_issue__free_unpacked(d, NULL);
	}
	http_reply(r, 200, json_pack("{s:s,s:o}", "code", code, "issues", arr));
	goto done;
fail:
	http_reply_eiso(r, rc);
done:
	if (rec != NULL)
		eiso__doc_record__free_unpacked(rec, NULL);
	store_read_end(&txn);
}

/* ------------------------------------------------------------------------------------------ */
/* Record files */

static void
api_file_write(struct api *a, struct http_req *r, enum file_op op, const char *code)
{
	static const char *const f_new[] = { "organ_id", "catalog", "notation", "title",
		"retention", "access", "creator", "start", NULL };
	static const char *const f_entry[] = { "doc", "issue", NULL };
	static const char *const f_close[] = { "end", NULL };
	struct file_request req;
	Eiso__RecordFile *f;
	json_t *body = NULL;
	char ret[32];
	long issue = 0;
	int rc;

	eiso_clearerr();
	memset(&req, 0, sizeof(req));
	req.code = code;
	if ((rc = http_body_json(r, &body)) != 0 ||
	    (rc = api_known(body, op == FILE_NEW ? f_new : op == FILE_CLOSE ? f_close :
	    f_entry)) != 0 ||
	    (rc = api_str(body, "organ_id", &req.organ_id)) != 0 ||
	    (rc = api_str(body, "catalog", &req.catalog)) != 0 ||
	    (rc = api_str(body, "notation", &req.notation)) != 0 ||
	    (rc = api_str(body, "title", &req.title)) != 0 ||
	    (rc = api_retention(body, ret, sizeof(ret), &req.retention)) != 0 ||
	    (rc = api_str(body, "access", &req.access)) != 0 ||
	    (rc = api_str(body, "creator", &req.creator)) != 0 ||
	    (rc = api_str(body, "start", &req.start_date)) != 0 ||
	    (rc = api_str(body, "end", &req.end_date)) != 0 ||
	    (rc = api_str(body, "doc", &req.doc_code)) != 0 ||
	    (rc = api_number(body, "issue", 1000000, &issue)) != 0)
		goto fail;
	req.issue = (uint32_t)issue;
	if ((rc = recordfile_do(a->n, op, &req, &f)) != 0)
		goto fail;
	log_info("api: record file %s: %u documents, %s", f->code, f->doc_total, f->status);
	http_reply(r, op == FILE_NEW ? 201 : 200, pbjson_encode(&f->base));
	eiso__record_file__free_unpacked(f, NULL);
	json_decref(body);
	return;
fail:
	json_decref(body);
	http_reply_eiso(r, rc);
}

static void
api_file_read(struct api *a, struct http_req *r, const char *code)
{
	static const char *const no_params[] = { NULL };
	Eiso__RecordFile *f;
	MDB_txn *txn = NULL;
	MDB_cursor *cur;
	MDB_val k, v;
	json_t *arr;
	int rc;

	eiso_clearerr();
	if ((rc = api_query_known(r->query, no_params)) != 0 ||
	    (rc = store_read_begin(a->n->st, &txn)) != 0)
		goto fail;
	if (code != NULL) {
		if ((rc = recordfile_get(txn, a->n, code, &f)) != 0)
			goto fail;
		http_reply(r, 200, pbjson_encode(&f->base));
		eiso__record_file__free_unpacked(f, NULL);
		store_read_end(&txn);
		return;
	}
	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(a->n->st, NDB_RECORDS), &cur))) != 0)
		goto fail;
	arr = json_array();
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((f = eiso__record_file__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			continue;
		json_array_append_new(arr, pbjson_encode(&f->base));
		eiso__record_file__free_unpacked(f, NULL);
	}
	mdb_cursor_close(cur);
	store_read_end(&txn);
	http_reply(r, 200, json_pack("{s:o}", "files", arr));
	return;
fail:
	store_read_end(&txn);
	http_reply_eiso(r, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* Cases */

static void
api_case_write(struct api *a, struct http_req *r, enum case_op op, const char *code)
{
	static const char *const f_receive[] = { "code", "procedure", "due", "received", "unit",
		"record_file", "note", "applicant_name", "applicant_id", "applicant_address",
		"applicant_contact", NULL };
	static const char *const f_update[] = { "status", "due", "unit", "record_file", "note",
		NULL };
	static const char *const f_complete[] = { "status", "at", "record_file", "note", NULL };
	struct case_request req;
	Eiso__Case *c;
	json_t *body = NULL;
	int rc;

	eiso_clearerr();
	memset(&req, 0, sizeof(req));
	req.code = code;
	if ((rc = http_body_json(r, &body)) != 0 ||
	    (rc = api_known(body, op == CASE_RECEIVE ? f_receive : op == CASE_UPDATE ? f_update :
	    f_complete)) != 0 ||
	    (code == NULL && (rc = api_str(body, "code", &req.code)) != 0) ||
	    (rc = api_str(body, "procedure", &req.procedure)) != 0 ||
	    (rc = api_time(body, "due", "due", &req.due)) != 0 ||
	    (rc = api_time(body, "received", "received", &req.received)) != 0 ||
	    (rc = api_time(body, "at", "completed", &req.completed)) != 0 ||
	    (rc = api_str(body, "unit", &req.unit)) != 0 ||
	    (rc = api_str(body, "record_file", &req.record_file)) != 0 ||
	    (rc = api_str(body, "note", &req.note)) != 0 ||
	    (rc = api_str(body, "status", &req.status)) != 0 ||
	    (rc = api_str(body, "applicant_name", &req.name)) != 0 ||
	    (rc = api_str(body, "applicant_id", &req.id_number)) != 0 ||
	    (rc = api_str(body, "applicant_address", &req.address)) != 0 ||
	    (rc = api_str(body, "applicant_contact", &req.contact)) != 0 ||
	    (rc = case_do(a->n, op, &req, &c)) != 0) {
		json_decref(body);
		http_reply_eiso(r, rc);
		return;
	}
	log_info("api: case %s %s", c->code, c->status);
	http_reply(r, op == CASE_RECEIVE ? 201 : 200, pbjson_encode(&c->base));
	eiso__case__free_unpacked(c, NULL);
	json_decref(body);
}

static int
api_append_case(const Eiso__Case *c, void *arr)
{
	return json_array_append_new(arr, pbjson_encode(&c->base)) == 0 ? 0 : EISO_NOMEM;
}

static void
api_case_read(struct api *a, struct http_req *r, const char *code)
{
	static const char *const list_params[] = { "status", "open", "overdue", NULL };
	static const char *const no_params[] = { NULL };
	struct case_filter f;
	char sbuf[64];
	Eiso__Case *c;
	Eiso__Applicant *ap;
	MDB_txn *txn = NULL;
	json_t *arr = NULL, *j;
	int rc;

	eiso_clearerr();
	memset(&f, 0, sizeof(f));
	if ((rc = api_query_known(r->query, code ? no_params : list_params)) != 0 ||
	    (rc = api_param(r, "status", sbuf, sizeof(sbuf), &f.status)) != 0 ||
	    (rc = api_flag(r, "open", &f.open)) != 0 ||
	    (rc = api_flag(r, "overdue", &f.overdue)) != 0 ||
	    (rc = store_read_begin(a->n->st, &txn)) != 0)
		goto fail;
	if (code != NULL) {
		/* The applicant too: this API is the node's own, like `noded case show`. */
		if ((rc = case_get(txn, a->n, code, &c, &ap)) != 0)
			goto fail;
		j = pbjson_encode(&c->base);
		if (j != NULL && ap != NULL)
			json_object_set_new(j, "applicant", pbjson_encode(&ap->base));
		http_reply(r, 200, j);
		eiso__case__free_unpacked(c, NULL);
		if (ap != NULL)
			eiso__applicant__free_unpacked(ap, NULL);
		store_read_end(&txn);
		return;
	}
	if ((arr = json_array()) == NULL) {
		rc = EISO_NOMEM;
		goto fail;
	}
	if ((rc = case_list(txn, a->n, &f, api_append_case, arr)) != 0)
		goto fail;
	store_read_end(&txn);
	http_reply(r, 200, json_pack("{s:o}", "cases", arr));
	return;
fail:
	json_decref(arr);
	store_read_end(&txn);
	http_reply_eiso(r, rc);
}

/* ------------------------------------------------------------------------------------------ */
/* Routes */

static void
api_405(struct http_req *r, const char *allowed)
{
	http_reply_error(r, 405, "method", "method: %s %s is not allowed; use %s", r->method,
	    r->path, allowed);
}

static int
api_method(struct http_req *r, const char *want)
{
	if (strcmp(r->method, want) == 0)
		return 1;
	api_405(r, want);
	return 0;
}

static void
api_route_docs(struct api *a, struct http_req *r, char **seg, int n)
{
	static const struct { const char *name; enum doc_op op; } ops[] = {
		{ "revise", DOC_REVISE }, { "edit", DOC_EDIT }, { "submit", DOC_SUBMIT },
		{ "check", DOC_CHECK }, { "return", DOC_RETURN }, { "approve", DOC_APPROVE },
		{ "withdraw", DOC_WITHDRAW },
	};

	if (n == 1) {
		if (strcmp(r->method, "POST") == 0)
			api_doc_write(a, r, DOC_NEW, NULL);
		else if (strcmp(r->method, "GET") == 0)
			api_doc_list(a, r);
		else
			api_405(r, "GET or POST");
		return;
	}
	if (n == 2 && strcmp(seg[1], "import") == 0 && strcmp(r->method, "POST") == 0) {
		api_doc_write(a, r, DOC_IMPORT, NULL);
		return;
	}
	if (n == 2) {
		if (api_method(r, "GET"))
			api_doc_read(a, r, seg[1], 0);
		return;
	}
	if (strcmp(seg[2], "history") == 0) {
		if (api_method(r, "GET"))
			api_doc_read(a, r, seg[1], 1);
		return;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(seg[2], ops[i].name) == 0) {
			if (api_method(r, "POST"))
				api_doc_write(a, r, ops[i].op, seg[1]);
			return;
		}
	}
	http_reply_error(r, 404, "not_found", "path: %s: no such endpoint (a document takes "
	    "history, revise, submit, approve, withdraw)", r->path);
}

static void
api_route_files(struct api *a, struct http_req *r, char **seg, int n)
{
	static const struct { const char *name; enum file_op op; } ops[] = {
		{ "add", FILE_ADD }, { "remove", FILE_REMOVE }, { "close", FILE_CLOSE },
	};

	if (n == 1) {
		if (strcmp(r->method, "POST") == 0)
			api_file_write(a, r, FILE_NEW, NULL);
		else if (strcmp(r->method, "GET") == 0)
			api_file_read(a, r, NULL);
		else
			api_405(r, "GET or POST");
		return;
	}
	if (n == 2) {
		if (api_method(r, "GET"))
			api_file_read(a, r, seg[1]);
		return;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(seg[2], ops[i].name) == 0) {
			if (api_method(r, "POST"))
				api_file_write(a, r, ops[i].op, seg[1]);
			return;
		}
	}
	http_reply_error(r, 404, "not_found", "path: %s: no such endpoint (a record file takes "
	    "add, remove, close)", r->path);
}

static void
api_route_cases(struct api *a, struct http_req *r, char **seg, int n)
{
	if (n == 1) {
		if (strcmp(r->method, "POST") == 0)
			api_case_write(a, r, CASE_RECEIVE, NULL);
		else if (strcmp(r->method, "GET") == 0)
			api_case_read(a, r, NULL);
		else
			api_405(r, "GET or POST");
		return;
	}
	if (n == 2) {
		if (api_method(r, "GET"))
			api_case_read(a, r, seg[1]);
		return;
	}
	if (strcmp(seg[2], "update") == 0 || strcmp(seg[2], "complete") == 0) {
		if (api_method(r, "POST"))
			api_case_write(a, r, seg[2][0] == 'u' ? CASE_UPDATE : CASE_COMPLETE,
			    seg[1]);
		return;
	}
	http_reply_error(r, 404, "not_found", "path: %s: no such endpoint (a case takes update, "
	    "complete)", r->path);
}

void
api_handle(struct api *a, struct http_req *r)
{
	char buf[1024], *seg[API_MAX_SEGS];
	int n = http_path_split(r->path, API_PREFIX, seg, API_MAX_SEGS, buf, sizeof(buf));

	if (n <= 0 || n > 3) {
		http_reply_error(r, 404, "not_found", "path: %s: no such endpoint (see "
		    "docs/API-node.md)", r->path);
		return;
	}
	if (strcmp(seg[0], "status") == 0 && n == 1) {
		if (api_method(r, "GET"))
			api_status(a, r);
	} else if (strcmp(seg[0], "blobs") == 0 && n == 1) {
		if (api_method(r, "PUT"))
			api_blob_put(a, r);
	} else if (strcmp(seg[0], "docs") == 0) {
		api_route_docs(a, r, seg, n);
	} else if (strcmp(seg[0], "files") == 0) {
		api_route_files(a, r, seg, n);
	} else if (strcmp(seg[0], "cases") == 0) {
		api_route_cases(a, r, seg, n);
	} else {
		http_reply_error(r, 404, "not_found", "path: %s: no such endpoint (see "
		    "docs/API-node.md)", r->path);
	}
}

/* ------------------------------------------------------------------------------------------ */

int
api_open(struct node *n, struct api **out)
{
	struct api *a;
	int rc;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return EISO_NOMEM;
	a->n = n;
	if ((rc = node_path(n, a->tmp, sizeof(a->tmp), "tmp")) != 0 ||
	    (rc = fsutil_mkdir(a->tmp, 0700)) != 0) {
		free(a);
		return rc;
	}
	api_clean_tmp(a->tmp);
	*out = a;
	return 0;
}

void
api_close(struct api **a)
{
	free(*a);
	*a = NULL;
}
