/**
 * Differential, TLS on the secure client port: Apache ZooKeeper 3.8's NettyServerCnxnFactory and `cnxnspec serve`
 * (the Netty-style factory) read the same zoo.cfg lines (ssl.keyStore.* and ssl.trustStore.* as PEM stores made
 * by openssl at test time, ssl.clientAuth, ssl.protocol / ssl.enabledProtocols), and node:tls clients try a
 * ZooKeeper session and a ping on each: with a trusted certificate, none, one from another CA, plaintext, and
 * with only TLSv1.2 or only TLSv1.3 offered. One ZooKeeper per clientAuth setting.
 *
 * Where they differ, on purpose (reference/netty/README.md): with no ssl.protocol, ZooKeeper 3.8 enables only
 * TLSv1.2 (and its default cipher suites hold no TLSv1.3 suite), while the reference enables TLSv1.3 and TLSv1.2,
 * as ZooKeeper 3.9 does; so a default client negotiates TLSv1.2 on one and TLSv1.3 on the other, and a client that
 * offers only TLSv1.3 is refused by ZooKeeper 3.8 and served by the reference.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionOptions } from 'node:tls';
import { makeTestCerts, type TestCerts } from '../../reference/netty/test-certs.ts';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { attemptSession, plaintextAttempt, startTlsPair, type Attempt, type TlsPair } from '../zookeeper/tls-pair.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 60_000, skip };

let certs: { trusted: TestCerts; other: TestCerts } | undefined;
function testCerts(): { trusted: TestCerts; other: TestCerts } {
  // `other` is a second CA: its client certificate is signed by a CA neither server trusts.
  certs ??= { trusted: makeTestCerts(), other: makeTestCerts() };
  return certs;
}
after(() => {
  certs?.trusted.cleanup();
  certs?.other.cleanup();
});

async function pairFor(t: { after(fn: () => Promise<void>): void }, lines: readonly string[]): Promise<TlsPair> {
  if (!apache.found) throw new Error(apache.reason);
  const { trusted } = testCerts();
  const pair = await startTlsPair(apache, [
    `ssl.keyStore.location=${trusted.serverKeyStore}`,
    'ssl.keyStore.type=PEM',
    `ssl.trustStore.location=${trusted.caPath}`,
    'ssl.trustStore.type=PEM',
    ...lines,
  ]);
  t.after(() => pair.stop());
  return pair;
}

type Client = 'trusted certificate' | 'no certificate' | 'untrusted certificate' | 'TLSv1.2 only' | 'TLSv1.3 only';

function clientOptions(client: Client): ConnectionOptions {
  const { trusted, other } = testCerts();
  const withCert = { ca: trusted.ca, key: trusted.clientKey, cert: trusted.clientCert };
  switch (client) {
    case 'trusted certificate':
      return withCert;
    case 'no certificate':
      return { ca: trusted.ca };
    case 'untrusted certificate':
      return { ca: trusted.ca, key: other.clientKey, cert: other.clientCert };
    case 'TLSv1.2 only':
      return { ...withCert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
    case 'TLSv1.3 only':
      return { ...withCert, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
  }
}

/** The same client against both secure ports at once. */
async function onBoth(pair: TlsPair, client: Client): Promise<{ zookeeper: Attempt; reference: Attempt }> {
  const [zookeeper, reference] = await Promise.all([attemptSession(pair.zookeeper, clientOptions(client)), attemptSession(pair.reference, clientOptions(client))]);
  return { zookeeper, reference };
}

/** Asserts both servers reached the same outcome, and that it is `outcome`. */
function agree(seen: { zookeeper: Attempt; reference: Attempt }, outcome: Attempt['outcome'], what: string): void {
  assert.deepEqual([seen.zookeeper.outcome, seen.reference.outcome], [outcome, outcome], `${what}: ZooKeeper ${JSON.stringify(seen.zookeeper)}, reference ${JSON.stringify(seen.reference)}`);
}

