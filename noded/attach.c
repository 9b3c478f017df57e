/*
 * attach.c: a file given to a document: stored content-addressed in the node's blob store,
 * its type detected from its content (libmagic), and its pages counted (PDF) so that record
 * files can total pages without anyone typing them.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>

#include "err.h"
#include "noded.h"

/* Count "/Type /Page" (not "/Pages") objects; 0 when none are visible (compressed streams). */
static uint32_t
attach_pdf_pages(const char *path)
{
	static const char pat[] = "/Type";
	char buf[65536 + 32];
	size_t carry = 0;
	uint32_t pages = 0;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	while ((got = read(fd, buf + carry, sizeof(buf) - 32 - carry)) > 0) {
		size_t len = carry + (size_t)got;
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
	close(fd);
	return pages;
}

int
attach_file(struct node *n, const char *path, struct attachment *a)
{
	char base[PATH_MAX];
	const char *type = NULL;
	uint64_t size;
	magic_t m;
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = blob_import(n->st, &n->bt, path, BLOB_CHUNK_DEFAULT, a->sha, &size)) != 0)
		return rc;
	snprintf(base, sizeof(base), "%s", path);
	snprintf(a->name, sizeof(a->name), "%s", basename(base));
	if ((m = magic_open(MAGIC_MIME_TYPE)) != NULL && magic_load(m, NULL) == 0)
		type = magic_file(m, path);
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
		uint32_t p = attach_pdf_pages(path);
		if (p > 0)
			a->ref.pages = p;
	}
	return 0;
}
