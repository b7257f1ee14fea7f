/**
 * A close after flush (the handler's sendCloseAfterFlush) happens only once every byte the handler sent before
 * it has been written, and it does happen: the server must not close such a connection before those bytes are
 * out (unless something else closes it: the peer, expiry, stop, a handler close), must not leave it open once
 * they are all written and taken by the peer and the run has moved on in time or come to rest, and the peer must receive exactly what
 * the handler sent (its running digest at that length equals the handler's).
 * Virtual time advances only when every thread waits, so an open connection with nothing left to write across a
 * time step is one the factory forgot, not one it is still closing.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { explainCloses } from './close-causes.ts';
import { observedConfig } from './observed.ts';
import { compareSentReceived } from './sent-vs-received.ts';

interface Pending {
  readonly seq: number;
  readonly reason: string;
  /** Bytes the handler had sent when it asked. */
  readonly bytes: number;
}

export const closeAfterFlush: Invariant = {
  name: 'close-after-flush',
  kind: 'safety',
  requirements: ['cnxn.outgoing-buffers', 'cnxn.close'],
  description: 'A close after flush closes the connection, and only after every byte the handler sent before it was written and reached the peer unchanged.',
  check(trace, context) {
    const config = observedConfig(trace);
    const out: Violation[] = [];
    const closes = new Map((config ? explainCloses(trace, config) : []).map((x) => [x.close.seq, x]));
    const sent = new Map<string, { bytes: number }>();
    const written = new Map<string, number>();
    const received = new Map<string, number>();
    const pending = new Map<string, Pending>();
    const closed = new Set<string>();
    /** ch -> the time it had written everything it owed. */
    const flushedAt = new Map<string, { t: number; seq: number }>();
    // Flushed: written, and taken by the peer, so the socket has room and nothing can hold the close back.
    const settle = (ch: string, e: { t: number; seq: number }) => {
      const p = pending.get(ch);
      if (p && !flushedAt.has(ch) && (written.get(ch) ?? 0) >= p.bytes && (received.get(ch) ?? 0) >= p.bytes) flushedAt.set(ch, { t: e.t, seq: e.seq });
    };
    const forgotten = (ch: string, p: Pending, seq: number) =>
      out.push(violation(this, `${ch}: every byte before the close after flush (event ${p.seq}) was written and received, but the connection stayed open`, [p.seq, seq], ['cnxn.close']));
    // A write that costs time (a slow socket, or a simulation that gives calls a cost) keeps the writer busy after
    // the bytes left: the close may come that much later.
    const slack = context.timeSlackMs ?? 0;
    for (const e of trace) {
      for (const [ch, at] of flushedAt) {
        if (e.t > at.t + slack) {
          forgotten(ch, pending.get(ch)!, e.seq);
          flushedAt.delete(ch);
          pending.delete(ch);
        }
      }
      switch (e.ev) {
        case 'handlerAct':
          if (closed.has(e.ch)) break;
          if (e.act === 'send') sent.set(e.ch, { bytes: (sent.get(e.ch)?.bytes ?? 0) + (e.n ?? 0) });
          else if (e.act === 'closeAfterFlush' && !pending.has(e.ch)) {
            const s = sent.get(e.ch);
            pending.set(e.ch, { seq: e.seq, reason: e.reason ?? 'client_closed_connection', bytes: s?.bytes ?? 0 });
            settle(e.ch, e);
          }
          break;
        case 'write':
          written.set(e.ch, (written.get(e.ch) ?? 0) + e.n);
          settle(e.ch, e);
          break;
        case 'peerRecv':
          received.set(e.ch, (received.get(e.ch) ?? 0) + e.n);
          settle(e.ch, e);
          break;
        case 'peerClose':
          // The peer left: nothing owed to it can be delivered, and the server's close has that cause.
          pending.delete(e.ch);
          flushedAt.delete(e.ch);
          break;
        case 'close': {
          closed.add(e.ch);
          const p = pending.get(e.ch);
          pending.delete(e.ch);
          flushedAt.delete(e.ch);
          if (!p) break;
          const others = closes.get(e.seq)?.causes.filter((c) => c.seq !== p.seq && c.reasons.includes(e.reason)) ?? [];
          const done = written.get(e.ch) ?? 0;
          if (done < p.bytes && others.length === 0) {
            out.push(violation(this, `${e.ch} closed (${e.reason}) after writing ${done} of the ${p.bytes} bytes the handler sent before its close after flush`, [p.seq, e.seq], ['cnxn.outgoing-buffers']));
          }
          break;
        }
        default:
          break;
      }
    }
    if (context.complete && trace.length > 0) {
      for (const [ch] of flushedAt) forgotten(ch, pending.get(ch)!, trace[trace.length - 1]!.seq);
    }
    for (const m of compareSentReceived(trace)) {
      if (m.kind === 'differs') out.push(violation(this, m.message, m.evidence, ['cnxn.outgoing-buffers']));
    }
    return out;
  },
};
