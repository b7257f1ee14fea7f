/** The Netty-style factory in the simulation: loop affinity, throttling by auto-read, per-address limit, idle timeout, lifecycle. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OP_READ, OP_WRITE } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { decodeConnectResponse, OP_PING, XID_PING } from '../server/frames.ts';
import { SIM, simulate, until } from '../nio/sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, readFrame, readReply, requestFrame } from '../nio/test-support.ts';
import { NettyServerCnxnFactory } from './netty-server-cnxn-factory.ts';
import { serveNettyEcho, threadsPerChannel } from './test-support.ts';

/** Several peers, each handshaking and sending a few requests, then shutdown wherever the seed puts it. */
async function busy(seed: number, peers = 4): Promise<readonly TraceEvent[]> {
  const h = simulate(seed);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { eventLoopThreads: 2 });
    for (let i = 0; i < peers; i++) {
      const peer = await h.connect(address, { ip: `10.0.0.${i}` });
      await handshake(peer);
      await peer.send(Buffer.concat([requestFrame(1, 4, Uint8Array.of(1)), requestFrame(XID_PING, OP_PING), requestFrame(2, 4, Uint8Array.of(2))]));
      assert.equal((await readReply(peer)).header.xid, 1);
      if (i % 2 === 0) await peer.close();
    }
    await factory.shutdown();
    assert.equal(factory.connections().length, 0);
  });
  return h.trace();
}

test('[netty.event-loop-affinity] sim: every register, read, write, interest change, cancel and close of a channel runs on its one worker loop', SIM, async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const trace = await busy(seed);
    const perChannel = threadsPerChannel(trace);
    assert.ok(perChannel.size >= 4, `seed ${seed}: channels seen`);
    for (const [ch, threads] of perChannel) {
      assert.equal(threads.size, 1, `seed ${seed}: ${ch} was touched by ${[...threads].join(', ')}`);
      assert.match([...threads][0]!, /^zkNetty-worker-\d+$/);
    }
  }
});

test('[netty.event-loop-affinity] sim: channels are bound to the worker loops in turn, and each loop has its own selector and task queue', SIM, async () => {
  const trace = await busy(21, 4);
  const registers = eventsOf(trace, 'register').filter((e) => e.ch.startsWith('ch'));
  assert.deepEqual(registers.map((e) => e.thread), ['zkNetty-worker-1', 'zkNetty-worker-2', 'zkNetty-worker-1', 'zkNetty-worker-2']);
  const selectorOf = new Map(eventsOf(trace, 'selectBegin').map((e) => [e.thread, e.sel]));
  assert.notEqual(selectorOf.get('zkNetty-worker-1'), selectorOf.get('zkNetty-worker-2'));
  const handovers = eventsOf(trace, 'offer').filter((e) => /^ch\d+$/.test(e.item));
  assert.equal(handovers.length, 4);
  for (const offer of handovers) {
    assert.equal(offer.thread, 'zkNetty-boss-1', 'the boss hands channels over through the worker loop\'s task queue');
    const wakeup = trace.find((e) => e.seq > offer.seq && e.thread === offer.thread && e.ev === 'wakeup');
    assert.ok(wakeup, 'each handover is followed by a wakeup of that loop');
  }
});

test('[netty.event-loop-affinity] sim: throttling turns auto-read off and on through interest ops, and frames read meanwhile are answered in order', SIM, async () => {
  for (const seed of [31, 32, 33]) {
    const h = simulate(seed);
    await h.run(async () => {
      const { factory, address } = await serveNettyEcho(h.runtime);
      const peer = await h.connect(address);
      // The ConnectRequest holds reading until its response is queued: the 12 requests behind it arrive in the same read.
      const frames = [connectRequestFrame()];
      for (let xid = 1; xid <= 12; xid++) frames.push(requestFrame(xid, 4, Uint8Array.of(xid)));
      await peer.send(Buffer.concat(frames));
      const connect = await readFrame(peer);
      assert.ok(connect !== null);
      assert.notEqual(decodeConnectResponse(connect).sessionId, 0n);
      for (let xid = 1; xid <= 12; xid++) {
        const { header, body } = await readReply(peer);
        assert.equal(header.xid, xid, `seed ${seed}: reply ${xid} in order`);
        assert.deepEqual([...body], [xid]);
      }
      // disableRecv from the server's side: reading stops (no OP_READ), the bytes wait, enableRecv resumes.
      const [cnxn] = factory.registry.list();
      assert.ok(cnxn);
      await cnxn.disableRecv();
      await until(h.runtime, () => !cnxn.channel.isAutoRead());
      await peer.send(requestFrame(50, 4, Uint8Array.of(50)));
      await h.runtime.clock.sleep(50);
      assert.equal(cnxn.channel.interestOps() & OP_READ, 0);
      await cnxn.enableRecv();
      assert.equal((await readReply(peer)).header.xid, 50);
      await peer.close();
      await factory.shutdown();
    });
    const trace = h.trace();
    const offs = eventsOf(trace, 'interestOps').filter((e) => e.ch.startsWith('ch') && (e.ops & OP_READ) === 0);
    assert.ok(offs.length >= 2, `seed ${seed}: auto-read went off (ConnectRequest, disableRecv)`);
    for (const e of offs) assert.match(e.thread, /^zkNetty-worker-/);
    assert.ok(eventsOf(trace, 'interestOps').some((e) => e.ch.startsWith('ch') && (e.ops & OP_READ) !== 0 && (e.ops & ~(OP_READ | OP_WRITE)) === 0));
  }
});

