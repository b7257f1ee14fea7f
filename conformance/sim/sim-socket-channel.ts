/**
 * A connected socket, `ch<n>`, over a simulated Connection (see connection.ts for how each end behaves).
 * As in the node runtime: failures the peer causes are traced with their empty result (read n = -1, write
 * n = 0) and thrown; misuse (I/O on a channel this side closed) throws RuntimeIOError EBADF and is not traced.
 */

import { RuntimeIOError } from '../../spec/errors.ts';
import { OP_READ, OP_WRITE, type CloseOptions, type SocketAddress, type SocketChannel, type TlsState } from '../../spec/runtime.ts';
import type { Connection } from './connection.ts';
import type { SimContext } from './context.ts';
import { immediate } from './ops.ts';
import { SimChannel } from './sim-channel.ts';

export class SimSocketChannel extends SimChannel implements SocketChannel {
  readonly remoteAddress: SocketAddress;
  private closed = false;

  constructor(
    ctx: SimContext,
    private readonly conn: Connection,
  ) {
    super(ctx, conn.ch);
    this.remoteAddress = conn.remote;
    conn.accepted = true;
  }

  isOpen(): boolean {
    return !this.closed;
  }

  tlsState(): TlsState {
    return 'none';
  }

  readiness(): number {
    if (this.closed) return 0;
    return (this.conn.readReady() ? OP_READ : 0) | (this.conn.writeReady() ? OP_WRITE : 0);
  }

  read(into: Uint8Array): Promise<number> {
    return this.ctx.sched.call(() =>
      immediate(`read ${this.id}`, () => {
        if (this.closed) throw new RuntimeIOError('EBADF', `read on ${this.id}, which this side closed`);
        let n: number;
        try {
          n = this.conn.serverRead(into);
        } catch (error) {
          this.ctx.emit({ ev: 'read', ch: this.id, n: -1 });
          throw error;
        }
        this.ctx.emit({ ev: 'read', ch: this.id, n });
        return n;
      }),
    );
  }

  write(data: Uint8Array): Promise<number> {
    return this.ctx.sched.call(() =>
      immediate(`write ${this.id}`, () => {
        if (this.closed) throw new RuntimeIOError('EBADF', `write on ${this.id}, which this side closed`);
        const failure = this.conn.writeFailure();
        if (failure) {
          this.ctx.emit({ ev: 'write', ch: this.id, requested: data.length, n: 0 });
          throw failure;
        }
        const n = this.conn.serverWrite(data);
        this.ctx.emit({ ev: 'write', ch: this.id, requested: data.length, n });
        return n;
      }),
    );
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
