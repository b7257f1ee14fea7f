/**
 * A scheduling policy for harness workloads that need many connections ready at the same instant: every
 * runnable scripted peer moves before any factory thread, then factory threads are picked at random from a
 * seeded stream. Not a search strategy: it makes one shape of interleaving common on purpose.
 */

import { createPrng, STREAM, type SchedulingStrategy } from '../../sim/index.ts';

export function peersFirst(seed: number): SchedulingStrategy {
  const prng = createPrng(seed, STREAM.schedule);
  return {
    name: 'peers-first',
    pick(runnable) {
      const peer = runnable.findIndex((name) => name.startsWith('peer'));
      return peer >= 0 ? peer : prng.below(runnable.length);
    },
  };
}
