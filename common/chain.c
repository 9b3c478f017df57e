/* chain.c: seal (pack, hash, sign) and verify (identity, signature, seq, link) change sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "chain.h"
#include "err.h"
#include "sha256.h"
#include "wire.h"

#define CHAIN_DOMAIN_LEN (sizeof(WIRE_SIGN_DOMAIN))   /* includes the NUL */

void
chain_hash(const uint8_t *body, size_t len, uint8_t out[KEYS_HASH])
{
	sha256(body, len, out);
}

/* The signing input: domain, NUL, body. */
static uint8_t *
chain_input(const uint8_t *body, size_t len, size_t *inlen)
{
	uint8_t *in = malloc(CHAIN_DOMAIN_LEN + len);

	if (in == NULL)
		return NULL;
	memcpy(in, WIRE_SIGN_DOMAIN, CHAIN_DOMAIN_LEN);
	if (len > 0)   /* an empty body may come as NULL: memcpy from NULL is undefined */
		memcpy(in + CHAIN_DOMAIN_LEN, body, len);
	*inlen = CHAIN_DOMAIN_LEN + len;
	return in;
}

int
chain_sign(const uint8_t *body, size_t len, const uint8_t *sign_sec, uint8_t sig[KEYS_SIG])
{
	size_t inlen;
	uint8_t *in = chain_input(body, len, &inlen);

	if (in == NULL)
		return EISO_NOMEM;
	crypto_sign_ed25519_detached(sig, NULL, in, inlen, sign_sec);
	free(in);
	return 0;
}

/* 1 when sig verifies, 0 when not, EISO_NOMEM when it could not be checked. */
static int
chain_sig_check(const uint8_t *body, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t sign_pub[KEYS_SIGN_PUB])
{
	size_t inlen;
	uint8_t *in;
	int ok;

	if (siglen != KEYS_SIG)
		return 0;
	if ((in = chain_input(body, len, &inlen)) == NULL)
		return EISO_NOMEM;
	ok = crypto_sign_ed25519_verify_detached(sig, in, inlen, sign_pub) == 0;
	free(in);
	return ok;
}

int
chain_sig_ok(const uint8_t *body, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t sign_pub[KEYS_SIGN_PUB])
{
	return chain_sig_check(body, len, sig, siglen, sign_pub) == 1;
}

/* Protobuf varints: bytes of v, and v written at p (returns the bytes written). */
static size_t
chain_varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t
chain_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * Ed25519 signing for sealing. Ed25519 is deterministic, so libcrypto's signature is the one
 * libsodium makes (test_chain compares them), and libcrypto's SHA-512, most of the work on a
 * 1 MiB set, runs about 1.5x libsodium's here. sign_sec is libsodium's: seed, then public key.
 * Should libcrypto fail (memory), libsodium signs instead: the same bytes.
 */
static void
chain_ed25519_sign(uint8_t sig[KEYS_SIG], const uint8_t *m, size_t len, const uint8_t *sign_sec)
{
	EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sign_sec,
	    crypto_sign_ed25519_SEEDBYTES);
	EVP_MD_CTX *ctx = key != NULL ? EVP_MD_CTX_new() : NULL;
	size_t siglen = KEYS_SIG;

	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, m, len) != 1 || siglen != KEYS_SIG)
		crypto_sign_ed25519_detached(sig, NULL, m, len, sign_sec);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);     /* libcrypto wipes the private key it copied */
}

#define CHAIN_TAG_CHANGES   ((5 << 3) | 2)    /* ChangeSetBody.changes, length-delimited */
#define CHAIN_TAG_BODY      ((1 << 3) | 2)    /* ChangeSet.body */
#define CHAIN_TAG_SIGNATURE ((2 << 3) | 2)    /* ChangeSet.signature */

/*
 * One buffer, laid out so that nothing is copied twice: the body is built right after room
 * for the signing domain, signed in place (Ed25519 reads its message twice, so it needs it
 * whole and contiguous), then the ChangeSet's own field header replaces the domain and the
 * signature follows the body; one memmove puts the ChangeSet at the start of the buffer.
 */
