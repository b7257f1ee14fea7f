/**
 * One raw conversation with a ZooKeeper server for differential tests: a handshake, then the given frames (any
 * bytes, well formed or not), then every reply until the server closes or goes quiet. What comes back is reduced
 * to what two servers must agree on: per reply its xid, err and body length (bodies carry zxids and times, which
 * differ between servers), and whether the connection was closed.
 */
import net from 'node:net';
import type { SocketAddress } from '../../spec/runtime.ts';
import { connectFrame } from '../../reference/zk/test-support.ts';

export interface ReplySummary {
  readonly xid: number;
  readonly err: number;
  readonly bodyLength: number;
  /** A notification's (xid -1) WatcherEvent: what the watch reported. */
  readonly event?: { readonly type: number; readonly state: number; readonly path: string };
  /** With `zxids`: the reply's zxid minus the first reply's (servers differ in absolute zxids, not in steps). */
  readonly zxid?: number;
  /** With `bodies` naming its xid: the reply body as hex (for bodies without zxids or times, e.g. a created path). */
  readonly body?: string;
}

export interface Exchange {
  /** The handshake was answered with a session (timeout > 0). */
  readonly connected: boolean;
  readonly replies: readonly ReplySummary[];
  /** The server closed (or reset) the connection before the quiet period ended. */
  readonly closed: boolean;
}

export interface ExchangeOptions {
  /** Skip the handshake: `frames` are the first bytes of the connection. */
  readonly noHandshake?: boolean;
  /** How long without data ends the conversation (ms). */
  readonly quietMs?: number;
  /** Stop once this many replies have arrived (notifications included). */
  readonly replies?: number;
  /** Record each reply's zxid relative to the first reply's (ping replies carry the last zxid too). */
  readonly zxids?: boolean;
  /** xids whose reply bodies are recorded as hex. */
  readonly bodies?: readonly number[];
}

export function exchange(address: SocketAddress, frames: readonly Uint8Array[], options: ExchangeOptions = {}): Promise<Exchange> {
  const quietMs = options.quietMs ?? 600;
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port });
    let buffered = Buffer.alloc(0);
    let connected = options.noHandshake === true;
    let handshook = options.noHandshake === true;
    const replies: ReplySummary[] = [];
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let firstZxid: bigint | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ connected, replies, closed });
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    const sendAll = () => {
      for (const f of frames) socket.write(f);
      quiet();
    };
    socket.on('connect', () => {
      if (options.noHandshake) sendAll();
      else {
        socket.write(connectFrame({ timeOut: 30_000 }));
        quiet();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const len = buffered.readInt32BE(0);
        const payload = buffered.subarray(4, 4 + len);
        buffered = buffered.subarray(4 + len);
        if (!handshook) {
          handshook = true;
          connected = len >= 8 && payload.readInt32BE(4) > 0;
          sendAll();
          continue;
        }
        const xid = payload.readInt32BE(0);
        const event = xid === -1 && len >= 28 ? { type: payload.readInt32BE(16), state: payload.readInt32BE(20), path: payload.subarray(28, 28 + payload.readInt32BE(24)).toString() } : undefined;
        const zxid = payload.readBigInt64BE(4);
        if (xid !== -1) firstZxid ??= zxid;
        replies.push({
          xid,
          err: payload.readInt32BE(12),
          bodyLength: len - 16,
          ...(event ? { event } : {}),
          ...(options.zxids && xid !== -1 ? { zxid: Number(zxid - (firstZxid ?? zxid)) } : {}),
          ...(options.bodies?.includes(xid) ? { body: payload.subarray(16).toString('hex') } : {}),
        });
      }
      if (options.replies !== undefined && replies.length >= options.replies) finish(false);
      else quiet();
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}
