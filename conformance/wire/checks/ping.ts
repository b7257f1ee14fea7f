/** wire.ping: a ping on a session is answered with xid -2, err 0 and no body. */

import { decodeReply } from '../../../reference/server/frames.ts';
import { closeSession, openSession, pingFrame } from '../zk-client-frames.ts';
import { fail, hex, pass, type WireCheck } from '../wire-check.ts';

export const ping: WireCheck = {
  name: 'ping',
  requirements: ['wire.ping'],
  description: 'three pings on a session, each answered by xid -2, err 0, no body',
  async run(target, options) {
    const { conn } = await openSession(target, options.stepTimeoutMs);
    try {
      for (let i = 0; i < 3; i++) {
        conn.write(pingFrame());
        const payload = await conn.nextFrame(options.stepTimeoutMs);
        if (!payload) return fail(`ping ${i + 1}: no reply within ${options.stepTimeoutMs} ms${conn.isEnded ? ' (the server closed the connection)' : ''}`);
        const { header, body } = decodeReply(payload);
        if (header.xid !== -2 || header.err !== 0 || body.length > 0) return fail(`ping ${i + 1}: reply xid ${header.xid}, err ${header.err}, body ${hex(body)}; expected xid -2, err 0, no body`);
      }
      return pass('3 pings answered with xid -2, err 0, no body');
    } finally {
      await closeSession(conn);
    }
  },
};
