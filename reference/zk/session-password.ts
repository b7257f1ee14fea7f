/**
 * Session passwords: 16 bytes the client must present to reattach to its session. ZooKeeper derives them from
 * the session id with a fixed seed, so anyone who knows an id knows its password; here they are the first 16
 * bytes of HMAC-SHA256(server secret, session id), so they are deterministic for one server (a reconnect checks
 * them by recomputing, nothing is stored) and unguessable without the secret. A server started without a secret
 * draws a random one, which is fine because sessions do not survive a restart anyway.
 *
 * Implements: zk.session-lifecycle (password check on reconnect).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PASSWORD_BYTES } from './connect-records.ts';

export function randomSecret(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export function passwordFor(secret: Uint8Array, sessionId: bigint): Uint8Array {
  const id = new Uint8Array(8);
  new DataView(id.buffer).setBigInt64(0, BigInt.asIntN(64, sessionId), false);
  return new Uint8Array(createHmac('sha256', secret).update(id).digest().subarray(0, PASSWORD_BYTES));
}

/** ZooKeeper's rule: session 0 never matches; otherwise the bytes must be equal. */
export function passwordMatches(secret: Uint8Array, sessionId: bigint, passwd: Uint8Array): boolean {
  if (sessionId === 0n || passwd.length !== PASSWORD_BYTES) return false;
  return timingSafeEqual(passwordFor(secret, sessionId), passwd);
}
