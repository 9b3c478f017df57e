/*
 * cli.c: what the command-line verbs share: opening the node, reporting an error the same
 * way everywhere ("noded VERB: field: reason", exit 1), printing records as JSON (the same
 * encoding as the APIs), reading a verb's options from its table (cli_parse), and exporting a document issue's files with a SHA-256 manifest that
 * `sha256sum -c` accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "err.h"
#include "fsutil.h"
#include "keys.h"
#include "pbjson.h"
#include "sha256.h"

int
cli_fail(const char *verb, int rc)
{
	fprintf(stderr, "noded %s: %s\n", verb, eiso_lasterr(rc));
	return 1;
}

int
cli_open(const char *verb, const char *conf, int readonly, struct node *n)
{
	int rc;

	eiso_clearerr();
	if ((rc = node_open(conf, readonly, n)) != 0)
		return cli_fail(verb, rc);
	return 0;
}

int
cli_print_json(const ProtobufCMessage *m)
{
	return pbjson_print(pbjson_encode(m)) == 0 ? 0 : 1;
}

int
cli_print_record(ProtobufCMessage *m, int json, void (*print)(const ProtobufCMessage *m))
{
	int ret = 0;

	if (json)
		ret = cli_print_json(m);
	else
		print(m);
	protobuf_c_message_free_unpacked(m, NULL);
	return ret;
}

int
cli_write(const char *verb, const char *conf, int json,
    int (*do_write)(struct node *n, void *arg, ProtobufCMessage **rec), void *arg,
    void (*print)(const ProtobufCMessage *m))
{
	ProtobufCMessage *rec = NULL;
	struct node n;
	int rc;

	if (cli_open(verb, conf, 0, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = do_write(&n, arg, &rec)) != 0) {
		node_close(&n);
		return cli_fail(verb, rc);
	}
	rc = cli_print_record(rec, json, print);
	node_close(&n);
	return rc;
}

int
cli_number(const char *verb, const char *field, const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < 0 || v > max) {
		fprintf(stderr, "noded %s: %s: '%s' is not a number from 0 to %ld\n", verb, field,
		    s, max);
		return 1;
	}
	*out = v;
	return 0;
}

int
cli_time(const char *verb, const char *field, const char *s, int64_t *ms)
{
	/* A due date is a deadline: a date alone means the end of that day. */
	int (*parse)(const char *, int64_t *) = strcmp(field, "due") == 0 ?
	    domain_parse_deadline : domain_parse_time;

	if (parse(s, ms) != 0) {
		fprintf(stderr, "noded %s: %s: '%s' is not a date (YYYY-MM-DD or "
		    "'YYYY-MM-DD HH:MM')\n", verb, field, s);
		return 1;
	}
	return 0;
}

#define CLI_MAX_OPTS 40

/* Store value as opts[i] says in args; 0 or 1 (said on stderr). */
static int
cli_set(const char *verb, const struct cli_opt *o, const char *value, void *args)
{
	char *at = (char *)args + o->off;
	long v;

	switch (o->kind) {
	case CLI_STR:
		*(const char **)(void *)at = value;
		return 0;
	case CLI_FLAG:
		*(int *)(void *)at = 1;
		return 0;
	case CLI_NUM:
	case CLI_U32:
		if (cli_number(verb, o->field, value, o->max, &v) != 0)
			return 1;
		if (o->kind == CLI_NUM)
			*(long *)(void *)at = v;
		else
			*(uint32_t *)(void *)at = (uint32_t)v;
		return 0;
	case CLI_TIME:
		return cli_time(verb, o->field, value, (int64_t *)(void *)at);
	case CLI_FN:
		return o->fn(verb, value, args);
	}
	return 2;
}

int
cli_parse(const char *verb, int argc, char **argv, const struct cli_opt *opts, void *args,
    int operands)
{
	struct option lo[CLI_MAX_OPTS + 1];
	char shorts[2 * CLI_MAX_OPTS + 1];
	size_t nl = 0, ns = 0;
	int c, rc;

	for (int i = 0; opts[i].name != NULL && i < CLI_MAX_OPTS; i++) {
		int arg = opts[i].kind == CLI_FLAG ? no_argument : required_argument;

		if (opts[i].name[0] == '-') {
			shorts[ns++] = opts[i].name[1];
			if (arg == required_argument)
				shorts[ns++] = ':';
		} else {
			lo[nl].name = opts[i].name;
			lo[nl].has_arg = arg;
			lo[nl].flag = NULL;
			lo[nl].val = 256 + i;
			nl++;
		}
	}
	shorts[ns] = '\0';
	memset(&lo[nl], 0, sizeof(lo[nl]));
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct cli_opt *o = NULL;

		if (c >= 256)
			o = &opts[c - 256];
		else if (c != '?' && c != ':')
			for (int i = 0; opts[i].name != NULL && o == NULL; i++)
				if (opts[i].name[0] == '-' && opts[i].name[1] == c)
					o = &opts[i];
		if (o == NULL)
			return 2;
		if ((rc = cli_set(verb, o, optarg, args)) != 0)
			return rc;
	}
	if (operands == 0 && optind != argc) {
		fprintf(stderr, "noded %s: unexpected argument '%s'\n", verb, argv[optind]);
		return 2;
	}
	return 0;
}

