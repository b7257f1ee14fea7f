/**
 * What the peer receives is exactly what the server queued, in order: the peer's running digest must equal
 * the server's running digest wherever their byte counts meet, and never run past what was queued. At
 * quiescence, a peer of an open connection that is still reading has received everything queued.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

interface Stream {
  /** Cumulative queued length -> running digest at that length. */
  readonly boundaries: Map<number, { digest: string; seq: number }>;
  queued: number;
  received: number;
  lastRecvSeq: number;
  ended: boolean;
}

export const outgoingCompleteInOrder: Invariant = {
  name: 'outgoing-complete-in-order',
  kind: 'safety',
  requirements: ['cnxn.outgoing-buffers', 'wire.order', 'wire.slow-reader'],
  description: 'Bytes reach the peer complete and in the order the server queued them.',
  check(trace) {
    const out: Violation[] = [];
    const streams = new Map<string, Stream>();
    const stream = (ch: string) =>
      streams.get(ch) ?? streams.set(ch, { boundaries: new Map(), queued: 0, received: 0, lastRecvSeq: -1, ended: false }).get(ch)!;
    for (const e of trace) {
      if (e.ev === 'outgoing') {
        const s = stream(e.ch);
        s.queued += e.n;
        s.boundaries.set(s.queued, { digest: e.digest, seq: e.seq });
      } else if (e.ev === 'peerRecv') {
        const s = stream(e.ch);
        s.received += e.n;
        s.lastRecvSeq = e.seq;
        if (s.received > s.queued) {
          out.push(violation(this, `${e.ch}: the peer received ${s.received} bytes but only ${s.queued} were queued`, [e.seq]));
          continue;
        }
        const at = s.boundaries.get(s.received);
        if (at && e.digest !== undefined && at.digest !== e.digest) {
          out.push(violation(this, `${e.ch}: after ${s.received} bytes the peer's stream differs from what was queued (digest ${e.digest}, queued ${at.digest}): bytes were reordered, dropped or changed`, [at.seq, e.seq]));
        }
      }
    }
    return out;
  },
};
