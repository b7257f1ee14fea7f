/**
 * A connected socket, `ch<n>`, as a non-blocking NIO SocketChannel over a net.Socket.
 *
 * Independent of how the socket came to be (accepted by net.Server today, a TLS socket later): it takes any
 * net.Socket, plus an error the socket already had while it waited to be accepted.
 *
 * Choices both runtimes share:
 * - read copies at most `into.length` bytes and keeps the rest (runtime.level-triggered: still readable);
 *   0 when nothing is buffered; -1 at EOF once every byte before it was read, and again on later reads.
 * - A reset (ECONNRESET) or other socket error is delivered in order: buffered bytes first, then the next read
 *   throws RuntimeIOError with the errno (as Java's read throws IOException "Connection reset by peer"), and
 *   every later read throws it again. That read is traced as `read` with n = -1, since the stream ended there.
 * - OP_READ is ready while bytes are buffered or an EOF or error has not been reported by a read yet.
 * - Backpressure: past `readHighWater` unread bytes the socket is paused, so the kernel window closes and the
 *   client slows down; reading resumes below half of it.
 * - write takes only what fits under `writeLimit` bytes held unsent in user space, and copies it, so the caller
 *   may reuse its buffer (runtime.partial-write). OP_WRITE is ready while there is room, or once the socket failed
 *   (so that the next write reports the error).
 * - I/O failures the peer or the OS cause are traced with their empty result (read n = -1, write n = 0) and
 *   thrown; misuse (I/O on a channel this side closed) is traced as invalidUse and throws RuntimeIOError EBADF.
 */

import type { Socket } from 'node:net';
import { RuntimeIOError } from '../../../spec/errors.ts';
import { OP_READ, OP_WRITE, type CloseOptions, type SocketAddress, type SocketChannel, type TlsState } from '../../../spec/runtime.ts';
import type { Disposable, RuntimeContext } from './runtime-context.ts';
import { resolvedCount } from './resolved.ts';
import { NodeSelectableChannel } from './selectable-channel.ts';
import { plainHost } from './socket-address.ts';

type ReadEnd = 'eof' | RuntimeIOError;

/**
 * Writes made while the program runs on (one select's IO passes follow each other in microtasks) are gathered into
 * one system call: the socket is corked at its first write and uncorked once the microtasks have run out. A pass
 * answers one frame, so ten pings in one read were ten write calls; the bytes and their order are the same, and
 * `writableLength` (hence OP_WRITE) counts corked bytes like any other unsent ones.
 */
const corked: Socket[] = [];

function corkUntilIdle(socket: Socket): void {
  socket.cork();
  corked.push(socket);
  if (corked.length === 1) process.nextTick(uncorkAll);
}

function uncorkAll(): void {
  for (const socket of corked.splice(0)) {
    while (socket.writableCorked > 0) socket.uncork();
  }
}

const CHANNEL = Symbol('cnxnspec.channel');
type OwnedSocket = Socket & { [CHANNEL]: NodeSocketChannel };

export class NodeSocketChannel extends NodeSelectableChannel implements SocketChannel, Disposable {
  readonly remoteAddress: SocketAddress;
  private readonly chunks: Buffer[] = [];
  /** Bytes of chunks[0] already read. */
  private offset = 0;
  private buffered = 0;
  private paused = false;
  private readEnd: ReadEnd | undefined;
  private readEndReported = false;
  private failure: RuntimeIOError | undefined;
  private waitingForRoom = false;
  private closed = false;
  private tls: TlsState;
  /** The write callback, made on the first write (a connection that never writes never makes it). */
  private flushed: (() => void) | undefined;

