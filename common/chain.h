/*
 * chain.h: sealing and verifying signed, hash-chained change sets (invariants I2, I5).
 *
 * A change set's body is the packed ChangeSetBody; its hash is SHA-256(body); it names the hash
 * of the previous body in prev_hash (32 zero bytes for seq 1); its signature is Ed25519 over
 * WIRE_SIGN_DOMAIN, a NUL byte, then the body bytes exactly as sent. Verification never
 * re-serializes anything.
 */
#ifndef EISO_CHAIN_H
#define EISO_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "eiso.pb-c.h"
#include "keys.h"

struct chain_head {
	uint64_t seq;                 /* 0: empty chain */
	uint8_t hash[KEYS_HASH];      /* zeros when seq == 0 */
};

enum chain_verdict {
	CHAIN_APPLY,        /* seq == applied + 1, links, signed: apply it */
	CHAIN_DUPLICATE,    /* seq <= applied and signed: compare with the stored set */
	CHAIN_GAP,          /* seq > applied + 1 */
	CHAIN_FORK,         /* seq == applied + 1 but prev_hash != applied hash */
	CHAIN_IDENTITY,     /* body names another agency than the connection's */
	CHAIN_SIGNATURE,    /* signature does not verify with the enrolled key */
	CHAIN_MALFORMED,    /* body does not parse or is not valid (detail in eiso_lasterr) */
	CHAIN_TOO_LARGE,    /* body breaks a size or count limit (detail in eiso_lasterr) */
};

void chain_hash(const uint8_t *body, size_t len, uint8_t out[KEYS_HASH]);

/* Sign / check a body with the change set domain. chain_sign returns 0 or EISO_NOMEM. */
int chain_sign(const uint8_t *body, size_t len, const uint8_t *sign_sec, uint8_t sig[KEYS_SIG]);
int chain_sig_ok(const uint8_t *body, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t sign_pub[KEYS_SIGN_PUB]);

/*
 * Seal changes[0..n-1] as the set after prev: pack the body, sign it, and return the packed
 * ChangeSet (body + signature) in a new malloc'd *out, with the new head in *next.
 * Returns 0, EISO_NOMEM.
 */
int chain_seal(const struct chain_head *prev, const char *agency, int64_t created,
    Eiso__Change **changes, size_t n, const uint8_t *sign_sec, uint8_t **out, size_t *outlen,
    struct chain_head *next);

/*
 * Judge a received set for the connection's agency against its enrolled key and applied head.
 * On CHAIN_APPLY and CHAIN_DUPLICATE, *body is the unpacked body (free with
 * eiso__change_set_body__free_unpacked) and hash the body's SHA-256; otherwise *body is NULL.
 * *seq is the seq the body claims whenever it parsed (0 otherwise), for reject messages.
 */
enum chain_verdict chain_verify(const Eiso__ChangeSet *cs, const char *agency,
    const uint8_t sign_pub[KEYS_SIGN_PUB], const struct chain_head *applied,
    Eiso__ChangeSetBody **body, uint8_t hash[KEYS_HASH], uint64_t *seq);

const char *chain_verdict_name(enum chain_verdict v);

#endif
