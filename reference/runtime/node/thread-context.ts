/**
 * What the runtime knows about the logical thread making a call: its name (for the trace) and its interrupt
 * status (for blocking calls). One per LogicalThread, plus one for `main`, found through AsyncLocalStorage.
 *
 * Every blocking call (select, take, sleep) parks through `park`, so interrupts work the same way for all of
 * them: an interrupt while parked rejects the park; an interrupt while not parked is remembered (Java's
 * interrupt status) and the next blocking call fails at once through `checkInterrupt`.
 * Either way the runtime emits `interrupted`, stamped with the interrupted thread, as the end of that wait.
 */

import { InterruptedError } from '../../../spec/errors.ts';

/**
 * One parked blocking call. Its wake-up source calls `wake`; an interrupt calls `abort`, which undoes the arming
 * first. An object with methods rather than closures made per call: a take parks on nearly every request under
 * load, and each closure was an allocation (and, under tsx, a property definition for its name).
 */
/** What a thread keeps of each call parked on it. */
interface Abortable {
  abort(error: InterruptedError): void;
}

export class Parked<T> implements Abortable {
  resolve!: (value: T) => void;
  reject!: (error: InterruptedError) => void;

  constructor(
    private readonly thread: ThreadContext,
    private readonly disarm: ((parked: Parked<T>) => void) | undefined,
  ) {}

  /** The normal wake-up: the call returns `value`. */
  wake(value: T): void {
    this.thread.unpark(this);
    this.resolve(value);
  }

  /** The interrupt: the wake-up source is disarmed and the call throws. */
  abort(error: InterruptedError): void {
    this.disarm?.(this);
    this.reject(error);
  }
}

export class ThreadContext {
  private interruptPending = false;
  /**
   * The blocking calls parked now (one, nearly always). An array, not a Set: deleting from a long-lived Set makes V8
   * allocate its shrunk table in old space, a few hundred bytes of old-space garbage per park (docs/benchmarks.md).
   */
  private parked: Abortable[] = [];

  constructor(
    readonly name: string,
    /** Called when an interrupt is delivered, to trace it; runs on the interrupting thread's stack. */
    private readonly onInterrupted: (name: string) => void,
  ) {}

  /** Delivers an interrupt to the current blocking call, or remembers it for the next one. */
  interrupt(): void {
    if (this.parked.length === 0) {
      this.interruptPending = true;
      return;
    }
    const aborts = this.parked;
    this.parked = [];
    this.onInterrupted(this.name);
    // Like Java, a delivered interrupt clears the status: the thread is told once.
    for (const parked of aborts) parked.abort(new InterruptedError(this.name));
  }

  /** Throws InterruptedError (and clears the status) when an interrupt is pending. Call after the begin event. */
  checkInterrupt(): void {
    if (!this.interruptPending) return;
    this.interruptPending = false;
    this.onInterrupted(this.name);
    throw new InterruptedError(this.name);
  }

  /**
   * Parks until the wake-up source `arm` sets up calls `wake` on the Parked it is given; `disarm` tears that source
   * down, and runs only on interrupt (on a normal wake-up the source has already fired).
   */
  park<T>(arm: (parked: Parked<T>) => void, disarm?: (parked: Parked<T>) => void): Promise<T> {
    const parked = new Parked<T>(this, disarm);
    const promise = new Promise<T>((resolve, reject) => {
      parked.resolve = resolve;
      parked.reject = reject;
    });
    this.parked.push(parked);
    arm(parked);
    return promise;
  }

  /** Forgets a parked call that woke normally, keeping the order of the others (no new array). */
  unpark(parked: Abortable): void {
    const all = this.parked;
    const at = all.indexOf(parked);
    if (at < 0) return;
    for (let i = at + 1; i < all.length; i++) all[i - 1] = all[i] as Abortable;
    all.pop();
  }
}
