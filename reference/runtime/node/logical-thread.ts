/**
 * A logical thread: an async function on the one event loop, run inside an AsyncLocalStorage context that carries
 * its name, so every runtime call it makes (however deep, across awaits) is attributed to it.
 *
 * Implements runtime.thread-identity: threadStart and threadEnd carry the thread's own name as `thread`.
 */

import { CnxnspecError } from '../../../spec/errors.ts';
import type { LogicalThread, ThreadState } from '../../../spec/runtime.ts';
import type { RuntimeContext } from './runtime-context.ts';
import type { ThreadContext } from './thread-context.ts';

export class NodeLogicalThread implements LogicalThread {
  private current: ThreadState = 'NEW';
  private ended: Promise<void> | undefined;
  private readonly context: ThreadContext;

  constructor(
    private readonly rt: RuntimeContext,
    readonly name: string,
    private readonly body: () => Promise<void>,
    private readonly live: Set<NodeLogicalThread>,
  ) {
    this.context = rt.newThreadContext(name);
  }

  get state(): ThreadState {
    return this.current;
  }

  start(): void {
    if (this.current !== 'NEW') {
      throw new CnxnspecError(
        'CNXNSPEC_ERR_THREAD_STATE',
        `thread ${this.name} was already started (state ${this.current}); create a new thread to run the body again`,
      );
    }
    this.current = 'RUNNABLE';
    this.live.add(this);
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'threadStart', name: this.name }, this.name);
    // The body runs on a later microtask, as a Java thread runs after start() returns; `.then` is called inside
    // the store's run(), so the body and everything it awaits see this thread's context.
    const running = rt.store.run(this.context, () => Promise.resolve().then(this.body));
    this.ended = running.then(
      () => this.finish(undefined),
      (error: unknown) => this.finish(error),
    );
  }

  join(): Promise<void> {
    return this.ended ?? Promise.resolve();
  }

  interrupt(): void {
    // A NEW thread keeps the status, so a stop that races start() still ends the thread at its first wait.
    if (this.current === 'TERMINATED') return;
    this.context.interrupt();
  }

  /** A throwing body ends its thread and is reported in threadEnd, never as an unhandled rejection. */
  private finish(error: unknown): void {
    this.current = 'TERMINATED';
    this.live.delete(this);
    const rt = this.rt;
    if (!rt.tracing) return;
    if (error === undefined) rt.emit({ ev: 'threadEnd', name: this.name }, this.name);
    else rt.emit({ ev: 'threadEnd', name: this.name, error: describe(error) }, this.name);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name || 'Error';
  return String(error) || 'thrown value';
}
