/*
 * test_wire.c: unit tests for common/wire.c: envelope round trips for every message kind,
 * frame limits on both sides, garbage input, the change set body limits (I8), agency ids,
 * and wire_send over a ZeroMQ inproc pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <utf8proc.h>
#include <zmq.h>

#include "err.h"
#include "keys.h"
#include "domain.h"
#include "wire.h"
#include "unit.h"

static const uint8_t sha_a[KEYS_HASH] = { 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 0xbb };

/* Pack with the default limit, unpack, and check the kind survived. Caller frees *out. */
static void
round_trip(const Eiso__Envelope *env, Eiso__Envelope **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	rc = wire_pack(env, WIRE_MAX_FRAME_DEFAULT, &buf, &len);
	if (rc != 0)
		fail_msg("wire_pack: %s", eiso_lasterr(rc));
	assert_non_null(buf);
	assert_int_equal(len, eiso__envelope__get_packed_size(env));
	rc = wire_unpack(buf, len, WIRE_MAX_FRAME_DEFAULT, out);
	free(buf);
	if (rc != 0)
		fail_msg("wire_unpack: %s", eiso_lasterr(rc));
	assert_non_null(*out);
	assert_int_equal((*out)->msg_case, env->msg_case);
}

static void
test_round_trip_hello_welcome(void **state)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *out;
	Eiso__Hello hello = EISO__HELLO__INIT;
	Eiso__Welcome w = EISO__WELCOME__INIT;

	(void)state;
	hello.protocol = WIRE_PROTOCOL;
	hello.agency = "so-khcn.vinh-phuc";
	hello.head_seq = 1234567890123ULL;
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &hello;
	round_trip(&env, &out);
	assert_int_equal(out->hello->protocol, WIRE_PROTOCOL);
	assert_string_equal(out->hello->agency, "so-khcn.vinh-phuc");
	assert_true(out->hello->head_seq == 1234567890123ULL);
	wire_free(&out);
	assert_null(out);

	w.protocol = WIRE_PROTOCOL;
	w.applied_seq = 42;
	w.applied_hash.data = (uint8_t *)sha_a;
	w.applied_hash.len = KEYS_HASH;
	w.window = 64;
	w.max_frame = (uint32_t)WIRE_MAX_FRAME_DEFAULT;
	w.chunk_size = 262144;
	env.msg_case = EISO__ENVELOPE__MSG_WELCOME;
	env.welcome = &w;
	round_trip(&env, &out);
	assert_int_equal(out->welcome->applied_seq, 42);
	assert_int_equal(out->welcome->applied_hash.len, KEYS_HASH);
	assert_memory_equal(out->welcome->applied_hash.data, sha_a, KEYS_HASH);
	assert_int_equal(out->welcome->window, 64);
	assert_int_equal(out->welcome->max_frame, WIRE_MAX_FRAME_DEFAULT);
	assert_int_equal(out->welcome->chunk_size, 262144);
	wire_free(&out);
}

static void
test_round_trip_change_set_ack_reject(void **state)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *out;
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;
	Eiso__Ack ack = EISO__ACK__INIT;
	Eiso__Reject rej = EISO__REJECT__INIT;
	uint8_t body[300], sig[KEYS_SIG];

	(void)state;
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7);
	memset(sig, 0x5a, sizeof(sig));
	cs.body.data = body;
	cs.body.len = sizeof(body);
	cs.signature.data = sig;
	cs.signature.len = sizeof(sig);
	env.msg_case = EISO__ENVELOPE__MSG_CHANGE_SET;
	env.change_set = &cs;
	round_trip(&env, &out);
	/* The body travels as opaque bytes, exactly as signed. */
	assert_int_equal(out->change_set->body.len, sizeof(body));
	assert_memory_equal(out->change_set->body.data, body, sizeof(body));
	assert_memory_equal(out->change_set->signature.data, sig, sizeof(sig));
	wire_free(&out);

	ack.seq = 99;
	ack.head_hash.data = (uint8_t *)sha_a;
	ack.head_hash.len = KEYS_HASH;
	env.msg_case = EISO__ENVELOPE__MSG_ACK;
	env.ack = &ack;
	round_trip(&env, &out);
	assert_int_equal(out->ack->seq, 99);
	assert_memory_equal(out->ack->head_hash.data, sha_a, KEYS_HASH);
	wire_free(&out);

	rej.code = EISO__REJECT_CODE__REJECT_GAP;
	rej.reason = "seq 9 after applied 5";
	rej.seq = 9;
	rej.expected_seq = 6;
	env.msg_case = EISO__ENVELOPE__MSG_REJECT;
	env.reject = &rej;
	round_trip(&env, &out);
	assert_int_equal(out->reject->code, EISO__REJECT_CODE__REJECT_GAP);
	assert_string_equal(out->reject->reason, "seq 9 after applied 5");
	assert_int_equal(out->reject->seq, 9);
	assert_int_equal(out->reject->expected_seq, 6);
	wire_free(&out);
}

