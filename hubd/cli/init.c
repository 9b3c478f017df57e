/*
 * init.c: `hubd init`: the hub's data directory, its CURVE pair (nodes pin the public half)
 * and Ed25519 pair, its LMDB store and its config file, with the addresses it was given.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <sodium.h>

#include "err.h"
#include "fsutil.h"
#include "cli/cli.h"
#include "http.h"
#include "portal/portal.h"
#include "keys.h"

/*
 * Check --web and --public-base before anything is made. Without --public-base, a --web
 * address gives it (http://HOST:PORT, into derived): QR codes must name this hub, not the
 * default port of another. 0, or 1 after saying why on stderr.
 */
static int
init_web_check(const char *web, const char **base, char *derived, size_t len)
{
	struct sockaddr_storage ss;
	int any;

	if (web != NULL && web[0] != '\0' && http_parse_listen(web, &ss) != 0) {
		fprintf(stderr, "hubd init: --web: %s\n", eiso_lasterr(EISO_CONF));
		return 1;
	}
	if (*base != NULL) {
		if (portal_check_base(*base) != 0) {
			fprintf(stderr, "hubd init: --public-base: %s\n", eiso_lasterr(EISO_CONF));
			return 1;
		}
		return 0;
	}
	if (web == NULL || web[0] == '\0')
		return 0;
	any = (ss.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(INADDR_ANY)) ||
	    (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr));
	if (any) {
		fprintf(stderr, "hubd init: --web %s listens on every address, which no citizen can "
		    "type: give the portal's address with --public-base URL (QR codes name it)\n",
		    web);
		return 1;
	}
	snprintf(derived, len, "http://%s", web);
	*base = derived;
	return 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'D' },
		{ "listen", required_argument, NULL, 'l' },
		{ "web", required_argument, NULL, 'w' },
		{ "public-base", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *listen = NULL, *web = NULL, *base = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 32], hex[2 * KEYS_CURVE + 1], derived[160];
	uint8_t sign_pub[KEYS_SIGN_PUB], curve_pub[KEYS_CURVE];
	struct hub h;
	struct stat st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'w': web = optarg; break;
		case 'p': base = optarg; break;
		default: return 2;
		}
	}
	if (data == NULL || optind != argc) {
		fprintf(stderr, "hubd init: --data DIR is required\n");
		return 2;
	}
	if (listen != NULL && strncmp(listen, "tcp://", 6) != 0) {
		fprintf(stderr, "hubd init: --listen '%s' must look like tcp://HOST:PORT\n",
		    listen);
		return 1;
	}
	eiso_clearerr();
	if (init_web_check(web, &base, derived, sizeof(derived)) != 0)
		return 1;
	if ((rc = fsutil_mkdirs(data, 0700)) != 0) {
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
	    (rc = conf_set(hubd_directives, &h.conf, "hub", "listen", listen)) != 0) ||
	    (web != NULL && (rc = conf_set(hubd_directives, &h.conf, "web", "listen", web)) != 0) ||
	    (base != NULL &&
	    (rc = conf_set(hubd_directives, &h.conf, "web", "public_base", base)) != 0)) {
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
