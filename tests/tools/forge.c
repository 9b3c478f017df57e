/*
 * forge.c: a deliberately misbehaving node for the hostile integration tests.
 *
 * It speaks the real protocol (CURVE DEALER, Hello, ChangeSet) but lets the test choose what is
 * wrong: an unenrolled transport key, a body claiming another agency, a broken signature, a seq
 * that skips ahead, a prev_hash that forks the chain, or a verbatim resend of a stored set; or
 * it breaks the transport's rules: a Hello sent as a multi-part message, a body whose agency
 * hides a NUL byte, a frame of a chosen size, a stream of garbage frames. It prints the hub's
 * answer as one line so that tests can compare text:
 *   welcome SEQ HASHHEX
 *   ack SEQ HASHHEX | reject CODENAME: REASON (expected N) | no answer
 * or, asking for a restore's data (--fetch-log FROM, --fetch-blob SHA [--doc CODE --issue N]):
 *   logset SEQ ... then logend APPLIED LAST | chunk OFFSET LEN SIZE | reject ...
 * Exit: 0 an answer came, 2 usage error, 3 no answer, 1 local failure.
 */
#include <errno.h>
#include <stdnoreturn.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "chain.h"
#include "eiso.pb-c.h"
#include "err.h"
#include "keys.h"
#include "store.h"
#include "wire.h"

#define FORGE_NO_ANSWER 3
#define FORGE_USAGE 2

struct forge_opts {
	const char *hub;
	const char *hub_key;
	const char *keys;
	const char *agency;
	const char *claim;
	const char *store;
	int bad_signature;
	int fork;
	int new_keys;
	int have_seq;
	uint64_t seq;
	int have_replay;
	uint64_t replay;
	long timeout_ms;
	int have_fetch_log;
	uint64_t fetch_log;
	const char *fetch_blob, *doc;
	uint64_t issue;
	int parts;                /* --multipart N: the Hello as N parts (the rest junk) */
	const char *nul_claim;    /* --nul-claim B: the body's agency is "AGENCY\0B" */
	uint64_t frame_bytes;     /* --frame-bytes N: after the Welcome, one frame of N bytes */
	uint64_t garbage;         /* --garbage N: after the Welcome, N frames that do not parse */
};

struct forge_ids {
	uint8_t curve_pub[KEYS_CURVE];
	uint8_t *curve_sec;
	uint8_t sign_pub[KEYS_SIGN_PUB];
	uint8_t *sign_sec;
};

static noreturn void
forge_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "forge: %s\n", why);
	fprintf(stderr,
	    "usage: forge --hub ENDPOINT --hub-key HEX (--keys DIR | --new-keys) --agency ID\n"
	    "             [--claim AGENCY] [--bad-signature] [--seq N] [--fork]\n"
	    "             [--replay N --store DIR] [--timeout-ms T]\n"
	    "             [--fetch-log FROM | --fetch-blob SHA [--doc CODE --issue N]]\n"
	    "             [--multipart N] [--nul-claim AGENCY] [--frame-bytes N] [--garbage N]\n");
	exit(FORGE_USAGE);
}

static uint64_t
forge_number(const char *what, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		fprintf(stderr, "forge: %s: not a number: %s\n", what, s);
		exit(FORGE_USAGE);
	}
	return (uint64_t)v;
}