static void
test_round_trip_blobs_ping_pong(void **state)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *out;
	Eiso__BlobNeed need = EISO__BLOB_NEED__INIT;
	Eiso__BlobChunk chunk = EISO__BLOB_CHUNK__INIT;
	Eiso__Ping ping = EISO__PING__INIT;
	Eiso__Pong pong = EISO__PONG__INIT;
	uint8_t *data;

	(void)state;
	assert_int_equal(keys_init(), 0);
	need.sha256.data = (uint8_t *)sha_a;
	need.sha256.len = KEYS_HASH;
	need.offset = 1 << 20;
	need.size = (uint64_t)5 << 30;
	env.msg_case = EISO__ENVELOPE__MSG_BLOB_NEED;
	env.blob_need = &need;
	round_trip(&env, &out);
	assert_memory_equal(out->blob_need->sha256.data, sha_a, KEYS_HASH);
	assert_int_equal(out->blob_need->offset, 1 << 20);
	assert_true(out->blob_need->size == (uint64_t)5 << 30);
	wire_free(&out);

	assert_non_null(data = unit_random(256 << 10));
	chunk.sha256 = need.sha256;
	chunk.offset = 512 << 10;
	chunk.size = 3 << 20;
	chunk.data.data = data;
	chunk.data.len = 256 << 10;
	env.msg_case = EISO__ENVELOPE__MSG_BLOB_CHUNK;
	env.blob_chunk = &chunk;
	round_trip(&env, &out);
	assert_int_equal(out->blob_chunk->offset, 512 << 10);
	assert_int_equal(out->blob_chunk->size, 3 << 20);
	assert_int_equal(out->blob_chunk->data.len, 256 << 10);
	assert_memory_equal(out->blob_chunk->data.data, data, 256 << 10);
	wire_free(&out);
	free(data);

	ping.nonce = UINT64_MAX;
	ping.head_seq = 17;
	env.msg_case = EISO__ENVELOPE__MSG_PING;
	env.ping = &ping;
	round_trip(&env, &out);
	assert_true(out->ping->nonce == UINT64_MAX);
	assert_int_equal(out->ping->head_seq, 17);
	wire_free(&out);

	pong.nonce = 77;
	pong.applied_seq = 16;
	env.msg_case = EISO__ENVELOPE__MSG_PONG;
	env.pong = &pong;
	round_trip(&env, &out);
	assert_int_equal(out->pong->nonce, 77);
	assert_int_equal(out->pong->applied_seq, 16);
	wire_free(&out);
	wire_free(&out);     /* freeing twice is harmless: the pointer was cleared */
}

/* A BlobChunk of `data` bytes of payload. */
static void
chunk_env(Eiso__Envelope *env, Eiso__BlobChunk *chunk, uint8_t *data, size_t len)
{
	Eiso__Envelope e = EISO__ENVELOPE__INIT;
	Eiso__BlobChunk c = EISO__BLOB_CHUNK__INIT;

	*env = e;
	*chunk = c;
	chunk->sha256.data = (uint8_t *)sha_a;
	chunk->sha256.len = KEYS_HASH;
	chunk->size = len;
	chunk->data.data = data;
	chunk->data.len = len;
	env->msg_case = EISO__ENVELOPE__MSG_BLOB_CHUNK;
	env->blob_chunk = chunk;
}

static void
test_frame_limit(void **state)
{
	Eiso__Envelope env, *out = (Eiso__Envelope *)1;
	Eiso__BlobChunk chunk;
	size_t len, exact;
	uint8_t *data = calloc(1, WIRE_MAX_FRAME_MIN + 100), *buf = (uint8_t *)1;

	(void)state;
	assert_non_null(data);
	chunk_env(&env, &chunk, data, WIRE_MAX_FRAME_MIN + 100);
	exact = eiso__envelope__get_packed_size(&env);
	assert_true(exact > WIRE_MAX_FRAME_MIN);

	/* Sender side: refuses to build a frame over the limit. */
	eiso_clearerr();
	assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_MIN, &buf, &len), EISO_TOOBIG);
	assert_null(buf);
	assert_non_null(strstr(eiso_lasterr(EISO_TOOBIG), "limit"));
	assert_int_equal(wire_pack(&env, exact - 1, &buf, &len), EISO_TOOBIG);
	assert_null(buf);
	assert_int_equal(wire_pack(&env, exact, &buf, &len), 0);   /* the limit is inclusive */
	assert_int_equal(len, exact);

	/* Receiver side: refuses by length, before looking at the bytes. */
	assert_int_equal(wire_unpack(buf, len, WIRE_MAX_FRAME_MIN, &out), EISO_TOOBIG);
	assert_null(out);
	assert_int_equal(wire_unpack(buf, len, len - 1, &out), EISO_TOOBIG);
	assert_null(out);
	assert_int_equal(wire_unpack(buf, len, len, &out), 0);
	assert_int_equal(out->blob_chunk->data.len, WIRE_MAX_FRAME_MIN + 100);
	wire_free(&out);
	free(buf);
	free(data);
}

