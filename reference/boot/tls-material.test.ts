/** Loading the secure port's TLS material from ZooKeeper's ssl.* properties: what is accepted and what is refused. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CnxnspecError } from '../../spec/errors.ts';
import { makeTestCerts, type TestCerts } from '../netty/test-certs.ts';
import { loadTlsMaterial } from './tls-material.ts';

const T = { timeout: 30_000 };

let certs: TestCerts | undefined;
function c(): TestCerts {
  certs ??= makeTestCerts();
  return certs;
}
test.after(() => certs?.cleanup());

function props(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries).map(([k, v]) => [`zookeeper.ssl.${k}`, v]));
}

/** Asserts a CNXNSPEC_ERR_CONFIG whose message names `property` and matches every pattern. */
function refuses(entries: Record<string, string>, property: string, ...patterns: RegExp[]): void {
  assert.throws(() => loadTlsMaterial(props(entries)), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.ok(err.message.includes(`ssl.${property}`), err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test('[netty.tls] unit: a PEM key store (plain or encrypted) and trust store load, with ZooKeeper defaults for client auth and protocols', T, () => {
  const plain = loadTlsMaterial(props({ 'keyStore.location': c().serverKeyStore, 'trustStore.location': c().caPath }));
  assert.ok(plain);
  assert.equal(plain.clientAuth, 'need');
  assert.equal(plain.minVersion, 'TLSv1.2');
  assert.equal(plain.maxVersion, 'TLSv1.3');
  assert.match(plain.key, /BEGIN PRIVATE KEY/);
  assert.match(plain.ca ?? '', /BEGIN CERTIFICATE/);
  const encrypted = loadTlsMaterial(props({ 'keyStore.location': c().encryptedKeyStore, 'keyStore.password': c().password, 'keyStore.type': 'pem' }));
  assert.equal(encrypted?.key, plain.key, 'decrypted once, at configure');
  const tuned = loadTlsMaterial(
    props({
      'keyStore.location': c().serverKeyStore,
      clientAuth: 'Want',
      enabledProtocols: 'TLSv1.2',
      ciphersuites: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256',
    }),
  );
  assert.equal(tuned?.clientAuth, 'want');
  assert.deepEqual([tuned?.minVersion, tuned?.maxVersion], ['TLSv1.2', 'TLSv1.2']);
  assert.equal(tuned?.ciphers, 'ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256');
  assert.equal(loadTlsMaterial(new Map()), undefined, 'no key store: no material (the factory decides)');
});

test('[netty.tls] unit: bad TLS material fails at configure naming the property and the file', T, () => {
  const missing = join(c().dir, 'nope.pem');
  refuses({ 'keyStore.location': missing }, 'keyStore.location', new RegExp(missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), /ENOENT|no such file/);
  refuses({ 'keyStore.location': c().encryptedKeyStore, 'keyStore.password': 'wrong' }, 'keyStore.password', /does not decrypt/, /server-encrypted-keystore\.pem/);
  refuses({ 'keyStore.location': c().encryptedKeyStore }, 'keyStore.password', /is encrypted/);
  refuses({ 'keyStore.location': c().mismatchedKeyStore }, 'keyStore.location', /does not match its certificate/, /mismatched-keystore\.pem/);
  refuses({ 'keyStore.location': c().expiredKeyStore }, 'keyStore.location', /expired on/, /expired-keystore\.pem/);
  refuses({ 'keyStore.location': c().serverKeyStore, 'trustStore.location': missing }, 'trustStore.location', /nope\.pem/);
  const noPem = join(c().dir, 'empty.pem');
  writeFileSync(noPem, 'not a pem file\n');
  refuses({ 'keyStore.location': noPem }, 'keyStore.location', /no PEM block/, /empty\.pem/);
});

test('[netty.tls] unit: unsupported store types and unknown policy values are refused with what to do instead', T, () => {
  refuses({ 'keyStore.location': c().serverKeyStore, 'keyStore.type': 'JKS' }, 'keyStore.type', /JKS .* not supported; only PEM/, /keytool -importkeystore/);
  refuses({ 'keyStore.location': join(c().dir, 'server.p12') }, 'keyStore.type', /PKCS12/, /openssl pkcs12/);
  refuses({ 'keyStore.location': c().serverKeyStore, clientAuth: 'sometimes' }, 'clientAuth', /none, want, need/);
  refuses({ 'keyStore.location': c().serverKeyStore, protocol: 'SSLv3' }, 'protocol', /unknown protocol "SSLv3"/);
  refuses({ 'keyStore.location': c().serverKeyStore, enabledProtocols: 'TLSv1.3,TLSv9' }, 'enabledProtocols', /TLSv9/);
  refuses({ 'keyStore.location': c().serverKeyStore, ciphersuites: 'TLS_MADE_UP_WITH_NOTHING' }, 'ciphersuites', /TLS_MADE_UP_WITH_NOTHING/);
});
