/*
 * conf.c: fuzz the INI configuration reader (common/conf.c over inih) with a directive table
 * of every kind the daemons use: strings of bounded size, numbers with ranges, a required
 * directive. Whatever the file, a loaded string fits its field and a number its range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

struct fuzz_conf {
	char listen[64], data[256], name[128];
	uint64_t max_batch, check_s;
};

#define FC(m) offsetof(struct fuzz_conf, m), sizeof(((struct fuzz_conf *)0)->m)

static const struct conf_directive tab[] = {
	{ "hub", "listen", CONF_STRING, FC(listen), 0, 0, NULL, "endpoint" },
	{ "hub", "data", CONF_STRING, FC(data), 0, 0, "/var/lib/eiso", "data directory" },
	{ "web", "name", CONF_STRING, FC(name), 0, 0, "", "a name" },
	{ "ingest", "max_batch", CONF_UINT, FC(max_batch), 1, 100000, "4096", "batch" },
	{ "alerts", "check_s", CONF_UINT, FC(check_s), 5, 3600, "30", "sweep" },
	CONF_END
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_conf c;
	FILE *f;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	memset(&c, 0x55, sizeof(c));
	if (conf_load_file(f, "fuzz.conf", tab, &c) == 0 &&
	    (memchr(c.listen, '\0', sizeof(c.listen)) == NULL ||
	    memchr(c.data, '\0', sizeof(c.data)) == NULL ||
	    memchr(c.name, '\0', sizeof(c.name)) == NULL || c.max_batch < 1 ||
	    c.max_batch > 100000 || c.check_s < 5 || c.check_s > 3600))
		abort();
	fclose(f);
	return 0;
}
