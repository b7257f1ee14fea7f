/**
 * Server-side TLS for the node runtime: one secure context per listening socket, and each accepted TCP socket
 * wrapped in a TLSSocket as the factory accepts it, so the channel exists (and the factory sees it) while the
 * handshake is still running, as a Netty channel is active before its SslHandler has finished.
 */

import type { Socket } from 'node:net';
import tls from 'node:tls';
import { CnxnspecError } from '../../../spec/errors.ts';
import type { TlsServerOptions } from '../../../spec/runtime.ts';

export interface ServerTls {
  readonly context: tls.SecureContext;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

/** Builds the secure context once; material node refuses (bad PEM, key not matching) is a configuration error. */
export function serverTls(options: TlsServerOptions): ServerTls {
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({
      key: options.key,
      cert: options.cert,
      ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.minVersion !== undefined ? { minVersion: options.minVersion as tls.SecureVersion } : {}),
      ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion as tls.SecureVersion } : {}),
      ...(options.ciphers !== undefined ? { ciphers: options.ciphers } : {}),
    });
  } catch (error) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `the TLS key material was refused: ${(error as Error).message}`, { cause: error });
  }
  return { context, requestCert: options.clientAuth !== 'none', rejectUnauthorized: options.clientAuth === 'need' };
}

/** Starts the server side of a handshake on an accepted socket; bytes read from the result are plaintext. */
export function wrapServerSide(socket: Socket, settings: ServerTls): tls.TLSSocket {
  return new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: settings.context,
    requestCert: settings.requestCert,
    rejectUnauthorized: settings.rejectUnauthorized,
  });
}
