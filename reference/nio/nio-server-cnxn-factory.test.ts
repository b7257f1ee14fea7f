/** configure, thread counts and the lifecycle of the NIO factory, on the node runtime (real sockets). */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { CnxnspecError } from '../../spec/errors.ts';
import { nodeHarness } from '../../conformance/suites/node-harness.ts';
import type { RuntimeHarness } from '../../conformance/suites/runtime-harness.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { createFactory, NIOServerCnxnFactory } from './nio-server-cnxn-factory.ts';
import { resolveNioSettings } from './nio-settings.ts';
import { eventsOf, handshake, inMain, LOOPBACK, serveEcho } from './test-support.ts';

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

test('[configure.bind] tcp: after configure and before start the port is taken', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2 });
  await h.run(() => factory.configure(LOOPBACK, 10, -1, false));
  t.after(() => h.run(() => factory.shutdown()));
  const port = factory.localAddress()?.port as number;
  await assert.rejects(listenOn(port), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
  assert.deepEqual(eventsOf(h.trace(), 'threadStart'), [], 'configure starts no thread');
});

test('[configure.bind] tcp: configure binds with the given backlog and reports the configured fact', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2, numSelectorThreads: 2, numWorkerThreads: 3 });
  await h.run(() => factory.configure(LOOPBACK, 7, 123, false));
  t.after(() => h.run(() => factory.shutdown()));
  const [bind] = eventsOf(h.trace(), 'bind');
  assert.equal(bind?.backlog, 123);
  const [configured] = eventsOf(h.trace(), 'configured');
  assert.deepEqual(configured?.selectors, ['SelectorThread-0', 'SelectorThread-1']);
  assert.equal(configured?.workers, 3);
  assert.equal(configured?.maxClientCnxns, 7);
});

test('[configure.bind] tcp: a port already in use fails configure and closes everything configure opened', T, async (t) => {
  const h = await harness(t);
  const taken = await listenOn(0);
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as net.AddressInfo).port;
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2, numSelectorThreads: 2 });
  await assert.rejects(h.run(() => factory.configure({ host: '127.0.0.1', port }, 0, -1, false)), /EADDRINUSE/);
  assert.equal(factory.localAddress(), undefined);
  assert.equal(eventsOf(h.trace(), 'selectorClose').length, 2, 'the selector threads\' selectors were closed again');
  assert.deepEqual(eventsOf(h.trace(), 'threadStart'), []);
});

test('[configure.port-zero] tcp: port 0 resolves to the real ephemeral port from the end of configure', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2 });
  await h.run(() => factory.configure({ host: '127.0.0.1', port: 0 }, 0, -1, false));
  t.after(() => h.run(() => factory.shutdown()));
  const address = factory.localAddress();
  assert.equal(address?.host, '127.0.0.1');
  assert.ok(address !== undefined && address.port > 0);
  const [bind] = eventsOf(h.trace(), 'bind');
  assert.equal(bind?.port, address.port);
});

test('[configure.secure-needs-tls] unit: secure=true is refused before any socket or thread, pointing to the Netty-style factory', T, async (t) => {
  const h = await harness(t);
  const factory = createFactory(h.runtime, { cores: 2 });
  await assert.rejects(h.run(() => factory.configure(LOOPBACK, 0, -1, true)), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_UNSUPPORTED');
    assert.match(err.message, /Netty-style factory/);
    return true;
  });
  assert.deepEqual(eventsOf(h.trace(), 'bind'), []);
  assert.equal(factory.localAddress(), undefined);
});

test('[nio.thread-counts] unit: default selector and worker counts follow the core count', T, () => {
  const counts = (cores: number) => {
    const s = resolveNioSettings({ cores });
    return [s.numSelectorThreads, s.numWorkerThreads];
  };
  assert.deepEqual(counts(1), [1, 2]);
  assert.deepEqual(counts(8), [2, 16]);
  assert.deepEqual(counts(32), [4, 64]);
  assert.deepEqual(counts(64), [5, 128]);
  assert.equal(resolveNioSettings({ cores: 4, numWorkerThreads: -3 }).numWorkerThreads, 0);
});

test('[nio.thread-counts] unit: numSelectorThreads below 1 fails configure with CNXNSPEC_ERR_CONFIG and binds nothing', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { numSelectorThreads: 0 });
  await assert.rejects(h.run(() => factory.configure(LOOPBACK, 0, -1, false)), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(err.message, /numSelectorThreads must be at least 1/);
    return true;
  });
  assert.deepEqual(eventsOf(h.trace(), 'bind'), []);
});

