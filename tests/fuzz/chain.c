/*
 * chain.c: fuzz a change set body that passed the signature: the input is the body's bytes,
 * signed here with the enrolled test key, so chain_check goes past parse, identity and
 * signature into wire_check_nul and wire_check_body's content rules, then chain_link
 * places it against an empty chain and against a head at seq 5.
 */
#include <sodium.h>
#include <string.h>

#include "chain.h"
#include "err.h"
#include "fuzz.h"
#include "wire.h"

static uint8_t pub[KEYS_SIGN_PUB], sec[crypto_sign_SECRETKEYBYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_TEST_KEY(2, pub, sec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Eiso__ChangeSet cs = EISO__CHANGE_SET__INIT;
	uint8_t sig[KEYS_SIG];
	struct chain_checked ck;
	struct chain_head empty = { 0 }, five = { 5, { 0 } };
	char why[CHAIN_REASON];

	if (chain_sign(data, size, sec, sig) != 0)
		return 0;
	cs.body.data = (uint8_t *)data;
	cs.body.len = size;
	cs.signature.data = sig;
	cs.signature.len = sizeof(sig);
	memset(five.hash, 0xab, sizeof(five.hash));
	if (chain_check(&cs, "vp-fuzz", pub, &ck) == 0 && ck.body != NULL) {
		chain_link(ck.body, &empty, why, sizeof(why));
		chain_link(ck.body, &five, why, sizeof(why));
		eiso__change_set_body__free_unpacked(ck.body, NULL);
	}
	return 0;
}
