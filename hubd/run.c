/*
 * run.c: `hubd run`, the hub daemon: the ingest thread's loop (core/ingest.c and
 * ingest_txn.c judge and apply what nodes send), the alert sweep on a timer, the web thread
 * (web/ and portal/, through the route table in routes.c), signals and reloads. Also
 * `hubd run -n` and the reload on SIGHUP of the directives that can change while the daemon
 * runs.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/core.h"
#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "log.h"
#include "portal/portal.h"
#include "run.h"
#include "web/web.h"

#define RUN_POLL_MS 500

/*
 * What SIGHUP may change: the log level, the window offered in each Welcome (nodes take it at
 * their next Hello) and the group-commit sizes, read for every batch. The data directory,
 * listen endpoint, max_frame (a socket option) and chunk_size (nodes size their chunks by
 * it) need a restart.
 */
static const char *const run_reloadable[] = {
	"log.debug", "ingest.window", "ingest.max_batch", "ingest.max_batch_bytes", NULL
};

static volatile sig_atomic_t run_stop;

static void
run_on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

/* [web] public_base, which the portal's QR codes carry. */
static int
run_check_base(const char *path, const struct hubd_conf *c)
{
	char why[256];
	int rc;

	if ((rc = portal_check_base(c->web_public_base)) != 0) {
		snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
		return eiso_seterr(EISO_CONF, "%s: %s", path, why);
	}
	return 0;
}

/* What run -n checks beyond the directives: the listen address, the store, the web side. */
static int
run_check_hub(const char *path, void *ctx, const char **data)
{
	struct hub *h = ctx;
	int rc;

	if (strncmp(h->conf.listen, "tcp://", 6) != 0)
		return eiso_seterr(EISO_CONF, "%s: hub.listen '%s' must look like tcp://HOST:PORT",
		    path, h->conf.listen);
	/* Limits that relate to each other, and the store as the daemon will find it. */
	if ((rc = hub_open(path, 1, h)) != 0)
		return rc;
	hub_close(h);
	if ((rc = web_check_conf(path, &h->conf)) != 0 ||
	    (rc = run_check_base(path, &h->conf)) != 0)
		return rc;
	*data = h->conf.data;
	return 0;
}

static int
run_check(const char *path)
{
	struct hub h;
	int rc;

	memset(&h, 0, sizeof(h));
	if ((rc = daemon_conf_check(path, hubd_directives, &h.conf, run_check_hub, &h)) != 0) {
		fprintf(stderr, "%s\n", eiso_lasterr(rc));
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}

static int
run_reload(const char *path, struct hubd_conf *live, int cli_debug)
{
	struct hubd_conf scratch;
	int rc;

	if ((rc = daemon_reload(path, hubd_directives, live, &scratch, run_reloadable)) == 0)
		log_init("hubd", cli_debug || live->log_debug);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct daemon_args args;
	const char *conf;
	struct ingest *g;
	struct hub *h;
	struct web *web = NULL;
	struct sigaction sa;
	int rc, debug, woken;
	uint64_t next_sweep;

	if ((rc = daemon_run_args(argc, argv, HUBD_DEFAULT_CONF, &args)) >= 0)
		return rc;
	conf = args.conf;
	debug = args.debug;
	if (args.check)
		return run_check(conf);
	log_init("hubd", debug);
	if ((rc = daemon_root_check(args.allow_root)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	eiso_clearerr();
	if ((rc = ingest_open(conf, &g)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	h = ingest_hub(g);
	log_init("hubd", debug || h->conf.log_debug);
	if (store_upgraded_from(h->st) >= 0)
		log_info("store upgraded from schema %d to %d", store_upgraded_from(h->st),
		    STORE_SCHEMA);
	eiso_clearerr();
	if ((rc = ingest_listen(g)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = daemon_hup_catch()) != 0)
		fatalx("%s", eiso_lasterr(rc));
	/* A web side that is configured but cannot start stops the hub (empty web.listen: off). */
	eiso_clearerr();
	if ((rc = web_start(h, conf, routes_hubd, &web)) != 0)
		fatalx("%s", eiso_lasterr(rc));
	daemon_notify_ready(NULL);

	next_sweep = 0;
	while (!run_stop) {
		if (daemon_hup_taken()) {
			daemon_notify_reloading();
			run_reload(conf, &h->conf, debug);
			daemon_notify_ready(NULL);
		}
		if (uv_hrtime() / 1000000 >= next_sweep) {
			eiso_clearerr();
			if ((rc = alert_sweep(h)) != 0)
				log_warnx("alert sweep: %s", eiso_lasterr(rc));
			next_sweep = uv_hrtime() / 1000000 + h->conf.alert_check_s * 1000;
		}
		eiso_clearerr();
		if ((rc = ingest_poll(g, web_wake_fd(web), RUN_POLL_MS, &woken)) != 0)
			fatalx("%s", eiso_lasterr(rc));
		if (woken)
			web_do_writes(web, h);
	}
	daemon_notify_stopping();
	web_stop(&web);
	ingest_close(&g);
	return 0;
}
