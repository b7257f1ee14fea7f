import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OP_ACCEPT, OP_READ, type ServerSocketChannel, type SocketChannel } from '../../spec/runtime.ts';
import { simHarness } from './harness.ts';

const TIMEOUT = { timeout: 10_000 };

test('[runtime.partial-write] sim: harness peers work inside and outside run, through a small receive window', TIMEOUT, async () => {
  const h = await simHarness({ seed: 21 });
  const rt = h.runtime;
  let server!: ServerSocketChannel;
  await h.run(async () => {
    server = await rt.openServerSocket();
    await server.bind({ host: '127.0.0.1', port: 0 }, 50);
  });
  // Outside run: each call drives the simulation as `main`.
  const peer = await h.connect(server.localAddress()!, { ip: '10.1.2.3', receiveWindow: 7 });
  await peer.send(new TextEncoder().encode('question'));
  let ch!: SocketChannel;
  await h.run(async () => {
    const selector = await rt.openSelector();
    await server.register(selector, OP_ACCEPT);
    await selector.select();
    ch = (await server.accept())!;
    assert.deepEqual(ch.remoteAddress, { host: '10.1.2.3', port: 49152 });
    const key = await ch.register(selector, OP_READ);
    while (!(await selector.select()).includes(key));
    const buf = new Uint8Array(32);
    assert.equal(await ch.read(buf), 8);
    const answer = new TextEncoder().encode('the answer is 42');
    const reply = peer.receive(answer.length);
    let sent = 0;
    while (sent < answer.length) {
      const n = await ch.write(answer.subarray(sent));
      assert.ok(n <= 7);
      sent += n;
      if (n === 0) await rt.clock.sleep(1);
    }
    assert.equal(new TextDecoder().decode(await reply), 'the answer is 42');
    await ch.close('server_shutdown');
  });
  await peer.closed();
  assert.deepEqual(await peer.receive(1), new Uint8Array(0), 'nothing more after the close');
  const peerEvents = h.trace().filter((e) => e.thread === 'peer 10.1.2.3#0').map((e) => e.ev);
  assert.equal(peerEvents[0], 'peerConnect');
  assert.ok(peerEvents.includes('peerRecv'));
  await h.dispose();
});

test('[runtime.thread-identity] sim: a peer receive is awaited by the thread that awaits it, one at a time', TIMEOUT, async () => {
  const h = await simHarness({ seed: 22 });
  const rt = h.runtime;
  const steps: string[] = [];
  await h.run(async () => {
    const server = await rt.openServerSocket();
    await server.bind({ host: '127.0.0.1', port: 0 }, 50);
    const peer = await h.connect(server.localAddress()!);
    const writer = rt.thread('NIOWorker-0', async () => {
      let ch = await server.accept();
      while (!ch) {
        await rt.clock.sleep(1);
        ch = await server.accept();
      }
      await rt.clock.sleep(100);
      await ch.write(new Uint8Array([1, 2, 3]));
      await ch.close('server_shutdown');
    });
    writer.start();
    const got = await peer
      .receive(3)
      .then((bytes) => [...bytes])
      .finally(() => steps.push(`received at t=${rt.clock.now()}`));
    assert.deepEqual(got, [1, 2, 3]);
    await peer.closed().catch(() => assert.fail('closed() does not reject'));
    await writer.join();
  });
  assert.deepEqual(steps, ['received at t=100']);
  await assert.rejects(
    h.run(async () => {
      const server = await rt.openServerSocket();
      await server.bind({ host: '127.0.0.1', port: 0 }, 50);
      const peer = await h.connect(server.localAddress()!);
      await Promise.all([peer.receive(1), peer.receive(1)]);
    }),
    /two runtime calls at once/,
  );
});
