/**
 * A TLS client peer for tests on real sockets: node:tls to 127.0.0.1, with the TestPeer surface the frame helpers
 * (handshake, readFrame, readReply) read through. Test-only; nothing in the factory imports it.
 */
import tls from 'node:tls';
import type { TestPeer } from '../../conformance/suites/runtime-harness.ts';

export interface TlsPeerOptions {
  readonly ca: string;
  readonly key?: string;
  readonly cert?: string;
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
}

export class TlsPeer implements TestPeer {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.notify();
    });
    for (const ev of ['end', 'close', 'error']) socket.on(ev, () => this.finish());
  }

  /** Connects and completes the TLS handshake (rejects if it fails). */
  static connect(port: number, options: TlsPeerOptions): Promise<TlsPeer> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
      socket.once('secureConnect', () => resolve(new TlsPeer(socket)));
      socket.once('error', reject);
    });
  }

  async send(bytes: Uint8Array): Promise<void> {
    this.socket.write(Buffer.from(bytes));
  }

  async receive(n: number): Promise<Uint8Array> {
    while (this.buffered.length < n && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(out.length);
    return out;
  }

  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async halfClose(): Promise<void> {
    this.socket.end();
  }

  async reset(): Promise<void> {
    this.socket.destroy();
  }

  async close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
