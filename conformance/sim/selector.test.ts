import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError } from '../../spec/errors.ts';
import { OP_READ, type HostRuntime } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { createSimulation } from './simulation.ts';
import type { SchedulingStrategy } from './strategy.ts';

const TIMEOUT = { timeout: 10_000 };

/** Always runs the runnable actor that comes first in `order` (others after, in their own order). */
function priority(order: readonly string[]): SchedulingStrategy {
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return {
    name: 'priority',
    pick: (runnable) => runnable.reduce((best, name, i) => (rank(name) < rank(runnable[best]!) ? i : best), 0),
  };
}

/**
 * SelectorThread-0 selects twice on a channel; at t = 10 the peer writes to it and AcceptThread wakes the
 * selector, in the order `order` gives them.
 */
async function raceWakeupWithData(order: readonly string[]) {
  const sim = createSimulation({
    strategy: priority(order),
    peers: [{ port: 2181, actions: [{ do: 'idle', ms: 10 }, { do: 'send', data: 'x' }] }],
  });
  const outcome = await sim.run({
    main: async (rt: HostRuntime) => {
      const server = await rt.openServerSocket();
      await server.bind({ host: '0.0.0.0', port: 2181 }, -1);
      let ch = await server.accept();
      while (!ch) {
        await rt.clock.sleep(1);
        ch = await server.accept();
      }
      const selector = await rt.openSelector();
      await ch.register(selector, OP_READ);
      const waker = rt.thread('AcceptThread', async () => {
        await rt.clock.sleep(10 - rt.clock.now());
        await selector.wakeup();
      });
      const selecting = rt.thread('SelectorThread-0', async () => {
        await selector.select();
        await selector.select();
      });
      waker.start();
      selecting.start();
      await selecting.join();
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  return outcome.trace.flatMap((e: TraceEvent) => (e.ev === 'selectEnd' ? [`t=${e.t} woken=${e.woken} ready=${e.ready.length}`] : []));
}

test('[runtime.sticky-wakeup] sim: a wakeup that finds the select already settled stays pending for the next select', TIMEOUT, async () => {
  // Data first: the select settles on readiness; the wakeup after it is kept for the next select.
  const dataFirst = await raceWakeupWithData(['main', 'peer 127.0.0.1#0', 'AcceptThread', 'SelectorThread-0']);
  assert.deepEqual(dataFirst, ['t=10 woken=false ready=1', 't=10 woken=true ready=1']);
  // Wakeup first: it ends the select; the data makes the next select return.
  const wakeupFirst = await raceWakeupWithData(['main', 'AcceptThread', 'SelectorThread-0', 'peer 127.0.0.1#0']);
  assert.deepEqual(wakeupFirst, ['t=10 woken=true ready=0', 't=10 woken=false ready=1']);
});

test('[runtime.sticky-wakeup] sim: wakeups collapse: two before a select make one woken select', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 3 });
  const outcome = await sim.run({
    main: async (rt) => {
      const selector = await rt.openSelector();
      await selector.wakeup();
      await selector.wakeup();
      await selector.select(100);
      await selector.select(100);
      assert.equal(rt.clock.now(), 100, 'the second select waited for its timeout');
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.deepEqual(
    outcome.trace.flatMap((e) => (e.ev === 'selectEnd' ? [e.woken] : [])),
    [true, false],
  );
});

test('[runtime.level-triggered] sim: cancelled keys are never returned and leave keys() at the next select', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 3, peers: [{ port: 2181, actions: [{ do: 'send', data: 'abc' }] }] });
  const outcome = await sim.run({
    main: async (rt) => {
      const server = await rt.openServerSocket();
      await server.bind({ host: '0.0.0.0', port: 2181 }, -1);
      let ch = await server.accept();
      while (!ch) {
        await rt.clock.sleep(1);
        ch = await server.accept();
      }
      const selector = await rt.openSelector();
      const key = await ch.register(selector, OP_READ);
      while ((await selector.selectNow()).length === 0) await rt.clock.sleep(1);
      await key.cancel();
      assert.equal(selector.keys().length, 1, 'still listed until the next select');
      assert.deepEqual(await selector.selectNow(), []);
      assert.equal(selector.keys().length, 0);
      assert.equal(ch.keyFor(selector), undefined);
      const again = await ch.register(selector, OP_READ);
      assert.notEqual(again, key);
      assert.deepEqual(await selector.selectNow(), [again]);
      await selector.close();
      assert.equal(again.isValid(), false);
      await assert.rejects(selector.select(), (e) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CLOSED_SELECTOR');
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
});

test('[runtime.sticky-wakeup] sim: closing a selector ends a select in progress with no keys', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 5 });
  const outcome = await sim.run({
    main: async (rt) => {
      const selector = await rt.openSelector();
      const t = rt.thread('SelectorThread-0', async () => void (await selector.select()));
      t.start();
      await rt.clock.sleep(5);
      await selector.close();
      await t.join();
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  const end = outcome.trace.find((e) => e.ev === 'selectEnd');
  assert.deepEqual(end && [end.t, end.ready, end.woken], [5, [], false]);
});
