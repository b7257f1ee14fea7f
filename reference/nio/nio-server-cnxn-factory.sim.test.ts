/** The factory's lifecycle in the simulation: start once, stop at any point, and what happens to every channel. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { handshakeScenario } from './scenarios.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { SIM, simulate, until } from './sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, LOOPBACK, readReply, requestFrame, serveEcho } from './test-support.ts';
import { NIOServerCnxnFactory } from './nio-server-cnxn-factory.ts';

/** Peers arrive and talk while shutdown happens wherever the seed puts it. */
async function stopMidway(seed: number): Promise<readonly TraceEvent[]> {
  const h = simulate(seed);
  await h.run(async () => {
    const { factory, address } = await serveEcho(h.runtime, { numSelectorThreads: 2, numWorkerThreads: 2 });
    for (let i = 0; i < 5; i++) {
      const peer = await h.connect(address, { ip: `10.0.0.${i}` });
      if (i % 2 === 0) await peer.send(connectRequestFrame());
    }
    await factory.shutdown();
    assert.equal(factory.connections().length, 0);
  });
  return h.trace();
}

test('[lifecycle.open-accept-io-clean] sim: every accepted channel ends registered-then-closed or closed, whatever the stop point', SIM, async () => {
  for (let seed = 111; seed <= 130; seed++) {
    const trace = await stopMidway(seed);
    const bind = eventsOf(trace, 'bind')[0];
    assert.ok(bind);
    for (const accept of eventsOf(trace, 'accept')) {
      if (accept.ch === null) continue;
      assert.ok(accept.seq > bind.seq, 'open before accept');
      const register = eventsOf(trace, 'register').find((e) => e.ch === accept.ch);
      const close = eventsOf(trace, 'close').find((e) => e.ch === accept.ch);
      assert.ok(close, `seed ${seed}: ${accept.ch} was closed`);
      if (register) {
        assert.ok(accept.seq < register.seq && register.seq < close.seq, `seed ${seed}: accept, register, clean in order`);
        for (const io of trace.filter((e) => (e.ev === 'read' || e.ev === 'write') && e.ch === accept.ch)) {
          assert.ok(io.seq > register.seq && io.seq < close.seq, 'IO between registration and close');
        }
      } else {
        assert.ok(['not_registered_at_stop', 'handoff_failed', 'register_failed'].includes(close.reason), `seed ${seed}: ${close.reason}`);
      }
    }
    const started = eventsOf(trace, 'threadStart').map((e) => e.name).sort();
    assert.deepEqual(eventsOf(trace, 'threadEnd').map((e) => e.name).sort(), started, `seed ${seed}: every thread ended`);
  }
});

test('[factory.lifecycle-stop] sim: channels still queued in an acceptedQueue at stop are closed with not_registered_at_stop', SIM, async () => {
  let queuedAtStop = 0;
  for (let seed = 131; seed <= 170 && queuedAtStop === 0; seed++) {
    const trace = await stopMidway(seed);
    const closes = eventsOf(trace, 'close').filter((e) => e.reason === 'not_registered_at_stop');
    for (const close of closes) {
      assert.equal(close.reset, true);
      assert.ok(eventsOf(trace, 'offer').some((e) => e.item === close.ch && e.ok), 'it had been handed off');
    }
    queuedAtStop += closes.length;
  }
  assert.ok(queuedAtStop > 0, 'some seed stopped with a channel still queued');
});

test('[factory.lifecycle-stop] sim: shutdown without start closes the selectors and the listening socket and spawns nothing', SIM, async () => {
  const h = simulate(171);
  await h.run(async () => {
    const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2, numSelectorThreads: 2 });
    await factory.configure(LOOPBACK, 0, -1, false);
    await factory.shutdown();
  });
  const trace = h.trace();
  assert.deepEqual(eventsOf(trace, 'threadStart'), []);
  assert.equal(eventsOf(trace, 'selectorClose').length, 3, 'both selector threads\' and the accept thread\'s');
  assert.ok(eventsOf(trace, 'close').some((e) => e.ch === 'ss0'));
});

