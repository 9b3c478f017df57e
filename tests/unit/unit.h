/*
 * unit.h: helpers shared by the cmocka unit tests (temporary directories, files, random
 * bytes). Header-only and static inline so each test stays one self-contained binary, as the
 * Makefile links tests/unit/test_X.c alone against common/.
 */
#ifndef EISO_UNIT_H
#define EISO_UNIT_H

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

/* Make a fresh directory under $TMPDIR (or /tmp); returns a malloc'd path or NULL. */
static inline char *
unit_mkdtemp(const char *what)
{
	const char *base = getenv("TMPDIR");
	char tmpl[PATH_MAX];

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/eiso-%s-XXXXXX", base, what);
	if (mkdtemp(tmpl) == NULL)
		return NULL;
	return strdup(tmpl);
}

static inline int
unit_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove a directory tree made by unit_mkdtemp and free its path; 0 or -1. */
static inline int
unit_rmtree(char **dir)
{
	int rc = 0;

	if (*dir == NULL)
		return 0;
	/* FTW_DEPTH: children before their directory; FTW_PHYS: never follow links out. */
	rc = nftw(*dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*dir);
	*dir = NULL;
	return rc;
}

/* dir + "/" + name into a malloc'd string. */
static inline char *
unit_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Write len bytes to path (mode 0644, replacing it); 0 or -1. */
static inline int
unit_write_file(const char *path, const void *data, size_t len)
{
	const unsigned char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* Read a whole (small) file into a malloc'd buffer; NULL on error. */
static inline unsigned char *
unit_read_file(const char *path, size_t *len)
{
	struct stat sb;
	unsigned char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) != 0 || (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';   /* lets text files be used as strings */
	*len = got;
	return buf;
}

/* A malloc'd buffer of len random bytes (libsodium's generator, so sodium_init first). */
static inline unsigned char *
unit_random(size_t len)
{
	unsigned char *p = malloc(len ? len : 1);

	if (p != NULL)
		randombytes_buf(p, len);
	return p;
}

#endif
