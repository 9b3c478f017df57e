/*
 * api.h: what the local JSON API's files share (api.c: the routes and resources;
 * api_fields.c: reading a request's fields). Private to them.
 */
#ifndef NODED_WEB_API_H
#define NODED_WEB_API_H

#include "http.h"
#include "web/web.h"

/* 1 when s is one of names (NULL-terminated); names as "a, b, c" for messages. */
int api_in(const char *s, const char *const *names);
const char *api_list(const char *const *names);
/* Every field of the body is one the operation knows. */
int api_known(json_t *body, const char *const *names);
/* A string field; *out stays NULL when it is absent or null. */
int api_str(json_t *body, const char *name, const char **out);
/* A number field, as a JSON integer or a string of digits (like the CLI's option). */
int api_number(json_t *body, const char *name, long max, long *out);
/* Years of retention: "10", 10 or "permanent" (document_do and recordfile_do check them). */
int api_retention(json_t *body, char *buf, size_t len, const char **out);
/* A date or time field, as the CLI reads --due, --received, --at. */
int api_time(json_t *body, const char *name, const char *field, int64_t *ms);
/* Query parameters: only known ones. */
int api_query_known(const char *query, const char *const *names);
/* A query parameter's value; *out stays NULL when absent. */
int api_param(const struct http_req *r, const char *name, char *buf, size_t len, const char **out);
/* A yes/no parameter: 1, true, yes (or no value) / 0, false, no. */
int api_flag(const struct http_req *r, const char *name, int *on);
/* ?issue=N, 0 when absent. */
int api_issue_param(const struct http_req *r, uint32_t *issue);

#endif
