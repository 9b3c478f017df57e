/*
 * api_fields.c: how the local JSON API (api.c) reads a request: body fields as the CLI's
 * options ('_' for '-', unknown ones refused so a typo never passes silently), numbers,
 * retention, dates, and query parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "web/api.h"

int
api_in(const char *s, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(s, *names) == 0)
			return 1;
	return 0;
}

const char *
api_list(const char *const *names)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (; *names != NULL && n < sizeof(buf); names++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "", *names);
	return buf;
}

/* Every field of the body is one the operation knows. */
int
api_known(json_t *body, const char *const *names)
{
	const char *key;
	json_t *v;

	json_object_foreach(body, key, v) {
		if (!api_in(key, names))
			return eiso_seterr(EISO_INVAL, "%s: unknown field (this operation takes: %s)",
			    key, names[0] ? api_list(names) : "no fields");
	}
	return 0;
}

/* A string field; *out stays NULL when it is absent or null. */
int
api_str(json_t *body, const char *name, const char **out)
{
	json_t *v = json_object_get(body, name);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return eiso_seterr(EISO_INVAL, "%s: must be a string", name);
	*out = json_string_value(v);
	return 0;
}

/* A number field, as a JSON integer or a string of digits (like the CLI's option). */
int
api_number(json_t *body, const char *name, long max, long *out)
{
	json_t *v = json_object_get(body, name);
	char buf[64], *end;
	long x;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > max)
			return eiso_seterr(EISO_INVAL, "%s: '%lld' is not a number from 0 to %ld",
			    name, (long long)json_integer_value(v), max);
		*out = (long)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return eiso_seterr(EISO_INVAL, "%s: must be a number", name);
	snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	errno = 0;
	x = strtol(buf, &end, 10);
	if (buf[0] == '\0' || *end != '\0' || errno != 0 || x < 0 || x > max)
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not a number from 0 to %ld", name,
		    json_string_value(v), max);
	*out = x;
	return 0;
}

/* Years of retention: "10", 10 or "permanent" (document_do and recordfile_do check them). */
int
api_retention(json_t *body, char *buf, size_t len, const char **out)
{
	json_t *v = json_object_get(body, "retention");

	if (v != NULL && json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		*out = buf;
		return 0;
	}
	return api_str(body, "retention", out);
}

/* A date or time field, as the CLI reads --due, --received, --at. */
int
api_time(json_t *body, const char *name, const char *field, int64_t *ms)
{
	const char *s = NULL;
	int rc;

	if ((rc = api_str(body, name, &s)) != 0 || s == NULL)
		return rc;
	/* A due date is a deadline: a date alone means the end of that day. */
	if ((strcmp(field, "due") == 0 ? domain_parse_deadline(s, ms) : domain_parse_time(s, ms)) != 0)
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not a date (YYYY-MM-DD or "
		    "'YYYY-MM-DD HH:MM')", field, s);
	return 0;
}

/* Query parameters: only known ones. */
int
api_query_known(const char *query, const char *const *names)
{
	const char *p = query;
	char name[64];

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&');
		size_t len = strcspn(p, "=&");

		if (len > 0) {
			snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), p);
			if (!api_in(name, names))
				return eiso_seterr(EISO_INVAL, "%s: unknown parameter (this endpoint "
				    "takes: %s)", name, names[0] ? api_list(names) : "none");
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* A query parameter's value; *out stays NULL when absent. */
int
api_param(const struct http_req *r, const char *name, char *buf, size_t len, const char **out)
{
	int rc = http_query(r->query, name, buf, len);

	*out = NULL;
	if (rc == EISO_NOTFOUND)
		return 0;
	if (rc == 0)
		*out = buf;
	return rc;
}

/* A yes/no parameter: 1, true, yes (or no value) / 0, false, no. */
int
api_flag(const struct http_req *r, const char *name, int *on)
{
	char buf[16];
	const char *v;
	int rc;

	*on = 0;
	if ((rc = api_param(r, name, buf, sizeof(buf), &v)) != 0 || v == NULL)
		return rc;
	if (v[0] == '\0' || strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "yes") == 0)
		*on = 1;
	else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0 && strcmp(v, "no") != 0)
		return eiso_seterr(EISO_INVAL, "%s: '%s' is not 1 or 0", name, v);
	return 0;
}

int
api_issue_param(const struct http_req *r, uint32_t *issue)
{
	char buf[32], *end;
	const char *v;
	long x;
	int rc;

	*issue = 0;
	if ((rc = api_param(r, "issue", buf, sizeof(buf), &v)) != 0 || v == NULL)
		return rc;
	errno = 0;
	x = strtol(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || x < 0 || x > 1000000)
		return eiso_seterr(EISO_INVAL, "issue: '%s' is not a number from 0 to 1000000", v);
	*issue = (uint32_t)x;
	return 0;
}