  /** `secure`: `socket` is a server-side TLSSocket whose handshake has not completed yet. */
  constructor(
    rt: RuntimeContext,
    id: string,
    private readonly socket: Socket,
    earlyError?: Error,
    secure = false,
  ) {
    super(rt, id);
    this.tls = secure ? 'handshaking' : 'none';
    // The listeners are shared by every channel and find theirs through the socket (`this` in a listener), so
    // a connection costs no closures of its own: memory per held session is a target (docs/benchmarks.md).
    (socket as OwnedSocket)[CHANNEL] = this;
    if (secure) socket.once('secure', NodeSocketChannel.onSecure);
    this.remoteAddress = { host: plainHost(socket.remoteAddress), port: socket.remotePort ?? 0 };
    socket.on('data', NodeSocketChannel.onData);
    socket.on('end', NodeSocketChannel.onEnd);
    socket.on('error', NodeSocketChannel.onError);
    socket.on('close', NodeSocketChannel.onClose);
    if (earlyError) this.failed(earlyError);
    else if (socket.destroyed) this.endReading('eof');
    if (!socket.destroyed) {
      socket.setNoDelay(true);
      socket.resume();
    }
    rt.open.add(this);
  }

  isOpen(): boolean {
    return !this.closed;
  }

  tlsState(): TlsState {
    return this.tls;
  }

  currentReadyOps(): number {
    if (this.closed) return 0;
    let ops = 0;
    if (this.buffered > 0 || (this.readEnd !== undefined && !this.readEndReported)) ops |= OP_READ;
    if (this.failure !== undefined || this.socket.destroyed || this.socket.writableLength < this.rt.limits.writeLimit) ops |= OP_WRITE;
    return ops;
  }

  /** IO on a channel this side closed: traced, then refused with EBADF. */
  private invalidUse(op: 'read' | 'write'): Promise<never> {
    if (this.rt.tracing) this.rt.emit({ ev: 'invalidUse', op, ch: this.id });
    return Promise.reject(new RuntimeIOError('EBADF', `${op} on ${this.id}, which this side closed`));
  }

  /** Read and write complete at once: shared settled promises, not async methods (resolved.ts says why). */
  read(into: Uint8Array): Promise<number> {
    const rt = this.rt;
    if (this.closed) return this.invalidUse('read');
    if (this.buffered > 0) {
      const n = this.copyInto(into);
      if (rt.tracing) rt.emit({ ev: 'read', ch: this.id, n });
      return resolvedCount(n);
    }
    const end = this.readEnd;
    if (end === undefined) {
      if (rt.tracing) rt.emit({ ev: 'read', ch: this.id, n: 0 });
      return resolvedCount(0);
    }
    if (!this.readEndReported) {
      this.readEndReported = true;
      this.readinessChanged();
    }
    if (rt.tracing) rt.emit({ ev: 'read', ch: this.id, n: -1 });
    if (end === 'eof') return resolvedCount(-1);
    return Promise.reject(end);
  }

  write(data: Uint8Array): Promise<number> {
    const rt = this.rt;
    const socket = this.socket;
    if (this.closed) return this.invalidUse('write');
    const failure = this.failure ?? (socket.destroyed || !socket.writable ? new RuntimeIOError('EPIPE', `${this.id} is no longer writable`) : undefined);
    if (failure) {
      if (rt.tracing) rt.emit({ ev: 'write', ch: this.id, requested: data.length, n: 0 });
      return Promise.reject(failure);
    }
    const n = Math.max(0, Math.min(data.length, this.rt.limits.writeLimit - socket.writableLength));
    // Buffer.from copies: the socket may hold the chunk after we return, and the caller may reuse `data`.
    if (n > 0) {
      if (socket.writableCorked === 0) corkUntilIdle(socket);
      // The whole of `data` without a view when it all fits: a view of a small array moves it out of V8's heap.
      socket.write(Buffer.from(n === data.length ? data : data.subarray(0, n)), (this.flushed ??= () => this.onFlushed()));
    }
    if (socket.writableLength >= this.rt.limits.writeLimit) {
      this.waitingForRoom = true;
      this.readinessChanged();
    }
    if (rt.tracing) rt.emit({ ev: 'write', ch: this.id, requested: data.length, n });
    return resolvedCount(n);
  }

