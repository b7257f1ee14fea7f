/**
 * A connected socket, `ch<n>`, over a simulated Connection (see connection.ts for how each end behaves).
 * As in the node runtime: failures the peer causes are traced with their empty result (read n = -1, write
 * n = 0) and thrown; misuse (I/O on a channel this side closed) is traced as invalidUse and throws RuntimeIOError
 * EBADF.
 */

import { RuntimeIOError } from '../../spec/errors.ts';
import { OP_READ, OP_WRITE, type CloseOptions, type SocketAddress, type SocketChannel, type TlsState } from '../../spec/runtime.ts';
import type { Connection } from './connection.ts';
import type { SimContext } from './context.ts';
import { afterCost } from './costs.ts';
import { alwaysReady, immediate, noDeadline, type OpResult } from './ops.ts';
import { SimChannel } from './sim-channel.ts';
import { SimTlsServerSession } from './sim-tls.ts';

export class SimSocketChannel extends SimChannel implements SocketChannel {
  readonly remoteAddress: SocketAddress;
  private closed = false;
  /** The abstract handshake (sim-tls.ts) of a channel accepted on a TLS listening socket. */
  private readonly tls: SimTlsServerSession | undefined;

  constructor(
    ctx: SimContext,
    private readonly conn: Connection,
    secure = false,
  ) {
    super(ctx, conn.ch);
    this.tls = secure ? new SimTlsServerSession() : undefined;
    this.remoteAddress = conn.remote;
    conn.accepted = true;
  }

  isOpen(): boolean {
    return !this.closed;
  }

  tlsState(): TlsState {
    return this.tls?.state ?? 'none';
  }

  readiness(): number {
    if (this.closed) return 0;
    const failed = this.tls?.state === 'failed';
    return (this.conn.readReady() || failed ? OP_READ : 0) | (this.conn.writeReady() ? OP_WRITE : 0);
  }

  /** The read happens when the call is picked; a read cost (costs.ts) then keeps the thread in the call. */
  read(into: Uint8Array): Promise<number> {
    return this.ctx.sched.call(() => ({
      label: `read ${this.id}`,
      ready: alwaysReady,
      deadline: noDeadline,
      exec: (): OpResult<number> => {
        if (this.closed) throw this.invalidUse('read');
        if (this.tls !== undefined && this.tls.state !== 'done') return { value: this.handshakeRead(this.tls) };
        let n: number;
        try {
          n = this.conn.serverRead(into);
        } catch (error) {
          this.ctx.emit({ ev: 'read', ch: this.id, n: -1 });
          throw error;
        }
        this.ctx.emit({ ev: 'read', ch: this.id, n });
        return afterCost(`read ${this.id}`, this.ctx.clock.now(), this.ctx.costs.read(this.id), n);
      },
    }));
  }

  /** A read before the handshake completed: it advances the handshake and returns 0, or throws once it failed. */
  private handshakeRead(tls: SimTlsServerSession): number {
    if (tls.state === 'handshaking') {
      const step = tls.step(this.conn);
      if (step.kind === 'done') this.ctx.emit({ ev: 'tlsHandshake', ch: this.id, ok: true });
      if (step.kind === 'failed') this.ctx.emit({ ev: 'tlsHandshake', ch: this.id, ok: false, error: step.error });
    }
    if (tls.state === 'failed') {
      this.ctx.emit({ ev: 'read', ch: this.id, n: -1 });
      throw tls.error(this.id);
    }
    this.ctx.emit({ ev: 'read', ch: this.id, n: 0 });
    return 0;
  }

  /** As read: the bytes go out when the call is picked, and a write cost keeps the thread in the call. */
  write(data: Uint8Array): Promise<number> {
    return this.ctx.sched.call(() => ({
      label: `write ${this.id}`,
      ready: alwaysReady,
      deadline: noDeadline,
      exec: (): OpResult<number> => {
        if (this.closed) throw this.invalidUse('write');
        const failure = this.conn.writeFailure();
        if (failure) {
          this.ctx.emit({ ev: 'write', ch: this.id, requested: data.length, n: 0 });
          throw failure;
        }
        const n = this.conn.serverWrite(data);
        this.ctx.emit({ ev: 'write', ch: this.id, requested: data.length, n });
        return afterCost(`write ${this.id}`, this.ctx.clock.now(), this.ctx.costs.write(this.id), n);
      },
    }));
  }

  /** IO on a channel this side closed: traced, then refused with EBADF. */
  private invalidUse(op: 'read' | 'write'): RuntimeIOError {
    this.ctx.emit({ ev: 'invalidUse', op, ch: this.id });
    return new RuntimeIOError('EBADF', `${op} on ${this.id}, which this side closed`);
  }

  close(reason: string, options: CloseOptions = {}): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`close ${this.id}`, () => {
        if (this.closed) return;
        this.closed = true;
        const reset = options.reset === true;
        this.ctx.emit(reset ? { ev: 'close', ch: this.id, reason, reset } : { ev: 'close', ch: this.id, reason });
        this.invalidateKeys();
        this.conn.serverClose(reset);
      }),
    );
  }
}
