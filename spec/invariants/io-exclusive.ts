/**
 * At most one IO work item per connection is in flight, and while one thread is in an IO pass on a channel no
 * other thread reads or writes it. Clearing interest ops before the handoff is what makes this hold.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

export const ioExclusive: Invariant = {
  name: 'io-exclusive',
  kind: 'safety',
  requirements: ['io.exclusive', 'selector.handoff-io', 'io.zero-workers', 'selector.level-triggered'],
  description: 'One IO work item per connection at a time; no two threads read or write one connection at once.',
  check(trace) {
    const out: Violation[] = [];
    const scheduled = new Map<string, number>();
    const inPass = new Map<string, { thread: string; seq: number }>();
    for (const e of trace) {
      switch (e.ev) {
        case 'ioScheduled': {
          const earlier = scheduled.get(e.ch);
          if (earlier !== undefined) out.push(violation(this, `a second IO work item for ${e.ch} was scheduled while one is in flight`, [earlier, e.seq]));
          else scheduled.set(e.ch, e.seq);
          break;
        }
        case 'ioStart': {
          const other = inPass.get(e.ch);
          if (other) out.push(violation(this, `${e.thread} started IO on ${e.ch} while ${other.thread} is in an IO pass on it`, [other.seq, e.seq]));
          inPass.set(e.ch, { thread: e.thread, seq: e.seq });
          break;
        }
        case 'ioEnd':
          scheduled.delete(e.ch);
          if (inPass.get(e.ch)?.thread === e.thread) inPass.delete(e.ch);
          break;
        case 'read':
        case 'write': {
          const owner = inPass.get(e.ch);
          if (owner && owner.thread !== e.thread) out.push(violation(this, `${e.thread} did ${e.ev} on ${e.ch} during ${owner.thread}'s IO pass`, [owner.seq, e.seq]));
          break;
        }
        case 'close':
          scheduled.delete(e.ch);
          inPass.delete(e.ch);
          break;
        default:
          break;
      }
    }
    return out;
  },
};
