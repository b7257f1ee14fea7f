/**
 * One contract suite for every host runtime: the same test bodies run against the node runtime (real sockets)
 * and the simulation, parameterized by a HarnessFactory. A runtime that passes these can carry any factory.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OP_ACCEPT, OP_READ, OP_WRITE, type HostRuntime, type SelectionKey, type SocketChannel } from '../../spec/runtime.ts';
import { InterruptedError } from '../../spec/errors.ts';
import { traceEventSchema } from '../../spec/trace/schema.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import type { HarnessFactory, RuntimeHarness } from './runtime-harness.ts';

const TIMEOUT = { timeout: 30_000 };
const validate = new Ajv2020({ allErrors: true }).compile(traceEventSchema);

async function withHarness(make: HarnessFactory, body: (h: RuntimeHarness) => Promise<void>): Promise<RuntimeHarness> {
  const h = await make({ seed: 7 });
  try {
    await h.run(() => body(h));
  } finally {
    await h.dispose();
  }
  return h;
}

/** A listening socket on 127.0.0.1:0 with one accepted connection registered for OP_READ. */
async function acceptOne(h: RuntimeHarness, options: { receiveWindow?: number } = {}) {
  const rt = h.runtime;
  const server = await rt.openServerSocket();
  server.setReuseAddress(true);
  await server.bind({ host: '127.0.0.1', port: 0 }, 50);
  const acceptSelector = await rt.openSelector();
  await server.register(acceptSelector, OP_ACCEPT);
  const peer = await h.connect(server.localAddress()!, options);
  let channel: SocketChannel | null = null;
  while (!channel) {
    const ready = await acceptSelector.select();
    if (ready.some((k) => k.readyOps() & OP_ACCEPT)) channel = await server.accept();
  }
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_READ);
  const cleanup = async () => {
    await channel.close('server_shutdown');
    await server.close();
    await acceptSelector.close();
    await selector.close();
  };
  return { server, channel, selector, key, peer, cleanup };
}

async function readyFor(key: SelectionKey, selector: { select(t?: number): Promise<SelectionKey[]> }, ops: number) {
  for (;;) {
    const ready = await selector.select();
    const mine = ready.find((k) => k === key);
    if (mine && mine.readyOps() & ops) return;
  }
}

async function readExactly(channel: SocketChannel, key: SelectionKey, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    await readyFor(key, key.selector, OP_READ);
    const chunk = new Uint8Array(n - got);
    const r = await channel.read(chunk);
    assert.ok(r > 0, `read returned ${r} before ${n} bytes arrived`);
    out.set(chunk.subarray(0, r), got);
    got += r;
  }
  return out;
}

function eventsOf<E extends TraceEvent['ev']>(events: readonly TraceEvent[], ev: E) {
  return events.filter((e): e is Extract<TraceEvent, { ev: E }> => e.ev === ev);
}

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
}

