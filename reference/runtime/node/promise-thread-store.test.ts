import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterruptedError } from '../../../spec/errors.ts';
import { createNodeRuntime } from './node-runtime.ts';
import { TIMEOUT, tracedRuntime } from './test-support.ts';

/** A runtime with tracing off: the one `cnxnspec serve` runs on, whose threads are carried by promise hooks. */
function quietRuntime(t: { after(fn: () => unknown): void }) {
  const rt = createNodeRuntime({ logger: { log: () => {} } });
  t.after(() => rt.dispose());
  return rt;
}

test('[runtime.thread-identity] node, tracing off: currentThread names each thread across awaits, timers, queue hand-offs and runAs', TIMEOUT, async (t) => {
  const rt = quietRuntime(t);
  const queue = rt.newQueue<number>('q');
  const seen: string[] = [];
  const taker = rt.thread('NIOWorker-1', async () => {
    for (let i = 0; i < 3; i++) {
      await queue.take();
      seen.push(rt.currentThread());
    }
  });
  const offerer = rt.thread('SelectorThread-0', async () => {
    for (let i = 0; i < 3; i++) {
      await rt.clock.sleep(1);
      seen.push(rt.currentThread());
      await queue.offer(i);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      seen.push(rt.currentThread());
    }
  });
  taker.start();
  offerer.start();
  assert.equal(rt.currentThread(), 'main');
  await rt.runAs('main', async () => {
    await offerer.join();
    await taker.join();
  });
  assert.equal(rt.currentThread(), 'main');
  assert.deepEqual([...seen].sort(), [...Array(3).fill('NIOWorker-1'), ...Array(6).fill('SelectorThread-0')]);
  // A second runtime in the same process sees none of the first one's threads.
  const other = quietRuntime(t);
  const names: string[] = [];
  const mixed = rt.thread('AcceptThread', async () => {
    await rt.clock.sleep(1);
    names.push(rt.currentThread(), other.currentThread());
  });
  mixed.start();
  await mixed.join();
  assert.deepEqual(names, ['AcceptThread', 'main']);
});

test('[runtime.thread-identity] node, tracing off: interrupts reach the parked thread, or its next blocking call, and no other', TIMEOUT, async (t) => {
  const rt = quietRuntime(t);
  const queue = rt.newQueue<number>('work');
  const outcomes: string[] = [];
  const parked = rt.thread('NIOWorker-1', async () => {
    try {
      await queue.take();
      outcomes.push('NIOWorker-1 took');
    } catch (err) {
      outcomes.push(err instanceof InterruptedError ? 'NIOWorker-1 interrupted' : String(err));
    }
  });
  const bystander = rt.thread('NIOWorker-2', async () => {
    outcomes.push(`NIOWorker-2 took ${await queue.take()}`);
  });
  parked.start();
  bystander.start();
  await new Promise<void>((resolve) => setTimeout(resolve, 5));
  parked.interrupt();
  await parked.join();
  await queue.offer(7);
  await bystander.join();
  // An interrupt while not parked is remembered by that thread, and its next blocking call fails at once.
  const early = rt.thread('ConnnectionExpirer', async () => {
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    try {
      await rt.clock.sleep(10_000);
      outcomes.push('slept');
    } catch (err) {
      outcomes.push(err instanceof InterruptedError ? 'ConnnectionExpirer interrupted' : String(err));
    }
  });
  early.start();
  early.interrupt();
  await early.join();
  assert.deepEqual(outcomes, ['NIOWorker-1 interrupted', 'NIOWorker-2 took 7', 'ConnnectionExpirer interrupted']);
});

test('[runtime.thread-identity] node: a traced and an untraced runtime in one process each name their own threads', TIMEOUT, async (t) => {
  const traced = tracedRuntime(t);
  const quiet = quietRuntime(t);
  const seen: string[] = [];
  const a = traced.thread('A', async () => {
    await traced.clock.sleep(1);
    seen.push(`traced:${traced.currentThread()} quiet:${quiet.currentThread()}`);
  });
  const b = quiet.thread('B', async () => {
    await quiet.clock.sleep(1);
    seen.push(`traced:${traced.currentThread()} quiet:${quiet.currentThread()}`);
  });
  a.start();
  b.start();
  await a.join();
  await b.join();
  assert.deepEqual(seen.sort(), ['traced:A quiet:main', 'traced:main quiet:B']);
});
