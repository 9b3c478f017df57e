/* daemon.c: the root rule, sd_notify readiness, SIGHUP as a flag and config reload. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "log.h"

int
daemon_root_check(int allow_root)
{
	if (geteuid() != 0 || allow_root)
		return 0;
	return eiso_seterr(EISO_PERM, "refusing to run as root: run the daemon as its own user "
	    "(the systemd unit uses User=eiso), or pass --allow-root for a test machine");
}

void
daemon_notify_ready(const char *status)
{
	if (status != NULL)
		sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	else
		sd_notify(0, "READY=1");
}

void
daemon_notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

void
daemon_notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
daemon_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

static volatile sig_atomic_t daemon_hup;

static void
daemon_on_hup(int sig)
{
	(void)sig;
	daemon_hup = 1;
}

int
daemon_hup_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = daemon_on_hup;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, &sa, NULL) != 0)
		return eiso_seterr(EISO_INVAL, "SIGHUP handler: %s", strerror(errno));
	return 0;
}

int
daemon_hup_taken(void)
{
	if (!daemon_hup)
		return 0;
	daemon_hup = 0;
	return 1;
}

/* Append ", name" (or "name") to a list, silently truncating. */
static void
daemon_list_add(char *list, size_t len, const struct conf_directive *d)
{
	size_t n = strlen(list);

	if (n + 1 < len)
		snprintf(list + n, len - n, "%s%s.%s", n ? ", " : "", d->section, d->name);
}

static int
daemon_reloadable(const struct conf_directive *d, const char *const *names)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", d->section, d->name);
	for (; *names != NULL; names++)
		if (strcmp(*names, full) == 0)
			return 1;
	return 0;
}

int
daemon_reload_conf(const char *path, const struct conf_directive *tab, void *live,
    void *scratch, const char *const *reloadable, char *changed, size_t changedlen,
    char *kept, size_t keptlen)
{
	int rc;

	changed[0] = '\0';
	kept[0] = '\0';
	if ((rc = conf_load(path, tab, scratch)) != 0)
		return rc;
	for (int i = 0; tab[i].name != NULL; i++) {
		const struct conf_directive *d = &tab[i];
		char *now = (char *)live + d->offset;
		const char *new = (const char *)scratch + d->offset;
		size_t size = d->type == CONF_UINT ? sizeof(uint64_t) : d->size;
		int same = d->type == CONF_UINT ? memcmp(now, new, size) == 0 :
		    strcmp(now, new) == 0;

		if (same)
			continue;
		if (daemon_reloadable(d, reloadable)) {
			memcpy(now, new, size);
			daemon_list_add(changed, changedlen, d);
		} else {
			daemon_list_add(kept, keptlen, d);
		}
	}
	return 0;
}

int
daemon_conf_filled(const char *path, const struct conf_directive *tab, const void *obj)
{
	for (int i = 0; tab[i].name != NULL; i++) {
		const struct conf_directive *d = &tab[i];

		if (d->def == NULL && d->type == CONF_STRING &&
		    ((const char *)obj + d->offset)[0] == '\0')
			return eiso_seterr(EISO_CONF, "%s: required directive '%s' in [%s] is empty",
			    path, d->name, d->section);
	}
	return 0;
}

int
daemon_reload(const char *path, const struct conf_directive *tab, void *live, void *scratch,
    const char *const *reloadable)
{
	char changed[512], kept[256];
	int rc;

	eiso_clearerr();
	rc = daemon_reload_conf(path, tab, live, scratch, reloadable, changed, sizeof(changed),
	    kept, sizeof(kept));
	if (rc != 0) {
		log_warnx("reload: %s: keeping the old configuration", eiso_lasterr(rc));
		return rc;
	}
	if (kept[0] != '\0')
		log_warnx("reload: %s changed but needs a restart; still using the old value",
		    kept);
	log_info("configuration reloaded from %s: %s", path,
	    changed[0] != '\0' ? changed : "nothing changed");
	return 0;
}

int
daemon_config_sample(const char *prog, const struct conf_directive *tab, void *scratch,
    int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return 2;
	conf_defaults(tab, scratch);
	printf("# %s configuration: every directive with its default (%s config-sample).\n"
	    "# See eiso.conf(5). %s init writes a filled-in copy into the data directory.\n\n",
	    prog, prog, prog);
	return conf_write(stdout, tab, scratch) == 0 ? 0 : 1;
}

