/** TLS on the Netty-style factory's secure port, on real sockets with certificates made by openssl at test time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TlsServerOptions } from '../../spec/runtime.ts';
import { nodeHarness } from '../../conformance/suites/node-harness.ts';
import type { RuntimeHarness } from '../../conformance/suites/runtime-harness.ts';
import { loadTlsMaterial } from '../boot/tls-material.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { connectRequestFrame, eventsOf, handshake, readFrame, readReply, requestFrame } from '../nio/test-support.ts';
import { makeTestCerts, type TestCerts } from './test-certs.ts';
import { serveNettyEcho } from './test-support.ts';
import { TlsPeer } from './tls-peer.ts';

const T = { timeout: 30_000 };

let certs: TestCerts | undefined;
function testCerts(): TestCerts {
  certs ??= makeTestCerts();
  return certs;
}
test.after(() => certs?.cleanup());

function material(clientAuth: 'none' | 'want' | 'need'): TlsServerOptions {
  const c = testCerts();
  const props = new Map([
    ['zookeeper.ssl.keyStore.location', c.serverKeyStore],
    ['zookeeper.ssl.trustStore.location', c.caPath],
    ['zookeeper.ssl.clientAuth', clientAuth],
  ]);
  return loadTlsMaterial(props)!;
}

async function harness(t: { after(fn: () => Promise<void>): void }): Promise<RuntimeHarness> {
  const h = await nodeHarness({ seed: 1 });
  t.after(() => h.dispose());
  return h;
}

test('[netty.tls] tcp: a TLS client completes the ZooKeeper handshake and pings through the secure port', T, async (t) => {
  const h = await harness(t);
  const c = testCerts();
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { tls: material('need') }, 0, true);
    try {
      const peer = await TlsPeer.connect(address.port, { ca: c.ca, key: c.clientKey, cert: c.clientCert });
      t.after(() => peer.close());
      assert.notEqual((await handshake(peer)).sessionId, 0n);
      await peer.send(requestFrame(XID_PING, OP_PING));
      assert.equal((await readReply(peer)).header.xid, XID_PING);
      assert.equal(peer.socket.getProtocol(), 'TLSv1.3');
      await peer.close();
    } finally {
      await factory.shutdown();
    }
  });
  assert.ok(eventsOf(h.trace(), 'session').length === 1);
});

test('[netty.tls] tcp: a plaintext client on the secure port fails the handshake and is closed with Unsuccessful handshake, its bytes unread', T, async (t) => {
  const h = await harness(t);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { tls: material('none') }, 0, true);
    try {
      const peer = await h.connect(address);
      await peer.send(connectRequestFrame());
      await peer.closed();
    } finally {
      await factory.shutdown();
    }
  });
  const trace = h.trace();
  const closes = eventsOf(trace, 'close').filter((e) => e.ch.startsWith('ch'));
  assert.deepEqual(closes.map((e) => e.reason), ['Unsuccessful handshake']);
  assert.deepEqual(eventsOf(trace, 'read').filter((e) => e.n > 0), [], 'no plaintext byte was read by the factory');
  assert.deepEqual(eventsOf(trace, 'session'), []);
  assert.ok(eventsOf(trace, 'log').some((e) => e.level === 'warn' && e.msg.startsWith('Unsuccessful TLS handshake')));
});

test('[netty.tls] tcp: with ssl.clientAuth=need a client without a certificate is refused; with want it is served', T, async (t) => {
  const h = await harness(t);
  const c = testCerts();
  await h.run(async () => {
    const need = await serveNettyEcho(h.runtime, { tls: material('need') }, 0, true);
    const want = await serveNettyEcho(h.runtime, { tls: material('want') }, 0, true);
    try {
      // TLS 1.3 reports the refused client certificate after the client's handshake is done: the connection then ends.
      const refused = await TlsPeer.connect(need.address.port, { ca: c.ca }).catch(() => undefined);
      if (refused !== undefined) {
        await refused.send(connectRequestFrame());
        await refused.closed();
      }
      const served = await TlsPeer.connect(want.address.port, { ca: c.ca });
      assert.notEqual((await handshake(served)).sessionId, 0n);
      await served.close();
    } finally {
      await need.factory.shutdown();
      await want.factory.shutdown();
    }
  });
  const failed = eventsOf(h.trace(), 'close').filter((e) => e.reason === 'Unsuccessful handshake');
  assert.equal(failed.length, 1);
  assert.equal(eventsOf(h.trace(), 'session').length, 1, 'only the want-port client got a session');
});

test('[netty.tls] tcp: a client certificate from a CA outside the trust store fails the handshake under ssl.clientAuth=need and want; under none it is never asked for', T, async (t) => {
  const h = await harness(t);
  const c = testCerts();
  const stranger = makeTestCerts();
  t.after(() => stranger.cleanup());
  const untrusted = { ca: c.ca, key: stranger.clientKey, cert: stranger.clientCert };
  await h.run(async () => {
    const served = { need: false, want: false, none: false };
    for (const clientAuth of ['need', 'want', 'none'] as const) {
      const { factory, address } = await serveNettyEcho(h.runtime, { tls: material(clientAuth) }, 0, true);
      try {
        // The client's side of the handshake may complete first (TLS 1.3): the refusal then ends the connection.
        const peer = await TlsPeer.connect(address.port, untrusted).catch(() => undefined);
        if (peer !== undefined) {
          await peer.send(connectRequestFrame());
          served[clientAuth] = (await readFrame(peer)) !== null;
          await peer.close();
        }
      } finally {
        await factory.shutdown();
      }
    }
    assert.deepEqual(served, { need: false, want: false, none: true });
  });
  const failed = eventsOf(h.trace(), 'close').filter((e) => e.reason === 'Unsuccessful handshake');
  assert.equal(failed.length, 2, 'need and want each closed one channel for its failed handshake');
  assert.equal(eventsOf(h.trace(), 'session').length, 1, 'only the none-port client got a session');
});
