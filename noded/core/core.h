/*
 * core.h: the agency node's core: its configuration, its store and what is kept in it (the
 * one write path, documents, record files, cases), the link to the hub and the scan inbox.
 * The verbs (cli/) and the local JSON API (web/) build on it; nothing here includes them.
 * Prototypes grouped by file.
 */
#ifndef NODED_CORE_H
#define NODED_CORE_H

#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "blob.h"
#include "chain.h"
#include "conf.h"
#include "http.h"
#include "eiso.pb-c.h"
#include "store.h"

#define NODED_DEFAULT_CONF "/etc/eiso/noded.conf"

struct noded_conf {
	char agency[72];
	char data[1024];
	char hub_endpoint[256];
	char hub_key[72];
	uint64_t window;
	uint64_t max_changes;
	uint64_t max_set_bytes;
	uint64_t linger_ms;
	uint64_t heartbeat_ms;
	uint64_t ack_timeout_ms;
	uint64_t reconnect_min_ms;
	uint64_t reconnect_max_ms;
	uint64_t log_debug;
	char inbox_dir[1024];
	char inbox_processed[1024];
	char inbox_rejected[1024];
	uint64_t inbox_settle_ms;
	char inbox_kind[32];
	char inbox_types[160];
	char api_listen[128];
	char api_token[136];
	uint64_t api_max_body;
	struct http_serve api_serve;     /* [api] tls_cert ... read_timeout_s */
};

/* Sub-databases of the node's environment, in store_open order. */
enum node_db {
	NDB_META, NDB_DOCS, NDB_PENDING, NDB_OUTBOX, NDB_CHUNKS, NDB_BLOBMETA, NDB_VERSIONS,
	NDB_RECORDS, NDB_CASES, NDB_APPLICANTS, NDB_ATTACHMENTS, NDB_USERS, NDB_COUNT
};

struct node {
	struct noded_conf conf;
	store_t *st;
	struct blob_tables bt;
};

/* node.c: the directive table, the store's sub-databases, opening the node */
extern const struct conf_directive noded_directives[];
extern const char *const node_dbnames[NDB_COUNT];
int node_open(const char *conf_path, int readonly, struct node *n);
void node_close(struct node *n);
/*
 * Make n's new store (in dir, opened into n->st) what `noded init` leaves: the agency of
 * n->conf in its meta table. 0 or EISO_* with a detail; n->st is open either way.
 */
int node_store_create(struct node *n, const char *dir);
int node_path(const struct node *n, char *buf, size_t len, const char *rel);

/* SIGHUP: reload the directives that may change while the daemon runs. 0 or EISO_*. */
int node_reload(const char *path, struct noded_conf *live, int cli_debug);

/* outbox.c: the one write path (I1) and sealing of change sets */
int outbox_append(MDB_txn *txn, struct node *n, Eiso__Change *change);
/* Seal up to max_sets sets in one write txn; callers ask outbox_pending first (no write lock). */
int outbox_seal(struct node *n, const uint8_t *sign_sec, unsigned max_sets, unsigned *sealed);
int outbox_pending(struct node *n, size_t *pending);   /* changes not yet sealed */
int outbox_head(MDB_txn *txn, const struct node *n, struct chain_head *head);
int outbox_get(MDB_txn *txn, const struct node *n, uint64_t seq, MDB_val *set);
int outbox_set_hash(MDB_txn *txn, const struct node *n, uint64_t seq, uint8_t hash[KEYS_HASH]);

/* attach.c: files given to a document */
struct attachment {
	Eiso__BlobRef ref;
	uint8_t sha[KEYS_HASH];
	char name[256];
	char media_type[128];
	int fresh;               /* the store did not hold this file before */
};
int attach_file(struct node *n, const char *path, struct attachment *a);
/*
 * The same from fd, an open regular file (read from its start), named name in documents; the
 * caller keeps and closes fd. EISO_INVAL when fd is not a regular file.
 */
int attach_fd(struct node *n, int fd, const char *name, struct attachment *a);
/* Undo the files a failed command stored (those that were fresh). */
void attach_undo(struct node *n, struct attachment *a, size_t count);
/* The BlobRef of a file attach_file stored, if this node holds it whole; EISO_NOTFOUND if not. */
int attach_lookup(MDB_txn *txn, struct node *n, const uint8_t sha[KEYS_HASH],
    Eiso__BlobRef **ref);

/* document.c: documents and their issues (ISO 9001 clause 7.5) */
/*
 * The approval route of the newest issue, the same for the CLI, the API and the workspace:
 * DOC_SUBMIT (draft -> in_review; person: who submits, optional), DOC_CHECK (the checker
 * passes it; person required; status stays in_review), DOC_APPROVE (only a checked issue:
 * in_review -> effective) and DOC_RETURN (the checker or the approver sends it back:
 * in_review -> draft, person and comment required; the check is undone). Each of these
 * appends a RouteStep (who, when, comment) to the issue. DOC_EDIT changes the fields of a
 * draft (a returned one included) before it is submitted again.
 */