static void
test_garbage(void **state)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07 };
	/* Field 99 (unknown) only: parses, but carries no message. */
	static const uint8_t unknown[] = { 0x98, 0x06, 0x01 };
	Eiso__Envelope env, *out = (Eiso__Envelope *)1;
	Eiso__BlobChunk chunk;
	uint8_t data[1000] = { 0 }, *buf;
	size_t len;

	(void)state;
	assert_int_equal(wire_unpack(junk, sizeof(junk), WIRE_MAX_FRAME_DEFAULT, &out),
	    EISO_PARSE);
	assert_null(out);
	assert_int_equal(wire_unpack(unknown, sizeof(unknown), WIRE_MAX_FRAME_DEFAULT, &out),
	    EISO_PARSE);
	assert_null(out);
	assert_int_equal(wire_unpack("", 0, WIRE_MAX_FRAME_DEFAULT, &out), EISO_PARSE);
	assert_null(out);

	/* A valid frame cut short. */
	chunk_env(&env, &chunk, data, sizeof(data));
	assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &buf, &len), 0);
	assert_int_equal(wire_unpack(buf, len - 1, WIRE_MAX_FRAME_DEFAULT, &out), EISO_PARSE);
	assert_null(out);
	assert_int_equal(wire_unpack(buf, len / 2, WIRE_MAX_FRAME_DEFAULT, &out), EISO_PARSE);
	assert_null(out);
	free(buf);
}

/* Replace the first occurrence of mark in buf[0..len) by a NUL byte (same length). */
static void
put_nul(uint8_t *buf, size_t len, const char *mark)
{
	uint8_t *at = memmem(buf, len, mark, strlen(mark));

	assert_non_null(at);
	*at = '\0';
}

/*
 * A NUL byte inside a string field hides what follows it from every C string function (the
 * hub once took "vp-mallory\0vp-victim" for vp-mallory): the frame does not unpack, at any
 * depth. NUL bytes in bytes fields (chunk data) are data.
 */
static void
test_nul_in_strings(void **state)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *out = (Eiso__Envelope *)1;
	Eiso__Hello h = EISO__HELLO__INIT;
	Eiso__Reject r = EISO__REJECT__INIT;
	Eiso__BlobChunk chunk;
	uint8_t data[64] = { 0 }, *buf;
	size_t len;

	(void)state;
	h.protocol = WIRE_PROTOCOL;
	h.agency = "vp-mallory#vp-victim";
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &buf, &len), 0);
	put_nul(buf, len, "#vp-victim");
	eiso_clearerr();
	assert_int_equal(wire_unpack(buf, len, WIRE_MAX_FRAME_DEFAULT, &out), EISO_PARSE);
	assert_null(out);
	assert_non_null(strstr(eiso_lasterr(EISO_PARSE), "agency holds a NUL byte"));
	free(buf);

	/* Invalid UTF-8 after the NUL is refused with it (the NUL is found first). */
	r.code = EISO__REJECT_CODE__REJECT_GAP;
	r.reason = "gap#\xff\xfe";
	env.msg_case = EISO__ENVELOPE__MSG_REJECT;
	env.reject = &r;
	assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &buf, &len), 0);
	put_nul(buf, len, "#\xff");
	assert_int_equal(wire_unpack(buf, len, WIRE_MAX_FRAME_DEFAULT, &out), EISO_PARSE);
	assert_null(out);
	free(buf);

	chunk_env(&env, &chunk, data, sizeof(data));
	assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &buf, &len), 0);
	assert_int_equal(wire_unpack(buf, len, WIRE_MAX_FRAME_DEFAULT, &out), 0);
	wire_free(&out);
	free(buf);
}

/*
 * PROTOCOL.md §5, vector 3: a RecordFile change without a retention period, as packed bytes,
 * and the hub's verdict on a body holding it (PROTOCOL, "retention: ..."); with
 * retention_years 10 the same file passes.
 */
#define VECTOR3_HEX "08011080d095ffbc315a4e0a0e4835352e30312e48532d3230323412034835351a02303122" \
    "0748532d323032342a0e486f20736f2049534f20323032344208696e7465726e616c520a323032342d" \
    "30312d30327a046f70656e"

