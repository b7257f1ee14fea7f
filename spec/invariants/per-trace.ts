/**
 * A fact several invariants compute from one trace (its index, its configuration, its closes explained, its peer
 * bytes cut into frames): kept per trace and per the one argument it depends on, and computed again if the trace
 * has grown since, so that the invariants judging one trace share one computation.
 */
import type { TraceEvent } from '../trace/events.ts';

export function perTrace<A, V>(compute: (trace: readonly TraceEvent[], argument: A) => V): (trace: readonly TraceEvent[], argument: A) => V {
  const kept = new WeakMap<readonly TraceEvent[], { readonly length: number; readonly argument: A; readonly value: V }>();
  return (trace, argument) => {
    const found = kept.get(trace);
    if (found !== undefined && found.length === trace.length && found.argument === argument) return found.value;
    const value = compute(trace, argument);
    kept.set(trace, { length: trace.length, argument, value });
    return value;
  };
}
