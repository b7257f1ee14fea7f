/**
 * The harness's TestPeer over a simulated connection. send, halfClose, reset and close are runtime calls of the
 * calling thread (traced with the peer's name). receive(n) starts at once and reads in the background, as its
 * own actor `peer <ip>#<n>`, whenever bytes are in flight, so a server writing through a small window makes
 * progress while the body does other things; awaiting the result parks the awaiting thread until n bytes came
 * or the connection ended.
 */

import type { TestPeer } from '../suites/runtime-harness.ts';
import type { StepActor } from './actor.ts';
import { concatBytes } from './byte-queue.ts';
import type { Connection, PeerShutdown } from './connection.ts';
import type { SimContext } from './context.ts';
import { immediate } from './ops.ts';
import { awaitable } from './sim-awaitable.ts';

interface Receive {
  readonly n: number;
  got: number;
  readonly parts: Uint8Array[];
  done: boolean;
}

export class SimTestPeer implements TestPeer, StepActor {
  readonly kind = 'peer';
  readonly name: string;
  readonly order: number;
  private readonly receives: Receive[] = [];

  constructor(
    private readonly ctx: SimContext,
    readonly conn: Connection,
  ) {
    this.name = conn.peer;
    this.order = ctx.sched.newOrder();
    ctx.sched.add(this);
  }

  runnable(): boolean {
    return this.receives.length > 0 && (this.conn.toPeer.length > 0 || this.conn.peerAtEnd());
  }

  deadline(): undefined {
    return undefined;
  }

  waitingOn(): string | undefined {
    const r = this.receives[0];
    return r ? `receive ${r.n - r.got} more byte(s) on ${this.conn.ch}` : undefined;
  }

  step(): void {
    const r = this.receives[0]!;
    const bytes = this.conn.peerTake(r.n - r.got);
    if (bytes.length > 0) {
      r.parts.push(bytes);
      r.got += bytes.length;
      this.ctx.emit({ ev: 'peerRecv', peer: this.name, ch: this.conn.ch, n: bytes.length, digest: this.conn.receivedDigest() }, this.name);
    }
    if (r.got >= r.n || this.conn.peerAtEnd()) {
      r.done = true;
      this.receives.shift();
    }
    this.updateAwaiting();
  }

  send(bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice();
    return this.ctx.sched.call(() =>
      immediate(`send ${copy.length} byte(s) on ${this.conn.ch}`, () => {
        this.conn.peerSend(copy);
        this.ctx.emit({ ev: 'peerSend', peer: this.name, ch: this.conn.ch, n: copy.length }, this.name);
      }),
    );
  }

  receive(n: number): Promise<Uint8Array> {
    const r: Receive = { n, got: 0, parts: [], done: n <= 0 };
    if (!r.done) this.receives.push(r);
    this.updateAwaiting();
    return awaitable(this.ctx.sched, `await receive of ${n} byte(s) on ${this.conn.ch}`, () => r.done, () => concatBytes(r.parts));
  }

  closed(): Promise<void> {
    return awaitable(this.ctx.sched, `await server close of ${this.conn.ch}`, () => this.conn.serverClosed !== undefined, () => undefined);
  }

  halfClose(): Promise<void> {
    return this.shutdown('halfClose');
  }

  reset(): Promise<void> {
    return this.shutdown('reset');
  }

  close(): Promise<void> {
    return this.shutdown('close');
  }

  private shutdown(how: Exclude<PeerShutdown, 'none'>): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`${how} ${this.conn.ch}`, () => {
        this.conn.shutdown(how);
        this.ctx.emit({ ev: 'peerClose', peer: this.name, ch: this.conn.ch, how }, this.name);
      }),
    );
  }

  private updateAwaiting(): void {
    this.conn.awaiting = this.receives.reduce((sum, r) => sum + r.n - r.got, 0);
  }
}
