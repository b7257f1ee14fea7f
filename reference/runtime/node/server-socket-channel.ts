/**
 * A listening socket, `ss<n>`, as a non-blocking NIO ServerSocketChannel over a net.Server.
 *
 * node:net accepts connections from the kernel as soon as they arrive; they wait here, paused (no bytes read, so
 * the client's data stays in kernel buffers) and with an error listener (so a reset before accept cannot crash
 * the process), until the factory's accept() takes them. OP_ACCEPT is ready while any wait, or while an accept
 * error (EMFILE, ENFILE...) waits to be reported by the next accept().
 *
 * How the server is made is a parameter, so a TLS listening socket can reuse all of this with tls.createServer.
 */

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { RuntimeIOError } from '../../../spec/errors.ts';
import { OP_ACCEPT, type ServerSocketChannel, type SocketAddress } from '../../../spec/runtime.ts';
import type { Disposable, RuntimeContext } from './runtime-context.ts';
import { NodeSelectableChannel } from './selectable-channel.ts';
import { formatAddress, plainHost } from './socket-address.ts';
import type { ServerTls } from './server-tls.ts';
import { wrapServerSide } from './server-tls.ts';
import { NodeSocketChannel } from './socket-channel.ts';

/** Makes the server and routes each new connected socket to `onConnection`. */
export type ServerMaker = (onConnection: (socket: net.Socket) => void) => net.Server;

/**
 * Plain TCP: paused until accepted; half-open allowed so a client's FIN reads as EOF and the factory, not node,
 * decides when to close (node's default would end our side at once).
 */
export const plainTcpServer: ServerMaker = (onConnection) =>
  net.createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, onConnection);

interface Pending {
  readonly socket: net.Socket;
  error: Error | undefined;
  readonly onError: (error: Error) => void;
}

let somaxconn: number | undefined;

/** net.core.somaxconn, read once; 511 (node's default) where it cannot be read. */
export function platformBacklog(): number {
  if (somaxconn === undefined) {
    try {
      const value = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
      somaxconn = Number.isInteger(value) && value > 0 ? value : 511;
    } catch {
      somaxconn = 511;
    }
  }
  return somaxconn;
}

export class NodeServerSocketChannel extends NodeSelectableChannel implements ServerSocketChannel, Disposable {
  private server: net.Server | undefined;
  private bound: SocketAddress | undefined;
  private readonly pending: Pending[] = [];
  private acceptError: RuntimeIOError | undefined;
  private closed = false;
  /** Recorded only: libuv always sets SO_REUSEADDR on Linux listening sockets. */
  reuseAddress = false;

  constructor(
    rt: RuntimeContext,
    id: string,
    private readonly makeServer: ServerMaker = plainTcpServer,
    /** When set, each accepted socket is wrapped for a server-side TLS handshake as it is accepted. */
    private readonly tls?: ServerTls,
  ) {
    super(rt, id);
    rt.open.add(this);
  }

  isOpen(): boolean {
    return !this.closed;
  }

  currentReadyOps(): number {
    if (this.closed || !this.bound) return 0;
    return this.pending.length > 0 || this.acceptError ? OP_ACCEPT : 0;
  }

  setReuseAddress(on: boolean): void {
    this.reuseAddress = on;
  }

  async bind(address: SocketAddress, backlog: number): Promise<void> {
    if (this.closed) throw new RuntimeIOError('EBADF', `bind on ${this.id}, which is closed`);
    if (this.server) throw new RuntimeIOError('EINVAL', `${this.id} is already bound to ${formatAddress(this.bound!)}`);
    const server = this.makeServer(this.onConnection);
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // Java: a backlog of 0 or less means the platform default. Node's own default (511) overflows in a
        // storm of a few thousand clients, each drop costing its client a 1 s SYN retransmit, so the default
        // here is the kernel's limit, as Netty takes it (docs/benchmarks.md measured both).
        server.listen({ host: address.host, port: address.port, backlog: backlog > 0 ? backlog : platformBacklog() }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.server = undefined;
      const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
      throw new RuntimeIOError(errno, `${this.id} cannot bind ${formatAddress(address)}: ${(error as Error).message}`, { cause: error });
    }
    // After listening, a server 'error' is a failed accept (EMFILE...): reported by the next accept().
    server.on('error', this.onAcceptError);
    const real = server.address() as net.AddressInfo;
    this.bound = { host: plainHost(real.address), port: real.port };
    const rt = this.rt;
    if (rt.tracing) {
      const { host, port } = this.bound;
      rt.emit(this.tls !== undefined ? { ev: 'bind', ss: this.id, host, port, backlog, tls: true } : { ev: 'bind', ss: this.id, host, port, backlog });
    }
  }

  localAddress(): SocketAddress | undefined {
    return this.bound;
  }

  async accept(): Promise<NodeSocketChannel | null> {
    const rt = this.rt;
    if (this.closed) throw new RuntimeIOError('EBADF', `accept on ${this.id}, which is closed`);
    if (!this.bound) throw new RuntimeIOError('EINVAL', `accept on ${this.id}, which is not bound`);
    const failure = this.acceptError;
    if (failure) {
      this.acceptError = undefined;
      this.readinessChanged();
      if (rt.tracing) rt.emit({ ev: 'accept', ss: this.id, ch: null, error: failure.errno });
      throw failure;
    }
    const next = this.pending.shift();
    if (!next) {
      if (rt.tracing) rt.emit({ ev: 'accept', ss: this.id, ch: null });
      return null;
    }
    // The channel's own error listener goes on before the waiting one comes off, so no error is ever unheard.
    const socket = this.tls !== undefined && next.error === undefined && !next.socket.destroyed ? wrapServerSide(next.socket, this.tls) : next.socket;
    const channel = new NodeSocketChannel(rt, rt.nextId('ch'), socket, next.error, this.tls !== undefined);
    next.socket.off('error', next.onError);
    if (this.pending.length === 0) this.readinessChanged();
    if (rt.tracing) rt.emit({ ev: 'accept', ss: this.id, ch: channel.id, remote: formatAddress(channel.remoteAddress) });
    return channel;
  }

  /**
   * Stops listening and frees the port at once (libuv closes the descriptor synchronously), without waiting
   * for accepted sockets, which belong to the factory now; connections never accepted are dropped.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'close', ch: this.id, reason: 'unbind' });
    this.invalidateKeys();
    rt.open.delete(this);
    this.release();
    // One turn of the loop lets libuv run the listening handle's close callback.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  disposeQuietly(): void {
    this.closed = true;
    this.invalidateKeys();
    this.release();
  }

  private release(): void {
    // net.Server's own close callback waits for every connection it ever accepted to end, which is not ours to wait for.
    this.server?.close();
    for (const waiting of this.pending.splice(0)) waiting.socket.destroy();
  }

  private readonly onConnection = (socket: net.Socket): void => {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const waiting: Pending = {
      socket,
      error: undefined,
      onError: (error) => {
        waiting.error ??= error;
      },
    };
    socket.on('error', waiting.onError);
    this.pending.push(waiting);
    const tap = this.rt.onConnection;
    if (tap) {
      tap(
        { host: plainHost(socket.remoteAddress), port: socket.remotePort ?? 0 },
        { host: plainHost(socket.localAddress), port: socket.localPort ?? 0 },
      );
    }
    if (this.pending.length === 1) this.readinessChanged();
  };

  private readonly onAcceptError = (error: Error): void => {
    const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
    this.acceptError ??= new RuntimeIOError(errno, `${this.id} failed to accept: ${error.message}`, { cause: error });
    this.readinessChanged();
  };
}
