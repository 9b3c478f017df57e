/*
 * log.h: logging for the daemons and command-line verbs, on stderr.
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with a <N> priority prefix that journald
 * reads; otherwise lines read "prog: message". Messages are lower case without a trailing
 * period and their wording is stable: tests grep them. Control characters in a message (a
 * newline in a user name, say) are written as \xNN, so one call is always one line.
 */
#ifndef EISO_LOG_H
#define EISO_LOG_H

#include <stdint.h>
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

/*
 * A limit for lines a peer can cause at will (its refused messages): per key (an agency id),
 * at most LOG_LIMIT_BURST lines in each LOG_LIMIT_WINDOW_MS, the rest only counted. Not
 * thread-safe: one limit per thread. A NULL limit lets every line through.
 * new: what names the lines in the count ("rejects"); returns 0, or -1 out of memory.
 * take: 1 when the line for key may be logged now, 0 when it was counted instead.
 * flush: for each key whose window has ended, log "KEY: N more WHAT not logged in the last
 *   S s" if lines were held back, and forget the key. Call it regularly (a loop's tick).
 */
#define LOG_LIMIT_BURST      20
#define LOG_LIMIT_WINDOW_MS  10000
#define LOG_LIMIT_KEY        72

struct log_limit;
int log_limit_new(const char *what, struct log_limit **out);
void log_limit_free(struct log_limit **l);
int log_limit_take(struct log_limit *l, const char *key, int64_t now_ms);
void log_limit_flush(struct log_limit *l, int64_t now_ms);

#endif
