/**
 * Seeded pseudo-random numbers: mulberry32 streams, one per purpose (schedule choices, runtime.shuffle), so that
 * drawing from one never shifts the other. Never Math.random: the same seed must give the same run.
 */

export interface Prng {
  /** The next 32-bit unsigned integer. */
  next(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
}

/** Streams a simulation draws from; each gets its own generator derived from the seed. */
export const STREAM = { schedule: 1, shuffle: 2 } as const;

/** murmur3's finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit state from any safe integer seed (negative and above 2^32 included) and a stream number. */
export function deriveState(seed: number, stream: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return fmix32(lo ^ fmix32(hi ^ Math.imul(stream + 1, 0x9e3779b9)));
}

export function mulberry32(state: number): Prng {
  let a = state >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { next, below: (bound) => next() % bound };
}

export function createPrng(seed: number, stream: number): Prng {
  return mulberry32(deriveState(seed, stream));
}

/** Fisher-Yates in place with `prng`. */
export function shuffleWith<T>(prng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    const swap = items[i] as T;
    items[i] = items[j] as T;
    items[j] = swap;
  }
  return items;
}
