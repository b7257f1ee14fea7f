/**
 * wire.slow-reader, as far as a black box can tell: a client that pipelines many requests and then reads in
 * short bursts with pauses receives every reply, whole and in order. Whether the server's memory stayed bounded
 * meanwhile (throttling rather than buffering) is not visible from outside and is not judged here.
 */

import { decodeReply } from '../../../reference/server/frames.ts';
import { closeSession, existsFrame, openSession } from '../zk-client-frames.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const slowReader: WireCheck = {
  name: 'slow-reader',
  requirements: ['wire.slow-reader'],
  description: 'N exists requests (--slow-reader-requests, default 5,000) written at once, read after 1 s in 5 ms bursts every 25 ms',
  async run(target, options) {
    const { conn } = await openSession(target, options.stepTimeoutMs);
    const n = options.slowReaderRequests;
    const deadline = performance.now() + Math.max(30_000, options.stepTimeoutMs);
    try {
      conn.socket.pause();
      const frames: Uint8Array[] = [];
      for (let xid = 1; xid <= n; xid++) frames.push(existsFrame(xid));
      conn.write(Buffer.concat(frames));
      await sleep(1_000);
      let next = 1;
      while (next <= n && performance.now() < deadline) {
        conn.socket.resume();
        await sleep(5);
        conn.socket.pause();
        for (let payload = await conn.nextFrame(0); payload; payload = await conn.nextFrame(0)) {
          const { xid } = decodeReply(payload).header;
          if (xid === -1) continue;
          if (xid !== next) return fail(`reply ${next} of ${n} has xid ${xid}: a reply was lost or reordered while the client read slowly`);
          next++;
        }
        if (conn.isEnded && next <= n) return fail(`the server closed the connection after ${next - 1} of ${n} replies`);
        await sleep(25);
      }
      if (next <= n) return fail(`only ${next - 1} of ${n} replies arrived within the time allowed`);
      return pass(`${n} replies (${conn.received} bytes) complete and in order to a client reading in bursts (memory bound not observable from outside)`);
    } finally {
      conn.socket.resume();
      await closeSession(conn);
    }
  },
};