static void
test_vector_record_file_retention(void **state)
{
	Eiso__Change ch = EISO__CHANGE__INIT, *changes[1] = { &ch };
	Eiso__RecordFile f = EISO__RECORD_FILE__INIT;
	Eiso__ChangeSetBody body = EISO__CHANGE_SET_BODY__INIT;
	uint8_t prev[KEYS_HASH] = { 0 }, buf[256];
	char hex[2 * sizeof(buf) + 1];
	size_t len;

	(void)state;
	f.code = "H55.01.HS-2024";
	f.organ_id = "H55";
	f.catalog = "01";
	f.notation = "HS-2024";
	f.title = "Ho so ISO 2024";
	f.access = "internal";
	f.start_date = "2024-01-02";
	f.status = "open";
	ch.id = 1;
	ch.at = 1700000000000LL;
	ch.op_case = EISO__CHANGE__OP_RECORD_FILE;
	ch.record_file = &f;
	len = eiso__change__get_packed_size(&ch);
	assert_true(len <= sizeof(buf));
	eiso__change__pack(&ch, buf);
	keys_hex(hex, buf, len);
	if (strcmp(hex, VECTOR3_HEX) != 0)
		fail_msg("vector 3 packs as %s", hex);
	body.agency = "vp-example";
	body.seq = 1;
	body.prev_hash.data = prev;
	body.prev_hash.len = KEYS_HASH;
	body.n_changes = 1;
	body.changes = changes;
	eiso_clearerr();
	/* A broken content rule, not a limit: the hub answers PROTOCOL (chain_check). */
	assert_int_equal(wire_check_body(&body), EISO_INVAL);
	assert_string_equal(eiso_lasterr(EISO_INVAL), "retention: years or permanent is required");
	f.retention_years = 10;
	assert_int_equal(wire_check_body(&body), 0);
	f.retention_years = 0;
	f.retention_permanent = 1;
	assert_int_equal(wire_check_body(&body), 0);
}

static void
test_agency_ids(void **state)
{
	static const char *const good[] = { "a", "0", "hn", "so-khcn", "ubnd.vinh-yen",
	    "x_1", "_under", "9lives", "a-", "a.",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 64 */ };
	static const char *const bad[] = { "", ".", "-", ".hidden", "-opt", "A", "Upper",
	    "with space", "slash/y", "back\\slash", "colon:x", "tab\tx", "new\nline", "x\r",
	    "h\xc3\xa0-n\xe1\xbb\x99i" /* "hà-nội" */, "a*", "a%s", "..", "quote'",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };

	(void)state;
	assert_int_equal(strlen(good[10]), WIRE_MAX_AGENCY);
	assert_int_equal(strlen(bad[19]), WIRE_MAX_AGENCY + 1);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!wire_agency_ok(good[i]))
			fail_msg("'%s' should be a valid agency id", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (wire_agency_ok(bad[i]))
			fail_msg("'%s' should not be a valid agency id", bad[i]);
}

/* A valid body with one document holding nfiles files; fields can be broken afterwards. */
struct body {
	Eiso__ChangeSetBody b;
	Eiso__Change ch;
	Eiso__Change *chs[1];
	Eiso__DocIssue doc;
	Eiso__BlobRef files[WIRE_MAX_FILES + 1];
	Eiso__BlobRef *fp[WIRE_MAX_FILES + 1];
	uint8_t prev[KEYS_HASH + 1];
};

static void
make_body(struct body *x, size_t nfiles)
{
	Eiso__ChangeSetBody b = EISO__CHANGE_SET_BODY__INIT;
	Eiso__Change ch = EISO__CHANGE__INIT;
	Eiso__DocIssue doc = EISO__DOC_ISSUE__INIT;
	Eiso__BlobRef f = EISO__BLOB_REF__INIT;

	memset(x, 0, sizeof(*x));
	x->b = b;
	x->ch = ch;
	x->doc = doc;
	for (size_t i = 0; i <= WIRE_MAX_FILES; i++) {
		x->files[i] = f;
		x->files[i].sha256.data = (uint8_t *)sha_a;
		x->files[i].sha256.len = KEYS_HASH;
		x->files[i].size = 1000 + i;
		x->files[i].name = "bm-01.docx";
		x->files[i].media_type = "application/octet-stream";
		x->fp[i] = &x->files[i];
	}
	/* A valid draft: the domain rules (common/domain.c) are part of the body check. */
	x->doc.code = "BM-01";
	x->doc.title = "Form";
	x->doc.kind = "form";
	x->doc.status = "draft";
	x->doc.access = "internal";
	x->doc.issue = 1;
	x->doc.n_files = nfiles;
	x->doc.files = x->fp;
	x->ch.id = 1;
	x->ch.op_case = EISO__CHANGE__OP_DOC_ISSUE;
	x->ch.doc_issue = &x->doc;
	x->chs[0] = &x->ch;
	x->b.agency = "ubnd-phuc-yen";
	x->b.seq = 1;
	x->b.prev_hash.data = x->prev;
	x->b.prev_hash.len = KEYS_HASH;
	x->b.n_changes = 1;
	x->b.changes = x->chs;
}

static void
expect_body(const Eiso__ChangeSetBody *b, int want, const char *detail)
{
	int rc;

	eiso_clearerr();
	rc = wire_check_body(b);
	if (rc != want)
		fail_msg("wire_check_body: %d (%s), wanted %d", rc, eiso_lasterr(rc), want);
	if (detail != NULL && strstr(eiso_lasterr(rc), detail) == NULL)
		fail_msg("detail '%s' does not mention '%s'", eiso_lasterr(rc), detail);
}

