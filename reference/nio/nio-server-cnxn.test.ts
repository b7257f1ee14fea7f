/** The connection: framing, outgoing buffers, interest ops, throttling and close, in the simulation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { EchoHandler } from '../server/echo-handler.ts';
import { badLengthScenario, withEcho } from './scenarios.ts';
import { SIM, simulate, until } from './sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, LOOPBACK, readFrame, readReply, requestFrame } from './test-support.ts';
import { NIOServerCnxnFactory } from './nio-server-cnxn-factory.ts';

test('[cnxn.framing] sim: a ConnectRequest sent one byte at a time is read across passes and answered once', SIM, async () => {
  const h = simulate(81);
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address }) => {
    const peer = await h.connect(address);
    const bytes = connectRequestFrame();
    for (const byte of bytes) await peer.send(Uint8Array.of(byte));
    assert.ok((await readFrame(peer)) !== null);
  });
  const trace = h.trace();
  const reads = eventsOf(trace, 'read').filter((e) => e.n > 0);
  assert.equal(reads.reduce((n, e) => n + e.n, 0), connectRequestFrame().length);
  assert.equal(eventsOf(trace, 'outgoing').length, 1);
});

test('[cnxn.framing] sim: a length above jute.maxbuffer closes the connection with io_exception and a Len error warning', SIM, async () => {
  await badLengthScenario(simulate(82), Uint8Array.of(0x00, 0x10, 0x00, 0x00), { numWorkerThreads: 1 });
});

test('[cnxn.framing] sim: a frame of exactly jute.maxbuffer bytes is accepted', SIM, async () => {
  const h = simulate(83);
  await withEcho(h, { numWorkerThreads: 0, juteMaxBuffer: 1000 }, async ({ address }) => {
    const peer = await h.connect(address);
    await handshake(peer);
    await peer.send(requestFrame(3, 4, new Uint8Array(992))); // 8-byte header + 992 = 1000
    const { header, body } = await readReply(peer);
    assert.equal(header.xid, 3);
    assert.equal(body.length, 992);
  });
});

test('[cnxn.outgoing-buffers] sim: a reply larger than the peer window is written in parts, in order, wanting OP_WRITE meanwhile', SIM, async () => {
  const h = simulate(84);
  const body = Uint8Array.from({ length: 6000 }, (_, i) => (i * 7) & 0xff);
  await withEcho(h, { numWorkerThreads: 2 }, async ({ address, factory }) => {
    const peer = await h.connect(address, { receiveWindow: 1000 });
    await handshake(peer);
    await peer.send(requestFrame(4, 4, body));
    const reply = await readReply(peer);
    assert.equal(reply.header.xid, 4);
    assert.deepEqual(reply.body, body);
    await until(h.runtime, () => factory.connections()[0]?.interestOps === 1);
  });
  const trace = h.trace();
  const partial = eventsOf(trace, 'write').filter((e) => e.n < e.requested);
  assert.ok(partial.length > 0, 'some writes were partial');
  const ch = partial[0]?.ch;
  const interest = eventsOf(trace, 'interestOps').filter((e) => e.ch === ch).map((e) => e.ops);
  assert.ok(interest.includes(5), 'OP_READ | OP_WRITE while output is pending');
  assert.equal(interest.at(-1), 1, 'back to OP_READ once flushed');
});

test('[cnxn.interest-ops] sim: interest is 0 during IO, READ|WRITE while a reply waits and READ when idle', SIM, async () => {
  const h = simulate(85);
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address, factory }) => {
    const peer = await h.connect(address);
    await handshake(peer);
    const [cnxn] = factory.registry.list();
    assert.ok(cnxn);
    await until(h.runtime, () => cnxn.interestOps() === 1);
    cnxn.disableSelectable();
    assert.equal(cnxn.interestOps(), 0, 'not selectable: 0');
    cnxn.enableSelectable();
  });
  const ops = eventsOf(h.trace(), 'interestOps').filter((e) => e.ch.startsWith('ch')).map((e) => e.ops);
  // handshake pass: clear (0), reply queued (5); write pass: clear (0), flushed (1).
  assert.deepEqual(ops.slice(0, 4), [0, 5, 0, 1]);
});

/** A handler that answers ConnectRequests only when told to, from the test's own thread. */
class DeferredConnect extends EchoHandler {
  held: { cnxn: ServerConnection; payload: Uint8Array } | undefined;
  override async processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    this.held = { cnxn, payload };
  }
  async release(): Promise<void> {
    const held = this.held as { cnxn: ServerConnection; payload: Uint8Array };
    await super.processConnectRequest(held.cnxn, held.payload);
  }
}

