/**
 * What each peer received, compared with what the request handler sent on its connection, both as observed: the
 * harness traces every send with the running digest of everything the handler sent on that connection so far
 * (handlerAct), and each peer every receive with the running digest of everything it received (peerRecv).
 * Wherever the two byte counts meet, the digests must agree, and a peer never receives more than was sent. No
 * fact of the factory's (its `outgoing` reports) is needed, so a factory cannot misreport its way past this.
 */

import type { TraceEvent } from '../trace/events.ts';

export interface StreamMismatch {
  readonly ch: string;
  /** `differs`: bytes reordered, dropped or changed; `extra`: more bytes arrived than the handler sent. */
  readonly kind: 'differs' | 'extra';
  readonly message: string;
  readonly evidence: readonly number[];
}

/** True when the trace carries the handler's sends, without which nothing here can be compared. */
export function hasHandlerSends(trace: readonly TraceEvent[]): boolean {
  return trace.some((e) => e.ev === 'handlerAct' && e.act === 'send');
}

export function compareSentReceived(trace: readonly TraceEvent[]): StreamMismatch[] {
  if (!hasHandlerSends(trace)) return [];
  const out: StreamMismatch[] = [];
  const boundaries = new Map<string, Map<number, { digest: string; seq: number }>>();
  const sent = new Map<string, number>();
  const received = new Map<string, number>();
  for (const e of trace) {
    if (e.ev === 'handlerAct' && e.act === 'send' && e.n !== undefined) {
      const total = (sent.get(e.ch) ?? 0) + e.n;
      sent.set(e.ch, total);
      if (e.digest !== undefined) (boundaries.get(e.ch) ?? boundaries.set(e.ch, new Map()).get(e.ch)!).set(total, { digest: e.digest, seq: e.seq });
    } else if (e.ev === 'peerRecv') {
      const total = (received.get(e.ch) ?? 0) + e.n;
      received.set(e.ch, total);
      const owed = sent.get(e.ch) ?? 0;
      if (total > owed) {
        out.push({ ch: e.ch, kind: 'extra', message: `${e.ch}: the peer received ${total} bytes but the handler sent only ${owed}`, evidence: [e.seq] });
        continue;
      }
      const at = boundaries.get(e.ch)?.get(total);
      if (at && e.digest !== undefined && at.digest !== e.digest) {
        out.push({
          ch: e.ch,
          kind: 'differs',
          message: `${e.ch}: after ${total} bytes the peer's stream (digest ${e.digest}) differs from what the handler sent (${at.digest}): bytes were reordered, dropped or changed`,
          evidence: [at.seq, e.seq],
        });
      }
    }
  }
  return out;
}
