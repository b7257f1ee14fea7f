import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeIOError } from '../../spec/errors.ts';
import { OP_ACCEPT, OP_READ, type HostRuntime, type SocketChannel } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { createSimulation } from './simulation.ts';

const TIMEOUT = { timeout: 10_000 };

/** Accepts `n` connections, sleeping 10 ms after each failed accept (ZooKeeper's pause); returns the errnos seen. */
async function acceptN(rt: HostRuntime, n: number): Promise<string[]> {
  const errors: string[] = [];
  const server = await rt.openServerSocket();
  await server.bind({ host: '0.0.0.0', port: 2181 }, -1);
  const selector = await rt.openSelector();
  await server.register(selector, OP_ACCEPT);
  for (let got = 0; got < n; ) {
    await selector.select();
    try {
      if (await server.accept()) got++;
    } catch (e) {
      assert.ok(e instanceof RuntimeIOError);
      errors.push(e.errno);
      await rt.clock.sleep(10);
    }
  }
  return errors;
}

const accepts = (trace: readonly TraceEvent[]) =>
  trace.flatMap((e) => (e.ev === 'accept' ? [e.error ? `${e.t}:${e.error}` : `${e.t}:${e.ch}`] : []));

test('[runtime.trace-per-operation] sim: injected EMFILE on the next 2 accepts is traced and leaves the connection waiting', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 8, peers: [{ ip: '10.0.0.1', port: 2181 }] });
  sim.faults.failNextAccepts(2);
  let errors: string[] = [];
  const outcome = await sim.run({ main: async (rt) => void (errors = await acceptN(rt, 1)) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.deepEqual(errors, ['EMFILE', 'EMFILE']);
  assert.deepEqual(accepts(outcome.trace), ['0:EMFILE', '10:EMFILE', '20:ch0']);
});

test('[runtime.trace-per-operation] sim: faults planned up front hit the chosen accept numbers with the chosen errno', TIMEOUT, async () => {
  const sim = createSimulation({
    seed: 8,
    faults: { accept: { at: [1], errno: 'ENFILE' } },
    peers: [{ ip: '10.0.0.1', port: 2181 }, { ip: '10.0.0.2', port: 2181, at: 100 }],
  });
  let errors: string[] = [];
  const outcome = await sim.run({ main: async (rt) => void (errors = await acceptN(rt, 2)) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.deepEqual(errors, ['ENFILE']);
  assert.deepEqual(accepts(outcome.trace), ['0:ch0', '100:ENFILE', '110:ch1']);
});

test('[runtime.trace-per-operation] sim: an injected register failure throws and traces no register', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 8, faults: { register: { at: [1] } }, peers: [{ port: 2181 }, { port: 2181 }] });
  const outcome = await sim.run({
    main: async (rt) => {
      const server = await rt.openServerSocket();
      await server.bind({ host: '0.0.0.0', port: 2181 }, -1);
      const selector = await rt.openSelector();
      const channels: SocketChannel[] = [];
      while (channels.length < 2) {
        const ch = await server.accept();
        if (ch) channels.push(ch);
        else await rt.clock.sleep(1);
      }
      await channels[0]!.register(selector, OP_READ);
      await assert.rejects(channels[1]!.register(selector, OP_READ), (e) => e instanceof RuntimeIOError && e.errno === 'EBADF');
      await channels[1]!.register(selector, OP_READ);
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  const registers = outcome.trace.flatMap((e) => (e.ev === 'register' ? [`${e.ch}:${e.key}`] : []));
  assert.deepEqual(registers, ['ch0:k0', 'ch1:k1']);
});

test('[runtime.trace-per-operation] sim: offers to queues matching a pattern are refused at the chosen offers', TIMEOUT, async () => {
  const sim = createSimulation({ seed: 8, faults: { offer: [{ queue: 'acceptedQueue@*', at: [0, 2] }] } });
  const results: Record<string, boolean[]> = { a: [], b: [], other: [] };
  const outcome = await sim.run({
    main: async (rt) => {
      const queues = {
        a: rt.newQueue<number>('acceptedQueue@SelectorThread-0'),
        b: rt.newQueue<number>('acceptedQueue@SelectorThread-1'),
        other: rt.newQueue<number>('updateQueue@SelectorThread-0'),
      };
      for (let i = 0; i < 4; i++) {
        for (const [name, q] of Object.entries(queues)) results[name]!.push(await q.offer(i));
      }
    },
  });
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.deepEqual(results, {
    a: [false, true, false, true],
    b: [false, true, false, true],
    other: [true, true, true, true],
  });
  const refused = outcome.trace.filter((e) => e.ev === 'offer' && !e.ok);
  assert.equal(refused.length, 4);
});
