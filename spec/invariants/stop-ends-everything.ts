/**
 * After stop, nothing is left behind: every thread the factory started has ended, every accepted channel and
 * listening socket is closed, and every selector that was used is closed.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

export const stopEndsEverything: Invariant = {
  name: 'stop-ends-everything',
  kind: 'liveness',
  requirements: ['factory.lifecycle-stop'],
  description: 'After stop, at quiescence: every thread ended, every channel, listener and selector closed.',
  check(trace, context) {
    if (!context.atQuiescence) return [];
    const stop = trace.find((e) => e.ev === 'lifecycle' && e.phase === 'stop');
    if (!stop) return [];
    const threads = new Map<string, number>();
    const channels = new Map<string, number>();
    const selectors = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'threadStart' && e.name !== 'main') threads.set(e.name, e.seq);
      else if (e.ev === 'threadEnd') threads.delete(e.name);
      else if (e.ev === 'accept' && e.ch) channels.set(e.ch, e.seq);
      else if (e.ev === 'bind') channels.set(e.ss, e.seq);
      else if (e.ev === 'close') channels.delete(e.ch);
      else if (e.ev === 'selectBegin' && !selectors.has(e.sel)) selectors.set(e.sel, e.seq);
      else if (e.ev === 'selectorClose') selectors.set(e.sel, -1);
    }
    const out: Violation[] = [];
    for (const [name, seq] of threads) out.push(violation(this, `thread ${name} is still running after stop`, [stop.seq, seq]));
    for (const [ch, seq] of channels) out.push(violation(this, `${ch} is still open after stop`, [stop.seq, seq]));
    for (const [sel, seq] of selectors) if (seq >= 0) out.push(violation(this, `selector ${sel} is still open after stop`, [stop.seq, seq]));
    return out;
  },
};
