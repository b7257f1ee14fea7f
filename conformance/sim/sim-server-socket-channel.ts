/**
 * A listening socket, `ss<n>`. OP_ACCEPT is ready while connections wait in its backlog. accept() never
 * blocks; an injected fault (EMFILE by default) is traced as accept with ch null and the errno, then thrown,
 * and leaves the connection waiting. Closing it is traced as close of `ss<n>` with reason `unbind`.
 */

import { RuntimeIOError } from '../../spec/errors.ts';
import { OP_ACCEPT, type ServerSocketChannel, type SocketAddress } from '../../spec/runtime.ts';
import { formatAddress, type Listener } from './network.ts';
import { immediate } from './ops.ts';
import type { SimContext } from './context.ts';
import { SimChannel } from './sim-channel.ts';
import { SimSocketChannel } from './sim-socket-channel.ts';

export class SimServerSocketChannel extends SimChannel implements ServerSocketChannel {
  private listener: Listener | undefined;
  private closed = false;
  /** Recorded only: the simulation has no TIME_WAIT, so a closed port is free at once. */
  reuseAddress = false;

  /** `secure`: accepted channels run the abstract TLS handshake of sim-tls.ts. */
  constructor(
    ctx: SimContext,
    id: string,
    private readonly secure = false,
  ) {
    super(ctx, id);
  }

  isOpen(): boolean {
    return !this.closed;
  }

  readiness(): number {
    if (this.closed || !this.listener) return 0;
    return this.listener.pending.length > 0 ? OP_ACCEPT : 0;
  }

  setReuseAddress(on: boolean): void {
    this.reuseAddress = on;
  }

  bind(address: SocketAddress, backlog: number): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`bind ${this.id}`, () => {
        if (this.closed) throw new RuntimeIOError('EBADF', `bind on ${this.id}, which is closed`);
        if (this.listener) throw new RuntimeIOError('EINVAL', `${this.id} is already bound to ${formatAddress(this.listener.address)}`);
        const listener = this.ctx.network.bind(this.id, address, backlog);
        this.listener = listener;
        const { host, port } = listener.address;
        this.ctx.emit(this.secure ? { ev: 'bind', ss: this.id, host, port, backlog, tls: true } : { ev: 'bind', ss: this.id, host, port, backlog });
      }),
    );
  }

  localAddress(): SocketAddress | undefined {
    return this.listener?.address;
  }

  accept(): Promise<SimSocketChannel | null> {
    return this.ctx.sched.call(() => immediate(`accept ${this.id}`, () => this.doAccept()));
  }

  close(): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`close ${this.id}`, () => {
        if (this.closed) return;
        this.closed = true;
        this.ctx.emit({ ev: 'close', ch: this.id, reason: 'unbind' });
        this.invalidateKeys();
        if (this.listener) this.ctx.network.unbind(this.listener);
      }),
    );
  }

  private doAccept(): SimSocketChannel | null {
    const ctx = this.ctx;
    if (this.closed) throw new RuntimeIOError('EBADF', `accept on ${this.id}, which is closed`);
    const listener = this.listener;
    if (!listener) throw new RuntimeIOError('EINVAL', `accept on ${this.id}, which is not bound`);
    if (listener.pending.length === 0) {
      ctx.emit({ ev: 'accept', ss: this.id, ch: null });
      return null;
    }
    const errno = ctx.faults.acceptFault();
    if (errno) {
      ctx.emit({ ev: 'accept', ss: this.id, ch: null, error: errno });
      throw new RuntimeIOError(errno, `${this.id} failed to accept (injected fault)`);
    }
    const channel = new SimSocketChannel(ctx, listener.pending.shift()!, this.secure);
    ctx.emit({ ev: 'accept', ss: this.id, ch: channel.id, remote: formatAddress(channel.remoteAddress) });
    return channel;
  }
}
