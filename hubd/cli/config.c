/*
 * config.c: the hub's configuration as an operator meets it: `hubd config-sample` (every
 * directive with its default: the sample `make install` ships), `hubd run -n` (check the
 * config, the key files and the store without starting), and the reload on SIGHUP of the
 * directives that can change while the daemon runs.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "hubd.h"
#include "keys.h"
#include "log.h"

/*
 * What SIGHUP may change: the log level, the window offered in each Welcome (nodes take it at
 * their next Hello) and the group-commit sizes, read for every batch. The data directory,
 * listen endpoint, max_frame (a socket option) and chunk_size (nodes size their chunks by
 * it) need a restart.
 */
static const char *const config_reloadable[] = {
	"log.debug", "ingest.window", "ingest.max_batch", "ingest.max_batch_bytes", NULL
};

int
cmd_config_sample(int argc, char **argv)
{
	struct hubd_conf c;

	memset(&c, 0, sizeof(c));
	return daemon_config_sample("hubd", hubd_directives, &c, argc, argv);
}

int
config_check(const char *path)
{
	struct hub h;
	char dir[PATH_MAX];
	int rc;

	eiso_clearerr();
	memset(&h, 0, sizeof(h));
	if ((rc = conf_load(path, hubd_directives, &h.conf)) != 0 ||
	    (rc = daemon_conf_filled(path, hubd_directives, &h.conf)) != 0)
		goto fail;
	if (strncmp(h.conf.listen, "tcp://", 6) != 0) {
		rc = eiso_seterr(EISO_CONF, "%s: hub.listen '%s' must look like tcp://HOST:PORT",
		    path, h.conf.listen);
		goto fail;
	}
	/* Limits that relate to each other, and the store as the daemon will find it. */
	if ((rc = hub_open(path, 1, &h)) != 0)
		goto fail;
	hub_close(&h);
	if ((rc = fsutil_path(dir, sizeof(dir), h.conf.data, "keys")) != 0 ||
	    (rc = keys_check_pairs(dir)) != 0 || (rc = web_check_conf(path, &h.conf)) != 0)
		goto fail;
	printf("configuration OK\n");
	return 0;
fail:
	fprintf(stderr, "%s\n", eiso_lasterr(rc));
	return 1;
}

int
config_reload(const char *path, struct hubd_conf *live, int cli_debug)
{
	struct hubd_conf scratch;
	int rc;

	if ((rc = daemon_reload(path, hubd_directives, live, &scratch, config_reloadable)) == 0)
		log_init("hubd", cli_debug || live->log_debug);
	return rc;
}
