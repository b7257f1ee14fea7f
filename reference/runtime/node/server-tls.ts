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

/**
 * Starts the server side of a handshake on an accepted socket; bytes read from the result are plaintext.
 * node's OpenSSL callback accepts every client certificate and leaves the verdict to tls.Server, which a bare
 * TLSSocket lacks: so the verdict is checked here, as the handshake completes and before any byte is read. A
 * certificate that does not chain to the trust store fails the handshake under `need` and also under `want` (Java's
 * trust manager, and so ZooKeeper, refuses a presented certificate it cannot trust even when one is optional);
 * no certificate at all is refused by OpenSSL itself under `need`. The socket is destroyed with the reason, which
 * the channel reads as a failed handshake (it ignores `secure` on a destroyed socket).
 */
export function wrapServerSide(socket: Socket, settings: ServerTls): tls.TLSSocket {
  const secured = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: settings.context,
    requestCert: settings.requestCert,
    rejectUnauthorized: settings.rejectUnauthorized,
  });
  if (settings.requestCert) secured.once('secure', refuseUntrustedPeer);
  return secured;
}

function refuseUntrustedPeer(this: tls.TLSSocket): void {
  // verifyError() is what tls.Server consults for the same decision; node offers no public form for a bare socket.
  const verdict = (this as unknown as { _handle?: { verifyError?: () => Error | null } })._handle?.verifyError?.();
  if (verdict === undefined) return void this.destroy(new Error('the client certificate could not be verified'));
  if (verdict !== null && this.getPeerX509Certificate() !== undefined) {
    const code = (verdict as NodeJS.ErrnoException).code ?? verdict.message;
    this.destroy(Object.assign(new Error(`client certificate refused: ${verdict.message}`), { code }));
  }
}
