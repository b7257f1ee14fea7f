/**
 * Where fast-check's random stream stands at run i of a seed, kept from one block of runs to the next. fast-check
 * starts run i (a path without colons, search-block.ts) by jumping its generator i times from the seed, each
 * jump about 2 microseconds: at run 50,000 that is 0.1 s for every block of 25 runs, more than the runs
 * themselves, and a search's blocks grow dearer the longer it goes. A worker is handed its blocks in run order,
 * so the cursor jumps on from the last block's start instead, and hands fast-check a generator already standing
 * at run i whose first i jumps (the ones fast-check makes to get there) do nothing: the same state as fast-check
 * would reach, so run i draws the same scenario and schedule (search-walk.test.ts compares the two).
 */

import { createRequire } from 'node:module';

/** fast-check's random generator interface (pure-rand's), as far as fast-check uses one. */
interface RandomGenerator {
  clone(): RandomGenerator;
  next(): number;
  jump(): void;
  getState(): readonly number[];
}

/** fast-check's default generator, from the very package fast-check itself imports. */
const xorshift128plus = (createRequire(import.meta.resolve('fast-check'))('pure-rand/generator/xorshift128plus') as { xorshift128plus: (seed: number) => RandomGenerator }).xorshift128plus;

let cursor: { seed: number; at: number; rng: RandomGenerator } | undefined;

/** The generator fast-check's stream for `seed` holds after `at` jumps. */
function standingAt(seed: number, at: number): RandomGenerator {
  if (!cursor || cursor.seed !== seed || cursor.at > at) cursor = { seed, at: 0, rng: xorshift128plus(seed) };
  for (; cursor.at < at; cursor.at++) cursor.rng.jump();
  return cursor.rng.clone();
}

/**
 * fast-check's `randomType` for a check that starts at run `at` of `seed` (with `path: String(at)`): its first
 * `at` jumps are skipped, the generator standing there already. Any other seed gets the plain generator.
 */
export function randomFrom(seed: number, at: number): (seed: number) => RandomGenerator {
  // fast-check passes the seed on as a 32-bit integer, folding in any bits above.
  const seed32 = seed | 0;
  const ours = seed === seed32 ? seed32 : seed32 ^ ((seed - seed32) * 0x1_0000_0000);
  return (asked) => {
    if (asked !== ours) return xorshift128plus(asked);
    const rng = standingAt(ours, at);
    let skipped = 0;
    return {
      clone: () => rng.clone(),
      next: () => rng.next(),
      jump: () => {
        if (skipped < at) skipped += 1;
        else rng.jump();
      },
      getState: () => rng.getState(),
    };
  };
}
