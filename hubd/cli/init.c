/*
 * init.c: `hubd init`: the hub's data directory, its CURVE pair (nodes pin the public half)
 * and Ed25519 pair, its LMDB store and its config file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "err.h"
#include "fsutil.h"
#include "cli/cli.h"
#include "keys.h"

static void
init_usage(FILE *f)
{
	fprintf(f,
	    "usage: hubd init --data DIR [--listen tcp://HOST:PORT]\n"
	    "\n"
	    "Creates DIR with keys/ (CURVE and Ed25519 pairs; secret files mode 0600), store/\n"
	    "(LMDB) and hubd.conf, and prints the hub's CURVE public key, which every node pins\n"
	    "(noded init --hub-key).\n");
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'D' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *listen = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 32], hex[2 * KEYS_CURVE + 1];
	uint8_t sign_pub[KEYS_SIGN_PUB], curve_pub[KEYS_CURVE];
	struct hub h;
	struct stat st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'h': init_usage(stdout); return 0;
		default: init_usage(stderr); return 2;
		}
	}
	if (data == NULL || optind != argc) {
		fprintf(stderr, "hubd init: --data DIR is required\n");
		init_usage(stderr);
		return 2;
	}
	if (listen != NULL && strncmp(listen, "tcp://", 6) != 0) {
		fprintf(stderr, "hubd init: --listen '%s' must look like tcp://HOST:PORT\n",
		    listen);
		return 1;
	}
	eiso_clearerr();
	if ((rc = fsutil_mkdir(data, 0750)) != 0) {
		fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	if (realpath(data, dir) == NULL) {
		fprintf(stderr, "hubd init: %s: %s\n", data, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/hubd.conf", dir);
	if (stat(path, &st) == 0) {
		fprintf(stderr, "hubd init: %s exists: this directory already holds a hub\n",
		    path);
		return 1;
	}
	memset(&h, 0, sizeof(h));
	conf_defaults(hubd_directives, &h.conf);
	if ((rc = conf_set(hubd_directives, &h.conf, "hub", "data", dir)) != 0 ||
	    (listen != NULL &&
	    (rc = conf_set(hubd_directives, &h.conf, "hub", "listen", listen)) != 0)) {
		fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	{
		/* The API token: random, in the config (mode 0600); the password stays unset. */
		uint8_t tok[32];
		char hex_tok[2 * sizeof(tok) + 1];

		randombytes_buf(tok, sizeof(tok));
		keys_hex(hex_tok, tok, sizeof(tok));
		rc = conf_set(hubd_directives, &h.conf, "web", "token", hex_tok);
		sodium_memzero(tok, sizeof(tok));
		sodium_memzero(hex_tok, sizeof(hex_tok));
		if (rc != 0) {
			fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
			return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	if ((rc = fsutil_mkdir(path, 0700)) != 0 ||
	    (rc = keys_create_pairs(path, sign_pub, curve_pub)) != 0) {
		fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store", dir);
	if ((rc = hub_store_open(path, 0, &h.st)) != 0) {
		fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	hub_close(&h);

	snprintf(path, sizeof(path), "%s/hubd.conf", dir);
	/* It holds the API token: readable by the hub's own user only. */
	if ((rc = conf_save(path, "hubd configuration (written by hubd init)",
	    hubd_directives, &h.conf)) != 0 || (chmod(path, 0600) != 0 &&
	    (rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno))) != 0)) {
		fprintf(stderr, "hubd init: %s\n", eiso_lasterr(rc));
		return 1;
	}
	keys_hex(hex, curve_pub, sizeof(curve_pub));
	printf("%s\n", hex);
	fprintf(stderr, "hubd: hub created in %s; nodes pin the CURVE public key above; start "
	    "it with: hubd run -c %s\n", dir, path);
	fprintf(stderr, "hubd: the API token is web.token in %s; set a dashboard password with: "
	    "hubd passwd -c %s\n", path, path);
	return 0;
}
