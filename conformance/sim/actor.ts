/**
 * What the scheduler schedules: logical threads (async functions parked at gates) and peers (scripted network
 * clients whose next action is due). Both are picked from one runnable list, in creation order.
 */

import type { Caller, Op } from './ops.ts';

export interface Actor {
  readonly name: string;
  /** Creation order: the runnable list is sorted by it, which is what makes picks deterministic. */
  readonly order: number;
  runnable(now: number): boolean;
  /** Virtual time at which the actor becomes runnable by time alone, if any. */
  deadline(): number | undefined;
  /** What a non-runnable actor waits for, for deadlock reports. */
  waitingOn(): string | undefined;
}

/** An actor whose step is synchronous: a scripted peer, a test peer's background reads. */
export interface StepActor extends Actor {
  readonly kind: 'peer';
  step(): void;
}

export interface Gate<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

export type ThreadStatus = 'new' | 'parked' | 'running' | 'ended';

/** How an interrupt landed: ended a wait now, was remembered for the next blocking call, or found nothing alive. */
export type InterruptDelivery = 'delivered' | 'pending' | 'ignored';

export class ThreadActor implements Actor, Caller {
  readonly kind = 'thread';
  status: ThreadStatus = 'new';
  interruptPending = false;
  /** An interrupt ended the current wait; the next step rejects it. */
  aborted = false;
  op: Op<unknown> | undefined;
  gate: Gate<unknown> | undefined;
  /** For a call made from outside any logical thread: how it ended. */
  outcome: { readonly ok: boolean; readonly value: unknown } | undefined;

  constructor(
    readonly name: string,
    readonly order: number,
    /** A stand-in for code outside the simulation: its one call completes without resuming any JS. */
    readonly external = false,
  ) {}

  runnable(now: number): boolean {
    return this.status === 'parked' && this.op !== undefined && (this.aborted || this.op.ready(now));
  }

  deadline(): number | undefined {
    return this.status === 'parked' && !this.aborted ? this.op?.deadline() : undefined;
  }

  waitingOn(): string | undefined {
    return this.status === 'parked' ? this.op?.label : undefined;
  }

  /** An interrupt ends a wait that has not settled yet; otherwise it is remembered, as Java's interrupt status. */
  interrupt(now: number): InterruptDelivery {
    if (this.status === 'ended') return 'ignored';
    const op = this.op;
    if (this.status === 'parked' && op?.interruptible && !this.aborted && !op.ready(now)) {
      this.aborted = true;
      return 'delivered';
    }
    this.interruptPending = true;
    return 'pending';
  }
}
