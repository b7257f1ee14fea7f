import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError } from '../../../spec/errors.ts';
import { OP_ACCEPT, OP_READ, OP_WRITE } from '../../../spec/runtime.ts';
import { TIMEOUT, acceptOne, client, eventsOf, listen, pattern, tracedRuntime, until } from './test-support.ts';

test('[runtime.level-triggered] node: OP_ACCEPT stays ready while connections wait, until accept has taken them all', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const selector = await rt.openSelector();
  const key = await server.register(selector, OP_ACCEPT);
  await client(t, port);
  await client(t, port);
  const first = await selector.select();
  assert.deepEqual(first.map((k) => [k.id, k.readyOps()]), [[key.id, OP_ACCEPT]]);
  const a = await server.accept();
  assert.ok(a);
  let b = await server.accept();
  while (!b) {
    assert.ok((await selector.select()).includes(key));
    b = await server.accept();
  }
  assert.deepEqual(await selector.selectNow(), [], 'nothing waits: not ready');
  assert.equal(await server.accept(), null);
  const accepts = eventsOf(rt.traceEvents(), 'accept');
  assert.deepEqual(accepts.map((e) => e.ch), [a.id, b.id, null]);
  await a.close('server_shutdown');
  await b.close('server_shutdown');
  await server.close();
  await selector.close();
});

test('[runtime.level-triggered] node: OP_WRITE is ready while there is room, not when full, and again once the peer reads', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port, true);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_WRITE);
  assert.deepEqual((await selector.selectNow()).map((k) => k.readyOps()), [OP_WRITE]);
  const chunk = pattern(256 * 1024);
  let written = 0;
  // The peer does not read, so kernel buffers fill and then the write limit is reached.
  for (let i = 0; i < 10_000; i++) {
    const n = await channel.write(chunk);
    written += n;
    if (n === 0) break;
    if ((await selector.selectNow()).length === 0) break;
    if (i % 16 === 15) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(await selector.selectNow(), [], 'full: not writable');
  let received = 0;
  peer.on('data', (data: Buffer) => (received += data.length));
  peer.resume();
  const ready = await selector.select(10_000);
  assert.deepEqual(ready.map((k) => [k.id, k.readyOps()]), [[key.id, OP_WRITE]], 'room again after the peer read');
  await channel.close('server_shutdown');
  await until(() => received === written, 'every byte taken to arrive');
  await server.close();
  await selector.close();
});

test('[runtime.level-triggered] node: EOF is reported once by readiness and every read after it returns -1', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_READ);
  peer.end(pattern(3));
  const into = new Uint8Array(2);
  const got: number[] = [];
  while (got.at(-1) !== -1) {
    assert.deepEqual((await selector.select()).map((k) => [k.id, k.readyOps()]), [[key.id, OP_READ]]);
    got.push(await channel.read(into));
  }
  assert.deepEqual(got.filter((n) => n !== 0), [2, 1, -1]);
  assert.deepEqual(await selector.selectNow(), [], 'a reported EOF is not readiness');
  assert.equal(await channel.read(into), -1);
  await channel.close('client_closed_connection');
  await server.close();
  await selector.close();
});

test('[runtime.level-triggered] node: a cancelled key is never returned and leaves keys() at the next select', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  await client(t, port);
  const selector = await rt.openSelector();
  const key = await server.register(selector, OP_ACCEPT);
  await selector.select();
  await key.cancel();
  assert.equal(key.isValid(), false);
  assert.deepEqual(selector.keys(), [key], 'still there until the next select');
  await assert.rejects(server.register(selector, OP_ACCEPT), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CANCELLED_KEY');
  assert.deepEqual(await selector.selectNow(), [], 'ready, but cancelled');
  assert.deepEqual(selector.keys(), []);
  assert.equal(server.keyFor(selector), undefined);
  const again = await server.register(selector, OP_ACCEPT);
  assert.notEqual(again.id, key.id);
  assert.deepEqual(await selector.selectNow(), [again]);
  await server.close();
  assert.equal(again.isValid(), false, 'closing the channel invalidates its keys');
  assert.deepEqual(await selector.selectNow(), []);
  await selector.close();
});

test('[runtime.level-triggered] node: a blocked select returns when an interest change makes a key ready', TIMEOUT, async (t) => {
  let arrived = 0;
  const rt = tracedRuntime(t, { onConnection: () => arrived++ });
  const { server, port } = await listen(rt);
  await client(t, port);
  await until(() => arrived === 1, 'the connection to reach the listening socket');
  const selector = await rt.openSelector();
  const key = await server.register(selector, 0);
  let result: unknown;
  const selecting = rt.thread('SelectorThread-0', async () => {
    result = (await selector.select()).map((k) => k.id);
  });
  selecting.start();
  await until(() => eventsOf(rt.traceEvents(), 'selectBegin').length === 1, 'the select to begin');
  // The connection is pending but interest is 0: only the interest change can end this select.
  await key.setInterestOps(OP_ACCEPT);
  await selecting.join();
  assert.deepEqual(result, [key.id]);
  await server.close();
  await selector.close();
});

