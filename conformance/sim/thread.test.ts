import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError, InterruptedError } from '../../spec/errors.ts';
import { createSimulation } from './simulation.ts';

const TIMEOUT = { timeout: 10_000 };

test('[runtime.thread-identity] sim: threadStart and threadEnd carry the thread, with the error a body threw', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 12 });
  const rt = sim.runtime;
  const names: string[] = [];
  const outcome = await sim.run({
    main: async () => {
      names.push(rt.currentThread());
      const ok = rt.thread('NIOWorker-0', async () => {
        names.push(rt.currentThread());
        await rt.clock.sleep(1);
        names.push(rt.currentThread());
      });
      const bad = rt.thread('NIOWorker-1', async () => {
        await rt.clock.sleep(2);
        throw new Error('worker failed');
      });
      ok.start();
      bad.start();
      assert.throws(() => bad.start(), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_THREAD_STATE');
      await ok.join();
      await bad.join();
      assert.equal(bad.state, 'TERMINATED');
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.deepEqual(names, ['main', 'NIOWorker-0', 'NIOWorker-0']);
  const lifecycle = outcome.trace.flatMap((e) =>
    e.ev === 'threadStart' || e.ev === 'threadEnd' ? [`${e.thread} ${e.ev}${e.ev === 'threadEnd' && e.error ? ` ${e.error}` : ''}`] : [],
  );
  assert.deepEqual(lifecycle.sort(), [
    'NIOWorker-0 threadEnd',
    'NIOWorker-0 threadStart',
    'NIOWorker-1 threadEnd worker failed',
    'NIOWorker-1 threadStart',
  ]);
});

test('[runtime.thread-identity] sim: an interrupt before start is kept and ends the first blocking call', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 12 });
  const rt = sim.runtime;
  let caught: unknown;
  const outcome = await sim.run({
    main: async () => {
      const t = rt.thread('ConnnectionExpirer', async () => {
        await rt.clock.sleep(60_000).catch((e: unknown) => (caught = e));
      });
      t.interrupt();
      t.start();
      await t.join();
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.ok(caught instanceof InterruptedError);
  assert.equal(outcome.virtualTime, 0);
  const tail = outcome.trace.filter((e) => e.thread === 'ConnnectionExpirer').map((e) => e.ev);
  assert.deepEqual(tail, ['threadStart', 'sleep', 'interrupted', 'threadEnd']);
});

test('[runtime.thread-identity] sim: runtime calls from outside a run are made by main under the scheduler', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 12 });
  const rt = sim.runtime;
  const q = rt.newQueue<string>('handoff');
  const t = rt.thread('AcceptThread', async () => {
    await rt.clock.sleep(30);
    await q.offer('ch0');
  });
  t.start();
  assert.equal(await q.take(), 'ch0', 'the take drives the simulation until AcceptThread offers');
  await t.join();
  assert.equal(sim.now(), 30);
  const events = sim.trace().map((e) => `${e.t} ${e.thread} ${e.ev}`);
  assert.deepEqual([...events].sort(), [
    '0 AcceptThread sleep',
    '0 AcceptThread threadStart',
    '0 main takeBegin',
    '30 AcceptThread offer',
    '30 AcceptThread threadEnd',
    '30 main take',
  ]);
  assert.ok(events.indexOf('30 AcceptThread offer') < events.indexOf('30 main take'));
});
