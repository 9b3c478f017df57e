/*
 * i18n.h: every string the web pages show, in Vietnamese (the default) and English, and
 * times and dates as each language writes them.
 *
 * The strings live in one X-macro table, i18n.def: TR(NAME, "key", "vi", "en"). From C a
 * string is named by its enum constant (TR_LOGIN_TITLE), so a misspelt key does not compile;
 * templates name it by its key ({{@login.title}}), which tmplc checks when the binary is
 * built. A translated string is never a printf format: its parameters are named in braces
 * ("{n} documents match") and filled by tr_fill, or by a template from its context.
 */
#ifndef EISO_I18N_H
#define EISO_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "html.h"

enum web_lang { WEB_VI, WEB_EN };

#define TR(name, key, vi, en) TR_##name,
enum tr_key {
#include "i18n.def"
	TR_COUNT
};
#undef TR

/* The string of key in lang. */
const char *tr(enum web_lang lang, enum tr_key key);

/*
 * The key named name ("login.title"): 0 and *key set, or EISO_NOTFOUND. For strings picked
 * at run time from a value ("status." + status), which the caller must be ready to miss.
 */
int tr_find(const char *name, enum tr_key *key);

/* tr() of the key named prefix + "." + value, or value itself when there is no such key. */
const char *tr_value(enum web_lang lang, const char *prefix, const char *value);

/*
 * Append key's string in lang to b, HTML-escaped, with each "{name}" replaced by the value
 * given for name: pairs of (const char *name, const char *value), then NULL. A parameter
 * without a value is left as it is written, so a missing one shows instead of vanishing.
 */
void tr_fill(struct html *b, enum web_lang lang, enum tr_key key, ...)
    __attribute__((sentinel));

/* Like tr_fill, but unescaped text into out (outlen bytes with the NUL, truncated). */
void tr_fill_text(char *out, size_t outlen, enum web_lang lang, enum tr_key key, ...)
    __attribute__((sentinel));

/* Times in Asia/Ho_Chi_Minh (UTC+7): dd/mm/yyyy HH:MM in Vietnamese, yyyy-mm-dd HH:MM in
 * English; "never" (translated) for 0. */
void i18n_time(char *buf, size_t len, int64_t ms, enum web_lang lang);
/* A YYYY-MM-DD date as lang writes it; "—" when empty. */
void i18n_date(char *buf, size_t len, const char *ymd, enum web_lang lang);
void i18n_iso(char *buf, size_t len, int64_t ms);      /* 2026-01-02T03:04:05+07:00, "" for 0 */
void i18n_day(char buf[11], int64_t ms);               /* YYYY-MM-DD in UTC+7 */

#endif
