/*
 * domain.h: the ISO 9001 vocabulary and rules both daemons apply: document kinds, statuses
 * and access levels, the only lifecycle moves allowed, record file and case statuses, dates,
 * and the validation of each replicated record. The node validates before it writes; the
 * hub validates again before it applies (it trusts signatures, not content).
 */
#ifndef EISO_DOMAIN_H
#define EISO_DOMAIN_H

#include <stdint.h>

#include "eiso.pb-c.h"

#define DOMAIN_MAX_CODE     64        /* document, record file and case codes */
#define DOMAIN_MAX_ENTRIES  10000     /* documents filed in one record file */
#define DOMAIN_MAX_TEXT     (64 << 10) /* bytes of text content supplied for search */
#define DOMAIN_MAX_ROUTE    64        /* route steps on one issue (submit, check, return ...) */

extern const char *const domain_doc_kinds[];     /* NULL-terminated */
extern const char *const domain_doc_statuses[];
extern const char *const domain_route_actions[];  /* submit check return approve */
extern const char *const domain_access[];
extern const char *const domain_case_statuses[];

/* Is s one of the NULL-terminated words? */
int domain_one_of(const char *s, const char *const *words);

/* "a, b, c" of a word list, for error messages (static buffer). */
const char *domain_words(const char *const *words);

/* Document lifecycle: 1 if from -> to is one of the allowed moves. */
int domain_doc_move_ok(const char *from, const char *to);

/* Case statuses: completed, returned and withdrawn are final. */
int domain_case_final(const char *status);

/* Codes: 1..DOMAIN_MAX_CODE of letters, digits and . _ - / (no spaces). */
int domain_code_ok(const char *code);

/* Dates are calendar dates written YYYY-MM-DD. 1 if s is a real date. */
int domain_date_ok(const char *s);
/* Today (Asia/Ho_Chi_Minh, UTC+7) as YYYY-MM-DD into buf[11]. */
void domain_today(char buf[11]);
/* d + months as YYYY-MM-DD (the day is clamped to the month's length). */
void domain_add_months(const char *d, unsigned months, char out[11]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (UTC+7) to unix ms. 0 or EISO_INVAL. */
int domain_parse_time(const char *s, int64_t *ms);
/* The same for a deadline: a date alone means the end of that day (23:59:59.999, UTC+7),
 * so a case due today and completed this afternoon is on time. */
int domain_parse_deadline(const char *s, int64_t *ms);
/* Between a person's name and position when written out: "Nguyễn Văn A, Giám đốc". */
#define PERSON_SEP(p) ((p)->position != NULL && (p)->position[0] != '\0' ? ", " : "")

/*
 * Validate a record as it would be replicated. Returns 0, EISO_INVAL or EISO_TOOBIG with a
 * detail naming the field ("kind: 'x' is not one of ...").
 */
int domain_check_doc(const Eiso__DocIssue *d);
int domain_check_file(const Eiso__RecordFile *f);
int domain_check_case(const Eiso__Case *c);

#endif
