/** The selector threads and their two queues, in the simulation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { withEcho } from './scenarios.ts';
import { byThread, channelOwners, failingSelects, keyChannels, nextOnThread, selectorOwners, SIM, simulate, until } from './sim-support.ts';
import { eventsOf, handshake, readReply, requestFrame, serveEcho } from './test-support.ts';

/** Several connections, each with pipelined pings, so that keys, queues and workers are all busy. */
async function busyRun(seed: number, workers: number, selectors = 2) {
  const h = simulate(seed);
  await withEcho(h, { numSelectorThreads: selectors, numWorkerThreads: workers }, async ({ address }) => {
    const peers = [];
    for (let i = 0; i < 4; i++) {
      const peer = await h.connect(address);
      await handshake(peer);
      peers.push(peer);
    }
    for (const peer of peers) await peer.send(Buffer.concat([requestFrame(XID_PING, OP_PING), requestFrame(1, 4, Uint8Array.of(1)), requestFrame(XID_PING, OP_PING)]));
    for (const peer of peers) for (let i = 0; i < 3; i++) await readReply(peer);
  });
  return h.trace();
}

const isClientKey = (trace: readonly TraceEvent[]) => {
  const channels = keyChannels(trace);
  return (key: string) => channels.get(key)?.startsWith('ch') ?? false;
};

test('[selector.register-on-owner] sim: every client channel is registered by the thread that selects on that selector, then attached', SIM, async () => {
  for (const seed of [21, 22, 23]) {
    const trace = await busyRun(seed, 2, 3);
    const owners = selectorOwners(trace);
    const registers = eventsOf(trace, 'register').filter((e) => e.ch.startsWith('ch'));
    assert.equal(registers.length, 4);
    for (const reg of registers) {
      assert.equal(reg.thread, owners.get(reg.sel), `${reg.ch} registered on its owner's thread`);
      assert.equal(reg.ops, 1, 'registered for OP_READ');
      const created = eventsOf(trace, 'cnxnCreated').find((e) => e.ch === reg.ch);
      assert.ok(created && created.seq > reg.seq && created.key === reg.key && created.thread === reg.thread);
    }
  }
});

test('[selector.register-on-owner] sim: a failed registration closes the socket (register_failed) and frees its address slot', SIM, async () => {
  // Register faults count client channels only: 0 is the first connection's registration.
  const h = simulate(24, { register: { at: [0] } });
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address, factory }) => {
    await (await h.connect(address, { ip: '10.0.0.5' })).closed();
    await handshake(await h.connect(address, { ip: '10.0.0.5' }));
    assert.equal(factory.registry.ipCount('10.0.0.5'), 1);
  }, 1);
  const close = eventsOf(h.trace(), 'close').find((e) => e.reason === 'register_failed');
  assert.deepEqual([close?.thread, close?.reset], ['SelectorThread-0', true]);
  assert.equal(eventsOf(h.trace(), 'cnxnCreated').length, 1);
});

test('[selector.shuffle] sim: ready keys are handled in an order drawn from the seeded runtime randomness', SIM, async () => {
  const orders = new Set<string>();
  const runOnce = async (seed: number) => {
    const trace = await busyRun(seed, 0, 1);
    const channels = keyChannels(trace);
    const out: string[] = [];
    for (const end of eventsOf(trace, 'selectEnd').filter((e) => e.thread === 'SelectorThread-0' && e.ready.length >= 3)) {
      const handled = byThread(trace, 'SelectorThread-0')
        .filter((e) => e.seq > end.seq && e.ev === 'ioScheduled')
        .slice(0, end.ready.length)
        .map((e) => (e.ev === 'ioScheduled' ? e.ch : ''));
      const ready = end.ready.map((k) => channels.get(k.key));
      assert.deepEqual([...handled].sort(), [...ready].sort(), 'each ready key is handled once');
      out.push(`${ready.join(',')}>${handled.join(',')}`);
    }
    return out.join(' ');
  };
  for (let seed = 31; seed <= 38; seed++) orders.add(await runOnce(seed));
  assert.ok(orders.size > 1, 'different seeds give different handling orders');
  assert.equal(await runOnce(33), await runOnce(33), 'one seed gives one order');
});

