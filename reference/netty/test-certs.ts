/**
 * Test certificates, made at test time with the openssl CLI in a fresh temporary directory (none is committed):
 * a CA, a server certificate for 127.0.0.1/localhost signed by it, a client certificate signed by it, an expired
 * server certificate, an encrypted copy of the server key, and a second key that matches none of them. PEM key
 * stores in ZooKeeper's layout (private key and certificate chain in one file) are written too.
 * Test-only; nothing in the factory imports it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  /** PEM of the CA certificate, and its path (a PEM trust store). */
  readonly ca: string;
  readonly caPath: string;
  /** Server key store: key + certificate in one PEM file. */
  readonly serverKeyStore: string;
  /** The same with the key encrypted under `password`. */
  readonly encryptedKeyStore: string;
  readonly password: string;
  /** A key store whose certificate has expired. */
  readonly expiredKeyStore: string;
  /** A key store whose key does not belong to its certificate. */
  readonly mismatchedKeyStore: string;
  /** Client key and certificate (PEM text), signed by the CA. */
  readonly clientKey: string;
  readonly clientCert: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(dir: string, name: string): void {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', name]);
}

/** Signs a certificate for `key` with the CA; `days` may be negative (already expired). */
function signed(dir: string, key: string, cn: string, out: string, days: number): void {
  openssl(dir, ['req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', `${out}.csr`]);
  writeFileSync(join(dir, `${out}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, ['x509', '-req', '-in', `${out}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', out, '-days', String(days), '-extfile', `${out}.ext`]);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-tls-'));
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const store = (name: string, ...parts: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, parts.join(''));
    return path;
  };
  const password = 'test-password';
  ecKey(dir, 'ca.key');
  openssl(dir, ['req', '-x509', '-key', 'ca.key', '-subj', '/CN=cnxnspec test CA', '-days', '2', '-out', 'ca.pem']);
  ecKey(dir, 'server.key');
  signed(dir, 'server.key', 'localhost', 'server.pem', 2);
  signed(dir, 'server.key', 'localhost', 'expired.pem', -1);
  ecKey(dir, 'client.key');
  signed(dir, 'client.key', 'cnxnspec client', 'client.pem', 2);
  ecKey(dir, 'other.key');
  openssl(dir, ['pkey', '-in', 'server.key', '-aes256', '-passout', `pass:${password}`, '-out', 'server-encrypted.key']);
  return {
    dir,
    ca: read('ca.pem'),
    caPath: join(dir, 'ca.pem'),
    serverKeyStore: store('server-keystore.pem', read('server.key'), read('server.pem')),
    encryptedKeyStore: store('server-encrypted-keystore.pem', read('server-encrypted.key'), read('server.pem')),
    password,
    expiredKeyStore: store('expired-keystore.pem', read('server.key'), read('expired.pem')),
    mismatchedKeyStore: store('mismatched-keystore.pem', read('other.key'), read('server.pem')),
    clientKey: read('client.key'),
    clientCert: read('client.pem'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
