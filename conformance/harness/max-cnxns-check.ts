/**
 * The factory's total connection limit, judged on the trace as the per-address limit is (spec/invariants/
 * per-ip-limit.ts), with the same slack: a connection handed off but not yet registered may or may not be
 * counted, so a handoff is wrong only if the registered connections alone stayed at maxCnxns from the channel's
 * accept to its handoff. A harness check rather than an invariant, because maxCnxns is a FactoryOptions field
 * the harness gave, not a fact the factory reports. An event-loop factory decides at channel-active, with no
 * acceptedQueue: a channel still deciding when its connection is created is judged there the same way.
 */
import type { TraceEvent } from '../../spec/trace/events.ts';
import { queueKind } from '../../spec/invariants/trace-index.ts';
import type { Problem } from './run-scenario.ts';

export function maxCnxnsProblems(trace: readonly TraceEvent[], maxCnxns: number | undefined): Problem[] {
  if (!maxCnxns || maxCnxns <= 0) return [];
  const registered = new Set<string>();
  /** Lowest registered count seen since each deciding channel's accept. */
  const deciding = new Map<string, number>();
  const observe = () => {
    for (const [ch, floor] of deciding) deciding.set(ch, Math.min(floor, registered.size));
  };
  for (const e of trace) {
    if (e.ev === 'accept' && e.ch) {
      deciding.set(e.ch, registered.size);
    } else if (e.ev === 'offer' && queueKind(e.queue) === 'acceptedQueue') {
      const floor = deciding.get(e.item);
      deciding.delete(e.item);
      if (floor !== undefined && floor >= maxCnxns) return [overLimit(`${e.item} was handed off`, floor, maxCnxns, e.seq)];
    } else if (e.ev === 'cnxnCreated') {
      const floor = deciding.get(e.ch);
      deciding.delete(e.ch);
      if (floor !== undefined && floor >= maxCnxns) return [overLimit(`${e.ch} was admitted`, floor, maxCnxns, e.seq)];
      registered.add(e.ch);
      observe();
    } else if (e.ev === 'close') {
      deciding.delete(e.ch);
      registered.delete(e.ch);
      observe();
    }
  }
  return [];
}

function overLimit(what: string, floor: number, maxCnxns: number, seq: number): Problem {
  return { requirements: ['accept.max-cnxns'], message: `${what} while the factory held at least ${floor} registered connections from its accept on (maxCnxns ${maxCnxns})`, evidence: [seq] };
}
