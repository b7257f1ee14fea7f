/**
 * The host runtime contract (spec/runtime.ts) over the simulation. Every call that returns a promise is a
 * scheduling point; the synchronous ones (thread, start, interrupt, currentThread, newQueue, clock.now, log,
 * fact, shuffle, keys, size) take effect at once, in the calling thread's step.
 */

import type { FactoryFact } from '../../spec/trace/events.ts';
import type {
  BlockingQueue,
  Clock,
  HostRuntime,
  LogicalThread,
  Logger,
  Selector,
  ServerSocketChannel,
  ServerSocketOptions,
} from '../../spec/runtime.ts';
import type { SimContext } from './context.ts';
import type { OpResult } from './ops.ts';
import { alwaysReady, immediate, noDeadline, wait } from './ops.ts';
import { shuffleWith } from './prng.ts';
import { SimQueue } from './sim-queue.ts';
import { SimSelector } from './sim-selector.ts';
import { SimServerSocketChannel } from './sim-server-socket-channel.ts';
import { SimThread } from './sim-thread.ts';
import { wholeMs } from './virtual-clock.ts';

export class SimRuntime implements HostRuntime {
  readonly kind = 'sim';
  /** The simulation always records: its trace is what the invariants judge. */
  readonly tracing = true;
  readonly clock: Clock;
  readonly log: Logger;

  constructor(private readonly ctx: SimContext) {
    this.clock = { now: () => ctx.clock.now(), sleep: (ms) => this.sleep(ms) };
    this.log = {
      log: (level, message) => ctx.emit({ ev: 'log', level, msg: message || '(empty message)' }),
    };
  }

  thread(name: string, body: () => Promise<void>): LogicalThread {
    return new SimThread(this.ctx, name, body);
  }

  currentThread(): string {
    return this.ctx.sched.currentName();
  }

  openSelector(): Promise<Selector> {
    return this.ctx.sched.call(() => immediate('openSelector', () => new SimSelector(this.ctx, this.ctx.nextId('sel'))));
  }

  /** With `options.tls` the channels run the abstract handshake of sim-tls.ts; the key material is not used. */
  openServerSocket(options: ServerSocketOptions = {}): Promise<ServerSocketChannel> {
    return this.ctx.sched.call(() =>
      immediate('openServerSocket', () => new SimServerSocketChannel(this.ctx, this.ctx.nextId('ss'), options.tls !== undefined)),
    );
  }

  newQueue<T>(name: string, capacity?: number): BlockingQueue<T> {
    return new SimQueue<T>(this.ctx, name, capacity);
  }

  fact(fact: FactoryFact): void {
    this.ctx.emit(fact);
  }

  shuffle<T>(items: T[]): T[] {
    return shuffleWith(this.ctx.random, items);
  }

  /** Interruptible: begin (sleep event, a pending interrupt), then wait until the virtual deadline. */
  private sleep(ms: number): Promise<void> {
    const ctx = this.ctx;
    const delay = wholeMs(ms);
    return ctx.sched.call((caller) => ({
      label: `sleep ${delay}`,
      ready: alwaysReady,
      deadline: noDeadline,
      exec: (): OpResult<void> => {
        ctx.emit({ ev: 'sleep', ms: delay });
        ctx.checkInterrupt(caller);
        const deadline = ctx.clock.now() + delay;
        return { next: wait({ label: `sleep until t=${deadline}`, interruptible: true, until: () => false, deadline, finish: () => undefined }) };
      },
    }));
  }
}
