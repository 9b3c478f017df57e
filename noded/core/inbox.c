/*
 * inbox.c: the scan inbox. Files dropped into a configured folder become draft documents.
 *
 * The folder is watched with libuv fs events and rescanned on a timer (events can be missed).
 * A file is taken only once its size and modification time have stayed the same for
 * settle_ms, so a scanner or a slow copy is never read half-written. The import (hashing and
 * chunked storing, which can take seconds for a large scan) runs on libuv's thread pool, one
 * file at a time, so replication keeps going. The file's type comes from its content
 * (libmagic, see attach.c); the title from its name. Afterwards the file is moved to the
 * processed folder, or to the rejected folder beside NAME.reason.txt saying why. Each imported
 * file is remembered by its SHA-256 in the same transaction as its document, so a crash
 * between the import and the move never makes a second document.
 *
 * Anyone who may write the folder chooses what lies in it, so only regular files are taken:
 * opened without following a link (a link to keys/sign.key would otherwise be imported and
 * replicated) and without blocking (a FIFO would hang the import), then checked again on the
 * open descriptor, which is all that is read. Links, FIFOs, sockets and devices are moved to
 * the rejected folder with their reason, untouched (a link moves as a link). The processed
 * and rejected folders are held open from the start (refused if they are links), and files
 * are moved and reasons written relative to those descriptors without following links, so a
 * folder or a NAME.reason.txt swapped for a link cannot aim a write at the node's own files.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "domain.h"
#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "log.h"
#include "core/core.h"

#define INBOX_MAX_SEEN 1024

struct seen {
	char name[NAME_MAX + 1];
	off_t size;
	struct timespec mtime;
	uint64_t stable_since;     /* uv_now when size and mtime were last seen changing */
};

struct inbox {
	struct node *n;
	uv_loop_t *loop;
	uv_fs_event_t watch;
	uv_timer_t timer;
	uv_work_t work;
	int busy;                  /* a file is being imported on the thread pool */
	int stopping;
	int open_handles;          /* freed once both handles closed and no import runs */
	char processed[PATH_MAX], rejected[PATH_MAX];
	int processed_fd, rejected_fd;
	char found[80];
	int known;                 /* the file had been imported before */
	struct seen seen[INBOX_MAX_SEEN];
	int nseen;
	/* The job in flight. */
	char path[PATH_MAX], name[NAME_MAX + 1], code[80], why[512];
	mode_t mode;               /* its type as the scan saw it (lstat) */
	int rc;
};

