/*
 * rng.h: the unit tests' pseudo-random numbers, the same every run
 * (xorshift64).  A test that takes a seed from its environment stores it
 * in rng_state (odd, never 0) before drawing.
 */
#ifndef TESTS_UNIT_RNG_H
#define TESTS_UNIT_RNG_H

#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

#endif
