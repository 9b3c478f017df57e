/*
 * daemon.h: what both daemons need to run as a service: the root rule, systemd readiness
 * notification (Type=notify), SIGHUP as a flag for loops that poll, and the reload of the
 * directives that may change while running.
 *
 * Nothing here prints or exits; main() and the run verbs decide.
 */
#ifndef EISO_DAEMON_H
#define EISO_DAEMON_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "store.h"

/*
 * The daemons run as a dedicated user (eiso), never as root: a bug in code that parses
 * network input must not own the machine. Returns 0 when the effective uid is not 0 or
 * allow_root is set, else EISO_PERM with a detail that says what to do.
 */
int daemon_root_check(int allow_root);

/* The options every daemon's `run` takes: -c CONF, -d, -n, --allow-root (--help: verb.c). */
struct daemon_args {
	const char *conf;
	int debug, check, allow_root;
};

/*
 * Parse them (conf starts as default_conf). Returns -1 to go on, or 2 for a usage error
 * (getopt has said which option; the verb table prints the usage).
 */
int daemon_run_args(int argc, char **argv, const char *default_conf, struct daemon_args *a);

/*
 * Readiness for systemd (sd_notify); each is a no-op outside a unit with NOTIFY_SOCKET.
 * ready: setup done, serving (status is a one-line STATUS= text, or NULL).
 * reloading: SIGHUP received, reloading; call ready again afterwards.
 * stopping: shutdown has begun.
 * status: a one-line STATUS= text while running (`systemctl status` shows it), e.g. why the
 *   daemon cannot do its work.
 */
void daemon_notify_ready(const char *status);
void daemon_notify_status(const char *status);
void daemon_notify_reloading(void);
void daemon_notify_stopping(void);

/*
 * SIGHUP as a flag, for a loop that wakes up regularly (hubd's poll loop): catch installs the
 * handler (without SA_RESTART, so a blocking poll returns EINTR); taken returns 1 once per
 * SIGHUP received since the last call. Returns 0 or EISO_INVAL (sigaction failed).
 */
int daemon_hup_catch(void);
int daemon_hup_taken(void);

/*
 * Reload a configuration: load path into scratch (an object of the same type as live, its
 * contents overwritten), and if it loads, copy into live every directive of tab named in
 * reloadable ("section.name", NULL-terminated) whose value changed. Directives that changed
 * but cannot change while running keep their live value. changed and kept receive
 * comma-separated "section.name" lists ("" when none; truncated to fit).
 * Returns 0, or the loader's EISO_CONF / EISO_IO with live untouched (detail says why).
 */
int daemon_reload_conf(const char *path, const struct conf_directive *tab, void *live,
    void *scratch, const char *const *reloadable, char *changed, size_t changedlen,
    char *kept, size_t keptlen);

/*
 * The reload a daemon does on SIGHUP: daemon_reload_conf, then the log lines an operator
 * needs (what changed, what needs a restart, or why the old configuration stays). prog
 * names the daemon in the log. Returns what daemon_reload_conf returned.
 */
int daemon_reload(const char *path, const struct conf_directive *tab, void *live,
    void *scratch, const char *const *reloadable);

/*
 * The `config-sample` verb of a daemon: every directive of tab with its help and default
 * printed on stdout (scratch: a zeroed object of the daemon's config type). Returns the exit
 * status (0, 1 on a write error, 2 when given arguments: it takes none).
 */
int daemon_config_sample(const char *prog, const struct conf_directive *tab, void *scratch,
    int argc, char **argv);

/*
 * Required string directives (no default) that are present but empty, as in a config sample
 * not filled in. Returns 0, or EISO_CONF naming the first one and the file.
 */
int daemon_conf_filled(const char *path, const struct conf_directive *tab, const void *obj);

/*
 * The checks of `run -n`: load path into conf through tab (unknown directives and bad values
 * are file:line errors), required directives filled, then the daemon's own check (values
 * that relate to each other, the store as the daemon will find it), which sets *data to the
 * data directory, then the key pairs under DATA/keys. conf is part of ctx. Returns 0 or the
 * first error (EISO_CONF, EISO_IO, EISO_PERM, ... with detail); the caller prints
 * "configuration OK" or the error.
 */
int daemon_conf_check(const char *path, const struct conf_directive *tab, void *conf,
    int (*check)(const char *path, void *ctx, const char **data), void *ctx);

/*
 * The `backup` verb both daemons share: [-c CONF] [--with-keys] DIR. A hot, consistent,
 * compacted copy of the store into DIR/store (store_backup), checked by opening the copy,
 * the key pairs copied into DIR/keys with --with-keys, and DIR/BACKUP.txt (mode 0600 under
 * umask 077). The daemon says how to open its store and what the copy holds:
 *   open     open the store read-only from conf: *st (daemon_backup closes it, also when
 *            open fails after opening it), and *data, the data directory
 *   inspect  open the copy in storedir as the daemon would and read what it holds
 *   report   write the head of BACKUP.txt to f from what inspect read and m; the how-to
 *            restore (systemctl stop eiso-PROG, ...) and restore_note follow it
 *   done     always called last: print the one-line summary when m is not NULL (made), and
 *            release what the steps held
 * Each returns 0 or a negative EISO_* code with its detail.
 */
struct daemon_backup_made {
	char dir[PATH_MAX];              /* DIR */
	char storedir[PATH_MAX];         /* DIR/store: the copy */
	char src[PATH_MAX];              /* the store copied (DATA/store) */
	char when[64];                   /* ISO 8601 local time */
	uint64_t bytes;                  /* the copy's size */
	int with_keys;
};
struct daemon_backup {
	const char *prog;                /* "noded": names the unit and the man page */
	const char *default_conf;
	int (*open)(void *ctx, const char *conf, store_t **st, const char **data);
	int (*inspect)(void *ctx, const char *storedir);
	int (*report)(void *ctx, FILE *f, const struct daemon_backup_made *m);
	void (*done)(void *ctx, const struct daemon_backup_made *m);
	const char *restore_note;        /* what a restore from the copy means, for BACKUP.txt */
};

/*
 * Run it with the verb's arguments. Returns 0 (done printed what was made), 2 on a usage error
 * (nothing done), or 1 after printing "PROG backup: " and what failed: DIR, the copy that
 * does not open, BACKUP.txt, the keys (a DIR holding a backup already is refused), or what
 * open said.
 */
int daemon_backup(const struct daemon_backup *b, void *ctx, int argc, char **argv);

#endif
