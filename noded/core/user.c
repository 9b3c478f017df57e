/*
 * user.c: the workspace's local accounts, kept in the node's users table (name -> a small
 * JSON object: position, roles, argon2id hash, disabled, created). Accounts are the node's
 * own: they never enter a change set. Roles follow how Vietnamese agencies run TCVN ISO
 * 9001:2015 (soạn thảo, kiểm tra, phê duyệt, thư ký ISO, văn thư / lưu trữ, một cửa,
 * quản trị); what each role may do is the workspace's to check (web/workspace.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "err.h"
#include "core/core.h"

const char *const user_role_names[USER_NROLES] = {
	"drafter", "checker", "approver", "iso_secretary", "records_clerk", "one_stop", "it_admin",
};

int
user_roles_parse(const char *s, uint32_t *roles)
{
	char word[32];
	size_t len;
	int i;

	*roles = 0;
	while (s != NULL && *s != '\0') {
		len = strcspn(s, ", ");
		if (len > 0) {
			for (i = 0; i < USER_NROLES; i++)
				if (strlen(user_role_names[i]) == len &&
				    memcmp(user_role_names[i], s, len) == 0)
					break;
			if (i == USER_NROLES) {
				snprintf(word, sizeof(word), "%.*s", (int)(len < 31 ? len : 31), s);
				return eiso_seterr(EISO_INVAL, "roles: '%s' is not a role (drafter, "
				    "checker, approver, iso_secretary, records_clerk, one_stop, "
				    "it_admin)", word);
			}
			*roles |= 1u << i;
		}
		s += len;
		s += strspn(s, ", ");
	}
	if (*roles == 0)
		return eiso_seterr(EISO_INVAL, "roles: at least one role is required");
	return 0;
}

void
user_roles_format(uint32_t roles, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < USER_NROLES; i++)
		if (roles & (1u << i))
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
			    used ? "," : "", user_role_names[i]);
}

/* Separation of duties: whoever runs the system does not approve documents. */
static int
user_roles_ok(uint32_t roles)
{
	if (roles == 0 || roles >= 1u << USER_NROLES)
		return eiso_seterr(EISO_INVAL, "roles: at least one role is required");
	if ((roles & ROLE_IT_ADMIN) && (roles & ROLE_APPROVER))
		return eiso_seterr(EISO_INVAL, "roles: it_admin cannot also be approver");
	return 0;
}

int
user_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > USER_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-")
	    != n)
		return eiso_seterr(EISO_INVAL, "name: '%s' is not a user name (1-%d of a-z 0-9 . _ -)",
		    name ? name : "", USER_NAME_MAX);
	return 0;
}

int
user_password_ok(const char *password)
{
	size_t n = strlen(password);

	if (n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX)
		return eiso_seterr(EISO_INVAL, "password: %d to %d characters", USER_PASSWORD_MIN,
		    USER_PASSWORD_MAX);
	return 0;
}

