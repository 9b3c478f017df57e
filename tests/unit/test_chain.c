/*
 * test_chain.c: unit tests for common/chain.c with real libsodium keys: sealing a chain of
 * change sets and the verdict for every way a received set can be wrong (I2, I5), judged
 * whole (chain_verify) and in the hub's two steps (chain_check on any thread, chain_link).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "chain.h"
#include "err.h"
#include "keys.h"
#include "sha256.h"
#include "unit.h"
#include "wire.h"

#define AGENCY "ubnd-vinh-yen"
#define NSETS 3

struct fixture {
	uint8_t pub[KEYS_SIGN_PUB];
	uint8_t *sec;
	uint8_t other_pub[KEYS_SIGN_PUB];
	uint8_t *other_sec;
	struct chain_head head[NSETS + 1];   /* head[i]: after set i; head[0] empty */
	uint8_t *packed[NSETS + 1];          /* packed ChangeSet of seq i */
	size_t packed_len[NSETS + 1];
	Eiso__ChangeSet *cs[NSETS + 1];      /* unpacked, as a hub would receive it */
};

/* One document change; the title is the text field the tamper test flips. */
struct doc_change {
	Eiso__Change change;
	Eiso__DocIssue doc;
	Eiso__BlobRef file;
	Eiso__BlobRef *files[1];
	uint8_t sha[KEYS_HASH];
};

static void
make_change(struct doc_change *c, uint64_t id, const char *code)
{
	Eiso__Change ch = EISO__CHANGE__INIT;
	Eiso__DocIssue doc = EISO__DOC_ISSUE__INIT;
	Eiso__BlobRef file = EISO__BLOB_REF__INIT;

	c->change = ch;
	c->doc = doc;
	c->file = file;
	sha256((const uint8_t *)code, strlen(code), c->sha);
	c->file.sha256.data = c->sha;
	c->file.sha256.len = KEYS_HASH;
	c->file.size = 12345;
	c->file.name = "quy-trinh.pdf";
	c->file.media_type = "application/pdf";
	c->files[0] = &c->file;
	c->doc.code = (char *)code;
	c->doc.title = "Quality Policy of the People's Committee";
	c->doc.kind = "policy";
	c->doc.issue = 2;
	c->doc.status = "in_review";
	c->doc.access = "public";
	c->doc.note = "yearly review";
	c->doc.n_files = 1;
	c->doc.files = c->files;
	c->change.id = id;
	c->change.at = 1700000000000LL + (int64_t)id;
	c->change.op_case = EISO__CHANGE__OP_DOC_ISSUE;
	c->change.doc_issue = &c->doc;
}

/* Seal unpacked changes the one way there is: packed first, as the node's queue holds them. */
static int
seal_changes(const struct chain_head *prev, const char *agency, int64_t created,
    Eiso__Change **changes, size_t n, const uint8_t *sec, uint8_t **out, size_t *outlen,
    struct chain_head *next)
{
	ProtobufCBinaryData *pk = calloc(n + 1, sizeof(*pk));
	int rc;

	assert_non_null(pk);
	for (size_t i = 0; i < n; i++) {
		pk[i].len = eiso__change__get_packed_size(changes[i]);
		assert_non_null(pk[i].data = malloc(pk[i].len + 1));
		eiso__change__pack(changes[i], pk[i].data);
	}
	rc = chain_seal_packed(prev, agency, created, pk, n, sec, out, outlen, next);
	for (size_t i = 0; i < n; i++)
		free(pk[i].data);
	free(pk);
	return rc;
}

static int
seal(const struct chain_head *prev, const char *agency, const uint8_t *sec, uint64_t id,
    uint8_t **out, size_t *outlen, struct chain_head *next)
{
	struct doc_change c;
	Eiso__Change *changes[1];
	char code[16];

	snprintf(code, sizeof(code), "QT-%02llu", (unsigned long long)id);
	make_change(&c, id, code);
	changes[0] = &c.change;
	return seal_changes(prev, agency, 1700000000000LL + (int64_t)id, changes, 1, sec, out,
	    outlen, next);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || keys_init() != 0 ||
	    keys_sign_generate(f->pub, &f->sec) != 0 ||
	    keys_sign_generate(f->other_pub, &f->other_sec) != 0)
		return -1;
	for (int i = 1; i <= NSETS; i++) {
		if (seal(&f->head[i - 1], AGENCY, f->sec, (uint64_t)i, &f->packed[i],
		    &f->packed_len[i], &f->head[i]) != 0)
			return -1;
		f->cs[i] = eiso__change_set__unpack(NULL, f->packed_len[i], f->packed[i]);
		if (f->cs[i] == NULL)
			return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	for (int i = 1; i <= NSETS; i++) {
		eiso__change_set__free_unpacked(f->cs[i], NULL);
		free(f->packed[i]);
	}
	keys_free(&f->sec);
	keys_free(&f->other_sec);
	free(f);
	return 0;
}

