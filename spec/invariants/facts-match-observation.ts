/**
 * A factory's own facts must agree with what the runtime and the harness observed. When a factory reports IO
 * passes at all, its ioStart and ioEnd pair up per channel and thread, and every read or write of a client
 * channel happens inside a pass of that channel on the same thread (io-exclusive relies on those brackets). A
 * `session` fact must answer a setSession the harness saw the handler make, with the same timeout. Touch and
 * expire facts are never trusted for timing (expiry-on-time works from observed activity), so they are not
 * judged here.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { harnessObserved } from './observed.ts';
import { isClientChannel } from './trace-index.ts';

export const factsMatchObservation: Invariant = {
  name: 'facts-match-observation',
  kind: 'safety',
  requirements: ['io.exclusive', 'expiry.session-timeout'],
  description: 'ioStart/ioEnd pair up and bracket every read and write of their channel on their thread, and every session fact answers an observed setSession.',
  check(trace) {
    const out: Violation[] = [];
    const bracketed = trace.some((e) => e.ev === 'ioStart');
    const observed = harnessObserved(trace);
    /** `${ch} ${thread}` -> seq of the open ioStart. */
    const open = new Map<string, number>();
    /** ch -> setSession acts not yet answered by a session fact. */
    const asked = new Map<string, { seq: number; timeout: number | undefined }[]>();
    for (const e of trace) {
      switch (e.ev) {
        case 'ioStart': {
          const at = open.get(`${e.ch} ${e.thread}`);
          if (at !== undefined) out.push(violation(this, `${e.thread} reported ioStart on ${e.ch} inside its own open pass (ioStart ${at})`, [at, e.seq], ['io.exclusive']));
          open.set(`${e.ch} ${e.thread}`, e.seq);
          break;
        }
        case 'ioEnd':
          if (!open.delete(`${e.ch} ${e.thread}`)) out.push(violation(this, `${e.thread} reported ioEnd on ${e.ch} with no ioStart of its own open`, [e.seq], ['io.exclusive']));
          break;
        case 'read':
        case 'write':
          if (bracketed && isClientChannel(e.ch) && !open.has(`${e.ch} ${e.thread}`)) {
            out.push(violation(this, `${e.thread} did ${e.ev} on ${e.ch} outside any IO pass of its own on that channel, though the factory reports IO passes`, [e.seq], ['io.exclusive']));
          }
          break;
        case 'handlerAct':
          if (e.act === 'setSession') (asked.get(e.ch) ?? asked.set(e.ch, []).get(e.ch)!).push({ seq: e.seq, timeout: e.n });
          break;
        case 'session': {
          if (!observed) break;
          const act = asked.get(e.ch)?.shift();
          if (!act) out.push(violation(this, `the factory reports a session on ${e.ch} that the handler never set`, [e.seq], ['expiry.session-timeout']));
          else if (act.timeout !== undefined && act.timeout !== e.timeout) {
            out.push(violation(this, `the factory reports session timeout ${e.timeout} ms on ${e.ch}; the handler set ${act.timeout} ms`, [act.seq, e.seq], ['expiry.session-timeout']));
          }
          break;
        }
        default:
          break;
      }
    }
    return out;
  },
};
