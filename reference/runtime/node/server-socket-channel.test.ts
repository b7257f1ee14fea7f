import { existsSync, readFileSync } from 'node:fs';
import { platformBacklog } from './server-socket-channel.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RuntimeIOError } from '../../../spec/errors.ts';
import { OP_ACCEPT } from '../../../spec/runtime.ts';
import { TIMEOUT, acceptOne, client, eventsOf, listen, tracedRuntime, until } from './test-support.ts';

test('[runtime.trace-per-operation] node: bind on port 0 traces the real port, which localAddress reports', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const server = await rt.openServerSocket();
  assert.equal(server.localAddress(), undefined);
  server.setReuseAddress(true);
  await server.bind({ host: '127.0.0.1', port: 0 }, -1);
  const address = server.localAddress();
  assert.ok(address && address.port > 0);
  assert.equal(address.host, '127.0.0.1');
  const binds = eventsOf(rt.traceEvents(), 'bind');
  assert.deepEqual(binds.map((e) => [e.ss, e.host, e.port, e.backlog]), [[server.id, '127.0.0.1', address.port, -1]]);
  await server.close();
});

test('[runtime.trace-per-operation] node: binding a port in use rejects with RuntimeIOError EADDRINUSE and traces no bind', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const second = await rt.openServerSocket();
  await assert.rejects(second.bind({ host: '127.0.0.1', port }, 10), (e: unknown) => e instanceof RuntimeIOError && e.errno === 'EADDRINUSE');
  assert.equal(second.localAddress(), undefined);
  assert.equal(eventsOf(rt.traceEvents(), 'bind').length, 1);
  await second.close();
  await server.close();
});

test('[runtime.trace-per-operation] node: closing a listening socket frees its port at once, traced as close unbind', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const accepted = await acceptOne(rt, server);
  await server.close();
  await server.close();
  const again = await rt.openServerSocket();
  await again.bind({ host: '127.0.0.1', port }, 10);
  assert.equal(again.localAddress()?.port, port, 'the port is free although an accepted connection is still open');
  assert.equal(accepted.isOpen(), true);
  let delivered = false;
  peer.on('data', () => (delivered = true));
  assert.equal(await accepted.write(new Uint8Array([1])), 1, 'accepted connections outlive their listening socket');
  await until(() => delivered, 'the byte to reach the peer');
  const closes = eventsOf(rt.traceEvents(), 'close').filter((e) => e.ch === server.id);
  assert.deepEqual(closes.map((e) => [e.reason, e.reset]), [['unbind', undefined]]);
  await assert.rejects(server.accept(), (e: unknown) => e instanceof RuntimeIOError && e.errno === 'EBADF');
  await accepted.close('server_shutdown');
  await again.close();
});

test('[runtime.trace-per-operation] node: accept with nothing pending returns null, traced with ch null', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server } = await listen(rt);
  assert.equal(await server.accept(), null);
  const accepts = eventsOf(rt.traceEvents(), 'accept');
  assert.deepEqual(accepts.map((e) => [e.thread, e.ss, e.ch]), [['main', server.id, null]]);
  await server.close();
});

test('[runtime.level-triggered] node: a failed accept (EMFILE) makes OP_ACCEPT ready and the next accept throw it, traced with its errno', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  let made: net.Server | undefined;
  const server = await rt.openServerSocketWith((onConnection) => (made = net.createServer({ pauseOnConnect: true }, onConnection)));
  await server.bind({ host: '127.0.0.1', port: 0 }, 10);
  const selector = await rt.openSelector();
  const key = await server.register(selector, OP_ACCEPT);
  // What node:net does when accept(2) fails: an 'error' event on the listening server.
  made!.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
  assert.deepEqual((await selector.selectNow()).map((k) => [k.id, k.readyOps()]), [[key.id, OP_ACCEPT]]);
  await assert.rejects(server.accept(), (e: unknown) => e instanceof RuntimeIOError && e.errno === 'EMFILE');
  assert.deepEqual(await selector.selectNow(), [], 'reported once');
  assert.equal(await server.accept(), null, 'the listening socket goes on');
  const accepts = eventsOf(rt.traceEvents(), 'accept');
  assert.deepEqual(accepts.map((e) => [e.ch, e.error]), [[null, 'EMFILE'], [null, undefined]]);
  await server.close();
  await selector.close();
});

test('[runtime.trace-per-operation] node: a dual-stack listener reports IPv4 clients without the ::ffff: prefix', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const server = await rt.openServerSocket();
  try {
    // An IPv6 socket bound to the v4-mapped loopback: IPv4 clients arrive as ::ffff:127.0.0.1, and only from here.
    await server.bind({ host: '::ffff:127.0.0.1', port: 0 }, 10);
  } catch (error) {
    t.skip(`no IPv6 here: ${(error as Error).message}`);
    await server.close();
    return;
  }
  const port = server.localAddress()!.port;
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  assert.deepEqual(channel.remoteAddress, { host: '127.0.0.1', port: peer.localPort });
  assert.equal(eventsOf(rt.traceEvents(), 'accept')[0]?.remote, `127.0.0.1:${peer.localPort}`);
  assert.equal(eventsOf(rt.traceEvents(), 'bind')[0]?.host, '127.0.0.1');
  await channel.close('server_shutdown');
  await server.close();
});

test('[configure.bind] node: backlog -1 means the kernel limit (net.core.somaxconn), not node\'s 511', () => {
  const path = '/proc/sys/net/core/somaxconn';
  const expected = existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : 511;
  assert.equal(platformBacklog(), expected);
  assert.ok(platformBacklog() >= 128);
});
