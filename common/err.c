/* err.c: error names and the thread-local detail buffer behind eiso_lasterr(). */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

static _Thread_local char detail[512];

const char *
eiso_strerror(int err)
{
	switch (err) {
#define EISO_ERR_CASE(name, value, text) case (value): return (text);
	EISO_ERRORS(EISO_ERR_CASE)
#undef EISO_ERR_CASE
	}
	return "unknown error";
}

int
eiso_seterr(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return err;
}

const char *
eiso_lasterr(int err)
{
	return detail[0] != '\0' ? detail : eiso_strerror(err);
}

void
eiso_clearerr(void)
{
	detail[0] = '\0';
}
