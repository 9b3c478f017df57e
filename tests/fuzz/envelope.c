/*
 * envelope.c: fuzz what arrives on the hub's socket: a frame as wire_unpack takes it (size
 * limit, parse, NUL in any string), and, for a change set, chain_check against an enrolled
 * agency's key (identity, signature, content rules). Random frames rarely carry a valid
 * signature; chain.c signs what it is given to reach the content rules.
 */
#include <sodium.h>

#include "chain.h"
#include "err.h"
#include "fuzz.h"
#include "wire.h"

#define FUZZ_MAX_FRAME (1u << 20)

static uint8_t pub[KEYS_SIGN_PUB], sec[crypto_sign_SECRETKEYBYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_TEST_KEY(1, pub, sec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Eiso__Envelope *env = NULL;
	struct chain_checked ck;
	struct chain_head head = { 0 };
	char why[CHAIN_REASON];

	if (wire_unpack(data, size, FUZZ_MAX_FRAME, &env) != 0)
		return 0;
	if (env->msg_case == EISO__ENVELOPE__MSG_CHANGE_SET &&
	    chain_check(env->change_set, "vp-fuzz", pub, &ck) == 0 && ck.body != NULL) {
		chain_link(ck.body, &head, why, sizeof(why));
		eiso__change_set_body__free_unpacked(ck.body, NULL);
	}
	wire_free(&env);
	return 0;
}
