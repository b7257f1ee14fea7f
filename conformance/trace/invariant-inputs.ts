/**
 * The events without which an invariant has nothing to judge (not every event it reads: the absence of a
 * wakeup or a read is what some of them flag), so that a trace lacking them is reported as "not judged" with
 * what to add, rather than "passed" by an invariant that had nothing to look at. Each entry is a list of
 * alternatives, all of which must be present: `[['register'], ['selectBegin']]` needs both; `[['ioStart', 'read']]`
 * either.
 * An invariant missing from this table (a newer one) is judged whenever the trace has any events.
 */

import type { EventName, TraceEvent } from '../../spec/trace/events.ts';

export const INVARIANT_INPUTS: Readonly<Record<string, readonly (readonly EventName[])[]>> = {
  'register-on-owner': [['register'], ['selectBegin']],
  'interest-via-update-queue': [['interestOps']],
  'wakeup-after-offer': [['offer']],
  'expiry-on-time': [['configured'], ['cnxnCreated']],
  'io-exclusive': [['ioStart', 'read', 'write']],
  'round-robin': [['configured'], ['offer']],
  // A channel is admitted at its handoff (offer) or, in an event-loop design, when its connection is created.
  'per-ip-limit': [['configured'], ['accept'], ['offer', 'cnxnCreated']],
  'accepted-ends-registered-or-closed': [['accept']],
  'outgoing-complete-in-order': [['handlerAct'], ['peerRecv', 'peerSend', 'peerConnect']],
  'stop-ends-everything': [['lifecycle']],
  'liveness-no-lost-wakeup': [['offer'], ['selectBegin']],
  'liveness-replies-owed': [['peerSend', 'handlerAct']],
  'accept-pause-on-failure': [['accept'], ['register']],
  'throttle-stops-reads': [['handlerAct']],
  'configured-matches-given': [['given'], ['configured']],
  // Without the handler's side a close it asked for (closeSession, a four-letter word) would look uncaused.
  'close-has-cause': [['close'], ['handlerAct', 'given']],
  'facts-match-observation': [['ioStart', 'session']],
  'tls-before-frames': [['tlsHandshake']],
  'close-after-flush': [['handlerAct']],
  'no-io-after-close': [['close'], ['read', 'write']],
  'stop-ends-promptly': [['threadStart'], ['lifecycle']],
  'frames-as-sent': [['handlerCall'], ['peerSend']],
  'handler-exception-contained': [['handlerReturn', 'threadEnd']],
  'connection-closed-once': [['connectionClosed']],
  // The invariant judges refused uses (invalidUse), which only a recorder that traces reads and writes can see:
  // one that traces interest ops but no IO (the Byteman recording of ZooKeeper) would pass it without looking.
  'invalid-key-untouched': [['register'], ['read', 'write', 'invalidUse'], ['cancel', 'close']],
  'workers-end-by-shutdown-timeout': [['given'], ['lifecycle', 'close'], ['threadStart']],
  'event-loop-affinity': [['register'], ['read', 'write']],
};

/** The first group of which the trace has no event, or undefined when every group is present. */
export function missingInput(invariant: string, counts: ReadonlyMap<string, number>): readonly EventName[] | undefined {
  return (INVARIANT_INPUTS[invariant] ?? []).find((group) => !group.some((ev) => (counts.get(ev) ?? 0) > 0));
}

/**
 * Why an invariant whose events are present would still judge nothing, from the configuration the trace
 * reports: per-ip-limit with maxClientCnxns 0 or less (no limit) and no refusal for it would pass by having
 * nothing to check.
 */
export function vacuousBecause(invariant: string, events: readonly TraceEvent[]): string | undefined {
  if (invariant === 'workers-end-by-shutdown-timeout') {
    const given = events.find((e) => e.ev === 'given') as { shutdownTimeout?: number } | undefined;
    return given?.shutdownTimeout === undefined ? 'the trace records no shutdownTimeout given to the factory, so workers-end-by-shutdown-timeout has nothing to judge' : undefined;
  }
  if (invariant !== 'per-ip-limit') return undefined;
  const limit = events.find((e) => e.ev === 'given' || e.ev === 'configured') as { maxClientCnxns?: number } | undefined;
  if (limit?.maxClientCnxns === undefined || limit.maxClientCnxns > 0) return undefined;
  // With no limit the one thing to judge is a refusal for it.
  if (events.some((e) => e.ev === 'close' && e.reason === 'refused_per_ip_limit')) return undefined;
  return `maxClientCnxns is ${limit.maxClientCnxns} (no limit) in this trace and nothing was refused for it, so per-ip-limit has nothing to judge`;
}
