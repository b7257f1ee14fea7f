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
import { createClient } from 'node-zookeeper-client';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { CHECKED_REQUIREMENTS } from '../harness/conformance-run.ts';
import { renderFailure } from '../harness/failure-report.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { EchoHandler } from '../../reference/server/echo-handler.ts';
import {
  decodeConnectResponse,
  decodeReply,
  encodeConnectRequest,
  encodeRequest,
  frame,
  FrameSplitter,
  OP_CLOSE_SESSION,
  pingFrame,
  XID_PING,
} from '../../reference/server/frames.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { RequestHandler, ServerCnxnFactory, ServerConnection } from '../../spec/server-cnxn-factory.ts';

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

interface Cleanup {
  after(fn: () => Promise<void> | void): void;
}

/** The independent factory on the node runtime, listening on 127.0.0.1 port 0, shut down after the test. */
async function serve(t: Cleanup, handler: RequestHandler): Promise<{ factory: ServerCnxnFactory; address: SocketAddress; connect(): Promise<net.Socket> }> {
  const runtime = createNodeRuntime();
  const { module } = await loadFactory(FACTORY);
  const factory = module.createFactory(runtime, { numSelectorThreads: 2, numWorkerThreads: 2, cores: 2 });
  const sockets: net.Socket[] = [];
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await factory.shutdown();
    await runtime.dispose();
  });
  await factory.configure({ host: '127.0.0.1', port: 0 }, 10, -1, false);
  await factory.startup(handler);
  const address = factory.localAddress();
  assert.ok(address && address.port > 0, 'the factory reports its bound port after configure');
  const connect = async () => {
    const socket = net.connect({ host: address.host, port: address.port });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return socket;
  };
  return { factory, address, connect };
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

/** Every byte the server sends until it closes the connection. */
function untilClosed(socket: net.Socket): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}

const connectRequest = () => frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16) }));

test('[wire.handshake, wire.ping] independent NIO factory on real sockets: a raw handshake and ping, then a real ZooKeeper client', { timeout: 30_000 }, async (t) => {
  const { factory, address, connect } = await serve(t, new EchoHandler());
  const socket = await connect();
  const handshake = framesFrom(socket, 1);
  socket.write(connectRequest());
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
  t.after(() => client.close());
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  const sessions = factory.connections().map((c) => c.sessionId);
  assert.ok(sessions.includes(BigInt(`0x${client.getSessionId().toString('hex')}`)), 'the client holds a session the factory knows');
});

test('[cnxn.outgoing-buffers] independent NIO factory on real sockets: a closeSession reply is flushed before the close', { timeout: 30_000 }, async (t) => {
  const { connect } = await serve(t, new EchoHandler());
  const socket = await connect();
  const closed = untilClosed(socket);
  // Pipelined: the handshake, a request and closeSession in one write; three replies, then the close.
  socket.write(Buffer.concat([connectRequest(), frame(encodeRequest({ xid: 1, type: 3 }, new Uint8Array([9, 9]))), frame(encodeRequest({ xid: 2, type: OP_CLOSE_SESSION }))]));
  const frames = new FrameSplitter().push(await closed);
  assert.equal(frames.length, 3, 'ConnectResponse, the echo reply and the closeSession reply, nothing dropped');
  assert.deepEqual(frames.slice(1).map((f) => decodeReply(f).header.xid), [1, 2]);
});

test('[cnxn.framing] independent NIO factory on real sockets: a length above jute.maxbuffer closes only that connection, at once', { timeout: 30_000 }, async (t) => {
  const { connect } = await serve(t, new EchoHandler());
  const bad = await connect();
  const good = await connect();
  const closed = untilClosed(bad);
  bad.write(new Uint8Array([0x00, 0x10, 0x00, 0x00]));
  assert.equal((await closed).length, 0, 'no reply to a bad length');
  const handshake = framesFrom(good, 1);
  good.write(connectRequest());
  assert.notEqual(decodeConnectResponse((await handshake)[0]!).sessionId, 0n);
});

/** The echo server plus the four-letter word ruok. */
class RuokHandler extends EchoHandler {
  async fourLetterWord(cnxn: ServerConnection, word: string): Promise<boolean> {
    if (word !== 'ruok') return false;
    await cnxn.send(new TextEncoder().encode('imok'));
    await cnxn.sendCloseAfterFlush('close_connection_command');
    return true;
  }
}

test('[cnxn.framing] independent NIO factory on real sockets: a four-letter word at the start of a connection is answered, then closed, even after a half-close', { timeout: 30_000 }, async (t) => {
  const { connect } = await serve(t, new RuokHandler());
  const socket = await connect();
  const closed = untilClosed(socket);
  socket.end('ruok');
  assert.equal(new TextDecoder().decode(await closed), 'imok');
});
