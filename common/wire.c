/* wire.c: envelope packing with frame limits, body limit checks, reject code names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "domain.h"
#include "err.h"
#include "keys.h"
#include "wire.h"

int
wire_pack(const Eiso__Envelope *env, size_t max_frame, uint8_t **buf, size_t *len)
{
	size_t n = eiso__envelope__get_packed_size(env);

	*buf = NULL;
	if (n > max_frame)
		return eiso_seterr(EISO_TOOBIG, "message of %zu bytes exceeds the frame limit %zu",
		    n, max_frame);
	if ((*buf = malloc(n ? n : 1)) == NULL)
		return EISO_NOMEM;
	*len = eiso__envelope__pack(env, *buf);
	return 0;
}

/* A protobuf varint at p[*i..len); 0 when it runs past the end or beyond 64 bits. */
static int
wire_varint(const uint8_t *p, size_t len, size_t *i, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64 && *i < len; shift += 7) {
		uint8_t b = p[(*i)++];

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80)
			return 1;
	}
	return 0;
}

/*
 * Walk the packed message field by field with its descriptor: a string field is refused if
 * it holds a NUL byte, sub-messages are walked in turn. Unknown fields are skipped.
 */
static int
wire_walk_nul(const ProtobufCMessageDescriptor *desc, const uint8_t *p, size_t len, int depth)
{
	size_t i = 0;

	if (depth > 8)
		return eiso_seterr(EISO_PARSE, "messages nested too deep");
	while (i < len) {
		const ProtobufCFieldDescriptor *f;
		uint64_t tag, n;
		int rc;

		if (!wire_varint(p, len, &i, &tag))
			return eiso_seterr(EISO_PARSE, "truncated field tag");
		switch (tag & 7) {
		case 0:
			if (!wire_varint(p, len, &i, &n))
				return eiso_seterr(EISO_PARSE, "truncated varint");
			continue;
		case 1:
			n = 8;
			break;
		case 5:
			n = 4;
			break;
		case 2:
			if (!wire_varint(p, len, &i, &n))
				return eiso_seterr(EISO_PARSE, "truncated length");
			break;
		default:
			return eiso_seterr(EISO_PARSE, "field of wire type %u",
			    (unsigned)(tag & 7));
		}
		if (n > len - i)
			return eiso_seterr(EISO_PARSE, "field runs past its message");
		f = (tag & 7) == 2 && (tag >> 3) <= UINT32_MAX ?
		    protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3)) : NULL;
		if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING && memchr(p + i, 0, n) != NULL)
			return eiso_seterr(EISO_PARSE, "%s holds a NUL byte", f->name);
		if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    (rc = wire_walk_nul(f->descriptor, p + i, n, depth + 1)) != 0)
			return rc;
		i += n;
	}
	return 0;
}

int
wire_check_nul(const ProtobufCMessageDescriptor *desc, const void *buf, size_t len)
{
	return wire_walk_nul(desc, buf, len, 0);
}

int
wire_unpack(const void *buf, size_t len, size_t max_frame, Eiso__Envelope **env)
{
	int rc;

	*env = NULL;
	if (len > max_frame)
		return eiso_seterr(EISO_TOOBIG, "frame of %zu bytes exceeds the limit %zu",
		    len, max_frame);
	if ((*env = eiso__envelope__unpack(NULL, len, buf)) == NULL)
		return eiso_seterr(EISO_PARSE, "frame is not a valid Envelope");
	if ((rc = wire_check_nul(&eiso__envelope__descriptor, buf, len)) != 0) {
		wire_free(env);
		return rc;
	}
	if ((*env)->msg_case == EISO__ENVELOPE__MSG__NOT_SET) {
		wire_free(env);
		return eiso_seterr(EISO_PARSE, "envelope carries no known message");
	}
	return 0;
}

void
wire_free(Eiso__Envelope **env)
{
	if (*env != NULL) {
		eiso__envelope__free_unpacked(*env, NULL);
		*env = NULL;
	}
}

static void
wire_free_buf(void *data, void *hint)
{
	(void)hint;
	free(data);
}

