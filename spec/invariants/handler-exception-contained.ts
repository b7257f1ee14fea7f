/**
 * An exception never kills a thread of the factory: no factory thread ends with an error (a thread's body must
 * not end with an uncaught exception, and the accept and selector loops survive exceptions in a pass), and a
 * thread on which the handler threw goes on to block in its loop again or ends cleanly. A complete run that
 * comes to rest with such a thread never having blocked again means it stopped making progress.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';

const LOOP_WAITS = new Set<TraceEvent['ev']>(['selectBegin', 'takeBegin', 'sleep']);

export const handlerExceptionContained: Invariant = {
  name: 'handler-exception-contained',
  kind: 'safety',
  requirements: ['factory.host-runtime-only', 'selector.loop', 'accept.loop'],
  description: 'No factory thread dies of an exception, and one on which the handler threw returns to its loop.',
  check(trace, context) {
    const out: Violation[] = [];
    /** thread -> the handlerReturn that threw and has not been followed by a loop wait yet. */
    const threw = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'threadEnd' && e.name !== 'main' && e.error !== undefined) {
        const loop = /^AcceptThread/.test(e.name) ? 'accept.loop' : /^SelectorThread/.test(e.name) ? 'selector.loop' : 'factory.host-runtime-only';
        out.push(violation(this, `thread ${e.name} died of an exception: ${e.error}`, [...(threw.has(e.name) ? [threw.get(e.name)!] : []), e.seq], [loop, 'factory.host-runtime-only']));
        threw.delete(e.name);
      } else if (e.ev === 'handlerReturn' && e.threw !== undefined) threw.set(e.thread, e.seq);
      else if (LOOP_WAITS.has(e.ev) || e.ev === 'threadEnd') threw.delete(e.thread);
    }
    const last = trace[trace.length - 1];
    if (context.complete && last) {
      for (const [thread, seq] of threw) {
        out.push(violation(this, `${thread} never returned to its loop after the handler threw (event ${seq})`, [seq, last.seq], ['factory.host-runtime-only']));
      }
    }
    return out;
  },
};