static void
test_body_limits_counts(void **state)
{
	struct body x;
	Eiso__Change **many;
	Eiso__Change none = EISO__CHANGE__INIT;
	Eiso__Change *nonep[1] = { &none };

	(void)state;
	make_body(&x, 1);
	expect_body(&x.b, 0, NULL);
	make_body(&x, WIRE_MAX_FILES);
	expect_body(&x.b, 0, NULL);
	make_body(&x, WIRE_MAX_FILES + 1);
	expect_body(&x.b, EISO_TOOBIG, "files");

	/* Too many changes: one change repeated, the count alone must refuse it. */
	make_body(&x, 1);
	assert_non_null(many = calloc(WIRE_MAX_CHANGES + 1, sizeof(*many)));
	for (size_t i = 0; i <= WIRE_MAX_CHANGES; i++)
		many[i] = &x.ch;
	x.b.changes = many;
	x.b.n_changes = WIRE_MAX_CHANGES;
	expect_body(&x.b, 0, NULL);
	x.b.n_changes = WIRE_MAX_CHANGES + 1;
	expect_body(&x.b, EISO_TOOBIG, "changes");
	free(many);

	/* A change with no operation set is not silently ignored. */
	make_body(&x, 0);
	x.b.changes = nonep;
	expect_body(&x.b, EISO_PARSE, "operation");

	/* An empty set (no changes) is within the limits. */
	make_body(&x, 0);
	x.b.n_changes = 0;
	expect_body(&x.b, 0, NULL);
}

static void
test_body_limits_text(void **state)
{
	struct body x;
	char *big = malloc(WIRE_MAX_FIELD + 2);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', WIRE_MAX_FIELD + 1);
	big[WIRE_MAX_FIELD + 1] = '\0';

	make_body(&x, 1);
	x.doc.title = big;
	expect_body(&x.b, EISO_TOOBIG, "title");
	big[WIRE_MAX_FIELD] = '\0';      /* exactly the limit is fine */
	expect_body(&x.b, 0, NULL);
	big[WIRE_MAX_FIELD] = 'x';

	/* Every text field is bounded, not just the title. */
	make_body(&x, 1);
	x.doc.code = big;
	expect_body(&x.b, EISO_TOOBIG, "code");
	make_body(&x, 1);
	x.doc.kind = big;
	expect_body(&x.b, EISO_TOOBIG, "kind");
	make_body(&x, 1);
	x.doc.status = big;
	expect_body(&x.b, EISO_TOOBIG, "status");
	make_body(&x, 1);
	x.doc.access = big;
	expect_body(&x.b, EISO_TOOBIG, "access");
	make_body(&x, 1);
	x.doc.note = big;
	expect_body(&x.b, EISO_TOOBIG, "note");
	make_body(&x, 3);
	x.files[2].name = big;
	expect_body(&x.b, EISO_TOOBIG, "name");
	make_body(&x, 3);
	x.files[2].media_type = big;
	expect_body(&x.b, EISO_TOOBIG, "media");

	make_body(&x, 1);
	x.doc.code = "";
	expect_body(&x.b, EISO_INVAL, "code");

	/* A document code is part of store keys: it has a tighter limit of its own. */
	make_body(&x, 1);
	big[DOMAIN_MAX_CODE] = '\0';
	x.doc.code = big;
	expect_body(&x.b, 0, NULL);
	big[DOMAIN_MAX_CODE] = 'x';
	big[DOMAIN_MAX_CODE + 1] = '\0';
	expect_body(&x.b, EISO_INVAL, "code");

	/* The lifecycle's own rules: an effective issue names its approver and date. */
	make_body(&x, 1);
	x.doc.status = "effective";
	expect_body(&x.b, EISO_INVAL, "approved_by");
	make_body(&x, 1);
	x.doc.kind = "memo";
	expect_body(&x.b, EISO_INVAL, "kind");
	make_body(&x, 1);
	x.doc.issue = 2;
	expect_body(&x.b, EISO_INVAL, "note");
	free(big);
}

static const char *const bad_utf8[] = {
	"\xff",                    /* never valid */
	"Quy tr\xecnh",             /* Latin-1 */
	"\xc3",                    /* truncated sequence */
	"\xc0\xaf",                /* overlong '/' */
	"\xed\xa0\x80",            /* UTF-16 surrogate */
	"\xf4\x90\x80\x80",        /* above U+10FFFF */
	"\x80",                    /* lone continuation byte */
	"\xe1\xba",                /* 3-byte sequence cut short */
	"\xf0\x9f\x93",            /* 4-byte sequence cut short */
	"\xe0\x80\xaf",            /* overlong, 3 bytes */
};

