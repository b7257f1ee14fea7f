/**
 * No read or write on a channel after it was closed. The spec lets any thread close a connection at any time,
 * even while another thread is in an IO pass on it (cnxn.close: the expirer, a worker, a selector thread at exit
 * and shutdown may all race to close), so a close in the middle of a pass is not itself wrong; what is wrong is
 * the pass then touching the closed socket. A runtime that refuses such IO without tracing it (the simulation
 * throws EBADF) leaves nothing to see here, and the factory's handling of that error is judged by close-has-cause.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { isClientChannel } from './trace-index.ts';

export const noIoAfterClose: Invariant = {
  name: 'no-io-after-close',
  kind: 'safety',
  requirements: ['cnxn.close', 'io.exclusive'],
  description: 'No read or write happens on a channel after its close.',
  check(trace) {
    const out: Violation[] = [];
    const closedAt = new Map<string, { seq: number; thread: string }>();
    for (const e of trace) {
      if (e.ev === 'close' && isClientChannel(e.ch)) closedAt.set(e.ch, { seq: e.seq, thread: e.thread });
      else if (e.ev === 'read' || e.ev === 'write') {
        const closed = closedAt.get(e.ch);
        if (closed) out.push(violation(this, `${e.thread} did ${e.ev} on ${e.ch} after ${closed.thread} closed it`, [closed.seq, e.seq]));
      }
    }
    return out;
  },
};
