/**
 * At quiescence no selector queue holds work while its selector thread sleeps in select: that is the lost
 * wakeup, where an item waits for an unrelated event that may never come.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { queueKind, queueOwner } from './trace-index.ts';

const SELECTOR_QUEUES = new Set(['acceptedQueue', 'updateQueue']);

export const livenessNoLostWakeup: Invariant = {
  name: 'liveness-no-lost-wakeup',
  kind: 'liveness',
  requirements: ['selector.wakeup-after-offer', 'selector.loop'],
  description: 'At quiescence, no acceptedQueue or updateQueue holds items while its selector thread is blocked in select.',
  check(trace, context) {
    if (!context.atQuiescence) return [];
    if (trace.some((e) => e.ev === 'lifecycle' && e.phase === 'stop')) return [];
    const held = new Map<string, Map<string, number>>();
    const blockedIn = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'offer' && e.ok && SELECTOR_QUEUES.has(queueKind(e.queue))) {
        const items = held.get(e.queue) ?? new Map<string, number>();
        items.set(e.item, e.seq);
        held.set(e.queue, items);
      } else if (e.ev === 'poll' && e.item !== null) {
        held.get(e.queue)?.delete(e.item);
      } else if (e.ev === 'selectBegin') {
        blockedIn.set(e.thread, e.seq);
      } else if (e.ev === 'selectEnd' || e.ev === 'threadEnd') {
        blockedIn.delete(e.thread);
      }
    }
    const out: Violation[] = [];
    for (const [queue, items] of held) {
      const owner = queueOwner(queue);
      const since = owner === undefined ? undefined : blockedIn.get(owner);
      if (since === undefined || items.size === 0) continue;
      const names = [...items.keys()].join(', ');
      out.push(violation(this, `lost wakeup: ${queue} holds ${names} while ${owner} sleeps in select() with no wakeup pending`, [...items.values(), since]));
    }
    return out;
  },
};
