/**
 * The suite does not depend on the reference's shape, nor on the NIO design: an event-loop factory written from
 * the spec alone (fixtures/factories/independent-loops: a boss loop, child loops chosen by least load, a per-loop
 * idle check without buckets, no runtime queues between threads, classes per role) passes what the netty profile
 * it declares judges: the search under random walk and PCT d=2 with the profile's own invariants, and every
 * harness check of that profile. The same module serves a real ZooKeeper client over real sockets.
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
import { applies, profileFor, profilePattern } from '../harness/profile.ts';
import { checksFor, runChecks, type NamedOutcome } from '../harness/checks/run-checks.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { EchoHandler } from '../../reference/server/echo-handler.ts';
import { decodeConnectResponse, decodeReply, encodeConnectRequest, encodeRequest, frame, FrameSplitter, OP_CLOSE_SESSION, OP_PING, XID_PING } from '../../reference/server/frames.ts';
import { loadTlsMaterial } from '../../reference/boot/tls-material.ts';
import { makeTestCerts } from '../../reference/netty/test-certs.ts';
import { TlsPeer } from '../../reference/netty/tls-peer.ts';
import { connectRequestFrame, handshake, readReply, requestFrame } from '../../reference/nio/test-support.ts';
import { nodeHarness } from './node-harness.ts';

const FACTORY = fileURLToPath(new URL('../../fixtures/factories/independent-loops/index.ts', import.meta.url));
/** Per strategy; npm test runs on two cores, `cnxnspec test --factory` runs the full budget. */
const RUNS = 400;
const failures: Failure[] = [];
let outcomes: NamedOutcome[] = [];
let runs = 0;
const profile = await profileFor(undefined, FACTORY);
const judged = CHECKED_REQUIREMENTS.filter((id) => applies(profile, id));

before(async () => {
  const { module } = await loadFactory(FACTORY);
  const only = profilePattern(profile, CHECKED_REQUIREMENTS);
  for (const strategy of [{ kind: 'random' as const }, { kind: 'pct' as const, depth: 2 }]) {
    const result = await runSuite({ factory: module, runs: RUNS, seed: 20261130, strategy, only, invariants: profile.invariants ?? [] });
    runs += result.runs;
    if (result.failure) failures.push(result.failure);
  }
  outcomes = await runChecks(module, checksFor(profile));
});

test('conformance: the independent event-loop factory declares the netty profile and passes its search and harness checks', { timeout: 300_000 }, () => {
  assert.equal(profile.name, 'netty', 'the module exports profile = "netty"');
  assert.deepEqual(failures.map((f) => renderFailure(f, { factoryArg: FACTORY })), []);
  assert.ok(runs >= 2 * RUNS);
  // A check judges several profiles' requirements; what the netty profile leaves out (nio.thread-counts...) is not judged.
  const inProfile = outcomes.flatMap((o) => o.findings.filter((f) => f.requirements.some((id) => applies(profile, id))).map((f) => `${o.check}: ${f.message}`));
  assert.deepEqual(inProfile, []);
  assert.deepEqual(outcomes.flatMap((o) => o.notJudged ?? []), [], 'every check of the profile could run');
});

for (const id of judged) {
  test(`[${id}] independent event-loop factory: ${id} holds under the netty profile`, () => {
    assert.equal(failures.some((f) => f.finding.requirements.includes(id)), false, `${id} failed; see the first test of this file for the interleaving`);
    assert.equal(
      outcomes.some((o) => o.findings.some((f) => f.requirements.includes(id))),
      false,
      `a harness check failed ${id}; see the first test of this file`,
    );
  });
}

