/*
 * verb.c: the dispatcher behind both daemons' command lines (see verb.h): find the verb in
 * the table, print the list or one verb's usage, refuse an unknown verb by name.
 */
#include <getopt.h>
#include <string.h>

#include "store.h"
#include "verb.h"
#include "version.h"
#include "wire.h"

const struct verb *
verb_find(const struct verb_table *t, const char *name)
{
	for (const struct verb *v = t->verbs; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

void
verb_help(FILE *f, const struct verb_table *t)
{
	fprintf(f, "usage: %s COMMAND [options]\n\n", t->prog);
	if (t->about != NULL)
		fprintf(f, "%s\n", t->about);
	fprintf(f, "commands:\n");
	for (const struct verb *v = t->verbs; v->name != NULL; v++)
		fprintf(f, strlen(v->name) <= 8 ? "  %-8s %s\n" : "  %s  %s\n", v->name, v->summary);
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n", t->prog);
}

void
verb_usage(FILE *f, const struct verb_table *t, const struct verb *v)
{
	if (v->sub != NULL)
		verb_help(f, v->sub);
	else if (v->usage == NULL || v->usage[0] == '\n')
		fprintf(f, "usage: %s %s%s", t->prog, v->name, v->usage != NULL ? v->usage : "\n");
	else
		fprintf(f, "usage: %s %s %s", t->prog, v->name, v->usage);
}

int
verb_asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int
verb_run(const struct verb_table *t, int argc, char **argv, FILE *out, FILE *err)
{
	const struct verb *v;
	int rc;

	if (argc < 2) {
		verb_help(err, t);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		verb_help(out, t);
		return 0;
	}
	if ((v = verb_find(t, argv[1])) == NULL) {
		fprintf(err, "%s: unknown verb '%s' (run '%s --help' for the list)\n", t->prog,
		    argv[1], t->prog);
		return 2;
	}
	if (v->sub != NULL)
		return verb_run(v->sub, argc - 1, argv + 1, out, err);
	if (verb_asks_help(argc - 1, argv + 1)) {
		verb_usage(out, t, v);
		return 0;
	}
	/* getopt starts afresh for each verb (a test may run several in one process). */
	optind = 0;
	if ((rc = v->fn(argc - 1, argv + 1)) == 2)
		verb_usage(err, t, v);
	return rc;
}

void
verb_version(FILE *f, const char *prog)
{
	fprintf(f, "%s (eiso) %s\nprotocol %d\nschema %d\n", prog, EISO_VERSION, WIRE_PROTOCOL,
	    STORE_SCHEMA);
}
