/* keys.c: Ed25519 and CURVE key pairs, hex key files, and the permission rule for secrets. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "fsutil.h"
#include "keys.h"

int
keys_init(void)
{
	if (sodium_init() < 0)
		return eiso_seterr(EISO_CRYPTO, "libsodium failed to initialise");
	return 0;
}

int
keys_sign_generate(uint8_t pub[KEYS_SIGN_PUB], uint8_t **sec)
{
	if ((*sec = sodium_malloc(KEYS_SIGN_SEC)) == NULL)
		return EISO_NOMEM;
	if (crypto_sign_ed25519_keypair(pub, *sec) != 0) {
		keys_free(sec);
		return EISO_CRYPTO;
	}
	return 0;
}

int
keys_curve_generate(uint8_t pub[KEYS_CURVE], uint8_t **sec)
{
	if ((*sec = sodium_malloc(KEYS_CURVE)) == NULL)
		return EISO_NOMEM;
	/* CURVE (ZeroMQ) keys are X25519 keys. */
	randombytes_buf(*sec, KEYS_CURVE);
	if (crypto_scalarmult_base(pub, *sec) != 0) {
		keys_free(sec);
		return EISO_CRYPTO;
	}
	return 0;
}

void
keys_hex(char *out, const uint8_t *bin, size_t len)
{
	sodium_bin2hex(out, len * 2 + 1, bin, len);
}

int
keys_unhex(uint8_t *bin, size_t len, const char *hex)
{
	size_t got;
	const char *end;

	if (strlen(hex) != len * 2 ||
	    sodium_hex2bin(bin, len, hex, len * 2, NULL, &got, &end) != 0 || got != len)
		return EISO_PARSE;
	return 0;
}

int
keys_write(const char *path, const uint8_t *key, size_t len, int secret)
{
	char hex[2 * 128 + 2];
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	size_t n;

	if (len > 128)
		return EISO_INVAL;
	flags |= secret ? O_EXCL : O_TRUNC;
	if ((fd = open(path, flags, secret ? 0600 : 0644)) == -1) {
		if (errno == EEXIST)
			return eiso_seterr(EISO_EXISTS, "%s: key file exists, not overwriting", path);
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	}
	keys_hex(hex, key, len);
	n = strlen(hex);
	hex[n++] = '\n';
	if (write(fd, hex, n) != (ssize_t)n || fsync(fd) != 0) {
		sodium_memzero(hex, sizeof(hex));
		close(fd);
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	}
	sodium_memzero(hex, sizeof(hex));
	return close(fd) == 0 ? 0 : eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
}

/* Read one hex line of exactly len bytes from an open fd into key. */
static int
keys_read_fd(int fd, const char *path, uint8_t *key, size_t len)
{
	char hex[2 * 128 + 4];
	ssize_t n;
	int rc = 0;

	if (len > 128)
		return EISO_INVAL;
	n = read(fd, hex, sizeof(hex) - 1);
	if (n < 0)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	hex[n] = '\0';
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
		hex[--n] = '\0';
	if (keys_unhex(key, len, hex) != 0)
		rc = eiso_seterr(EISO_PARSE, "%s: expected %zu hex characters", path, len * 2);
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

int
keys_read_public(const char *path, uint8_t *key, size_t len)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	rc = keys_read_fd(fd, path, key, len);
	close(fd);
	return rc;
}

int
keys_read_secret(const char *path, size_t len, uint8_t **key)
{
	struct stat st;
	int fd, rc;

	*key = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((rc = fsutil_private_mode(path, st.st_mode, "secret key file")) != 0)
		goto fail;
	if ((*key = sodium_malloc(len)) == NULL) {
		rc = EISO_NOMEM;
		goto fail;
	}
	if ((rc = keys_read_fd(fd, path, *key, len)) != 0)
		keys_free(key);
fail:
	close(fd);
	return rc;
}

void
keys_free(uint8_t **key)
{
	if (*key != NULL) {
		sodium_free(*key);   /* wipes before freeing */
		*key = NULL;
	}
}