export function runtimeContractSuite(kind: 'node' | 'sim', make: HarnessFactory): void {
  test(`[runtime.level-triggered] ${kind}: a channel with unread bytes is ready at every select until drained`, TIMEOUT, async () => {
    await withHarness(make, async (h) => {
      const { channel, selector, key, peer, cleanup } = await acceptOne(h);
      await peer.send(pattern(10));
      await readyFor(key, selector, OP_READ);
      const four = new Uint8Array(4);
      assert.equal(await channel.read(four), 4);
      const again = await selector.selectNow();
      assert.ok(again.includes(key), 'six unread bytes remain, so the key must be ready again');
      const rest = new Uint8Array(16);
      assert.equal(await channel.read(rest), 6, 'read takes only what is there');
      assert.deepEqual([...four, ...rest.subarray(0, 6)], [...pattern(10)]);
      assert.deepEqual(await selector.selectNow(), [], 'drained: not ready');
      await key.setInterestOps(0);
      await peer.send(pattern(3));
      await peer.halfClose();
      assert.deepEqual(await selector.selectNow(), [], 'interest 0: never selected');
      await key.setInterestOps(OP_READ);
      await readExactly(channel, key, 3);
      await readyFor(key, selector, OP_READ);
      assert.equal(await channel.read(new Uint8Array(8)), -1, 'end of stream after the data');
      await cleanup();
    });
  });

  test(`[runtime.sticky-wakeup] ${kind}: a wakeup before select makes the next select return at once, once`, TIMEOUT, async () => {
    const h = await withHarness(make, async (h) => {
      const selector = await h.runtime.openSelector();
      await selector.wakeup();
      await selector.wakeup();
      assert.deepEqual(await selector.select(), [], 'a pending wakeup returns an empty select at once');
      assert.deepEqual(await selector.selectNow(), []);
      await selector.close();
    });
    const ends = eventsOf(h.trace(), 'selectEnd');
    assert.deepEqual(ends.map((e) => e.woken), [true, false], 'two wakeups collapse into one');
  });

  test(`[runtime.sticky-wakeup] ${kind}: a wakeup from another thread ends a blocking select`, TIMEOUT, async () => {
    const h = await withHarness(make, async (h) => {
      const rt = h.runtime;
      const selector = await rt.openSelector();
      const started = rt.newQueue<string>('started');
      const sleeper = rt.thread('SelectorThread-0', async () => {
        await started.offer('go');
        await selector.select();
      });
      sleeper.start();
      await started.take();
      await selector.wakeup();
      await sleeper.join();
      await selector.close();
    });
    const end = eventsOf(h.trace(), 'selectEnd').find((e) => e.thread === 'SelectorThread-0');
    assert.equal(end?.woken, true);
  });

  test(`[runtime.partial-write] ${kind}: write takes only what the socket holds and every byte arrives in order`, TIMEOUT, async () => {
    const total = kind === 'sim' ? 5_000 : 4 << 20;
    let partial = 0;
    let received: Uint8Array = new Uint8Array();
    await withHarness(make, async (h) => {
      const { channel, selector, key, peer, cleanup } = await acceptOne(h, { receiveWindow: 1_000 });
      const data = pattern(total);
      let sent = 0;
      const reading = peer.receive(total);
      await key.setInterestOps(OP_WRITE);
      while (sent < total) {
        await readyFor(key, selector, OP_WRITE);
        const n = await channel.write(data.subarray(sent));
        if (n < total - sent) partial += 1;
        sent += n;
      }
      received = await reading;
      await cleanup();
    });
    assert.ok(partial > 0, 'at least one write must be partial');
    assert.equal(received.length, total);
    assert.ok(Buffer.from(received).equals(Buffer.from(pattern(total))), 'bytes arrive complete and in order');
  });

  test(`[runtime.thread-identity] ${kind}: each runtime call is traced with the logical thread that made it`, TIMEOUT, async () => {
    const seen: string[] = [];
    const h = await withHarness(make, async (h) => {
      const rt: HostRuntime = h.runtime;
      const queue = rt.newQueue<string>('handoff');
      seen.push(rt.currentThread());
      const producer = rt.thread('AcceptThread', async () => {
        seen.push(rt.currentThread());
        for (const item of ['a', 'b', 'c']) await queue.offer(item);
      });
      const consumer = rt.thread('SelectorThread-0', async () => {
        seen.push(rt.currentThread());
        for (let i = 0; i < 3; i++) await queue.take();
      });
      assert.equal(producer.state, 'NEW');
      consumer.start();
      producer.start();
      assert.throws(() => producer.start(), /CNXNSPEC_ERR_THREAD_STATE|started|NEW/);
      await producer.join();
      await consumer.join();
      assert.equal(producer.state, 'TERMINATED');
    });
    assert.deepEqual([...seen].sort(), ['AcceptThread', 'SelectorThread-0', 'main']);
    const events = h.trace();
    assert.ok(eventsOf(events, 'offer').every((e) => e.thread === 'AcceptThread'));
    assert.ok(eventsOf(events, 'take').every((e) => e.thread === 'SelectorThread-0'));
    assert.deepEqual(eventsOf(events, 'take').map((e) => e.item), ['a', 'b', 'c']);
  });

  test(`[runtime.thread-identity] ${kind}: interrupt ends a blocked take and a sleep with InterruptedError`, TIMEOUT, async () => {
    const errors: unknown[] = [];
    await withHarness(make, async (h) => {
      const rt = h.runtime;
      const queue = rt.newQueue<string>('never-fed');
      const taker = rt.thread('NIOWorker-1', async () => {
        await queue.take().catch((e: unknown) => errors.push(e));
        await rt.clock.sleep(3_600_000).catch((e: unknown) => errors.push(e));
      });
      taker.start();
      while (errors.length < 2) {
        await rt.clock.sleep(1);
        taker.interrupt();
      }
      await taker.join();
    });
    assert.equal(errors.length, 2);
    for (const e of errors) assert.ok(e instanceof InterruptedError, String(e));
  });

  test(`[runtime.trace-per-operation] ${kind}: every operation emits one schema-valid event, in order`, TIMEOUT, async () => {
    const h = await withHarness(make, async (h) => {
      const rt = h.runtime;
      const { channel, key, peer, cleanup } = await acceptOne(h);
      const q = rt.newQueue<SocketChannel>('acceptedQueue@SelectorThread-0');
      await q.offer(channel);
      await q.poll();
      await q.poll();
      await peer.send(pattern(2));
      await readExactly(channel, key, 2);
      await channel.write(pattern(2));
      await peer.receive(2);
      await key.setInterestOps(OP_READ | OP_WRITE);
      await key.cancel();
      await key.cancel();
      rt.log.log('info', 'hello from the contract suite');
      rt.fact({ ev: 'touch', ch: channel.id, deadline: 20_000 });
      await cleanup();
      await channel.close('server_shutdown');
    });
    const events = h.trace();
    for (const e of events) assert.ok(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i), 'seq counts 0, 1, 2, ...');
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.t >= events[i - 1]!.t, 't never goes back');
    const server = events.filter((e) => !e.thread.startsWith('peer'));
    const count = (ev: string) => server.filter((e) => e.ev === ev).length;
    assert.equal(count('offer'), 1);
    assert.equal(count('poll'), 2);
    assert.deepEqual(eventsOf(events, 'poll').map((e) => e.item === null), [false, true]);
    assert.equal(count('bind'), 1);
    assert.equal(count('cancel'), 1, 'a second cancel of the same key is not an operation');
    assert.equal(eventsOf(events, 'close').filter((e) => e.ch.startsWith('ch')).length, 1, 'close is traced once');
    assert.equal(count('log'), 1);
    assert.equal(count('touch'), 1);
    assert.equal(count('selectBegin'), count('selectEnd'));
    const writes = eventsOf(events, 'write');
    assert.deepEqual(writes.map((w) => [w.requested, w.n]), [[2, 2]]);
  });
}
