/**
 * The few client frames the probe sends, built with the reference's jute codec (reference/server/frames.ts):
 * a ConnectRequest, `exists` on a path (every ZooKeeper-compatible server answers it, and its xid shows
 * order), a ping and closeSession; plus `openSession`, which connects and completes the handshake.
 */

import {
  RecordWriter,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeRequest,
  frame,
  pingFrame,
  OP_CLOSE_SESSION,
  type ConnectResponse,
} from '../../reference/server/frames.ts';
import type { WireTarget } from './target.ts';
import { WireConnection } from './wire-connection.ts';

export const OP_EXISTS = 3;
export { pingFrame };

export interface ConnectOptions {
  readonly timeOut?: number;
  readonly sessionId?: bigint;
  readonly passwd?: Uint8Array;
  /** Omit the trailing readOnly byte, as clients before 3.4 do. */
  readonly omitReadOnly?: boolean;
  /** Source address of the connection. */
  readonly localAddress?: string;
}

export function connectFrame(options: ConnectOptions = {}): Uint8Array {
  return frame(
    encodeConnectRequest({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: options.timeOut ?? 30_000,
      sessionId: options.sessionId ?? 0n,
      passwd: options.passwd ?? new Uint8Array(16),
      ...(options.omitReadOnly ? {} : { readOnly: false }),
    }),
  );
}

export function existsFrame(xid: number, path = '/'): Uint8Array {
  return frame(encodeRequest({ xid, type: OP_EXISTS }, new RecordWriter().buffer(new TextEncoder().encode(path)).bool(false).toBytes()));
}

export function closeSessionFrame(xid: number): Uint8Array {
  return frame(encodeRequest({ xid, type: OP_CLOSE_SESSION }));
}

export interface OpenSession {
  readonly conn: WireConnection;
  readonly response: ConnectResponse;
}

/** Connects and handshakes; throws with what went wrong. */
export async function openSession(target: WireTarget, timeoutMs: number, options: ConnectOptions = {}): Promise<OpenSession> {
  const conn = await WireConnection.open(target, timeoutMs, false, options.localAddress);
  conn.write(connectFrame(options));
  const payload = await conn.nextFrame(timeoutMs);
  if (!payload) {
    conn.close();
    throw new Error(conn.isEnded ? 'the server closed the connection instead of answering the ConnectRequest' : `no ConnectResponse within ${timeoutMs} ms`);
  }
  return { conn, response: decodeConnectResponse(payload) };
}

/** Ends a session the way a client does (closeSession, then wait briefly for the server's close), so probes leave no sessions behind. */
export async function closeSession(conn: WireConnection, xid = 1_000_000): Promise<void> {
  if (!conn.isEnded) {
    conn.write(closeSessionFrame(xid));
    await conn.ending(1_000);
  }
  conn.close();
}