enum doc_op {
	DOC_NEW, DOC_REVISE, DOC_SUBMIT, DOC_APPROVE, DOC_WITHDRAW, DOC_IMPORT, DOC_CHECK,
	DOC_RETURN, DOC_EDIT, DOC_NOPS
};
#define DOC_COMMENT_MAX 2000             /* bytes of a route step's comment */
struct doc_request {               /* NULL / -1: not given */
	const char *code, *title, *kind, *access, *note, *owner_unit, *language;
	const char *comment;             /* route steps: submit, check, return, approve */
	const char *disposition, *retention, *text, *effective_date;
	long review_months;
	const char *person, *position;   /* drafted, checked or approved by, per op */
	const char *origin_issuer, *origin_number, *origin_date;
	Eiso__BlobRef **files;
	size_t nfiles;
	int have_files;
	const uint8_t *inbox_sha;        /* new: remember this scan; refuse it if known */
	char *inbox_found;               /* out (80 bytes): the code it was imported as */
};
int document_do(struct node *n, enum doc_op op, const struct doc_request *r,
    Eiso__DocIssue **result);
int document_index(MDB_txn *txn, struct node *n, const char *code, Eiso__DocRecord **rec);
/* Store issue d (its code checked already) and update the docs index; no outbox. 0 or EISO_* */
int document_put(MDB_txn *txn, struct node *n, const Eiso__DocIssue *d);
int document_get(MDB_txn *txn, struct node *n, const char *code, uint32_t issue,
    Eiso__DocIssue **d);
const char *doc_op_name(enum doc_op op);
/*
 * The route step the issue waits for: DOC_SUBMIT (a draft), DOC_CHECK (in review, not
 * checked), DOC_APPROVE (in review, checked), or DOC_NOPS (effective, superseded,
 * withdrawn). document_do refuses a route step the issue does not wait for (DOC_RETURN is
 * taken where DOC_CHECK or DOC_APPROVE is), so callers may ask first to show the next step.
 */
enum doc_op document_next(const Eiso__DocIssue *d);
/* The rows of `noded doc list` (and GET /api/v1/docs); NULL / 0: no filter. */
struct doc_filter {
	const char *kind, *status, *access;
	int review_due;
};
typedef int (*doc_list_fn)(const Eiso__DocIssue *d, void *arg);
/*
 * Without status a row is a document: its newest issue (the one in force, if its review has
 * come, for review_due). With status every issue in that status is a row, superseded ones
 * too. fn returning non-zero stops the walk with that code. EISO_INVAL names a bad filter.
 */
int document_list(MDB_txn *txn, struct node *n, const struct doc_filter *f, doc_list_fn fn,
    void *arg);

/* recordfile.c: record files (ho so) */
enum file_op { FILE_NEW, FILE_ADD, FILE_REMOVE, FILE_CLOSE };
struct file_request {
	const char *code;                /* existing file (add, remove, close) */
	const char *organ_id, *catalog, *notation, *title, *retention, *access, *creator;
	const char *start_date, *end_date;
	const char *doc_code;
	uint32_t issue;                  /* 0: the issue in force, else the newest */
};
int recordfile_do(struct node *n, enum file_op op, const struct file_request *r,
    Eiso__RecordFile **result);
int recordfile_get(MDB_txn *txn, struct node *n, const char *code, Eiso__RecordFile **f);

/* casefile.c: administrative-procedure cases */
enum case_op { CASE_RECEIVE, CASE_UPDATE, CASE_COMPLETE };
struct case_request {
	const char *code, *procedure, *unit, *status, *note, *record_file;
	int64_t received, due, completed;   /* unix ms, 0: not given */
	const char *name, *id_number, *address, *contact;   /* the applicant: node only */
};
int case_do(struct node *n, enum case_op op, const struct case_request *r, Eiso__Case **result);
int case_get(MDB_txn *txn, struct node *n, const char *code, Eiso__Case **c,
    Eiso__Applicant **a);
/* The cases of `noded case list` (and GET /api/v1/cases), without applicants. */
struct case_filter {
	const char *status;
	int open, overdue;               /* unfinished; unfinished and past due */
};
typedef int (*case_list_fn)(const Eiso__Case *c, void *arg);
int case_list(MDB_txn *txn, struct node *n, const struct case_filter *f, case_list_fn fn,
    void *arg);

/* inbox.c: the scan inbox */
struct inbox;
int inbox_start(uv_loop_t *loop, struct node *n, struct inbox **ib);
void inbox_stop(struct inbox **ib);

/*
 * sender.c (with sender_msg.c, behind their private sender.h): the link to the hub, run by
 * run.c. sender_open opens the node's store for
 * writing (conf: the config file; cli_debug: -d, kept over reloads); sender_start reads the
 * keys and the outbox's head, connects to the hub and starts the timer and the signal
 * handlers (SIGTERM and SIGINT stop the loop, SIGHUP reloads) on loop; each returns 0 or
 * EISO_* with a detail. sender_stop persists the acknowledged seq and closes the handles
 * (run the loop afterwards); sender_close frees everything and sets *s to NULL.
 */
