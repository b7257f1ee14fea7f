/**
 * The TLS material of a run, made at run time with the openssl CLI in a temp directory (reference/netty/test-certs.ts;
 * nothing is committed): an EC P-256 CA and a server certificate for 127.0.0.1/localhost, in a PEM key store in
 * ZooKeeper's layout (key and certificate in one file). Both servers under TLS read the same `ssl.*` lines, under
 * ZooKeeper's property names, so that they offer the same thing:
 * - ssl.protocol=TLSv1.2: ZooKeeper 3.8's default protocol; its default suites are TLS 1.2 ones, so TLSv1.3 would need
 *   a suite list of its own, and the reference's default (1.3 and 1.2) would let the two servers negotiate differently;
 * - one suite, ECDHE-ECDSA with AES-128-GCM: what either server picks from its defaults for this key;
 * - ssl.clientAuth=none: clients present no certificate, so a handshake costs the server one signature and one ECDHE
 *   (ZooKeeper's default is need; with it both servers would also verify a client chain per handshake).
 */
import { makeTestCerts } from '../../reference/netty/test-certs.ts';
import type { ClientTls } from '../load/tls.ts';

export const TLS_PROTOCOL = 'TLSv1.2';
export const TLS_SUITE = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256';
const TLS_SUITE_OPENSSL = 'ECDHE-ECDSA-AES128-GCM-SHA256';
export const TLS_CLIENT_AUTH = 'none';

export interface BenchTls {
  /** zoo.cfg lines (`ssl.keyStore.location=...`), the same for every server. */
  readonly properties: readonly string[];
  readonly client: ClientTls;
  cleanup(): void;
}

export function makeBenchTls(): BenchTls {
  const certs = makeTestCerts();
  return {
    properties: [
      `ssl.keyStore.location=${certs.serverKeyStore}`,
      'ssl.keyStore.type=PEM',
      `ssl.trustStore.location=${certs.caPath}`,
      'ssl.trustStore.type=PEM',
      `ssl.clientAuth=${TLS_CLIENT_AUTH}`,
      `ssl.protocol=${TLS_PROTOCOL}`,
      `ssl.ciphersuites=${TLS_SUITE}`,
    ],
    client: { ca: certs.ca, minVersion: TLS_PROTOCOL, maxVersion: TLS_PROTOCOL, ciphers: TLS_SUITE_OPENSSL },
    cleanup: () => certs.cleanup(),
  };
}
