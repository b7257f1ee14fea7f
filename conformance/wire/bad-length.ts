/**
 * Sends one length prefix on an established session and judges the answer: the connection must be closed with
 * no reply, and a bystander session and a new connection must be unaffected. Shared by the negative and the
 * oversized length checks.
 */

import type { CheckOutcome, WireOptions } from './wire-check.ts';
import { fail, pass } from './wire-check.ts';
import { bystander } from './bystander.ts';
import type { WireTarget } from './target.ts';
import { openSession } from './zk-client-frames.ts';

export async function badLengthOutcome(target: WireTarget, options: WireOptions, length: number, what: string): Promise<CheckOutcome> {
  const others = await bystander(target, options.stepTimeoutMs);
  const { conn } = await openSession(target, options.stepTimeoutMs);
  const before = conn.received;
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(length);
  conn.write(prefix);
  const ended = await conn.ending(options.stepTimeoutMs);
  conn.close();
  const replied = conn.received - before;
  const harm = await others.afterwards();
  if (!ended) return fail(`a ${what} (${length}) left the connection open for ${options.stepTimeoutMs} ms`);
  if (replied > 0) return fail(`a ${what} (${length}) got ${replied} reply bytes before the close; expected none`);
  if (harm) return fail(`after a ${what}: ${harm}`);
  return pass(`a ${what} (${length}) closed only its connection (${ended.how} after ${ended.atMs.toFixed(0)} ms of connection life), no reply; others served`);
}
