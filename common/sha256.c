/* sha256.c: SHA-256 through libcrypto's EVP interface (one-shot through SHA256()). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "err.h"
#include "sha256.h"

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

/* Fetch the implementation once, not on every init. */
static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES])
{
	SHA256(len ? data : (const void *)"", len, out);
}

int
sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *ctx;

	pthread_once(&sha256_once, sha256_fetch);
	h->ctx = NULL;
	if (sha256_md == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		return eiso_seterr(EISO_NOMEM, "SHA-256: libcrypto has no memory");
	if (EVP_DigestInit_ex2(ctx, sha256_md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return eiso_seterr(EISO_NOMEM, "SHA-256: libcrypto failed to start a hash");
	}
	h->ctx = ctx;
	return 0;
}

void
sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (len > 0)
		EVP_DigestUpdate(h->ctx, data, len);
}

void
sha256_final(struct sha256 *h, uint8_t out[SHA256_BYTES])
{
	EVP_DigestFinal_ex(h->ctx, out, NULL);
	sha256_free(h);
}

void
sha256_free(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int
sha256_fd(int fd, const char *path, uint8_t out[SHA256_BYTES], uint64_t *size)
{
	uint8_t buf[65536];
	struct sha256 h;
	uint64_t total = 0;
	ssize_t n;
	int rc;

	if ((rc = sha256_init(&h)) != 0)
		return rc;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
			sha256_free(&h);
			return rc;
		}
		sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	sha256_final(&h, out);
	if (size != NULL)
		*size = total;
	return 0;
}
