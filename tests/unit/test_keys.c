/*
 * test_keys.c: unit tests for common/keys.c with real libsodium: key generation, hex key
 * files (secret ones 0600, never overwritten, refused when readable by others), bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"
#include "keys.h"
#include "unit.h"

struct fixture {
	char *dir;
	char *pub;     /* dir/sign.pub */
	char *sec;     /* dir/sign.key */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || keys_init() != 0 || (f->dir = unit_mkdtemp("keys")) == NULL ||
	    (f->pub = unit_path(f->dir, "sign.pub")) == NULL ||
	    (f->sec = unit_path(f->dir, "sign.key")) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->pub);
	free(f->sec);
	if (unit_rmtree(&f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

/* The file holds exactly the lower-case hex of key and a newline. */
static void
expect_file_hex(const char *path, const uint8_t *key, size_t len)
{
	char want[2 * 128 + 2];
	unsigned char *got;
	size_t n;

	keys_hex(want, key, len);
	strcat(want, "\n");
	assert_non_null(got = unit_read_file(path, &n));
	assert_int_equal(n, 2 * len + 1);
	assert_string_equal((char *)got, want);
	free(got);
}

static void
test_sign_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t pub[KEYS_SIGN_PUB], pub2[KEYS_SIGN_PUB], derived[KEYS_SIGN_PUB];
	uint8_t *sec = NULL, *sec2 = NULL, sig[KEYS_SIG];
	struct stat sb;

	assert_int_equal(keys_sign_generate(pub, &sec), 0);
	assert_non_null(sec);
	/* A real pair: the secret's public half matches and it signs verifiably. */
	crypto_sign_ed25519_sk_to_pk(derived, sec);
	assert_memory_equal(derived, pub, KEYS_SIGN_PUB);
	crypto_sign_ed25519_detached(sig, NULL, (const uint8_t *)"x", 1, sec);
	assert_int_equal(crypto_sign_ed25519_verify_detached(sig, (const uint8_t *)"x", 1, pub),
	    0);

	assert_int_equal(keys_write(f->pub, pub, KEYS_SIGN_PUB, 0), 0);
	assert_int_equal(keys_write(f->sec, sec, KEYS_SIGN_SEC, 1), 0);
	assert_int_equal(stat(f->sec, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	expect_file_hex(f->pub, pub, KEYS_SIGN_PUB);
	expect_file_hex(f->sec, sec, KEYS_SIGN_SEC);

	assert_int_equal(keys_read_public(f->pub, pub2, KEYS_SIGN_PUB), 0);
	assert_memory_equal(pub2, pub, KEYS_SIGN_PUB);
	assert_int_equal(keys_read_secret(f->sec, KEYS_SIGN_SEC, &sec2), 0);
	assert_non_null(sec2);
	assert_memory_equal(sec2, sec, KEYS_SIGN_SEC);

	keys_free(&sec);
	keys_free(&sec2);
	assert_null(sec);
	assert_null(sec2);
	keys_free(&sec);     /* freeing a cleared pointer is harmless */

	/* Two generations never give the same key. */
	assert_int_equal(keys_sign_generate(pub2, &sec), 0);
	assert_memory_not_equal(pub, pub2, KEYS_SIGN_PUB);
	keys_free(&sec);
}

static void
test_curve_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t pub[KEYS_CURVE], derived[KEYS_CURVE], pub2[KEYS_CURVE];
	uint8_t *sec = NULL, *sec2 = NULL;
	char *cpub = unit_path(f->dir, "curve.pub"), *csec = unit_path(f->dir, "curve.key");

	assert_int_equal(keys_curve_generate(pub, &sec), 0);
	/* ZeroMQ CURVE keys are X25519: public = scalarmult_base(secret). */
	assert_int_equal(crypto_scalarmult_base(derived, sec), 0);
	assert_memory_equal(derived, pub, KEYS_CURVE);

	assert_int_equal(keys_write(cpub, pub, KEYS_CURVE, 0), 0);
	assert_int_equal(keys_write(csec, sec, KEYS_CURVE, 1), 0);
	assert_int_equal(keys_read_public(cpub, pub2, KEYS_CURVE), 0);
	assert_memory_equal(pub2, pub, KEYS_CURVE);
	assert_int_equal(keys_read_secret(csec, KEYS_CURVE, &sec2), 0);
	assert_memory_equal(sec2, sec, KEYS_CURVE);
	/* A key of another length is not this file's key. */
	assert_int_equal(keys_read_public(cpub, pub2, KEYS_CURVE - 1), EISO_PARSE);
	keys_free(&sec);
	keys_free(&sec2);
	free(cpub);
	free(csec);
}

static void
test_secret_mode_refused(void **state)
{
	static const mode_t wide[] = { 0644, 0640, 0604, 0660, 0700 | 0004, 0620 };
	struct fixture *f = *state;
	uint8_t pub[KEYS_SIGN_PUB], *sec = NULL, *got = (uint8_t *)1;

	assert_int_equal(keys_sign_generate(pub, &sec), 0);
	assert_int_equal(keys_write(f->sec, sec, KEYS_SIGN_SEC, 1), 0);
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
		assert_int_equal(chmod(f->sec, wide[i]), 0);
		eiso_clearerr();
		got = (uint8_t *)1;
		assert_int_equal(keys_read_secret(f->sec, KEYS_SIGN_SEC, &got), EISO_PERM);
		assert_null(got);
		assert_non_null(strstr(eiso_lasterr(EISO_PERM), f->sec));
	}
	/* Stricter than 0600 is fine. */
	assert_int_equal(chmod(f->sec, 0400), 0);
	assert_int_equal(keys_read_secret(f->sec, KEYS_SIGN_SEC, &got), 0);
	assert_memory_equal(got, sec, KEYS_SIGN_SEC);
	keys_free(&got);
	keys_free(&sec);
}

static void
test_secret_not_overwritten(void **state)
{
	struct fixture *f = *state;
	uint8_t pub[KEYS_SIGN_PUB], pub2[KEYS_SIGN_PUB], *sec = NULL, *sec2 = NULL, *got = NULL;

	assert_int_equal(keys_sign_generate(pub, &sec), 0);
	assert_int_equal(keys_sign_generate(pub2, &sec2), 0);
	assert_int_equal(keys_write(f->sec, sec, KEYS_SIGN_SEC, 1), 0);
	eiso_clearerr();
	assert_int_equal(keys_write(f->sec, sec2, KEYS_SIGN_SEC, 1), EISO_EXISTS);
	assert_non_null(strstr(eiso_lasterr(EISO_EXISTS), "not overwriting"));
	assert_int_equal(keys_read_secret(f->sec, KEYS_SIGN_SEC, &got), 0);
	assert_memory_equal(got, sec, KEYS_SIGN_SEC);
	keys_free(&got);

	/* Public files are replaced. */
	assert_int_equal(keys_write(f->pub, pub, KEYS_SIGN_PUB, 0), 0);
	assert_int_equal(keys_write(f->pub, pub2, KEYS_SIGN_PUB, 0), 0);
	expect_file_hex(f->pub, pub2, KEYS_SIGN_PUB);
	keys_free(&sec);
	keys_free(&sec2);
}

static void
test_bad_key_files(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",    /* 63 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0\n",  /* 65 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00\n", /* 33 B */
		"0123456789abcdef 0123456789abcdef0123456789abcdef0123456789abcde\n",
		"0x23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
	};
	static const char good[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n";
	struct fixture *f = *state;
	uint8_t key[KEYS_CURVE], *sec = (uint8_t *)1;
	char *path = unit_path(f->dir, "bad.key");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(unit_write_file(path, bad[i], strlen(bad[i])), 0);
		assert_int_equal(chmod(path, 0600), 0);
		if (keys_read_public(path, key, KEYS_CURVE) != EISO_PARSE)
			fail_msg("public key file '%s' was not refused as EISO_PARSE", bad[i]);
		sec = (uint8_t *)1;
		if (keys_read_secret(path, KEYS_CURVE, &sec) != EISO_PARSE)
			fail_msg("secret key file '%s' was not refused as EISO_PARSE", bad[i]);
		assert_null(sec);
	}
	/* Trailing CR LF (a file edited elsewhere) is tolerated. */
	assert_int_equal(unit_write_file(path, good, strlen(good)), 0);
	assert_int_equal(keys_read_public(path, key, KEYS_CURVE), 0);
	assert_int_equal(key[0], 0x01);
	assert_int_equal(key[31], 0xef);

	unlink(path);
	assert_int_equal(keys_read_public(path, key, KEYS_CURVE), EISO_IO);
	assert_int_equal(keys_read_secret(path, KEYS_CURVE, &sec), EISO_IO);
	assert_null(sec);
	free(path);
}