/* Title from a file name: extension dropped, _ and - read as spaces. */
static void
inbox_title(const char *name, char *out, size_t len)
{
	char *dot;

	snprintf(out, len, "%s", name);
	if ((dot = strrchr(out, '.')) != NULL && dot != out)
		*dot = '\0';
	for (char *p = out; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
}

static int
inbox_type_ok(const struct node *n, const char *type)
{
	char list[sizeof(n->conf.inbox_types)], *save, *w;

	if (n->conf.inbox_types[0] == '\0')
		return 1;
	snprintf(list, sizeof(list), "%s", n->conf.inbox_types);
	for (w = strtok_r(list, " ,", &save); w != NULL; w = strtok_r(NULL, " ,", &save))
		if (strcmp(w, type) == 0)
			return 1;
	return 0;
}

/* What a file that is not a regular one is, for its reason. */
static const char *
inbox_kind_of(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

/*
 * Open the job's file for reading if it is a regular file, never following a link nor
 * blocking on a FIFO. Returns the descriptor, or -1 with ib->why set.
 */
static int
inbox_open(struct inbox *ib)
{
	struct stat st;
	int fd;

	/* A device is never opened at all: opening some has effects. */
	if (!S_ISREG(ib->mode)) {
		snprintf(ib->why, sizeof(ib->why), "%s, not a regular file: only regular files "
		    "are taken", inbox_kind_of(ib->mode));
		return -1;
	}
	if ((fd = open(ib->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) == -1) {
		if (errno == ELOOP)
			snprintf(ib->why, sizeof(ib->why), "a symbolic link, not a regular file: "
			    "only regular files are taken");
		else
			snprintf(ib->why, sizeof(ib->why), "%s: %s", ib->name, strerror(errno));
		return -1;
	}
	/* It may have been swapped since the scan looked: what counts is what was opened. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(ib->why, sizeof(ib->why), "%s, not a regular file: only regular files "
		    "are taken", inbox_kind_of(st.st_mode));
		close(fd);
		return -1;
	}
	return fd;
}

/* Thread pool: import one file and make its draft document. */
static void
inbox_work(uv_work_t *w)
{
	struct inbox *ib = w->data;
	struct node *n = ib->n;
	struct attachment a;
	struct doc_request r;
	Eiso__BlobRef *refs[1];
	Eiso__DocIssue *d;
	char title[NAME_MAX + 1], day[11], hex[2 * KEYS_HASH + 1];
	int fd;

	eiso_clearerr();
	ib->code[0] = '\0';
	ib->known = 0;
	if ((fd = inbox_open(ib)) == -1) {
		ib->rc = EISO_INVAL;
		return;
	}
	ib->rc = attach_fd(n, fd, ib->name, &a);
	close(fd);
	if (ib->rc != 0) {
		snprintf(ib->why, sizeof(ib->why), "%s", eiso_lasterr(ib->rc));
		return;
	}
	if (a.ref.size == 0) {
		ib->rc = EISO_INVAL;
		snprintf(ib->why, sizeof(ib->why), "the file is empty");
		return;
	}
	if (!inbox_type_ok(n, a.media_type)) {
		ib->rc = EISO_INVAL;
		snprintf(ib->why, sizeof(ib->why), "files of type %s are not accepted (inbox.types: "
		    "%s)", a.media_type, n->conf.inbox_types);
		return;
	}
	/* The code names the day and the file's hash: the same scan always gets the same code. */
	domain_today(day);
	keys_hex(hex, a.sha, KEYS_HASH);
	snprintf(ib->code, sizeof(ib->code), "SCAN-%.4s%.2s%.2s-%.10s", day, day + 5, day + 8, hex);
	inbox_title(ib->name, title, sizeof(title));
	memset(&r, 0, sizeof(r));
	r.code = ib->code;
	r.title = title;
	r.kind = n->conf.inbox_kind;
	r.access = "internal";
	r.note = "";
	r.person = "scan inbox";
	r.review_months = -1;
	refs[0] = &a.ref;
	r.files = refs;
	r.nfiles = 1;
	r.have_files = 1;
	r.inbox_sha = a.sha;
	ib->found[0] = '\0';
	r.inbox_found = ib->found;
	eiso_clearerr();
	if ((ib->rc = document_do(n, DOC_NEW, &r, &d)) == 0) {
		eiso__doc_issue__free_unpacked(d, NULL);
	} else if (ib->rc == EISO_EXISTS && ib->found[0] != '\0') {
		/* Imported already (a crash came before the move, or the same scan again). */
		snprintf(ib->code, sizeof(ib->code), "%s", ib->found);
		ib->rc = 0;
		ib->known = 1;
	} else {
		snprintf(ib->why, sizeof(ib->why), "%s", eiso_lasterr(ib->rc));
	}
}

/* Move the job's file into the folder held open as dirfd (named dir in messages). */
static int
inbox_move(struct inbox *ib, int dirfd, const char *dir, const char *name)
{
	if (renameat(AT_FDCWD, ib->path, dirfd, name) != 0)
		return eiso_seterr(EISO_IO, "moving %s to %s: %s", ib->path, dir, strerror(errno));
	return 0;
}

/* NAME.reason.txt beside a rejected file; an existing link of that name is not followed. */
static void
inbox_reason(struct inbox *ib)
{
	char name[NAME_MAX + 100];
	FILE *f;
	int fd;

	snprintf(name, sizeof(name), "%s.reason.txt", ib->name);
	if ((fd = openat(ib->rejected_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0660)) == -1) {
		log_warnx("inbox: %s/%s: %s", ib->rejected, name, strerror(errno));
		return;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return;
	}
	fprintf(f, "%s\n", ib->why);
	fclose(f);
}

static void
inbox_free(struct inbox *ib)
{
	if (ib->processed_fd >= 0)
		close(ib->processed_fd);
	if (ib->rejected_fd >= 0)
		close(ib->rejected_fd);
	free(ib);
}

static void inbox_scan(struct inbox *ib);

/* Loop thread: file the result. */
static void
inbox_done(uv_work_t *w, int status)
{
	struct inbox *ib = w->data;
	char name[NAME_MAX + 100];

	(void)status;
	ib->busy = 0;
	if (ib->rc == 0) {
		snprintf(name, sizeof(name), "%s-%s", ib->code, ib->name);
		if (inbox_move(ib, ib->processed_fd, ib->processed, name) != 0)
			log_warnx("inbox: %s", eiso_lasterr(EISO_IO));
		else if (ib->known)
			log_info("inbox: %s was imported before as %s; moved", ib->name, ib->code);
		else
			log_info("inbox: %s became draft document %s", ib->name, ib->code);
	} else {
		log_warnx("inbox: %s rejected: %s", ib->name, ib->why);
		if (inbox_move(ib, ib->rejected_fd, ib->rejected, ib->name) != 0)
			log_warnx("inbox: %s", eiso_lasterr(EISO_IO));
		else
			inbox_reason(ib);
	}
	if (ib->stopping) {
		if (ib->open_handles == 0)
			inbox_free(ib);
		return;
	}
	/* Forget it, then look for the next one. */
	for (int i = 0; i < ib->nseen; i++) {
		if (strcmp(ib->seen[i].name, ib->name) == 0) {
			ib->seen[i] = ib->seen[--ib->nseen];
			break;
		}
	}
	inbox_scan(ib);
}

/* Look at the folder: track sizes, start the import of one settled file. */
static void
inbox_scan(struct inbox *ib)
{
	uint64_t now = uv_now(ib->loop);
	struct dirent *e;
	struct stat st;
	char path[PATH_MAX];
	DIR *d;

	if (ib->busy || (d = opendir(ib->n->conf.inbox_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct seen *s = NULL;

		/* lstat: a link is seen as a link (and refused), never as what it points at. */
		if (e->d_name[0] == '.' || fsutil_path(path, sizeof(path), ib->n->conf.inbox_dir,
		    e->d_name) != 0 || lstat(path, &st) != 0 || S_ISDIR(st.st_mode))
			continue;
		for (int i = 0; i < ib->nseen; i++)
			if (strcmp(ib->seen[i].name, e->d_name) == 0)
				s = &ib->seen[i];
		if (s == NULL) {
			if (ib->nseen == INBOX_MAX_SEEN)
				continue;
			s = &ib->seen[ib->nseen++];
			snprintf(s->name, sizeof(s->name), "%s", e->d_name);
			s->size = -1;
		}
		if (s->size != st.st_size || s->mtime.tv_sec != st.st_mtim.tv_sec ||
		    s->mtime.tv_nsec != st.st_mtim.tv_nsec) {
			s->size = st.st_size;
			s->mtime = st.st_mtim;
			s->stable_since = now;
			continue;
		}
		if (now - s->stable_since < ib->n->conf.inbox_settle_ms || ib->busy)
			continue;
		snprintf(ib->path, sizeof(ib->path), "%s", path);
		snprintf(ib->name, sizeof(ib->name), "%s", e->d_name);
		ib->mode = st.st_mode;
		ib->busy = 1;
		ib->work.data = ib;
		uv_queue_work(ib->loop, &ib->work, inbox_work, inbox_done);
	}
	closedir(d);
}

static void
inbox_on_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	(void)name;
	(void)events;
	(void)status;
	inbox_scan(h->data);
}

static void
inbox_on_timer(uv_timer_t *t)
{
	inbox_scan(t->data);
}

int
inbox_start(uv_loop_t *loop, struct node *n, struct inbox **out)
{
	struct inbox *ib;
	int rc;

	*out = NULL;
	if (n->conf.inbox_dir[0] == '\0')
		return 0;
	if ((ib = calloc(1, sizeof(*ib))) == NULL)
		return EISO_NOMEM;
	ib->processed_fd = ib->rejected_fd = -1;
	/* By default the two folders sit inside the inbox (the scan takes only files). */
	if (n->conf.inbox_processed[0] != '\0')
		snprintf(ib->processed, sizeof(ib->processed), "%s", n->conf.inbox_processed);
	else if ((rc = fsutil_path(ib->processed, sizeof(ib->processed), n->conf.inbox_dir,
	    "processed")) != 0)
		goto fail;
	if (n->conf.inbox_rejected[0] != '\0')
		snprintf(ib->rejected, sizeof(ib->rejected), "%s", n->conf.inbox_rejected);
	else if ((rc = fsutil_path(ib->rejected, sizeof(ib->rejected), n->conf.inbox_dir,
	    "rejected")) != 0)
		goto fail;
	if ((rc = fsutil_mkdir(n->conf.inbox_dir, 0770)) != 0 ||
	    (rc = fsutil_mkdir(ib->processed, 0770)) != 0 ||
	    (rc = fsutil_mkdir(ib->rejected, 0770)) != 0)
		goto fail;
	if ((ib->processed_fd = open(ib->processed, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (ib->rejected_fd = open(ib->rejected, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		rc = eiso_seterr(EISO_IO, "%s: %s", ib->processed_fd == -1 ? ib->processed :
		    ib->rejected, errno == ELOOP ? "a symbolic link, not a folder: refused" :
		    strerror(errno));
		goto fail;
	}
	ib->n = n;
	ib->loop = loop;
	uv_fs_event_init(loop, &ib->watch);
	ib->watch.data = ib;
	if ((rc = uv_fs_event_start(&ib->watch, inbox_on_event, n->conf.inbox_dir, 0)) != 0)
		log_warnx("inbox: watching %s: %s (falling back to rescans)", n->conf.inbox_dir,
		    uv_strerror(rc));
	uv_timer_init(loop, &ib->timer);
	ib->timer.data = ib;
	/* Rescans both catch missed events and notice when a file has settled. */
	uv_timer_start(&ib->timer, inbox_on_timer, 0, n->conf.inbox_settle_ms / 2 + 1);
	log_info("inbox: watching %s (settle %llu ms)", n->conf.inbox_dir,
	    (unsigned long long)n->conf.inbox_settle_ms);
	*out = ib;
	return 0;
fail:
	inbox_free(ib);
	return rc;
}

/* libuv finishes closes in no promised order: the last of the two frees (unless busy). */
static void
inbox_closed(uv_handle_t *h)
{
	struct inbox *ib = h->data;

	if (--ib->open_handles == 0 && !ib->busy)
		inbox_free(ib);
}

void
inbox_stop(struct inbox **ib)
{
	if (*ib == NULL)
		return;
	(*ib)->stopping = 1;
	(*ib)->open_handles = 2;
	uv_close((uv_handle_t *)&(*ib)->watch, inbox_closed);
	uv_close((uv_handle_t *)&(*ib)->timer, inbox_closed);
	*ib = NULL;
}
