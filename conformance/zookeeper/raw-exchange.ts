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
        replies.push({ xid: payload.readInt32BE(0), err: payload.readInt32BE(12), bodyLength: len - 16 });
      }
      if (options.replies !== undefined && replies.length >= options.replies) finish(false);
      else quiet();
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}
