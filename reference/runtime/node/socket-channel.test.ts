import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeIOError } from '../../../spec/errors.ts';
import { OP_READ, OP_WRITE } from '../../../spec/runtime.ts';
import { TIMEOUT, acceptOne, client, eventsOf, listen, pattern, tracedRuntime, until } from './test-support.ts';

test('[runtime.partial-write] node: write returns less than requested when the peer stops reading', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port, true);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_WRITE);
  const total = 16 << 20;
  const data = pattern(total);
  let sent = 0;
  let zero = false;
  // The peer is paused: once kernel buffers are full, writes take at most the write limit and then nothing.
  while (sent < total && !zero) {
    const writable = (await selector.selectNow()).includes(key);
    const n = await channel.write(data.subarray(sent));
    assert.ok(n <= 64 * 1024, `a write took ${n} bytes, more than the 64 KiB write limit`);
    assert.equal(n === 0, !writable, 'a write takes nothing exactly when OP_WRITE is not ready');
    zero = n === 0;
    sent += n;
  }
  assert.ok(zero, 'the socket stopped taking bytes while the peer did not read');
  assert.ok(sent < total);
  const writes = eventsOf(rt.traceEvents(), 'write');
  assert.ok(writes.every((w) => w.requested === total - writes.slice(0, writes.indexOf(w)).reduce((s, x) => s + x.n, 0)));
  const chunks: Buffer[] = [];
  let received = 0;
  peer.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  peer.resume();
  while (sent < total) {
    const ready = await selector.select();
    if (ready.includes(key)) sent += await channel.write(data.subarray(sent));
  }
  await until(() => received === total, 'all 16 MiB to arrive');
  assert.ok(Buffer.concat(chunks).equals(data), 'every byte arrives, in order');
  await channel.close('server_shutdown');
  await server.close();
  await selector.close();
});

test('[runtime.partial-write] node: write copies what it takes, so the caller may reuse its buffer at once', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const received: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => received.push(chunk));
  const buffer = new Uint8Array(4);
  for (const byte of [1, 2, 3]) {
    buffer.fill(byte);
    assert.equal(await channel.write(buffer), 4);
  }
  await until(() => Buffer.concat(received).length === 12, 'twelve bytes');
  assert.deepEqual([...Buffer.concat(received)], [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  await channel.close('server_shutdown');
  await server.close();
});

test('[runtime.partial-write] node: an orderly close still delivers the bytes the socket took before it', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const received: Buffer[] = [];
  let ended = false;
  peer.on('data', (chunk: Buffer) => received.push(chunk));
  peer.on('end', () => (ended = true));
  const data = pattern(60_000);
  assert.equal(await channel.write(data), data.length);
  await channel.close('client_closed_session');
  await until(() => ended, 'the FIN');
  assert.ok(Buffer.concat(received).equals(data));
  await server.close();
});

test('[runtime.level-triggered] node: a peer reset makes the channel readable and the next read throw ECONNRESET', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_READ);
  peer.write(pattern(5));
  await selector.select();
  peer.resetAndDestroy();
  const into = new Uint8Array(16);
  let n = 0;
  for (;;) {
    const ready = await selector.select();
    assert.deepEqual(ready.map((k) => [k.id, k.readyOps()]), [[key.id, OP_READ]]);
    const r = await channel.read(into).catch((e: unknown) => e);
    if (typeof r === 'number') {
      assert.ok(r > 0, 'readable means there is something: bytes, or the error');
      n += r;
      continue;
    }
    assert.ok(r instanceof RuntimeIOError, String(r));
    assert.equal(r.errno, 'ECONNRESET');
    break;
  }
  assert.equal(n, 5, 'bytes sent before the reset are read first');
  assert.deepEqual(await selector.selectNow(), [], 'the error was reported: no longer readable');
  await assert.rejects(channel.read(into), (e: unknown) => e instanceof RuntimeIOError && e.errno === 'ECONNRESET');
  await assert.rejects(channel.write(pattern(1)), (e: unknown) => e instanceof RuntimeIOError);
  const reads = eventsOf(rt.traceEvents(), 'read').map((e) => e.n);
  assert.equal(reads.at(-1), -1, 'a failed read is traced as the end of the stream');
  await channel.close('io_exception');
  await server.close();
  await selector.close();
});

test('[runtime.level-triggered] node: a client sending faster than the server reads is held back at the read high-water mark', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t, { readHighWater: 16 * 1024 });
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  await channel.register(selector, OP_READ);
  const total = 16 << 20;
  const data = pattern(total);
  for (let at = 0; at < total; at += 64 * 1024) peer.write(data.subarray(at, at + 64 * 1024));
  await selector.select();
  // The server side pauses reading, so kernel buffers fill and the peer keeps the rest: its backlog stops moving.
  let last = -1;
  let still = 0;
  await until(
    () => {
      still = peer.writableLength === last ? still + 1 : 0;
      last = peer.writableLength;
      return still >= 200;
    },
    'the peer backlog to settle',
  );
  assert.ok(peer.writableLength > 0, 'the peer is held back with bytes still unsent');
  const into = new Uint8Array(total);
  const first = await channel.read(into);
  assert.ok(first > 0 && first <= 16 * 1024 + 64 * 1024, `one read found ${first} bytes buffered, past the high-water mark`);
  let got = first;
  while (got < total) {
    await selector.select();
    const n = await channel.read(into.subarray(got));
    assert.ok(n >= 0);
    got += n;
  }
  assert.ok(Buffer.from(into).equals(data));
  await channel.close('server_shutdown');
  await server.close();
  await selector.close();
});

test('[runtime.trace-per-operation] node: close is traced once with its reason, and a reset close reaches the peer as ECONNRESET', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  let peerError: string | undefined;
  peer.removeAllListeners('error');
  peer.on('error', (e: NodeJS.ErrnoException) => (peerError = e.code));
  const channel = await acceptOne(rt, server);
  const peerPort = peer.localPort;
  assert.deepEqual(channel.remoteAddress, { host: '127.0.0.1', port: peerPort });
  await channel.close('connection_close_forced', { reset: true });
  await channel.close('server_shutdown');
  await until(() => peerError !== undefined, 'the RST at the peer');
  assert.equal(peerError, 'ECONNRESET');
  await assert.rejects(channel.read(new Uint8Array(1)), (e: unknown) => e instanceof RuntimeIOError && e.errno === 'EBADF');
  const closes = eventsOf(rt.traceEvents(), 'close').filter((e) => e.ch === channel.id);
  assert.deepEqual(closes.map((e) => [e.reason, e.reset]), [['connection_close_forced', true]]);
  const accept = eventsOf(rt.traceEvents(), 'accept').find((e) => e.ch === channel.id);
  assert.equal(accept?.remote, `127.0.0.1:${peerPort}`);
  await server.close();
});