static void
test_body_utf8(void **state)
{
	static const char *const *const bad = bad_utf8;
	struct body x;

	(void)state;
	make_body(&x, 2);
	x.doc.title = "Quy tr\xc3\xacnh ti\xe1\xba\xbfp nh\xe1\xba\xadn h\xe1\xbb\x93 s\xc6\xa1";
	x.doc.note = "\xe2\x82\xac \xf0\x9f\x93\x84";    /* euro sign, 4-byte emoji */
	expect_body(&x.b, 0, NULL);
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		make_body(&x, 2);
		x.doc.title = (char *)bad[i];
		expect_body(&x.b, EISO_PARSE, "UTF-8");
		make_body(&x, 2);
		x.files[1].name = (char *)bad[i];
		expect_body(&x.b, EISO_PARSE, "UTF-8");
	}
}

/* What the check accepted before its ASCII fast path: utf8proc, one code point at a time. */
static size_t
utf8_valid_ref(const char *s)
{
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), i, n;
	utf8proc_int32_t cp;

	for (i = 0; i < len; i += n)
		if ((n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, len - i, &cp)) < 0)
			break;
	return (size_t)i;
}

/* note = s: accepted exactly when the reference says all of s is valid, trimmed where it says. */
static void
expect_utf8_like_ref(const char *s)
{
	size_t want = utf8_valid_ref(s);
	char *copy = strdup(s);
	struct body x;

	assert_non_null(copy);
	make_body(&x, 1);
	x.doc.note = (char *)s;
	expect_body(&x.b, want == strlen(s) ? 0 : EISO_PARSE, NULL);
	wire_utf8_trim(copy);
	if (strlen(copy) != want)
		fail_msg("trim kept %zu bytes of a %zu-byte text, wanted %zu", strlen(copy),
		    strlen(s), want);
	free(copy);
}

/*
 * The ASCII fast path reads eight bytes at a time: every bad and good sequence at every offset
 * around a word, after long ASCII runs, after multibyte text, and at the very end.
 */
static void
test_body_utf8_positions(void **state)
{
	static const char *const good[] = {
		"\xc3\xac", "\xe1\xba\xbf", "\xf0\x9f\x93\x84", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
	};
	static const char *const lead[] = { "", "\xe1\xbb\x93 ", "ti\xe1\xba\xbfp " };
	char buf[WIRE_MAX_FIELD + 1];

	(void)state;
	for (size_t l = 0; l < sizeof(lead) / sizeof(lead[0]); l++) {
		for (size_t p = 0; p <= 33; p++) {
			for (size_t t = 0; t <= 9; t += 9) {
				for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
					snprintf(buf, sizeof(buf), "%s%.*s%s%.*s", lead[l], (int)p,
					    "abcdefghijklmnopqrstuvwxyz0123456789", bad_utf8[i],
					    (int)t, "ABCDEFGHIJ");
					expect_utf8_like_ref(buf);
				}
				for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
					snprintf(buf, sizeof(buf), "%s%.*s%s%.*s", lead[l], (int)p,
					    "abcdefghijklmnopqrstuvwxyz0123456789", good[i],
					    (int)t, "ABCDEFGHIJ");
					assert_int_equal(utf8_valid_ref(buf), strlen(buf));
					expect_utf8_like_ref(buf);
				}
			}
		}
	}
	/* A bad byte after a long ASCII run, at each offset of the last words. */
	for (size_t p = WIRE_MAX_FIELD - 24; p < WIRE_MAX_FIELD; p++) {
		memset(buf, 'x', p);
		buf[p] = (char)0xff;
		buf[p + 1] = '\0';
		expect_utf8_like_ref(buf);
		assert_int_equal(utf8_valid_ref(buf), p);
		buf[p] = 'y';
		expect_utf8_like_ref(buf);
	}
}

/*
 * Every string of one to four bytes drawn from the bytes where UTF-8's rules change (ASCII,
 * each end of the continuation ranges, every kind of lead byte), alone and after ASCII and
 * multibyte text: the same verdict and the same valid prefix as utf8proc.
 */
static void
test_body_utf8_edges(void **state)
{
	static const unsigned char edge[] = {
		0x01, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
		0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff,
	};
	static const char *const lead[] = { "", "abcdefg", "\xe1\xbb\x93" };
	const size_t ne = sizeof(edge);
	char buf[32];

	(void)state;
	for (size_t l = 0; l < sizeof(lead) / sizeof(lead[0]); l++) {
		size_t at = strlen(lead[l]);

		memcpy(buf, lead[l], at);
		for (size_t len = 1; len <= 4; len++) {
			size_t total = 1;

			for (size_t k = 0; k < len; k++)
				total *= ne;
			for (size_t x = 0; x < total; x++) {
				size_t v = x;

				for (size_t k = 0; k < len; k++, v /= ne)
					buf[at + k] = (char)edge[v % ne];
				buf[at + len] = '\0';
				expect_utf8_like_ref(buf);
			}
		}
	}
}

