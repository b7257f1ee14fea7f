import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError } from '../../spec/errors.ts';
import { createSimulation } from './simulation.ts';
import { simHarness } from './harness.ts';

const TIMEOUT = { timeout: 10_000 };

test('[runtime.deterministic-replay] sim: the step bound ends a busy run as step-bound, never a hang', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 4, maxSteps: 500 });
  const rt = sim.runtime;
  const outcome = await sim.run({
    main: async () => {
      const selector = await rt.openSelector();
      for (;;) await selector.selectNow();
    },
  });
  assert.equal(outcome.status, 'step-bound');
  assert.equal(outcome.steps, 500);
});

test('[runtime.sticky-wakeup] sim: a lost wakeup is a deadlock: the queue holds work while the selector sleeps', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 9 });
  const rt = sim.runtime;
  const selector = await rt.openSelector();
  const accepted = rt.newQueue<string>('acceptedQueue@SelectorThread-0');
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    for (;;) {
      await selector.select();
      while ((await accepted.poll()) !== undefined);
    }
  });
  // The bug: offer without wakeup.
  const acceptThread = rt.thread('AcceptThread', async () => {
    await rt.clock.sleep(10);
    await accepted.offer('ch0');
  });
  selectorThread.start();
  acceptThread.start();
  const outcome = await sim.run();
  assert.equal(outcome.status, 'deadlock');
  assert.deepEqual(outcome.blocked, [{ thread: 'SelectorThread-0', on: 'select sel0' }]);
  assert.deepEqual(outcome.pending, ['queue acceptedQueue@SelectorThread-0 holds 1 item(s)']);
});

test('[runtime.thread-identity] sim: threads waiting with no work pending end the run quiescent, listed by name', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 9 });
  const rt = sim.runtime;
  const work = rt.newQueue<string>('work');
  rt.thread('NIOWorker-0', async () => void (await work.take())).start();
  rt.thread('NIOWorker-1', async () => void (await work.take())).start();
  const outcome = await sim.run();
  assert.equal(outcome.status, 'quiescent');
  assert.deepEqual(outcome.blocked, [
    { thread: 'NIOWorker-0', on: 'take work' },
    { thread: 'NIOWorker-1', on: 'take work' },
  ]);
  assert.deepEqual(outcome.pending, []);
});

test('[runtime.thread-identity] sim: a thread that awaits a timer outside the runtime fails the run, named', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 1 });
  const rt = sim.runtime;
  const outcome = await sim.run({
    main: async () => {
      const t = rt.thread('NIOWorker-7', async () => {
        await rt.clock.sleep(1);
        // Long enough that the watchdog's three macrotask turns come first even on a loaded machine (a 50 ms
        // timer could fire between two turns there and let the thread go on); unref'd so it holds nothing open.
        await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
        await rt.clock.sleep(1);
      });
      t.start();
      await t.join();
    },
  });
  assert.equal(outcome.status, 'error');
  assert.ok(outcome.error instanceof CnxnspecError);
  assert.equal(outcome.error.code, 'CNXNSPEC_ERR_SIM');
  assert.match(outcome.error.message, /thread NIOWorker-7 awaited something outside the host runtime/);
  // The simulation stays failed: a later run reports the same error at once.
  assert.equal((await sim.run()).error, outcome.error);
});

test('[runtime.thread-identity] sim: one setImmediate between runtime calls is tolerated', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 1 });
  const rt = sim.runtime;
  const outcome = await sim.run({
    main: async () => {
      await rt.clock.sleep(1);
      await new Promise((resolve) => setImmediate(resolve));
      await rt.clock.sleep(1);
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
});

test('[runtime.thread-identity] sim: two runtime calls at once from one thread fail the run', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 1 });
  const rt = sim.runtime;
  const q = rt.newQueue<string>('q');
  const outcome = await sim.run({ main: async () => void (await Promise.all([q.offer('a'), q.offer('b')])) });
  assert.equal(outcome.status, 'error');
  assert.match(String((outcome.error as Error).message), /two runtime calls at once/);
});

test('[runtime.thread-identity] sim: harness run rejects a deadlocked body with the replay token', TIMEOUT, async () => {
  const h = await simHarness({ seed: 5 });
  const q = h.runtime.newQueue<string>('never-fed');
  const other = h.runtime.newQueue<string>('stranded');
  await assert.rejects(
    h.run(async () => {
      await other.offer('x');
      await q.take();
    }),
    (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_SIM' && /deadlock.*main \(take never-fed\).*replay: c1\.s5\.r/.test(e.message),
  );
});

test('[runtime.thread-identity] sim: harness run rethrows what the body threw', TIMEOUT, async () => {
  const h = await simHarness({ seed: 5 });
  await assert.rejects(
    h.run(async () => {
      await h.runtime.clock.sleep(1);
      throw new Error('boom');
    }),
    /boom/,
  );
});
