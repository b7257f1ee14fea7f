/**
 * The runtime harness for the node runtime: tracing on, peers are real net.Socket clients on 127.0.0.1.
 *
 * A peer's receiveWindow is approximated by not reading: the client socket stays paused except while a
 * receive() or closed() is waiting, so once kernel buffers fill the server's writes become partial. Tests that
 * need partial writes therefore write more than loopback buffers hold (megabytes), not just more than the window.
 */

import net from 'node:net';
import { RuntimeIOError } from '../../spec/errors.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { createNodeRuntime, type NodeHostRuntime } from '../../reference/runtime/node/index.ts';
import type { HarnessFactory, PeerOptions, RuntimeHarness, TestPeer } from './runtime-harness.ts';

class NodePeer implements TestPeer {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private windowed: boolean;
  private waiters: Array<() => void> = [];
  private readonly whenClosed: Promise<void>;

  constructor(
    private readonly socket: net.Socket,
    windowed: boolean,
  ) {
    this.windowed = windowed;
    let markClosed!: () => void;
    this.whenClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const end = () => {
      this.ended = true;
      markClosed();
      this.notify();
    };
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.notify();
    });
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
    if (windowed) socket.pause();
  }

  async send(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable) throw new RuntimeIOError('EPIPE', 'peer socket is closed');
    // Handed to node's buffer, not awaited to the wire: a server that is not reading must not block the test body.
    this.socket.write(Buffer.from(bytes));
  }

  async receive(n: number): Promise<Uint8Array> {
    if (this.windowed) this.socket.resume();
    try {
      while (this.buffered < n && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    } finally {
      if (this.windowed) this.socket.pause();
    }
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    this.chunks.length = 0;
    if (all.length > out.length) this.chunks.push(all.subarray(out.length));
    this.buffered = all.length - out.length;
    return new Uint8Array(out);
  }

  /** Waiting for the server's FIN means reading up to it, so the window stops applying here. */
  async closed(): Promise<void> {
    this.windowed = false;
    this.socket.resume();
    await this.whenClosed;
  }

  async halfClose(): Promise<void> {
    this.socket.end();
  }

  async reset(): Promise<void> {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    this.socket.end(() => this.socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

class NodeHarness implements RuntimeHarness {
  readonly kind = 'node' as const;
  readonly runtime: NodeHostRuntime;
  private readonly peers = new Set<NodePeer>();
  /** Client ports the server side has seen a connection from, and tests waiting for one. */
  private readonly arrived = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  constructor() {
    this.runtime = createNodeRuntime({
      trace: true,
      onConnection: (remote) => {
        this.arrived.add(remote.port);
        this.waiting.get(remote.port)?.();
      },
    });
  }

  run(body: () => Promise<void>): Promise<void> {
    return this.runtime.runAs('main', body);
  }

  async connect(address: SocketAddress, options: PeerOptions = {}): Promise<TestPeer> {
    const host = address.host === '::1' ? '::1' : '127.0.0.1';
    const socket = net.connect({ host, port: address.port, allowHalfOpen: true, noDelay: true });
    const peer = new NodePeer(socket, options.receiveWindow !== undefined);
    this.peers.add(peer);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (error: NodeJS.ErrnoException) =>
        reject(new RuntimeIOError(error.code ?? 'EIO', `peer cannot connect to ${host}:${address.port}`, { cause: error })),
      );
    });
    const port = socket.localPort!;
    if (!this.arrived.has(port)) await new Promise<void>((resolve) => this.waiting.set(port, resolve));
    this.waiting.delete(port);
    return peer;
  }

  trace(): readonly TraceEvent[] {
    return this.runtime.traceEvents();
  }

  async dispose(): Promise<void> {
    for (const peer of this.peers) peer.destroy();
    this.peers.clear();
    await this.runtime.dispose();
  }
}

export const nodeHarness: HarnessFactory = async () => new NodeHarness();