int
chain_seal_packed(const struct chain_head *prev, const char *agency, int64_t created,
    const ProtobufCBinaryData *changes, size_t n, const uint8_t *sign_sec, uint8_t **out,
    size_t *outlen, struct chain_head *next)
{
	Eiso__ChangeSetBody head = EISO__CHANGE_SET_BODY__INIT;
	size_t len, at, pre, w;
	uint8_t *buf, *p;

	*out = NULL;
	head.agency = (char *)agency;
	head.seq = prev->seq + 1;
	head.prev_hash.data = (uint8_t *)prev->hash;
	head.prev_hash.len = KEYS_HASH;
	head.created = created;
	/* changes is the body's last field: the body is the other fields, then each change. */
	len = eiso__change_set_body__get_packed_size(&head);
	for (size_t i = 0; i < n; i++)
		len += 1 + chain_varint_size(changes[i].len) + changes[i].len;
	pre = 1 + chain_varint_size(len);
	at = CHAIN_DOMAIN_LEN > pre ? CHAIN_DOMAIN_LEN : pre;
	if ((buf = malloc(at + len + 2 + KEYS_SIG)) == NULL)
		return EISO_NOMEM;
	p = buf + at;
	w = eiso__change_set_body__pack(&head, p);
	for (size_t i = 0; i < n; i++) {
		p[w++] = CHAIN_TAG_CHANGES;
		w += chain_varint(p + w, changes[i].len);
		if (changes[i].len > 0)
			memcpy(p + w, changes[i].data, changes[i].len);
		w += changes[i].len;
	}
	memcpy(p - CHAIN_DOMAIN_LEN, WIRE_SIGN_DOMAIN, CHAIN_DOMAIN_LEN);
	chain_ed25519_sign(p + len + 2, p - CHAIN_DOMAIN_LEN, CHAIN_DOMAIN_LEN + len, sign_sec);
	chain_hash(p, len, next->hash);
	next->seq = head.seq;
	p[-(ptrdiff_t)pre] = CHAIN_TAG_BODY;
	chain_varint(p - pre + 1, len);
	p[len] = CHAIN_TAG_SIGNATURE;
	p[len + 1] = KEYS_SIG;
	*outlen = pre + len + 2 + KEYS_SIG;
	memmove(buf, p - pre, *outlen);
	*out = buf;
	return 0;
}

int
chain_check(const Eiso__ChangeSet *cs, const char *agency, const uint8_t sign_pub[KEYS_SIGN_PUB],
    struct chain_checked *out)
{
	Eiso__ChangeSetBody *b;
	int rc;

	out->body = NULL;
	out->seq = 0;
	out->reason[0] = '\0';
	b = eiso__change_set_body__unpack(NULL, cs->body.len, cs->body.data);
	if (b == NULL) {
		snprintf(out->reason, sizeof(out->reason), "change set body does not parse");
		out->verdict = CHAIN_MALFORMED;
		return 0;
	}
	out->seq = b->seq;
	/*
	 * A NUL inside a string would hide its tail from every check below (identity, UTF-8,
	 * lengths): such a body is malformed whoever signed it. Then who sent it and whether
	 * they signed it; content rules after. wire_check_nul's detail is this thread's.
	 */
	eiso_clearerr();
	if ((rc = wire_check_nul(&eiso__change_set_body__descriptor, cs->body.data,
	    cs->body.len)) != 0) {
		snprintf(out->reason, sizeof(out->reason), "change set body: %s",
		    eiso_lasterr(rc));
		out->verdict = CHAIN_MALFORMED;
		goto fail;
	}
	if (b->agency == NULL || strcmp(b->agency, agency) != 0) {
		snprintf(out->reason, sizeof(out->reason), "change set of agency %s sent by %s",
		    b->agency ? b->agency : "(none)", agency);
		out->verdict = CHAIN_IDENTITY;
		goto fail;
	}
	rc = chain_sig_check(cs->body.data, cs->body.len, cs->signature.data, cs->signature.len,
	    sign_pub);
	if (rc != 1) {
		snprintf(out->reason, sizeof(out->reason), rc == 0 ?
		    "signature of seq %llu does not verify with %s's key" :
		    "signature of seq %llu not checked: out of memory (%s)",
		    (unsigned long long)b->seq, agency);
		out->verdict = CHAIN_SIGNATURE;
		eiso__change_set_body__free_unpacked(b, NULL);
		return rc == 0 ? 0 : EISO_NOMEM;
	}
	/* wire_check_body leaves its detail in this thread's eiso_lasterr: take it from there. */
	eiso_clearerr();
	if ((rc = wire_check_body(b)) != 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", eiso_lasterr(rc));
		out->verdict = rc == EISO_TOOBIG ? CHAIN_TOO_LARGE : CHAIN_MALFORMED;
		goto fail;
	}
	chain_hash(cs->body.data, cs->body.len, out->hash);
	out->body = b;
	out->verdict = CHAIN_APPLY;
	return 0;
fail:
	eiso__change_set_body__free_unpacked(b, NULL);
	return 0;
}

