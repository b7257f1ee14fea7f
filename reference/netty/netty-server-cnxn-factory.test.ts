/** The Netty-style factory on real sockets (127.0.0.1): start and bind, the per-address limit, pipelining, stop. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { CnxnspecError } from '../../spec/errors.ts';
import { nodeHarness } from '../../conformance/suites/node-harness.ts';
import type { RuntimeHarness } from '../../conformance/suites/runtime-harness.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { until } from '../nio/sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, LOOPBACK, readFrame, readReply, requestFrame } from '../nio/test-support.ts';
import { NettyServerCnxnFactory } from './netty-server-cnxn-factory.ts';
import { serveNettyEcho, threadsPerChannel } from './test-support.ts';

const T = { timeout: 20_000 };

async function harness(t: { after(fn: () => Promise<void>): void }): Promise<RuntimeHarness> {
  const h = await nodeHarness({ seed: 1 });
  t.after(() => h.dispose());
  return h;
}

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

test('[netty.start-bind] tcp: start binds synchronously, logs binding then bound with the real port, and port 0 resolves', T, async (t) => {
  const h = await harness(t);
  const factory = new NettyServerCnxnFactory(h.runtime, { cores: 2, eventLoopThreads: 1 });
  await h.run(() => factory.configure(LOOPBACK, 0, -1, false));
  assert.deepEqual(eventsOf(h.trace(), 'bind'), [], 'configure binds nothing');
  assert.equal(factory.localAddress()?.port, 0);
  await h.run(() => factory.start());
  t.after(() => h.run(() => factory.shutdown()));
  const port = factory.localAddress()?.port ?? 0;
  assert.ok(port > 0);
  // When start has returned the port is bound: another listener cannot take it, a client can connect.
  await assert.rejects(listenOn(port), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
  const [bind] = eventsOf(h.trace(), 'bind');
  assert.equal(bind?.backlog, -1, 'backlog -1 passed on as the platform default');
  assert.equal(bind?.port, port);
  const logs = eventsOf(h.trace(), 'log').map((e) => e.msg);
  const binding = logs.indexOf('binding to port 127.0.0.1:0');
  assert.ok(binding >= 0 && logs.indexOf(`bound to port ${port}`) > binding, logs.join('\n'));
});

test('[netty.start-bind] tcp: a backlog other than -1 is applied; a port in use fails start with the bind error', T, async (t) => {
  const h = await harness(t);
  const taken = await listenOn(0);
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as net.AddressInfo).port;
  const busy = new NettyServerCnxnFactory(h.runtime, { cores: 2, eventLoopThreads: 1 });
  await h.run(() => busy.configure({ host: '127.0.0.1', port }, 0, 5, false));
  await assert.rejects(h.run(() => busy.start()), /EADDRINUSE/);
  assert.deepEqual(eventsOf(h.trace(), 'threadStart'), [], 'no loop started after a failed bind');
  const ok = new NettyServerCnxnFactory(h.runtime, { cores: 2, eventLoopThreads: 1 });
  await h.run(async () => {
    await ok.configure(LOOPBACK, 0, 9, false);
    await ok.start();
  });
  t.after(() => h.run(() => ok.shutdown()));
  assert.equal(eventsOf(h.trace(), 'bind').at(-1)?.backlog, 9);
});

test('[netty.per-ip-limit] tcp: the third connection from 127.0.0.1 with maxClientCnxns=2 is closed and logged; a slot frees on close', T, async (t) => {
  const h = await harness(t);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, {}, 2);
    try {
      const a = await h.connect(address);
      const b = await h.connect(address);
      await handshake(a);
      await handshake(b);
      const c = await h.connect(address);
      await c.closed();
      assert.equal(factory.registry.ipCount('127.0.0.1'), 2);
      await a.close();
      await until(h.runtime, () => factory.registry.ipCount('127.0.0.1') === 1, 5, 2_000);
      const d = await h.connect(address);
      await handshake(d);
      await b.close();
      await d.close();
      await until(h.runtime, () => factory.registry.addresses().length === 0, 5, 2_000);
    } finally {
      await factory.shutdown();
    }
  });
  assert.ok(eventsOf(h.trace(), 'log').some((e) => e.msg === 'Too many connections from 127.0.0.1 - max is 2'));
  assert.equal(eventsOf(h.trace(), 'close').filter((e) => e.reason === 'refused_per_ip_limit').length, 1);
});

test('[netty.event-loop-affinity] tcp: pipelined requests behind the ConnectRequest are kept while reading is held and answered in order', T, async (t) => {
  const h = await harness(t);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { eventLoopThreads: 3 });
    try {
      const peers = [await h.connect(address), await h.connect(address), await h.connect(address)];
      for (const peer of peers) {
        const frames = [connectRequestFrame()];
        for (let xid = 1; xid <= 40; xid++) frames.push(xid % 5 === 0 ? requestFrame(XID_PING, OP_PING) : requestFrame(xid, 4, Uint8Array.of(xid)));
        await peer.send(Buffer.concat(frames));
      }
      for (const peer of peers) {
        assert.ok((await readFrame(peer)) !== null);
        for (let xid = 1; xid <= 40; xid++) assert.equal((await readReply(peer)).header.xid, xid % 5 === 0 ? XID_PING : xid);
        await peer.close();
      }
    } finally {
      await factory.shutdown();
    }
  });
  for (const [ch, threads] of threadsPerChannel(h.trace())) assert.equal(threads.size, 1, `${ch}: ${[...threads].join(', ')}`);
});

test('[factory.lifecycle-stop] tcp: netty shutdown closes open channels with server_shutdown, ends every loop and frees the port', T, async (t) => {
  const h = await harness(t);
  let port = 0;
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime);
    port = address.port;
    const peer = await h.connect(address);
    await handshake(peer);
    await factory.shutdown();
    await peer.closed();
  });
  assert.ok(eventsOf(h.trace(), 'close').some((e) => e.reason === 'server_shutdown'));
  const started = eventsOf(h.trace(), 'threadStart').map((e) => e.name).sort();
  assert.deepEqual(eventsOf(h.trace(), 'threadEnd').map((e) => e.name).sort(), started);
  const again = await listenOn(port);
  await new Promise<void>((resolve) => again.close(() => resolve()));
});

test('[netty.tls] unit: a secure factory without TLS material is refused at configure, naming the property to set', T, async (t) => {
  const h = await harness(t);
  const factory = new NettyServerCnxnFactory(h.runtime, { cores: 2 });
  await assert.rejects(h.run(() => factory.configure(LOOPBACK, 0, -1, true)), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(err.message, /ssl\.keyStore\.location/);
    return true;
  });
});
