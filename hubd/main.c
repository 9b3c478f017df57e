/*
 * main.c: hubd entry point. Dispatches the verbs (init, enroll, run, status, blob, doc) and
 * holds the configuration table and the opening of the hub's store.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"
#include "hubd.h"
#include "keys.h"
#include "log.h"

#define HC(field) offsetof(struct hubd_conf, field), sizeof(((struct hubd_conf *)0)->field)

const struct conf_directive hubd_directives[] = {
	{ "hub", "data", CONF_STRING, HC(data), 0, 0, NULL,
	    "data directory: keys/ and store/ live here" },
	{ "hub", "listen", CONF_STRING, HC(listen), 0, 0, "tcp://127.0.0.1:7701",
	    "ZeroMQ endpoint the nodes connect to" },
	{ "ingest", "window", CONF_UINT, HC(window), 1, 4096, "64",
	    "change sets a node may send ahead of acknowledgements" },
	{ "ingest", "max_frame", CONF_UINT, HC(max_frame), 65536, 67108864, "4194304",
	    "largest message accepted, in bytes" },
	{ "ingest", "chunk_size", CONF_UINT, HC(chunk_size), 4096, 1048576, "262144",
	    "bytes of file data in one blob chunk" },
	{ "ingest", "max_batch", CONF_UINT, HC(max_batch), 1, 100000, "4096",
	    "messages applied in one transaction (group commit) at most" },
	{ "ingest", "max_batch_bytes", CONF_UINT, HC(max_batch_bytes), 65536, 1073741824,
	    "67108864", "bytes of messages in one transaction at most" },
	CONF_END
};

const char *const hub_dbnames[HDB_COUNT] = {
	[HDB_META] = "meta", [HDB_AGENCIES] = "agencies", [HDB_CURVEKEYS] = "curvekeys",
	[HDB_LOG] = "log", [HDB_HEADS] = "heads", [HDB_DOCS] = "docs", [HDB_WANTS] = "wants",
	[HDB_CHUNKS] = "chunks", [HDB_BLOBMETA] = "blobmeta",
};

int
hub_open(const char *conf_path, int readonly, struct hub *h)
{
	char dir[1100];
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = conf_load(conf_path, hubd_directives, &h->conf)) != 0)
		return rc;
	if (h->conf.chunk_size + 1024 > h->conf.max_frame)
		return eiso_seterr(EISO_CONF, "%s: ingest.chunk_size must be well below "
		    "ingest.max_frame", conf_path);
	if ((rc = fsutil_path(dir, sizeof(dir), h->conf.data, "store")) != 0 ||
	    (rc = store_open(dir, hub_dbnames, HDB_COUNT, readonly, &h->st)) != 0)
		return rc;
	h->bt.chunks = store_dbi(h->st, HDB_CHUNKS);
	h->bt.meta = store_dbi(h->st, HDB_BLOBMETA);
	return 0;
}

void
hub_close(struct hub *h)
{
	store_close(&h->st);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hubd COMMAND [options]\n"
	    "\n"
	    "eiso provincial hub: verifies and stores the signed change sets of every enrolled\n"
	    "agency.\n"
	    "\n"
	    "commands:\n"
	    "  init     create the hub's data directory, keys and config\n"
	    "  enroll   enroll agencies (one, or a roster file)\n"
	    "  run      run the daemon\n"
	    "  status   per-agency applied seq, head hash, last seen, lag\n"
	    "  doc      show the hub's copy of an agency's document\n"
	    "  blob     write a stored file's bytes to stdout\n"
	    "\n"
	    "Run 'hubd COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	log_init("hubd", 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hubd (eiso) protocol %d\n", 1);
		return 0;
	}
	if (keys_init() != 0)
		fatalx("libsodium failed to initialise");
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "enroll") == 0)
		return cmd_enroll(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "blob") == 0)
		return cmd_blob(argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return cmd_doc(argc - 1, argv + 1);
	fprintf(stderr, "hubd: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