static void
forge_parse(int argc, char **argv, struct forge_opts *o)
{
	enum { O_HUB = 256, O_HUBKEY, O_KEYS, O_AGENCY, O_CLAIM, O_BADSIG, O_SEQ, O_FORK,
	    O_REPLAY, O_STORE, O_NEWKEYS, O_TIMEOUT, O_HELP, O_FLOG, O_FBLOB, O_DOC, O_ISSUE,
	    O_PARTS, O_NULCLAIM, O_FRAME, O_GARBAGE };
	static const struct option lo[] = {
		{ "hub", required_argument, NULL, O_HUB },
		{ "hub-key", required_argument, NULL, O_HUBKEY },
		{ "keys", required_argument, NULL, O_KEYS },
		{ "agency", required_argument, NULL, O_AGENCY },
		{ "claim", required_argument, NULL, O_CLAIM },
		{ "bad-signature", no_argument, NULL, O_BADSIG },
		{ "seq", required_argument, NULL, O_SEQ },
		{ "fork", no_argument, NULL, O_FORK },
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "store", required_argument, NULL, O_STORE },
		{ "new-keys", no_argument, NULL, O_NEWKEYS },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "help", no_argument, NULL, O_HELP },
		{ "fetch-log", required_argument, NULL, O_FLOG },
		{ "fetch-blob", required_argument, NULL, O_FBLOB },
		{ "doc", required_argument, NULL, O_DOC },
		{ "issue", required_argument, NULL, O_ISSUE },
		{ "multipart", required_argument, NULL, O_PARTS },
		{ "nul-claim", required_argument, NULL, O_NULCLAIM },
		{ "frame-bytes", required_argument, NULL, O_FRAME },
		{ "garbage", required_argument, NULL, O_GARBAGE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 3000;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_HUB: o->hub = optarg; break;
		case O_HUBKEY: o->hub_key = optarg; break;
		case O_KEYS: o->keys = optarg; break;
		case O_AGENCY: o->agency = optarg; break;
		case O_CLAIM: o->claim = optarg; break;
		case O_BADSIG: o->bad_signature = 1; break;
		case O_SEQ: o->have_seq = 1; o->seq = forge_number("--seq", optarg); break;
		case O_FORK: o->fork = 1; break;
		case O_REPLAY:
			o->have_replay = 1;
			o->replay = forge_number("--replay", optarg);
			break;
		case O_STORE: o->store = optarg; break;
		case O_NEWKEYS: o->new_keys = 1; break;
		case O_FLOG:
			o->have_fetch_log = 1;
			o->fetch_log = forge_number("--fetch-log", optarg);
			break;
		case O_FBLOB: o->fetch_blob = optarg; break;
		case O_DOC: o->doc = optarg; break;
		case O_ISSUE: o->issue = forge_number("--issue", optarg); break;
		case O_PARTS: {
			uint64_t n = forge_number("--multipart", optarg);
			if (n < 2 || n > 1000)
				forge_usage("--multipart: 2 to 1000 parts");
			o->parts = (int)n;
			break;
		}
		case O_NULCLAIM: o->nul_claim = optarg; break;
		case O_FRAME: o->frame_bytes = forge_number("--frame-bytes", optarg); break;
		case O_GARBAGE: o->garbage = forge_number("--garbage", optarg); break;
		case O_TIMEOUT: {
			uint64_t t = forge_number("--timeout-ms", optarg);
			if (t == 0 || t > INT_MAX)
				forge_usage("--timeout-ms out of range");
			o->timeout_ms = (long)t;
			break;
		}
		default: forge_usage(NULL);
		}
	}
	if (optind != argc)
		forge_usage("unexpected arguments");
	if (o->hub == NULL || o->hub_key == NULL || o->agency == NULL)
		forge_usage("--hub, --hub-key and --agency are required");
	if ((o->keys == NULL) == !o->new_keys)
		forge_usage("give exactly one of --keys DIR and --new-keys");
	if (o->have_replay && o->store == NULL)
		forge_usage("--replay needs --store DIR");
	if (o->have_replay && (o->claim || o->bad_signature || o->have_seq || o->fork))
		forge_usage("--replay sends a stored set verbatim; it takes no other forgery");
	if (o->have_replay && o->replay == 0)
		forge_usage("--replay: seq starts at 1");
	if (o->have_seq && o->seq == 0)
		forge_usage("--seq: seq starts at 1");
	if (o->frame_bytes > ((uint64_t)1 << 30))
		forge_usage("--frame-bytes: at most 1 GiB");
	if (o->nul_claim != NULL && (o->claim != NULL || o->have_replay))
		forge_usage("--nul-claim is a claim of its own");
}

