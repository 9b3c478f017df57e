/*
 * fixture.h: the cmocka fixture of the unit tests that need a node's store (test_document,
 * test_user): a node as `noded init` leaves it, in a fresh temporary directory, opened for
 * writing. fixture.c is linked into those tests only (Makefile: UNIT_NODE).
 */
#ifndef EISO_TEST_FIXTURE_H
#define EISO_TEST_FIXTURE_H

#include "core/core.h"

#define FIXTURE_AGENCY "ubnd-vinh-yen"

struct fx {
	char *dir;
	struct node n;
};

/*
 * Make the node (agency FIXTURE_AGENCY, its config and store under a directory named after
 * what) and open it into a new struct fx at *state; 0, or -1 with what failed on stderr.
 */
int fixture_node_setup(void **state, const char *what);
/* Close the node, remove its directory and free *state; 0. */
int fixture_node_teardown(void **state);

#endif
