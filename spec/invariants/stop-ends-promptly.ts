/**
 * After stop begins (observed.ts: the lifecycle stop fact or the close of the listening socket), every thread
 * of the factory ends within SHUTDOWN_TIMEOUT_MS of virtual time, and none of them gets there by waiting out a
 * timeout: stop must wake every select, end every sleep and interrupt every take (factory.lifecycle-stop,
 * expiry.thread). In virtual time a wakeup ends a select at once, so a select that ends empty, unwoken and at
 * its timeout after stop, or a sleep that runs its full length after stop without an interrupt, waited for time
 * instead of being woken. A thread still running when a complete run comes to rest is judged at its end.
 */

import { SHUTDOWN_TIMEOUT_MS } from '../knobs.ts';
import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { stopPoint } from './observed.ts';

/**
 * Threads that belong to the harness, not the factory: main, the scripted peers, and the request handler's own
 * request-processing threads (`RequestProcessor-<i>`, a name INTERPRETING.md reserves for the harness).
 */
function isFactoryThread(name: string): boolean {
  return name !== 'main' && !name.startsWith('peer ') && !name.startsWith('RequestProcessor-');
}

export const stopEndsPromptly: Invariant = {
  name: 'stop-ends-promptly',
  kind: 'safety',
  requirements: ['factory.lifecycle-stop', 'expiry.thread'],
  description: 'After stop every factory thread ends within the shutdown timeout, woken rather than timed out.',
  check(trace, context) {
    const stop = stopPoint(trace);
    if (!stop) return [];
    const out: Violation[] = [];
    // Work already under way when stop came (a slow call, in a simulation that gives calls a cost) may finish first.
    const deadline = stop.t + SHUTDOWN_TIMEOUT_MS + (context.timeSlackMs ?? 0);
    const running = new Map<string, number>();
    /** thread -> its select or sleep in progress. */
    const waiting = new Map<string, Extract<TraceEvent, { ev: 'selectBegin' | 'sleep' }>>();
    const interrupted = new Set<string>();
    /** Threads inside a handler call: a sleep there is the handler's time, not the factory waiting. */
    const inHandler = new Set<string>();
    for (const e of trace) {
      if (e.ev === 'handlerCall') inHandler.add(e.thread);
      if (e.ev === 'handlerReturn') inHandler.delete(e.thread);
      if (e.ev === 'threadStart' && isFactoryThread(e.name)) running.set(e.name, e.seq);
      if (e.ev === 'interrupted') interrupted.add(e.name);
      const wait = waiting.get(e.thread);
      if (wait && wait !== e) {
        // The next event of a waiting thread ends its wait; after stop, it must have ended by being woken.
        waiting.delete(e.thread);
        const length = wait.ev === 'sleep' ? wait.ms : wait.timeout;
        const timedOut =
          e.seq > stop.seq && e.t > stop.t && length !== undefined && length > 0 && e.t >= wait.t + length &&
          (wait.ev === 'sleep' ? !interrupted.has(e.thread) : e.ev === 'selectEnd' && !e.woken && e.ready.length === 0);
        if (timedOut && isFactoryThread(e.thread)) {
          const what = wait.ev === 'sleep' ? `slept its full ${length} ms` : `waited out a ${length} ms select`;
          out.push(violation(this, `${e.thread} ${what} after stop (event ${stop.seq}) instead of being woken`, [stop.seq, wait.seq, e.seq]));
        }
      }
      if (e.ev === 'selectBegin' || (e.ev === 'sleep' && !inHandler.has(e.thread))) {
        waiting.set(e.thread, e);
        interrupted.delete(e.thread);
      }
      if (e.ev === 'threadEnd') {
        running.delete(e.name);
        if (e.seq > stop.seq && e.t > deadline && isFactoryThread(e.name)) {
          out.push(violation(this, `${e.name} ended at t=${e.t}, more than ${SHUTDOWN_TIMEOUT_MS} ms after stop at t=${stop.t}`, [stop.seq, e.seq], ['factory.lifecycle-stop']));
        }
      }
    }
    const last = trace[trace.length - 1];
    if (context.complete && last) {
      for (const [name, seq] of running) {
        out.push(violation(this, `${name} was still running when the run came to rest at t=${last.t}, after stop at t=${stop.t}`, [stop.seq, seq, last.seq], ['factory.lifecycle-stop']));
      }
    }
    return out;
  },
};