int
wire_send(void *sock, const Eiso__Envelope *env, size_t max_frame, int flags)
{
	zmq_msg_t msg;
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = wire_pack(env, max_frame, &buf, &len)) != 0)
		return rc;
	/* Hand the buffer to ZeroMQ: no second copy. */
	if (zmq_msg_init_data(&msg, buf, len, wire_free_buf, NULL) != 0) {
		free(buf);
		return EISO_NOMEM;
	}
	if (zmq_msg_send(&msg, sock, flags) < 0) {
		int saved = errno;
		zmq_msg_close(&msg);
		errno = saved;
		return EISO_NET;
	}
	return 0;
}

size_t
wire_drain(void *sock)
{
	size_t n = 0;

	for (;;) {
		zmq_msg_t part;
		int more = 0;
		size_t len = sizeof(more);

		if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) != 0 || !more)
			return n;
		zmq_msg_init(&part);
		if (zmq_msg_recv(&part, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&part);
			return n;
		}
		zmq_msg_close(&part);
		n++;
	}
}

/* Envelope.change_set: field 3, length-delimited. */
#define WIRE_TAG_CHANGE_SET ((3 << 3) | 2)

int
wire_send_change_set(void *sock, const void *cs, size_t len, size_t max_frame, int flags)
{
	zmq_msg_t msg;
	uint8_t *buf;
	size_t hdr = 2, n;     /* the tag and a varint of at least one byte */
	int saved;

	for (uint64_t v = len; v >= 0x80; v >>= 7)
		hdr++;
	if (hdr + len > max_frame)
		return eiso_seterr(EISO_TOOBIG, "message of %zu bytes exceeds the frame limit %zu",
		    hdr + len, max_frame);
	if (zmq_msg_init_size(&msg, hdr + len) != 0)
		return EISO_NOMEM;
	buf = zmq_msg_data(&msg);
	buf[0] = WIRE_TAG_CHANGE_SET;
	n = 1;
	for (uint64_t v = len; ; v >>= 7) {
		buf[n++] = (uint8_t)(v >= 0x80 ? (v & 0x7f) | 0x80 : v);
		if (v < 0x80)
			break;
	}
	memcpy(buf + n, cs, len);
	if (zmq_msg_send(&msg, sock, flags) < 0) {
		saved = errno;
		zmq_msg_close(&msg);
		errno = saved;
		return EISO_NET;
	}
	return 0;
}

int
wire_agency_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > WIRE_MAX_AGENCY || id[0] == '.' || id[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

/*
 * Bytes of s[0..len) that are valid UTF-8 from the start: well-formed UTF-8 as Unicode defines
 * it (no overlong forms, no surrogates, nothing above U+10FFFF), exactly what utf8proc_iterate
 * accepts (test_wire checks the two agree). Every text field of every change passes here, so
 * ASCII is taken eight bytes at a time and a sequence is judged without a call per code point.
 */
static size_t
wire_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0, n;

	while (i < len) {
		unsigned c = s[i], lo = 0x80, hi = 0xbf;
		uint64_t w;

		if (c < 0x80) {
			while (len - i >= 8) {
				memcpy(&w, s + i, 8);
				if (w & high)
					break;
				i += 8;
			}
			while (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			if (c == 0xe0)
				lo = 0xa0;        /* below: overlong */
			else if (c == 0xed)
				hi = 0x9f;        /* above: UTF-16 surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			if (c == 0xf0)
				lo = 0x90;        /* below: overlong */
			else if (c == 0xf4)
				hi = 0x8f;        /* above: beyond U+10FFFF */
		} else {
			break;
		}
		if (len - i < n || s[i + 1] < lo || s[i + 1] > hi ||
		    (n > 2 && (s[i + 2] & 0xc0) != 0x80) || (n > 3 && (s[i + 3] & 0xc0) != 0x80))
			break;
		i += n;
	}
	return i;
}

static int
wire_check_text(const char *what, const char *s, size_t max)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len > max)
		return eiso_seterr(EISO_TOOBIG, "%s: longer than %zu bytes", what, max);
	if (wire_utf8_valid(s, len) != len)
		return eiso_seterr(EISO_PARSE, "%s: not valid UTF-8", what);
	return 0;
}

/*
 * Every string field of a message and its sub-messages, whatever the message: valid UTF-8
 * and within WIRE_MAX_FIELD (the search text of a document within DOMAIN_MAX_TEXT).
 */