int
user_hash(const char *password, char hash[USER_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= USER_HASH_MAX, "hash room");
	if (user_password_ok(password) != 0)
		return EISO_INVAL;
	/* argon2id with libsodium's interactive limits: about 0.1 s and 64 MiB per login. */
	if (crypto_pwhash_str_alg(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return eiso_seterr(EISO_NOMEM, "password: hashing ran out of memory");
	return 0;
}

int
user_check(const struct user *u, const char *password)
{
	if (u->disabled || u->hash[0] == '\0')
		return 0;
	return crypto_pwhash_str_verify(u->hash, password, strlen(password)) == 0;
}

int
user_passwd_hash(const struct user *u, const char *old, const char *password,
    char hash[USER_HASH_MAX])
{
	if (old != NULL && !user_check(u, old))
		return eiso_seterr(EISO_INVAL, "old_password: not the current password of %s",
		    u->name);
	if (old != NULL && strcmp(old, password) == 0)
		return eiso_seterr(EISO_INVAL, "password: the new password is the old one");
	return user_hash(password, hash);
}

int
user_passwd(struct node *n, const char *name, const char *old, const char *password)
{
	struct user u;
	MDB_txn *txn;
	char hash[USER_HASH_MAX];
	int rc;

	if ((rc = user_password_ok(password)) != 0)
		return rc;
	if ((rc = store_read_begin(n->st, &txn)) != 0)
		return rc;
	rc = user_get(txn, n, name, &u);
	store_read_end(&txn);
	if (rc == 0 && (rc = user_passwd_hash(&u, old, password, hash)) == 0)
		rc = user_set_hash(n, name, hash);
	sodium_memzero(&u, sizeof(u));
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int
user_decode(const char *name, const MDB_val *v, struct user *u)
{
	json_t *j, *roles;
	const char *pos, *hash;
	json_int_t created;
	int disabled;

	memset(u, 0, sizeof(*u));
	if ((j = json_loadb(v->mv_data, v->mv_size, 0, NULL)) == NULL)
		return eiso_seterr(EISO_STORE, "user %s: corrupt record", name);
	if (json_unpack(j, "{s:s,s:o,s:s,s:b,s:I}", "position", &pos, "roles", &roles, "hash",
	    &hash, "disabled", &disabled, "created", &created) != 0 ||
	    !json_is_integer(roles) || strlen(hash) >= sizeof(u->hash)) {
		json_decref(j);
		return eiso_seterr(EISO_STORE, "user %s: corrupt record", name);
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->position, sizeof(u->position), "%s", pos);
	snprintf(u->hash, sizeof(u->hash), "%s", hash);
	u->roles = (uint32_t)json_integer_value(roles);
	u->disabled = disabled;
	u->created = created;
	json_decref(j);
	return 0;
}

static int
user_put(MDB_txn *txn, struct node *n, const struct user *u, unsigned flags)
{
	MDB_val k = { strlen(u->name), (void *)u->name }, v;
	json_t *j;
	char *s;
	int rc;

	j = json_pack("{s:s,s:I,s:s,s:b,s:I}", "position", u->position, "roles",
	    (json_int_t)u->roles, "hash", u->hash, "disabled", u->disabled, "created",
	    (json_int_t)u->created);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return EISO_NOMEM;
	}
	json_decref(j);
	v.mv_size = strlen(s);
	v.mv_data = s;
	rc = mdb_put(txn, store_dbi(n->st, NDB_USERS), &k, &v, flags);
	free(s);
	if (rc == MDB_KEYEXIST)
		return eiso_seterr(EISO_EXISTS, "name: user %s already exists", u->name);
	return rc == MDB_MAP_FULL ? rc : store_rc(rc);
}

int
user_get(MDB_txn *txn, struct node *n, const char *name, struct user *u)
{
	MDB_val k, v;
	int rc;

	if ((rc = user_name_ok(name)) != 0)
		return rc;
	k.mv_size = strlen(name);
	k.mv_data = (void *)name;
	if ((rc = store_rc(mdb_get(txn, store_dbi(n->st, NDB_USERS), &k, &v))) != 0)
		return rc == EISO_NOTFOUND ? eiso_seterr(EISO_NOTFOUND, "name: no user %s", name) :
		    rc;
	return user_decode(name, &v, u);
}

/* What a write changes: a whole new user, or one field of an existing one. */
enum user_change { USER_ADD, USER_HASH, USER_ROLES, USER_DISABLED };
struct user_txn {
	enum user_change what;
	struct node *n;
	struct user u;              /* add: the user; else: name and the new field */
};

static int
user_txn(MDB_txn *txn, void *arg)
{
	struct user_txn *t = arg;
	struct user cur;
	int rc;

	if (t->what == USER_ADD)
		return user_put(txn, t->n, &t->u, MDB_NOOVERWRITE);
	if ((rc = user_get(txn, t->n, t->u.name, &cur)) != 0)
		return rc;
	switch (t->what) {
	case USER_HASH: memcpy(cur.hash, t->u.hash, sizeof(cur.hash)); break;
	case USER_ROLES: cur.roles = t->u.roles; break;
	case USER_DISABLED: cur.disabled = t->u.disabled; break;
	case USER_ADD: break;
	}
	rc = user_put(txn, t->n, &cur, 0);
	sodium_memzero(&cur, sizeof(cur));
	return rc;
}

static int
user_write(struct node *n, struct user_txn *t)
{
	int rc;

	t->n = n;
	if ((rc = user_name_ok(t->u.name)) == 0)
		rc = store_write(n->st, user_txn, t);
	sodium_memzero(&t->u, sizeof(t->u));
	return rc;
}

int
user_add(struct node *n, const char *name, const char *position, uint32_t roles,
    const char *hash)
{
	struct user_txn t = { .what = USER_ADD };

	if (user_roles_ok(roles) != 0)
		return EISO_INVAL;
	if (position != NULL && strlen(position) >= sizeof(t.u.position))
		return eiso_seterr(EISO_INVAL, "position: longer than %zu bytes",
		    sizeof(t.u.position) - 1);
	snprintf(t.u.name, sizeof(t.u.name), "%.*s", USER_NAME_MAX, name);
	if (strcmp(t.u.name, name) != 0)
		return user_name_ok(name);
	snprintf(t.u.position, sizeof(t.u.position), "%s", position ? position : "");
	snprintf(t.u.hash, sizeof(t.u.hash), "%s", hash);
	t.u.roles = roles;
	t.u.created = store_now_ms();
	return user_write(n, &t);
}

static int
user_field(struct node *n, const char *name, struct user_txn *t)
{
	if (user_name_ok(name) != 0)
		return EISO_INVAL;
	snprintf(t->u.name, sizeof(t->u.name), "%s", name);
	return user_write(n, t);
}

int
user_set_hash(struct node *n, const char *name, const char *hash)
{
	struct user_txn t = { .what = USER_HASH };

	snprintf(t.u.hash, sizeof(t.u.hash), "%s", hash);
	return user_field(n, name, &t);
}

int
user_set_roles(struct node *n, const char *name, uint32_t roles)
{
	struct user_txn t = { .what = USER_ROLES };

	if (user_roles_ok(roles) != 0)
		return EISO_INVAL;
	t.u.roles = roles;
	return user_field(n, name, &t);
}

int
user_set_disabled(struct node *n, const char *name, int disabled)
{
	struct user_txn t = { .what = USER_DISABLED };

	t.u.disabled = disabled != 0;
	return user_field(n, name, &t);
}

int
user_list(MDB_txn *txn, struct node *n, user_list_fn fn, void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct user u;
	char name[USER_NAME_MAX + 1];
	int rc;

	if ((rc = store_rc(mdb_cursor_open(txn, store_dbi(n->st, NDB_USERS), &cur))) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		snprintf(name, sizeof(name), "%.*s", (int)(k.mv_size < USER_NAME_MAX ? k.mv_size :
		    USER_NAME_MAX), (const char *)k.mv_data);
		if ((rc = user_decode(name, &v, &u)) != 0 || (rc = fn(&u, arg)) != 0)
			break;
	}
	sodium_memzero(&u, sizeof(u));
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
