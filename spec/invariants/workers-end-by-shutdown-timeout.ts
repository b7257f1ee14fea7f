/**
 * The worker pool ends within the shutdownTimeout the harness gave the factory (FactoryOptions.shutdownTimeout,
 * ZooKeeper's zookeeper.nio.shutdownTimeout: how long join waits for the workers before it cuts them short).
 * From the moment stop begins (observed.ts), every worker thread (`NIOWorker-<k>`, the names nio.thread-counts
 * fixes) ends within that timeout. A worker busy in a handler call counts against it: an interrupt ends the call's
 * waiting, and a factory that lets the call run on past the timeout has not bounded its shutdown. A read or write
 * still under way cannot be cut short, so the virtual time during which some thread was inside one is added.
 * Judged only when the trace records the timeout the harness gave (`given.shutdownTimeout`); other threads are
 * bounded by stop-ends-promptly.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { givenOf, stopPoint } from './observed.ts';

export const workersEndByShutdownTimeout: Invariant = {
  name: 'workers-end-by-shutdown-timeout',
  kind: 'safety',
  requirements: ['factory.lifecycle-stop'],
  description: 'After stop every worker thread ends within the shutdownTimeout the factory was given, not counting reads and writes under way.',
  check(trace, context) {
    const timeout = givenOf(trace)?.shutdownTimeout;
    const stop = stopPoint(trace);
    if (timeout === undefined || !stop) return [];
    const spans = ioCallSpans(trace, stop.t);
    const out: Violation[] = [];
    const running = new Map<string, number>();
    const late = (name: string, t: number, seq: number, how: string) => {
      const io = coveredTime(spans, stop.t, t);
      if (t > stop.t + timeout + io) {
        out.push(violation(this, `${name} ${how} at t=${t}, more than the shutdownTimeout of ${timeout} ms after stop at t=${stop.t} (${io} ms of reads and writes under way allowed for)`, [stop.seq, seq]));
      }
    };
    for (const e of trace) {
      if (e.ev === 'threadStart' && isWorker(e.name)) running.set(e.name, e.seq);
      if (e.ev === 'threadEnd' && isWorker(e.name)) {
        running.delete(e.name);
        if (e.seq > stop.seq) late(e.name, e.t, e.seq, 'ended');
      }
    }
    const last = trace[trace.length - 1];
    if (context.complete && last) for (const name of running.keys()) late(name, last.t, last.seq, 'was still running when the run came to rest');
    return out;
  },
};

function isWorker(name: string): boolean {
  return name.startsWith('NIOWorker-');
}

/** [from, to] virtual-time spans in which some thread was inside a read or write call, from `after` on. */
function ioCallSpans(trace: readonly TraceEvent[], after: number): [number, number][] {
  const spans: [number, number][] = [];
  const inCall = new Map<string, number>();
  for (const e of trace) {
    const began = inCall.get(e.thread);
    if (began !== undefined) {
      inCall.delete(e.thread);
      if (e.t > began && e.t > after) spans.push([Math.max(began, after), e.t]);
    }
    if (e.ev === 'read' || e.ev === 'write') inCall.set(e.thread, e.t);
  }
  return spans;
}

/** How much of [from, to] the spans cover, overlaps counted once. */
function coveredTime(spans: readonly [number, number][], from: number, to: number): number {
  const clipped = spans
    .map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
