import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../spec/trace/events.ts';
import type { CostModel } from './costs.ts';
import { createSimulation } from './simulation.ts';
import { echoServer } from './test-scenarios.ts';

const TIMEOUT = { timeout: 30_000 };

const peers = [
  { ip: '10.0.0.1', port: 2181, actions: [{ do: 'send' as const, data: 'hello' }, { do: 'expect' as const, n: 5 }, { do: 'close' as const }] },
  // Connects while a costly read is still working.
  { ip: '10.0.0.2', port: 2181, at: 100, actions: [{ do: 'close' as const }] },
];

async function echoUnder(costs: CostModel | undefined): Promise<readonly TraceEvent[]> {
  const sim = createSimulation({ seed: 3, peers, ...(costs ? { costs } : {}) });
  const outcome = await sim.run({ main: (rt) => echoServer(rt, 2181, 2) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  return outcome.trace;
}

test('[runtime.virtual-time] sim: a read that costs 300 ms does its work at once and keeps its thread in the call for 300 virtual ms', TIMEOUT, async () => {
  const free = await echoUnder(undefined);
  const costly = await echoUnder({ readMs: 300 });
  const firstRead = (trace: readonly TraceEvent[]) => trace.find((e) => e.ev === 'read')!;
  const afterIt = (trace: readonly TraceEvent[]) => trace.find((e) => e.seq > firstRead(trace).seq && e.thread === firstRead(trace).thread)!;
  assert.equal(firstRead(costly).t, firstRead(free).t, 'the read itself happens when the call is picked');
  assert.equal(afterIt(costly).t - firstRead(costly).t, 300, 'the thread resumes once the cost has passed');
  const others = costly.filter((e) => e.seq > firstRead(costly).seq && e.seq < afterIt(costly).seq && e.thread !== firstRead(costly).thread);
  assert.ok(others.some((e) => e.ev === 'peerConnect' && e.t === 100), 'other actors ran while the read was working');
  assert.equal(afterIt(free).t, firstRead(free).t, 'with no cost nothing waits');
  // The peer received the echo all the same: costs change timing, not behaviour.
  assert.equal(costly.reduce((n, e) => n + (e.ev === 'peerRecv' ? e.n : 0), 0), 5);
});

test('[runtime.virtual-time] sim: per-channel write costs apply to that channel only, and a bad cost is refused naming the field', TIMEOUT, async () => {
  const trace = await echoUnder({ channels: { ch1: { writeMs: 50 } } });
  const write = trace.find((e) => e.ev === 'write')!;
  const next = trace.find((e) => e.seq > write.seq && e.thread === write.thread)!;
  assert.equal(next.t, write.t, `ch1 is not the echoed channel (${write.ev === 'write' ? write.ch : ''}), so its write is free`);
  const slow = await echoUnder({ channels: { ch0: { writeMs: 50 } } });
  const slowWrite = slow.find((e) => e.ev === 'write')!;
  assert.equal(slow.find((e) => e.seq > slowWrite.seq && e.thread === slowWrite.thread)!.t - slowWrite.t, 50);
  assert.throws(() => createSimulation({ costs: { readMs: -1 } }), (e: Error & { code?: string }) => e.code === 'CNXNSPEC_ERR_CONFIG' && /readMs is -1/.test(e.message));
});