test('[nio.thread-counts] tcp: a started factory runs one AcceptThread, N selectors, M workers and one ConnnectionExpirer', T, async (t) => {
  const h = await harness(t);
  const { factory } = await inMain(h, async () => serveEcho(h.runtime, { numSelectorThreads: 3, numWorkerThreads: 4 }));
  t.after(() => h.run(() => factory.shutdown()));
  const started = eventsOf(h.trace(), 'threadStart').map((e) => e.name).sort();
  assert.deepEqual(started, [
    'AcceptThread',
    'ConnnectionExpirer',
    'NIOWorker-1',
    'NIOWorker-2',
    'NIOWorker-3',
    'NIOWorker-4',
    'SelectorThread-0',
    'SelectorThread-1',
    'SelectorThread-2',
  ]);
});

test('[factory.lifecycle-start-once] tcp: a second start spawns no thread and creates no pool', T, async (t) => {
  const h = await harness(t);
  const { factory } = await inMain(h, async () => serveEcho(h.runtime, { numWorkerThreads: 2 }));
  t.after(() => h.run(() => factory.shutdown()));
  const before = eventsOf(h.trace(), 'threadStart').length;
  await h.run(() => factory.start());
  await h.run(() => factory.start());
  assert.equal(eventsOf(h.trace(), 'threadStart').length, before);
  assert.equal(eventsOf(h.trace(), 'lifecycle').filter((e) => e.phase === 'start').length, 1);
});

test('[factory.lifecycle-start-once] tcp: start after stop spawns nothing and the port stays closed', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2 });
  await h.run(() => factory.configure(LOOPBACK, 0, -1, false));
  const port = factory.localAddress()?.port as number;
  await h.run(() => factory.stop());
  await h.run(() => factory.start());
  await h.run(() => factory.join());
  assert.deepEqual(eventsOf(h.trace(), 'threadStart'), []);
  const server = await listenOn(port);
  server.close();
});

test('[factory.lifecycle-stop] tcp: shutdown closes connections with server_shutdown, ends every thread and releases the port', T, async (t) => {
  const h = await harness(t);
  const baseline = process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
  const { factory, address, handler } = await inMain(h, async () => serveEcho(h.runtime, { numSelectorThreads: 2, numWorkerThreads: 2 }));
  const peers = [];
  for (let i = 0; i < 4; i++) {
    const peer = await h.connect(address);
    await handshake(peer);
    peers.push(peer);
  }
  await h.run(() => factory.shutdown());
  for (const peer of peers) await peer.closed();
  assert.equal(factory.connections().length, 0);
  assert.deepEqual(handler.closed.map((c) => c.reason), ['server_shutdown', 'server_shutdown', 'server_shutdown', 'server_shutdown']);
  const trace = h.trace();
  const started = eventsOf(trace, 'threadStart').map((e) => e.name).sort();
  const ended = eventsOf(trace, 'threadEnd').map((e) => e.name).sort();
  assert.deepEqual(ended, started, 'every started thread ended');
  const accepted = eventsOf(trace, 'accept').flatMap((e) => (e.ch ? [e.ch] : []));
  const closed = new Set(eventsOf(trace, 'close').map((e) => e.ch));
  assert.deepEqual(accepted.filter((ch) => !closed.has(ch)), [], 'every accepted socket was closed');
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length, baseline);
  const server = await listenOn(address.port);
  server.close();
});

test('[factory.lifecycle-stop] tcp: shutdown without start releases the port', T, async (t) => {
  const h = await harness(t);
  const factory = new NIOServerCnxnFactory(h.runtime, { cores: 2 });
  await h.run(() => factory.configure(LOOPBACK, 0, -1, false));
  const port = factory.localAddress()?.port as number;
  await h.run(() => factory.shutdown());
  const server = await listenOn(port);
  server.close();
});

test('[factory.lifecycle-stop] tcp: stop is idempotent and join returns once every factory thread has ended', T, async (t) => {
  const h = await harness(t);
  const { factory } = await inMain(h, async () => serveEcho(h.runtime, { numWorkerThreads: 2 }));
  await h.run(async () => {
    await factory.stop();
    await factory.stop();
    await factory.join();
  });
  const trace = h.trace();
  assert.equal(eventsOf(trace, 'lifecycle').filter((e) => e.phase === 'stop').length, 1);
  const joined = trace.find((e) => e.ev === 'lifecycle' && e.phase === 'joined');
  assert.ok(joined);
  const lastEnd = Math.max(...eventsOf(trace, 'threadEnd').map((e) => e.seq));
  assert.ok(joined.seq > lastEnd, 'joined is reported after the last threadEnd');
  assert.equal(eventsOf(trace, 'threadEnd').length, eventsOf(trace, 'threadStart').length);
  await h.run(() => factory.shutdown());
});

test('[factory.lifecycle-stop] tcp: with tracing off the factory starts and shuts down cleanly', T, async (t) => {
  const runtime = createNodeRuntime({ logger: { log() {} } });
  t.after(() => runtime.dispose());
  const { factory } = await runtime.runAs('main', () => serveEcho(runtime, {}));
  await runtime.runAs('main', () => factory.shutdown());
  assert.equal(factory.connections().length, 0);
});
