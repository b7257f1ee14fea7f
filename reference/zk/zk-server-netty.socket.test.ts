/**
 * The ZooKeeper server behind the Netty-style factory, over real sockets, where a reply and watch notifications go
 * out together. That factory writes to the socket from inside send on its event loop, so the server must make one
 * send at a time (the host runtime contract: a logical thread makes one runtime call at a time); two in flight had
 * the loop write the same queued bytes twice, and real clients lost their connection (seen with Apache Curator).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Event } from 'node-zookeeper-client';
import { NettyServerCnxnFactory } from '../netty/netty-server-cnxn-factory.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { closeClient, eventually, zk } from './test-support.ts';
import { ZkServer } from './zk-server.ts';

const T = { timeout: 60_000 };

test('[cnxn.outgoing-buffers] zk server: replies and the watch notifications they fire reach a client once each through the Netty-style factory', T, async (t) => {
  const logs: string[] = [];
  const runtime = createNodeRuntime({ logger: { log: (level, message) => void logs.push(`${level} ${message}`) } });
  const factory = new NettyServerCnxnFactory(runtime, { cores: 2, eventLoopThreads: 1 });
  const server = new ZkServer(runtime, { secret: new Uint8Array(32).fill(7) });
  await factory.configure({ host: '127.0.0.1', port: 0 }, 0, -1, false);
  server.attachFactory(factory);
  await factory.startup(server);
  const address = factory.localAddress()!;
  const client = createClient(`${address.host}:${address.port}`, { retries: 0 });
  const states: string[] = [];
  client.on('state', (s: { name: string }) => states.push(s.name));
  t.after(async () => {
    await closeClient(client);
    await factory.shutdown();
    await server.shutdown();
    await runtime.dispose();
  });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  await zk.create(client, '/w', Buffer.from('0'));
  const events: string[] = [];
  for (let round = 1; round <= 20; round++) {
    // The watch belongs to the client that changes the node: its notification and the setData reply go out together.
    await zk.getData(client, '/w', (e: Event) => void events.push(`${e.getName()} ${e.getPath()}`));
    const stat = await zk.setData(client, '/w', Buffer.from(String(round)));
    assert.equal(stat.version, round);
    await eventually(`the notification of round ${round}`, () => events.length === round);
  }
  assert.deepEqual(new Set(events), new Set(['NODE_DATA_CHANGED /w']));
  assert.equal((await zk.getData(client, '/w')).data.toString(), '20');
  assert.deepEqual(states.filter((s) => s !== 'SYNC_CONNECTED'), [], 'the client never lost its connection');
  assert.deepEqual(logs.filter((l) => l.startsWith('error')), []);
});
