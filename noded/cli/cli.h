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
/* Parse numbers and dates from options; on failure print which field and return 1. */
int cli_number(const char *verb, const char *field, const char *s, long max, long *out);
int cli_time(const char *verb, const char *field, const char *s, int64_t *ms);
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
