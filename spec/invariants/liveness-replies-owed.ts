/**
 * At quiescence every open connection has been served: the server has read every byte its peer sent (so no
 * request waits behind lost read interest), and has written every byte the request handler sent on it unless its
 * last write was partial (the peer is not reading, so waiting for OP_WRITE is right). What is owed is counted from
 * observations (the peers' sends, the handler's sends as the harness saw them), not from the factory's account.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

interface Flow {
  sent: number;
  read: number;
  owed: number;
  written: number;
  lastWritePartial: boolean;
  lastSeq: number;
  closed: boolean;
}

export const livenessRepliesOwed: Invariant = {
  name: 'liveness-replies-owed',
  kind: 'liveness',
  requirements: ['cnxn.interest-ops', 'cnxn.outgoing-buffers', 'selector.interest-via-update-queue', 'wire.order'],
  description: 'At quiescence every open connection has had all its peer bytes read and all the bytes the handler sent on it written.',
  check(trace, context) {
    if (!context.atQuiescence) return [];
    const flows = new Map<string, Flow>();
    const flow = (ch: string) =>
      flows.get(ch) ?? flows.set(ch, { sent: 0, read: 0, owed: 0, written: 0, lastWritePartial: false, lastSeq: -1, closed: false }).get(ch)!;
    for (const e of trace) {
      if (e.ev === 'peerSend') Object.assign(flow(e.ch), { sent: flow(e.ch).sent + e.n, lastSeq: e.seq });
      else if (e.ev === 'read' && e.n > 0) flow(e.ch).read += e.n;
      else if (e.ev === 'handlerAct' && e.act === 'send') Object.assign(flow(e.ch), { owed: flow(e.ch).owed + (e.n ?? 0), lastSeq: e.seq });
      else if (e.ev === 'write') Object.assign(flow(e.ch), { written: flow(e.ch).written + e.n, lastWritePartial: e.n < e.requested });
      else if (e.ev === 'close' || e.ev === 'peerClose') flow(e.ch).closed = true;
    }
    const out: Violation[] = [];
    for (const [ch, f] of flows) {
      if (f.closed) continue;
      if (f.read < f.sent) out.push(violation(this, `${ch}: the peer sent ${f.sent} bytes but the server read only ${f.read}`, [f.lastSeq]));
      if (f.written < f.owed && !f.lastWritePartial) {
        out.push(violation(this, `${ch}: the handler sent ${f.owed} bytes but only ${f.written} were written, and the socket was not full`, [f.lastSeq]));
      }
    }
    return out;
  },
};
