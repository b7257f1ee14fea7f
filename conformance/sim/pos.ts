/**
 * POS, partial order sampling (Yuan, Yang, Gu, CAV 2018), in its basic form without race information: every
 * actor holds a random priority, the runnable actor with the highest one runs, and only the actor that just
 * ran draws a fresh priority. An actor that drew low stays delayed, step after step, while the others run on
 * and block; one that drew high runs a few steps in a row. So, unlike a random walk (which redraws everything
 * at every step) it holds a thread back across a whole exchange of other threads, and unlike PCT it needs no
 * guess of the run's length: each step is a fresh chance for a delay to begin.
 *
 * The scheduler does not know which operations race, so no other actor is redrawn (the paper redraws the
 * events that race with the one executed); with the level-triggered selector and queues here, that keeps a
 * delayed thread delayed until the ones ahead of it block, which is what lost wakeups and check-then-act races
 * need.
 *
 * Draws are read in order from an array: the first priority of each newly seen actor, then one per step for
 * the actor that ran; a missing draw is 0. Ties go to the first runnable in creation order, so an empty array
 * (what fast-check shrinks towards) runs the first runnable actor, as a shrunk random walk does.
 * Token: code `o`, choices = the draws; none for `posFromSeed`, whose seed reproduces them.
 */

import { createPrng, STREAM } from './prng.ts';
import type { SchedulingStrategy } from './strategy.ts';

/** Priorities are draws below this. */
export const POS_PRIORITY_RANGE = 1 << 16;

function core(next: () => number): Omit<SchedulingStrategy, 'token'> {
  const priority = new Map<string, number>();
  return {
    name: 'pos',
    pick(runnable) {
      let best = 0;
      let top = -1;
      for (const [x, name] of runnable.entries()) {
        let p = priority.get(name);
        if (p === undefined) priority.set(name, (p = next()));
        if (p > top) [best, top] = [x, p];
      }
      priority.set(runnable[best]!, next());
      return best;
    },
  };
}

export function pos(draws: readonly number[]): SchedulingStrategy {
  // Read where it stands, not copied, as randomWalk's choices (random-walk.ts).
  let at = 0;
  return { ...core(() => (draws[at++] ?? 0) % POS_PRIORITY_RANGE), token: { code: 'o', choices: draws } };
}

export function posFromSeed(seed: number): SchedulingStrategy {
  // The schedule stream, as the other strategies: a simulation runs one strategy.
  const prng = createPrng(seed, STREAM.schedule);
  return { ...core(() => prng.below(POS_PRIORITY_RANGE)), token: { code: 'o', choices: undefined } };
}
