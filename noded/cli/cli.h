/*
 * cli.h: the node's command-line verbs, built on the node's core, and the helpers they share
 * (cli.c).
 */
#ifndef NODED_CLI_H
#define NODED_CLI_H

#include <stdio.h>

#include <sodium.h>

#include "domain.h"
#include "core/core.h"
#include "pbjson.h"

/* Print "noded VERB: detail" for rc; returns 1 (the exit status). */
int cli_fail(const char *verb, int rc);
/* Open the node; on failure print why and return 1. */
int cli_open(const char *verb, const char *conf, int readonly, struct node *n);
/* Print a record as one line of JSON; returns the exit status. */
int cli_print_json(const ProtobufCMessage *m);
/* What a write verb prints: m as one line of JSON (json) or by print; frees m. Exit status. */
int cli_print_record(ProtobufCMessage *m, int json, void (*print)(const ProtobufCMessage *m));
/*
 * A write verb: open the node at conf for writing, run do_write(n, arg, &rec), print rec
 * (cli_print_record) and close the node; a refusal is said as cli_fail says it. Exit status.
 */
int cli_write(const char *verb, const char *conf, int json,
    int (*do_write)(struct node *n, void *arg, ProtobufCMessage **rec), void *arg,
    void (*print)(const ProtobufCMessage *m));
/* Parse numbers and dates from options; on failure print which field and return 1. */
int cli_number(const char *verb, const char *field, const char *s, long max, long *out);
int cli_time(const char *verb, const char *field, const char *s, int64_t *ms);
/*
 * A verb's options as one table (cli_parse): each names the member of the verb's argument
 * struct it sets, by offset, and how its value is read. A name starting with '-' is a short
 * option ("-c"); the others are long options (--name). The table ends with name NULL.
 */
enum cli_opt_kind {
	CLI_STR,     /* const char *: the value as given */
	CLI_FLAG,    /* int: 1 */
	CLI_NUM,     /* long: a number from 0 to max (field names it in messages) */
	CLI_U32,     /* uint32_t: the same */
	CLI_TIME,    /* int64_t: a date, unix ms (field names it in messages) */
	CLI_FN,      /* fn(verb, value, args): 0, or the exit status */
};
struct cli_opt {
	const char *name;
	enum cli_opt_kind kind;
	size_t off;
	const char *field;
	long max;
	int (*fn)(const char *verb, const char *value, void *args);
};
/*
 * Read argv's options into args by opts. Operands: none allowed when operands is 0 ("unexpected
 * argument"), unchecked when it is -1 (the verb checks from optind). Returns 0, 1 (a bad value:
 * said on stderr) or 2 (a usage error).
 */
int cli_parse(const char *verb, int argc, char **argv, const struct cli_opt *opts, void *args,
    int operands);
/* Export: create dir with its SHA256SUMS; then write an issue (files + metadata.json) under sub. */
int cli_export_begin(const char *dir, FILE **manifest);
int cli_export_issue(MDB_txn *txn, struct node *n, const Eiso__DocIssue *d, const char *dir,
    const char *sub, FILE *manifest);

/* The verbs */
int cmd_init(int argc, char **argv);          /* init.c */
/* cli_doc.c, cli_file.c, cli_case.c, cli_user.c: the verbs' sub-verbs (common/verb.h) */
struct verb_table;
extern const struct verb_table doc_verbs, file_verbs, case_verbs, user_verbs;
int cmd_status(int argc, char **argv);        /* status.c */
int cmd_backup(int argc, char **argv);        /* backup.c */
int cmd_restore(int argc, char **argv);       /* restore.c (core/restore.c does the work) */
int cmd_config_sample(int argc, char **argv); /* config.c */

#endif