static int
forge_forging(const struct forge_opts *o)
{
	return o->claim != NULL || o->bad_signature || o->have_seq || o->fork || o->have_replay ||
	    o->nul_claim != NULL;
}

static int
forge_path(char *buf, size_t size, const char *dir, const char *name)
{
	if (snprintf(buf, size, "%s/%s", dir, name) >= (int)size)
		return eiso_seterr(EISO_INVAL, "%s/%s: path too long", dir, name);
	return 0;
}

static int
forge_keys(const struct forge_opts *o, struct forge_ids *id)
{
	char path[PATH_MAX];
	int rc;

	if (o->new_keys) {
		if ((rc = keys_curve_generate(id->curve_pub, &id->curve_sec)) != 0 ||
		    (rc = keys_sign_generate(id->sign_pub, &id->sign_sec)) != 0)
			fprintf(stderr, "forge: key generation: %s\n", eiso_lasterr(rc));
		return rc;
	}
	if ((rc = forge_path(path, sizeof(path), o->keys, "curve.pub")) != 0 ||
	    (rc = keys_read_public(path, id->curve_pub, KEYS_CURVE)) != 0 ||
	    (rc = forge_path(path, sizeof(path), o->keys, "curve.key")) != 0 ||
	    (rc = keys_read_secret(path, KEYS_CURVE, &id->curve_sec)) != 0 ||
	    (rc = forge_path(path, sizeof(path), o->keys, "sign.pub")) != 0 ||
	    (rc = keys_read_public(path, id->sign_pub, KEYS_SIGN_PUB)) != 0 ||
	    (rc = forge_path(path, sizeof(path), o->keys, "sign.key")) != 0 ||
	    (rc = keys_read_secret(path, KEYS_SIGN_SEC, &id->sign_sec)) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "forge: %s\n", eiso_lasterr(rc));
	return rc;
}

static int64_t
forge_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until deadline for one Envelope whose case is one of want[0..nwant-1] (others, such as
 * a Pong, are skipped). Returns 0 with *env set, 1 on timeout, -1 on error.
 */
static int
forge_recv(void *sock, int64_t deadline, const Eiso__Envelope__MsgCase *want, size_t nwant,
    Eiso__Envelope **env)
{
	*env = NULL;
	for (;;) {
		zmq_pollitem_t pi = { sock, 0, ZMQ_POLLIN, 0 };
		int64_t left = deadline - forge_now_ms();
		zmq_msg_t msg;
		int rc;

		if (left <= 0)
			return 1;
		rc = zmq_poll(&pi, 1, (long)left);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "forge: zmq_poll: %s\n", zmq_strerror(errno));
			return -1;
		}
		if (rc == 0)
			continue;
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			if (errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "forge: zmq_msg_recv: %s\n", zmq_strerror(errno));
			return -1;
		}
		rc = wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg), WIRE_MAX_FRAME_MAX, env);
		if (zmq_msg_more(&msg))
			fprintf(stderr, "forge: hub sent %zu more parts\n", wire_drain(sock));
		zmq_msg_close(&msg);
		if (rc != 0) {
			fprintf(stderr, "forge: hub sent garbage: %s\n", eiso_lasterr(rc));
			continue;
		}
		for (size_t i = 0; i < nwant; i++)
			if ((*env)->msg_case == want[i])
				return 0;
		fprintf(stderr, "forge: skipping message of case %d\n", (int)(*env)->msg_case);
		wire_free(env);
	}
}

static void
forge_print_hash(const char *word, uint64_t seq, const ProtobufCBinaryData *h)
{
	char hex[2 * KEYS_HASH + 1];

	if (h->len == KEYS_HASH)
		keys_hex(hex, h->data, KEYS_HASH);
	else
		snprintf(hex, sizeof(hex), "badlen%zu", h->len);
	printf("%s %" PRIu64 " %s\n", word, seq, hex);
}

