/*
 * conf.h: INI configuration through one directive table per daemon.
 *
 * Each table row names a directive (section, key), its type, where it lives in the daemon's
 * config struct, its bounds and its default. Loading applies every default, then the file;
 * unknown keys, bad numbers, out-of-range values and missing required directives are errors
 * reported as "file:line: message" through eiso_lasterr().
 */
#ifndef EISO_CONF_H
#define EISO_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum conf_type {
	CONF_STRING,   /* char array of `size` bytes inside the struct */
	CONF_UINT,     /* uint64_t inside the struct, within [min, max] */
};

struct conf_directive {
	const char *section;
	const char *name;
	enum conf_type type;
	size_t offset;
	size_t size;
	uint64_t min, max;
	const char *def;      /* default as written in the file; NULL means required */
	const char *help;     /* one line, written as a comment in samples */
};

#define CONF_END { NULL, NULL, CONF_STRING, 0, 0, 0, 0, NULL, NULL }

/* Apply defaults then the file at path into obj. Returns 0, EISO_CONF, EISO_IO. */
int conf_load(const char *path, const struct conf_directive *tab, void *obj);
/* The same from an open stream; name is what messages call it. */
int conf_load_file(FILE *f, const char *name, const struct conf_directive *tab, void *obj);

/* Apply only the defaults (required strings become empty). */
void conf_defaults(const struct conf_directive *tab, void *obj);

/* Set one directive from text, as if read from a file. Returns 0 or EISO_CONF (detail set). */
int conf_set(const struct conf_directive *tab, void *obj, const char *section,
    const char *name, const char *value);

/* Write every directive with its help and current value, grouped by section. */
int conf_write(FILE *f, const struct conf_directive *tab, const void *obj);

/*
 * Write the file at path atomically (temporary file, then rename): a header comment line, then
 * conf_write. The file is mode 0600 (configurations hold tokens). Returns 0 or EISO_IO
 * (detail names the file).
 */
int conf_save(const char *path, const char *header, const struct conf_directive *tab,
    const void *obj);

#endif