/* A file name safe to create inside the export directory. */
static void
cli_safe_name(char *out, size_t len, const char *name)
{
	size_t j = 0;

	for (size_t i = 0; name[i] != '\0' && j + 1 < len; i++)
		out[j++] = name[i] == '/' || (i == 0 && name[i] == '.') ? '_' : name[i];
	out[j] = '\0';
	if (j == 0)
		snprintf(out, len, "file");
}

/* SHA-256 of a file we just wrote, for the manifest. */
static int
cli_sha_file(const char *path, char hex[2 * KEYS_HASH + 1])
{
	uint8_t sha[KEYS_HASH];
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	rc = sha256_fd(fd, path, sha, NULL);
	close(fd);
	if (rc != 0)
		return rc;
	keys_hex(hex, sha, KEYS_HASH);
	return 0;
}

int
cli_export_issue(MDB_txn *txn, struct node *n, const Eiso__DocIssue *d, const char *dir,
    const char *sub, FILE *manifest)
{
	char path[PATH_MAX], rel[PATH_MAX], name[256], hex[2 * KEYS_HASH + 1], want[2 * KEYS_HASH + 1];
	FILE *f;
	json_t *meta;
	int fd, rc;

	snprintf(rel, sizeof(rel), "%s", sub);
	if (sub[0] != '\0') {
		if ((rc = fsutil_path(path, sizeof(path), dir, sub)) != 0 ||
		    (rc = fsutil_mkdir(path, 0755)) != 0)
			return rc;
	}
	for (size_t i = 0; i < d->n_files; i++) {
		cli_safe_name(name, sizeof(name), d->files[i]->name);
		snprintf(rel, sizeof(rel), "%s%s%02zu-%s", sub, sub[0] ? "/" : "", i + 1, name);
		if ((rc = fsutil_path(path, sizeof(path), dir, rel)) != 0)
			return rc;
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1)
			return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		rc = blob_write_fd(txn, &n->bt, d->files[i]->sha256.data, fd);
		if (close(fd) != 0 && rc == 0)
			rc = eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
		if (rc != 0)
			return rc;
		/* Re-read what landed on disk: the manifest vouches for the copy, not the store. */
		if ((rc = cli_sha_file(path, hex)) != 0)
			return rc;
		keys_hex(want, d->files[i]->sha256.data, KEYS_HASH);
		if (strcmp(hex, want) != 0)
			return eiso_seterr(EISO_HASH, "%s: written copy does not match %s", path, want);
		fprintf(manifest, "%s  %s\n", hex, rel);
	}
	snprintf(rel, sizeof(rel), "%s%smetadata.json", sub, sub[0] ? "/" : "");
	if ((rc = fsutil_path(path, sizeof(path), dir, rel)) != 0)
		return rc;
	if ((f = fopen(path, "wx")) == NULL)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	meta = pbjson_encode(&d->base);
	rc = meta != NULL && json_dumpf(meta, f, JSON_INDENT(2)) == 0 ? 0 : EISO_IO;
	json_decref(meta);
	fputc('\n', f);
	if (fclose(f) != 0 || rc != 0)
		return eiso_seterr(EISO_IO, "%s: write failed", path);
	if ((rc = cli_sha_file(path, hex)) != 0)
		return rc;
	fprintf(manifest, "%s  %s\n", hex, rel);
	return 0;
}

int
cli_export_begin(const char *dir, FILE **manifest)
{
	char path[PATH_MAX];
	int rc;

	if (mkdir(dir, 0755) != 0) {
		if (errno == EEXIST)
			return eiso_seterr(EISO_EXISTS, "--to %s: exists; export writes a new "
			    "directory", dir);
		return eiso_seterr(EISO_IO, "--to %s: %s", dir, strerror(errno));
	}
	if ((rc = fsutil_path(path, sizeof(path), dir, "SHA256SUMS")) != 0)
		return rc;
	if ((*manifest = fopen(path, "wx")) == NULL)
		return eiso_seterr(EISO_IO, "%s: %s", path, strerror(errno));
	return 0;
}
