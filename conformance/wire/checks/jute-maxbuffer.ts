/**
 * cnxn.framing at the boundary: a length of exactly jute.maxbuffer is allowed, so the server must wait for the
 * payload instead of closing (one more byte, and oversized-length expects the close). Needs the server's real
 * jute.maxbuffer (--jute-max-buffer) when it is not ZooKeeper's default.
 */

import { closeSession, openSession } from '../zk-client-frames.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';

const WAIT_MS = 1_000;

export const juteMaxBuffer: WireCheck = {
  name: 'jute-maxbuffer',
  requirements: ['cnxn.framing'],
  description: 'length prefix of exactly jute.maxbuffer: the server waits for the payload (1 s) rather than closing',
  async run(target, options) {
    const { conn } = await openSession(target, options.stepTimeoutMs);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(options.juteMaxBuffer);
    conn.write(prefix);
    const ended = await conn.ending(WAIT_MS);
    await closeSession(conn);
    return ended
      ? fail(`a length of exactly jute.maxbuffer (${options.juteMaxBuffer}) was refused (${ended.how}); if the server's limit is lower, say so with --jute-max-buffer`)
      : pass(`a length of exactly ${options.juteMaxBuffer} kept the connection open ${WAIT_MS} ms, waiting for the payload`);
  },
};
