import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError, InterruptedError } from '../../../spec/errors.ts';
import { TIMEOUT, eventsOf, tracedRuntime, until } from './test-support.ts';

test('[runtime.thread-identity] node: currentThread names the logical thread across awaits, timers and nested starts', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const seen: string[] = [];
  const inner = rt.thread('NIOWorker-0', async () => {
    seen.push(rt.currentThread());
    await rt.clock.sleep(1);
    seen.push(rt.currentThread());
  });
  const outer = rt.thread('AcceptThread', async () => {
    seen.push(rt.currentThread());
    inner.start();
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    seen.push(rt.currentThread());
    await inner.join();
  });
  assert.equal(rt.currentThread(), 'main');
  outer.start();
  assert.equal(rt.currentThread(), 'main', 'start() returns before the body runs, on the caller');
  await outer.join();
  assert.deepEqual(seen.sort(), ['AcceptThread', 'AcceptThread', 'NIOWorker-0', 'NIOWorker-0']);
  const starts = eventsOf(rt.traceEvents(), 'threadStart');
  assert.deepEqual(starts.map((e) => [e.thread, e.name]), [['AcceptThread', 'AcceptThread'], ['NIOWorker-0', 'NIOWorker-0']]);
  const sleep = eventsOf(rt.traceEvents(), 'sleep')[0];
  assert.equal(sleep?.thread, 'NIOWorker-0');
});

test('[runtime.thread-identity] node: start twice throws CNXNSPEC_ERR_THREAD_STATE and join of a NEW thread resolves at once', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const never = rt.thread('never-started', async () => {});
  await never.join();
  assert.equal(never.state, 'NEW');
  const once = rt.thread('once', async () => {});
  once.start();
  assert.throws(() => once.start(), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_THREAD_STATE');
  await once.join();
  assert.equal(once.state, 'TERMINATED');
  assert.throws(() => once.start(), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_THREAD_STATE');
});

test('[runtime.thread-identity] node: a throwing body ends its thread, traced in threadEnd, with no unhandled rejection', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  let unhandled = 0;
  const count = () => unhandled++;
  process.on('unhandledRejection', count);
  t.after(() => process.off('unhandledRejection', count));
  const failing = rt.thread('ConnnectionExpirer', async () => {
    await rt.clock.sleep(0);
    throw new Error('boom');
  });
  failing.start();
  await failing.join();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(unhandled, 0);
  assert.equal(failing.state, 'TERMINATED');
  const end = eventsOf(rt.traceEvents(), 'threadEnd')[0];
  assert.deepEqual([end?.thread, end?.name, end?.error], ['ConnnectionExpirer', 'ConnnectionExpirer', 'boom']);
});

test('[runtime.thread-identity] node: interrupt ends a blocked select with InterruptedError, traced as interrupted on that thread', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const selector = await rt.openSelector();
  let caught: unknown;
  let parked = false;
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    parked = true;
    await selector.select().catch((e: unknown) => (caught = e));
  });
  selectorThread.start();
  await until(() => parked, 'the select to start');
  selectorThread.interrupt();
  await selectorThread.join();
  assert.ok(caught instanceof InterruptedError);
  const events = rt.traceEvents().filter((e) => e.thread === 'SelectorThread-0').map((e) => e.ev);
  assert.deepEqual(events, ['threadStart', 'selectBegin', 'interrupted', 'threadEnd']);
  await selector.close();
});

test('[runtime.thread-identity] node: an interrupt made while not blocked fails the next blocking call once, then clears', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const queue = rt.newQueue<string>('work');
  const outcomes: string[] = [];
  let interrupted = false;
  const worker = rt.thread('NIOWorker-1', async () => {
    await until(() => interrupted, 'the interrupt');
    await rt.clock.sleep(1).then(
      () => outcomes.push('slept'),
      (e: unknown) => outcomes.push(e instanceof InterruptedError ? 'interrupted' : String(e)),
    );
    await queue.offer('x');
    outcomes.push(await queue.take());
  });
  worker.start();
  worker.interrupt();
  interrupted = true;
  await worker.join();
  assert.deepEqual(outcomes, ['interrupted', 'x']);
  const mine = rt.traceEvents().filter((e) => e.thread === 'NIOWorker-1').map((e) => e.ev);
  assert.deepEqual(mine, ['threadStart', 'sleep', 'interrupted', 'offer', 'takeBegin', 'take', 'threadEnd']);
});
