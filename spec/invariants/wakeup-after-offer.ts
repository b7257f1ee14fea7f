/**
 * A selector thread blocks only in select, never on its queues, so whoever offers to its acceptedQueue or
 * updateQueue must wake its selector afterwards, before blocking or ending; otherwise the item waits for some
 * unrelated event (a lost wakeup). A selector closed in the meantime needs no wakeup.
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
  description: 'Every successful offer to a selector queue is followed by a wakeup of that selector by the offering thread before it blocks or ends.',
  check(trace) {
    const index = indexTrace(trace);
    const out: Violation[] = [];
    /** thread -> offers it still owes a wakeup for, by selector. */
    const owed = new Map<string, Map<string, number>>();
    const closed = new Set<string>();
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
        const mine = owed.get(e.thread);
        if (!mine) continue;
        for (const [sel, offerSeq] of mine) {
          out.push(violation(this, `${e.thread} offered to a queue of ${sel} (event ${offerSeq}) and then ${describe(e)} without waking ${sel}`, [offerSeq, e.seq]));
        }
        owed.delete(e.thread);
      }
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
