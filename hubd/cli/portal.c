/*
 * portal.c: `hubd portal`, a page of the public portal (portal/) written to standard output
 * exactly as the web side serves it: for tests, and for looking at a page without a browser.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "err.h"
#include "portal/portal.h"

int
cmd_portal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "post", required_argument, NULL, 'p' },
		{ "head", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = HUBD_DEFAULT_CONF, *post = NULL;
	char path[2048], *q;
	struct portal_ctx ctx;
	struct portal_reply r;
	struct hub h;
	MDB_txn *txn = NULL;
	struct html body = { 0 };
	struct tmpl_set *tmpl = NULL;
	int c, ret = 1, head = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.lang = WEB_VI;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'l': ctx.lang = strcmp(optarg, "en") == 0 ? WEB_EN : WEB_VI; break;
		case 'p': post = optarg; break;
		case 'H': head = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 1 || snprintf(path, sizeof(path), "%s", argv[optind]) >=
	    (int)sizeof(path))
		return 2;
	if (post != NULL) {
		FILE *f = fopen(post, "rb");
		size_t got;
		char chunk[65536];

		if (f == NULL) {
			fprintf(stderr, "hubd portal: %s: cannot read\n", post);
			return 1;
		}
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			html_mem(&body, chunk, got);
		fclose(f);
		if (body.oom) {
			fprintf(stderr, "hubd portal: out of memory\n");
			return 1;
		}
	}
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	ctx.path = path;
	ctx.query = q ? q : "";
	if (cli_open("portal", conf, &h, &txn) != 0) {
		html_free(&body);
		return 1;
	}
	if ((c = tmpl_load(hubd_templates, &tmpl)) != 0) {
		fprintf(stderr, "hubd portal: templates: %s\n", eiso_lasterr(c));
		goto done;
	}
	ctx.txn = txn;
	ctx.h = &h;
	ctx.tmpl = tmpl;
	ctx.base = h.conf.web_public_base;
	if (!portal_page(&ctx, post ? "POST" : "GET", "application/octet-stream",
	    (const uint8_t *)body.buf, body.len, &r)) {
		fprintf(stderr, "hubd portal: %s is not a page of the portal\n", path);
		goto done;
	}
	if (r.blob) {
		fprintf(stderr, "%d %s (file %llu bytes)\n", r.status, r.ctype,
		    (unsigned long long)r.size);
		for (int i = 0; head && i < r.nhdr; i++)
			fprintf(stderr, "%s: %s\n", r.hdr[i].name, r.hdr[i].value);
		fflush(stdout);
		ret = blob_write_fd(txn, &h.bt, r.sha, STDOUT_FILENO) != 0;
	} else {
		fprintf(stderr, "%d %s\n", r.status, r.ctype);
		for (int i = 0; head && i < r.nhdr; i++)
			fprintf(stderr, "%s: %s\n", r.hdr[i].name, r.hdr[i].value);
		fwrite(r.body.buf ? r.body.buf : "", 1, r.body.len, stdout);
		ret = r.body.oom || r.status != 200;
	}
	portal_reply_free(&r);
done:
	tmpl_free(&tmpl);
	html_free(&body);
	store_read_end(&txn);
	hub_close(&h);
	return ret;
}
