import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterruptedError } from '../../../spec/errors.ts';
import { OP_ACCEPT, OP_READ, OP_WRITE, type LogLevel } from '../../../spec/runtime.ts';
import type { RuntimeEvent } from '../../../spec/trace/events.ts';
import { createNodeRuntime } from './node-runtime.ts';
import { TIMEOUT, acceptOne, client, listen, schemaErrors, tracedRuntime, until } from './test-support.ts';

/** Every runtime event name; `satisfies` makes the compiler refuse a list that misses or invents one. */
const RUNTIME_EVENTS = {
  threadStart: 1, threadEnd: 1, selectBegin: 1, selectEnd: 1, wakeup: 1, selectorClose: 1, register: 1, interestOps: 1,
  cancel: 1, offer: 1, poll: 1, takeBegin: 1, take: 1, bind: 1, accept: 1, read: 1, write: 1, close: 1, sleep: 1,
  interrupted: 1, log: 1, tlsHandshake: 1, invalidUse: 1,
} satisfies Record<RuntimeEvent['ev'], 1>;

/** Only a TLS listening socket emits these; reference/netty/netty-tls.test.ts sees them. */
const TLS_ONLY: ReadonlySet<string> = new Set(['tlsHandshake']);

test('[runtime.trace-per-operation] node: tracing is off by default, records nothing, and logging still reaches the sink', TIMEOUT, async (t) => {
  const logged: Array<[LogLevel, string]> = [];
  const rt = createNodeRuntime({ logger: { log: (level, message) => logged.push([level, message]) } });
  t.after(() => rt.dispose());
  const queue = rt.newQueue<string>('q');
  await queue.offer('a');
  await queue.take();
  const selector = await rt.openSelector();
  await selector.wakeup();
  await selector.select();
  await selector.close();
  rt.log.log('warn', 'careful');
  rt.fact({ ev: 'lifecycle', phase: 'start' });
  assert.deepEqual(rt.traceEvents(), []);
  assert.deepEqual(logged, [['warn', 'careful']]);
});

test('[runtime.trace-per-operation] node: every kind of runtime event is emitted by its operation and valid against the schema', TIMEOUT, async (t) => {
  const rt = tracedRuntime(t);
  const { server, port } = await listen(rt);
  const acceptSelector = await rt.openSelector();
  await server.register(acceptSelector, OP_ACCEPT);
  const peer = await client(t, port);
  const channel = await acceptOne(rt, server);
  const selector = await rt.openSelector();
  const key = await channel.register(selector, OP_READ);
  peer.write('hi');
  await selector.select();
  await channel.read(new Uint8Array(8));
  await key.setInterestOps(OP_WRITE);
  await channel.write(new Uint8Array(3));
  await key.cancel();
  const queue = rt.newQueue<typeof channel>('acceptedQueue@SelectorThread-0');
  await queue.offer(channel);
  await queue.take();
  await queue.poll();
  await selector.wakeup();
  await rt.clock.sleep(0);
  const sleeper = rt.thread('ConnnectionExpirer', async () => {
    await rt.clock.sleep(3_600_000).catch((e: unknown) => assert.ok(e instanceof InterruptedError));
  });
  sleeper.start();
  await until(() => rt.traceEvents().some((e) => e.ev === 'sleep' && e.thread === 'ConnnectionExpirer'), 'the sleep');
  sleeper.interrupt();
  await sleeper.join();
  rt.log.log('debug', 'quiet');
  rt.fact({ ev: 'cnxnCreated', ch: channel.id, key: key.id, ip: '127.0.0.1' });
  await channel.close('server_shutdown');
  await assert.rejects(channel.read(new Uint8Array(1)), /EBADF|closed/);
  await server.close();
  await selector.close();
  await acceptSelector.close();
  const events = rt.traceEvents();
  assert.deepEqual(schemaErrors(events), []);
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
  const seen = new Set(events.map((e) => e.ev));
  assert.deepEqual(Object.keys(RUNTIME_EVENTS).filter((ev) => !TLS_ONLY.has(ev) && !seen.has(ev as RuntimeEvent['ev'])), []);
  assert.ok(seen.has('cnxnCreated'));
  assert.ok(events.every((e) => Number.isInteger(e.t) && e.t >= 0));
});

test('[runtime.trace-per-operation] node: traceFile gets one schema-valid JSON line per event, flushed by closeTrace', TIMEOUT, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-trace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trace.jsonl');
  const rt = createNodeRuntime({ traceFile: file, trace: true });
  t.after(() => rt.dispose());
  const worker = rt.thread('NIOWorker-0', async () => {
    rt.log.log('info', 'hello');
    rt.fact({ ev: 'ioStart', ch: 'ch0' });
  });
  worker.start();
  await worker.join();
  await rt.closeTrace();
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const parsed = lines.map((line) => JSON.parse(line));
  assert.deepEqual(parsed, rt.traceEvents());
  assert.deepEqual(parsed.map((e) => [e.thread, e.ev]), [
    ['NIOWorker-0', 'threadStart'],
    ['NIOWorker-0', 'log'],
    ['NIOWorker-0', 'ioStart'],
    ['NIOWorker-0', 'threadEnd'],
  ]);
  assert.deepEqual(Object.keys(parsed[0]).slice(0, 4), ['seq', 't', 'thread', 'ev']);
  assert.deepEqual(schemaErrors(parsed), []);
});