  async close(reason: string, options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const rt = this.rt;
    const reset = options.reset === true;
    if (rt.tracing) rt.emit(reset ? { ev: 'close', ch: this.id, reason, reset } : { ev: 'close', ch: this.id, reason });
    this.invalidateKeys();
    rt.open.delete(this);
    this.chunks.length = 0;
    this.buffered = 0;
    if (reset) this.reset();
    else this.finish();
  }

  disposeQuietly(): void {
    this.closed = true;
    this.invalidateKeys();
    this.socket.destroy();
  }

  private copyInto(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length - this.offset, into.length - n);
      into.set(chunk.subarray(this.offset, this.offset + take), n);
      n += take;
      this.offset += take;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= n;
    if (this.paused && this.buffered < this.rt.limits.readHighWater / 2) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.buffered === 0) this.readinessChanged();
    return n;
  }

  /** Orderly close: FIN after what was written, then release the descriptor once flushed (or after the linger). */
  private finish(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    if (socket.writableFinished) {
      socket.destroy();
      return;
    }
    const linger = setTimeout(() => socket.destroy(), this.rt.limits.closeLingerMs);
    linger.unref();
    socket.once('finish', () => socket.destroy());
    socket.once('close', () => clearTimeout(linger));
  }

  /** Abortive close: an RST, ZooKeeper's fastCloseSock. TLS sockets have no TCP handle to reset, so they are destroyed. */
  private reset(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    // What was written before the reset goes out first, as it would have without the cork.
    while (socket.writableCorked > 0) socket.uncork();
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }

  private static onData(this: OwnedSocket, chunk: Buffer): void {
    this[CHANNEL].received(chunk);
  }

  private static onEnd(this: OwnedSocket): void {
    this[CHANNEL].endReading('eof');
  }

  private static onSecure(this: OwnedSocket): void {
    this[CHANNEL].secured();
  }

  private static onError(this: OwnedSocket, error: Error): void {
    this[CHANNEL].failed(error);
  }

  /** A socket closed without FIN or error seen (destroyed before it was accepted) reads as EOF. */
  private static onClose(this: OwnedSocket): void {
    this[CHANNEL].endReading('eof');
  }

  private received(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    const wasEmpty = this.buffered === 0;
    this.buffered += chunk.length;
    if (!this.paused && this.buffered >= this.rt.limits.readHighWater) {
      this.paused = true;
      this.socket.pause();
    }
    if (wasEmpty) this.readinessChanged();
  }

  private secured(): void {
    // Destroyed by a listener before this one: the client certificate was refused (server-tls.ts).
    if (this.tls !== 'handshaking' || this.socket.destroyed) return;
    this.tls = 'done';
    if (this.rt.tracing) this.rt.emit({ ev: 'tlsHandshake', ch: this.id, ok: true });
  }

  private handshakeFailed(why: string): void {
    this.tls = 'failed';
    if (this.rt.tracing) this.rt.emit({ ev: 'tlsHandshake', ch: this.id, ok: false, error: why });
  }

  /**
   * Any socket error ends reading (unless EOF came first) and fails later writes. One before the handshake
   * completed (a plaintext client, a bad or missing client certificate) fails the handshake.
   */
  private failed(error: Error): void {
    if (this.tls === 'handshaking') this.handshakeFailed((error as NodeJS.ErrnoException).code ?? error.message);
    const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
    this.failure ??= new RuntimeIOError(errno, `${this.id}: ${error.message}`, { cause: error });
    this.endReading(this.failure);
  }

  private onFlushed(): void {
    if (this.waitingForRoom && this.socket.writableLength < this.rt.limits.writeLimit) {
      this.waitingForRoom = false;
      this.readinessChanged();
    }
  }

  /**
   * Records how reading ends (the first cause wins) and re-evaluates readiness, which may now include OP_WRITE.
   * A secure stream that ends before its handshake completed failed the handshake.
   */
  private endReading(end: ReadEnd): void {
    if (this.tls === 'handshaking') this.handshakeFailed(end === 'eof' ? 'the peer closed during the handshake' : end.errno);
    this.readEnd ??= end;
    if (!this.closed) this.readinessChanged();
  }
}
