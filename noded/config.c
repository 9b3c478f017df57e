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

static void
config_sample_usage(FILE *f)
{
	fprintf(f,
	    "usage: noded config-sample\n"
	    "\n"
	    "Prints every configuration directive with its one-line explanation and default.\n"
	    "Directives marked (required) have no default: noded init fills them in.\n");
}

int
cmd_config_sample(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct noded_conf c;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': config_sample_usage(stdout); return 0;
		default: config_sample_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		config_sample_usage(stderr);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	conf_defaults(noded_directives, &c);
	printf("# noded configuration: every directive with its default (noded config-sample).\n"
	    "# See eiso.conf(5). noded init writes a filled-in copy into the data directory.\n\n");
	return conf_write(stdout, noded_directives, &c) == 0 ? 0 : 1;
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
	char changed[512], kept[256];
	int rc;

	eiso_clearerr();
	rc = daemon_reload_conf(path, noded_directives, live, &scratch, config_reloadable,
	    changed, sizeof(changed), kept, sizeof(kept));
	if (rc != 0) {
		log_warnx("reload: %s: keeping the old configuration", eiso_lasterr(rc));
		return rc;
	}
	log_init("noded", cli_debug || live->log_debug);
	if (kept[0] != '\0')
		log_warnx("reload: %s changed but needs a restart; still using the old value",
		    kept);
	log_info("configuration reloaded from %s: %s", path,
	    changed[0] != '\0' ? changed : "nothing changed");
	return 0;
}
