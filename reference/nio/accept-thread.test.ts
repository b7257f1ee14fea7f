/** The accept thread, in the simulation (virtual time, scripted peers, injected faults). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEcho } from './scenarios.ts';
import { channelOwners, failingSelects, nextOnThread, selectorOwners, SIM, simulate, until } from './sim-support.ts';
import { eventsOf, handshake, serveEcho } from './test-support.ts';

test('[accept.round-robin] sim: six connections go to selectors 0,1,2,0,1,2', SIM, async () => {
  const h = simulate(11);
  await withEcho(h, { numSelectorThreads: 3, numWorkerThreads: 1 }, async ({ address }) => {
    for (let i = 0; i < 6; i++) await handshake(await h.connect(address));
  });
  const owners = channelOwners(h.trace());
  const order = eventsOf(h.trace(), 'accept').map((e) => owners.get(e.ch as string));
  assert.deepEqual(order, ['SelectorThread-0', 'SelectorThread-1', 'SelectorThread-2', 'SelectorThread-0', 'SelectorThread-1', 'SelectorThread-2']);
});

test('[accept.round-robin] sim: a connection refused by the per-IP limit does not use up a turn', SIM, async () => {
  const h = simulate(12);
  await withEcho(h, { numSelectorThreads: 2, numWorkerThreads: 0 }, async ({ address }) => {
    await handshake(await h.connect(address, { ip: '10.0.0.1' }));
    await (await h.connect(address, { ip: '10.0.0.1' })).closed();
    await handshake(await h.connect(address, { ip: '10.0.0.2' }));
  }, 1);
  const trace = h.trace();
  assert.equal(eventsOf(trace, 'cnxnRefused').length, 1);
  assert.deepEqual([...channelOwners(trace).values()], ['SelectorThread-0', 'SelectorThread-1']);
});

test('[accept.per-ip-limit] sim: a burst from one address never exceeds maxClientCnxns, counting channels not yet registered', SIM, async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const h = simulate(seed);
    await withEcho(h, { numSelectorThreads: 2, numWorkerThreads: 1 }, async ({ address }) => {
      // Three connections arrive before the test looks at any of them: the accept thread may take all three
      // before a selector thread has registered the first two.
      const peers = [await h.connect(address, { ip: '10.0.0.1' }), await h.connect(address, { ip: '10.0.0.1' }), await h.connect(address, { ip: '10.0.0.1' })];
      const other = await h.connect(address, { ip: '10.0.0.2' });
      await handshake(other);
      await until(h.runtime, () => eventsOf(h.trace(), 'cnxnRefused').length === 1);
      void peers;
    }, 2);
    const trace = h.trace();
    const refused = eventsOf(trace, 'cnxnRefused');
    assert.deepEqual(refused.map((e) => [e.ip, e.why]), [['10.0.0.1', 'refused_per_ip_limit']], `seed ${seed}`);
    assert.equal(eventsOf(trace, 'cnxnCreated').filter((e) => e.ip === '10.0.0.1').length, 2, `seed ${seed}`);
    assert.ok(!eventsOf(trace, 'offer').some((e) => e.item === refused[0]?.ch), 'a refused channel is never offered');
    const close = eventsOf(trace, 'close').find((e) => e.ch === refused[0]?.ch);
    assert.deepEqual([close?.reason, close?.reset, close?.thread], ['refused_per_ip_limit', true, 'AcceptThread']);
    assert.ok(eventsOf(trace, 'log').some((e) => e.level === 'warn' && e.msg === 'Too many connections from 10.0.0.1 - max is 2'));
    assert.deepEqual(eventsOf(trace, 'acceptPaused'), [], 'a refusal after a successful accept does not pause');
  }
});

test('[accept.pause-on-failure] sim: an EMFILE from accept pauses accepting for 10 ms of virtual time, then resumes', SIM, async () => {
  const h = simulate(13, { accept: { next: 1 } });
  await withEcho(h, { numWorkerThreads: 0 }, async ({ address }) => {
    await handshake(await h.connect(address));
  });
  const trace = h.trace();
  const accepts = eventsOf(trace, 'accept');
  assert.equal(accepts.length, 2, 'one failed accept, then one that succeeds: no busy retry');
  const [failed, ok] = accepts;
  assert.match(failed?.error ?? '', /EMFILE/);
  const paused = eventsOf(trace, 'acceptPaused');
  assert.deepEqual(paused.map((e) => [e.ms, e.thread]), [[10, 'AcceptThread']]);
  const between = trace.filter((e) => e.thread === 'AcceptThread' && e.seq > (failed?.seq ?? 0) && e.seq < (ok?.seq ?? 0));
  const steps = between.filter((e) => e.ev !== 'log').map((e) => (e.ev === 'interestOps' ? `interestOps ${e.ops}` : e.ev === 'selectBegin' ? `selectBegin ${e.timeout}` : e.ev));
  assert.deepEqual(steps.slice(0, 5), ['acceptPaused', 'interestOps 0', 'selectBegin 10', 'selectEnd', 'interestOps 16']);
  assert.ok((ok?.t ?? 0) - (failed?.t ?? 0) >= 10, 'the next accept is at least 10 ms later');
});

test('[accept.handoff] sim: the accept thread offers to the chosen acceptedQueue, then wakes that selector, and never registers', SIM, async () => {
  const h = simulate(14);
  await withEcho(h, { numSelectorThreads: 2, numWorkerThreads: 2 }, async ({ address }) => {
    for (let i = 0; i < 4; i++) await handshake(await h.connect(address));
  });
  const trace = h.trace();
  const owners = selectorOwners(trace);
  const offers = eventsOf(trace, 'offer').filter((e) => e.thread === 'AcceptThread');
  assert.equal(offers.length, 4);
  for (const offer of offers) {
    const target = offer.queue.replace('acceptedQueue@', '');
    assert.ok(offer.queue.startsWith('acceptedQueue@') && offer.ok);
    const next = nextOnThread(trace, offer);
    assert.equal(next?.ev, 'wakeup');
    assert.equal(next?.ev === 'wakeup' ? owners.get(next.sel) : undefined, target, 'the woken selector is the target thread\'s');
  }
  assert.ok(!eventsOf(trace, 'register').some((e) => e.thread === 'AcceptThread'), 'the accept thread registers nothing');
});

test('[accept.handoff] sim: a refused offer closes the channel (handoff_failed) and the next one is served', SIM, async () => {
  const h = simulate(15, { offer: [{ queue: 'acceptedQueue@*', at: [0] }] });
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address, factory }) => {
    await (await h.connect(address, { ip: '10.0.0.9' })).closed();
    await handshake(await h.connect(address, { ip: '10.0.0.9' }));
    assert.equal(factory.registry.ipCount('10.0.0.9'), 1, 'the failed handoff released its per-IP reservation');
  });
  const close = eventsOf(h.trace(), 'close').find((e) => e.reason === 'handoff_failed');
  assert.deepEqual([close?.thread, close?.reset], ['AcceptThread', true]);
});

test('[accept.loop] sim: an exception in one accept pass is logged and the loop goes on accepting', SIM, async () => {
  const h = simulate(16);
  await h.run(async () => {
    // Two selector threads open selectors 0 and 1; the accept thread's is the third.
    const { factory, address } = await serveEcho(failingSelects(h.runtime, 2, 1), { numSelectorThreads: 2, numWorkerThreads: 1 });
    await handshake(await h.connect(address));
    await factory.shutdown();
  });
  const logs = eventsOf(h.trace(), 'log').filter((e) => e.thread === 'AcceptThread' && e.level === 'warn');
  assert.equal(logs.length, 1);
  assert.match(logs[0]?.msg ?? '', /injected select failure/);
  assert.equal(eventsOf(h.trace(), 'cnxnCreated').length, 1);
});
