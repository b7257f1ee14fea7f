/**
 * The accept thread hands connections to selector threads in turn, starting again at the first; a connection
 * refused before handoff takes no turn. A connection stays with its selector for life, so the initial spread is
 * the only balancing there is.
 */

import { violation, type Invariant } from './invariant.ts';
import { indexTrace, queueKind, queueOwner } from './trace-index.ts';

export const roundRobin: Invariant = {
  name: 'round-robin',
  kind: 'safety',
  requirements: ['accept.round-robin'],
  description: 'The n-th handoff goes to selector thread n mod N, in the configured order.',
  check(trace) {
    const selectors = indexTrace(trace).configured?.selectors ?? [];
    if (selectors.length === 0) return [];
    let turn = 0;
    for (const e of trace) {
      if (e.ev !== 'offer' || queueKind(e.queue) !== 'acceptedQueue') continue;
      const expected = selectors[turn % selectors.length];
      const got = queueOwner(e.queue);
      if (got !== expected) {
        return [violation(this, `handoff ${turn + 1} (${e.item}) went to ${got}; round robin over ${selectors.join(', ')} expects ${expected}`, [e.seq])];
      }
      turn += 1;
    }
    return [];
  },
};