/*
 * Verify and expect a verdict and the seq the body claims (0 when it does not parse); on
 * APPLY/DUPLICATE check the body and hash, else that no body came back and a reason did.
 * Then the same with chain_check and chain_link: the same verdict, seq, hash and reason.
 */
static void
expect(const Eiso__ChangeSet *cs, const char *agency, const uint8_t *pub,
    const struct chain_head *applied, enum chain_verdict want, uint64_t want_seq)
{
	Eiso__ChangeSetBody *body = (Eiso__ChangeSetBody *)1;
	uint8_t hash[KEYS_HASH], direct[KEYS_HASH];
	struct chain_checked ck;
	enum chain_verdict v;
	uint64_t seq = 12345;
	char reason[CHAIN_REASON], why[CHAIN_REASON];

	eiso_clearerr();
	v = chain_verify(cs, agency, pub, applied, &body, hash, &seq);
	if (v != want)
		fail_msg("verdict %s, wanted %s (%s)", chain_verdict_name(v),
		    chain_verdict_name(want), eiso_lasterr(0));
	/* Every reject names the seq it is about, so the node can be told. */
	assert_int_equal(seq, want_seq);
	sha256(cs->body.data, cs->body.len, direct);
	if (want == CHAIN_APPLY || want == CHAIN_DUPLICATE) {
		assert_non_null(body);
		assert_int_equal(body->seq, want_seq);
		assert_string_equal(body->agency, agency);
		/* The hash is SHA-256 of the body bytes as sent, not of a re-serialization. */
		assert_memory_equal(hash, direct, KEYS_HASH);
		eiso__change_set_body__free_unpacked(body, NULL);
		reason[0] = '\0';
	} else {
		assert_null(body);
		snprintf(reason, sizeof(reason), "%s", eiso_lasterr(0));
		assert_true(reason[0] != '\0');
	}

	/* The two steps: the reason comes back in ck, not through this thread's last error. */
	memset(&ck, 0x5a, sizeof(ck));
	assert_int_equal(chain_check(cs, agency, pub, &ck), 0);
	assert_int_equal(ck.seq, want_seq);
	if (ck.verdict != CHAIN_APPLY) {
		assert_int_equal(ck.verdict, want);
		assert_null(ck.body);
		assert_string_equal(ck.reason, reason);
		return;
	}
	assert_non_null(ck.body);
	assert_string_equal(ck.reason, "");
	assert_memory_equal(ck.hash, direct, KEYS_HASH);
	memset(why, 'x', sizeof(why));
	v = chain_link(ck.body, applied, why, sizeof(why));
	assert_int_equal(v, want);
	assert_string_equal(why, reason);
	/* chain_link judges and leaves the body to the caller, whatever the verdict. */
	assert_int_equal(ck.body->seq, want_seq);
	eiso__change_set_body__free_unpacked(ck.body, NULL);
}

static void
test_seal_and_verify_in_order(void **state)
{
	struct fixture *f = *state;
	static const uint8_t zeros[KEYS_HASH];
	struct chain_head applied = { 0, { 0 } };

	for (int i = 1; i <= NSETS; i++) {
		Eiso__ChangeSetBody *b = eiso__change_set_body__unpack(NULL, f->cs[i]->body.len,
		    f->cs[i]->body.data);
		uint8_t h[KEYS_HASH];

		assert_non_null(b);
		assert_int_equal(b->seq, i);
		assert_int_equal(b->prev_hash.len, KEYS_HASH);
		/* seq 1 links to 32 zero bytes, every later one to the previous body's hash. */
		assert_memory_equal(b->prev_hash.data, i == 1 ? zeros : f->head[i - 1].hash,
		    KEYS_HASH);
		assert_int_equal(b->n_changes, 1);
		assert_string_equal(b->changes[0]->doc_issue->title,
		    "Quality Policy of the People's Committee");
		eiso__change_set_body__free_unpacked(b, NULL);

		assert_int_equal(f->head[i].seq, i);
		sha256(f->cs[i]->body.data, f->cs[i]->body.len, h);
		assert_memory_equal(f->head[i].hash, h, KEYS_HASH);
		assert_int_equal(f->cs[i]->signature.len, KEYS_SIG);

		expect(f->cs[i], AGENCY, f->pub, &applied, CHAIN_APPLY, (uint64_t)i);
		applied = f->head[i];
	}
}

