/**
 * A logical thread: an async body the scheduler resumes one runtime call at a time. start() traces threadStart
 * (with the thread's own name) and makes the body an actor; it first runs when the strategy picks it.
 * interrupt() ends a wait that has not settled (traced `interrupted`, stamped with the interrupted thread),
 * or is remembered for the next select, take or sleep, as Java's interrupt status (a NEW thread keeps it too).
 *
 * Implements runtime.thread-identity: threadStart and threadEnd carry the thread's own name as `thread`.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import type { LogicalThread, ThreadState } from '../../spec/runtime.ts';
import { ThreadActor } from './actor.ts';
import type { SimContext } from './context.ts';
import { wait } from './ops.ts';

export interface ThreadEnd {
  readonly threw: boolean;
  readonly error: unknown;
}

export class SimThread implements LogicalThread {
  private readonly actor: ThreadActor;
  /** How the body ended, once it has. */
  ended: ThreadEnd | undefined;

  constructor(
    private readonly ctx: SimContext,
    readonly name: string,
    private readonly body: () => Promise<void>,
    /** The harness's `main` is not a started thread: no threadStart or threadEnd, as in the node runtime. */
    private readonly traced = true,
  ) {
    this.actor = new ThreadActor(name, ctx.sched.newOrder());
  }

  get state(): ThreadState {
    if (this.actor.status === 'new') return 'NEW';
    return this.actor.status === 'ended' ? 'TERMINATED' : 'RUNNABLE';
  }

  start(): void {
    if (this.actor.status !== 'new') {
      throw new CnxnspecError(
        'CNXNSPEC_ERR_THREAD_STATE',
        `thread ${this.name} was already started (state ${this.state}); create a new thread to run the body again`,
      );
    }
    const ctx = this.ctx;
    if (this.traced) ctx.emit({ ev: 'threadStart', name: this.name }, this.name);
    ctx.sched.spawn(this.actor, this.body, (threw, error) => {
      this.ended = { threw, error };
      if (!this.traced) return;
      if (threw) ctx.emit({ ev: 'threadEnd', name: this.name, error: describe(error) }, this.name);
      else ctx.emit({ ev: 'threadEnd', name: this.name }, this.name);
    });
  }

  join(): Promise<void> {
    return this.ctx.sched.call(() =>
      wait({ label: `join ${this.name}`, until: () => this.actor.status === 'new' || this.actor.status === 'ended', finish: () => undefined }),
    );
  }

  interrupt(): void {
    if (this.actor.interrupt(this.ctx.clock.now()) === 'delivered') this.ctx.emit({ ev: 'interrupted', name: this.name }, this.name);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name || 'Error';
  return String(error) || 'thrown value';
}
