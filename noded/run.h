/*
 * run.h: the node daemon's top level (run.c, `noded run`), the one file that knows every
 * room: core, web and the verbs.
 */
#ifndef NODED_RUN_H
#define NODED_RUN_H

int cmd_run(int argc, char **argv);

#endif
