/**
 * The project's one seeded pseudo-random generator, shared by row sampling (`core/data/sample.ts`) and
 * the built-in trainer (`core/train/random.ts`), so the same seed gives the same numbers everywhere.
 */

/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/**
 * Mulberry32, Tommy Ettinger's 32-bit generator (public domain, 2017; see his "Mulberry32" gist and
 * its analysis in the PractRand test results): 32 bits of state advanced by the odd constant
 * 0x6d2b79f5 (a Weyl sequence), then mixed by two xorshift–multiply rounds. Period 2^32; fast and good
 * enough for shuffling, reservoir sampling and weight initialisation, not for cryptography.
 * @param seed any number; reduced to an unsigned 32-bit integer (fraction truncated, modulo 2^32;
 *   NaN and ±Infinity become 0).
 * @returns a generator of floats in [0, 1) with 32 bits of resolution. Same seed, same sequence.
 */
export function mulberry32(seed: number): Random {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