/* Random mixes of ASCII, good and bad fragments: the same verdict as utf8proc alone. */
static void
test_body_utf8_random(void **state)
{
	static const char *const frag[] = {
		"a", "Quy trinh ", "0123456789abcdef", "\xc3\xac", "\xe1\xba\xbf", "\xf0\x9f\x93\x84",
		"\xc3", "\xe1\xba", "\x80", "\xbf", "\xff", "\xfe", "\xc0\xaf", "\xed\xa0\x80",
		"\xed\x9f\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\x7f", "\x01",
		"\xe0\xa0\x80", "\xe0\x9f\xbf", "\xf0\x90\x80\x80", "\xf0\x8f\xbf\xbf", "\xc2\x80",
		"\xc1\xbf", "\xf5\x80\x80\x80", "\xee\x80\x80", "\xf4\x8f\xbf\xbf", "\xdf\xbf",
	};
	const size_t nfrag = sizeof(frag) / sizeof(frag[0]);
	uint32_t r = 12345;
	char buf[256];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t len = 0, parts;

		r = r * 1103515245u + 12345u;
		parts = (r >> 16) % 12;
		buf[0] = '\0';
		for (size_t j = 0; j < parts; j++) {
			const char *f;

			r = r * 1103515245u + 12345u;
			/* Mostly good text, as real documents are. */
			f = frag[((r >> 16) % 8 == 0) ? (r >> 8) % nfrag : (r >> 8) % 6];
			if (len + strlen(f) >= sizeof(buf))
				break;
			memcpy(buf + len, f, strlen(f) + 1);
			len += strlen(f);
		}
		expect_utf8_like_ref(buf);
	}
}

static void
test_body_limits_fields(void **state)
{
	struct body x;

	(void)state;
	make_body(&x, 1);
	x.b.seq = 0;
	expect_body(&x.b, EISO_PARSE, "seq");

	make_body(&x, 1);
	x.b.prev_hash.len = KEYS_HASH - 1;
	expect_body(&x.b, EISO_PARSE, "prev_hash");
	x.b.prev_hash.len = KEYS_HASH + 1;
	expect_body(&x.b, EISO_PARSE, "prev_hash");
	x.b.prev_hash.len = 0;
	expect_body(&x.b, EISO_PARSE, "prev_hash");

	make_body(&x, 1);
	x.b.agency = "";
	expect_body(&x.b, EISO_PARSE, "agency");
	x.b.agency = "Bad Agency";
	expect_body(&x.b, EISO_PARSE, "agency");
	x.b.agency = "-x";
	expect_body(&x.b, EISO_PARSE, "agency");

	make_body(&x, 2);
	x.files[1].sha256.len = KEYS_HASH - 1;
	expect_body(&x.b, EISO_PARSE, "hash");
	make_body(&x, 2);
	x.files[1].size = WIRE_MAX_BLOB;
	expect_body(&x.b, 0, NULL);
	x.files[1].size = WIRE_MAX_BLOB + 1;
	expect_body(&x.b, EISO_TOOBIG, NULL);
}

static void
test_reject_names(void **state)
{
	(void)state;
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_PROTOCOL), "protocol");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_TOO_LARGE), "too-large");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_IDENTITY), "identity");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_SIGNATURE), "signature");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_GAP), "gap");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_FORK), "fork");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_BLOB), "blob");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_AGENCY_STATE),
	    "agency-state");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_INTERNAL), "internal");
	assert_string_equal(wire_reject_name(EISO__REJECT_CODE__REJECT_NONE), "unknown");
	assert_string_equal(wire_reject_name((Eiso__RejectCode)1000), "unknown");
}