test('[cnxn.throttle] sim: nothing pipelined after a ConnectRequest is read before its ConnectResponse is queued', SIM, async () => {
  const h = simulate(86);
  await h.run(async () => {
    const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2, numWorkerThreads: 1 });
    await factory.configure(LOOPBACK, 0, -1, false);
    const handler = new DeferredConnect();
    await factory.startup(handler);
    const peer = await h.connect(factory.localAddress() as typeof LOOPBACK);
    await peer.send(Buffer.concat([connectRequestFrame(), requestFrame(1, 4, Uint8Array.of(42))]));
    await until(h.runtime, () => handler.held !== undefined);
    const readsBefore = eventsOf(h.trace(), 'read').length;
    await h.runtime.clock.sleep(500);
    assert.equal(eventsOf(h.trace(), 'read').length, readsBefore, 'no read while the response is owed');
    assert.equal(factory.registry.list()[0]?.interestOps(), 0, 'no OP_READ while the response is owed');
    await handler.release();
    assert.ok((await readFrame(peer)) !== null);
    assert.equal((await readReply(peer)).header.xid, 1);
    await factory.shutdown();
  });
});

/** A handler that holds replies to counted requests until the test releases them. */
class HeldReplies extends EchoHandler {
  readonly held: { cnxn: ServerConnection; payload: Uint8Array }[] = [];
  override async processPacket(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    this.held.push({ cnxn, payload });
  }
  async releaseOne(): Promise<void> {
    const next = this.held.shift();
    if (next) await super.processPacket(next.cnxn, next.payload);
  }
}

test('[cnxn.throttle] sim: over globalOutstandingLimit a connection stops reading, and resumes when a reply brings it back', SIM, async () => {
  const h = simulate(87);
  await h.run(async () => {
    const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2, numWorkerThreads: 2, globalOutstandingLimit: 2 });
    await factory.configure(LOOPBACK, 0, -1, false);
    const handler = new HeldReplies();
    await factory.startup(handler);
    const peer = await h.connect(factory.localAddress() as typeof LOOPBACK);
    await handshake(peer);
    await peer.send(Buffer.concat([1, 2, 3, 4, 5].map((xid) => requestFrame(xid, 4))));
    await until(h.runtime, () => handler.held.length === 3);
    await h.runtime.clock.sleep(500);
    assert.equal(handler.held.length, 3, 'the 4th request stays unread while 3 > 2 are outstanding');
    await handler.releaseOne();
    await until(h.runtime, () => handler.held.length === 3);
    assert.deepEqual(handler.held.map((r) => r.payload[3]), [2, 3, 4], 'one reply let exactly one more request in');
    while (handler.held.length > 0 || factory.registry.inFlight > 0) {
      await handler.releaseOne();
      await h.runtime.clock.sleep(1);
    }
    for (const xid of [1, 2, 3, 4, 5]) assert.equal((await readReply(peer)).header.xid, xid);
    await factory.shutdown();
  });
});

test('[cnxn.close] sim: close is idempotent, keeps the first reason and leaves no trace of the connection in the factory', SIM, async () => {
  const h = simulate(88);
  await withEcho(h, { numWorkerThreads: 1 }, async ({ address, factory, handler }) => {
    const peer = await h.connect(address, { ip: '10.1.1.1' });
    const { sessionId } = await handshake(peer);
    const [cnxn] = factory.registry.list();
    assert.ok(cnxn);
    assert.equal(await factory.closeSession(sessionId, 'connection_close_forced'), true);
    await cnxn.close('io_exception');
    assert.equal(await factory.closeSession(sessionId, 'clean_up'), false);
    await peer.closed();
    assert.equal(cnxn.disconnectReason(), 'connection_close_forced');
    assert.deepEqual(handler.closed.map((c) => c.reason), ['connection_close_forced']);
    assert.equal(factory.connections().length, 0);
    assert.equal(factory.registry.ipCount('10.1.1.1'), 0);
    assert.equal(factory.registry.deadlineOf(cnxn), undefined);
    assert.equal(factory.registry.bySession(sessionId), undefined);
    assert.equal(handler.hasSession(sessionId), true, 'closing the connection does not close the session');
  });
  const closes = eventsOf(h.trace(), 'close').filter((e) => e.ch.startsWith('ch'));
  assert.deepEqual(closes.map((e) => e.reason), ['connection_close_forced']);
  assert.equal(eventsOf(h.trace(), 'cancel').filter((e) => e.ch === closes[0]?.ch).length, 1);
});
