/**
 * A selector thread blocks only in select, never on its queues, so whoever offers to its acceptedQueue or
 * updateQueue must wake its selector afterwards: before its next blocking call of any kind (a select on any
 * selector, a take, a sleep), before it ends, and in any case before the run ends. A thread that returns to
 * its loop blocks again in one of those calls, so it is judged there; an offer still owed when a whole run has
 * come to rest (`complete`) was never followed by a wakeup at all. A selector closed in the meantime needs none.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { indexTrace, queueKind, queueOwner } from './trace-index.ts';

const SELECTOR_QUEUES = new Set(['acceptedQueue', 'updateQueue']);
const BLOCKING = new Set<TraceEvent['ev']>(['selectBegin', 'takeBegin', 'sleep', 'threadEnd']);

export const wakeupAfterOffer: Invariant = {
  name: 'wakeup-after-offer',
  kind: 'safety',
  requirements: ['selector.wakeup-after-offer', 'accept.handoff', 'selector.interest-via-update-queue'],
  description: 'Every successful offer to a selector queue is followed by a wakeup of that selector by the offering thread before it blocks, ends, or the run ends.',
  check(trace, context) {
    const index = indexTrace(trace);
    const out: Violation[] = [];
    /** thread -> offers it still owes a wakeup for, by selector. */
    const owed = new Map<string, Map<string, number>>();
    const closed = new Set<string>();
    const judge = (thread: string, seq: number, what: string) => {
      for (const [sel, offerSeq] of owed.get(thread) ?? []) {
        out.push(violation(this, `${thread} offered to a queue of ${sel} (event ${offerSeq}) and then ${what} without waking ${sel}`, [offerSeq, seq]));
      }
      owed.delete(thread);
    };
    for (const e of trace) {
      if (e.ev === 'offer' && e.ok && SELECTOR_QUEUES.has(queueKind(e.queue))) {
        const sel = index.threadSelector.get(queueOwner(e.queue) ?? '');
        if (sel === undefined || closed.has(sel)) continue;
        const mine = owed.get(e.thread) ?? new Map<string, number>();
        if (!mine.has(sel)) mine.set(sel, e.seq);
        owed.set(e.thread, mine);
      } else if (e.ev === 'wakeup') {
        owed.get(e.thread)?.delete(e.sel);
      } else if (e.ev === 'selectorClose') {
        // A closed selector never sleeps again; whoever closed it drains what its queues hold.
        closed.add(e.sel);
        for (const mine of owed.values()) mine.delete(e.sel);
      } else if (BLOCKING.has(e.ev)) {
        judge(e.thread, e.seq, describe(e));
      }
    }
    if (context.complete && trace.length > 0) {
      const last = trace[trace.length - 1]!.seq;
      for (const thread of [...owed.keys()]) judge(thread, last, 'the run came to rest (it blocked or returned where the trace shows no call)');
    }
    return out;
  },
};

function describe(e: TraceEvent): string {
  switch (e.ev) {
    case 'selectBegin':
      return `blocked in select on ${e.sel}`;
    case 'takeBegin':
      return `blocked taking from ${e.queue}`;
    case 'sleep':
      return `slept ${e.ms} ms`;
    default:
      return 'ended';
  }
}
