/* pbjson.c: descriptor-driven protobuf-c to JSON encoding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pbjson.h"

static json_t *
pbjson_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		return json_string(*(char *const *)p ? *(char *const *)p : "");
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_integer((json_int_t)*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(
		    f->descriptor, *(const int *)p);
		return ev ? json_string(ev->name) : json_integer(*(const int *)p);
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		char *hex = malloc(b->len * 2 + 1);
		json_t *j;

		if (hex == NULL)
			return NULL;
		for (size_t i = 0; i < b->len; i++)
			snprintf(hex + 2 * i, 3, "%02x", b->data[i]);
		hex[b->len * 2] = '\0';
		j = json_string(hex);
		free(hex);
		return j;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(ProtobufCMessage *const *)p ? pbjson_encode(*(ProtobufCMessage *const *)p) :
		    json_null();
	default:
		return json_null();
	}
}

/* Bytes each element of a repeated field takes in its array. */
static size_t
pbjson_elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	default:
		return 4;
	}
}

json_t *
pbjson_encode(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *p = (const char *)m + f->offset;
		json_t *v;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(const void *)((const char *)m +
			    f->quantifier_offset);
			const char *arr = *(const char *const *)(const void *)p;
			v = json_array();
			for (size_t j = 0; v != NULL && j < n; j++)
				json_array_append_new(v, pbjson_value(f,
				    arr + j * pbjson_elem_size(f->type)));
		} else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			/* Only the member the oneof holds. */
			if (*(const uint32_t *)(const void *)((const char *)m +
			    f->quantifier_offset) != f->id)
				continue;
			v = pbjson_value(f, p);
		} else {
			if (f->type == PROTOBUF_C_TYPE_MESSAGE && *(void *const *)(const void *)p == NULL)
				continue;
			v = pbjson_value(f, p);
		}
		if (v == NULL || json_object_set_new(obj, f->name, v) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

int
pbjson_print(json_t *j)
{
	int rc = 0;

	if (j == NULL)
		return EISO_NOMEM;
	if (json_dumpf(j, stdout, JSON_COMPACT) != 0 ||
	    putchar('\n') == EOF)
		rc = EISO_IO;
	json_decref(j);
	return rc;
}