/* A body whose text changed but still parses: only the signature can catch it. */
static void
test_tampered_body(void **state)
{
	struct fixture *f = *state;
	const char *title = "Quality Policy";
	Eiso__ChangeSet cs = *f->cs[1];
	Eiso__ChangeSetBody *b;
	uint8_t *body = malloc(cs.body.len);
	uint8_t *at;

	assert_non_null(body);
	memcpy(body, cs.body.data, cs.body.len);
	at = memmem(body, cs.body.len, title, strlen(title));
	assert_non_null(at);
	at[0] ^= 0x20;     /* 'Q' -> 'q': same length, still valid text */
	cs.body.data = body;

	b = eiso__change_set_body__unpack(NULL, cs.body.len, cs.body.data);
	assert_non_null(b);
	assert_string_equal(b->changes[0]->doc_issue->title,
	    "quality Policy of the People's Committee");
	eiso__change_set_body__free_unpacked(b, NULL);

	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);
	free(body);
}

static void
test_tampered_signature(void **state)
{
	struct fixture *f = *state;
	Eiso__ChangeSet cs = *f->cs[1];
	uint8_t sig[KEYS_SIG];

	memcpy(sig, cs.signature.data, KEYS_SIG);
	sig[10] ^= 0x01;
	cs.signature.data = sig;
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);

	/* A truncated signature is refused, not read past its end. */
	memcpy(sig, f->cs[1]->signature.data, KEYS_SIG);
	cs.signature.len = KEYS_SIG - 1;
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);
	cs.signature.len = 0;
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);
}

static void
test_wrong_key(void **state)
{
	struct fixture *f = *state;
	uint8_t *out;
	size_t len;
	struct chain_head next;
	Eiso__ChangeSet *cs;

	expect(f->cs[1], AGENCY, f->other_pub, &f->head[0], CHAIN_SIGNATURE, 1);

	/* The same agency's set signed by someone else's key. */
	assert_int_equal(seal(&f->head[0], AGENCY, f->other_sec, 1, &out, &len, &next), 0);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	expect(cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);
	expect(cs, AGENCY, f->other_pub, &f->head[0], CHAIN_APPLY, 1);
	eiso__change_set__free_unpacked(cs, NULL);
	free(out);
}

static void
test_gap(void **state)
{
	struct fixture *f = *state;

	expect(f->cs[3], AGENCY, f->pub, &f->head[1], CHAIN_GAP, 3);
	expect(f->cs[2], AGENCY, f->pub, &f->head[0], CHAIN_GAP, 2);
	expect(f->cs[3], AGENCY, f->pub, &f->head[0], CHAIN_GAP, 3);
}

static void
test_fork(void **state)
{
	struct fixture *f = *state;
	struct chain_head other1, other2;
	uint8_t *out1, *out2;
	size_t len1, len2;
	Eiso__ChangeSet *cs;

	/* Another history from the same key: a different set 1, then a set 2 on top of it. */
	assert_int_equal(seal(&f->head[0], AGENCY, f->sec, 7, &out1, &len1, &other1), 0);
	assert_int_equal(other1.seq, 1);
	assert_memory_not_equal(other1.hash, f->head[1].hash, KEYS_HASH);
	assert_int_equal(seal(&other1, AGENCY, f->sec, 8, &out2, &len2, &other2), 0);
	assert_int_equal(other2.seq, 2);

	assert_non_null(cs = eiso__change_set__unpack(NULL, len2, out2));
	expect(cs, AGENCY, f->pub, &f->head[1], CHAIN_FORK, 2);
	expect(cs, AGENCY, f->pub, &other1, CHAIN_APPLY, 2);
	eiso__change_set__free_unpacked(cs, NULL);

	/* The other set 1 is "duplicate" by seq: the caller must compare it with the stored one. */
	assert_non_null(cs = eiso__change_set__unpack(NULL, len1, out1));
	expect(cs, AGENCY, f->pub, &f->head[1], CHAIN_DUPLICATE, 1);
	eiso__change_set__free_unpacked(cs, NULL);
	free(out1);
	free(out2);
}

