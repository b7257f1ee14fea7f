/**
 * The load generator over TLS (node:tls): a Dialer for sessions.ts and pings.ts, and a probe that waits until a
 * server serves a session on its secure port. Every client makes a full handshake (no session tickets or ids are
 * reused), so a storm of N clients is N full handshakes; the ConnectRequest goes out once the handshake is done.
 * The server's certificate is checked against the run's CA, with servername localhost (the certificate's name).
 */
import tls from 'node:tls';
import type { Dialer } from './sessions.ts';
import { CONNECT_FRAME, FrameCounter } from './wire.ts';

/** What a client needs to trust the server and to offer the same protocol and suite to every server. */
export interface ClientTls {
  readonly ca: string;
  readonly minVersion: tls.SecureVersion;
  readonly maxVersion: tls.SecureVersion;
  /** OpenSSL cipher list (TLS 1.2 suites). */
  readonly ciphers: string;
}

function connectTls(port: number, client: ClientTls): tls.TLSSocket {
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: client.ca,
    minVersion: client.minVersion,
    maxVersion: client.maxVersion,
    ciphers: client.ciphers,
  });
  socket.setNoDelay(true);
  return socket;
}

export function tlsDialer(client: ClientTls): Dialer {
  return { connect: (port) => connectTls(port, client), ready: 'secureConnect' };
}

/** One session over TLS: resolves with the negotiated protocol and suite (`TLSv1.2 ECDHE-...`), or an error text. */
function sessionOnce(port: number, client: ClientTls, timeoutMs: number): Promise<{ ok: true; negotiated: string } | { ok: false; why: string }> {
  return new Promise((resolve) => {
    const socket = connectTls(port, client);
    const frames = new FrameCounter();
    const done = (result: { ok: true; negotiated: string } | { ok: false; why: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, why: `no ConnectResponse within ${timeoutMs} ms` }), timeoutMs);
    socket.once('secureConnect', () => socket.write(CONNECT_FRAME));
    socket.on('data', (chunk: Buffer) => {
      if (frames.push(chunk) > 0) done({ ok: true, negotiated: `${socket.getProtocol() ?? '?'} ${socket.getCipher()?.name ?? '?'}` });
    });
    socket.on('error', (err) => done({ ok: false, why: err.message }));
    socket.on('close', () => done({ ok: false, why: 'closed before a ConnectResponse' }));
  });
}

/**
 * Waits until the secure port serves a session (ZooKeeper answers ruok on its plain port a moment before its
 * secure factory is up); returns what was negotiated. Throws with the last failure after `deadlineMs`.
 */
export async function waitForTlsSession(port: number, client: ClientTls, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  let why = 'not tried';
  while (Date.now() < deadline) {
    const result = await sessionOnce(port, client, Math.max(500, Math.min(5_000, deadline - Date.now())));
    if (result.ok) return result.negotiated;
    why = result.why;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no session over TLS on port ${port} within ${deadlineMs} ms: ${why}`);
}
