/**
 * Differential tests: the same client scripts against Apache ZooKeeper 3.8 (Debian's package, started here on
 * loopback) and against the reference server, configured alike; the answers must agree. Skipped, with the
 * reason, only where Apache ZooKeeper is not installed (.ci/run installs it).
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Client } from 'node-zookeeper-client';
import { findApacheZooKeeper, fourLetterWord, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { clientOn } from '../zookeeper/differential-pair.ts';
import { errorCode, RawPeer, startZk, zk, type ZkFixture } from '../../reference/zk/test-support.ts';
import { decodeConnectResponse, decodeReply, encodeConnectRequest, encodeRequest, frame, pingFrame } from '../../reference/server/frames.ts';
import type { SocketAddress } from '../../spec/runtime.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const TIMEOUT = { timeout: 60_000, skip };
const MAX_PER_IP = 3;
const WHITELIST = 'ruok,srvr';

interface Endpoint {
  readonly name: string;
  readonly address: SocketAddress;
}

const endpoints: Endpoint[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  if (!apache.found) return;
  const real = await startApacheZooKeeper(apache, [`maxClientCnxns=${MAX_PER_IP}`, `4lw.commands.whitelist=${WHITELIST}`], {
    'zookeeper.nio.sessionlessCnxnTimeout': '2000',
  });
  cleanups.push(() => real.stop());
  endpoints.push({ name: 'Apache ZooKeeper 3.8', address: { host: '127.0.0.1', port: real.port } });
  const reference: ZkFixture = await startZk(
    { after: (fn) => void cleanups.push(fn) },
    { maxClientCnxns: MAX_PER_IP, server: { tickTime: 2000, fourLetterWordWhitelist: WHITELIST }, factory: { sessionlessCnxnTimeout: 2000 } },
  );
  endpoints.push({ name: 'reference', address: reference.address });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs `script` against both servers and asserts the same answers. */
async function agree<T>(script: (endpoint: Endpoint) => Promise<T>): Promise<T> {
  const [real, reference] = [await script(endpoints[0]!), await script(endpoints[1]!)];
  assert.deepEqual(reference, real, `the reference answered differently from Apache ZooKeeper`);
  return real;
}

const withClient = <T>(endpoint: Endpoint, body: (client: Client) => Promise<T>): Promise<T> => clientOn(endpoint.address, body);

async function raw(endpoint: Endpoint): Promise<RawPeer> {
  return RawPeer.connect({ after: (fn) => void cleanups.push(fn) }, endpoint.address);
}

/**
 * Connects, sends a ConnectRequest and counts the bytes that come back before the server closes. A refusal by
 * reset may land before the client even sees its connect complete; that counts as closed with nothing sent.
 */
function bytesBeforeClose(endpoint: Endpoint): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = net.connect({ host: endpoint.address.host, port: endpoint.address.port }, () => {
      socket.write(frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16) })));
    });
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}

async function handshake(peer: RawPeer, timeOut = 30_000) {
  peer.write(frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut, sessionId: 0n, passwd: new Uint8Array(16) })));
  const payload = await peer.readFrame();
  assert.ok(payload, 'the server closed instead of answering the handshake');
  const response = decodeConnectResponse(payload);
  return { protocolVersion: response.protocolVersion, timeOut: response.timeOut, passwordBytes: response.passwd.length, hasSession: response.sessionId !== 0n };
}

test('[zk.data-tree, zk.session-lifecycle] differential: one data-tree script, the same answers from Apache ZooKeeper and the reference', TIMEOUT, async () => {
  const answers = await agree((endpoint) =>
    withClient(endpoint, async (c) => {
      const out: unknown[] = [];
      out.push(await zk.create(c, '/d', Buffer.from('v1')));
      out.push(await errorCode(zk.create(c, '/d', null)));
      const got = await zk.getData(c, '/d');
      out.push([got.data.toString(), got.stat.version, got.stat.dataLength, got.stat.numChildren]);
      out.push(await errorCode(zk.setData(c, '/d', Buffer.from('v22'), 5)));
      out.push((await zk.setData(c, '/d', Buffer.from('v22'), 0)).version);
      out.push(await zk.create(c, '/d/s-', null, 2), await zk.create(c, '/d/s-', null, 2));
      out.push((await zk.getChildren(c, '/d')).children.sort());
      out.push(await errorCode(zk.remove(c, '/d')));
      out.push(await zk.exists(c, '/nope'));
      out.push(await zk.create(c, '/e', null, 1));
      out.push(await errorCode(zk.create(c, '/e/c', null)));
      out.push(await errorCode(zk.remove(c, '/d/s-0000000000', 7)));
      for (const child of (await zk.getChildren(c, '/d')).children) await zk.remove(c, `/d/${child}`);
      await zk.remove(c, '/d');
      return out;
    }),
  );
  // The answers agree; these say they are the interesting ones (NODEEXISTS, BADVERSION, NOTEMPTY, ...).
  assert.deepEqual([answers[1], answers[3], answers[4], answers[8], answers[9], answers[11], answers[12]], [-110, -103, 1, -111, null, -108, -103]);
  assert.deepEqual(answers[5], '/d/s-0000000000');
});

test('[zk.four-letter-words, zk.whitelist] differential: ruok answers imok; a word outside the whitelist gets the same refusal', TIMEOUT, async () => {
  const answers = await agree(async (endpoint) => [await fourLetterWord(endpoint.address.port, 'ruok'), await fourLetterWord(endpoint.address.port, 'stat')]);
  assert.deepEqual(answers, ['imok', 'stat is not executed because it is not in the whitelist.\n']);
});

test('[wire.handshake, wire.ping] differential: a raw handshake and a ping get replies of the same shape', TIMEOUT, async () => {
  await agree(async (endpoint) => {
    const peer = await raw(endpoint);
    const connected = await handshake(peer);
    peer.write(pingFrame());
    const reply = await peer.readFrame();
    assert.ok(reply);
    const { header, body } = decodeReply(reply);
    peer.socket.destroy();
    return { connected, ping: { xid: header.xid, err: header.err, length: reply.length, body: body.length } };
  });
});

test('[wire.bad-frame] differential: a length prefix above jute.maxbuffer closes that connection with nothing sent back', TIMEOUT, async () => {
  await agree(async (endpoint) => {
    const peer = await raw(endpoint);
    peer.write(Uint8Array.of(0x00, 0x20, 0x00, 0x00));
    return { answer: await peer.readToEnd() };
  });
});

test('[zk.bad-request] differential: an unknown op code is answered with UNIMPLEMENTED (-6)', TIMEOUT, async () => {
  await agree(async (endpoint) => {
    const peer = await raw(endpoint);
    await handshake(peer);
    peer.write(frame(encodeRequest({ xid: 1, type: 9999 })));
    const reply = await peer.readFrame();
    assert.ok(reply, 'no reply to the unknown op code');
    const { header } = decodeReply(reply);
    peer.socket.destroy();
    return { xid: header.xid, err: header.err };
  });
});

test('[accept.per-ip-limit] differential: with maxClientCnxns=3 a fourth connection from one address is closed before any data', TIMEOUT, async () => {
  await agree(async (endpoint) => {
    const held: RawPeer[] = [];
    for (let i = 0; i < MAX_PER_IP; i++) {
      const peer = await raw(endpoint);
      await handshake(peer);
      held.push(peer);
    }
    const fourthGot = await bytesBeforeClose(endpoint);
    const stillOpen = held.every((p) => !p.socket.destroyed);
    for (const peer of held) peer.socket.destroy();
    return { fourthGot, stillOpen };
  });
});