static void
test_duplicate(void **state)
{
	struct fixture *f = *state;
	Eiso__ChangeSetBody *body;
	uint8_t hash[KEYS_HASH];
	uint64_t seq;

	/* Set 1 again after 2 was applied: same hash as when it was sealed. */
	assert_int_equal(chain_verify(f->cs[1], AGENCY, f->pub, &f->head[2], &body, hash, &seq),
	    CHAIN_DUPLICATE);
	assert_int_equal(seq, 1);
	assert_non_null(body);
	assert_int_equal(body->seq, 1);
	assert_memory_equal(hash, f->head[1].hash, KEYS_HASH);
	eiso__change_set_body__free_unpacked(body, NULL);

	expect(f->cs[2], AGENCY, f->pub, &f->head[2], CHAIN_DUPLICATE, 2);
	expect(f->cs[2], AGENCY, f->pub, &f->head[3], CHAIN_DUPLICATE, 2);
	/* A duplicate still has to be signed by the enrolled key. */
	expect(f->cs[1], AGENCY, f->other_pub, &f->head[2], CHAIN_SIGNATURE, 1);
}

static void
test_identity(void **state)
{
	struct fixture *f = *state;

	expect(f->cs[1], "other", f->pub, &f->head[0], CHAIN_IDENTITY, 1);
	/* Identity is judged before the signature (the hub's order of checks). */
	expect(f->cs[1], "other", f->other_pub, &f->head[0], CHAIN_IDENTITY, 1);
}

/* The signature covers the domain and a NUL before the body, not the body alone. */
static void
test_signature_domain(void **state)
{
	struct fixture *f = *state;
	const Eiso__ChangeSet *orig = f->cs[1];
	Eiso__ChangeSet cs = *orig;
	uint8_t sig[KEYS_SIG];
	size_t dl = strlen(WIRE_SIGN_DOMAIN);
	uint8_t *in = malloc(dl + 1 + orig->body.len);

	assert_non_null(in);
	assert_true(chain_sig_ok(orig->body.data, orig->body.len, orig->signature.data,
	    orig->signature.len, f->pub));

	/* Plain Ed25519 over the body: valid signature, wrong message. */
	crypto_sign_ed25519_detached(sig, NULL, orig->body.data, orig->body.len, f->sec);
	assert_int_equal(crypto_sign_ed25519_verify_detached(sig, orig->body.data,
	    orig->body.len, f->pub), 0);
	assert_false(chain_sig_ok(orig->body.data, orig->body.len, sig, KEYS_SIG, f->pub));
	cs.signature.data = sig;
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_SIGNATURE, 1);

	/* Domain without the NUL separator: refused. */
	memcpy(in, WIRE_SIGN_DOMAIN, dl);
	memcpy(in + dl, orig->body.data, orig->body.len);
	crypto_sign_ed25519_detached(sig, NULL, in, dl + orig->body.len, f->sec);
	assert_false(chain_sig_ok(orig->body.data, orig->body.len, sig, KEYS_SIG, f->pub));

	/* Domain, NUL, body, signed by hand: what an independent client would do. */
	in[dl] = '\0';
	memcpy(in + dl + 1, orig->body.data, orig->body.len);
	crypto_sign_ed25519_detached(sig, NULL, in, dl + 1 + orig->body.len, f->sec);
	assert_true(chain_sig_ok(orig->body.data, orig->body.len, sig, KEYS_SIG, f->pub));
	assert_memory_equal(sig, orig->signature.data, KEYS_SIG);   /* Ed25519 is deterministic */
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_APPLY, 1);

	/* chain_sign agrees with the hand-made signature. */
	assert_int_equal(chain_sign(orig->body.data, orig->body.len, f->sec, sig), 0);
	assert_memory_equal(sig, orig->signature.data, KEYS_SIG);
	free(in);
}

