/* chain.c: seal (pack, hash, sign) and verify (identity, signature, seq, link) change sets. */
#include <stdlib.h>
#include <string.h>

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

int
chain_sig_ok(const uint8_t *body, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t sign_pub[KEYS_SIGN_PUB])
{
	size_t inlen;
	uint8_t *in;
	int ok;

	if (siglen != KEYS_SIG || (in = chain_input(body, len, &inlen)) == NULL)
		return 0;
	ok = crypto_sign_ed25519_verify_detached(sig, in, inlen, sign_pub) == 0;
	free(in);
	return ok;
}

int
chain_seal(const struct chain_head *prev, const char *agency, int64_t created,
    Eiso__Change **changes, size_t n, const uint8_t *sign_sec, uint8_t **out, size_t *outlen,
    struct chain_head *next)
{
	Eiso__ChangeSetBody body = EISO__CHANGE_SET_BODY__INIT;
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;
	uint8_t sig[KEYS_SIG], *packed;
	size_t len;
	int rc;

	*out = NULL;
	body.agency = (char *)agency;
	body.seq = prev->seq + 1;
	body.prev_hash.data = (uint8_t *)prev->hash;
	body.prev_hash.len = KEYS_HASH;
	body.created = created;
	body.changes = changes;
	body.n_changes = n;
	len = eiso__change_set_body__get_packed_size(&body);
	if ((packed = malloc(len ? len : 1)) == NULL)
		return EISO_NOMEM;
	eiso__change_set_body__pack(&body, packed);
	if ((rc = chain_sign(packed, len, sign_sec, sig)) != 0)
		goto fail;
	cs.body.data = packed;
	cs.body.len = len;
	cs.signature.data = sig;
	cs.signature.len = KEYS_SIG;
	*outlen = eiso__change_set__get_packed_size(&cs);
	if ((*out = malloc(*outlen)) == NULL) {
		rc = EISO_NOMEM;
		goto fail;
	}
	eiso__change_set__pack(&cs, *out);
	next->seq = body.seq;
	chain_hash(packed, len, next->hash);
fail:
	free(packed);
	return rc;
}

enum chain_verdict
chain_verify(const Eiso__ChangeSet *cs, const char *agency, const uint8_t sign_pub[KEYS_SIGN_PUB],
    const struct chain_head *applied, Eiso__ChangeSetBody **body, uint8_t hash[KEYS_HASH],
    uint64_t *seq)
{
	Eiso__ChangeSetBody *b;
	enum chain_verdict v;
	int rc;

	*body = NULL;
	*seq = 0;
	b = eiso__change_set_body__unpack(NULL, cs->body.len, cs->body.data);
	if (b == NULL) {
		eiso_seterr(EISO_PARSE, "change set body does not parse");
		return CHAIN_MALFORMED;
	}
	*seq = b->seq;
	/* Who sent it and whether they signed it come first; content rules after. */
	if (b->agency == NULL || strcmp(b->agency, agency) != 0) {
		eiso_seterr(EISO_INVAL, "change set of agency %s sent by %s",
		    b->agency ? b->agency : "(none)", agency);
		v = CHAIN_IDENTITY;
		goto fail;
	}
	if (!chain_sig_ok(cs->body.data, cs->body.len, cs->signature.data, cs->signature.len,
	    sign_pub)) {
		eiso_seterr(EISO_CRYPTO, "signature of seq %llu does not verify with %s's key",
		    (unsigned long long)b->seq, agency);
		v = CHAIN_SIGNATURE;
		goto fail;
	}
	if ((rc = wire_check_body(b)) != 0) {
		v = rc == EISO_TOOBIG ? CHAIN_TOO_LARGE : CHAIN_MALFORMED;
		goto fail;
	}
	chain_hash(cs->body.data, cs->body.len, hash);
	if (b->seq <= applied->seq) {
		*body = b;
		return CHAIN_DUPLICATE;
	}
	if (b->seq > applied->seq + 1) {
		eiso_seterr(EISO_INVAL, "seq %llu after applied %llu",
		    (unsigned long long)b->seq, (unsigned long long)applied->seq);
		v = CHAIN_GAP;
		goto fail;
	}
	if (sodium_memcmp(b->prev_hash.data, applied->hash, KEYS_HASH) != 0) {
		eiso_seterr(EISO_INVAL, "seq %llu does not link to the applied head",
		    (unsigned long long)b->seq);
		v = CHAIN_FORK;
		goto fail;
	}
	*body = b;
	return CHAIN_APPLY;
fail:
	eiso__change_set_body__free_unpacked(b, NULL);
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