int
daemon_run_args(int argc, char **argv, const char *default_conf, struct daemon_args *a)
{
	static const struct option opts[] = {
		{ "allow-root", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->conf = default_conf;
	while ((c = getopt_long(argc, argv, "c:dn", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->conf = optarg; break;
		case 'd': a->debug = 1; break;
		case 'n': a->check = 1; break;
		case 'R': a->allow_root = 1; break;
		default: return 2;
		}
	}
	return optind != argc ? 2 : -1;
}

int
daemon_conf_check(const char *path, const struct conf_directive *tab, void *conf,
    int (*check)(const char *path, void *ctx, const char **data), void *ctx)
{
	const char *data = NULL;
	char dir[PATH_MAX];
	int rc;

	eiso_clearerr();
	if ((rc = conf_load(path, tab, conf)) != 0 ||
	    (rc = daemon_conf_filled(path, tab, conf)) != 0 ||
	    (rc = check(path, ctx, &data)) != 0 ||
	    (rc = fsutil_path(dir, sizeof(dir), data, "keys")) != 0)
		return rc;
	return keys_check_pairs(dir);
}

/* Say which step failed, keeping the code and the reason it came with. */
static int
daemon_backup_fail(int rc, const char *what)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", eiso_lasterr(rc));
	return eiso_seterr(rc, "%s: %s", what, why);
}

static int
daemon_backup_run(const struct daemon_backup *b, void *ctx, int argc, char **argv,
    struct daemon_backup_made *m)
{
	static const struct option opts[] = {
		{ "with-keys", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = b->default_conf, *data;
	char what[PATH_MAX + 64];
	time_t now = time(NULL);
	store_t *st;
	FILE *f;
	int c, rc;

	memset(m, 0, sizeof(*m));
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'k': m->with_keys = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 1)
		return 2;
	snprintf(m->dir, sizeof(m->dir), "%s", argv[optind]);
	umask(077);
	eiso_clearerr();
	st = NULL;
	if ((rc = b->open(ctx, conf, &st, &data)) == 0 &&
	    (rc = fsutil_path(m->src, sizeof(m->src), data, "store")) == 0 &&
	    (rc = fsutil_mkdir(m->dir, 0700)) == 0 &&
	    (rc = fsutil_path(m->storedir, sizeof(m->storedir), m->dir, "store")) == 0)
		rc = store_backup(st, m->storedir, &m->bytes);
	store_close(&st);
	if (rc != 0)
		return rc;
	if ((rc = b->inspect(ctx, m->storedir)) != 0) {
		snprintf(what, sizeof(what), "the copy in %s does not open", m->storedir);
		return daemon_backup_fail(rc, what);
	}
	if (m->with_keys && (rc = keys_copy_pairs(data, m->dir)) != 0)
		return daemon_backup_fail(rc, "copying the keys");
	strftime(m->when, sizeof(m->when), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	if (fsutil_path(what, sizeof(what), m->dir, "BACKUP.txt") != 0 ||
	    (f = fopen(what, "w")) == NULL)
		return eiso_seterr(EISO_IO, "cannot write %s/BACKUP.txt", m->dir);
	if ((rc = b->report(ctx, f, m)) == 0)
		fprintf(f,
		    "Restore (see %s(8)):\n"
		    "  systemctl stop eiso-%s\n"
		    "  mv %s %s.old\n"
		    "  cp -r store %s && chown -R eiso:eiso %s && chmod 0700 %s\n"
		    "  systemctl start eiso-%s\n"
		    "%s", b->prog, b->prog, m->src, m->src, m->src, m->src, m->src, b->prog,
		    b->restore_note);
	if (fclose(f) != 0 && rc == 0)
		rc = eiso_seterr(EISO_IO, "writing %s failed", what);
	return rc;
}

int
daemon_backup(const struct daemon_backup *b, void *ctx, int argc, char **argv)
{
	struct daemon_backup_made m;
	int rc = daemon_backup_run(b, ctx, argc, argv, &m);

	b->done(ctx, rc == 0 ? &m : NULL);
	if (rc == 0 || rc == 2)
		return rc;
	fprintf(stderr, "%s backup: %s\n", b->prog, eiso_lasterr(rc));
	return 1;
}