enum chain_verdict
chain_link(const Eiso__ChangeSetBody *body, const struct chain_head *applied, char *why,
    size_t whylen)
{
	if (whylen > 0)
		why[0] = '\0';
	if (body->seq <= applied->seq)
		return CHAIN_DUPLICATE;
	if (body->seq > applied->seq + 1) {
		snprintf(why, whylen, "seq %llu after applied %llu", (unsigned long long)body->seq,
		    (unsigned long long)applied->seq);
		return CHAIN_GAP;
	}
	if (sodium_memcmp(body->prev_hash.data, applied->hash, KEYS_HASH) != 0) {
		snprintf(why, whylen, "seq %llu does not link to the applied head",
		    (unsigned long long)body->seq);
		return CHAIN_FORK;
	}
	return CHAIN_APPLY;
}

enum chain_verdict
chain_verify(const Eiso__ChangeSet *cs, const char *agency, const uint8_t sign_pub[KEYS_SIGN_PUB],
    const struct chain_head *applied, Eiso__ChangeSetBody **body, uint8_t hash[KEYS_HASH],
    uint64_t *seq)
{
	struct chain_checked c;
	enum chain_verdict v;
	char why[CHAIN_REASON];
	int rc;

	*body = NULL;
	rc = chain_check(cs, agency, sign_pub, &c);
	*seq = c.seq;
	if (rc != 0 || c.verdict != CHAIN_APPLY) {
		rc = rc != 0 ? rc : c.verdict == CHAIN_SIGNATURE ? EISO_CRYPTO :
		    c.verdict == CHAIN_TOO_LARGE ? EISO_TOOBIG :
		    c.verdict == CHAIN_MALFORMED ? EISO_PARSE : EISO_INVAL;
		eiso_seterr(rc, "%s", c.reason);
		return c.verdict;
	}
	memcpy(hash, c.hash, KEYS_HASH);
	v = chain_link(c.body, applied, why, sizeof(why));
	if (v == CHAIN_GAP || v == CHAIN_FORK) {
		eiso_seterr(EISO_INVAL, "%s", why);
		eiso__change_set_body__free_unpacked(c.body, NULL);
		return v;
	}
	*body = c.body;
	return v;
}

const char *
chain_verdict_name(enum chain_verdict v)
{
	static const char *const names[] = {
		[CHAIN_APPLY] = "apply", [CHAIN_DUPLICATE] = "duplicate", [CHAIN_GAP] = "gap",
		[CHAIN_FORK] = "fork", [CHAIN_IDENTITY] = "identity",
		[CHAIN_SIGNATURE] = "signature", [CHAIN_MALFORMED] = "malformed",
		[CHAIN_TOO_LARGE] = "too-large",
	};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}