test('[selector.invalid-key] sim: a key found invalid in the updateQueue is cleaned up and its interest ops are not set', SIM, async () => {
  const h = simulate(41);
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address, factory, handler }) => {
    await handshake(await h.connect(address));
    const [cnxn] = factory.registry.list();
    assert.ok(cnxn);
    // Another path cancels the key while an update request for it is on its way.
    await cnxn.key.cancel();
    assert.equal(await cnxn.owner.addInterestOpsUpdateRequest(cnxn.key), true);
    await until(h.runtime, () => handler.closed.length === 1);
    assert.deepEqual(handler.closed.map((c) => c.reason), ['cancelled_key_exception']);
  });
  const trace = h.trace();
  const cancel = eventsOf(trace, 'cancel').find((e) => e.thread === 'main');
  assert.ok(cancel);
  assert.ok(!eventsOf(trace, 'interestOps').some((e) => e.key === cancel.key && e.seq > cancel.seq), 'no interest ops on the invalid key');
  assert.ok(eventsOf(trace, 'log').some((e) => e.thread === 'SelectorThread-0' && e.msg.includes(`invalid key ${cancel.key}`)));
});

test('[selector.invalid-key] sim: a key made invalid between select and its turn gets no IO and is cleaned up', SIM, async () => {
  let raced = 0;
  for (let seed = 41; seed <= 60; seed++) {
    const h = simulate(seed);
    await withEcho(h, { numSelectorThreads: 1, numWorkerThreads: 0 }, async ({ address, factory, handler }) => {
      const a = await h.connect(address);
      const b = await h.connect(address);
      const sessionB = (await handshake(b)).sessionId;
      await handshake(a);
      // B has data pending while A's request closes B: if both are in one select and A goes first, B's key is
      // invalid by the time its turn comes.
      const original = handler.processPacket.bind(handler);
      handler.processPacket = async (cnxn, payload) => {
        if (payload[7] === 77) await factory.closeSession(sessionB, 'connection_close_forced');
        return original(cnxn, payload);
      };
      await b.send(requestFrame(XID_PING, OP_PING));
      await a.send(requestFrame(9, 77));
      await readReply(a);
      await b.closed();
    });
    const trace = h.trace();
    const closeB = eventsOf(trace, 'close').find((e) => e.reason === 'connection_close_forced');
    assert.ok(closeB);
    assert.ok(!eventsOf(trace, 'ioScheduled').some((e) => e.ch === closeB.ch && e.seq > closeB.seq), `seed ${seed}: no IO after close`);
    if (eventsOf(trace, 'log').some((e) => e.msg.includes('cleaning up invalid key') && e.msg.includes(`(${closeB.ch})`))) raced++;
  }
  assert.ok(raced > 0, 'some seed reached the race');
});

test('[selector.handoff-io] sim: for a ready key the selector thread clears interest, touches, then schedules, in that order', SIM, async () => {
  const trace = await busyRun(51, 2);
  const owners = channelOwners(trace);
  const scheduled = eventsOf(trace, 'ioScheduled');
  assert.ok(scheduled.length >= 8);
  for (const io of scheduled) {
    assert.equal(io.thread, owners.get(io.ch));
    const before = byThread(trace, io.thread).filter((e) => e.seq < io.seq).slice(-2);
    assert.deepEqual(before.map((e) => e.ev), ['interestOps', 'touch']);
    assert.equal(before[0]?.ev === 'interestOps' ? before[0].ops : -1, 0);
  }
});

