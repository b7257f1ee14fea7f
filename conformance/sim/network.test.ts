import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeIOError } from '../../spec/errors.ts';
import { OP_READ, OP_WRITE, type HostRuntime, type SocketChannel } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { createSimulation, type SimulationOptions } from './simulation.ts';
import { echoServer } from './test-scenarios.ts';

const TIMEOUT = { timeout: 30_000 };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Binds port 2181 and accepts `n` connections (polling every ms). */
async function acceptAll(rt: HostRuntime, n: number, backlog = -1): Promise<SocketChannel[]> {
  const server = await rt.openServerSocket();
  await server.bind({ host: '0.0.0.0', port: 2181 }, backlog);
  const out: SocketChannel[] = [];
  while (out.length < n) {
    const ch = await server.accept();
    if (ch) out.push(ch);
    else await rt.clock.sleep(1);
  }
  return out;
}

async function runMain(options: SimulationOptions, main: (rt: HostRuntime) => Promise<void>) {
  const sim = createSimulation(options);
  const outcome = await sim.run({ main });
  assert.equal(outcome.status, 'done', `${String(outcome.error)} ${outcome.token}`);
  return { sim, outcome };
}

test('[runtime.level-triggered] sim: scripted peers get their bytes echoed under 40 different schedules', TIMEOUT, async () => {
  for (let seed = 0; seed < 40; seed++) {
    const { sim } = await runMain(
      {
        seed,
        peers: [
          { ip: '10.0.0.1', port: 2181, actions: [{ do: 'send', data: 'hello world', chunks: [1, 4] }, { do: 'expect', n: 11 }, { do: 'close' }] },
          { ip: '10.0.0.1', port: 2181, actions: [{ do: 'send', data: 'ping' }, { do: 'halfClose' }, { do: 'expect', n: 4 }] },
          { ip: '10.0.0.2', port: 2181, at: 7, actions: [{ do: 'halfClose' }] },
        ],
      },
      (rt) => echoServer(rt, 2181, 3),
    );
    const [a, b, c] = sim.network.peers;
    assert.deepEqual([a!.name, b!.name, c!.name], ['peer 10.0.0.1#0', 'peer 10.0.0.1#1', 'peer 10.0.0.2#0']);
    assert.equal(text(a!.received()), 'hello world', `seed ${seed}`);
    assert.equal(text(b!.received()), 'ping', `seed ${seed}`);
    assert.equal(c!.serverClosed(), 'fin');
  }
});

test('[runtime.level-triggered] sim: OP_READ stays ready for unread bytes and for an unreported EOF', TIMEOUT, async () => {
  await runMain({ seed: 1, peers: [{ port: 2181, actions: [{ do: 'send', data: 'abcdef' }, { do: 'halfClose' }] }] }, async (rt) => {
    const [ch] = await acceptAll(rt, 1);
    const selector = await rt.openSelector();
    const key = await ch!.register(selector, OP_READ | OP_WRITE);
    while ((key.readyOps() & OP_READ) === 0 || (await selector.selectNow()).length === 0) await selector.select();
    const buf = new Uint8Array(4);
    const got: number[] = [];
    for (;;) {
      const ready = await selector.selectNow();
      if (!ready.includes(key) || (key.readyOps() & OP_READ) === 0) {
        await rt.clock.sleep(1);
        continue;
      }
      const n = await ch!.read(buf);
      got.push(n);
      if (n < 0) break;
    }
    assert.deepEqual(got.filter((n) => n !== 0), [4, 2, -1]);
    await selector.selectNow();
    assert.equal(key.readyOps() & OP_READ, 0, 'EOF reported: no longer read-ready');
    assert.equal(await ch!.read(buf), -1, 'and -1 again');
  });
});

test('[runtime.partial-write] sim: a write takes min(len, window - in flight); the peer reading frees room', TIMEOUT, async () => {
  const { sim } = await runMain(
    { seed: 1, peers: [{ port: 2181, receiveWindow: 10, actions: [{ do: 'idle', ms: 50 }, { do: 'read', max: 4 }] }] },
    async (rt) => {
      const [ch] = await acceptAll(rt, 1);
      const data = new Uint8Array(25).map((_, i) => i);
      assert.equal(await ch!.write(data), 10);
      assert.equal(await ch!.write(data.subarray(10)), 0, 'window full');
      const selector = await rt.openSelector();
      await ch!.register(selector, OP_WRITE);
      await selector.select();
      assert.equal(rt.clock.now(), 50, 'room appears when the peer reads');
      assert.equal(await ch!.write(data.subarray(10)), 4);
    },
  );
  assert.deepEqual([...sim.network.peers[0]!.received()], [0, 1, 2, 3]);
});

