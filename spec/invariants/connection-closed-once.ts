/**
 * The handler hears of every connection's close exactly once (RequestHandler.connectionClosed; cnxn.close makes
 * close idempotent), with the reason the close recorded, and never of a connection that was not created: a
 * connection exists once the factory reports it (cnxnCreated) or hands its handler a frame. A complete run that
 * comes to rest with a created connection closed but never reported is judged at its end. Only traces in which
 * the harness watched the handler boundary are judged.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { harnessObserved } from './observed.ts';

export const connectionClosedOnce: Invariant = {
  name: 'connection-closed-once',
  kind: 'safety',
  requirements: ['cnxn.close'],
  description: 'connectionClosed is called exactly once for every created connection that closed, with its close reason, and never for any other.',
  check(trace, context) {
    if (!harnessObserved(trace)) return [];
    const out: Violation[] = [];
    const created = new Set<string>();
    const closed = new Map<string, { seq: number; reason: string }>();
    const told = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'cnxnCreated' || e.ev === 'handlerCall') created.add(e.ch);
      else if (e.ev === 'close') closed.set(e.ch, { seq: e.seq, reason: e.reason });
      else if (e.ev === 'connectionClosed') {
        const before = told.get(e.ch);
        if (!created.has(e.ch)) out.push(violation(this, `the handler was told ${e.ch} closed, but it was never created`, [e.seq]));
        else if (before !== undefined) out.push(violation(this, `the handler was told twice that ${e.ch} closed`, [before, e.seq]));
        const close = closed.get(e.ch);
        if (close && close.reason !== e.reason) out.push(violation(this, `${e.ch} closed with ${close.reason}, but the handler was told ${e.reason}`, [close.seq, e.seq]));
        told.set(e.ch, e.seq);
      }
    }
    const last = trace[trace.length - 1];
    if (context.complete && last) {
      for (const [ch, close] of closed) {
        if (created.has(ch) && !told.has(ch)) out.push(violation(this, `${ch} closed but the handler was never told`, [close.seq, last.seq]));
      }
    }
    return out;
  },
};
