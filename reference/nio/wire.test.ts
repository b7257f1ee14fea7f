/** Black-box wire behaviour of the NIO factory with the echo server, on real sockets (127.0.0.1, port 0). */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { nodeHarness } from '../../conformance/suites/node-harness.ts';
import type { RuntimeHarness } from '../../conformance/suites/runtime-harness.ts';
import { decodeConnectResponse, FrameSplitter, OP_PING, XID_PING } from '../server/frames.ts';
import {
  badLengthScenario,
  closeSessionScenario,
  handshakeScenario,
  pingScenario,
  pipelineScenario,
  withEcho,
} from './scenarios.ts';
import { connectRequestFrame, eventsOf, handshake, readFrame, readReply, requestFrame } from './test-support.ts';
import { DEFAULT_PARKED_INPUT_BYTES } from './nio-settings.ts';

const T = { timeout: 30_000 };

/** Connects with a raw socket and resolves with the bytes received once the server has closed or reset it. */
function refusedConnection(port: number): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('data', (chunk) => (received += chunk.length));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(received));
  });
}

async function harness(t: { after(fn: () => Promise<void>): void }): Promise<RuntimeHarness> {
  const h = await nodeHarness({ seed: 1 });
  t.after(() => h.dispose());
  return h;
}

test('[wire.handshake] tcp: a ConnectRequest gets protocol 0, the clamped timeout, a new session and a 16-byte password', T, async (t) => {
  await handshakeScenario(await harness(t), { numSelectorThreads: 2, numWorkerThreads: 2 });
});

test('[wire.handshake] tcp: a request without the readOnly byte gets a response without it', T, async (t) => {
  const h = await harness(t);
  await withEcho(h, {}, async ({ address }) => {
    const peer = await h.connect(address);
    await peer.send(connectRequestFrame(30_000, 0n, new Uint8Array(16), null));
    const payload = await readFrame(peer);
    assert.equal(payload?.length, 36);
    assert.equal(decodeConnectResponse(payload as Uint8Array).readOnly, undefined);
    await peer.close();
  });
});

test('[wire.handshake] tcp: a reconnect to an unknown session gets timeout 0, session 0, a zero password, then a close', T, async (t) => {
  const h = await harness(t);
  await withEcho(h, {}, async ({ address }) => {
    const peer = await h.connect(address);
    await peer.send(connectRequestFrame(30_000, 0x1234n, new Uint8Array(16)));
    const payload = await readFrame(peer);
    assert.ok(payload !== null);
    const response = decodeConnectResponse(payload);
    assert.equal(response.timeOut, 0);
    assert.equal(response.sessionId, 0n);
    assert.deepEqual([...response.passwd], new Array(16).fill(0));
    await peer.closed();
  });
});

test('[wire.ping] tcp: pings are answered with xid -2, err 0 and no body', T, async (t) => {
  await pingScenario(await harness(t));
});

test('[wire.order] tcp: 300 requests pipelined behind the ConnectRequest are answered in order', T, async (t) => {
  await pipelineScenario(await harness(t), 300, { numWorkerThreads: 4 });
});

test('[cnxn.outgoing-buffers] tcp: a closeSession reply is flushed before the server closes the connection', T, async (t) => {
  await closeSessionScenario(await harness(t));
});

test('[wire.bad-frame] tcp: a length prefix above jute.maxbuffer closes only that connection', T, async (t) => {
  await badLengthScenario(await harness(t), Uint8Array.of(0x7f, 0xff, 0xff, 0xff));
});

test('[wire.bad-frame] tcp: a negative length prefix closes only that connection', T, async (t) => {
  await badLengthScenario(await harness(t), Uint8Array.of(0xff, 0xff, 0xff, 0xf0));
});

test('[wire.bad-frame] tcp: garbage instead of a ConnectRequest closes only that connection', T, async (t) => {
  const h = await harness(t);
  await withEcho(h, {}, async ({ address, factory, handler }) => {
    const good = await h.connect(address);
    await handshake(good);
    const bad = await h.connect(address);
    await bad.send(Uint8Array.of(0, 0, 0, 3, 0xde, 0xad, 0xbe));
    await bad.closed();
    await good.send(requestFrame(XID_PING, OP_PING));
    assert.equal((await readReply(good)).header.xid, XID_PING);
    assert.equal(factory.connections().length, 1);
    assert.deepEqual(handler.closed.map((c) => c.reason), ['io_exception']);
    await good.close();
  });
});

