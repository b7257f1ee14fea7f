/**
 * What the peer receives is exactly what the request handler sent, in order: wherever the peer's byte count meets
 * the end of one of the handler's sends, the peer's running digest equals the handler's, and the peer never
 * receives more than the handler sent. Both sides are observations (sent-vs-received.ts), not the factory's own
 * account of what it queued.
 */

import { violation, type Invariant } from './invariant.ts';
import { compareSentReceived } from './sent-vs-received.ts';

export const outgoingCompleteInOrder: Invariant = {
  name: 'outgoing-complete-in-order',
  kind: 'safety',
  requirements: ['cnxn.outgoing-buffers', 'wire.order', 'wire.slow-reader'],
  description: 'Bytes reach the peer complete and in the order the handler sent them.',
  check(trace) {
    return compareSentReceived(trace).map((m) => violation(this, m.message, m.evidence));
  },
};