struct sender;
int sender_open(const char *conf, int cli_debug, struct sender **s);
struct node *sender_node(struct sender *s);
int sender_start(struct sender *s, uv_loop_t *loop);
void sender_stop(struct sender *s);
void sender_close(struct sender **s);

/*
 * restore.c: fill an empty (or half-restored) store of the config conf from this node's own
 * change sets at the hub, each verified against its own key and chain, then fetch the files
 * they name. Prints its progress. 0 (res says what came back) or EISO_* with a detail.
 */
struct restore_result {
	struct chain_head head;
	uint64_t sets, files;
	size_t docs, records, cases, applicants;
};
int restore_from_hub(const char *conf, struct restore_result *res);

/*
 * user.c: the people who work at the node (the workspace's local accounts). A user is a
 * name ([a-z0-9._-], 1-32), a position, roles, an argon2id password hash and a disabled
 * flag, kept in the users table; nothing of it replicates. Hashing and checking a password
 * is slow on purpose: callers on the daemon's loop run user_hash and user_check off it
 * (uv_queue_work). Every function returns 0 or EISO_* with a detail.
 */
enum user_role {
	ROLE_DRAFTER = 1 << 0, ROLE_CHECKER = 1 << 1, ROLE_APPROVER = 1 << 2,
	ROLE_ISO_SECRETARY = 1 << 3, ROLE_RECORDS_CLERK = 1 << 4, ROLE_ONE_STOP = 1 << 5,
	ROLE_IT_ADMIN = 1 << 6,
};
#define USER_NAME_MAX 32
#define USER_HASH_MAX 128
#define USER_PASSWORD_MIN 8
#define USER_PASSWORD_MAX 256
struct user {
	char name[USER_NAME_MAX + 1];
	char position[128];
	char hash[USER_HASH_MAX];        /* crypto_pwhash_str */
	uint32_t roles;
	int disabled;
	int64_t created;
};
/* The role names, in bit order ("drafter", "checker", ...); USER_NROLES of them. */
#define USER_NROLES 7
extern const char *const user_role_names[USER_NROLES];
/* "drafter,checker" -> bits; EISO_INVAL names an unknown role or an empty list. */
int user_roles_parse(const char *s, uint32_t *roles);
/* bits -> "drafter,checker" (buf of at least 128 bytes). */
void user_roles_format(uint32_t roles, char *buf, size_t len);
/* EISO_INVAL when name is not a user name, or password is too short or too long. */
int user_name_ok(const char *name);
int user_password_ok(const char *password);
/* argon2id of password into hash (slow). */
int user_hash(const char *password, char hash[USER_HASH_MAX]);
/* 1 when password matches u's hash and u is not disabled (slow), else 0. */
int user_check(const struct user *u, const char *password);
/*
 * A new user (EISO_EXISTS if the name is taken); hash from user_hash. Roles: at least one,
 * and never it_admin with approver (EISO_INVAL), here and in user_set_roles.
 */
int user_add(struct node *n, const char *name, const char *position, uint32_t roles,
    const char *hash);
int user_set_hash(struct node *n, const char *name, const char *hash);
/*
 * A password change, one rule for `noded user passwd` (old NULL: the administrator resets it)
 * and the workspace's own-password page (old required). user_passwd_hash is the slow part
 * (argon2id, twice with old): the password rules (EISO_INVAL "password: ..."), old checked
 * against u (EISO_INVAL "old_password: ..."), the new hash; callers on the daemon's loop run
 * it on the thread pool and then user_set_hash. user_passwd does all of it (EISO_NOTFOUND
 * when there is no such user).
 */
int user_passwd_hash(const struct user *u, const char *old, const char *password,
    char hash[USER_HASH_MAX]);
int user_passwd(struct node *n, const char *name, const char *old, const char *password);
int user_set_roles(struct node *n, const char *name, uint32_t roles);
int user_set_disabled(struct node *n, const char *name, int disabled);
/* EISO_NOTFOUND when there is no such user. */
int user_get(MDB_txn *txn, struct node *n, const char *name, struct user *u);
typedef int (*user_list_fn)(const struct user *u, void *arg);
int user_list(MDB_txn *txn, struct node *n, user_list_fn fn, void *arg);

/* status.c: what `noded status` and GET /api/v1/status show */
struct node_status {
	uint64_t head_seq, acked_seq, pending_sets, last_ack;
	uint64_t pending_changes;
	char head_hash[2 * KEYS_HASH + 1];
	char acked_hash[2 * KEYS_HASH + 1];   /* must equal the hub's head hash (I6) */
	char link[32];                        /* "stopped" unless the daemon runs */
	char link_detail[96];                 /* why the hub refuses the link, else "" */
	int daemon;
};
int status_read(struct node *n, struct node_status *st);
/* The object `noded status --json` prints and GET /api/v1/status answers (new reference). */
json_t *status_json(const struct node *n, const struct node_status *st);
#endif
