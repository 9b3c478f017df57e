/*
 * fsutil.c: path joining that refuses truncation, mkdir (and mkdir -p) that tolerates existing
 * dirs, a file copy that never overwrites, and the owner-only check of files that hold secrets.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fsutil.h"

int
fsutil_path(char *buf, size_t len, const char *dir, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", dir, rel);

	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return eiso_seterr(EISO_TOOBIG, "path %s/%s is too long", dir, rel);
	}
	return 0;
}

int
fsutil_mkdir(const char *path, unsigned mode)
{
	struct stat st;

	if (mkdir(path, (mode_t)mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
}

int
fsutil_mkdirs(const char *path, unsigned mode)
{
	char dir[PATH_MAX];
	int rc;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return eiso_seterr(EISO_IO, "%s: path too long", path);
	/* Each parent in turn, from the top: "a/b/c" makes "a", then "a/b". */
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = fsutil_mkdir(dir, 0755);
		*p = '/';
		if (rc != 0)
			return rc;
	}
	return fsutil_mkdir(path, mode);
}

int
fsutil_copy(const char *src, const char *dst, unsigned mode)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", src, strerror(errno));
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode)) == -1) {
		rc = errno == EEXIST ? eiso_seterr(EISO_EXISTS, "%s exists, not overwriting", dst) :
		    eiso_seterr(EISO_IO, "%s: %s", dst, strerror(errno));
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			rc = eiso_seterr(EISO_IO, "%s: %s", dst, strerror(errno));
			break;
		}
	}
	if (rc == 0 && n < 0)
		rc = eiso_seterr(EISO_IO, "%s: %s", src, strerror(errno));
	if (rc == 0 && fsync(out) != 0)
		rc = eiso_seterr(EISO_IO, "%s: %s", dst, strerror(errno));
	if (close(out) != 0 && rc == 0)
		rc = eiso_seterr(EISO_IO, "%s: %s", dst, strerror(errno));
	close(in);
	if (rc != 0)
		unlink(dst);
	return rc;
}

int
fsutil_private_mode(const char *path, unsigned mode, const char *what)
{
	if ((mode & 077) == 0)
		return 0;
	return eiso_seterr(EISO_PERM, "%s: %s has mode %03o, must be 0600 or stricter (chmod 600 "
	    "%s)", path, what, mode & 0777, path);
}

int
fsutil_private(const char *path, const char *what)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	return fsutil_private_mode(path, st.st_mode, what);
}
