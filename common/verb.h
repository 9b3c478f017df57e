/*
 * verb.h: the command line of a daemon as one table of verbs ({name, function, one-line
 * summary, usage}), and the one dispatcher both daemons use. The table is the only place a
 * verb's help lives: `PROG --help` lists the verbs with their summaries, `PROG VERB --help`
 * prints the verb's usage, and a verb that returns 2 (a usage error) gets its usage printed
 * after its own one-line reason. A verb may hold sub-verbs (noded doc approve) in a table of
 * its own, dispatched the same way.
 *
 * Nothing here exits; the caller passes where help (out) and errors (err) go.
 */
#ifndef EISO_VERB_H
#define EISO_VERB_H

#include <stdio.h>

struct verb_table;

struct verb {
	const char *name;
	/* The verb itself: argv[0] is its name; returns the exit status (2: usage error). */
	int (*fn)(int argc, char **argv);
	const char *summary;            /* one line, for the list of verbs */
	/* What follows "usage: PROG NAME ": the options, then lines of explanation. */
	const char *usage;
	const struct verb_table *sub;   /* sub-verbs, instead of fn and usage */
};

struct verb_table {
	const char *prog;               /* "noded", "noded doc": how messages name it */
	const char *about;              /* a paragraph printed above the list, or NULL */
	const struct verb *verbs;       /* ends with an entry whose name is NULL */
};

/* The verb called name in t, or NULL. */
const struct verb *verb_find(const struct verb_table *t, const char *name);

/* Print t's help: usage line, about, every verb with its summary, how to get more. */
void verb_help(FILE *f, const struct verb_table *t);

/* Print one verb's usage ("usage: PROG NAME ..."); a verb with sub-verbs prints their list. */
void verb_usage(FILE *f, const struct verb_table *t, const struct verb *v);

/* 1 when args (argv[1..argc-1], up to a "--") ask for help: -h or --help. */
int verb_asks_help(int argc, char **argv);

/*
 * Run the verb named by argv[1] with argv[1..]: no verb prints t's help on err and returns 2;
 * -h, --help or help print it on out and return 0; an unknown verb is an error naming it
 * (exit 2); a verb whose arguments ask for help gets its usage printed on out (exit 0)
 * instead of running. Returns the verb's exit status.
 */
int verb_run(const struct verb_table *t, int argc, char **argv, FILE *out, FILE *err);

/*
 * `PROG --version`: the program version (git describe at build time), the protocol and the
 * store's schema version, one per line.
 */
void verb_version(FILE *f, const char *prog);

#endif
