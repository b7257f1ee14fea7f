/**
 * Waits until a server completes a handshake. Apache ZooKeeper answers `ruok` with `imok` a moment before it
 * serves sessions (connections are closed while its database loads), so scripts that start a server and then
 * probe it wait for this first; the probe itself never waits, since a server that refuses is a finding.
 */

import type { WireTarget } from './target.ts';
import { closeSession, openSession } from './zk-client-frames.ts';

export async function waitUntilServing(target: WireTarget, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { conn } = await openSession(target, 2_000);
      await closeSession(conn);
      return;
    } catch (err) {
      last = (err as Error).message;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${target.host}:${target.port} did not complete a handshake within ${limitMs} ms (last: ${last})`);
}
