/*
 * loadgen.c: the benchmark's load generator, and the simulated agencies.
 *
 * `loadgen ingest` plays N agencies in one process against a real hubd: each has its own
 * Ed25519 and CURVE keys (derived from its id, so `loadgen roster` can print the same keys for
 * `hubd enroll --roster`), its own DEALER connection and its own chain. Every change set of
 * the timed phase is sealed and signed before the phase starts, so the figure measures the
 * hub: from the first send to the last cumulative Ack, with the window the hub announces.
 * With --hold-ms the agencies stay connected afterwards while the hub's memory is sampled.
 * The other verbs (limits.c, nodes.c) measure the machine and drive real nodes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "bench.h"
#include "chain.h"
#include "err.h"
#include "keys.h"
#include "sha256.h"
#include "store.h"
#include "wire.h"

#define BENCH_TITLE "Quy trình kiểm soát tài liệu và hồ sơ chất lượng theo TCVN ISO 9001:2015 "

noreturn void
bench_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "loadgen: %s\n", why);
	fprintf(stderr,
	    "usage: loadgen VERB [options]   (each verb prints one JSON object on stdout)\n"
	    "  roster  --agencies N [--prefix P]              roster TSV for hubd enroll --roster\n"
	    "  ingest  --agencies N --endpoint E --hub-key HEX [--prefix P] [--sets K]\n"
	    "          [--changes C] [--meta-bytes B] [--window W] [--hub-pid PID] [--hold-ms MS]\n"
	    "          [--timeout S] [--published N]          N agencies stream K sets each\n"
	    "  limits  --dir D [--ms MS] [--meta-bytes B] [--msg-bytes B] [--value-bytes B]\n"
	    "          [--chunk-bytes B]                      the machine's own limits\n"
	    "  fill    --conf NODECONF --changes N [--meta-bytes B]   queue N local writes\n"
	    "  run-node --noded BIN --conf NODECONF [--log F] [--timeout S] [--settle-ms MS]\n"
	    "          [--hub-pid PID] [--then 'SHELL COMMAND'] [-- NODED-RUN-OPTIONS]\n"
	    "                                                 run noded until all is acked\n"
	    "  latency --hub-conf HUBCONF [--rate R] [--seconds S] [--warmup S] [--prefix P]\n"
	    "          NODECONF...                            write-to-visible at the hub\n"
	    "  http    --port P --path /PATH [--token T] [--connections C] [--seconds S]\n"
	    "                                                 GET a page of the hub's web side\n"
	    "  gen-files --dir D --list F --bytes N [--min B] [--max B] [--seed S]\n"
	    "  verify-blobs (--hub-conf C | --node-conf C) < LIST   (lines as gen-files writes)\n"
	    "Sizes take k, M, G suffixes (10^3, 10^6, 10^9).\n");
	exit(2);
}

uint64_t
bench_num(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		goto bad;
	/* Sizes may say k, M or G (powers of 1000: the bench's MB is 10^6 bytes). */
	switch (*end) {
	case 'k': v *= 1000ULL; end++; break;
	case 'M': v *= 1000000ULL; end++; break;
	case 'G': v *= 1000000000ULL; end++; break;
	default: break;
	}
	if (*end == '\0')
		return (uint64_t)v;
