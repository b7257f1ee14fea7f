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
    // A multiset: ZooKeeper really offers one key twice, and one poll takes only one of the two.
    const held = new Map<string, Map<string, number[]>>();
    const blockedIn = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'offer' && e.ok && SELECTOR_QUEUES.has(queueKind(e.queue))) {
        const items = held.get(e.queue) ?? held.set(e.queue, new Map()).get(e.queue)!;
        items.set(e.item, [...(items.get(e.item) ?? []), e.seq]);
      } else if (e.ev === 'poll' && e.item !== null) {
        const items = held.get(e.queue);
        const copies = items?.get(e.item)?.slice(1);
        if (copies?.length) items!.set(e.item, copies);
        else items?.delete(e.item);
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
      const names = [...items].map(([item, seqs]) => (seqs.length > 1 ? `${item} (x${seqs.length})` : item)).join(', ');
      out.push(violation(this, `lost wakeup: ${queue} holds ${names} while ${owner} sleeps in select() with no wakeup pending`, [...[...items.values()].flat(), since]));
    }
    return out;
  },
};