static void
test_malformed(void **state)
{
	struct fixture *f = *state;
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	Eiso__ChangeSetBody body = EISO__CHANGE_SET_BODY__INIT;
	uint8_t prev[KEYS_HASH] = { 0 }, buf[256], sig[KEYS_SIG];
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;

	cs.body.data = (uint8_t *)junk;
	cs.body.len = sizeof(junk);
	cs.signature.data = sig;
	cs.signature.len = KEYS_SIG;
	assert_int_equal(chain_sign(junk, sizeof(junk), f->sec, sig), 0);
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_MALFORMED, 0);

	/* Parses, signed, but breaks a limit (seq 0). */
	body.agency = AGENCY;
	body.seq = 0;
	body.prev_hash.data = prev;
	body.prev_hash.len = KEYS_HASH;
	assert_true(eiso__change_set_body__get_packed_size(&body) <= sizeof(buf));
	cs.body.len = eiso__change_set_body__pack(&body, buf);
	cs.body.data = buf;
	assert_int_equal(chain_sign(buf, cs.body.len, f->sec, sig), 0);
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_MALFORMED, 0);

	/* The same body with seq 1 is fine: the failure above was the limit. */
	body.seq = 1;
	cs.body.len = eiso__change_set_body__pack(&body, buf);
	assert_int_equal(chain_sign(buf, cs.body.len, f->sec, sig), 0);
	expect(&cs, AGENCY, f->pub, &f->head[0], CHAIN_APPLY, 1);
}

/*
 * Splicing packed changes gives, byte for byte, the ChangeSet of packing the whole body with
 * protobuf-c and signing it with chain_sign (libsodium; sealing signs with libcrypto): for no
 * change, one, and sets whose change and body lengths need 1-, 2- and 3-byte varints.
 */
static void
test_seal_packed_bytes(void **state)
{
	static const size_t counts[] = { 0, 1, 3, 130, 1000 };
	static const size_t notes[] = { 1, 100, 300, 20000 };
	struct fixture *f = *state;
	struct doc_change *c = calloc(1000, sizeof(*c));
	Eiso__Change **changes = calloc(1000, sizeof(*changes));
	char (*codes)[32] = calloc(1000, sizeof(*codes));
	char *note = malloc(20001);

	assert_non_null(c);
	assert_non_null(changes);
	assert_non_null(codes);
	assert_non_null(note);
	memset(note, 'n', 20000);
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		for (size_t m = 0; m < sizeof(notes) / sizeof(notes[0]); m++) {
			Eiso__ChangeSetBody body = EISO__CHANGE_SET_BODY__INIT;
			Eiso__ChangeSet ref = EISO__CHANGE_SET__INIT;
			struct chain_head next;
			uint8_t sig[KEYS_SIG], hash[KEYS_HASH], *rbody, *rset, *out;
			size_t n = counts[k], rlen, len;

			note[notes[m]] = '\0';
			for (size_t i = 0; i < n; i++) {
				snprintf(codes[i], sizeof(codes[i]), "QT-%zu", i);
				make_change(&c[i], 1000 + i, codes[i]);
				/* Sizes vary within a set too. */
				c[i].doc.note = note + (i * 7) % notes[m];
				changes[i] = &c[i].change;
			}
			body.agency = AGENCY;
			body.seq = f->head[2].seq + 1;
			body.prev_hash.data = f->head[2].hash;
			body.prev_hash.len = KEYS_HASH;
			body.created = 1700000000000LL + (int64_t)k;
			body.changes = changes;
			body.n_changes = n;
			assert_non_null(rbody = malloc(eiso__change_set_body__get_packed_size(&body)));
			ref.body.len = eiso__change_set_body__pack(&body, rbody);
			ref.body.data = rbody;
			assert_int_equal(chain_sign(rbody, ref.body.len, f->sec, sig), 0);
			ref.signature.data = sig;
			ref.signature.len = KEYS_SIG;
			assert_non_null(rset = malloc(eiso__change_set__get_packed_size(&ref)));
			rlen = eiso__change_set__pack(&ref, rset);

			assert_int_equal(seal_changes(&f->head[2], AGENCY, body.created, changes, n,
			    f->sec, &out, &len, &next), 0);
			assert_int_equal(len, rlen);
			assert_memory_equal(out, rset, rlen);
			assert_int_equal(next.seq, f->head[2].seq + 1);
			sha256(rbody, ref.body.len, hash);
			assert_memory_equal(next.hash, hash, KEYS_HASH);
			free(out);
			free(rset);
			free(rbody);
			note[notes[m]] = 'n';
		}
	}
	free(note);
	free(codes);
	free(changes);
	free(c);
}