bad:
	fprintf(stderr, "loadgen: %s: not a number: %s\n", opt, s);
	exit(2);
}

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bench_sleep(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

long
bench_rss_anon_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

double
bench_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which may hold spaces: state is field 3. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ------------------------------------------------------------------------------------------ */
/* Protobuf by field number */

struct pb {
	uint8_t buf[16384];
	size_t len;
};

static void
pb_varint(struct pb *b, uint64_t v)
{
	while (v >= 0x80) {
		b->buf[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->buf[b->len++] = (uint8_t)v;
}

static void
pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_varint(b, (uint64_t)field << 3);
	pb_varint(b, v);
}

static void
pb_bytes(struct pb *b, unsigned field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void
pb_str(struct pb *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* n bytes of repeated Vietnamese text, cut on a character boundary, into out[n + 1]. */
static void
bench_text(char *out, size_t n)
{
	size_t plen = strlen(BENCH_TITLE), i;

	for (i = 0; i < n; i++)
		out[i] = BENCH_TITLE[i % plen];
	while (i > 0 && ((unsigned char)out[i] & 0xc0) == 0x80)   /* never split a character */
		i--;
	out[i] = '\0';
}

Eiso__Change *
bench_change(uint64_t id, int64_t at, const char *code, size_t meta_bytes, const uint8_t *sha,
    uint64_t size, const char *name, int published)
{
	struct pb doc, ref, ch, who;
	char title[WIRE_MAX_FIELD], note[WIRE_MAX_FIELD];
	size_t tlen = meta_bytes < 160 ? meta_bytes : 160, nlen = 0;

	/* The rest of the metadata goes to the revision note, both within the field limit. */
	if (meta_bytes > tlen + 64)
		nlen = meta_bytes - tlen - 64;
	if (nlen > sizeof(note) - 1)
		nlen = sizeof(note) - 1;
	bench_text(title, tlen ? tlen : 1);
	bench_text(note, nlen);
	doc.len = 0;
	pb_str(&doc, 1, code);
	pb_str(&doc, 2, title[0] ? title : "T");
	pb_str(&doc, 3, "procedure");
	pb_uint(&doc, 4, 1);
	pb_str(&doc, 5, published ? "effective" : "draft");
	pb_str(&doc, 6, published ? "public" : "internal");
	if (note[0] != '\0')
		pb_str(&doc, 7, note);
	if (sha != NULL) {
		ref.len = 0;
		pb_bytes(&ref, 1, sha, KEYS_HASH);
		pb_uint(&ref, 2, size);
		pb_str(&ref, 3, name);
		pb_str(&ref, 4, "application/octet-stream");
		pb_bytes(&doc, 8, ref.buf, ref.len);
	}
	if (published) {
		who.len = 0;
		pb_str(&who, 1, "Nguyễn Văn An");
		pb_str(&who, 2, "Chủ tịch");
		pb_uint(&who, 3, (uint64_t)at);
		pb_bytes(&doc, 11, who.buf, who.len);     /* approved */
		pb_str(&doc, 12, "2024-01-01");           /* effective_date */
	}
	ch.len = 0;
	pb_uint(&ch, 1, id);
	pb_uint(&ch, 2, (uint64_t)at);
	pb_bytes(&ch, 10, doc.buf, doc.len);
	return eiso__change__unpack(NULL, ch.len, ch.buf);
}

/* ------------------------------------------------------------------------------------------ */
/* Simulated agencies */

/*
 * Keys are derived from the agency id with SHA-256, so the roster and the load agree without
 * files. They protect nothing (anyone can derive them): plain memory is fine here.
 */
struct agency {
	char id[WIRE_MAX_AGENCY + 1];
	uint8_t sign_pub[KEYS_SIGN_PUB], sign_sec[KEYS_SIGN_SEC];
	uint8_t curve_pub[KEYS_CURVE], curve_sec[KEYS_CURVE];
	void *sock;
	uint8_t **frames;              /* frames[seq - 1]: the packed Envelope of set seq */
	size_t *lens;
	uint64_t nsets, acked, next, window;
	uint8_t head_hash[KEYS_HASH];  /* of set nsets, to check the last Ack (I6) */
	int hello_sent, welcomed, done;
};

struct ingest_opts {
	unsigned agencies;
	const char *prefix, *endpoint, *hub_key;
	uint64_t sets, changes, meta_bytes, window, hold_ms, timeout_s;
	uint64_t published;         /* each agency's first N documents are public, in force */
	pid_t hub_pid;
};

static void
agency_derive(struct agency *a, const char *prefix, unsigned i)
{
	uint8_t seed[KEYS_HASH];
	char in[WIRE_MAX_AGENCY + 32];

	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s-%04u", prefix, i + 1);
	snprintf(in, sizeof(in), "eiso-bench sign %s", a->id);
	sha256((const uint8_t *)in, strlen(in), seed);
	crypto_sign_ed25519_seed_keypair(a->sign_pub, a->sign_sec, seed);
	snprintf(in, sizeof(in), "eiso-bench curve %s", a->id);
	sha256((const uint8_t *)in, strlen(in), a->curve_sec);
	crypto_scalarmult_base(a->curve_pub, a->curve_sec);
}

static int
cmd_roster(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "agencies", required_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = "bench";
	unsigned n = 41;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': n = (unsigned)bench_num("--agencies", optarg); break;
		case 'p': prefix = optarg; break;
		default: bench_usage(NULL);
		}
	}
	printf("id\tlevel\tparent\tname_vi\tname_en\tsign_pub\tcurve_pub\n");
	for (unsigned i = 0; i < n; i++) {
		struct agency a;
		char sign[2 * KEYS_SIGN_PUB + 1], curve[2 * KEYS_CURVE + 1];

		agency_derive(&a, prefix, i);
		keys_hex(sign, a.sign_pub, KEYS_SIGN_PUB);
		keys_hex(curve, a.curve_pub, KEYS_CURVE);
		printf("%s\tdistrict\t-\tĐơn vị thử tải %u\tLoad test unit %u\t%s\t%s\n", a.id,
		    i + 1, i + 1, sign, curve);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Seal and sign every set of the timed phase now, as packed Envelopes ready to send. */
static int
agency_build(struct agency *a, const struct ingest_opts *o, size_t *bytes)
{
	struct chain_head head = { 0, { 0 } }, next;
	ProtobufCBinaryData *ch;
	int64_t now = store_now_ms();
	int rc = 0;

	if ((a->frames = calloc(o->sets, sizeof(*a->frames))) == NULL ||
	    (a->lens = calloc(o->sets, sizeof(*a->lens))) == NULL ||
	    (ch = calloc(o->changes, sizeof(*ch))) == NULL)
		return EISO_NOMEM;
	a->nsets = o->sets;
	for (uint64_t s = 0; s < o->sets && rc == 0; s++) {
		Eiso__Envelope env = EISO__ENVELOPE__INIT;
		Eiso__ChangeSet *cs;
		uint8_t *set;
		size_t setlen, built = 0;

		for (; built < o->changes; built++) {
			char code[32];
			uint64_t id = s * o->changes + built + 1;

			Eiso__Change *c;

			snprintf(code, sizeof(code), "D-%09" PRIu64, id);
			if ((c = bench_change(id, now, code, o->meta_bytes, NULL, 0, NULL,
			    id <= o->published)) == NULL)
				break;
			/* Sealed as the node seals: from packed changes. */
			ch[built].len = eiso__change__get_packed_size(c);
			ch[built].data = malloc(ch[built].len ? ch[built].len : 1);
			if (ch[built].data != NULL)
				eiso__change__pack(c, ch[built].data);
			eiso__change__free_unpacked(c, NULL);
			if (ch[built].data == NULL)
				break;
		}
		if (built == o->changes)
			rc = chain_seal_packed(&head, a->id, now, ch, o->changes, a->sign_sec, &set,
			    &setlen, &next);
		else
			rc = eiso_seterr(EISO_NOMEM, "building a change");
		for (size_t j = 0; j < built; j++)
			free(ch[j].data);
		if (rc != 0)
			break;
		head = next;
		if ((cs = eiso__change_set__unpack(NULL, setlen, set)) == NULL) {
			free(set);
			rc = eiso_seterr(EISO_PARSE, "sealed set does not unpack");
			break;
		}
		env.msg_case = EISO__ENVELOPE__MSG_CHANGE_SET;
		env.change_set = cs;
		rc = wire_pack(&env, WIRE_MAX_FRAME_DEFAULT, &a->frames[s], &a->lens[s]);
		*bytes += a->lens[s];
		eiso__change_set__free_unpacked(cs, NULL);
		free(set);
	}
	memcpy(a->head_hash, head.hash, KEYS_HASH);
	free(ch);
	return rc;
}

static void agency_free(struct agency *a);

size_t
bench_frame_bytes(uint64_t changes, uint64_t meta_bytes)
{
	struct ingest_opts o;
	struct agency a;
	size_t bytes = 0;

	memset(&o, 0, sizeof(o));
	o.sets = 1;
	o.changes = changes;
	o.meta_bytes = meta_bytes;
	agency_derive(&a, "bench", 0);
	if (agency_build(&a, &o, &bytes) != 0)
		bytes = 0;
	agency_free(&a);
	return bytes;
}

static void
agency_free(struct agency *a)
{
	if (a->sock != NULL)
		zmq_close(a->sock);
	for (uint64_t s = 0; a->frames != NULL && s < a->nsets; s++)
		free(a->frames[s]);
	free(a->frames);
	free(a->lens);
}

static int
agency_connect(struct agency *a, void *zctx, const uint8_t hub_pub[KEYS_CURVE],
    const char *endpoint)
{
	int zero = 0, one = 1;

	if ((a->sock = zmq_socket(zctx, ZMQ_DEALER)) == NULL ||
	    zmq_setsockopt(a->sock, ZMQ_CURVE_SERVERKEY, hub_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(a->sock, ZMQ_CURVE_PUBLICKEY, a->curve_pub, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(a->sock, ZMQ_CURVE_SECRETKEY, a->curve_sec, KEYS_CURVE) != 0 ||
	    zmq_setsockopt(a->sock, ZMQ_LINGER, &zero, sizeof(zero)) != 0 ||
	    zmq_setsockopt(a->sock, ZMQ_IMMEDIATE, &one, sizeof(one)) != 0 ||
	    zmq_connect(a->sock, endpoint) != 0)
		return eiso_seterr(EISO_NET, "%s: socket: %s", a->id, zmq_strerror(zmq_errno()));
	return 0;
}

static void
agency_hello(struct agency *a)
{
	Eiso__Envelope env = EISO__ENVELOPE__INIT;
	Eiso__Hello h = EISO__HELLO__INIT;

	h.protocol = WIRE_PROTOCOL;
	h.agency = a->id;
	h.head_seq = a->nsets;
	env.msg_case = EISO__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	if (wire_send(a->sock, &env, WIRE_MAX_FRAME_DEFAULT, ZMQ_DONTWAIT) == 0)
		a->hello_sent = 1;
}

/* Send within the window; returns sets sent. */
static uint64_t
agency_pump(struct agency *a)
{
	uint64_t sent = 0;

	while (a->welcomed && a->next <= a->nsets && a->next <= a->acked + a->window) {
		if (zmq_send(a->sock, a->frames[a->next - 1], a->lens[a->next - 1],
		    ZMQ_DONTWAIT) < 0)
			break;
		a->next++;
		sent++;
	}
	return sent;
}

/* Handle one message from the hub. Returns 0, or -1 on a refusal the load cannot survive. */
static int
agency_on_message(struct agency *a, const Eiso__Envelope *env, const struct ingest_opts *o)
{
	const Eiso__Reject *r;

	switch (env->msg_case) {
	case EISO__ENVELOPE__MSG_WELCOME:
		if (env->welcome->applied_seq > a->nsets) {
			fprintf(stderr, "loadgen: %s: hub has seq %" PRIu64 ", more than this run's "
			    "%" PRIu64 " (a hub from an earlier run?)\n", a->id,
			    env->welcome->applied_seq, a->nsets);
			return -1;
		}
		a->acked = env->welcome->applied_seq;
		a->next = a->acked + 1;
		a->window = env->welcome->window ? env->welcome->window : 64;
		if (o->window > 0 && o->window < a->window)
			a->window = o->window;
		a->welcomed = 1;
		break;
	case EISO__ENVELOPE__MSG_ACK:
		if (env->ack->seq > a->acked && env->ack->seq <= a->nsets) {
			a->acked = env->ack->seq;
			if (a->next <= a->acked)
				a->next = a->acked + 1;
		}
		if (a->acked == a->nsets && !a->done) {
			if (env->ack->head_hash.len != KEYS_HASH ||
			    memcmp(env->ack->head_hash.data, a->head_hash, KEYS_HASH) != 0) {
				fprintf(stderr, "loadgen: %s: the hub's head hash at %" PRIu64
				    " differs from ours\n", a->id, a->acked);
				return -1;
			}
			a->done = 1;
		}
		break;
	case EISO__ENVELOPE__MSG_REJECT:
		r = env->reject;
		if (r->code == EISO__REJECT_CODE__REJECT_GAP && r->expected_seq > a->acked &&
		    r->expected_seq <= a->nsets + 1) {
			a->next = r->expected_seq;
			a->acked = r->expected_seq - 1;
			break;
		}
		fprintf(stderr, "loadgen: %s: hub rejected: %s: %s (expects %" PRIu64 ")\n", a->id,
		    wire_reject_name(r->code), r->reason ? r->reason : "", r->expected_seq);
		return -1;
	case EISO__ENVELOPE__MSG_PONG:
		break;
	default:
		fprintf(stderr, "loadgen: %s: unexpected message %d from the hub\n", a->id,
		    (int)env->msg_case);
		return -1;
	}
	return 0;
}

/* Drain one agency's socket. Returns -1 on a fatal refusal. */
static int
agency_drain(struct agency *a, const struct ingest_opts *o)
{
	for (;;) {
		zmq_msg_t msg;
		Eiso__Envelope *env;
		int rc;

		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, a->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			return 0;
		}
		rc = wire_unpack(zmq_msg_data(&msg), zmq_msg_size(&msg), WIRE_MAX_FRAME_MAX, &env);
		zmq_msg_close(&msg);
		if (rc != 0) {
			fprintf(stderr, "loadgen: %s: bad message from the hub: %s\n", a->id,
			    eiso_lasterr(rc));
			return -1;
		}
		rc = agency_on_message(a, env, o);
		wire_free(&env);
		if (rc != 0)
			return -1;
	}
}

/*
 * Poll every socket once (up to ms) and serve what is ready; counts agencies with a Welcome
 * and agencies done. send: pump change sets (the timed phase) or not (the handshake).
 */
static int
agencies_poll(struct agency *ag, zmq_pollitem_t *items, unsigned n,
    const struct ingest_opts *o, long ms, int send, unsigned *welcomed, unsigned *done)
{
	if (zmq_poll(items, (int)n, ms) < 0 && zmq_errno() != EINTR)
		return eiso_seterr(EISO_NET, "poll: %s", zmq_strerror(zmq_errno()));
	*welcomed = *done = 0;
	for (unsigned i = 0; i < n; i++) {
		struct agency *a = &ag[i];

		if (items[i].revents & ZMQ_POLLIN && agency_drain(a, o) != 0)
			return EISO_NET;
		if (!a->hello_sent && items[i].revents & ZMQ_POLLOUT)
			agency_hello(a);
		if (send)
			agency_pump(a);
		items[i].events = ZMQ_POLLIN | (a->hello_sent ? 0 : ZMQ_POLLOUT);
		*welcomed += a->welcomed;
		*done += a->done;
	}
	return 0;
}

static void
ingest_parse(int argc, char **argv, struct ingest_opts *o)
{
	static const struct option lo[] = {
		{ "agencies", required_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "hub-key", required_argument, NULL, 'k' },
		{ "sets", required_argument, NULL, 's' },
		{ "changes", required_argument, NULL, 'c' },
		{ "meta-bytes", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, 'w' },
		{ "hub-pid", required_argument, NULL, 'P' },
		{ "hold-ms", required_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 't' },
		{ "published", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->agencies = 41;
	o->prefix = "bench";
	o->sets = 1000;
	o->changes = 1;
	o->meta_bytes = 200;
	o->timeout_s = 300;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->agencies = (unsigned)bench_num("--agencies", optarg); break;
		case 'p': o->prefix = optarg; break;
		case 'e': o->endpoint = optarg; break;
		case 'k': o->hub_key = optarg; break;
		case 's': o->sets = bench_num("--sets", optarg); break;
		case 'c': o->changes = bench_num("--changes", optarg); break;
		case 'm': o->meta_bytes = bench_num("--meta-bytes", optarg); break;
		case 'w': o->window = bench_num("--window", optarg); break;
		case 'P': o->hub_pid = (pid_t)bench_num("--hub-pid", optarg); break;
		case 'H': o->hold_ms = bench_num("--hold-ms", optarg); break;
		case 't': o->timeout_s = bench_num("--timeout", optarg); break;
		case 'u': o->published = bench_num("--published", optarg); break;
		default: bench_usage(NULL);
		}
	}
	if (optind != argc || o->endpoint == NULL || o->hub_key == NULL)
		bench_usage("ingest: --endpoint and --hub-key are required");
	if (o->agencies == 0 || o->agencies > 100000 || o->sets == 0 || o->changes == 0 ||
	    o->changes > WIRE_MAX_CHANGES || o->meta_bytes > 8000)
		bench_usage("ingest: --agencies, --sets, --changes or --meta-bytes out of range");
}

static int
cmd_ingest(int argc, char **argv)
{
	struct ingest_opts o;
	struct agency *ag = NULL;
	zmq_pollitem_t *items = NULL;
	uint8_t hub_pub[KEYS_CURVE];
	void *zctx = NULL;
	size_t bytes = 0;
	unsigned welcomed = 0, done = 0;
	double t_build, t_conn, t0, t1, deadline, hub_cpu0 = -1, hub_cpu1 = -1;
	long rss_peak = -1, rss = -1;
	struct rlimit rl;
	struct rusage ru0, ru1;
	int rc = 1;

	ingest_parse(argc, argv, &o);
	if (keys_unhex(hub_pub, KEYS_CURVE, o.hub_key) != 0)
		bench_usage("ingest: --hub-key must be 64 hex characters");
	/* Two descriptors per agency (TCP and the socket's mailbox), plus slack. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((ag = calloc(o.agencies, sizeof(*ag))) == NULL ||
	    (items = calloc(o.agencies, sizeof(*items))) == NULL)
		goto nomem;

	t_build = bench_now();
	for (unsigned i = 0; i < o.agencies; i++) {
		agency_derive(&ag[i], o.prefix, i);
		eiso_clearerr();
		if (agency_build(&ag[i], &o, &bytes) != 0) {
			fprintf(stderr, "loadgen: building sets: %s\n", eiso_lasterr(EISO_NOMEM));
			goto done;
		}
	}
	t_build = bench_now() - t_build;
	fprintf(stderr, "loadgen: %u agencies x %" PRIu64 " sets sealed and signed in %.2f s "
	    "(%.0f bytes a frame)\n", o.agencies, o.sets, t_build,
	    (double)bytes / (double)(o.agencies * o.sets));

	if ((zctx = zmq_ctx_new()) == NULL ||
	    zmq_ctx_set(zctx, ZMQ_MAX_SOCKETS, (int)o.agencies + 64) != 0)
		goto nomem;
	t_conn = bench_now();
	deadline = t_conn + (double)o.timeout_s;
	for (unsigned i = 0; i < o.agencies; i++) {
		eiso_clearerr();
		if (agency_connect(&ag[i], zctx, hub_pub, o.endpoint) != 0) {
			fprintf(stderr, "loadgen: %s\n", eiso_lasterr(EISO_NET));
			goto done;
		}
		items[i].socket = ag[i].sock;
		items[i].events = ZMQ_POLLIN | ZMQ_POLLOUT;
	}
	while (welcomed < o.agencies) {
		if (agencies_poll(ag, items, o.agencies, &o, 100, 0, &welcomed, &done) != 0)
			goto done;
		if (bench_now() > deadline) {
			fprintf(stderr, "loadgen: only %u of %u agencies welcomed after %" PRIu64
			    " s\n", welcomed, o.agencies, o.timeout_s);
			goto done;
		}
	}
	t_conn = bench_now() - t_conn;
	fprintf(stderr, "loadgen: %u agencies connected and welcomed in %.2f s\n", o.agencies,
	    t_conn);

	/* The timed phase: nothing but sending stored frames and reading acks. */
	if (o.hub_pid > 0)
		hub_cpu0 = bench_cpu_s(o.hub_pid);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = bench_now();
	deadline = t0 + (double)o.timeout_s;
	while (done < o.agencies) {
		if (agencies_poll(ag, items, o.agencies, &o, 100, 1, &welcomed, &done) != 0)
			goto done;
		if (bench_now() > deadline) {
			for (unsigned i = 0; i < o.agencies; i++)
				if (!ag[i].done) {
					fprintf(stderr, "loadgen: %s: acked %" PRIu64 " of %" PRIu64
					    "\n", ag[i].id, ag[i].acked, ag[i].nsets);
					break;
				}
			fprintf(stderr, "loadgen: timed out: %u of %u agencies done\n", done,
			    o.agencies);
			goto done;
		}
	}
	t1 = bench_now();
	getrusage(RUSAGE_SELF, &ru1);
	if (o.hub_pid > 0)
		hub_cpu1 = bench_cpu_s(o.hub_pid);

	/* Hold the connections open while the hub's memory is sampled. */
	if (o.hold_ms > 0 && o.hub_pid > 0) {
		double end = bench_now() + (double)o.hold_ms / 1000;
		while (bench_now() < end) {
			if (agencies_poll(ag, items, o.agencies, &o, 100, 0, &welcomed, &done) != 0)
				goto done;
			rss = bench_rss_anon_kb(o.hub_pid);
			if (rss > rss_peak)
				rss_peak = rss;
		}
	}

	printf("{\"verb\":\"ingest\",\"agencies\":%u,\"sets\":%" PRIu64 ",\"changes\":%" PRIu64
	    ",\"frame_bytes\":%.0f,\"build_s\":%.3f,\"connect_s\":%.3f,\"seconds\":%.4f,"
	    "\"sets_per_s\":%.1f,\"changes_per_s\":%.1f,\"hub_cpu_s\":%.3f,"
	    "\"loadgen_cpu_s\":%.3f,\"hub_rss_anon_kb\":%ld,\"hub_rss_anon_peak_kb\":%ld}\n",
	    o.agencies, o.agencies * o.sets, o.agencies * o.sets * o.changes,
	    (double)bytes / (double)(o.agencies * o.sets), t_build, t_conn, t1 - t0,
	    (double)(o.agencies * o.sets) / (t1 - t0),
	    (double)(o.agencies * o.sets * o.changes) / (t1 - t0),
	    hub_cpu0 >= 0 && hub_cpu1 >= 0 ? hub_cpu1 - hub_cpu0 : -1.0,
	    (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
	    ru0.ru_stime.tv_sec) + (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
	    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6, rss, rss_peak);
	fflush(stdout);
	rc = 0;
	goto done;
nomem:
	fprintf(stderr, "loadgen: out of memory or sockets\n");
done:
	for (unsigned i = 0; ag != NULL && i < o.agencies; i++)
		agency_free(&ag[i]);
	free(ag);
	free(items);
	if (zctx != NULL)
		zmq_ctx_term(zctx);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} verbs[] = {
		{ "roster", cmd_roster }, { "ingest", cmd_ingest }, { "limits", cmd_limits },
		{ "fill", cmd_fill }, { "run-node", cmd_run_node }, { "latency", cmd_latency },
		{ "gen-files", cmd_gen_files }, { "verify-blobs", cmd_verify_blobs },
		{ "http", cmd_http },
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0)
		bench_usage(NULL);
	if (keys_init() != 0) {
		fprintf(stderr, "loadgen: libsodium failed to initialise\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	bench_usage("unknown verb");
}
