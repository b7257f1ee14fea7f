/**
 * A client that pipelines getData requests for one large znode and then reads its replies slowly (a few KiB per
 * step) while pinging within its session timeout, over a plain socket; then reads the rest at full speed and
 * checks every reply. It is the scenario of issue 18.1, bounded: whether the server keeps such a session is the
 * question (ZooKeeper does). Test-only; used by the slow-reader tests against the reference and Apache ZooKeeper.
 */
import net from 'node:net';
import type { SocketAddress } from '../../spec/runtime.ts';
import { ConnectResponseCodec } from './connect-records.ts';
import { ReplyHeaderCodec } from './header-records.ts';
import { JuteReader } from './jute-reader.ts';
import { OpCode, Xid } from './op-codes.ts';
import { connectFrame, requestFrame } from './test-support.ts';

export interface SlowReadPlan {
  readonly path: string;
  /** getData requests pipelined right after the handshake. */
  readonly requests: number;
  readonly sessionTimeoutMs: number;
  readonly pingEveryMs: number;
  /** How long the slow phase lasts, and how much it reads per step. */
  readonly slowForMs: number;
  readonly stepMs: number;
  readonly bytesPerStep: number;
}

export interface SlowReadOutcome {
  /** The server closed the connection during the slow phase. */
  readonly closedWhileSlow: boolean;
  readonly negotiatedTimeout: number;
  /** xids of the non-ping replies, in arrival order. */
  readonly replyXids: readonly number[];
  /** Error codes of the getData replies. */
  readonly replyErrs: readonly number[];
  /** Every getData reply carried the znode's full data. */
  readonly dataLengths: readonly number[];
  readonly pingReplies: number;
  /** err of an exists("/") sent after everything was read: 0 means the session is still alive. */
  readonly afterwardsErr: number | 'closed';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function getDataFrame(xid: number, path: string): Uint8Array {
  return requestFrame(xid, OpCode.getData, (w) => w.ustring(path).bool(false));
}

/** Runs the plan against `address`; resolves once everything is read (bounded by the plan and 30 s). */
export async function slowRead(address: SocketAddress, plan: SlowReadPlan): Promise<SlowReadOutcome> {
  const socket = net.connect({ host: address.host, port: address.port });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  /** Moves at most `limit` bytes (all there are when undefined) from the socket's stream buffer into `buffered`. */
  const take = (limit?: number): void => {
    const n = limit === undefined ? socket.readableLength : Math.min(limit, socket.readableLength);
    if (n === 0) {
      socket.read(0); // asks the stream to refill from the kernel
      return;
    }
    const chunk = socket.read(n) as Buffer | null;
    if (chunk !== null) buffered = Buffer.concat([buffered, chunk]);
  };
  const frame = async (deadline: number): Promise<Buffer | null> => {
    for (;;) {
      take();
      if (buffered.length >= 4) {
        const len = buffered.readInt32BE(0);
        if (buffered.length >= 4 + len) {
          const payload = buffered.subarray(4, 4 + len);
          buffered = buffered.subarray(4 + len);
          return payload;
        }
      }
      if (closed || Date.now() > deadline) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('readable', done);
          socket.off('close', done);
          resolve();
        };
        socket.once('readable', done);
        socket.once('close', done);
        setTimeout(done, 50);
      });
    }
  };
  const deadline = Date.now() + 30_000;
  socket.write(connectFrame({ timeOut: plan.sessionTimeoutMs }));
  const connected = await frame(deadline);
  if (connected === null) throw new Error('the server closed before its ConnectResponse');
  const negotiatedTimeout = ConnectResponseCodec.read(new JuteReader(new Uint8Array(connected))).timeOut;
  for (let xid = 1; xid <= plan.requests; xid++) socket.write(getDataFrame(xid, plan.path));
  const pinger = setInterval(() => socket.write(requestFrame(Xid.ping, OpCode.ping)), plan.pingEveryMs);
  // The slow phase: the stream buffer above the socket fills to its high-water mark and stops reading from the
  // kernel, so the rate at which `take` empties it is the rate at which the client reads.
  for (const end = Date.now() + plan.slowForMs; Date.now() < end && !closed; ) {
    take(plan.bytesPerStep);
    await sleep(plan.stepMs);
  }
  const closedWhileSlow = closed;
  const replyXids: number[] = [];
  const replyErrs: number[] = [];
  const dataLengths: number[] = [];
  let pingReplies = 0;
  while (replyXids.length < plan.requests) {
    const payload = await frame(deadline);
    if (payload === null) break;
    const r = new JuteReader(new Uint8Array(payload));
    const header = ReplyHeaderCodec.read(r);
    if (header.xid === Xid.ping) {
      pingReplies++;
      continue;
    }
    replyXids.push(header.xid);
    replyErrs.push(header.err);
    if (header.err === 0) dataLengths.push(r.buffer()?.length ?? -1);
  }
  clearInterval(pinger);
  let afterwardsErr: number | 'closed' = 'closed';
  if (!closed) {
    socket.write(requestFrame(plan.requests + 1, OpCode.exists, (w) => w.ustring('/').bool(false)));
    for (;;) {
      const payload = await frame(deadline);
      if (payload === null) break;
      const header = ReplyHeaderCodec.read(new JuteReader(new Uint8Array(payload)));
      if (header.xid === plan.requests + 1) {
        afterwardsErr = header.err;
        break;
      }
    }
  }
  socket.destroy();
  return { closedWhileSlow, negotiatedTimeout, replyXids, replyErrs, dataLengths, pingReplies, afterwardsErr };
}
