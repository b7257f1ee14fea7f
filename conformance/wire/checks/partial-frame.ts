/** wire.bad-frame: a client that sends half a frame and hangs up costs nothing to the others. */

import { bystander } from '../bystander.ts';
import { WireConnection } from '../wire-connection.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';

export const partialFrame: WireCheck = {
  name: 'partial-frame',
  requirements: ['wire.bad-frame'],
  description: 'half a ConnectRequest (length 44, 10 bytes), then the client closes; others still served',
  async run(target, options) {
    const others = await bystander(target, options.stepTimeoutMs);
    const conn = await WireConnection.open(target, options.stepTimeoutMs);
    const half = Buffer.alloc(14);
    half.writeInt32BE(44);
    conn.write(half);
    conn.socket.end();
    const ended = await conn.ending(options.stepTimeoutMs);
    conn.close();
    const harm = await others.afterwards();
    if (harm) return fail(`after a partial frame and a client close: ${harm}`);
    if (conn.received > 0) return fail(`the server sent ${conn.received} bytes in answer to half a frame`);
    return pass(`half a frame then a client close: the server ${ended ? `closed its side (${ended.how})` : 'kept its side open'}, sent nothing, others served`);
  },
};
