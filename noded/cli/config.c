/*
 * config.c: the node's configuration as an operator meets it: `noded config-sample` (every
 * directive with its default: the sample `make install` ships), `noded run -n` (check the
 * config, the key files and the store without starting), and the reload on SIGHUP of the
 * directives that can change while the daemon runs.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "err.h"
#include "http.h"
#include "keys.h"
#include "log.h"
#include "noded.h"

/*
 * What SIGHUP may change: the log level and the sender's timings and sizes, all read afresh
 * on each use (window and max_set_bytes after a Hello to the hub, which the reload sends).
 * The agency, data directory and hub (endpoint, pinned key) need a restart.
 */
static const char *const config_reloadable[] = {
	"log.debug", "sender.window", "sender.max_changes", "sender.max_set_bytes",
	"sender.linger_ms", "sender.heartbeat_ms", "sender.ack_timeout_ms",
	"sender.reconnect_min_ms", "sender.reconnect_max_ms", NULL
};

int
cmd_config_sample(int argc, char **argv)
{
	struct noded_conf c;

	memset(&c, 0, sizeof(c));
	return daemon_config_sample("noded", noded_directives, &c, argc, argv);
}

int
config_check(const char *path)
{
	struct node n;
	uint8_t hk[KEYS_CURVE];
	struct sockaddr_storage ss;
	char dir[PATH_MAX], why[400];
	int rc;

	eiso_clearerr();
	memset(&n, 0, sizeof(n));
	if ((rc = conf_load(path, noded_directives, &n.conf)) != 0 ||
	    (rc = daemon_conf_filled(path, noded_directives, &n.conf)) != 0)
		goto fail;
	if (strncmp(n.conf.hub_endpoint, "tcp://", 6) != 0) {
		rc = eiso_seterr(EISO_CONF, "%s: hub.endpoint '%s' must look like tcp://HOST:PORT",
		    path, n.conf.hub_endpoint);
		goto fail;
	}
	if (keys_unhex(hk, sizeof(hk), n.conf.hub_key) != 0) {
		rc = eiso_seterr(EISO_CONF, "%s: hub.public_key must be %d hex characters", path,
		    2 * KEYS_CURVE);
		goto fail;
	}
	if (n.conf.api_listen[0] != '\0' && http_parse_listen(n.conf.api_listen, &ss) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(EISO_CONF));
		rc = eiso_seterr(EISO_CONF, "%s: api.%s", path, why);
		goto fail;
	}
	/* The store as the daemon will find it: there, of a known schema, of this agency. */
	if ((rc = node_open(path, 1, &n)) != 0)
		goto fail;
	node_close(&n);
	if ((rc = node_path(&n, dir, sizeof(dir), "keys")) != 0 ||
	    (rc = keys_check_pairs(dir)) != 0)
		goto fail;
	printf("configuration OK\n");
	return 0;
fail:
	fprintf(stderr, "%s\n", eiso_lasterr(rc));
	return 1;
}

int
config_reload(const char *path, struct noded_conf *live, int cli_debug)
{
	struct noded_conf scratch;
	int rc;

	if ((rc = daemon_reload(path, noded_directives, live, &scratch, config_reloadable)) == 0)
		log_init("noded", cli_debug || live->log_debug);
	return rc;
}
