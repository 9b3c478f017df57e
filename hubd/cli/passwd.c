/*
 * passwd.c: `hubd passwd`, the dashboard's password: one line from standard input, hashed
 * with argon2id (libsodium), printed, or written with -c into [web] password_hash.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "err.h"

int
cmd_passwd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NULL, *user = NULL;
	char *pass, hash[crypto_pwhash_STRBYTES];
	size_t len;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'u': user = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc || (user != NULL && conf == NULL))
		return 2;
	if ((pass = sodium_malloc(1024)) == NULL) {
		fprintf(stderr, "hubd passwd: out of memory\n");
		return 1;
	}
	if (fgets(pass, 1024, stdin) == NULL) {
		fprintf(stderr, "hubd passwd: no password on standard input\n");
		sodium_free(pass);
		return 1;
	}
	len = strcspn(pass, "\r\n");
	pass[len] = '\0';
	if (len < 8) {
		fprintf(stderr, "hubd passwd: the password must have at least 8 characters\n");
		sodium_free(pass);
		return 1;
	}
	rc = crypto_pwhash_str(hash, pass, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sodium_free(pass);
	if (rc != 0) {
		fprintf(stderr, "hubd passwd: hashing failed (out of memory)\n");
		return 1;
	}
	if (conf == NULL) {
		printf("%s\n", hash);
		return 0;
	} else {
		struct hubd_conf hc;

		eiso_clearerr();
		if ((rc = conf_load(conf, hubd_directives, &hc)) != 0 ||
		    (rc = conf_set(hubd_directives, &hc, "web", "password_hash", hash)) != 0 ||
		    (user != NULL && (rc = conf_set(hubd_directives, &hc, "web", "user", user)) != 0) ||
		    (rc = conf_save(conf, "hubd configuration", hubd_directives, &hc)) != 0 ||
		    (chmod(conf, 0600) != 0 &&
		    (rc = eiso_seterr(EISO_IO, "%s: %s", conf, strerror(errno))) != 0)) {
			fprintf(stderr, "hubd passwd: %s\n", eiso_lasterr(rc));
			return 1;
		}
		printf("password set for web user %s in %s; restart hubd to use it\n",
		    hc.web_user, conf);
	}
	return 0;
}
