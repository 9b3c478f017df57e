/*
 * fsutil.h: small file-system helpers shared by both daemons' setup verbs, and the check that
 * a file holding secrets is its owner's only.
 */
#ifndef EISO_FSUTIL_H
#define EISO_FSUTIL_H

#include <stddef.h>

/* buf = dir "/" rel. Returns 0, or EISO_TOOBIG when it does not fit (buf then empty). */
int fsutil_path(char *buf, size_t len, const char *dir, const char *rel);

/* mkdir with mode unless it exists as a directory. Returns 0 or EISO_IO (detail names path). */
int fsutil_mkdir(const char *path, unsigned mode);

/*
 * mkdir -p: the missing parents of path are made 0755, path itself with mode (unless it
 * exists as a directory). Returns 0 or EISO_IO (detail names the folder that failed).
 */
int fsutil_mkdirs(const char *path, unsigned mode);

/*
 * Copy the file src to dst, created with mode (never over an existing file) and on disk
 * (fsync) when this returns. Returns 0, EISO_EXISTS, EISO_IO (detail names the file; a
 * partial dst is removed).
 */
int fsutil_copy(const char *src, const char *dst, unsigned mode);

/*
 * Files that hold secrets (secret keys, a configuration with a token) are for their owner
 * only. 0 when mode (an st_mode) grants group and others nothing, else EISO_PERM with the
 * detail "PATH: WHAT has mode 640, must be 0600 or stricter (chmod 600 PATH)".
 */
int fsutil_private_mode(const char *path, unsigned mode, const char *what);

/* The same for the file at path as it is now. EISO_IO when it cannot be looked at. */
int fsutil_private(const char *path, const char *what);

#endif