/* The four files of a party, as `noded init` and `hubd init` make them. */
static void
test_create_pairs(void **state)
{
	static const char *const files[] = { "sign.key", "sign.pub", "curve.key", "curve.pub" };
	struct fixture *f = *state;
	uint8_t spub[KEYS_SIGN_PUB], cpub[KEYS_CURVE], spub2[KEYS_SIGN_PUB], cpub2[KEYS_CURVE];
	uint8_t key[KEYS_CURVE], derived[KEYS_SIGN_PUB], *sec = NULL;
	unsigned char *before, *after;
	size_t nb, na;
	struct stat sb;
	char *p;

	assert_int_equal(keys_create_pairs(f->dir, spub, cpub), 0);
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(p = unit_path(f->dir, files[i]));
		assert_int_equal(stat(p, &sb), 0);
		if (strstr(files[i], ".key") != NULL)
			assert_int_equal(sb.st_mode & 0777, 0600);
		free(p);
	}
	assert_int_equal(keys_read_public(f->pub, key, KEYS_SIGN_PUB), 0);
	assert_memory_equal(key, spub, KEYS_SIGN_PUB);
	assert_int_equal(keys_read_secret(f->sec, KEYS_SIGN_SEC, &sec), 0);
	crypto_sign_ed25519_sk_to_pk(derived, sec);
	assert_memory_equal(derived, spub, KEYS_SIGN_PUB);
	keys_free(&sec);

	assert_non_null(p = unit_path(f->dir, "curve.pub"));
	assert_int_equal(keys_read_public(p, key, KEYS_CURVE), 0);
	assert_memory_equal(key, cpub, KEYS_CURVE);
	free(p);
	assert_non_null(p = unit_path(f->dir, "curve.key"));
	assert_int_equal(keys_read_secret(p, KEYS_CURVE, &sec), 0);
	assert_int_equal(crypto_scalarmult_base(derived, sec), 0);
	assert_memory_equal(derived, cpub, KEYS_CURVE);
	keys_free(&sec);
	free(p);
	/* Two independent pairs, not one key used twice. */
	assert_memory_not_equal(spub, cpub, KEYS_CURVE);

	/* A second run refuses and leaves the published keys alone. */
	assert_non_null(before = unit_read_file(f->pub, &nb));
	assert_int_equal(keys_create_pairs(f->dir, spub2, cpub2), EISO_EXISTS);
	assert_non_null(after = unit_read_file(f->pub, &na));
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(before);
	free(after);
}

static void
test_hex(void **state)
{
	static const uint8_t bin[4] = { 0x00, 0xab, 0x10, 0xff };
	uint8_t back[4];
	char hex[9];

	(void)state;
	keys_hex(hex, bin, sizeof(bin));
	assert_string_equal(hex, "00ab10ff");
	assert_int_equal(keys_unhex(back, sizeof(back), hex), 0);
	assert_memory_equal(back, bin, sizeof(bin));
	assert_int_equal(keys_unhex(back, sizeof(back), "00ab10f"), EISO_PARSE);
	assert_int_equal(keys_unhex(back, sizeof(back), "00ab10fff0"), EISO_PARSE);
	assert_int_equal(keys_unhex(back, sizeof(back), "00ab10fg"), EISO_PARSE);
	assert_int_equal(keys_unhex(back, sizeof(back), ""), EISO_PARSE);
	assert_int_equal(keys_unhex(back, 0, ""), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curve_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_not_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_key_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_pairs, setup, teardown),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
