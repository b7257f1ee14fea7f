/**
 * What a bad client must not disturb: a healthy session opened before the bad input, which must still answer a
 * ping afterwards, and a new connection, which must still complete a handshake. Used by every malformed-frame check.
 */

import { decodeReply } from '../../reference/server/frames.ts';
import type { WireTarget } from './target.ts';
import type { WireConnection } from './wire-connection.ts';
import { closeSession, openSession, pingFrame } from './zk-client-frames.ts';

export interface Bystander {
  /** Undefined when all is well; otherwise what went wrong for the others. */
  afterwards(): Promise<string | undefined>;
}

export async function bystander(target: WireTarget, timeoutMs: number): Promise<Bystander> {
  const { conn } = await openSession(target, timeoutMs);
  return {
    async afterwards() {
      try {
        return (await pinged(conn, timeoutMs)) ?? (await freshSession(target, timeoutMs));
      } finally {
        await closeSession(conn);
      }
    },
  };
}

async function pinged(conn: WireConnection, timeoutMs: number): Promise<string | undefined> {
  conn.write(pingFrame());
  const payload = await conn.nextFrame(timeoutMs);
  if (!payload) return `a healthy session opened before got no ping reply within ${timeoutMs} ms${conn.isEnded ? ' (it was closed)' : ''}`;
  return decodeReply(payload).header.xid === -2 ? undefined : 'a healthy session got a wrong reply to its ping';
}

async function freshSession(target: WireTarget, timeoutMs: number): Promise<string | undefined> {
  try {
    const { conn } = await openSession(target, timeoutMs);
    await closeSession(conn);
    return undefined;
  } catch (err) {
    return `a new connection afterwards failed: ${(err as Error).message}`;
  }
}
