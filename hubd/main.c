/*
 * main.c: hubd entry point: the table of verbs with each one's summary and usage;
 * common/verb.c dispatches it and prints the help.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "keys.h"
#include "log.h"
#include "verb.h"
#include "run.h"

static const struct verb hubd_verbs[] = {
	{ "init", cmd_init, "create the hub's data directory, keys and config",
	    "--data DIR [--listen tcp://HOST:PORT] [--web HOST:PORT]\n"
	    "                 [--public-base URL]\n"
	    "\n"
	    "Creates DIR (mode 0700, and its missing parents) with keys/ (CURVE and Ed25519\n"
	    "pairs; secret files mode 0600), store/ (LMDB) and hubd.conf (mode 0600), and prints\n"
	    "the hub's CURVE public key, which every node pins (noded init --hub-key).\n"
	    "  --listen URL       where nodes connect ([hub] listen)\n"
	    "  --web HOST:PORT    the dashboard, API and portal ([web] listen; \"\" turns it off)\n"
	    "  --public-base URL  the address citizens reach the portal at, which QR codes name\n"
	    "                     ([web] public_base; default http://HOST:PORT of --web)\n", NULL },
	{ "enroll", cmd_enroll, "enroll agencies (one, or a roster file)",
	    "[-c CONF] ID SIGN_PUB CURVE_PUB [--level L] [--parent ID]\n"
	    "                   [--name-vi NAME] [--name-en NAME]\n"
	    "       hubd enroll [-c CONF] --roster FILE\n"
	    "\n"
	    "Binds agency ids to their public keys (the line printed by noded init). A roster is\n"
	    "tab-separated with a header line naming the columns: id, sign_pub, curve_pub, and\n"
	    "optionally level, parent, name_vi, name_en. All rows are enrolled or none.\n"
	    "Re-enrolling the same keys updates names; different keys are refused.\n", NULL },
	{ "agency", NULL, "list, show, rename, move or retire enrolled agencies", NULL,
	    &agency_verbs },
	{ "run", cmd_run, "run the daemon",
	    "[-c CONF] [-d] [-n] [--allow-root]\n"
	    "\n"
	    "Runs the hub daemon in the foreground: accepts enrolled nodes, verifies and applies\n"
	    "their change sets. Logs go to stderr. SIGTERM or SIGINT stop it after the current\n"
	    "batch is committed; SIGHUP reloads the log level, window and batch sizes.\n"
	    "  -c CONF        config file (default " HUBD_DEFAULT_CONF ")\n"
	    "  -d             debug logging\n"
	    "  -n             check the config, key files and store, print \"configuration OK\"\n"
	    "  --allow-root   run even as root (test machines only)\n", NULL },
	{ "status", cmd_status, "per-agency applied seq, head hash, last seen, lag",
	    "[-c CONF] [--json]\n"
	    "\n"
	    "Per enrolled agency: applied seq and head hash, last message time, the node's head\n"
	    "as it last reported it, and the lag (change sets the node has that the hub has not\n"
	    "applied yet).\n", NULL },
	{ "doc", cmd_doc, "an agency's document with its whole issue history",
	    "[-c CONF] [--json] AGENCY CODE\n"
	    "\n"
	    "Shows an agency's document as the hub holds it: every issue (oldest first; newest\n"
	    "first with --json) with its status, approvals and files (SHA-256). With --json: the\n"
	    "newest issue's fields plus\n"
	    "\"agency\", \"current\" (issue in force, 0 if none) and \"issues\" (all of them).\n", NULL },
	{ "file", cmd_file, "an agency's record file (ho so)",
	    "[-c CONF] [--json] AGENCY FILE_CODE\n"
	    "\nShows an agency's record file (ho so) as the hub holds it.\n", NULL },
	{ "case", cmd_case, "an agency's case (no personal data: the hub has none)",
	    "[-c CONF] [--json] AGENCY CASE_CODE\n"
	    "\nShows an agency's case as the hub holds it (it holds no personal data).\n", NULL },
	{ "figures", cmd_figures, "per-agency figures: documents, reviews overdue, cases, coverage",
	    "[-c CONF] [--json] [AGENCY]\n"
	    "\n"
	    "The figures the oversight dashboard shows, per agency (all when none is named):\n"
	    "documents by kind and status, documents in force, reviews overdue, cases open /\n"
	    "overdue / on time / late, record files, and electronic-record coverage (completed\n"
	    "cases whose documents sit in a record file).\n", NULL },
	{ "search", cmd_search, "the public documents in force, diacritics and case ignored",
	    "[-c CONF] [--agency ID] [--kind K] [--offset N] [--limit N]\n"
	    "                   [--json] WORDS...\n"
	    "\n"
	    "Searches the documents that are public and in force, as the public portal does:\n"
	    "case and Vietnamese diacritics do not matter ('ho so' finds 'hồ sơ'), every word\n"
	    "must match, the last may be the start of a word. Best matches first.\n", NULL },
	{ "alerts", cmd_alerts, "what staff should look at: list, acknowledge",
	    "[-c CONF] [--all] [--json]\n"
	    "       hubd alerts [-c CONF] ack ID --by NAME\n"
	    "\n"
	    "Lists the alerts that are open and not acknowledged (--all: every alert, newest\n"
	    "first), or acknowledges one. Kinds: offline, review_overdue, storage, reject:CODE.\n", NULL },
	{ "passwd", cmd_passwd, "hash the dashboard password (web.password_hash)",
	    "[-c CONF] [--user NAME]\n"
	    "\n"
	    "Reads a password from standard input (one line) and prints its hash (argon2id) for\n"
	    "web.password_hash. With -c, writes it (and --user as web.user) into that config\n"
	    "file instead; restart hubd to use it. The dashboard login stays refused until a\n"
	    "password is set.\n", NULL },
	{ "portal", cmd_portal, "print a page of the public portal (as the web side serves it)",
	    "[-c CONF] [--lang vi|en] [--post FILE] [--head] PATH[?QUERY]\n"
	    "\n"
	    "Writes a page of the public portal to standard output, exactly as the web side\n"
	    "serves it (the status goes to standard error; exit 1 when it is not 200). PATH is\n"
	    "one of /portal, /portal/a/AGENCY, /portal/d/AGENCY/CODE[/ISSUE], /portal/search,\n"
	    "/portal/case, /portal/sheet/AGENCY/CODE/ISSUE, /q/..., /qr/AGENCY/CODE/ISSUE.png,\n"
	    "/qr/AGENCY/CODE/ISSUE.svg, /files/SHA256, /verify. --post sends FILE as the body\n"
	    "of a POST (the verify upload).\n"
	    "--head prints the status and headers before the body.\n", NULL },
	{ "blob", cmd_blob, "write a stored file's bytes to stdout",
	    "[-c CONF] SHA256\n"
	    "\n"
	    "Writes the bytes of a file the hub holds whole to standard output.\n", NULL },
	{ "backup", cmd_backup, "hot, consistent copy of the store (while the daemon runs)",
	    "[-c CONF] [--with-keys] DIR\n"
	    "\n"
	    "Writes a consistent, compacted copy of the hub's store to DIR/store while the daemon\n"
	    "runs (or not), checks it, and writes DIR/BACKUP.txt: every agency's applied seq and\n"
	    "head hash in the copy, and how to restore. DIR must not hold a backup already.\n"
	    "  -c CONF       config file (default " HUBD_DEFAULT_CONF ")\n"
	    "  --with-keys   also copy keys/ (the hub's SECRET keys) into DIR/keys\n"
	    "Restore: stop hubd, move DATA/store aside, copy DIR/store in its place (owned by the\n"
	    "daemon's user, mode 0700), start hubd; nodes resend what the copy lacks. See hubd(8).\n",
	    NULL },
	{ "config-sample", cmd_config_sample, "print every config directive with its default",
	    "\n\n"
	    "Prints every configuration directive with its one-line explanation and default.\n"
	    "Directives marked (required) have no default: hubd init fills them in.\n", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct verb_table hubd_table = {
	"hubd",
	"eiso provincial hub: verifies and stores the signed change sets of every enrolled\n"
	"agency.\n",
	hubd_verbs,
};

int
main(int argc, char **argv)
{
	log_init("hubd", 0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		verb_version(stdout, "hubd");
		return 0;
	}
	if (keys_init() != 0)
		fatalx("libsodium failed to initialise");
	return verb_run(&hubd_table, argc, argv, stdout, stderr);
}
