/*
 * run.h: the hub daemon's top level, the only files that know every room: run.c (`hubd run`)
 * and routes.c (the web thread's route table, joining web/ and portal/).
 */
#ifndef HUBD_RUN_H
#define HUBD_RUN_H

#include "http.h"

/* run.c */
int cmd_run(int argc, char **argv);

/* routes.c: every path the web thread answers, with who may ask (enum web_auth) */
extern const struct http_route routes_hubd[];

#endif
