/*
 * run.h: the node daemon's top level (run.c, `noded run`), the one file that knows every
 * room: core, web and the verbs.
 */
#ifndef NODED_RUN_H
#define NODED_RUN_H

#include "http.h"

int cmd_run(int argc, char **argv);

/* routes.c: every path the node's HTTP server answers (web/web.c) */
extern const struct http_route routes_noded[];

#endif
