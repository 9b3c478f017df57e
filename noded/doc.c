/*
 * doc.c: `noded doc put`: a local document write. Files are stored first (content-addressed,
 * so a crash leaves at most an unreferenced blob), then the document and its change commit
 * together through outbox_record(). Durable when the command returns, daemon or not.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "keys.h"
#include "noded.h"
#include "wire.h"

static void
doc_usage(FILE *f)
{
	fprintf(f,
	    "usage: noded doc put [-c CONF] --code CODE --title TITLE [--kind KIND]\n"
	    "                     [--status STATUS] [--access ACCESS] [--issue N] [--note TEXT]\n"
	    "                     [--file PATH]... [--json]\n"
	    "\n"
	    "Writes a document (and its files) to the node's store and queues the change for\n"
	    "the hub. Durable when the command returns, even if the daemon is stopped.\n"
	    "  -c CONF    config file (default " NODED_DEFAULT_CONF ")\n"
	    "  --file     attach a file; may be repeated (up to %d)\n"
	    "  --json     print the result as JSON\n", WIRE_MAX_FILES);
}

/* Print s as a JSON string. */
static void
doc_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static int
doc_put(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, 'C' },
		{ "title", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },
		{ "status", required_argument, NULL, 's' },
		{ "access", required_argument, NULL, 'a' },
		{ "issue", required_argument, NULL, 'i' },
		{ "note", required_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NODED_DEFAULT_CONF, *files[WIRE_MAX_FILES];
	Eiso__DocPut d = EISO__DOC_PUT__INIT;
	Eiso__Change ch = EISO__CHANGE__INIT;
	Eiso__BlobRef refs[WIRE_MAX_FILES], *refp[WIRE_MAX_FILES];
	uint8_t shas[WIRE_MAX_FILES][KEYS_HASH];
	char names[WIRE_MAX_FILES][NAME_MAX + 1], hex[2 * KEYS_HASH + 1], *end;
	size_t nfiles = 0;
	int c, rc, json = 0;
	uint64_t id;
	struct node n;

	d.kind = "procedure";
	d.status = "draft";
	d.access = "internal";
	d.issue = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'C': d.code = optarg; break;
		case 't': d.title = optarg; break;
		case 'k': d.kind = optarg; break;
		case 's': d.status = optarg; break;
		case 'a': d.access = optarg; break;
		case 'n': d.note = optarg; break;
		case 'i':
			d.issue = (uint32_t)strtoul(optarg, &end, 10);
			if (*end != '\0' || d.issue == 0) {
				fprintf(stderr, "noded doc put: --issue '%s' is not a positive "
				    "number\n", optarg);
				return 1;
			}
			break;
		case 'f':
			if (nfiles == WIRE_MAX_FILES) {
				fprintf(stderr, "noded doc put: more than %d files\n",
				    WIRE_MAX_FILES);
				return 1;
			}
			files[nfiles++] = optarg;
			break;
		case 'j': json = 1; break;
		case 'h': doc_usage(stdout); return 0;
		default: doc_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "noded doc put: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (d.code == NULL || d.code[0] == '\0') {
		fprintf(stderr, "noded doc put: --code is required (e.g. --code QT-01)\n");
		return 1;
	}
	if (d.title == NULL || d.title[0] == '\0') {
		fprintf(stderr, "noded doc put: --title is required\n");
		return 1;
	}
	eiso_clearerr();
	if ((rc = node_open(conf, 0, &n)) != 0) {
		fprintf(stderr, "noded doc put: %s\n", eiso_lasterr(rc));
		return 1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		char base[PATH_MAX];
		uint64_t size;

		eiso_clearerr();
		if ((rc = blob_import(n.st, &n.bt, files[i], BLOB_CHUNK_DEFAULT, shas[i],
		    &size)) != 0) {
			fprintf(stderr, "noded doc put: %s\n", eiso_lasterr(rc));
			goto fail;
		}
		snprintf(base, sizeof(base), "%s", files[i]);
		snprintf(names[i], sizeof(names[i]), "%s", basename(base));
		eiso__blob_ref__init(&refs[i]);
		refs[i].sha256.data = shas[i];
		refs[i].sha256.len = KEYS_HASH;
		refs[i].size = size;
		refs[i].name = names[i];
		refs[i].media_type = "";
		refp[i] = &refs[i];
	}
	d.files = refp;
	d.n_files = nfiles;
	ch.op_case = EISO__CHANGE__OP_DOC_PUT;
	ch.doc_put = &d;
	eiso_clearerr();
	if ((rc = outbox_record(&n, &ch, &id)) != 0) {
		fprintf(stderr, "noded doc put: %s\n", eiso_lasterr(rc));
		goto fail;
	}
	if (json) {
		printf("{\"change\":%llu,\"code\":", (unsigned long long)id);
		doc_json_str(d.code);
		printf(",\"files\":[");
		for (size_t i = 0; i < nfiles; i++) {
			keys_hex(hex, shas[i], KEYS_HASH);
			printf("%s{\"name\":", i ? "," : "");
			doc_json_str(names[i]);
			printf(",\"sha256\":\"%s\",\"size\":%llu}", hex,
			    (unsigned long long)refs[i].size);
		}
		printf("]}\n");
	} else {
		printf("change %llu: %s\n", (unsigned long long)id, d.code);
		for (size_t i = 0; i < nfiles; i++) {
			keys_hex(hex, shas[i], KEYS_HASH);
			printf("  file %s %s %llu\n", names[i], hex,
			    (unsigned long long)refs[i].size);
		}
	}
	node_close(&n);
	return 0;
fail:
	node_close(&n);
	return 1;
}

int
cmd_doc(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "put") == 0)
		return doc_put(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		doc_usage(stdout);
		return 0;
	}
	fprintf(stderr, "noded doc: expected a subcommand: put\n");
	doc_usage(stderr);
	return 2;
}
