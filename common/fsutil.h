/*
 * fsutil.h: small file-system helpers shared by both daemons' setup verbs.
 */
#ifndef EISO_FSUTIL_H
#define EISO_FSUTIL_H

#include <stddef.h>

/* buf = dir "/" rel. Returns 0, or EISO_TOOBIG when it does not fit (buf then empty). */
int fsutil_path(char *buf, size_t len, const char *dir, const char *rel);

/* mkdir with mode unless it exists as a directory. Returns 0 or EISO_IO (detail names path). */
int fsutil_mkdir(const char *path, unsigned mode);

/*
 * Copy the file src to dst, created with mode (never over an existing file) and on disk
 * (fsync) when this returns. Returns 0, EISO_EXISTS, EISO_IO (detail names the file; a
 * partial dst is removed).
 */
int fsutil_copy(const char *src, const char *dst, unsigned mode);

#endif