test('[wire.slow-reader] tcp: a client that reads slowly gets every reply byte in order while server output stays bounded', T, async (t) => {
  const h = await harness(t);
  const highWater = 64 * 1024;
  await withEcho(h, { numWorkerThreads: 2, outgoingHighWaterBytes: highWater }, async ({ address, factory }) => {
    const peer = await h.connect(address, { receiveWindow: 1024 });
    await handshake(peer);
    const body = new Uint8Array(32 * 1024).map((_, i) => i & 0xff);
    const count = 600; // about 19 MiB of replies: more than loopback socket buffers hold, so output backs up into the factory
    await peer.send(Buffer.concat(Array.from({ length: count }, (_, i) => requestFrame(i + 1, 4, body))));
    const cnxn = factory.registry.list()[0];
    assert.ok(cnxn);
    // The client reads nothing until the server has stopped reading because its output is over the mark.
    const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    for (let i = 0; i < 5000 && !(cnxn.readThrottled() && cnxn.pendingOutgoingBytes() > highWater); i++) await turn();
    assert.ok(cnxn.readThrottled(), 'reads stopped while the client lags');
    const replies = () => eventsOf(h.trace(), 'outgoing').length;
    const before = replies();
    let maxPending = 0;
    for (let i = 0; i < 25; i++) {
      maxPending = Math.max(maxPending, cnxn.pendingOutgoingBytes() + cnxn.reservedIncomingBytes());
      await turn();
    }
    assert.equal(replies(), before, 'no request is processed while the client lags');
    // Memory held: at most one reply beyond the mark plus the parking space, whatever the client sent.
    assert.ok(maxPending <= highWater + body.length + DEFAULT_PARKED_INPUT_BYTES + 64, `held ${maxPending} bytes`);
    for (let xid = 1; xid <= count; xid++) {
      const { header, body: echoed } = await readReply(peer);
      assert.equal(header.xid, xid);
      assert.deepEqual(echoed, body);
    }
    await peer.close();
  });
});

test('[accept.per-ip-limit] tcp: the connection over maxClientCnxns from 127.0.0.1 is reset before any data and logged', T, async (t) => {
  const h = await harness(t);
  await withEcho(h, {}, async ({ address, factory }) => {
    const peers = [];
    for (let i = 0; i < 3; i++) {
      const peer = await h.connect(address);
      await handshake(peer);
      peers.push(peer);
    }
    const received = await refusedConnection(address.port);
    assert.equal(received, 0, 'the refused client gets no byte');
    assert.equal(factory.connections().length, 3);
    const refused = eventsOf(h.trace(), 'cnxnRefused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.why, 'refused_per_ip_limit');
    assert.ok(eventsOf(h.trace(), 'log').some((e) => e.msg === 'Too many connections from 127.0.0.1 - max is 3'));
    const close = eventsOf(h.trace(), 'close').find((e) => e.ch === refused[0]?.ch);
    assert.equal(close?.reset, true);
    // A slot frees up when a connection closes.
    await peers[0]?.close();
    for (let i = 0; i < 2000 && factory.connections().length > 2; i++) await new Promise<void>((r) => setTimeout(r, 5));
    const again = await h.connect(address);
    await handshake(again);
  }, 3);
});

test('[expiry.sessionless] tcp: an idle connection with no session is closed after the timeout, at most one interval late', T, async (t) => {
  const h = await harness(t);
  const timeout = 300;
  await withEcho(h, { sessionlessCnxnTimeout: timeout }, async ({ address, handler }) => {
    const peer = await h.connect(address);
    await peer.closed();
    const trace = h.trace();
    const created = eventsOf(trace, 'cnxnCreated')[0];
    const expire = eventsOf(trace, 'expire')[0];
    assert.ok(created && expire);
    assert.equal(expire.thread, 'ConnnectionExpirer');
    const idle = expire.t - created.t;
    assert.ok(idle > timeout, `closed after ${idle} ms, not before ${timeout}`);
    // One interval of bucket lateness (the interval equals the timeout), plus slack for a busy real event loop.
    assert.ok(idle <= 2 * timeout + 150, `closed after ${idle} ms`);
    assert.deepEqual(handler.closed.map((c) => c.reason), ['connection_expired']);
  });
});

test('[wire.connection-storm] tcp: 2,000 clients connecting at once all get their ConnectResponse', { timeout: 60_000 }, async (t) => {
  const h = await harness(t);
  const clients = 2000;
  await withEcho(h, { numWorkerThreads: 2 }, async ({ address, factory }) => {
    const request = connectRequestFrame();
    const sockets: net.Socket[] = [];
    t.after(() => sockets.forEach((s) => s.destroy()));
    const answered = await Promise.all(
      Array.from({ length: clients }, () =>
        new Promise<bigint>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port: address.port }, () => socket.write(request));
          sockets.push(socket);
          const splitter = new FrameSplitter();
          socket.on('data', (chunk) => {
            const [payload] = splitter.push(chunk);
            if (payload) resolve(decodeConnectResponse(payload).sessionId);
          });
          socket.on('error', reject);
          socket.on('close', () => reject(new Error('closed before the ConnectResponse')));
        }),
      ),
    );
    assert.equal(new Set(answered).size, clients, 'every client got its own session');
    assert.equal(factory.connections().length, clients);
    assert.deepEqual(eventsOf(h.trace(), 'cnxnRefused'), []);
    for (const socket of sockets) socket.destroy();
  });
});