test('[factory.lifecycle-start-once] sim: start twice spawns every thread once; start after stop spawns nothing', SIM, async () => {
  const h = simulate(172);
  await h.run(async () => {
    const { factory } = await serveEcho(h.runtime, { numSelectorThreads: 2, numWorkerThreads: 2 });
    await factory.start();
    await factory.shutdown();
    await factory.start();
  });
  const names = eventsOf(h.trace(), 'threadStart').map((e) => e.name).sort();
  assert.deepEqual(names, ['AcceptThread', 'ConnnectionExpirer', 'NIOWorker-1', 'NIOWorker-2', 'SelectorThread-0', 'SelectorThread-1']);
  assert.ok(eventsOf(h.trace(), 'log').some((e) => e.level === 'warn' && e.msg.includes('start() after stop() is ignored')));
});

test('[nio.thread-counts] sim: thread names follow the configured counts', SIM, async () => {
  const h = simulate(173);
  await handshakeScenario(h, { numSelectorThreads: 4, numWorkerThreads: 1 });
  const names = eventsOf(h.trace(), 'threadStart').map((e) => e.name);
  assert.equal(names.filter((n) => n.startsWith('SelectorThread-')).length, 4);
  assert.deepEqual(names.filter((n) => n.startsWith('NIOWorker-')), ['NIOWorker-1']);
});

test('[wire.handshake] sim: a ConnectRequest gets protocol 0, the clamped timeout, a new session and a 16-byte password', SIM, async () => {
  await handshakeScenario(simulate(174), { numSelectorThreads: 2, numWorkerThreads: 2 });
});

test('[wire.slow-reader, cnxn.throttle] sim: over the mark, frames are read but parked in order up to the parking space; all answered once the client reads', SIM, async () => {
  const h = simulate(175);
  const highWater = 8 * 1024;
  const parking = 32 * 1024;
  await h.run(async () => {
    const { factory, address } = await serveEcho(h.runtime, { numSelectorThreads: 1, numWorkerThreads: 2, outgoingHighWaterBytes: highWater, parkedInputBytes: parking });
    const peer = await h.connect(address, { receiveWindow: 1024 });
    await handshake(peer);
    const cnxn = factory.registry.list()[0];
    assert.ok(cnxn);
    const body = new Uint8Array(4 * 1024).fill(9);
    for (let xid = 1; xid <= 6; xid++) await peer.send(requestFrame(xid, 4, body));
    await until(h.runtime, () => cnxn.pendingOutgoingBytes() > highWater);
    const replies = () => eventsOf(h.trace(), 'outgoing').length;
    const answered = replies();
    // A ping sent now is read (the client is heard from) but not answered ahead of the replies before it.
    const heardBefore = cnxn.lastFrameReadAt();
    await h.runtime.clock.sleep(50);
    await peer.send(requestFrame(XID_PING, OP_PING));
    await until(h.runtime, () => cnxn.lastFrameReadAt() > heardBefore);
    assert.equal(cnxn.readThrottled(), false, 'reading goes on while the parking space lasts');
    // Past the parking space reading stops: memory stays bounded whatever the client sends.
    for (let i = 0; i < 40; i++) await peer.send(requestFrame(100 + i, 4, new Uint8Array(1024)));
    await until(h.runtime, () => cnxn.readThrottled());
    assert.equal(replies(), answered, 'nothing parked was answered while the client lags');
    assert.ok(cnxn.reservedIncomingBytes() <= parking + 1024 + 64, `held ${cnxn.reservedIncomingBytes()} input bytes`);
    const xids: number[] = [];
    while (xids.length < 6 + 1 + 40) xids.push((await readReply(peer)).header.xid);
    assert.deepEqual(xids, [1, 2, 3, 4, 5, 6, XID_PING, ...Array.from({ length: 40 }, (_, i) => 100 + i)]);
    await peer.close();
  });
});