/* wire_send hands one whole message to ZeroMQ; an oversized one is never sent. */
static void
test_send_inproc(void **state)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *out;
	Eiso__Ping ping = EISO__PING__INIT;
	Eiso__BlobChunk chunk;
	void *ctx, *a, *b;
	zmq_msg_t msg;
	uint8_t *data = calloc(1, WIRE_MAX_FRAME_MIN);
	int more, linger = 0;
	size_t moresz = sizeof(more);

	(void)state;
	assert_non_null(data);
	assert_non_null(ctx = zmq_ctx_new());
	assert_non_null(a = zmq_socket(ctx, ZMQ_PAIR));
	assert_non_null(b = zmq_socket(ctx, ZMQ_PAIR));
	assert_int_equal(zmq_setsockopt(a, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(zmq_setsockopt(b, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(zmq_bind(b, "inproc://test-wire"), 0);
	assert_int_equal(zmq_connect(a, "inproc://test-wire"), 0);

	chunk_env(&env, &chunk, data, WIRE_MAX_FRAME_MIN);
	assert_int_equal(wire_send(a, &env, WIRE_MAX_FRAME_MIN, 0), EISO_TOOBIG);

	ping.nonce = 5;
	ping.head_seq = 6;
	env.msg_case = EISO__ENVELOPE__MSG_PING;
	env.ping = &ping;
	assert_int_equal(wire_send(a, &env, WIRE_MAX_FRAME_DEFAULT, 0), 0);

	/* The first message to arrive is the ping: the oversized chunk never left. */
	assert_int_equal(zmq_msg_init(&msg), 0);
	assert_true(zmq_msg_recv(&msg, b, 0) >= 0);
	assert_int_equal(zmq_getsockopt(b, ZMQ_RCVMORE, &more, &moresz), 0);
	assert_int_equal(more, 0);      /* one frame per message */
	assert_int_equal(wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg),
	    WIRE_MAX_FRAME_DEFAULT, &out), 0);
	zmq_msg_close(&msg);
	assert_int_equal(out->msg_case, EISO__ENVELOPE__MSG_PING);
	assert_int_equal(out->ping->nonce, 5);
	assert_int_equal(out->ping->head_seq, 6);
	wire_free(&out);

	assert_int_equal(zmq_msg_init(&msg), 0);
	assert_int_equal(zmq_msg_recv(&msg, b, ZMQ_DONTWAIT), -1);
	assert_int_equal(zmq_errno(), EAGAIN);
	zmq_msg_close(&msg);

	zmq_close(a);
	zmq_close(b);
	zmq_ctx_term(ctx);
	free(data);
}

/*
 * A packed ChangeSet sent as it is stored goes out as the very bytes wire_send packs from it
 * unpacked, for bodies whose lengths take one to three varint bytes; over the frame limit it
 * is refused and nothing is sent.
 */
static void
test_send_change_set_packed(void **state)
{
	static const size_t sizes[] = { 0, 10, 100, 200, 20000, WIRE_MAX_FRAME_MIN - 80 };
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;
	uint8_t *body = malloc(WIRE_MAX_FRAME_MIN), sig[KEYS_SIG], *packed, *want;
	size_t plen, wlen;
	void *ctx, *a, *b;
	zmq_msg_t msg;
	int linger = 0;

	(void)state;
	assert_non_null(body);
	for (size_t i = 0; i < WIRE_MAX_FRAME_MIN; i++)
		body[i] = (uint8_t)(i * 7);
	memset(sig, 0x5c, sizeof(sig));
	assert_non_null(ctx = zmq_ctx_new());
	assert_non_null(a = zmq_socket(ctx, ZMQ_PAIR));
	assert_non_null(b = zmq_socket(ctx, ZMQ_PAIR));
	assert_int_equal(zmq_setsockopt(a, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(zmq_setsockopt(b, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(zmq_bind(b, "inproc://test-wire-cs"), 0);
	assert_int_equal(zmq_connect(a, "inproc://test-wire-cs"), 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		cs.body.data = body;
		cs.body.len = sizes[k];
		cs.signature.data = sig;
		cs.signature.len = KEYS_SIG;
		assert_non_null(packed = malloc(eiso__change_set__get_packed_size(&cs)));
		plen = eiso__change_set__pack(&cs, packed);
		env.msg_case = EISO__ENVELOPE__MSG_CHANGE_SET;
		env.change_set = &cs;
		assert_int_equal(wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &want, &wlen), 0);

		assert_int_equal(wire_send_change_set(a, packed, plen, WIRE_MAX_FRAME_DEFAULT, 0),
		    0);
		assert_int_equal(zmq_msg_init(&msg), 0);
		assert_true(zmq_msg_recv(&msg, b, 0) >= 0);
		assert_int_equal(zmq_msg_size(&msg), wlen);
		assert_memory_equal(zmq_msg_data(&msg), want, wlen);
		zmq_msg_close(&msg);

		/* The limit counts the whole envelope, as wire_pack's does. */
		assert_int_equal(wire_send_change_set(a, packed, plen, wlen - 1, 0), EISO_TOOBIG);
		assert_int_equal(wire_send_change_set(a, packed, plen, wlen, 0), 0);
		assert_int_equal(zmq_msg_init(&msg), 0);
		assert_true(zmq_msg_recv(&msg, b, 0) >= 0);
		assert_int_equal(zmq_msg_size(&msg), wlen);
		zmq_msg_close(&msg);
		free(want);
		free(packed);
	}
	assert_int_equal(zmq_msg_init(&msg), 0);
	assert_int_equal(zmq_msg_recv(&msg, b, ZMQ_DONTWAIT), -1);
	assert_int_equal(zmq_errno(), EAGAIN);
	zmq_msg_close(&msg);
	zmq_close(a);
	zmq_close(b);
	zmq_ctx_term(ctx);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_hello_welcome),
		cmocka_unit_test(test_round_trip_change_set_ack_reject),
		cmocka_unit_test(test_round_trip_blobs_ping_pong),
		cmocka_unit_test(test_frame_limit),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_nul_in_strings),
		cmocka_unit_test(test_agency_ids),
		cmocka_unit_test(test_vector_record_file_retention),
		cmocka_unit_test(test_body_limits_counts),
		cmocka_unit_test(test_body_limits_text),
		cmocka_unit_test(test_body_limits_fields),
		cmocka_unit_test(test_body_utf8),
		cmocka_unit_test(test_body_utf8_positions),
		cmocka_unit_test(test_body_utf8_edges),
		cmocka_unit_test(test_body_utf8_random),
		cmocka_unit_test(test_reject_names),
		cmocka_unit_test(test_send_inproc),
		cmocka_unit_test(test_send_change_set_packed),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
