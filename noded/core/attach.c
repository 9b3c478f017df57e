/*
 * attach.c: a file given to a document: stored content-addressed in the node's blob store,
 * its type detected from its content (libmagic), and its pages counted (PDF) so that record
 * files can total pages without anyone typing them. Each file's BlobRef is remembered under its
 * SHA-256 (attachments table), so a document can name a file uploaded before (local API).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>
#include <sodium.h>

#include "err.h"
#include "core/core.h"
#include "sha256.h"

/* Count "/Type /Page" (not "/Pages") objects; 0 when none are visible (compressed streams). */
static uint32_t
attach_pdf_pages(int fd)
{
	static const char pat[] = "/Type";
	char buf[65536 + 32];
	size_t carry = 0;
	uint32_t pages = 0;
	off_t off = 0;
	ssize_t got;

	while ((got = pread(fd, buf + carry, sizeof(buf) - 32 - carry, off)) > 0) {
		size_t len = carry + (size_t)got;

		off += got;
		for (size_t i = 0; i + sizeof(pat) + 6 < len; i++) {
			size_t j;
			if (memcmp(buf + i, pat, sizeof(pat) - 1) != 0)
				continue;
			j = i + sizeof(pat) - 1;
			while (j < len && (buf[j] == ' ' || buf[j] == '\r' || buf[j] == '\n'))
				j++;
			if (j + 6 <= len && memcmp(buf + j, "/Page", 5) == 0 && buf[j + 5] != 's')
				pages++;
		}
		/* Keep a tail so a pattern split across reads is still seen, once. */
		carry = len < 24 ? len : 24;
		memmove(buf, buf + len - carry, carry);
		if (carry == 24) {
			/* Blank out a complete match in the tail: it was counted above. */
			char *m = memmem(buf, carry, pat, sizeof(pat) - 1);
			if (m != NULL && (size_t)(m - buf) + sizeof(pat) + 6 < carry)
				*m = ' ';
		}
	}
	return pages;
}

struct attach_txn {
	struct node *n;
	struct attachment *a;
};

static int
attach_remember_txn(MDB_txn *txn, void *arg)
{
	struct attach_txn *t = arg;

	return store_put_pb(txn, store_dbi(t->n->st, NDB_ATTACHMENTS), t->a->sha, KEYS_HASH,
	    &t->a->ref.base, 0);
}

int
attach_lookup(MDB_txn *txn, struct node *n, const uint8_t sha[KEYS_HASH], Eiso__BlobRef **ref)
{
	MDB_val k = { KEYS_HASH, (void *)sha }, v;
	struct blob_meta m;
	int rc;

	*ref = NULL;
	if ((rc = blob_meta(txn, &n->bt, sha, &m)) != 0)
		return rc;
	if (!m.complete)
		return EISO_NOTFOUND;
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_ATTACHMENTS), &k, &v))) != 0)
		return rc;
	if ((*ref = eiso__blob_ref__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
		return eiso_seterr(EISO_STORE, "attachments: corrupt entry");
	return 0;
}

/* Is the file's content new to the store? Hashes it once more: files are small beside I/O. */
static int
attach_known(struct node *n, int fd, const char *name, int *fresh)
{
	uint8_t sha[KEYS_HASH];
	struct blob_meta m;
	MDB_txn *txn;
	int rc;

	*fresh = 1;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return eiso_seterr(EISO_IO, "%s: %s", name, strerror(errno));
	if ((rc = sha256_fd(fd, name, sha, NULL)) != 0)
		return rc;
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	if (blob_meta(txn, &n->bt, sha, &m) == 0 && m.complete)
		*fresh = 0;
	store_read_end(&txn);
	return 0;
}

static int
attach_forget_txn(MDB_txn *txn, void *arg)
{
	struct attach_txn *t = arg;
	MDB_val k = { KEYS_HASH, t->a->sha };
	int rc = mdb_del(txn, store_dbi(t->n->st, NDB_ATTACHMENTS), &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

void
attach_undo(struct node *n, struct attachment *a, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct attach_txn t = { n, &a[i] };

		if (!a[i].fresh)
			continue;
		store_write(n->st, attach_forget_txn, &t);
		blob_remove(n->st, &n->bt, a[i].sha);
	}
}

int
attach_fd(struct node *n, int fd, const char *name, struct attachment *a)
{
	const char *type = NULL;
	struct stat st;
	uint64_t size;
	magic_t m;
	int rc;

	memset(a, 0, sizeof(*a));
	if (fstat(fd, &st) != 0)
		return eiso_seterr(EISO_IO, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return eiso_seterr(EISO_INVAL, "%s: not a regular file", name);
	if ((rc = attach_known(n, fd, name, &a->fresh)) != 0)
		return rc;
	if ((rc = blob_import_fd(n->st, &n->bt, fd, name, BLOB_CHUNK_DEFAULT, a->sha,
	    &size)) != 0)
		return rc;
	snprintf(a->name, sizeof(a->name), "%s", name);
	/* libmagic reads from the offset it is given the descriptor at. */
	if ((m = magic_open(MAGIC_MIME_TYPE)) != NULL && magic_load(m, NULL) == 0 &&
	    lseek(fd, 0, SEEK_SET) == 0)
		type = magic_descriptor(m, fd);
	snprintf(a->media_type, sizeof(a->media_type), "%s",
	    type != NULL ? type : "application/octet-stream");
	if (m != NULL)
		magic_close(m);
	eiso__blob_ref__init(&a->ref);
	a->ref.sha256.data = a->sha;
	a->ref.sha256.len = KEYS_HASH;
	a->ref.size = size;
	a->ref.name = a->name;
	a->ref.media_type = a->media_type;
	a->ref.pages = 1;
	if (strcmp(a->media_type, "application/pdf") == 0) {
		uint32_t p = attach_pdf_pages(fd);
		if (p > 0)
			a->ref.pages = p;
	}
	/* The newest name and type given to these bytes win. */
	return store_write(n->st, attach_remember_txn, &(struct attach_txn){ n, a });
}

int
attach_file(struct node *n, const char *path, struct attachment *a)
{
	char base[PATH_MAX];
	int fd, rc;

	memset(a, 0, sizeof(*a));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	snprintf(base, sizeof(base), "%s", path);
	rc = attach_fd(n, fd, basename(base), a);
	close(fd);
	return rc;
}