test('[netty.per-ip-limit] sim: the limit is checked at channel-active, counts fall on close and the entry leaves at zero', SIM, async () => {
  const h = simulate(41);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, {}, 2);
    const a = await h.connect(address, { ip: '10.0.0.1' });
    const b = await h.connect(address, { ip: '10.0.0.1' });
    const other = await h.connect(address, { ip: '10.0.0.2' });
    await handshake(a);
    await handshake(b);
    await handshake(other);
    const refused = await h.connect(address, { ip: '10.0.0.1' });
    await refused.closed();
    assert.equal(factory.registry.ipCount('10.0.0.1'), 2);
    await a.close();
    await until(h.runtime, () => factory.registry.ipCount('10.0.0.1') === 1);
    const again = await h.connect(address, { ip: '10.0.0.1' });
    await handshake(again);
    for (const p of [b, again, other]) await p.close();
    await until(h.runtime, () => factory.registry.addresses().length === 0);
    await factory.shutdown();
  });
  const trace = h.trace();
  const refusals = eventsOf(trace, 'close').filter((e) => e.reason === 'refused_per_ip_limit');
  assert.equal(refusals.length, 1);
  assert.notEqual(refusals[0]!.reset, true, 'an orderly close, as Netty\'s');
  const register = eventsOf(trace, 'register').find((e) => e.ch === refusals[0]!.ch);
  assert.ok(register && register.seq < refusals[0]!.seq, 'refused after the channel became active on its loop');
  assert.equal(register.thread, refusals[0]!.thread);
  assert.ok(eventsOf(trace, 'log').some((e) => e.level === 'warn' && e.msg === 'Too many connections from 10.0.0.1 - max is 2'));
});

test('[netty.start-bind] sim: configure binds nothing; start binds with the backlog, logs both lines and reports the real port', SIM, async () => {
  const h = simulate(51);
  await h.run(async () => {
    const factory = new NettyServerCnxnFactory(h.runtime, { cores: 2, eventLoopThreads: 1 });
    await factory.configure({ host: '127.0.0.1', port: 0 }, 0, 17, false);
    assert.deepEqual(eventsOf(h.trace(), 'bind'), []);
    assert.equal(factory.localAddress()?.port, 0, 'before start: the configured port');
    await factory.start();
    const [bind] = eventsOf(h.trace(), 'bind');
    assert.equal(bind?.backlog, 17);
    assert.equal(factory.localAddress()?.port, bind?.port);
    assert.ok((bind?.port ?? 0) > 0);
    await factory.shutdown();
  });
  const logs = eventsOf(h.trace(), 'log').map((e) => e.msg);
  const binding = logs.indexOf('binding to port 127.0.0.1:0');
  const bound = logs.findIndex((m) => /^bound to port [1-9]\d*$/.test(m));
  assert.ok(binding >= 0 && bound > binding, logs.join('\n'));
});

test('[netty.event-loop-affinity] sim: a channel that never sends a ConnectRequest is closed on its loop after the idle timeout, at its bucket; one that did stays', SIM, async () => {
  const h = simulate(61);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { idleTimeout: 500 });
    const silent = await h.connect(address, { ip: '10.0.0.1' });
    const talker = await h.connect(address, { ip: '10.0.0.2' });
    await handshake(talker);
    const before = h.runtime.clock.now();
    await silent.closed();
    // Deadlines are rounded up to the next multiple of the timeout (idle-buckets.ts): closed in (500, 1000].
    assert.ok(h.runtime.clock.now() - before <= 1_000);
    await h.runtime.clock.sleep(1_000);
    await talker.send(requestFrame(XID_PING, OP_PING));
    assert.equal((await readReply(talker)).header.xid, XID_PING);
    await factory.shutdown();
  });
  const expired = eventsOf(h.trace(), 'close').filter((e) => e.reason === 'connection_expired');
  assert.equal(expired.length, 1);
  assert.match(expired[0]!.thread, /^zkNetty-worker-/);
  assert.ok(expired[0]!.t > 500, 'not before the idle timeout');
});

test('[factory.lifecycle-stop] sim: netty stop closes every channel on its loop, ends every loop and unbinds', SIM, async () => {
  for (let seed = 71; seed <= 80; seed++) {
    const trace = await busy(seed, 3);
    const accepted = eventsOf(trace, 'accept').filter((e) => e.ch !== null).map((e) => e.ch as string);
    for (const ch of accepted) assert.ok(eventsOf(trace, 'close').some((e) => e.ch === ch), `seed ${seed}: ${ch} closed`);
    assert.ok(eventsOf(trace, 'close').some((e) => e.ch === 'ss0' && e.reason === 'unbind'));
    const started = eventsOf(trace, 'threadStart').map((e) => e.name).sort();
    assert.deepEqual(started, ['zkNetty-boss-1', 'zkNetty-worker-1', 'zkNetty-worker-2']);
    assert.deepEqual(eventsOf(trace, 'threadEnd').map((e) => e.name).sort(), started);
  }
});