static void
forge_print_reject(const Eiso__Reject *r)
{
	printf("reject %s: %s (expected %" PRIu64 ")\n", wire_reject_name(r->code),
	    r->reason != NULL ? r->reason : "", r->expected_seq);
}

/* The stored ChangeSet bytes of seq in the node's outbox, copied into *out. */
static int
forge_load_stored(const char *dir, uint64_t seq, uint8_t **out, size_t *outlen)
{
	static const char *const dbs[] = { "meta", "outbox" };
	store_t *st = NULL;
	MDB_txn *txn = NULL;
	MDB_val k, v;
	uint8_t key[8];
	int rc;

	*out = NULL;
	if ((rc = store_open(dir, dbs, 2, 1, &st)) != 0) {
		fprintf(stderr, "forge: %s\n", eiso_lasterr(rc));
		return rc;
	}
	if ((rc = store_read_begin(st, &txn)) != 0) {
		fprintf(stderr, "forge: %s\n", eiso_lasterr(rc));
		goto fail;
	}
	store_be64(key, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if ((rc = store_rc(mdb_get(txn, store_dbi(st, 1), &k, &v))) != 0) {
		fprintf(stderr, "forge: seq %" PRIu64 " not in the outbox of %s\n", seq, dir);
		goto fail;
	}
	if ((*out = malloc(v.mv_size ? v.mv_size : 1)) == NULL) {
		rc = EISO_NOMEM;
		goto fail;
	}
	memcpy(*out, v.mv_data, v.mv_size);
	*outlen = v.mv_size;
fail:
	store_read_end(&txn);
	store_close(&st);
	return rc;
}

/* Ask for a restore's data and print every answer until the end of it. */
static int
forge_fetch(void *sock, const struct forge_opts *o)
{
	static const Eiso__Envelope__MsgCase answers[] = {
		EISO__ENVELOPE__MSG_LOG_SET, EISO__ENVELOPE__MSG_LOG_END,
		EISO__ENVELOPE__MSG_BLOB_CHUNK, EISO__ENVELOPE__MSG_REJECT,
	};
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *in = NULL;
	Eiso__FetchLog fl = EISO__FETCH_LOG__INIT;
	Eiso__FetchBlob fb = EISO__FETCH_BLOB__INIT;
	uint8_t sha[KEYS_HASH];
	int64_t deadline;
	int rc, answered = 0;

	if (o->have_fetch_log) {
		fl.from_seq = o->fetch_log;
		fl.max_sets = 64;
		env.msg_case = EISO__ENVELOPE__MSG_FETCH_LOG;
		env.fetch_log = &fl;
	} else {
		if (keys_unhex(sha, KEYS_HASH, o->fetch_blob) != 0)
			forge_usage("--fetch-blob must be 64 hex characters");
		fb.sha256.data = sha;
		fb.sha256.len = KEYS_HASH;
		fb.doc_code = (char *)(o->doc ? o->doc : "");
		fb.issue = (uint32_t)o->issue;
		env.msg_case = EISO__ENVELOPE__MSG_FETCH_BLOB;
		env.fetch_blob = &fb;
	}
	if ((rc = wire_send(sock, &env, WIRE_MAX_FRAME_DEFAULT, 0)) != 0) {
		fprintf(stderr, "forge: send: %s\n", eiso_lasterr(rc));
		return 1;
	}
	deadline = forge_now_ms() + o->timeout_ms;
	while ((rc = forge_recv(sock, deadline, answers, 4, &in)) == 0) {
		answered = 1;
		switch (in->msg_case) {
		case EISO__ENVELOPE__MSG_LOG_SET:
			printf("logset %" PRIu64 "\n", in->log_set->seq);
			break;
		case EISO__ENVELOPE__MSG_LOG_END:
			printf("logend %" PRIu64 " %" PRIu64 "\n", in->log_end->applied_seq,
			    in->log_end->last_sent);
			wire_free(&in);
			return 0;
		case EISO__ENVELOPE__MSG_BLOB_CHUNK:
			printf("chunk %" PRIu64 " %zu %" PRIu64 "\n", in->blob_chunk->offset,
			    in->blob_chunk->data.len, in->blob_chunk->size);
			if (in->blob_chunk->offset + in->blob_chunk->data.len >=
			    in->blob_chunk->size) {
				wire_free(&in);
				return 0;
			}
			break;
		default:
			forge_print_reject(in->reject);
			wire_free(&in);
			return 0;
		}
		wire_free(&in);
		deadline = forge_now_ms() + o->timeout_ms;
	}
	if (rc == 1 && !answered) {
		printf("no answer\n");
		return FORGE_NO_ANSWER;
	}
	return rc == 1 ? 0 : 1;
}

/*
 * Frames that are not change sets: one of --frame-bytes bytes, or --garbage frames that do not
 * parse. Prints the first answer (a reject), or "no answer".
 */
static int
forge_junk(void *sock, const struct forge_opts *o)
{
	static const Eiso__Envelope__MsgCase answers[] = { EISO__ENVELOPE__MSG_REJECT };
	static const uint8_t junk[] = { 0xff, 0xff, 0xff };
	Eiso__Envelope *in = NULL;
	uint8_t *big;
	int rc;

	if (o->frame_bytes > 0) {
		if ((big = malloc(o->frame_bytes)) == NULL)
			return 1;
		memset(big, 0xff, o->frame_bytes);
		rc = zmq_send(sock, big, o->frame_bytes, 0);
		free(big);
		if (rc < 0) {
			fprintf(stderr, "forge: send frame: %s\n", zmq_strerror(errno));
			return 1;
		}
	}
	for (uint64_t i = 0; i < o->garbage; i++) {
		if (zmq_send(sock, junk, sizeof(junk), 0) < 0) {
			fprintf(stderr, "forge: send garbage: %s\n", zmq_strerror(errno));
			return 1;
		}
	}
	/* The first answer is printed; with --garbage, wait for one per frame (all judged). */
	for (uint64_t got = 0; got < (o->garbage > 0 ? o->garbage : 1); got++) {
		rc = forge_recv(sock, forge_now_ms() + o->timeout_ms, answers, 1, &in);
		if (rc == 1 && got == 0) {
			printf("no answer\n");
			return FORGE_NO_ANSWER;
		}
		if (rc == 1) {
			fprintf(stderr, "forge: %" PRIu64 " answers of %" PRIu64 "\n", got,
			    o->garbage);
			return 1;
		}
		if (rc != 0)
			return 1;
		if (got == 0)
			forge_print_reject(in->reject);
		wire_free(&in);
	}
	return 0;
}

/* Seal one forged DocPut after the hub's applied head, as the options say. */
static int
forge_build(const struct forge_opts *o, const struct forge_ids *id, uint64_t applied,
    const uint8_t applied_hash[KEYS_HASH], uint8_t **out, size_t *outlen)
{
	Eiso__DocIssue doc = EISO__DOC_ISSUE__INIT;
	Eiso__Change ch = EISO__CHANGE__INIT;
	ProtobufCBinaryData packed;
	struct chain_head prev, next;
	char claim[2 * WIRE_MAX_AGENCY + 2];
	uint64_t seq = o->have_seq ? o->seq : applied + 1;
	int rc;

	/* A well-formed draft: what is wrong with it is who sends or signs it. */
	doc.code = "FORGED-1";
	doc.title = "forged";
	doc.kind = "procedure";
	doc.status = "draft";
	doc.access = "internal";
	doc.issue = 1;
	ch.id = 1;
	ch.at = store_now_ms();
	ch.op_case = EISO__CHANGE__OP_DOC_ISSUE;
	ch.doc_issue = &doc;
	prev.seq = seq - 1;
	if (o->fork)
		randombytes_buf(prev.hash, KEYS_HASH);
	else
		memcpy(prev.hash, applied_hash, KEYS_HASH);
	packed.len = eiso__change__get_packed_size(&ch);
	if ((packed.data = malloc(packed.len)) == NULL)
		return EISO_NOMEM;
	eiso__change__pack(&ch, packed.data);
	/* --nul-claim: sealed with a '#' where the NUL goes, patched and signed again below. */
	if (o->nul_claim != NULL && snprintf(claim, sizeof(claim), "%s#%s", o->agency,
	    o->nul_claim) >= (int)sizeof(claim))
		forge_usage("--nul-claim: agency too long");
	rc = chain_seal_packed(&prev, o->nul_claim != NULL ? claim : o->claim != NULL ? o->claim :
	    o->agency, store_now_ms(), &packed, 1, id->sign_sec, out, outlen, &next);
	free(packed.data);
	if (rc != 0) {
		fprintf(stderr, "forge: chain_seal_packed: %s\n", eiso_lasterr(rc));
		return rc;
	}
	if (o->bad_signature || o->nul_claim != NULL) {
		Eiso__ChangeSet *cs = eiso__change_set__unpack(NULL, *outlen, *out);
		Eiso__ChangeSet copy = EISO__CHANGE_SET__INIT;
		uint8_t sig[KEYS_SIG], *at;

		if (cs == NULL || cs->signature.len != KEYS_SIG) {
			if (cs != NULL)
				eiso__change_set__free_unpacked(cs, NULL);
			fprintf(stderr, "forge: cannot reparse own change set\n");
			return EISO_PARSE;
		}
		memcpy(sig, cs->signature.data, KEYS_SIG);
		if (o->nul_claim != NULL) {
			/* The body is the unpacked copy's: patch it there, sign what is sent. */
			at = memmem(cs->body.data, cs->body.len, claim, strlen(claim));
			if (at == NULL) {
				eiso__change_set__free_unpacked(cs, NULL);
				fprintf(stderr, "forge: agency not found in own body\n");
				return EISO_PARSE;
			}
			at[strlen(o->agency)] = '\0';
			chain_sign(cs->body.data, cs->body.len, id->sign_sec, sig);
		}
		if (o->bad_signature)
			sig[KEYS_SIG / 2] ^= 0x01;
		copy.body = cs->body;
		copy.signature.data = sig;
		copy.signature.len = KEYS_SIG;
		/* Same length: the new packing fits the old buffer. */
		*outlen = eiso__change_set__pack(&copy, *out);
		eiso__change_set__free_unpacked(cs, NULL);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const Eiso__Envelope__MsgCase hello_answers[] = {
		EISO__ENVELOPE__MSG_WELCOME, EISO__ENVELOPE__MSG_REJECT,
	};
	static const Eiso__Envelope__MsgCase set_answers[] = {
		EISO__ENVELOPE__MSG_ACK, EISO__ENVELOPE__MSG_REJECT,
	};
	struct forge_opts o;
	struct forge_ids id = { 0 };
	Eiso__Envelope env = EISO__ENVELOPE__INIT, *in = NULL;
	Eiso__Hello hello = EISO__HELLO__INIT;
	Eiso__ChangeSet *cs = NULL;
	uint8_t hub_key[KEYS_CURVE], applied_hash[KEYS_HASH], *set = NULL;
	uint64_t applied;
	size_t setlen = 0;
	void *ctx = NULL, *sock = NULL;
	int zero = 0, rc, ex = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	forge_parse(argc, argv, &o);
	if (keys_unhex(hub_key, KEYS_CURVE, o.hub_key) != 0)
		forge_usage("--hub-key must be 64 hex characters");
	if (keys_init() != 0 || forge_keys(&o, &id) != 0)
		goto out;
	if (o.have_replay && forge_load_stored(o.store, o.replay, &set, &setlen) != 0)
		goto out;

	if ((ctx = zmq_ctx_new()) == NULL || (sock = zmq_socket(ctx, ZMQ_DEALER)) == NULL ||
	    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, hub_key, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, id.curve_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, id.curve_sec, KEYS_CURVE) != 0 ||
	    zmq_connect(sock, o.hub) != 0) {
		fprintf(stderr, "forge: zeromq: %s\n", zmq_strerror(errno));
		goto out;
	}

	hello.protocol = WIRE_PROTOCOL;
	hello.agency = (char *)o.agency;
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &hello;
	if ((rc = wire_send(sock, &env, WIRE_MAX_FRAME_DEFAULT, o.parts ? ZMQ_SNDMORE : 0)) != 0) {
		fprintf(stderr, "forge: send hello: %s\n", eiso_lasterr(rc));
		goto out;
	}
	/* --multipart: parts the protocol does not have, after the Hello. */
	for (int i = 1; i < o.parts; i++) {
		if (zmq_send(sock, "junk", 4, i + 1 < o.parts ? ZMQ_SNDMORE : 0) < 0) {
			fprintf(stderr, "forge: send part %d: %s\n", i, zmq_strerror(errno));
			goto out;
		}
	}
	rc = forge_recv(sock, forge_now_ms() + o.timeout_ms, hello_answers, 2, &in);
	if (rc != 0) {
		if (rc == 1) {
			printf("no answer\n");
			ex = FORGE_NO_ANSWER;
		}
		goto out;
	}
	if (in->msg_case == EISO__ENVELOPE__MSG_REJECT) {
		forge_print_reject(in->reject);
		ex = 0;
		goto out;
	}
	applied = in->welcome->applied_seq;
	memset(applied_hash, 0, sizeof(applied_hash));
	if (in->welcome->applied_hash.len == KEYS_HASH)
		memcpy(applied_hash, in->welcome->applied_hash.data, KEYS_HASH);
	forge_print_hash("welcome", applied, &in->welcome->applied_hash);
	wire_free(&in);
	if (o.have_fetch_log || o.fetch_blob != NULL) {
		ex = forge_fetch(sock, &o);
		goto out;
	}
	if (o.frame_bytes > 0 || o.garbage > 0) {
		ex = forge_junk(sock, &o);
		goto out;
	}
	if (!forge_forging(&o)) {
		ex = 0;
		goto out;
	}

	if (!o.have_replay &&
	    forge_build(&o, &id, applied, applied_hash, &set, &setlen) != 0)
		goto out;
	if ((cs = eiso__change_set__unpack(NULL, setlen, set)) == NULL) {
		fprintf(stderr, "forge: stored change set does not parse\n");
		goto out;
	}
	env.msg_case = EISO__ENVELOPE__MSG_CHANGE_SET;
	env.change_set = cs;
	if ((rc = wire_send(sock, &env, WIRE_MAX_FRAME_MAX, 0)) != 0) {
		fprintf(stderr, "forge: send change set: %s\n", eiso_lasterr(rc));
		goto out;
	}
	rc = forge_recv(sock, forge_now_ms() + o.timeout_ms, set_answers, 2, &in);
	if (rc != 0) {
		if (rc == 1) {
			printf("no answer\n");
			ex = FORGE_NO_ANSWER;
		}
		goto out;
	}
	if (in->msg_case == EISO__ENVELOPE__MSG_REJECT)
		forge_print_reject(in->reject);
	else
		forge_print_hash("ack", in->ack->seq, &in->ack->head_hash);
	ex = 0;
out:
	wire_free(&in);
	if (cs != NULL)
		eiso__change_set__free_unpacked(cs, NULL);
	free(set);
	if (sock != NULL)
		zmq_close(sock);
	if (ctx != NULL)
		zmq_ctx_term(ctx);
	keys_free(&id.curve_sec);
	keys_free(&id.sign_sec);
	return ex;
}
