/**
 * One raw client socket for the probe: write bytes, take whole frames (4-byte length prefix) as they arrive,
 * and learn how and when the server ended the connection (FIN or reset). Every wait has a timeout, so a server
 * that never answers costs the probe a bounded time, not a hang.
 */

import net from 'node:net';
import { FrameSplitter } from '../../reference/server/frames.ts';
import type { WireTarget } from './target.ts';

export type Ending = { readonly how: 'fin' | 'reset'; readonly atMs: number };

export class WireConnection {
  private readonly splitter = new FrameSplitter();
  private readonly frames: Uint8Array[] = [];
  private waiter: (() => void) | undefined;
  private ended: Ending | undefined;
  private readonly endedPromise: Promise<Ending>;
  /** Bytes received, framed or not. */
  received = 0;
  /** Raw bytes, kept only when asked (four-letter words are not framed). */
  readonly raw: Buffer[] = [];
  private readonly openedAt = performance.now();
  private framingError: string | undefined;

  private constructor(readonly socket: net.Socket, keepRaw: boolean) {
    let resolveEnd!: (e: Ending) => void;
    this.endedPromise = new Promise((r) => (resolveEnd = r));
    let reset = false;
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (keepRaw) this.raw.push(chunk);
      else if (this.framingError === undefined) {
        try {
          this.frames.push(...this.splitter.push(chunk));
        } catch (err) {
          this.framingError = (err as Error).message;
        }
      }
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
    });
    socket.on('close', () => {
      this.ended = { how: reset ? 'reset' : 'fin', atMs: performance.now() - this.openedAt };
      resolveEnd(this.ended);
      this.wake();
    });
  }

  /** `localAddress` picks the source address (another 127.x address, so a storm is not one client IP). */
  static open(target: WireTarget, timeoutMs: number, keepRaw = false, localAddress?: string): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port, ...(localAddress ? { localAddress } : {}) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${target.host}:${target.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new WireConnection(socket, keepRaw));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next whole frame's payload, or undefined if the connection ended or `timeoutMs` passed first. */
  async nextFrame(timeoutMs: number): Promise<Uint8Array | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (this.frames.length === 0 && this.ended === undefined && this.framingError === undefined) {
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.shift();
  }

  /** Resolves when the server ends the connection, or with undefined after `timeoutMs`. */
  async ending(timeoutMs: number): Promise<Ending | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const result = await Promise.race([this.endedPromise, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** A reply that could not be split into frames (a negative length from the server). */
  get badFraming(): string | undefined {
    return this.framingError;
  }

  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
