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
 * Seal changes[0..n-1] as the set after prev, each changes[i] a packed Change (as the node's
 * pending queue holds them): they are spliced into the body as they are, never unpacked, and
 * the body is byte for byte what protobuf-c packs from the unpacked changes. Sign it, and
 * return the packed ChangeSet (body + signature) in a new malloc'd *out, with the new head in
 * *next. Returns 0, EISO_NOMEM.
 */
int chain_seal_packed(const struct chain_head *prev, const char *agency, int64_t created,
    const ProtobufCBinaryData *changes, size_t n, const uint8_t *sign_sec, uint8_t **out,
    size_t *outlen, struct chain_head *next);

/*
 * Judging a received set is two steps. chain_check needs no chain state: parse, identity,
 * signature, content rules, hash; it is most of the cost (one Ed25519 verification), so the
 * hub runs it on several threads at once. chain_link then places the set against the applied
 * head: seq and prev_hash. chain_verify does both, in that order.
 */
#define CHAIN_REASON 224

struct chain_checked {
	enum chain_verdict verdict;   /* CHAIN_APPLY: passed so far, chain_link decides */
	Eiso__ChangeSetBody *body;    /* the unpacked body when verdict is CHAIN_APPLY, else NULL */
	uint8_t hash[KEYS_HASH];      /* SHA-256 of the body as sent, when verdict is CHAIN_APPLY */
	uint64_t seq;                 /* the seq the body claims whenever it parsed, else 0 */
	char reason[CHAIN_REASON];    /* why, when verdict is not CHAIN_APPLY; "" otherwise */
};

/*
 * Check cs for the connection's agency against its enrolled key, in the order parse,
 * identity, signature, content rules (wire_check_body). Thread-safe and stateless: the reason
 * is in out->reason (eiso_lasterr is per thread and may hold a stale detail: do not read it). out->verdict is CHAIN_APPLY, CHAIN_IDENTITY,
 * CHAIN_SIGNATURE, CHAIN_MALFORMED or CHAIN_TOO_LARGE; on CHAIN_APPLY the caller owns
 * out->body (free with eiso__change_set_body__free_unpacked).
 * Returns 0, or EISO_NOMEM when the signature could not be checked (out->body is then NULL;
 * nothing was judged).
 */
int chain_check(const Eiso__ChangeSet *cs, const char *agency,
    const uint8_t sign_pub[KEYS_SIGN_PUB], struct chain_checked *out);

/*
 * Place a checked body against the agency's applied head: CHAIN_APPLY (seq == applied + 1 and
 * it links), CHAIN_DUPLICATE (seq <= applied: the caller compares it with the stored set),
 * CHAIN_GAP, or CHAIN_FORK. body must have passed chain_check (its prev_hash is KEYS_HASH
 * bytes). The reason of GAP and FORK goes to why (whylen bytes, always NUL-terminated).
 * Touches no state: the body stays the caller's.
 */
enum chain_verdict chain_link(const Eiso__ChangeSetBody *body, const struct chain_head *applied,
    char *why, size_t whylen);

/*
 * chain_check then chain_link, for callers that judge one set at a time.
 * On CHAIN_APPLY and CHAIN_DUPLICATE, *body is the unpacked body (free with
 * eiso__change_set_body__free_unpacked) and hash the body's SHA-256; otherwise *body is NULL
 * and the reason is in eiso_lasterr. *seq is the seq the body claims whenever it parsed (0
 * otherwise), for reject messages. Out of memory is reported as CHAIN_SIGNATURE, with
 * EISO_NOMEM's detail.
 */
enum chain_verdict chain_verify(const Eiso__ChangeSet *cs, const char *agency,
    const uint8_t sign_pub[KEYS_SIGN_PUB], const struct chain_head *applied,
    Eiso__ChangeSetBody **body, uint8_t hash[KEYS_HASH], uint64_t *seq);

const char *chain_verdict_name(enum chain_verdict v);

#endif