/* Write one generated pair: the secret first, so a half-made pair is never published. */
static int
keys_write_pair(const char *dir, const char *name, const uint8_t *pub, size_t publen,
    const uint8_t *sec, size_t seclen)
{
	char file[32], path[PATH_MAX];
	int rc;

	snprintf(file, sizeof(file), "%s.key", name);
	if ((rc = fsutil_path(path, sizeof(path), dir, file)) != 0 ||
	    (rc = keys_write(path, sec, seclen, 1)) != 0)
		return rc;
	snprintf(file, sizeof(file), "%s.pub", name);
	if ((rc = fsutil_path(path, sizeof(path), dir, file)) != 0)
		return rc;
	return keys_write(path, pub, publen, 0);
}

int
keys_create_pairs(const char *dir, uint8_t sign_pub[KEYS_SIGN_PUB], uint8_t curve_pub[KEYS_CURVE])
{
	uint8_t *sec = NULL;
	int rc;

	if ((rc = keys_sign_generate(sign_pub, &sec)) != 0)
		return rc;
	rc = keys_write_pair(dir, "sign", sign_pub, KEYS_SIGN_PUB, sec, KEYS_SIGN_SEC);
	keys_free(&sec);
	if (rc != 0)
		return rc;
	if ((rc = keys_curve_generate(curve_pub, &sec)) != 0)
		return rc;
	rc = keys_write_pair(dir, "curve", curve_pub, KEYS_CURVE, sec, KEYS_CURVE);
	keys_free(&sec);
	return rc;
}

/* Read name.key and name.pub in dir and check that the public half derives from the secret. */
static int
keys_check_pair(const char *dir, const char *name, size_t publen, size_t seclen, int sign)
{
	char file[32], path[PATH_MAX];
	uint8_t pub[KEYS_SIGN_PUB], derived[KEYS_SIGN_PUB], *sec = NULL;
	int rc;

	snprintf(file, sizeof(file), "%s.key", name);
	if ((rc = fsutil_path(path, sizeof(path), dir, file)) != 0 ||
	    (rc = keys_read_secret(path, seclen, &sec)) != 0)
		return rc;
	if (sign)
		rc = crypto_sign_ed25519_sk_to_pk(derived, sec);
	else
		rc = crypto_scalarmult_base(derived, sec);
	keys_free(&sec);
	if (rc != 0)
		return eiso_seterr(EISO_CRYPTO, "%s: not a valid secret key", path);
	snprintf(file, sizeof(file), "%s.pub", name);
	if ((rc = fsutil_path(path, sizeof(path), dir, file)) != 0 ||
	    (rc = keys_read_public(path, pub, publen)) != 0)
		return rc;
	if (sodium_memcmp(pub, derived, publen) != 0)
		return eiso_seterr(EISO_CRYPTO, "%s does not match %s.key: the pair is mixed up",
		    path, name);
	return 0;
}

int
keys_check_pairs(const char *dir)
{
	int rc;

	if ((rc = keys_check_pair(dir, "sign", KEYS_SIGN_PUB, KEYS_SIGN_SEC, 1)) != 0)
		return rc;
	return keys_check_pair(dir, "curve", KEYS_CURVE, KEYS_CURVE, 0);
}

int
keys_copy_pairs(const char *data_dir, const char *dest_dir)
{
	static const char *const files[] = { "sign.key", "sign.pub", "curve.key", "curve.pub" };
	char kdir[PATH_MAX], src[PATH_MAX], dst[PATH_MAX], rel[32];
	int rc;

	if ((rc = fsutil_path(kdir, sizeof(kdir), dest_dir, "keys")) != 0 ||
	    (rc = fsutil_mkdir(kdir, 0700)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "keys/%s", files[i]);
		if ((rc = fsutil_path(src, sizeof(src), data_dir, rel)) != 0 ||
		    (rc = fsutil_path(dst, sizeof(dst), kdir, files[i])) != 0 ||
		    (rc = fsutil_copy(src, dst, 0600)) != 0)
			return rc;
	}
	return 0;
}