static int
wire_check_strings(const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	int rc;

	if (depth > 4)
		return eiso_seterr(EISO_PARSE, "messages nested too deep");
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];
		const char *base = (const char *)m + f->offset;
		size_t max = WIRE_MAX_FIELD, count = 1;
		const void *const *items = (const void *const *)(const void *)base;

		if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->type == PROTOBUF_C_TYPE_STRING && strcmp(f->name, "text") == 0)
			max = DOMAIN_MAX_TEXT;
		/*
		 * The members of a oneof share one union: only the one its case names is there
		 * (reading the others would check the same message again, or as another type).
		 */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(const void *)((const char *)m + f->quantifier_offset) !=
		    f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)(const void *)((const char *)m + f->quantifier_offset);
			items = *(const void *const *const *)(const void *)base;
		}
		for (size_t j = 0; j < count; j++) {
			const void *v = items[j];
			if (v == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_STRING)
				rc = wire_check_text(f->name, v, max);
			else
				rc = wire_check_strings(v, depth + 1);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
wire_check_files(const Eiso__DocIssue *d)
{
	if (d->n_files > WIRE_MAX_FILES)
		return eiso_seterr(EISO_TOOBIG, "document %s has %zu files, limit %d", d->code,
		    d->n_files, WIRE_MAX_FILES);
	for (size_t i = 0; i < d->n_files; i++) {
		const Eiso__BlobRef *f = d->files[i];
		if (f->sha256.len != KEYS_HASH)
			return eiso_seterr(EISO_PARSE, "file reference with a %zu-byte hash",
			    f->sha256.len);
		if (f->size > WIRE_MAX_BLOB)
			return eiso_seterr(EISO_TOOBIG, "file of %llu bytes",
			    (unsigned long long)f->size);
	}
	return 0;
}

int
wire_check_body(const Eiso__ChangeSetBody *body)
{
	int rc;

	if (body->agency == NULL || !wire_agency_ok(body->agency))
		return eiso_seterr(EISO_PARSE, "change set names no valid agency");
	if (body->seq == 0)
		return eiso_seterr(EISO_PARSE, "change set seq 0");
	if (body->prev_hash.len != KEYS_HASH)
		return eiso_seterr(EISO_PARSE, "prev_hash of %zu bytes", body->prev_hash.len);
	if (body->n_changes > WIRE_MAX_CHANGES)
		return eiso_seterr(EISO_TOOBIG, "%zu changes in one set, limit %d",
		    body->n_changes, WIRE_MAX_CHANGES);
	for (size_t i = 0; i < body->n_changes; i++) {
		const Eiso__Change *c = body->changes[i];

		if ((rc = wire_check_strings(&c->base, 0)) != 0)
			return rc;
		switch (c->op_case) {
		case EISO__CHANGE__OP_DOC_ISSUE:
			rc = wire_check_files(c->doc_issue);
			if (rc == 0)
				rc = domain_check_doc(c->doc_issue);
			break;
		case EISO__CHANGE__OP_RECORD_FILE:
			rc = domain_check_file(c->record_file);
			break;
		case EISO__CHANGE__OP_CASE:
			rc = domain_check_case(c->case_);
			break;
		default:
			return eiso_seterr(EISO_PARSE, "change %llu has no known operation",
			    (unsigned long long)c->id);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
wire_utf8_trim(char *s)
{
	s[wire_utf8_valid(s, strlen(s))] = '\0';
}

const char *
wire_reject_name(Eiso__RejectCode code)
{
	switch (code) {
	case EISO__REJECT_CODE__REJECT_PROTOCOL: return "protocol";
	case EISO__REJECT_CODE__REJECT_TOO_LARGE: return "too-large";
	case EISO__REJECT_CODE__REJECT_IDENTITY: return "identity";
	case EISO__REJECT_CODE__REJECT_SIGNATURE: return "signature";
	case EISO__REJECT_CODE__REJECT_GAP: return "gap";
	case EISO__REJECT_CODE__REJECT_FORK: return "fork";
	case EISO__REJECT_CODE__REJECT_BLOB: return "blob";
	case EISO__REJECT_CODE__REJECT_AGENCY_STATE: return "agency-state";
	case EISO__REJECT_CODE__REJECT_INTERNAL: return "internal";
	default: return "unknown";
	}
}
