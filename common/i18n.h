/*
 * i18n.h: the web pages' two languages (i18n.c): every string a page shows, in Vietnamese
 * (the default) and English, and times and dates as each language writes them, always in
 * Asia/Ho_Chi_Minh (UTC+7, no daylight saving) whatever the machine's zone.
 */
#ifndef EISO_I18N_H
#define EISO_I18N_H

#include <stddef.h>
#include <stdint.h>

enum web_lang { WEB_VI, WEB_EN };

/* The string key stands for in lang; a key the table lacks comes back as itself. */
const char *tr(enum web_lang lang, const char *key);

/* dd/mm/yyyy HH:MM in Vietnamese, yyyy-mm-dd HH:MM in English; "never" (translated) for 0. */
void i18n_time(char *buf, size_t len, int64_t ms, enum web_lang lang);
/* A YYYY-MM-DD date as lang writes it; "—" when empty. */
void i18n_date(char *buf, size_t len, const char *ymd, enum web_lang lang);
void i18n_iso(char *buf, size_t len, int64_t ms);      /* 2026-01-02T03:04:05+07:00, "" for 0 */
void i18n_day(char buf[11], int64_t ms);               /* YYYY-MM-DD in UTC+7 */

#endif
