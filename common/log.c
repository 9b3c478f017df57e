/* log.c: stderr logging with journald priority prefixes when run under systemd. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "eiso";
static int log_debugging;
static int log_journal;

void
log_init(const char *prog, int debug)
{
	log_prog = prog;
	log_debugging = debug;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

static void
log_emit(int prio, int with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal) {
		if (with_errno)
			fprintf(stderr, "<%d>%s: %s\n", prio, msg, strerror(saved));
		else
			fprintf(stderr, "<%d>%s\n", prio, msg);
	} else {
		if (with_errno)
			fprintf(stderr, "%s: %s: %s\n", log_prog, msg, strerror(saved));
		else
			fprintf(stderr, "%s: %s\n", log_prog, msg);
	}
	errno = saved;
}

#define LOG_BODY(prio, with_errno)              \
	do {                                    \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_emit(prio, with_errno, fmt, ap); \
		va_end(ap);                     \
	} while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(4, 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(4, 0); }
void log_info(const char *fmt, ...) { LOG_BODY(6, 0); }

void
log_debug(const char *fmt, ...)
{
	if (log_debugging)
		LOG_BODY(7, 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(3, 1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(3, 0);
	exit(1);
}
