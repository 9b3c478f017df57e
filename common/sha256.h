/*
 * sha256.h: SHA-256, the hash of change set bodies and the address of files, through
 * libcrypto, which uses the CPU's SHA extensions where it has them (about 6x libsodium's
 * portable code on the machines we run on; see README, Benchmarks).
 */
#ifndef EISO_SHA256_H
#define EISO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

/* A running hash. sha256_final and sha256_free release it; freeing twice is harmless. */
struct sha256 {
	void *ctx;
};

void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES]);

int sha256_init(struct sha256 *h);   /* 0 or EISO_NOMEM */
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, uint8_t out[SHA256_BYTES]);
void sha256_free(struct sha256 *h);

/*
 * Hash what fd holds from its offset to its end, read in pieces (the file is never held).
 * *size gets the bytes hashed when size is not NULL. Returns 0, EISO_NOMEM, EISO_IO
 * (detail names path).
 */
int sha256_fd(int fd, const char *path, uint8_t out[SHA256_BYTES], uint64_t *size);

#endif
