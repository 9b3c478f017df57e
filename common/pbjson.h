/*
 * pbjson.h: any protobuf-c message as a JSON object (jansson), from its descriptor.
 *
 * Field names are the .proto names; bytes become lower-case hex; 64-bit integers are JSON
 * integers; unset sub-messages are left out. One encoder for every record the CLI and the
 * HTTP APIs print, so their JSON always matches eiso.proto.
 */
#ifndef EISO_PBJSON_H
#define EISO_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* A new object (caller owns the reference), or NULL when out of memory. */
json_t *pbjson_encode(const ProtobufCMessage *m);

/* Print j to stdout as one line and drop the reference. Returns 0 or EISO_IO. */
int pbjson_print(json_t *j);

#endif
