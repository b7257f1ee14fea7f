/**
 * When the factory is stopped, if before the peers are done: among the first connects (a channel caught between
 * accept and registration), anywhere in the run, or anchored just after one peer's arrival (0-8 ms later: in the
 * middle of its handshake's IO pass, with its requests queued on the handler's thread, or while a later arrival
 * is connecting during the stop itself).
 */
import fc from 'fast-check';

export type StopPlan = { readonly at: number } | { readonly afterPeer: number; readonly delta: number };

export const stopPlan: fc.Arbitrary<StopPlan | null> = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 60 }).map((at) => ({ at })),
    fc.integer({ min: 0, max: 20_000 }).map((at) => ({ at })),
    fc.record({ afterPeer: fc.nat({ max: 4 }), delta: fc.integer({ min: 0, max: 8 }) }),
  ),
  { freq: 5 },
);

/** The virtual ms of the stop, given the peers' arrival times. */
export function stopTime(plan: StopPlan, arrivals: readonly number[]): number {
  if ('at' in plan) return plan.at;
  return (arrivals[plan.afterPeer % Math.max(1, arrivals.length)] ?? 0) + plan.delta;
}