test('[wire.handshake, cnxn.outgoing-buffers] independent event-loop factory on real sockets: a pipelined handshake, request and closeSession, then a real ZooKeeper client whose session the factory closes', { timeout: 30_000 }, async (t) => {
  const runtime = createNodeRuntime();
  const { module } = await loadFactory(FACTORY);
  const factory = module.createFactory(runtime, { cores: 2 });
  let socket: net.Socket | undefined;
  t.after(async () => {
    socket?.destroy();
    await factory.shutdown();
    await runtime.dispose();
  });
  await factory.configure({ host: '127.0.0.1', port: 0 }, 10, -1, false);
  assert.equal(factory.localAddress(), undefined, 'an event-loop factory binds in start, not in configure');
  await factory.startup(new EchoHandler());
  const address = factory.localAddress();
  assert.ok(address && address.port > 0, 'the factory reports its bound port after start');

  const raw = net.connect({ host: address.host, port: address.port });
  socket = raw;
  await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
  // Everything the server sends until it ends the stream.
  const closed = raw.toArray().then((chunks) => new Uint8Array(Buffer.concat(chunks as Buffer[])));
  const connect = frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16) }));
  raw.write(Buffer.concat([connect, frame(encodeRequest({ xid: 1, type: 3 }, new Uint8Array([9, 9]))), frame(encodeRequest({ xid: 2, type: OP_CLOSE_SESSION }))]));
  const frames = new FrameSplitter().push(await closed);
  assert.equal(frames.length, 3, 'ConnectResponse, the echo reply and the closeSession reply, nothing dropped');
  assert.notEqual(decodeConnectResponse(frames[0]!).sessionId, 0n);
  assert.deepEqual(frames.slice(1).map((f) => decodeReply(f).header.xid), [1, 2]);

  const client = createClient(`${address.host}:${address.port}`, { retries: 0, spinDelay: 20, sessionTimeout: 6_000 });
  t.after(() => client.close());
  const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.connect();
  await connected;
  // The factory finds the client's session among its connections and closes it from the test's thread.
  const dropped = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));
  const sessionId = BigInt(`0x${client.getSessionId().toString('hex')}`);
  assert.ok(factory.connections().some((c) => c.sessionId === sessionId), 'the client holds a session the factory knows');
  assert.equal(await runtime.runAs('main', () => factory.closeSession(sessionId, 'close_connection_command')), true);
  await dropped;
});

test('[netty.tls] independent event-loop factory on real TLS: a client with a certificate handshakes and pings; a plaintext client is closed unserved', { timeout: 30_000 }, async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.cleanup());
  const tls = loadTlsMaterial(new Map([
    ['zookeeper.ssl.keyStore.location', certs.serverKeyStore],
    ['zookeeper.ssl.trustStore.location', certs.caPath],
    ['zookeeper.ssl.clientAuth', 'need'],
  ]))!;
  const h = await nodeHarness({ seed: 1 });
  t.after(() => h.dispose());
  const { module } = await loadFactory(FACTORY);
  await h.run(async () => {
    const factory = module.createFactory(h.runtime, { cores: 2, tls });
    try {
      await factory.configure({ host: '127.0.0.1', port: 0 }, 0, -1, true);
      await factory.startup(new EchoHandler());
      const port = factory.localAddress()!.port;
      const peer = await TlsPeer.connect(port, { ca: certs.ca, key: certs.clientKey, cert: certs.clientCert });
      t.after(() => peer.close());
      assert.notEqual((await handshake(peer)).sessionId, 0n);
      await peer.send(requestFrame(XID_PING, OP_PING));
      assert.equal((await readReply(peer)).header.xid, XID_PING);
      const plain = await h.connect({ host: '127.0.0.1', port });
      await plain.send(connectRequestFrame());
      await plain.closed();
      await peer.close();
    } finally {
      await factory.shutdown();
    }
  });
  const closes = h.trace().filter((e) => e.ev === 'close' && e.reason === 'Unsuccessful handshake');
  assert.equal(closes.length, 1, 'the plaintext client was closed for its failed handshake');
  assert.equal(h.trace().filter((e) => e.ev === 'session').length, 1, 'only the TLS client reached the server');
});
