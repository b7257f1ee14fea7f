/** wire.order: requests pipelined in one write are answered in order, pings among them included. */

import { decodeReply } from '../../../reference/server/frames.ts';
import { closeSession, existsFrame, openSession, pingFrame } from '../zk-client-frames.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';

export const pipelinedOrder: WireCheck = {
  name: 'pipelined-order',
  requirements: ['wire.order'],
  description: 'exists("/") requests with rising xids and a ping every tenth, all in one write; replies in the same order',
  async run(target, options) {
    const { conn } = await openSession(target, options.stepTimeoutMs);
    try {
      const expected: number[] = [];
      const frames: Uint8Array[] = [];
      for (let i = 1; i <= options.pipelined; i++) {
        frames.push(existsFrame(i));
        expected.push(i);
        if (i % 10 === 0) {
          frames.push(pingFrame());
          expected.push(-2);
        }
      }
      conn.write(Buffer.concat(frames));
      for (let at = 0; at < expected.length; at++) {
        const payload = await conn.nextFrame(options.stepTimeoutMs);
        if (!payload) return fail(`reply ${at + 1} of ${expected.length} (xid ${expected[at]}) missing after ${options.stepTimeoutMs} ms${conn.isEnded ? '; the server closed the connection' : ''}`);
        const { header } = decodeReply(payload);
        if (header.xid === -1) {
          at--; // a notification may come between replies
          continue;
        }
        if (header.xid !== expected[at]) return fail(`reply ${at + 1} has xid ${header.xid}, expected ${expected[at]}`);
      }
      return pass(`${expected.length} replies (${options.pipelined} exists, ${expected.length - options.pipelined} pings) in request order`);
    } finally {
      await closeSession(conn);
    }
  },
};
