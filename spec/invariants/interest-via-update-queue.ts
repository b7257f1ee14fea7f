/**
 * Interest ops of a client key change only on the owning selector thread, and only for a reason it can see:
 * clearing them (ops 0) right after a select reported the key ready, or restoring them right after it polled
 * the key from its updateQueue. A worker that sets them itself races with select.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { indexTrace, isClientChannel, queueKind, queueOwner } from './trace-index.ts';

export const interestViaUpdateQueue: Invariant = {
  name: 'interest-via-update-queue',
  kind: 'safety',
  requirements: ['selector.interest-via-update-queue', 'selector.handoff-io'],
  description: 'interestOps on a client key happen on its selector thread, after a select that reported it or a poll of it from the updateQueue.',
  check(trace) {
    const index = indexTrace(trace);
    const out: Violation[] = [];
    /** key -> the seq of the event that licenses its next interestOps (ready in select, or polled). */
    const licence = new Map<string, { seq: number; kind: 'ready' | 'polled' }>();
    for (const e of trace) {
      if (e.ev === 'selectEnd') {
        for (const r of e.ready) licence.set(r.key, { seq: e.seq, kind: 'ready' });
      } else if (e.ev === 'poll' && e.item !== null && queueKind(e.queue) === 'updateQueue' && queueOwner(e.queue) === e.thread) {
        licence.set(e.item, { seq: e.seq, kind: 'polled' });
      } else if (e.ev === 'interestOps' && isClientChannel(e.ch)) {
        const problem = judge(e, index.selectorOwner.get(index.keySelector.get(e.key) ?? ''), licence.get(e.key));
        if (problem) out.push(violation(this, problem.message, problem.evidence));
        licence.delete(e.key);
      }
    }
    return out;
  },
};

function judge(
  e: Extract<TraceEvent, { ev: 'interestOps' }>,
  owner: string | undefined,
  licence: { seq: number; kind: 'ready' | 'polled' } | undefined,
): { message: string; evidence: number[] } | undefined {
  if (owner !== undefined && owner !== e.thread) {
    return { message: `${e.thread} set interest ops ${e.ops} on ${e.key} (${e.ch}); only ${owner} may`, evidence: [e.seq] };
  }
  if (!licence) {
    return { message: `interest ops of ${e.key} (${e.ch}) set to ${e.ops} with no select report or updateQueue poll before it`, evidence: [e.seq] };
  }
  if (e.ops !== 0 && licence.kind !== 'polled') {
    return {
      message: `interest ops of ${e.key} (${e.ch}) restored to ${e.ops} without polling it from the updateQueue`,
      evidence: [licence.seq, e.seq],
    };
  }
  return undefined;
}
