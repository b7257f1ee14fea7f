/** IO work: exclusivity per connection, and running with 0 workers, in the simulation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { pipelineScenario, withEcho } from './scenarios.ts';
import { channelOwners, nextOnThread, selectorOwners, SIM, simulate } from './sim-support.ts';
import { eventsOf, handshake, readReply, requestFrame } from './test-support.ts';
import { WorkerService, type WorkRequest } from './worker-service.ts';

test('[io.exclusive] sim: per connection, IO passes never overlap and only the pass\'s own thread reads or writes', SIM, async () => {
  for (const seed of [91, 92, 93, 94]) {
    const h = simulate(seed);
    await withEcho(h, { numSelectorThreads: 2, numWorkerThreads: 3 }, async ({ address }) => {
      const peers = [];
      for (let i = 0; i < 3; i++) {
        const peer = await h.connect(address);
        await handshake(peer);
        peers.push(peer);
      }
      for (const peer of peers) await peer.send(Buffer.concat([1, 2, 3, 4].map((xid) => requestFrame(xid, 4, Uint8Array.of(xid)))));
      for (const peer of peers) for (const xid of [1, 2, 3, 4]) assert.equal((await readReply(peer)).header.xid, xid);
    });
    const state = new Map<string, { phase: 'idle' | 'scheduled' | 'running'; thread?: string }>();
    for (const e of h.trace()) {
      if (!('ch' in e) || typeof e.ch !== 'string' || !e.ch.startsWith('ch')) continue;
      const s = state.get(e.ch) ?? { phase: 'idle' };
      if (e.ev === 'ioScheduled') {
        assert.equal(s.phase, 'idle', `seed ${seed}: ${e.ch} scheduled while a pass is out (event ${e.seq})`);
        state.set(e.ch, { phase: 'scheduled' });
      } else if (e.ev === 'ioStart') {
        assert.equal(s.phase, 'scheduled', `seed ${seed}: ${e.ch} started without being scheduled`);
        state.set(e.ch, { phase: 'running', thread: e.thread });
      } else if (e.ev === 'ioEnd') {
        assert.equal(s.phase, 'running');
        state.set(e.ch, { phase: 'idle' });
      } else if (e.ev === 'read' || e.ev === 'write') {
        assert.ok(s.phase === 'running' && s.thread === e.thread, `seed ${seed}: ${e.ev} on ${e.ch} outside its pass (event ${e.seq})`);
      }
    }
  }
});

test('[io.zero-workers] sim: with 0 workers the selector thread does the IO and restores interest through its own updateQueue', SIM, async () => {
  const h = simulate(95);
  await pipelineScenario(h, 12, { numSelectorThreads: 2, numWorkerThreads: 0 });
  const trace = h.trace();
  assert.ok(!eventsOf(trace, 'threadStart').some((e) => e.name.startsWith('NIOWorker')), 'no worker thread');
  const owners = channelOwners(trace);
  const starts = eventsOf(trace, 'ioStart');
  assert.ok(starts.length > 10);
  for (const start of starts) assert.equal(start.thread, owners.get(start.ch), 'IO inline on the owning selector thread');
  const sel = selectorOwners(trace);
  const selfOffers = eventsOf(trace, 'offer').filter((e) => e.queue.startsWith('updateQueue@'));
  assert.ok(selfOffers.length > 0);
  for (const offer of selfOffers) {
    assert.equal(offer.queue, `updateQueue@${offer.thread}`, 'offered to its own updateQueue');
    const next = nextOnThread(trace, offer);
    assert.ok(next?.ev === 'wakeup' && sel.get(next.sel) === offer.thread, 'then wakes its own selector');
  }
});

test('[io.zero-workers] sim: pings are answered in order with 0 workers and one selector', SIM, async () => {
  const h = simulate(96);
  await withEcho(h, { numSelectorThreads: 1, numWorkerThreads: 0 }, async ({ address }) => {
    const peer = await h.connect(address);
    await handshake(peer);
    await peer.send(Buffer.concat([requestFrame(XID_PING, OP_PING), requestFrame(7, 4), requestFrame(XID_PING, OP_PING)]));
    assert.deepEqual([(await readReply(peer)).header.xid, (await readReply(peer)).header.xid, (await readReply(peer)).header.xid], [XID_PING, 7, XID_PING]);
  });
});

test('[factory.lifecycle-stop] sim: work queued for a stopped pool is cleaned up, never run', SIM, async () => {
  const h = simulate(97);
  const done: string[] = [];
  const work = (id: string): WorkRequest => ({
    id,
    doWork: async () => void done.push(`run ${id}`),
    cleanup: async () => void done.push(`cleanup ${id}`),
  });
  await h.run(async () => {
    const pool = new WorkerService(h.runtime, 'NIOWorker', 2);
    pool.start();
    await pool.schedule(work('a'));
    pool.stop();
    await pool.schedule(work('b'));
    await pool.join();
  });
  assert.ok(done.includes('cleanup b'), 'scheduled after stop: cleaned up');
  assert.equal(done.filter((d) => d.endsWith(' a')).length, 1, 'a ran or was cleaned up, exactly once');
  assert.equal(eventsOf(h.trace(), 'threadEnd').filter((e) => e.name.startsWith('NIOWorker')).length, 2);
});