/* A signed set over a size limit is "too large", not "malformed": the node is told which. */
static void
test_too_large(void **state)
{
	struct fixture *f = *state;
	struct chain_head next;
	struct doc_change c;
	Eiso__Change *changes[1] = { &c.change };
	Eiso__BlobRef *files[WIRE_MAX_FILES + 1];
	Eiso__ChangeSet *cs;
	uint8_t *out;
	size_t len;

	make_change(&c, 5, "QT-05");
	for (size_t i = 0; i <= WIRE_MAX_FILES; i++)
		files[i] = &c.file;
	c.doc.files = files;
	c.doc.n_files = WIRE_MAX_FILES + 1;
	assert_int_equal(seal_changes(&f->head[3], AGENCY, 1, changes, 1, f->sec, &out, &len,
	    &next), 0);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	expect(cs, AGENCY, f->pub, &f->head[3], CHAIN_TOO_LARGE, 4);
	eiso__change_set__free_unpacked(cs, NULL);
	free(out);

	/* Invalid UTF-8 in a text field is malformed, with the seq still reported. */
	make_change(&c, 6, "QT-06");
	c.doc.title = "Quy tr\xecnh";      /* Latin-1, not UTF-8 */
	assert_int_equal(seal_changes(&f->head[3], AGENCY, 1, changes, 1, f->sec, &out, &len,
	    &next), 0);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	expect(cs, AGENCY, f->pub, &f->head[3], CHAIN_MALFORMED, 4);
	eiso__change_set__free_unpacked(cs, NULL);
	free(out);

	/* And the same title in UTF-8 is applied. */
	make_change(&c, 7, "QT-07");
	c.doc.title = "Quy tr\xc3\xacnh";   /* "Quy trình" */
	assert_int_equal(seal_changes(&f->head[3], AGENCY, 1, changes, 1, f->sec, &out, &len,
	    &next), 0);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	expect(cs, AGENCY, f->pub, &f->head[3], CHAIN_APPLY, 4);
	eiso__change_set__free_unpacked(cs, NULL);
	free(out);
}

