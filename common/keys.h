/*
 * keys.h: key pairs and key files.
 *
 * Every key is written as lower-case hex on one line. Secret key files are created with mode
 * 0600 and refused when group or others may read them. Secret keys are loaded into
 * sodium_malloc memory and released with keys_free(), which wipes them.
 */
#ifndef EISO_KEYS_H
#define EISO_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_SIGN_PUB   32   /* Ed25519 public key */
#define KEYS_SIGN_SEC   64   /* Ed25519 secret key (seed || public) */
#define KEYS_SIG        64   /* Ed25519 signature */
#define KEYS_CURVE      32   /* CURVE public or secret key */
#define KEYS_HASH       32   /* SHA-256 */

/* sodium_init(); call once before anything else here. Returns 0 or EISO_CRYPTO. */
int keys_init(void);

/* Generate a pair into pub and a fresh sodium_malloc'd *sec. Returns 0, EISO_NOMEM, EISO_CRYPTO. */
int keys_sign_generate(uint8_t pub[KEYS_SIGN_PUB], uint8_t **sec);
int keys_curve_generate(uint8_t pub[KEYS_CURVE], uint8_t **sec);

/*
 * Write len bytes as hex to path. secret != 0 creates the file 0600 and fails with EISO_EXISTS
 * if it exists (keys are never overwritten); public files are replaced. Returns 0 or EISO_IO.
 */
int keys_write(const char *path, const uint8_t *key, size_t len, int secret);

/* Read a public key of exactly len bytes. Returns 0, EISO_IO, EISO_PARSE (wrong length or not hex). */
int keys_read_public(const char *path, uint8_t *key, size_t len);

/*
 * Read a secret key of exactly len bytes into a new sodium_malloc'd *key. Returns 0, EISO_IO,
 * EISO_PERM (mode allows group/other access), EISO_PARSE, EISO_NOMEM.
 */
int keys_read_secret(const char *path, size_t len, uint8_t **key);

/*
 * Create both pairs of a party in directory dir: sign.key/sign.pub (Ed25519) and
 * curve.key/curve.pub (CURVE). Existing secret files are never overwritten (EISO_EXISTS).
 * Returns 0, EISO_EXISTS, EISO_IO, EISO_TOOBIG (path), EISO_CRYPTO, EISO_NOMEM.
 */
int keys_create_pairs(const char *dir, uint8_t sign_pub[KEYS_SIGN_PUB],
    uint8_t curve_pub[KEYS_CURVE]);

/*
 * Check the pairs keys_create_pairs made in dir as the daemons will read them: secret files
 * readable and of mode 0600 or stricter, public files readable, each public key the one its
 * secret derives. Returns 0, EISO_IO, EISO_PERM, EISO_PARSE, EISO_NOMEM, EISO_CRYPTO (a pair
 * does not match; detail names the files), EISO_TOOBIG (path).
 */
int keys_check_pairs(const char *dir);

/*
 * Copy a party's four key files from DATA/keys into DEST/keys (created 0700, files 0600),
 * for a backup that must be able to bring the party back. Returns 0, EISO_IO, EISO_TOOBIG.
 */
int keys_copy_pairs(const char *data_dir, const char *dest_dir);

/* Wipe and free a secret from keys_*; sets *key to NULL. */
void keys_free(uint8_t **key);

/* Hex helpers. keys_hex writes 2*len+1 bytes. keys_unhex returns 0 or EISO_PARSE (needs exact len). */
void keys_hex(char *out, const uint8_t *bin, size_t len);
int keys_unhex(uint8_t *bin, size_t len, const char *hex);

#endif
