/**
 * Virtual time in whole milliseconds, from 0. It moves only when the scheduler finds nothing runnable, and then
 * jumps straight to the earliest deadline (a sleep, a select timeout, a peer's next action): no real time passes
 * (runtime.virtual-time).
 */

import { simError } from './sim-error.ts';

export class VirtualClock {
  private t = 0;

  now(): number {
    return this.t;
  }

  advanceTo(t: number): void {
    if (t < this.t) throw simError(`virtual time cannot go back from ${this.t} to ${t}`);
    this.t = t;
  }
}

/** setTimeout's largest delay, the node runtime's cap; the simulation uses the same whole-ms rule. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Durations as both runtimes trace them: whole, non-negative milliseconds (rounded up). */
export function wholeMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(Math.ceil(ms), MAX_DELAY_MS);
}
