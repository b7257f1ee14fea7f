/**
 * Simulated steps per second of conformance/sim for a few thread counts, plus an echo server with many peers.
 * Run: npx tsx bench/sim-steps.ts   (bounded: every case stops at its step budget or after 8 s of real time)
 *
 * Ring: N threads pass N tokens around a ring of queues (take, offer, selectNow, sleep(0) per round), so every
 * step is a real runtime call and every thread stays busy; the strategy is the seeded random walk.
 */

import { performance } from 'node:perf_hooks';
import type { HostRuntime } from '../spec/runtime.ts';
import { createSimulation } from '../conformance/sim/simulation.ts';
import { echoServer } from '../conformance/sim/test-scenarios.ts';

const STEPS = 200_000;
const REAL_TIME_BUDGET_MS = 8_000;

function ring(threads: number) {
  return async (rt: HostRuntime): Promise<void> => {
    const queues = Array.from({ length: threads }, (_, i) => rt.newQueue<number>(`ring-${i}`));
    const selector = await rt.openSelector();
    for (let i = 0; i < threads; i++) await queues[i]!.offer(i);
    const all = queues.map((q, i) =>
      rt.thread(`NIOWorker-${i}`, async () => {
        for (;;) {
          const token = await q.take();
          await queues[(i + 1) % threads]!.offer(token);
          await selector.selectNow();
          await rt.clock.sleep(0);
        }
      }),
    );
    for (const t of all) t.start();
    for (const t of all) await t.join();
  };
}

interface Result {
  readonly name: string;
  readonly steps: number;
  readonly events: number;
  readonly ms: number;
}

async function measure(name: string, main: (rt: HostRuntime) => Promise<void>, peers: number): Promise<Result> {
  const sim = createSimulation({
    seed: 1,
    maxSteps: STEPS,
    peers: Array.from({ length: peers }, (_, i) => ({
      ip: `10.0.${i >> 8}.${i & 255}`,
      port: 2181,
      at: i,
      actions: [{ do: 'send' as const, data: 'hello, zookeeper', chunks: [3, 5] }, { do: 'expect' as const, n: 16 }, { do: 'close' as const }],
    })),
  });
  console.log(`running ${name}...`);
  const started = performance.now();
  const deadline = started + REAL_TIME_BUDGET_MS;
  const outcome = await sim.run({ main, until: () => performance.now() > deadline });
  const ms = performance.now() - started;
  const result = { name, steps: outcome.steps, events: outcome.trace.length, ms };
  console.log(
    `${name.padEnd(28)} ${String(result.steps).padStart(7)} steps ${String(result.events).padStart(7)} events ` +
      `${ms.toFixed(0).padStart(6)} ms  ${Math.round((result.steps / ms) * 1000).toLocaleString('en-US').padStart(9)} steps/s  (${outcome.status})`,
  );
  return result;
}

const results: Result[] = [];
for (const threads of [1, 4, 16, 64]) results.push(await measure(`ring, ${threads} thread(s)`, ring(threads), 0));
results.push(await measure('echo server, 500 peers', (rt) => echoServer(rt, 2181, 500), 500));
const total = results.reduce((s, r) => s + r.steps, 0);
const ms = results.reduce((s, r) => s + r.ms, 0);
console.log(`total: ${total} steps in ${(ms / 1000).toFixed(1)} s, ${Math.round((total / ms) * 1000).toLocaleString('en-US')} steps/s`);
