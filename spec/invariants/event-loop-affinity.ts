/**
 * An event-loop design binds each channel to one loop for life: the thread that registered the channel is the
 * only one that reads, writes, changes the interest set, cancels or closes it. Other threads hand it work.
 *
 * Only for event-loop factories (the netty profile, conformance/harness/profile.ts): an NIO-style factory reads
 * and writes on whichever worker holds the IO pass, by design. So it is not in the default list of index.ts.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { isClientChannel } from './trace-index.ts';

/** The client channel a socket operation acts on, if it is one. */
function channelOf(e: TraceEvent): string | undefined {
  switch (e.ev) {
    case 'read':
    case 'write':
    case 'close':
    case 'interestOps':
    case 'cancel':
      return isClientChannel(e.ch) ? e.ch : undefined;
    default:
      return undefined;
  }
}

export const eventLoopAffinity: Invariant = {
  name: 'event-loop-affinity',
  kind: 'safety',
  requirements: ['netty.event-loop-affinity'],
  description: 'Every operation on a registered channel runs on the thread that registered it, for the channel\'s life.',
  check(trace) {
    const owner = new Map<string, { thread: string; seq: number }>();
    const reported = new Set<string>();
    const out: Violation[] = [];
    for (const e of trace) {
      if (e.ev === 'register' && isClientChannel(e.ch)) {
        const first = owner.get(e.ch);
        if (first === undefined) owner.set(e.ch, { thread: e.thread, seq: e.seq });
        else if (first.thread !== e.thread && !reported.has(e.ch)) {
          reported.add(e.ch);
          out.push(violation(this, `${e.ch} was registered by ${first.thread}, then again by ${e.thread}: its loop changed`, [first.seq, e.seq]));
        }
        continue;
      }
      const ch = channelOf(e);
      if (ch === undefined) continue;
      const first = owner.get(ch);
      if (first === undefined || first.thread === e.thread || reported.has(ch)) continue;
      reported.add(ch);
      out.push(violation(this, `${e.ev} of ${ch} ran on ${e.thread}, but ${ch} belongs to the loop ${first.thread} that registered it`, [first.seq, e.seq]));
    }
    return out;
  },
};