test('[runtime.level-triggered] node: a key that stops being ready before the select returns does not end it', TIMEOUT, async (t) => {
  let arrived = 0;
  const rt = tracedRuntime(t, { onConnection: () => arrived++ });
  const { server, port } = await listen(rt);
  await client(t, port);
  await until(() => arrived === 1, 'the connection to reach the listening socket');
  const selector = await rt.openSelector();
  const key = await server.register(selector, 0);
  let result: unknown;
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    result = await selector.select();
  });
  selectorThread.start();
  await until(() => eventsOf(rt.traceEvents(), 'selectBegin').length === 1, 'the select to begin');
  await Promise.all([key.setInterestOps(OP_ACCEPT), key.setInterestOps(0)]);
  // Two loop turns: the release scheduled by the first change has run and found nothing ready.
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(eventsOf(rt.traceEvents(), 'selectEnd').length, 0, 'still parked after the loop turn passed');
  await selector.wakeup();
  await selectorThread.join();
  assert.deepEqual(result, []);
  await server.close();
  await selector.close();
});

test('[runtime.sticky-wakeup] node: selectNow consumes a pending wakeup and reports it as woken', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const selector = await rt.openSelector();
  await selector.wakeup();
  assert.deepEqual(await selector.selectNow(), []);
  assert.deepEqual(await selector.select(1), [], 'the wakeup was consumed, so this one times out');
  assert.deepEqual(eventsOf(rt.traceEvents(), 'selectEnd').map((e) => e.woken), [true, false]);
  await selector.close();
});

test('[runtime.sticky-wakeup] node: wakeups made while a select is blocked end that select only and do not carry over', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const selector = await rt.openSelector();
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    await selector.select();
  });
  selectorThread.start();
  await until(() => eventsOf(rt.traceEvents(), 'selectBegin').length === 1, 'the select to begin');
  // Both before the select can return (an await between them would let it return, and the second would be pending).
  await Promise.all([selector.wakeup(), selector.wakeup()]);
  await selectorThread.join();
  assert.deepEqual(await selector.selectNow(), []);
  assert.deepEqual(eventsOf(rt.traceEvents(), 'selectEnd').map((e) => [e.thread, e.woken]), [
    ['SelectorThread-0', true],
    ['main', false],
  ]);
  await selector.close();
});

test('[runtime.sticky-wakeup] node: readiness and a wakeup in the same turn end one select, woken, with the ready key', TIMEOUT, async (t) => {
  let arrived = 0;
  const rt = tracedRuntime(t, { onConnection: () => arrived++ });
  const { server, port } = await listen(rt);
  await client(t, port);
  await until(() => arrived === 1, 'the connection to reach the listening socket');
  const selector = await rt.openSelector();
  const key = await server.register(selector, 0);
  let result: string[] = [];
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    result = (await selector.select()).map((k) => k.id);
  });
  selectorThread.start();
  await until(() => eventsOf(rt.traceEvents(), 'selectBegin').length === 1, 'the select to begin');
  await key.setInterestOps(OP_ACCEPT);
  await selector.wakeup();
  await selectorThread.join();
  assert.deepEqual(result, [key.id]);
  assert.deepEqual(await selector.selectNow(), [key], 'still ready (level-triggered)');
  assert.deepEqual(eventsOf(rt.traceEvents(), 'selectEnd').map((e) => e.woken), [true, false], 'the wakeup was consumed once');
  await server.close();
  await selector.close();
});

test('[runtime.sticky-wakeup] node: closing a selector ends a blocked select with no keys, and a later select throws', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const selector = await rt.openSelector();
  let result: unknown;
  const selectorThread = rt.thread('SelectorThread-0', async () => {
    result = await selector.select();
  });
  selectorThread.start();
  await until(() => eventsOf(rt.traceEvents(), 'selectBegin').length === 1, 'the select to begin');
  await selector.close();
  await selectorThread.join();
  assert.deepEqual(result, []);
  assert.equal(selector.isOpen(), false);
  await assert.rejects(selector.select(), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CLOSED_SELECTOR');
  await selector.close();
  assert.equal(eventsOf(rt.traceEvents(), 'selectorClose').length, 1, 'close is traced once');
});

test('[runtime.trace-per-operation] node: a timed select returns nothing when nothing happens, traced with its timeout', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const selector = await rt.openSelector();
  assert.deepEqual(await selector.select(2.5), []);
  await selector.selectNow();
  await assert.rejects(selector.select(-1), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CONFIG');
  const begins = eventsOf(rt.traceEvents(), 'selectBegin');
  assert.deepEqual(begins.map((e) => e.timeout), [3, 0], 'fractional timeouts round up; selectNow is timeout 0');
  assert.deepEqual(eventsOf(rt.traceEvents(), 'selectEnd').map((e) => [e.ready.length, e.woken]), [[0, false], [0, false]]);
  await selector.close();
});
