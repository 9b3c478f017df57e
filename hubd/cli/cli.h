/*
 * cli.h: the hub's command-line verbs, one file each where practical (show.c holds the
 * read-only look-ups doc, file, case, figures, blob, search), and what they share (cli.c).
 * Verbs build on the hub's core; `hubd portal` also prints the portal's pages (portal/).
 */
#ifndef HUBD_CLI_H
#define HUBD_CLI_H

#include "core/core.h"

/* cli.c: "-c CONF [--json]" options of the read-only verbs: -1 to go on, else the exit status. */
int cli_opts(int argc, char **argv, const char **conf, int *json);
/* Open the hub read-only and begin a read transaction; on failure print why and return 1. */
int cli_open(const char *verb, const char *conf, struct hub *h, MDB_txn **txn);

int cmd_init(int argc, char **argv);          /* init.c */
int cmd_enroll(int argc, char **argv);        /* enroll.c */
/* agency.c: list, show, rename, move, retire: the sub-verbs (common/verb.h) */
struct verb_table;
extern const struct verb_table agency_verbs;
int cmd_status(int argc, char **argv);        /* status.c: the replication view */
int cmd_alerts(int argc, char **argv);        /* alerts.c: list, acknowledge */
int cmd_passwd(int argc, char **argv);        /* passwd.c: the dashboard's password */
int cmd_portal(int argc, char **argv);        /* portal.c: print a portal page */
int cmd_backup(int argc, char **argv);        /* backup.c */
int cmd_config_sample(int argc, char **argv); /* config.c */
/* show.c: what the hub holds for an agency */
int cmd_doc(int argc, char **argv);
int cmd_file(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_figures(int argc, char **argv);
int cmd_blob(int argc, char **argv);
int cmd_search(int argc, char **argv);

#endif
