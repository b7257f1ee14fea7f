import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { OP_READ, type SocketChannel } from '../../spec/runtime.ts';
import { createSimulation } from './simulation.ts';

const TIMEOUT = { timeout: 10_000 };
const TEN_MINUTES = 10 * 60 * 1000;

test('[runtime.virtual-time] sim: a 10-minute sleep ends at once in real time, at exactly t + 10 min', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 3 });
  const rt = sim.runtime;
  let woke = -1;
  const started = performance.now();
  const outcome = await sim.run({
    main: async () => {
      const sleeper = rt.thread('ConnnectionExpirer', async () => {
        await rt.clock.sleep(5);
        await rt.clock.sleep(TEN_MINUTES);
        woke = rt.clock.now();
      });
      sleeper.start();
      await sleeper.join();
    },
  });
  assert.ok(performance.now() - started < 1_000, 'no real time is spent waiting');
  assert.equal(outcome.status, 'done');
  assert.equal(woke, 5 + TEN_MINUTES);
  assert.equal(outcome.virtualTime, 5 + TEN_MINUTES);
  const sleeps = outcome.trace.filter((e) => e.ev === 'sleep');
  assert.deepEqual(sleeps.map((e) => e.t), [0, 5]);
  const end = outcome.trace.find((e) => e.ev === 'threadEnd');
  assert.equal(end?.t, 5 + TEN_MINUTES);
});

test('[runtime.virtual-time] sim: time moves only when nothing is runnable, to the earliest deadline', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 11 });
  const rt = sim.runtime;
  const seen: [string, number][] = [];
  const outcome = await sim.run({
    main: async () => {
      const selector = await rt.openSelector();
      const a = rt.thread('SelectorThread-0', async () => {
        const keys = await selector.select(250);
        seen.push([`select ${keys.length}`, rt.clock.now()]);
      });
      const b = rt.thread('NIOWorker-0', async () => {
        for (let i = 0; i < 3; i++) await rt.clock.sleep(100);
        seen.push(['slept 300', rt.clock.now()]);
      });
      a.start();
      b.start();
      await a.join();
      await b.join();
    },
  });
  assert.equal(outcome.status, 'done');
  assert.deepEqual(seen, [
    ['select 0', 250],
    ['slept 300', 300],
  ]);
  const end = outcome.trace.find((e) => e.ev === 'selectEnd');
  assert.deepEqual(end && { t: end.t, ready: end.ready, woken: end.woken }, { t: 250, ready: [], woken: false });
});

test('[runtime.virtual-time] sim: a peer idle for 5 s sends at t = 5000 and wakes the select then', TIMEOUT, async () => {
  const sim = createSimulation({
    seed: 2,
    peers: [{ ip: '10.0.0.9', port: 2181, actions: [{ do: 'idle', ms: 5_000 }, { do: 'send', data: 'ruok' }] }],
  });
  const rt = sim.runtime;
  let readAt = -1;
  const outcome = await sim.run({
    main: async () => {
      const server = await rt.openServerSocket();
      await server.bind({ host: '0.0.0.0', port: 2181 }, -1);
      let ch: SocketChannel | null = null;
      while (!ch) {
        ch = await server.accept();
        if (!ch) await rt.clock.sleep(1);
      }
      const selector = await rt.openSelector();
      await ch.register(selector, OP_READ);
      await selector.select();
      readAt = rt.clock.now();
      assert.equal(await ch.read(new Uint8Array(8)), 4);
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.equal(readAt, 5_000);
  const send = outcome.trace.find((e) => e.ev === 'peerSend');
  assert.equal(send?.t, 5_000);
  assert.equal(send?.thread, 'peer 10.0.0.9#0');
});

test('[runtime.virtual-time] sim: passing maxVirtualTime ends the run as time-bound, never a hang', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 1, maxVirtualTime: 60_000 });
  const rt = sim.runtime;
  const outcome = await sim.run({
    main: async () => {
      for (;;) await rt.clock.sleep(1_000);
    },
  });
  assert.equal(outcome.status, 'time-bound');
  assert.equal(outcome.virtualTime, 60_000);
});
