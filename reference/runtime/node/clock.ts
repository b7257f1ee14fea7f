/**
 * The real clock: monotonic milliseconds since the runtime was created, in whole ms, and interruptible sleep.
 *
 * Whole milliseconds because factories compute deadlines from `now()` and the trace schema counts them in integers
 * (`touch.deadline`); trace `t` uses the same function, so a fact's deadline and the events around it compare
 * directly. Counting from the runtime's creation makes node traces start near 0, like the simulation's.
 */

import { performance } from 'node:perf_hooks';
import type { Clock } from '../../../spec/runtime.ts';
import type { RuntimeContext } from './runtime-context.ts';

/** setTimeout's largest delay; longer ones would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function monotonicMs(): () => number {
  const origin = performance.now();
  return () => Math.floor(performance.now() - origin);
}

/** Sleep durations are traced as whole non-negative ms, so the sleep that runs is the one the trace shows. */
export function wholeMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}

export class NodeClock implements Clock {
  constructor(private readonly rt: RuntimeContext) {}

  now(): number {
    return this.rt.now();
  }

  async sleep(ms: number): Promise<void> {
    const rt = this.rt;
    const thread = rt.thread();
    const delay = wholeMs(ms);
    if (rt.tracing) rt.emit({ ev: 'sleep', ms: delay });
    thread.checkInterrupt();
    let timer: NodeJS.Timeout | undefined;
    await thread.park<void>(
      (parked) => {
        timer = setTimeout(() => parked.wake(undefined), delay);
      },
      () => clearTimeout(timer),
    );
  }
}
