/**
 * TLS material for the secure client port, from ZooKeeper's property names (zoo.cfg `ssl.X` is the property
 * `zookeeper.ssl.X`, as for every non-core key):
 *
 *   ssl.keyStore.location / .password / .type     the server's private key and certificate chain
 *   ssl.trustStore.location / .password / .type   certificates trusted for client certificates
 *   ssl.clientAuth                                none | want | need (default need, as ZooKeeper's)
 *   ssl.protocol                                  TLSv1.3 (default: TLSv1.3 and TLSv1.2 enabled) or TLSv1.2 ...
 *   ssl.enabledProtocols                          comma list; the lowest and highest become the allowed range
 *   ssl.ciphersuites                              comma list, IANA names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
 *                                                 or OpenSSL names
 *
 * Store types: PEM only (ZooKeeper's PEM layout: the private key and its certificates in one file; the key may be
 * encrypted with the store password). The type comes from `.type`, else from the file extension (.pem, .crt, .key,
 * or none). JKS, PKCS12 and BCFKS stores are refused with the conversion to use.
 * Everything is checked here, at configure time, so that a bad store fails before any port is bound, with an error
 * naming the property and the file: a missing or unreadable file, no key or no certificate in it, a wrong or missing
 * password, a key that does not belong to its certificate, a certificate that has expired or is not valid yet.
 * Relative paths are resolved from `baseDir` (the zoo.cfg's directory under `cnxnspec serve`).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { getCiphers } from 'node:tls';
import { CnxnspecError } from '../../spec/errors.ts';
import type { TlsServerOptions } from '../../spec/runtime.ts';

export const SSL_PROPERTY_PREFIX = 'zookeeper.ssl.';

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  JKS: 'keytool -importkeystore -srckeystore <store.jks> -deststoretype PKCS12 -destkeystore <store.p12>, then openssl pkcs12 -in <store.p12> -nodes -out <store.pem>',
  PKCS12: 'openssl pkcs12 -in <store.p12> -nodes -out <store.pem>',
  BCFKS: 'export the key and certificates with keytool, then write them as PEM',
};

function configError(message: string, cause?: unknown): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', message, cause === undefined ? undefined : { cause });
}

/** `ssl.keyStore.location (zookeeper.ssl.keyStore.location)`: the zoo.cfg name, then the property. */
function named(key: string): string {
  return `ssl.${key} (${SSL_PROPERTY_PREFIX}${key})`;
}

interface Store {
  readonly path: string;
  readonly blocks: readonly { readonly label: string; readonly pem: string }[];
}

function readStore(properties: ReadonlyMap<string, string>, store: 'keyStore' | 'trustStore', baseDir: string): Store | undefined {
  const location = properties.get(`${SSL_PROPERTY_PREFIX}${store}.location`)?.trim();
  if (location === undefined || location === '') return undefined;
  const path = resolve(baseDir, location);
  const declared = properties.get(`${SSL_PROPERTY_PREFIX}${store}.type`)?.trim().toUpperCase();
  const byExtension: Readonly<Record<string, string>> = { '.jks': 'JKS', '.p12': 'PKCS12', '.pfx': 'PKCS12', '.bcfks': 'BCFKS' };
  const type = declared !== undefined && declared !== '' ? declared : byExtension[extname(path).toLowerCase()] ?? 'PEM';
  if (type !== 'PEM') {
    const how = UNSUPPORTED_TYPES[type];
    throw configError(
      `${named(`${store}.type`)}: store type ${type} of ${path} is not supported; only PEM stores are` +
        (how === undefined ? ` (known types: PEM, JKS, PKCS12, BCFKS)` : `; convert it: ${how}`),
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw configError(`${named(`${store}.location`)}: cannot read ${path}: ${(err as Error).message}`, err);
  }
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((m) => ({ label: m[1] as string, pem: `${m[0]}\n` }));
  if (blocks.length === 0) throw configError(`${named(`${store}.location`)}: ${path} holds no PEM block; a PEM store is text with -----BEGIN ...----- blocks`);
  return { path, blocks };
}

function certificates(store: Store, key: string, now: number): { pem: string; cert: X509Certificate }[] {
  const certs = store.blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certs.length === 0) throw configError(`${named(`${key}.location`)}: ${store.path} holds no certificate (no -----BEGIN CERTIFICATE----- block)`);
  return certs.map(({ pem }) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      throw configError(`${named(`${key}.location`)}: a certificate in ${store.path} does not parse: ${(err as Error).message}`, err);
    }
    const notAfter = Date.parse(cert.validTo);
    const notBefore = Date.parse(cert.validFrom);
    if (notAfter < now) throw configError(`${named(`${key}.location`)}: the certificate ${cert.subject.replace(/\n/g, ', ')} in ${store.path} expired on ${cert.validTo}; renew it`);
    if (notBefore > now) throw configError(`${named(`${key}.location`)}: the certificate ${cert.subject.replace(/\n/g, ', ')} in ${store.path} is not valid before ${cert.validFrom}`);
    return { pem, cert };
  });
}

