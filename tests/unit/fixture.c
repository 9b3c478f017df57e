/*
 * fixture.c: a node's store for the unit tests that need one (fixture.h): made as `noded init`
 * makes it (node_store_create, then the config file), then opened as the daemon does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fixture.h"
#include "keys.h"
#include "unit.h"

int
fixture_node_setup(void **state, const char *what)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct node n;
	char *store = NULL, *conf = NULL;
	int rc = -1;

	if (f == NULL || keys_init() != 0 || (f->dir = unit_mkdtemp(what)) == NULL) {
		free(f);
		return -1;
	}
	memset(&n, 0, sizeof(n));
	conf_defaults(noded_directives, &n.conf);
	if (conf_set(noded_directives, &n.conf, "node", "agency", FIXTURE_AGENCY) != 0 ||
	    conf_set(noded_directives, &n.conf, "node", "data", f->dir) != 0 ||
	    conf_set(noded_directives, &n.conf, "hub", "endpoint", "tcp://127.0.0.1:9") != 0 ||
	    conf_set(noded_directives, &n.conf, "hub", "public_key",
	    "0000000000000000000000000000000000000000000000000000000000000000") != 0)
		goto done;
	store = unit_path(f->dir, "store");
	conf = unit_path(f->dir, "noded.conf");
	if (node_store_create(&n, store) != 0)
		goto done;
	node_close(&n);
	if (conf_save(conf, "test", noded_directives, &n.conf) != 0 ||
	    node_open(conf, 0, &f->n) != 0) {
		fprintf(stderr, "setup: %s\n", eiso_lasterr(EISO_STORE));
		goto done;
	}
	*state = f;
	rc = 0;
done:
	node_close(&n);
	free(store);
	free(conf);
	return rc;
}

int
fixture_node_teardown(void **state)
{
	struct fx *f = *state;

	node_close(&f->n);
	unit_rmtree(&f->dir);
	free(f);
	return 0;
}
