/*
 * cli_user.c: `noded user ...`: the workspace's local accounts (core/user.c). A password is
 * read from the terminal without echo, twice, or as one line from standard input with
 * --password-stdin (scripts); it is never an argument, which ps would show.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "err.h"
#include "verb.h"

struct user_args {
	const char *conf, *name, *position, *roles;
	int stdin_pw, json;
};

#define UA(m) offsetof(struct user_args, m)
static const struct cli_opt user_opts[] = {
	{ "-c", CLI_STR, UA(conf), NULL, 0, NULL },
	{ "position", CLI_STR, UA(position), NULL, 0, NULL },
	{ "roles", CLI_STR, UA(roles), NULL, 0, NULL },
	{ "password-stdin", CLI_FLAG, UA(stdin_pw), NULL, 0, NULL },
	{ "json", CLI_FLAG, UA(json), NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL }
};

static int
user_parse(const char *verb, int argc, char **argv, struct user_args *a, int want_name)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->conf = NODED_DEFAULT_CONF;
	if ((rc = cli_parse(verb, argc, argv, user_opts, a, want_name ? -1 : 0)) != 0)
		return rc;
	if (want_name && optind + 1 != argc) {
		fprintf(stderr, "noded %s: one user NAME is required\n", verb);
		return 2;
	}
	a->name = want_name ? argv[optind] : NULL;
	return 0;
}

/* One line from f into buf, without its newline; echo off when f is a terminal. */
static int
user_read_line(const char *prompt, FILE *f, char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(fileno(f)), ok;
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(fileno(f), &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(f), TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)len, f) != NULL;
	if (tty) {
		tcsetattr(fileno(f), TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return -1;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

/* The new password (pw of USER_PASSWORD_MAX + 2): from the terminal twice, or once from
 * stdin. 0 or 1 (said on stderr). */
static int
user_read_new(const char *verb, const struct user_args *a, char *pw)
{
	char *again = sodium_malloc(USER_PASSWORD_MAX + 2);
	int rc = 1;

	if (again == NULL)
		goto done;
	if (!a->stdin_pw && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "noded %s: no terminal to ask for the password: use "
		    "--password-stdin\n", verb);
		goto done;
	}
	if (user_read_line("password: ", stdin, pw, USER_PASSWORD_MAX + 2) != 0) {
		fprintf(stderr, "noded %s: no password given\n", verb);
		goto done;
	}
	if (!a->stdin_pw && (user_read_line("again: ", stdin, again, USER_PASSWORD_MAX + 2)
	    != 0 || strcmp(pw, again) != 0)) {
		fprintf(stderr, "noded %s: the passwords differ\n", verb);
		goto done;
	}
	rc = 0;
done:
	sodium_free(again);
	return rc;
}

/* The new password, read and hashed. */
static int
user_new_hash(const char *verb, const struct user_args *a, char hash[USER_HASH_MAX])
{
	char *pw = sodium_malloc(USER_PASSWORD_MAX + 2);
	int rc = 1;

	if (pw != NULL && (rc = user_read_new(verb, a, pw)) == 0) {
		eiso_clearerr();
		if ((rc = user_hash(pw, hash)) != 0)
			rc = cli_fail(verb, rc);
	}
	sodium_free(pw);
	return rc;
}

static int
user_add_verb(int argc, char **argv)
{
	struct user_args a;
	struct node n;
	char hash[USER_HASH_MAX];
	uint32_t roles;
	int rc;

	if ((rc = user_parse("user add", argc, argv, &a, 1)) != 0)
		return rc;
	eiso_clearerr();
	if ((rc = user_name_ok(a.name)) != 0 || (rc = user_roles_parse(a.roles, &roles)) != 0)
		return cli_fail("user add", rc);
	if (cli_open("user add", a.conf, 0, &n) != 0)
		return 1;
	if ((rc = user_new_hash("user add", &a, hash)) == 0) {
		eiso_clearerr();
		if ((rc = user_add(&n, a.name, a.position, roles, hash)) != 0)
			rc = cli_fail("user add", rc);
		else
			printf("user %s added\n", a.name);
	}
	sodium_memzero(hash, sizeof(hash));
	node_close(&n);
	return rc;
}

/* The administrator's reset: the same core function as the workspace's own-password page,
 * without the old password. */
static int
user_passwd_verb(int argc, char **argv)
{
	struct user_args a;
	struct node n;
	char *pw;
	int rc;

	if ((rc = user_parse("user passwd", argc, argv, &a, 1)) != 0)
		return rc;
	if ((pw = sodium_malloc(USER_PASSWORD_MAX + 2)) == NULL)
		return 1;
	if (cli_open("user passwd", a.conf, 0, &n) != 0) {
		sodium_free(pw);
		return 1;
	}
	if ((rc = user_read_new("user passwd", &a, pw)) == 0) {
		eiso_clearerr();
		if ((rc = user_passwd(&n, a.name, NULL, pw)) != 0)
			rc = cli_fail("user passwd", rc);
		else
			printf("password of %s changed\n", a.name);
	}
	sodium_free(pw);
	node_close(&n);
	return rc;
}

static int
user_role_verb(int argc, char **argv)
{
	struct user_args a;
	struct node n;
	uint32_t roles;
	int rc;

	if ((rc = user_parse("user role", argc, argv, &a, 1)) != 0)
		return rc;
	eiso_clearerr();
	if ((rc = user_roles_parse(a.roles, &roles)) != 0)
		return cli_fail("user role", rc);
	if (cli_open("user role", a.conf, 0, &n) != 0)
		return 1;
	if ((rc = user_set_roles(&n, a.name, roles)) != 0)
		rc = cli_fail("user role", rc);
	else
		printf("roles of %s: %s\n", a.name, a.roles);
	node_close(&n);
	return rc;
}

static int
user_disable_common(const char *verb, int disabled, int argc, char **argv)
{
	struct user_args a;
	struct node n;
	int rc;

	if ((rc = user_parse(verb, argc, argv, &a, 1)) != 0)
		return rc;
	if (cli_open(verb, a.conf, 0, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = user_set_disabled(&n, a.name, disabled)) != 0)
		rc = cli_fail(verb, rc);
	else
		printf("user %s %s\n", a.name, disabled ? "disabled" : "enabled");
	node_close(&n);
	return rc;
}

static int
user_disable_verb(int argc, char **argv)
{
	return user_disable_common("user disable", 1, argc, argv);
}

static int
user_enable_verb(int argc, char **argv)
{
	return user_disable_common("user enable", 0, argc, argv);
}

static int
user_print(const struct user *u, void *arg)
{
	char roles[160];

	user_roles_format(u->roles, roles, sizeof(roles));
	if (*(int *)arg)
		printf("{\"name\":\"%s\",\"roles\":\"%s\",\"disabled\":%s}\n", u->name, roles,
		    u->disabled ? "true" : "false");
	else
		printf("%-20s %-40s %s%s\n", u->name, roles, u->position,
		    u->disabled ? " (disabled)" : "");
	return 0;
}

static int
user_list_verb(int argc, char **argv)
{
	struct user_args a;
	struct node n;
	MDB_txn *txn;
	int rc;

	if ((rc = user_parse("user list", argc, argv, &a, 0)) != 0)
		return rc;
	if (cli_open("user list", a.conf, 1, &n) != 0)
		return 1;
	eiso_clearerr();
	if ((rc = store_read_begin(n.st, &txn)) == 0) {
		rc = user_list(txn, &n, user_print, &a.json);
		store_read_end(&txn);
	}
	node_close(&n);
	return rc != 0 ? cli_fail("user list", rc) : 0;
}

#define USER_FOOT "  -c CONF   config file (default " NODED_DEFAULT_CONF ")\n"
#define USER_ROLES \
    "roles (comma-separated): drafter (soạn thảo), checker (kiểm tra), approver (phê duyệt),\n" \
    "  iso_secretary (thư ký ISO), records_clerk (văn thư/lưu trữ), one_stop (một cửa),\n" \
    "  it_admin (quản trị; cannot approve)\n"

static const struct verb user_verb_list[] = {
	{ "add", user_add_verb, "a new workspace account",
	    "NAME --roles R[,R...] [--position P] [--password-stdin] [-c CONF]\n"
	    "\nAsks for the password twice (no echo), or reads one line from standard input\n"
	    "with --password-stdin. It is kept as an argon2id hash.\n" USER_FOOT USER_ROLES, NULL },
	{ "passwd", user_passwd_verb, "set a user's password",
	    "NAME [--password-stdin] [-c CONF]\n" "\n" USER_FOOT, NULL },
	{ "role", user_role_verb, "set a user's roles (all of them)",
	    "NAME --roles R[,R...] [-c CONF]\n" "\n" USER_FOOT USER_ROLES, NULL },
	{ "disable", user_disable_verb, "a user who may no longer log in",
	    "NAME [-c CONF]\n" "\n" USER_FOOT, NULL },
	{ "enable", user_enable_verb, "a disabled user may log in again",
	    "NAME [-c CONF]\n" "\n" USER_FOOT, NULL },
	{ "list", user_list_verb, "every user with roles and position",
	    "[-c CONF] [--json]\n" "\n" USER_FOOT, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct verb_table user_verbs = {
	"noded user",
	"The workspace's local accounts. Sessions last until logout or expiry; a disabled\n"
	"user cannot log in.\n",
	user_verb_list,
};
