/*
 * init.c: `noded init`: a new node's data directory, its two key pairs, its LMDB store bound
 * to the agency id, and its config file; prints the enrollment line for the hub.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "cli/cli.h"
#include "wire.h"


int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agency", required_argument, NULL, 'a' },
		{ "hub", required_argument, NULL, 'H' },
		{ "hub-key", required_argument, NULL, 'k' },
		{ "data", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char *agency = NULL, *hub = NULL, *hubkey = NULL, *data = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	char sign_hex[2 * KEYS_SIGN_PUB + 1], curve_hex[2 * KEYS_CURVE + 1];
	uint8_t sign_pub[KEYS_SIGN_PUB], curve_pub[KEYS_CURVE], hk[KEYS_CURVE], tok[32];
	char token[2 * sizeof(tok) + 1];
	struct node n;
	struct stat st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': agency = optarg; break;
		case 'H': hub = optarg; break;
		case 'k': hubkey = optarg; break;
		case 'D': data = optarg; break;
		default: return 2;
		}
	}
	if (agency == NULL || hub == NULL || hubkey == NULL || data == NULL || optind != argc) {
		fprintf(stderr, "noded init: --agency, --hub, --hub-key and --data are required\n");
		return 2;
	}
	if (!wire_agency_ok(agency)) {
		fprintf(stderr, "noded init: agency id '%s' is invalid: use 1-%d characters of "
		    "a-z 0-9 . _ -\n", agency, WIRE_MAX_AGENCY);
		return 1;
	}
	if (strncmp(hub, "tcp://", 6) != 0) {
		fprintf(stderr, "noded init: --hub '%s' must look like tcp://HOST:PORT\n", hub);
		return 1;
	}
	if (keys_unhex(hk, sizeof(hk), hubkey) != 0) {
		fprintf(stderr, "noded init: --hub-key must be %d hex characters (the hub's CURVE "
		    "public key from hubd init)\n", 2 * KEYS_CURVE);
		return 1;
	}
	eiso_clearerr();
	if ((rc = fsutil_mkdir(data, 0750)) != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if (realpath(data, dir) == NULL) {
		fprintf(stderr, "noded init: %s: %s\n", data, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/noded.conf", dir);
	if (stat(path, &st) == 0) {
		fprintf(stderr, "noded init: %s exists: this directory already holds a node\n",
		    path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	if ((rc = fsutil_mkdir(path, 0700)) != 0 ||
	    (rc = keys_create_pairs(path, sign_pub, curve_pub)) != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		return 1;
	}

	memset(&n, 0, sizeof(n));
	conf_defaults(noded_directives, &n.conf);
	if ((rc = conf_set(noded_directives, &n.conf, "node", "agency", agency)) != 0 ||
	    (rc = conf_set(noded_directives, &n.conf, "node", "data", dir)) != 0 ||
	    (rc = conf_set(noded_directives, &n.conf, "hub", "endpoint", hub)) != 0 ||
	    (rc = conf_set(noded_directives, &n.conf, "hub", "public_key", hubkey)) != 0 ||
	    (rc = fsutil_path(path, sizeof(path), dir, "inbox")) != 0 ||
	    (rc = conf_set(noded_directives, &n.conf, "inbox", "dir", path)) != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	/* The local API's bearer token: random, so no two nodes share one. */
	randombytes_buf(tok, sizeof(tok));
	keys_hex(token, tok, sizeof(tok));
	rc = conf_set(noded_directives, &n.conf, "api", "token", token);
	sodium_memzero(tok, sizeof(tok));
	sodium_memzero(token, sizeof(token));
	if (rc != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store", dir);
	if ((rc = node_store_create(&n, path)) != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		node_close(&n);
		return 1;
	}
	node_close(&n);

	/*
	 * The config is written last and atomically: its presence means init finished. It holds
	 * the API token, so it is created 0600 (conf_save) and noded refuses it otherwise.
	 */
	snprintf(path, sizeof(path), "%s/noded.conf", dir);
	if ((rc = conf_save(path, "noded configuration (written by noded init)",
	    noded_directives, &n.conf)) != 0) {
		fprintf(stderr, "noded init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	keys_hex(sign_hex, sign_pub, sizeof(sign_pub));
	keys_hex(curve_hex, curve_pub, sizeof(curve_pub));
	printf("%s %s %s\n", agency, sign_hex, curve_hex);
	fprintf(stderr, "noded: node for %s created in %s; enroll it at the hub with the line "
	    "above (hubd enroll), then start it with: noded run -c %s\n", agency, dir, path);
	return 0;
}
