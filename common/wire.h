/*
 * wire.h: the envelope on every ZeroMQ message, and the limits that bound it (I8).
 *
 * One protobuf Envelope per message (proto/eiso.proto). Nothing is unpacked before its size is
 * checked against max_frame, and a change set body is checked against the body limits before
 * anything in it is used.
 */
#ifndef EISO_WIRE_H
#define EISO_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "eiso.pb-c.h"

#define WIRE_PROTOCOL        1
#define WIRE_SIGN_DOMAIN     "eiso/changeset/v1"     /* signed as these bytes plus a NUL */
#define WIRE_ZAP_DOMAIN      "eiso"

#define WIRE_MAX_FRAME_DEFAULT ((size_t)4 << 20)
#define WIRE_MAX_FRAME_MIN     ((size_t)64 << 10)
#define WIRE_MAX_FRAME_MAX     ((size_t)64 << 20)

/* Limits inside a change set body. */
#define WIRE_MAX_AGENCY      64      /* bytes of an agency id: [a-z0-9._-] */
#define WIRE_MAX_CHANGES     100000  /* changes in one set */
#define WIRE_MAX_FIELD       4096    /* bytes of any text field */
#define WIRE_MAX_FILES       64      /* blob references in one document */
#define WIRE_MAX_BLOB        ((uint64_t)1 << 40)

/* Pack env into a new buffer of at most max_frame bytes. Returns 0, EISO_TOOBIG, EISO_NOMEM. */
int wire_pack(const Eiso__Envelope *env, size_t max_frame, uint8_t **buf, size_t *len);

/*
 * Unpack a received frame. Returns 0, EISO_TOOBIG (len > max_frame), EISO_PARSE (detail says
 * why: it does not parse, carries no known message, or a string in it holds a NUL byte).
 */
int wire_unpack(const void *buf, size_t len, size_t max_frame, Eiso__Envelope **env);
void wire_free(Eiso__Envelope **env);

/* Send env as one message on a ZeroMQ socket (flags as zmq_send). Returns 0, EISO_TOOBIG, EISO_NET (errno kept). */
int wire_send(void *sock, const Eiso__Envelope *env, size_t max_frame, int flags);

/*
 * Send an already packed ChangeSet (cs, len bytes, as the node's outbox holds it) as one
 * Envelope, the bytes wire_send would send for it unpacked, without unpacking it: one copy,
 * into the message ZeroMQ sends. Returns 0, EISO_TOOBIG, EISO_NOMEM, EISO_NET (errno kept).
 */
int wire_send_change_set(void *sock, const void *cs, size_t len, size_t max_frame, int flags);

/*
 * Discard what is left of the message being received on sock (its ZMQ_RCVMORE parts) without
 * blocking: ZeroMQ delivers the parts of a message together, so they are all there. The
 * protocol has one part per message (PROTOCOL.md §1); a receiver reads the first part and
 * calls this before the next receive. Returns how many parts were discarded.
 */
size_t wire_drain(void *sock);

/*
 * Check that no string field of the packed message buf[0..len) (of type desc), at any depth,
 * holds a NUL byte. protobuf-c accepts NUL inside a string and hands it over as a C string,
 * so everything after the NUL would escape every check ("vp-a\0vp-b" reads as "vp-a") while
 * staying in the signed bytes. With none, a string's C length is its full length on the wire.
 * Returns 0, or EISO_PARSE ("FIELD holds a NUL byte", or the packing is broken).
 */
int wire_check_nul(const ProtobufCMessageDescriptor *desc, const void *buf, size_t len);

/* Agency ids: 1..WIRE_MAX_AGENCY of [a-z0-9._-], not starting with '.' or '-'. */
int wire_agency_ok(const char *id);

/*
 * Check a body against the limits above (text sizes, counts, hash and blob sizes) and that
 * every text field is valid UTF-8. Strings are measured as C strings: for a received body,
 * their full length once wire_check_nul has passed it (chain_check does). Returns 0, EISO_TOOBIG (a limit) or EISO_PARSE, with detail.
 */
int wire_check_body(const Eiso__ChangeSetBody *body);

/* Cut s at its first byte that does not begin a valid UTF-8 sequence (in place). */
void wire_utf8_trim(char *s);

/* Name of a reject code for logs ("gap", "signature" ...). */
const char *wire_reject_name(Eiso__RejectCode code);

#endif