function privateKey(store: Store, password: string | undefined): KeyObject {
  const keys = store.blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
  if (keys.length !== 1) {
    throw configError(`${named('keyStore.location')}: ${store.path} must hold exactly one private key, found ${keys.length}`);
  }
  const block = keys[0]!;
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || block.pem.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && (password === undefined || password === '')) {
    throw configError(`${named('keyStore.password')}: the private key in ${store.path} is encrypted; set the key store password`);
  }
  try {
    return createPrivateKey({ key: block.pem, format: 'pem', ...(encrypted ? { passphrase: password } : {}) });
  } catch (err) {
    if (encrypted) throw configError(`${named('keyStore.password')}: the password does not decrypt the private key in ${store.path}`, err);
    throw configError(`${named('keyStore.location')}: the private key in ${store.path} does not parse: ${(err as Error).message}`, err);
  }
}

function protocolRange(properties: ReadonlyMap<string, string>): { minVersion: string; maxVersion: string } {
  const check = (name: string, key: string): (typeof PROTOCOLS)[number] => {
    const found = PROTOCOLS.find((p) => p.toLowerCase() === name.toLowerCase());
    if (found === undefined) throw configError(`${named(key)}: unknown protocol "${name}"; use one of ${PROTOCOLS.join(', ')}`);
    return found;
  };
  const enabled = properties.get(`${SSL_PROPERTY_PREFIX}enabledProtocols`)?.trim();
  if (enabled !== undefined && enabled !== '') {
    const list = enabled.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => check(p, 'enabledProtocols'));
    const order = list.map((p) => PROTOCOLS.indexOf(p)).sort();
    return { minVersion: PROTOCOLS[order[0]!]!, maxVersion: PROTOCOLS[order.at(-1)!]! };
  }
  const protocol = properties.get(`${SSL_PROPERTY_PREFIX}protocol`)?.trim();
  const chosen = protocol === undefined || protocol === '' ? 'TLSv1.3' : check(protocol, 'protocol');
  // As in ZooKeeper: a TLSv1.3 context also enables TLSv1.2; any other protocol enables only itself.
  return chosen === 'TLSv1.3' ? { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' } : { minVersion: chosen, maxVersion: chosen };
}

/** IANA (Java) suite names to OpenSSL's for TLS 1.2; TLS 1.3 suites keep their IANA names in OpenSSL. */
function opensslCipherName(name: string): string {
  if (/^TLS_(AES|CHACHA20)_/.test(name) || !name.startsWith('TLS_')) return name;
  const m = /^TLS_(\w+?)_WITH_(\w+)$/.exec(name);
  if (m === null) return name;
  const kx = (m[1] as string).replace(/_/g, '-');
  const cipher = (m[2] as string)
    .replace(/^AES_(\d+)_/, 'AES$1-')
    .replace(/^CHACHA20_POLY1305_SHA256$/, 'CHACHA20-POLY1305')
    .replace(/_/g, '-');
  return `${kx}-${cipher}`;
}

function ciphers(properties: ReadonlyMap<string, string>): string | undefined {
  const value = properties.get(`${SSL_PROPERTY_PREFIX}ciphersuites`)?.trim();
  if (value === undefined || value === '') return undefined;
  const known = new Set(getCiphers().map((c) => c.toLowerCase()));
  const names = value.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return names
    .map((name) => {
      const openssl = opensslCipherName(name);
      if (!known.has(openssl.toLowerCase())) {
        throw configError(`${named('ciphersuites')}: cipher suite ${name} is not known to this platform's OpenSSL (looked for ${openssl})`);
      }
      return openssl;
    })
    .join(':');
}

function clientAuth(properties: ReadonlyMap<string, string>): TlsServerOptions['clientAuth'] {
  const value = properties.get(`${SSL_PROPERTY_PREFIX}clientAuth`)?.trim().toLowerCase();
  if (value === undefined || value === '') return 'need';
  if (value === 'none' || value === 'want' || value === 'need') return value;
  throw configError(`${named('clientAuth')}: "${value}" is not one of none, want, need`);
}

/**
 * The TLS options for a secure factory, or undefined when no key store is configured (the factory then decides:
 * NIO refuses secure ports anyway; the Netty-style factory asks for ssl.keyStore.location).
 */
export function loadTlsMaterial(properties: ReadonlyMap<string, string>, baseDir = process.cwd(), now = Date.now()): TlsServerOptions | undefined {
  const keyStore = readStore(properties, 'keyStore', baseDir);
  if (keyStore === undefined) return undefined;
  const key = privateKey(keyStore, properties.get(`${SSL_PROPERTY_PREFIX}keyStore.password`));
  const chain = certificates(keyStore, 'keyStore', now);
  if (!chain[0]!.cert.checkPrivateKey(key)) {
    throw configError(
      `${named('keyStore.location')}: the private key in ${keyStore.path} does not match its certificate ${chain[0]!.cert.subject.replace(/\n/g, ', ')}`,
    );
  }
  const trustStore = readStore(properties, 'trustStore', baseDir);
  const trusted = trustStore === undefined ? undefined : certificates(trustStore, 'trustStore', now);
  const cipherList = ciphers(properties);
  return {
    key: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: chain.map((c) => c.pem).join(''),
    ...(trusted !== undefined ? { ca: trusted.map((c) => c.pem).join('') } : {}),
    clientAuth: clientAuth(properties),
    ...protocolRange(properties),
    ...(cipherList !== undefined ? { ciphers: cipherList } : {}),
  };
}
