import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMEOUT, eventsOf, tracedRuntime, until } from './test-support.ts';

test('[runtime.trace-per-operation] node: a full queue refuses an offer, poll never blocks, and items are traced by id', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const queue = rt.newQueue<{ id: string } | number>('updateQueue@SelectorThread-0', 2);
  assert.equal(await queue.offer({ id: 'k3' }), true);
  assert.equal(await queue.offer(7), true);
  assert.equal(await queue.offer(8), false);
  assert.equal(queue.size(), 2);
  assert.deepEqual(await queue.poll(), { id: 'k3' });
  queue.clear();
  assert.equal(queue.size(), 0);
  assert.equal(await queue.poll(), undefined);
  const events = rt.traceEvents();
  assert.deepEqual(eventsOf(events, 'offer').map((e) => [e.item, e.ok]), [['k3', true], ['7', true], ['8', false]]);
  assert.deepEqual(eventsOf(events, 'poll').map((e) => e.item), ['k3', null]);
});

test('[runtime.thread-identity] node: take parks until another thread offers, and takers are served in order', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const queue = rt.newQueue<string>('acceptedQueue@SelectorThread-0');
  const got: string[] = [];
  const takers = ['NIOWorker-0', 'NIOWorker-1'].map((name) =>
    rt.thread(name, async () => {
      got.push(`${rt.currentThread()}:${await queue.take()}`);
    }),
  );
  for (const taker of takers) taker.start();
  await until(() => eventsOf(rt.traceEvents(), 'takeBegin').length === 2, 'both takers to park');
  const producer = rt.thread('AcceptThread', async () => {
    await queue.offer('ch0');
    await queue.offer('ch1');
  });
  producer.start();
  await Promise.all([producer.join(), ...takers.map((taker) => taker.join())]);
  assert.deepEqual(got, ['NIOWorker-0:ch0', 'NIOWorker-1:ch1']);
  const takes = eventsOf(rt.traceEvents(), 'take');
  assert.deepEqual(takes.map((e) => [e.thread, e.item]), [['NIOWorker-0', 'ch0'], ['NIOWorker-1', 'ch1']]);
  assert.equal(queue.size(), 0, 'handed over, not left behind');
});