test('[runtime.level-triggered] sim: after a peer reset, bytes come first, then read throws ECONNRESET traced n = -1', TIMEOUT, async () => {
  const { outcome } = await runMain({ seed: 1, peers: [{ port: 2181, actions: [{ do: 'send', data: 'xyz' }, { do: 'reset' }] }] }, async (rt) => {
    const [ch] = await acceptAll(rt, 1);
    while ((await ch!.read(new Uint8Array(0))) === 0 && rt.clock.now() < 5) await rt.clock.sleep(1);
    assert.equal(await ch!.read(new Uint8Array(8)), 3);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(ch!.read(new Uint8Array(8)), (e) => e instanceof RuntimeIOError && e.errno === 'ECONNRESET');
    }
    await assert.rejects(ch!.write(new Uint8Array(2)), (e) => e instanceof RuntimeIOError && e.errno === 'ECONNRESET');
    await ch!.close('connection_reset');
    await assert.rejects(ch!.read(new Uint8Array(8)), (e) => e instanceof RuntimeIOError && e.errno === 'EBADF');
  });
  const io = (e: TraceEvent) => (e.ev === 'read' && e.n !== 0 ? `read ${e.n}` : e.ev === 'write' ? `write ${e.n}` : []);
  assert.deepEqual(outcome.trace.flatMap(io), ['read 3', 'read -1', 'read -1', 'write 0']);
  assert.deepEqual(outcome.trace.filter((e) => e.ev === 'peerClose').map((e) => e.thread), ['peer 127.0.0.1#0']);
});

test('[runtime.partial-write] sim: writes to a peer that closed fail with EPIPE, traced n = 0', TIMEOUT, async () => {
  await runMain({ seed: 1, peers: [{ port: 2181, actions: [{ do: 'close' }] }] }, async (rt) => {
    const [ch] = await acceptAll(rt, 1);
    while ((await ch!.read(new Uint8Array(1))) !== -1) await rt.clock.sleep(1);
    await assert.rejects(ch!.write(new Uint8Array(1)), (e) => e instanceof RuntimeIOError && e.errno === 'EPIPE');
  });
});

test('[runtime.trace-per-operation] sim: a full backlog refuses the next connect; closing the listener resets the waiting ones', TIMEOUT, async () => {
  const peers = [0, 1, 2].map((i) => ({ ip: `10.0.0.${i}`, port: 2181, whenUnbound: 'refuse' as const, at: 10 }));
  const { sim, outcome } = await runMain({ seed: 1, peers }, async (rt) => {
    const server = await rt.openServerSocket();
    await server.bind({ host: '0.0.0.0', port: 2181 }, 2);
    await rt.clock.sleep(20);
    await server.close();
  });
  // All three are due at t = 10: the schedule decides which one comes third.
  const ends = sim.network.peers.map((p) => `${p.status()} ${p.serverClosed() ?? '-'}`).sort();
  assert.deepEqual(ends, ['done reset', 'done reset', 'refused -']);
  const refused = sim.network.peers.find((p) => p.status() === 'refused')!;
  assert.match(refused.refusal()!, /backlog of ss0 is full \(2\)/);
  assert.ok(outcome.trace.some((e) => e.ev === 'close' && e.ch === 'ss0' && e.reason === 'unbind'));
});

test('[runtime.trace-per-operation] sim: port 0 binds a deterministic ephemeral port that localAddress reports', TIMEOUT, async () => {
  const { outcome } = await runMain({ seed: 1 }, async (rt) => {
    const a = await rt.openServerSocket();
    const b = await rt.openServerSocket();
    await a.bind({ host: '127.0.0.1', port: 0 }, 50);
    await b.bind({ host: '127.0.0.1', port: 0 }, -1);
    assert.deepEqual([a.localAddress(), b.localAddress()], [
      { host: '127.0.0.1', port: 32768 },
      { host: '127.0.0.1', port: 32769 },
    ]);
    const c = await rt.openServerSocket();
    await assert.rejects(c.bind({ host: '127.0.0.1', port: 32768 }, 1), (e) => e instanceof RuntimeIOError && e.errno === 'EADDRINUSE');
  });
  const binds = outcome.trace.flatMap((e) => (e.ev === 'bind' ? [`${e.ss}:${e.port}:${e.backlog}`] : []));
  assert.deepEqual(binds, ['ss0:32768:50', 'ss1:32769:-1']);
});
