/**
 * Random walk: at step i, runnable[choices[i] % runnable.length]; once the choices run out, the first runnable.
 *
 * Reading a plain array is what makes schedules shrink: fast-check shrinks `fc.array(fc.nat())` towards shorter
 * arrays and smaller numbers, which here means towards "always the first runnable actor", the simplest schedule.
 * `randomWalkFromSeed` draws the choices from a seeded PRNG instead, for exploration; its run records the picks,
 * which replay the same schedule as explicit choices (and are what a shrinker starts from).
 */

import { createPrng, STREAM } from './prng.ts';
import type { SchedulingStrategy } from './strategy.ts';

export function randomWalk(choices: readonly number[]): SchedulingStrategy {
  // Read where it stands, not copied: a schedule the harness draws as it is read (lazy-choices.ts) is then drawn
  // only as far as the run goes. Nothing changes a schedule once drawn.
  return {
    name: 'random-walk',
    token: { code: 'r', choices },
    pick(runnable, step) {
      const choice = choices[step];
      return choice === undefined ? 0 : choice % runnable.length;
    },
  };
}

export function randomWalkFromSeed(seed: number): SchedulingStrategy {
  const prng = createPrng(seed, STREAM.schedule);
  return {
    name: 'random-walk',
    token: { code: 'r', choices: undefined },
    pick(runnable) {
      // One draw per step, even with one runnable actor, so the stream stays aligned with the step count.
      return prng.below(runnable.length);
    },
  };
}