/* chain_link alone: seq and prev_hash against a head, on a body chain_check passed. */
static void
test_link(void **state)
{
	struct fixture *f = *state;
	struct chain_head forked = f->head[1];
	struct chain_checked ck;
	char why[CHAIN_REASON], small[8];

	assert_int_equal(chain_check(f->cs[2], AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_APPLY);
	assert_int_equal(chain_link(ck.body, &f->head[1], why, sizeof(why)), CHAIN_APPLY);
	assert_string_equal(why, "");
	assert_int_equal(chain_link(ck.body, &f->head[2], why, sizeof(why)), CHAIN_DUPLICATE);
	assert_int_equal(chain_link(ck.body, &f->head[3], why, sizeof(why)), CHAIN_DUPLICATE);
	assert_int_equal(chain_link(ck.body, &f->head[0], why, sizeof(why)), CHAIN_GAP);
	assert_string_equal(why, "seq 2 after applied 0");
	forked.hash[31] ^= 1;
	assert_int_equal(chain_link(ck.body, &forked, why, sizeof(why)), CHAIN_FORK);
	assert_string_equal(why, "seq 2 does not link to the applied head");
	/* A short buffer gets a cut reason, still a string; none at all is fine too. */
	assert_int_equal(chain_link(ck.body, &forked, small, sizeof(small)), CHAIN_FORK);
	assert_string_equal(small, "seq 2 d");
	assert_int_equal(chain_link(ck.body, &forked, NULL, 0), CHAIN_FORK);
	/* The same body again: chain_link changed nothing. */
	assert_int_equal(chain_link(ck.body, &f->head[1], why, sizeof(why)), CHAIN_APPLY);
	eiso__change_set_body__free_unpacked(ck.body, NULL);
}

/* The reasons chain_check gives, and its order: signature before content rules. */
static void
test_check_reasons(void **state)
{
	struct fixture *f = *state;
	Eiso__ChangeSetBody body = EISO__CHANGE_SET_BODY__INIT;
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;
	uint8_t prev[KEYS_HASH] = { 0 }, buf[256], sig[KEYS_SIG];
	struct chain_checked ck;

	assert_int_equal(chain_check(f->cs[1], "other", f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_IDENTITY);
	assert_string_equal(ck.reason, "change set of agency " AGENCY " sent by other");
	assert_int_equal(chain_check(f->cs[3], AGENCY, f->other_pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_SIGNATURE);
	assert_string_equal(ck.reason, "signature of seq 3 does not verify with " AGENCY
	    "'s key");

	/* seq 0 breaks a content rule, but a wrong signature is what is reported first. */
	body.agency = AGENCY;
	body.seq = 0;
	body.prev_hash.data = prev;
	body.prev_hash.len = KEYS_HASH;
	cs.body.len = eiso__change_set_body__pack(&body, buf);
	cs.body.data = buf;
	cs.signature.data = sig;
	cs.signature.len = KEYS_SIG;
	assert_int_equal(chain_sign(buf, cs.body.len, f->other_sec, sig), 0);
	assert_int_equal(chain_check(&cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_SIGNATURE);
	assert_int_equal(chain_sign(buf, cs.body.len, f->sec, sig), 0);
	assert_int_equal(chain_check(&cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_MALFORMED);
	assert_string_equal(ck.reason, "change set seq 0");
	assert_null(ck.body);

	cs.body.len = 3;
	assert_int_equal(chain_check(&cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_MALFORMED);
	assert_string_equal(ck.reason, "change set body does not parse");
	assert_int_equal(ck.seq, 0);
}

/* Many threads checking at once, as the hub's pool does: every result as on one thread. */
#define CHECK_THREADS 4
#define CHECK_ROUNDS 40

static void *
check_thread(void *arg)
{
	struct fixture *f = arg;
	struct chain_checked ck;
	uintptr_t bad = 0;

	for (int r = 0; r < CHECK_ROUNDS; r++) {
		int i = 1 + r % NSETS, wrong = r % 3 == 0;

		if (chain_check(f->cs[i], AGENCY, wrong ? f->other_pub : f->pub, &ck) != 0 ||
		    ck.seq != (uint64_t)i) {
			bad++;
			continue;
		}
		if (wrong) {
			char want[CHAIN_REASON];

			snprintf(want, sizeof(want), "signature of seq %d does not verify with "
			    "%s's key", i, AGENCY);
			bad += ck.verdict != CHAIN_SIGNATURE || ck.body != NULL ||
			    strcmp(ck.reason, want) != 0;
		} else {
			bad += ck.verdict != CHAIN_APPLY || ck.body == NULL ||
			    memcmp(ck.hash, f->head[i].hash, KEYS_HASH) != 0;
			if (ck.body != NULL)
				eiso__change_set_body__free_unpacked(ck.body, NULL);
		}
	}
	return (void *)bad;
}

static void
test_check_threads(void **state)
{
	pthread_t th[CHECK_THREADS];
	void *bad;

	for (int i = 0; i < CHECK_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, check_thread, *state), 0);
	for (int i = 0; i < CHECK_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_null(bad);
	}
}

/*
 * Seal set 1 with agency and title as given, put a NUL byte where each '#' is (in the packed
 * body), and sign the patched body: a set its signer really signed, with a NUL inside.
 */
static Eiso__ChangeSet *
seal_with_nul(struct fixture *f, const char *agency, const char *title)
{
	struct doc_change c;
	Eiso__Change *changes[1] = { &c.change };
	Eiso__ChangeSet *cs, copy = EISO__CHANGE_SET__INIT;
	struct chain_head next;
	uint8_t *out, sig[KEYS_SIG], *at;
	const char *marks[2] = { agency, title };
	size_t len;

	make_change(&c, 1, "QT-01");
	c.doc.title = (char *)title;
	assert_int_equal(seal_changes(&f->head[0], agency, 1700000000001LL, changes, 1, f->sec,
	    &out, &len, &next), 0);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	for (int i = 0; i < 2; i++) {
		if (strchr(marks[i], '#') == NULL)
			continue;
		assert_non_null(at = memmem(cs->body.data, cs->body.len, marks[i],
		    strlen(marks[i])));
		at[strchr(marks[i], '#') - marks[i]] = '\0';
	}
	assert_int_equal(chain_sign(cs->body.data, cs->body.len, f->sec, sig), 0);
	copy.body = cs->body;
	copy.signature.data = sig;
	copy.signature.len = KEYS_SIG;
	len = eiso__change_set__pack(&copy, out);
	eiso__change_set__free_unpacked(cs, NULL);
	assert_non_null(cs = eiso__change_set__unpack(NULL, len, out));
	free(out);
	return cs;
}

/*
 * A string with a NUL inside reads as its part before the NUL to C: "ubnd-vinh-yen\0vp-victim"
 * once passed the identity check as ubnd-vinh-yen, and invalid UTF-8 after a NUL was stored
 * in the signed log. Such a body is malformed, whoever signed it, before its signature is
 * checked.
 */
static void
test_nul_in_body(void **state)
{
	struct fixture *f = *state;
	struct chain_checked ck;
	Eiso__ChangeSet *cs;

	cs = seal_with_nul(f, AGENCY "#vp-victim", "Quality Policy");
	assert_int_equal(chain_check(cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_MALFORMED);
	assert_null(ck.body);
	assert_non_null(strstr(ck.reason, "agency holds a NUL byte"));
	/* Before the signature: the same with a key that did not sign it. */
	assert_int_equal(chain_check(cs, AGENCY, f->other_pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_MALFORMED);
	eiso__change_set__free_unpacked(cs, NULL);

	cs = seal_with_nul(f, AGENCY, "Quality Policy#\xff\xfe");
	assert_int_equal(chain_check(cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_MALFORMED);
	assert_non_null(strstr(ck.reason, "title holds a NUL byte"));
	eiso__change_set__free_unpacked(cs, NULL);

	/* The helper itself: without a '#', the set is a good one. */
	cs = seal_with_nul(f, AGENCY, "Quality Policy");
	assert_int_equal(chain_check(cs, AGENCY, f->pub, &ck), 0);
	assert_int_equal(ck.verdict, CHAIN_APPLY);
	eiso__change_set_body__free_unpacked(ck.body, NULL);
	eiso__change_set__free_unpacked(cs, NULL);
}

/* An empty body is signed and checked like any other (no memcpy from NULL: UBSan watches). */
static void
test_empty_body_signature(void **state)
{
	struct fixture *f = *state;
	uint8_t sig[KEYS_SIG], by_hand[KEYS_SIG];

	assert_int_equal(chain_sign(NULL, 0, f->sec, sig), 0);
	crypto_sign_ed25519_detached(by_hand, NULL, (const uint8_t *)WIRE_SIGN_DOMAIN,
	    sizeof(WIRE_SIGN_DOMAIN), f->sec);
	assert_memory_equal(sig, by_hand, KEYS_SIG);
	assert_true(chain_sig_ok(NULL, 0, sig, KEYS_SIG, f->pub));
	assert_false(chain_sig_ok(NULL, 0, sig, KEYS_SIG, f->other_pub));
}

static void
test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(chain_verdict_name(CHAIN_APPLY), "apply");
	assert_string_equal(chain_verdict_name(CHAIN_DUPLICATE), "duplicate");
	assert_string_equal(chain_verdict_name(CHAIN_GAP), "gap");
	assert_string_equal(chain_verdict_name(CHAIN_FORK), "fork");
	assert_string_equal(chain_verdict_name(CHAIN_IDENTITY), "identity");
	assert_string_equal(chain_verdict_name(CHAIN_SIGNATURE), "signature");
	assert_string_equal(chain_verdict_name(CHAIN_MALFORMED), "malformed");
	assert_string_equal(chain_verdict_name(CHAIN_TOO_LARGE), "too-large");
	assert_string_equal(chain_verdict_name((enum chain_verdict)99), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_and_verify_in_order),
		cmocka_unit_test(test_tampered_body),
		cmocka_unit_test(test_tampered_signature),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_signature_domain),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_seal_packed_bytes),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_check_reasons),
		cmocka_unit_test(test_check_threads),
		cmocka_unit_test(test_nul_in_body),
		cmocka_unit_test(test_empty_body_signature),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests_name("chain", tests, setup, teardown);
}
