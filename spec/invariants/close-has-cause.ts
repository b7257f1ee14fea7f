/**
 * Every close of a client connection has a reason from the closed set (spec/disconnect-reasons.ts), and, where
 * the harness watched the run, a cause the trace shows that allows that reason (close-causes.ts): the peer
 * ending the stream, a failed length check, expiry past the deadline, a refusal, the handler, or stop. A trace
 * recorded outside the harness is judged on the reason alone, since the handler's own closes are not in it.
 */

import { isCloseReason } from '../disconnect-reasons.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { explainCloses } from './close-causes.ts';
import { harnessObserved, observedConfig } from './observed.ts';
import { isClientChannel } from './trace-index.ts';

export const closeHasCause: Invariant = {
  name: 'close-has-cause',
  kind: 'safety',
  requirements: ['cnxn.close', 'lifecycle.open-accept-io-clean'],
  description: 'Every connection close carries a reason from the closed set, and one that a cause visible before it allows.',
  check(trace) {
    const out: Violation[] = [];
    for (const e of trace) {
      if (e.ev === 'close' && isClientChannel(e.ch) && !isCloseReason(e.reason)) {
        out.push(violation(this, `${e.ch} closed with reason "${e.reason}", which is not in the closed set of disconnect reasons`, [e.seq]));
      }
    }
    const config = observedConfig(trace);
    if (!config || !harnessObserved(trace)) return out;
    for (const { close, causes } of explainCloses(trace, config)) {
      if (!isCloseReason(close.reason) || causes.some((c) => c.reasons.includes(close.reason))) continue;
      const seen = causes.length === 0 ? 'nothing' : causes.map((c) => `${c.what} (allows ${c.reasons.join(', ')})`).join('; ');
      out.push(violation(this, `${close.ch} closed (${close.reason}) on ${close.thread} at t=${close.t} with no cause for that reason; the trace shows ${seen} before it`, [...causes.map((c) => c.seq), close.seq]));
    }
    return out;
  },
};
