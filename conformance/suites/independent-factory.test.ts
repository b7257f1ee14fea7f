/**
 * The suite does not depend on the reference factory's shape: an NIO-style factory written independently from
 * the spec alone (fixtures/factories/independent-nio: plain records and one module per event, no classes per
 * role) passes it under random walk and PCT d=2, one test per checked requirement; and the same module serves
 * a real ZooKeeper client over real sockets on the node runtime.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'node-zookeeper-client';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { CHECKED_REQUIREMENTS } from '../harness/conformance-run.ts';
import { renderFailure } from '../harness/failure-report.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { EchoHandler } from '../../reference/server/echo-handler.ts';
import { decodeConnectResponse, decodeReply, encodeConnectRequest, frame, FrameSplitter, pingFrame, XID_PING } from '../../reference/server/frames.ts';

const FACTORY = fileURLToPath(new URL('../../fixtures/factories/independent-nio/index.ts', import.meta.url));
/** Per strategy; npm test runs on two cores, `cnxnspec test --factory` runs the full budget. */
const RUNS = 600;
const failures: Failure[] = [];
let runs = 0;

before(async () => {
  const { module } = await loadFactory(FACTORY);
  for (const strategy of [{ kind: 'random' as const }, { kind: 'pct' as const, depth: 2 }]) {
    const result = await runSuite({ factory: module, runs: RUNS, seed: 20261129, strategy });
    runs += result.runs;
    if (result.failure) failures.push(result.failure);
  }
});

test('conformance: the independently written NIO factory passes the suite under random walk and PCT d=2', { timeout: 300_000 }, () => {
  assert.deepEqual(failures.map((f) => renderFailure(f, { factoryArg: FACTORY })), []);
  assert.ok(runs >= 2 * RUNS);
});

for (const id of CHECKED_REQUIREMENTS) {
  test(`[${id}] independent NIO factory: ${id} holds under generated interleavings`, () => {
    assert.equal(failures.some((f) => f.finding.requirements.includes(id)), false, `${id} failed; see the first test of this file for the interleaving`);
  });
}

/** Reads from a raw socket until `count` whole frames have arrived. */
function framesFrom(socket: net.Socket, count: number): Promise<Uint8Array[]> {
  const splitter = new FrameSplitter();
  const got: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      got.push(...splitter.push(new Uint8Array(chunk)));
      if (got.length >= count) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the server closed the connection after ${got.length} of ${count} frames`)));
  });
}

test('[wire.handshake, wire.ping] independent NIO factory on real sockets: a raw handshake and ping, then a real ZooKeeper client', { timeout: 30_000 }, async (t) => {
  const runtime = createNodeRuntime();
  const { module } = await loadFactory(FACTORY);
  const factory = module.createFactory(runtime, { numSelectorThreads: 2, numWorkerThreads: 2, cores: 2 });
  const sockets: net.Socket[] = [];
  const clients: Client[] = [];
  t.after(async () => {
    for (const client of clients) client.close();
    for (const socket of sockets) socket.destroy();
    await factory.shutdown();
    await runtime.dispose();
  });
  await factory.configure({ host: '127.0.0.1', port: 0 }, 10, -1, false);
  await factory.startup(new EchoHandler());
  const address = factory.localAddress();
  assert.ok(address && address.port > 0, 'the factory reports its bound port after configure');

  const socket = net.connect({ host: address.host, port: address.port });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const handshake = framesFrom(socket, 1);
  socket.write(frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16) })));
  const [connectResponse] = await handshake;
  const response = decodeConnectResponse(connectResponse!);
  assert.equal(response.protocolVersion, 0);
  assert.equal(response.timeOut, 10_000);
  assert.notEqual(response.sessionId, 0n);
  assert.equal(response.passwd.length, 16);
  const pong = framesFrom(socket, 1);
  socket.write(pingFrame());
  const [reply] = await pong;
  assert.deepEqual(decodeReply(reply!).header, { xid: XID_PING, zxid: 0n, err: 0 });

  const client = createClient(`${address.host}:${address.port}`, { retries: 0, spinDelay: 20, sessionTimeout: 6_000 });
  clients.push(client);
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  const sessions = factory.connections().map((c) => c.sessionId);
  assert.ok(sessions.includes(BigInt(`0x${client.getSessionId().toString('hex')}`)), 'the client holds a session the factory knows');
});
