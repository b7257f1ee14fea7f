/**
 * On a TLS listening socket (its bind event says tls), no byte of a channel reaches the protocol layer before
 * that channel's handshake has completed: no data read and no handler call before its successful tlsHandshake
 * event. A channel whose handshake failed gets no handler call and, if closed, is closed with
 * `Unsuccessful handshake`. Channels of plaintext listening sockets are not concerned, so this judges every
 * factory and is vacuous for one that never listens with TLS.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

export const FAILED_HANDSHAKE_REASON = 'Unsuccessful handshake';

export const tlsBeforeFrames: Invariant = {
  name: 'tls-before-frames',
  kind: 'safety',
  requirements: ['netty.tls'],
  description: 'On a TLS port, a channel\'s bytes reach the server only after its handshake; a failed handshake closes it as Unsuccessful handshake.',
  check(trace) {
    const secureListeners = new Set<string>();
    /** Secure channel -> its handshake: pending, ok (done) or failed (with the event's seq). */
    const state = new Map<string, { s: 'pending' | 'ok' | 'failed'; seq: number }>();
    const out: Violation[] = [];
    const flagged = new Set<string>();
    const flag = (ch: string, message: string, evidence: number[]) => {
      if (flagged.has(ch)) return;
      flagged.add(ch);
      out.push(violation(this, message, evidence));
    };
    for (const e of trace) {
      if (e.ev === 'bind' && e.tls === true) secureListeners.add(e.ss);
      else if (e.ev === 'accept' && e.ch !== null && secureListeners.has(e.ss)) state.set(e.ch, { s: 'pending', seq: e.seq });
      else if (e.ev === 'tlsHandshake' && state.has(e.ch)) state.set(e.ch, { s: e.ok ? 'ok' : 'failed', seq: e.seq });
      else if ((e.ev === 'read' && e.n > 0) || e.ev === 'handlerCall') {
        const hs = state.get(e.ch);
        if (hs === undefined || hs.s === 'ok') continue;
        const what = e.ev === 'read' ? `${e.n} byte(s) were read` : `handler.${e.call} was called`;
        flag(e.ch, `${what} on ${e.ch} of a TLS port while its handshake was ${hs.s === 'pending' ? 'not complete' : 'failed'}`, [hs.seq, e.seq]);
      } else if (e.ev === 'close') {
        const hs = state.get(e.ch);
        if (hs?.s === 'failed' && e.reason !== FAILED_HANDSHAKE_REASON) {
          flag(e.ch, `${e.ch} failed its TLS handshake but was closed with "${e.reason}", not "${FAILED_HANDSHAKE_REASON}"`, [hs.seq, e.seq]);
        }
      }
    }
    return out;
  },
};
