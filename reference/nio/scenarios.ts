/**
 * Test bodies written against RuntimeHarness, so the same scenario runs on real sockets (node harness) and in
 * the simulation. Each takes a harness, starts its own factory, asserts, and shuts the factory down.
 * Test-only; nothing in the factory imports it.
 */
import assert from 'node:assert/strict';
import type { RuntimeHarness } from '../../conformance/suites/runtime-harness.ts';
import { decodeConnectResponse, OP_CLOSE_SESSION, OP_PING, XID_PING } from '../server/frames.ts';
import type { NioFactoryOptions } from './nio-settings.ts';
import { connectRequestFrame, eventsOf, handshake, readFrame, readReply, requestFrame, serveEcho } from './test-support.ts';

/** Runs `body` with an echo factory as `main`, shutting the factory down afterwards even on failure. */
export async function withEcho(
  h: RuntimeHarness,
  options: NioFactoryOptions,
  body: (served: Awaited<ReturnType<typeof serveEcho>>) => Promise<void>,
  maxClientCnxns = 0,
): Promise<void> {
  await h.run(async () => {
    const served = await serveEcho(h.runtime, options, maxClientCnxns);
    try {
      await body(served);
    } finally {
      await served.factory.shutdown();
    }
  });
}

export async function handshakeScenario(h: RuntimeHarness, options: NioFactoryOptions = {}): Promise<void> {
  await withEcho(h, options, async ({ address }) => {
    const peer = await h.connect(address);
    // Asks for more than 20 x tickTime (60 s): the answer is clamped.
    const response = await handshake(peer, 100_000);
    assert.equal(response.protocolVersion, 0);
    assert.equal(response.timeOut, 60_000);
    assert.notEqual(response.sessionId, 0n);
    assert.equal(response.passwd.length, 16);
    assert.equal(response.readOnly, false, 'readOnly is echoed because the request carried it');
    await peer.close();
  });
}

export async function pingScenario(h: RuntimeHarness, options: NioFactoryOptions = {}): Promise<void> {
  await withEcho(h, options, async ({ address }) => {
    const peer = await h.connect(address);
    await handshake(peer);
    for (let i = 0; i < 3; i++) {
      await peer.send(requestFrame(XID_PING, OP_PING));
      const { header, body } = await readReply(peer);
      assert.deepEqual(header, { xid: XID_PING, zxid: 0n, err: 0 });
      assert.equal(body.length, 0);
    }
    await peer.close();
  });
}

/** `count` requests sent back to back, behind the ConnectRequest and before its response is read. */
export async function pipelineScenario(h: RuntimeHarness, count: number, options: NioFactoryOptions = {}): Promise<void> {
  await withEcho(h, options, async ({ address }) => {
    const peer = await h.connect(address);
    const frames = [connectRequestFrame()];
    for (let xid = 1; xid <= count; xid++) {
      frames.push(xid % 7 === 0 ? requestFrame(XID_PING, OP_PING) : requestFrame(xid, 4, Uint8Array.of(xid & 0xff)));
    }
    await peer.send(Buffer.concat(frames));
    const connect = await readFrame(peer);
    assert.ok(connect !== null);
    assert.notEqual(decodeConnectResponse(connect).sessionId, 0n);
    for (let xid = 1; xid <= count; xid++) {
      const { header, body } = await readReply(peer);
      if (xid % 7 === 0) assert.equal(header.xid, XID_PING);
      else {
        assert.equal(header.xid, xid, `reply ${xid} in order`);
        assert.deepEqual([...body], [xid & 0xff]);
      }
    }
    await peer.close();
  });
}

/** closeSession: its reply arrives, then the connection closes (close after flush). */
export async function closeSessionScenario(h: RuntimeHarness, options: NioFactoryOptions = {}): Promise<void> {
  await withEcho(h, options, async ({ address, handler }) => {
    const peer = await h.connect(address);
    const { sessionId } = await handshake(peer);
    await peer.send(requestFrame(5, OP_CLOSE_SESSION));
    const { header } = await readReply(peer);
    assert.equal(header.xid, 5);
    await peer.closed();
    assert.equal(handler.hasSession(sessionId), false);
    // The close is recorded by the factory once the reply has been written.
    for (let i = 0; i < 1000 && handler.closed.length === 0; i++) await h.runtime.clock.sleep(1);
    assert.deepEqual(handler.closed.map((c) => c.reason), ['client_closed_session']);
  });
}

/** A bad length prefix closes only its own connection. */
export async function badLengthScenario(h: RuntimeHarness, prefix: Uint8Array, options: NioFactoryOptions = {}): Promise<void> {
  await withEcho(h, options, async ({ address, factory }) => {
    const good = await h.connect(address);
    await handshake(good);
    const bad = await h.connect(address);
    await handshake(bad);
    await bad.send(prefix);
    await bad.closed();
    await good.send(requestFrame(XID_PING, OP_PING));
    assert.equal((await readReply(good)).header.xid, XID_PING);
    assert.equal(factory.connections().length, 1);
    const closes = eventsOf(h.trace(), 'close').filter((e) => e.reason === 'io_exception');
    assert.equal(closes.length, 1);
    assert.ok(eventsOf(h.trace(), 'log').some((e) => e.level === 'warn' && e.msg.startsWith('Len error')));
    await good.close();
  });
}