test('[selector.interest-via-update-queue] sim: interest is restored only by the owner, after polling the key from its updateQueue', SIM, async () => {
  for (const seed of [52, 53]) {
    const trace = await busyRun(seed, 3);
    const client = isClientKey(trace);
    const owners = selectorOwners(trace);
    const regSel = new Map(eventsOf(trace, 'register').map((e) => [e.key, e.sel]));
    const restores = eventsOf(trace, 'interestOps').filter((e) => client(e.key) && e.ops !== 0);
    assert.ok(restores.length > 0);
    for (const r of restores) {
      const owner = owners.get(regSel.get(r.key) as string);
      assert.equal(r.thread, owner, 'set by the owning selector thread');
      const prev = byThread(trace, r.thread).filter((e) => e.seq < r.seq).at(-1);
      assert.ok(prev?.ev === 'poll' && prev.queue === `updateQueue@${owner}` && prev.item === r.key, 'right after polling the key');
    }
    // Workers never set interest ops.
    assert.ok(!eventsOf(trace, 'interestOps').some((e) => e.thread.startsWith('NIOWorker')));
  }
});

test('[selector.wakeup-after-offer] sim: every successful offer to an acceptedQueue or updateQueue is followed by a wakeup of that selector', SIM, async () => {
  for (const seed of [61, 62, 63]) {
    const trace = await busyRun(seed, 2);
    const owners = selectorOwners(trace);
    const offers = eventsOf(trace, 'offer').filter((e) => e.ok && /^(accepted|update)Queue@/.test(e.queue));
    assert.ok(offers.length > 8);
    for (const offer of offers) {
      const next = nextOnThread(trace, offer);
      const target = offer.queue.split('@')[1];
      assert.ok(next?.ev === 'wakeup' && owners.get(next.sel) === target, `seed ${seed}: ${offer.thread} woke ${target} right after offering ${offer.item}`);
    }
  }
});

test('[selector.level-triggered] sim: two frames sent at once are read in two IO passes that never overlap', SIM, async () => {
  const h = simulate(71);
  await withEcho(h, { numWorkerThreads: 2 }, async ({ address }) => {
    const peer = await h.connect(address);
    await handshake(peer);
    await peer.send(Buffer.concat([requestFrame(1, 4), requestFrame(2, 4)]));
    assert.equal((await readReply(peer)).header.xid, 1);
    assert.equal((await readReply(peer)).header.xid, 2);
  });
  const trace = h.trace();
  const passes: { start: number; end: number; replies: number }[] = [];
  let open: { start: number; replies: number } | undefined;
  for (const e of trace) {
    if (e.ev === 'ioStart') {
      assert.equal(open, undefined, 'passes never overlap');
      open = { start: e.seq, replies: 0 };
    } else if (e.ev === 'outgoing' && open) open.replies++;
    else if (e.ev === 'ioEnd' && open) {
      passes.push({ ...open, end: e.seq });
      open = undefined;
    }
  }
  assert.ok(passes.every((p) => p.replies <= 1), 'at most one frame per pass');
  assert.equal(passes.filter((p) => p.replies === 1).length, 3, 'handshake + two requests, each in its own pass');
});

test('[selector.loop] sim: an exception in one select pass is logged and the selector thread goes on serving', SIM, async () => {
  const h = simulate(72);
  await h.run(async () => {
    const { factory, address } = await serveEcho(failingSelects(h.runtime, 0, 2), { numSelectorThreads: 1, numWorkerThreads: 1 });
    const peer = await h.connect(address);
    await handshake(peer);
    await peer.send(requestFrame(XID_PING, OP_PING));
    assert.equal((await readReply(peer)).header.xid, XID_PING);
    await factory.shutdown();
  });
  const warns = eventsOf(h.trace(), 'log').filter((e) => e.thread === 'SelectorThread-0' && e.level === 'warn');
  assert.equal(warns.length, 2);
  assert.match(warns[0]?.msg ?? '', /injected select failure/);
});