test('[netty.tls] differential: under ssl.clientAuth=need ZooKeeper 3.8 and the reference serve a trusted client certificate and refuse plaintext, no certificate and an untrusted CA alike', T, async (t) => {
  const pair = await pairFor(t, ['ssl.clientAuth=need']);
  const trusted = await onBoth(pair, 'trusted certificate');
  agree(trusted, 'served', 'a client certificate signed by the trusted CA');
  const plaintext = await Promise.all([plaintextAttempt(pair.zookeeper), plaintextAttempt(pair.reference)]);
  assert.deepEqual(plaintext.map((p) => p.outcome), ['refused', 'refused'], `plaintext on the secure port: ${JSON.stringify(plaintext)}`);
  agree(await onBoth(pair, 'no certificate'), 'refused', 'no client certificate');
  agree(await onBoth(pair, 'untrusted certificate'), 'refused', 'a client certificate from another CA');
  const tls12 = await onBoth(pair, 'TLSv1.2 only');
  agree(tls12, 'served', 'a client offering only TLSv1.2');
  assert.deepEqual([tls12.zookeeper.tls, tls12.reference.tls], ['TLSv1.2', 'TLSv1.2']);
  // The deliberate difference: with no ssl.protocol the reference also enables TLSv1.3 (as ZooKeeper 3.9 does).
  assert.deepEqual([trusted.zookeeper.tls, trusted.reference.tls], ['TLSv1.2', 'TLSv1.3'], 'a default client negotiates TLSv1.2 on ZooKeeper 3.8, TLSv1.3 on the reference');
  const tls13 = await onBoth(pair, 'TLSv1.3 only');
  assert.deepEqual(tls13, { zookeeper: { tls: 'failed', outcome: 'refused' }, reference: { tls: 'TLSv1.3', outcome: 'served' } }, 'only TLSv1.3 offered: ZooKeeper 3.8 refuses, the reference serves');
});

test('[netty.tls] differential: under ssl.clientAuth=want with ssl.protocol=TLSv1.2 both serve a client without a certificate and refuse a client offering only TLSv1.3', T, async (t) => {
  const pair = await pairFor(t, ['ssl.clientAuth=want', 'ssl.protocol=TLSv1.2']);
  agree(await onBoth(pair, 'no certificate'), 'served', 'no client certificate');
  const trusted = await onBoth(pair, 'trusted certificate');
  agree(trusted, 'served', 'a client certificate signed by the trusted CA');
  assert.deepEqual([trusted.zookeeper.tls, trusted.reference.tls], ['TLSv1.2', 'TLSv1.2']);
  agree(await onBoth(pair, 'untrusted certificate'), 'refused', 'a client certificate from another CA');
  const tls13 = await onBoth(pair, 'TLSv1.3 only');
  agree(tls13, 'refused', 'a client offering only TLSv1.3');
  assert.deepEqual([tls13.zookeeper.tls, tls13.reference.tls], ['failed', 'failed'], 'the TLS handshake itself fails on both');
});

test('[boot.secure-client-port] differential: under ssl.clientAuth=none with ssl.enabledProtocols=TLSv1.2 both serve clients with or without a certificate over TLSv1.2 only', T, async (t) => {
  const pair = await pairFor(t, ['ssl.clientAuth=none', 'ssl.enabledProtocols=TLSv1.2']);
  const none = await onBoth(pair, 'no certificate');
  agree(none, 'served', 'no client certificate');
  assert.deepEqual([none.zookeeper.tls, none.reference.tls], ['TLSv1.2', 'TLSv1.2']);
  agree(await onBoth(pair, 'untrusted certificate'), 'served', 'a client certificate from another CA (never asked for)');
  const tls13 = await onBoth(pair, 'TLSv1.3 only');
  agree(tls13, 'refused', 'a client offering only TLSv1.3');
  assert.deepEqual([tls13.zookeeper.tls, tls13.reference.tls], ['failed', 'failed']);
});

test('[boot.secure-client-port] differential: with no ssl.clientAuth both require a client certificate; with ssl.protocol=TLSv1.3 ZooKeeper 3.8 completes no handshake while the reference serves TLSv1.3 and TLSv1.2', T, async (t) => {
  const pair = await pairFor(t, ['ssl.protocol=TLSv1.3']);
  agree(await onBoth(pair, 'no certificate'), 'refused', 'no client certificate, clientAuth left to its default');
  // ZooKeeper 3.8 enables only the protocol named, and its default cipher suites hold none for TLSv1.3.
  const tls13 = await onBoth(pair, 'TLSv1.3 only');
  assert.deepEqual(tls13, { zookeeper: { tls: 'failed', outcome: 'refused' }, reference: { tls: 'TLSv1.3', outcome: 'served' } });
  const tls12 = await onBoth(pair, 'TLSv1.2 only');
  assert.deepEqual(tls12, { zookeeper: { tls: 'failed', outcome: 'refused' }, reference: { tls: 'TLSv1.2', outcome: 'served' } });
});
