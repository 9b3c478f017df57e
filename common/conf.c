/* conf.c: the directive-table INI loader (inih) and writer shared by noded and hubd. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "conf.h"
#include "err.h"

#define CONF_MAX_DIRECTIVES 64
/* Debian's inih splits lines longer than this (INI_MAX_LINE 200, less "\r\n\0"). */
#define CONF_MAX_LINE 197

struct conf_load_ctx {
	const struct conf_directive *tab;
	void *obj;
	const char *path;
	FILE *f;
	int line;      /* counted by conf_reader: Debian's inih passes no line numbers */
	int seen[CONF_MAX_DIRECTIVES];
	int failed;
};

static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_load_ctx *c = stream;
	char *s = fgets(str, num, c->f);
	size_t n;

	if (s == NULL || c->failed)
		return NULL;
	c->line++;
	n = strlen(s);
	/* A line inih would cut in two is refused rather than misread. */
	if (n > 0 && s[n - 1] != '\n' && !feof(c->f)) {
		eiso_seterr(EISO_CONF, "%s:%d: line longer than %d bytes", c->path, c->line,
		    num - 3);
		c->failed = 1;
		return NULL;
	}
	return s;
}

static int
conf_find(const struct conf_directive *tab, const char *section, const char *name)
{
	for (int i = 0; tab[i].name != NULL; i++)
		if (strcmp(tab[i].section, section) == 0 && strcmp(tab[i].name, name) == 0)
			return i;
	return -1;
}

static int
conf_apply(const struct conf_directive *d, void *obj, const char *value)
{
	char *p = (char *)obj + d->offset, *end;
	unsigned long long v;

	switch (d->type) {
	case CONF_STRING:
		if (strlen(value) >= d->size)
			return eiso_seterr(EISO_CONF, "%s.%s: longer than %zu bytes", d->section,
			    d->name, d->size - 1);
		/* Keep every value writable as one line that loads back identically. */
		if (strlen(d->name) + 3 + strlen(value) > CONF_MAX_LINE)
			return eiso_seterr(EISO_CONF, "%s.%s: value makes a line longer than %d "
			    "bytes", d->section, d->name, CONF_MAX_LINE);
		if (strchr(value, ';') != NULL || strchr(value, '#') != NULL)
			return eiso_seterr(EISO_CONF, "%s.%s: ';' and '#' are not allowed in "
			    "values", d->section, d->name);
		strcpy(p, value);
		return 0;
	case CONF_UINT:
		errno = 0;
		v = strtoull(value, &end, 10);
		if (value[0] == '\0' || value[0] == '-' || *end != '\0' || errno != 0)
			return eiso_seterr(EISO_CONF, "%s.%s: '%s' is not a number", d->section,
			    d->name, value);
		if (v < d->min || v > d->max)
			return eiso_seterr(EISO_CONF, "%s.%s: %llu is outside %" PRIu64 "..%"
			    PRIu64, d->section, d->name, v, d->min, d->max);
		*(uint64_t *)(void *)p = v;
		return 0;
	}
	return EISO_CONF;
}

void
conf_defaults(const struct conf_directive *tab, void *obj)
{
	for (int i = 0; tab[i].name != NULL; i++) {
		if (tab[i].def != NULL)
			conf_apply(&tab[i], obj, tab[i].def);
		else if (tab[i].type == CONF_STRING)
			((char *)obj + tab[i].offset)[0] = '\0';
	}
}

int
conf_set(const struct conf_directive *tab, void *obj, const char *section, const char *name,
    const char *value)
{
	int i = conf_find(tab, section, name);

	if (i < 0)
		return eiso_seterr(EISO_CONF, "unknown directive '%s' in [%s]", name, section);
	return conf_apply(&tab[i], obj, value);
}

static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_load_ctx *c = user;
	int line = c->line;
	int i;

	if (c->failed)
		return 0;
	if ((i = conf_find(c->tab, section, name)) < 0) {
		eiso_seterr(EISO_CONF, "%s:%d: unknown directive '%s' in [%s]", c->path, line,
		    name, section);
		c->failed = 1;
		return 0;
	}
	if (conf_apply(&c->tab[i], c->obj, value) != 0) {
		char why[400];
		snprintf(why, sizeof(why), "%s", eiso_lasterr(EISO_CONF));
		eiso_seterr(EISO_CONF, "%s:%d: %s", c->path, line, why);
		c->failed = 1;
		return 0;
	}
	c->seen[i] = 1;
	return 1;
}

int
conf_load(const char *path, const struct conf_directive *tab, void *obj)
{
	FILE *f;
	int rc;

	conf_defaults(tab, obj);
	if ((f = fopen(path, "r")) == NULL)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	rc = conf_load_file(f, path, tab, obj);
	fclose(f);
	return rc;
}

int
conf_load_file(FILE *f, const char *name, const struct conf_directive *tab, void *obj)
{
	struct conf_load_ctx c;
	int rc;

	for (int i = 0; tab[i].name != NULL; i++)
		if (i >= CONF_MAX_DIRECTIVES)
			return eiso_seterr(EISO_CONF, "directive table longer than %d rows",
			    CONF_MAX_DIRECTIVES);
	memset(&c, 0, sizeof(c));
	c.tab = tab;
	c.obj = obj;
	c.path = name;
	c.f = f;
	conf_defaults(tab, obj);
	rc = ini_parse_stream(conf_reader, &c, conf_handler, &c);
	if (c.failed)
		return EISO_CONF;
	if (rc != 0)
		return eiso_seterr(EISO_CONF, "%s:%d: syntax error", name, rc);
	for (int i = 0; tab[i].name != NULL; i++)
		if (tab[i].def == NULL && !c.seen[i])
			return eiso_seterr(EISO_CONF, "%s: required directive '%s' missing from "
			    "[%s]", name, tab[i].name, tab[i].section);
	return 0;
}

int
conf_write(FILE *f, const struct conf_directive *tab, const void *obj)
{
	const char *section = NULL;

	for (int i = 0; tab[i].name != NULL; i++) {
		const struct conf_directive *d = &tab[i];
		const char *p = (const char *)obj + d->offset;

		if (section == NULL || strcmp(section, d->section) != 0) {
			fprintf(f, "%s[%s]\n", section ? "\n" : "", d->section);
			section = d->section;
		}
		fprintf(f, "# %s", d->help);
		if (d->def != NULL)
			fprintf(f, " (default: %s)", d->def[0] ? d->def : "empty");
		else
			fprintf(f, " (required)");
		fputc('\n', f);
		if (d->type == CONF_STRING)
			fprintf(f, "%s = %s\n", d->name, p);
		else
			fprintf(f, "%s = %" PRIu64 "\n", d->name, *(const uint64_t *)(const void *)p);
	}
	return ferror(f) ? EISO_IO : 0;
}

int
conf_save(const char *path, const char *header, const struct conf_directive *tab,
    const void *obj)
{
	char tmp[4200];
	FILE *f;
	int fd, rc, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return eiso_seterr(EISO_IO, "%s: path too long", path);
	/* Configs hold tokens: readable by their owner only, from the first byte on. */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", tmp, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = eiso_seterr(EISO_IO, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return rc;
	}
	fprintf(f, "# %s\n\n", header);
	rc = conf_write(f, tab, obj);
	/* Data on disk before the name points at it: never an empty config after a crash. */
	if (rc != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = eiso_seterr(EISO_IO, "writing %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return rc;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		rc = eiso_seterr(EISO_IO, "writing %s: %s", path, strerror(errno));
		unlink(tmp);
		return rc;
	}
	return 0;
}
