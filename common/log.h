/*
 * log.h: logging for the daemons and command-line verbs, on stderr.
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with a <N> priority prefix that journald
 * reads; otherwise lines read "prog: message". Messages are lower case without a trailing
 * period and their wording is stable: tests grep them.
 */
#ifndef EISO_LOG_H
#define EISO_LOG_H

#include <stdnoreturn.h>

/* prog names the program in every line; debug enables log_debug output. */
void log_init(const char *prog, int debug);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* + strerror(errno) */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Daemons and main() only: log at error priority and exit(1). fatal adds strerror(errno). */
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
