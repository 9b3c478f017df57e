/*
 * err.h: error codes shared by everything in common/.
 *
 * Functions in common/ return 0 on success or a negative EISO_* code, and may leave a
 * human-readable detail (naming the field, file or peer at fault) in a thread-local buffer
 * read with eiso_lasterr(). Only main() decides whether an error is fatal.
 */
#ifndef EISO_ERR_H
#define EISO_ERR_H

/* X(name, value, text): the one list that makes the enum and the names. */
#define EISO_ERRORS(X)                                          \
	X(OK, 0, "success")                                     \
	X(NOMEM, -1, "out of memory")                           \
	X(IO, -2, "input/output error")                         \
	X(STORE, -3, "storage error")                           \
	X(NOTFOUND, -4, "not found")                            \
	X(EXISTS, -5, "already exists")                         \
	X(INVAL, -6, "invalid argument")                        \
	X(TOOBIG, -7, "over a limit")                           \
	X(PERM, -8, "secret file permissions too wide")         \
	X(CRYPTO, -9, "cryptographic failure")                  \
	X(PARSE, -10, "malformed message")                      \
	X(NET, -11, "network error")                            \
	X(CONF, -12, "configuration error")                     \
	X(HASH, -13, "hash mismatch")                           \
	X(VERSION, -14, "unsupported version")

enum eiso_err {
#define EISO_ERR_ENUM(name, value, text) EISO_##name = (value),
	EISO_ERRORS(EISO_ERR_ENUM)
#undef EISO_ERR_ENUM
};

/* Text of an EISO_* code; "unknown error" for anything else. Never NULL. */
const char *eiso_strerror(int err);

/*
 * Record a detail for the error about to be returned (printf format) and return err, so
 * callers can write `return eiso_seterr(EISO_INVAL, "bad agency id '%s'", id);`.
 */
int eiso_seterr(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last detail set in this thread, or eiso_strerror(err) when none was set since clear. */
const char *eiso_lasterr(int err);

/* Forget the detail (call before an operation whose detail you will print). */
void eiso_clearerr(void);

#endif
