/*
 * fuzz.h: what every harness in tests/fuzz/ defines. Each harness is one file with
 * LLVMFuzzerTestOneInput (and, when it needs one, LLVMFuzzerInitialize). It is built two ways:
 * with clang's libFuzzer (`make fuzz`, build-fuzz/) to search for new inputs, and with
 * replay.c's main (`make unit`, as tests/unit/test_fuzz_NAME) to run the corpus kept in
 * tests/fuzz/corpus/NAME/ on every `make check`.
 */
#ifndef EISO_FUZZ_H
#define EISO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A fixed Ed25519 test key pair from one seed byte, for harnesses that sign (sodium set up). */
#define FUZZ_TEST_KEY(seed_byte, pub, sec) do {                                       \
		uint8_t seed_[crypto_sign_SEEDBYTES] = { (seed_byte) };                \
		if (sodium_init() < 0)                                                 \
			abort();                                                       \
		crypto_sign_seed_keypair((pub), (sec), seed_);                         \
	} while (0)

#endif
