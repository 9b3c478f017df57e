/* fsutil.c: path joining that refuses truncation, and mkdir that tolerates existing dirs. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
