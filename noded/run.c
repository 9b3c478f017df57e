/*
 * run.c: `noded run`, the node daemon: one libuv loop running the link to the hub
 * (core/sender.c), the scan inbox (core/inbox.c) and the HTTP server (web/web.c: the local
 * JSON API and the staff's workspace, by the table in routes.c). Also
 * `noded run -n`, which checks the config, the key files and the store without starting.
 */
#include <sys/socket.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/core.h"
#include "daemon.h"
#include "err.h"
#include "http.h"
#include "keys.h"
#include "log.h"
#include "run.h"
#include "web/web.h"

/* What run -n checks beyond the directives: the hub link, the API address, the store. */
static int
run_check_node(const char *path, void *ctx, const char **data)
{
	struct node *n = ctx;
	uint8_t hk[KEYS_CURVE];
	struct sockaddr_storage ss;
	char why[400];
	int rc;

	if (strncmp(n->conf.hub_endpoint, "tcp://", 6) != 0)
		return eiso_seterr(EISO_CONF, "%s: hub.endpoint '%s' must look like tcp://HOST:PORT",
		    path, n->conf.hub_endpoint);
	if (keys_unhex(hk, sizeof(hk), n->conf.hub_key) != 0)
		return eiso_seterr(EISO_CONF, "%s: hub.public_key must be %d hex characters", path,
		    2 * KEYS_CURVE);
	if (n->conf.api_listen[0] != '\0' && http_parse_listen(n->conf.api_listen, &ss) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(EISO_CONF));
		return eiso_seterr(EISO_CONF, "%s: api.%s", path, why);
	}
	if ((rc = http_tls_check("api", n->conf.api_serve.tls_cert, n->conf.api_serve.tls_key)) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		return eiso_seterr(EISO_CONF, "%s: %s", path, why);
	}
	/* The store as the daemon will find it: there, of a known schema, of this agency. */
	if ((rc = node_open(path, 1, n)) != 0)
		return rc;
	node_close(n);
	*data = n->conf.data;
	return 0;
}

static int
run_check(const char *path)
{
	struct node n;
	int rc;

	memset(&n, 0, sizeof(n));
	if ((rc = daemon_conf_check(path, noded_directives, &n.conf, run_check_node, &n)) != 0) {
		fprintf(stderr, "%s\n", eiso_lasterr(rc));
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	struct daemon_args args;
	const char *conf;
	struct sender *s;
	struct node *n;
	struct inbox *inbox = NULL;
	struct web *web = NULL;
	uv_loop_t *loop;
	int rc, debug;

	if ((rc = daemon_run_args(argc, argv, NODED_DEFAULT_CONF, &args)) >= 0)
		return rc;
	conf = args.conf;
	debug = args.debug;
	if (args.check)
		return run_check(conf);
	log_init("noded", debug);
	if ((rc = daemon_root_check(args.allow_root)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	eiso_clearerr();
	if ((rc = sender_open(conf, debug, &s)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	n = sender_node(s);
	log_init("noded", debug || n->conf.log_debug);
	if (store_upgraded_from(n->st) >= 0)
		log_info("store upgraded from schema %d to %d", store_upgraded_from(n->st),
		    STORE_SCHEMA);
	loop = uv_default_loop();
	eiso_clearerr();
	if ((rc = sender_start(s, loop)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	signal(SIGPIPE, SIG_IGN);

	eiso_clearerr();
	if ((rc = inbox_start(loop, n, &inbox)) != 0)
		fatalx("inbox: %s", eiso_lasterr(rc));
	if ((rc = web_start(loop, n, conf, routes_noded, &web)) != 0)
		fatalx("%s", eiso_lasterr(rc));

	daemon_notify_ready(NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	daemon_notify_stopping();
	inbox_stop(&inbox);
	web_stop(&web);
	sender_stop(s);
	uv_run(loop, UV_RUN_DEFAULT);   /* closes handles; waits for an inbox import */
	uv_loop_close(loop);
	sender_close(&s);
	return 0;
}
