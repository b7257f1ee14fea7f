/**
 * The suite's own client on real sockets for wire checks: connects to 127.0.0.1, sends bytes, collects what
 * arrives and how the connection ended. Every wait is bounded; nothing is left open after `destroy`.
 */

import { connect, type Socket } from 'node:net';
import type { SocketAddress } from '../../../spec/runtime.ts';

export interface RawClient {
  readonly socket: Socket;
  send(bytes: Uint8Array): void;
  /** Every byte received so far. */
  received(): Buffer;
  /** Resolves with the bytes once at least `n` arrived, or with what arrived when the server closed or time ran out. */
  waitFor(n: number, timeoutMs: number): Promise<Buffer>;
  /** Resolves with how the server ended the connection, or 'open' if it did not within `timeoutMs`. */
  waitForClose(timeoutMs: number): Promise<'closed' | 'reset' | 'open'>;
  /** Milliseconds from connect to the server's close, if it closed. */
  closedAfterMs(): number | undefined;
  destroy(): void;
}

export function rawConnect(address: SocketAddress, timeoutMs = 5_000): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    const chunks: Buffer[] = [];
    let ended: 'closed' | 'reset' | undefined;
    let connectedAt = 0;
    let closedAt: number | undefined;
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const w of [...waiters]) w();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${address.host}:${address.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      notify();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (connectedAt === 0) {
        clearTimeout(timer);
        reject(err);
        return;
      }
      if (err.code === 'ECONNRESET') ended = 'reset';
    });
    socket.on('close', () => {
      ended ??= 'closed';
      closedAt ??= Date.now();
      notify();
    });
    socket.on('end', () => socket.end());
    const until = <T>(done: () => T | undefined, fallback: () => T, ms: number) =>
      new Promise<T>((settle) => {
        const check = () => {
          const value = done();
          if (value !== undefined) finish(value);
        };
        const finish = (value: T) => {
          clearTimeout(t);
          waiters.delete(check);
          settle(value);
        };
        const t = setTimeout(() => finish(fallback()), ms);
        waiters.add(check);
        check();
      });
    socket.once('connect', () => {
      clearTimeout(timer);
      connectedAt = Date.now();
      resolve({
        socket,
        send: (bytes) => void socket.write(bytes),
        received: () => Buffer.concat(chunks),
        waitFor: (n, ms) => until(() => (Buffer.concat(chunks).length >= n || ended ? Buffer.concat(chunks) : undefined), () => Buffer.concat(chunks), ms),
        waitForClose: (ms) => until(() => ended, () => 'open' as const, ms),
        closedAfterMs: () => (closedAt === undefined ? undefined : closedAt - connectedAt),
        destroy: () => socket.destroy(),
      });
    });
  });
}
