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

type Abort = (error: InterruptedError) => void;

export class ThreadContext {
  private interruptPending = false;
  /**
   * The blocking calls parked now (one, nearly always). An array, not a Set: deleting from a long-lived Set makes V8
   * allocate its shrunk table in old space, a few hundred bytes of old-space garbage per park (docs/benchmarks.md).
   */
  private parked: Abort[] = [];

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
    for (const abort of aborts) abort(new InterruptedError(this.name));
  }

  /** Throws InterruptedError (and clears the status) when an interrupt is pending. Call after the begin event. */
  checkInterrupt(): void {
    if (!this.interruptPending) return;
    this.interruptPending = false;
    this.onInterrupted(this.name);
    throw new InterruptedError(this.name);
  }

  /**
   * Parks until `arm`'s resolve is called. `arm` sets up the wake-up source and returns how to tear it down;
   * the teardown runs only on interrupt (on a normal wake-up the source has already fired).
   */
  park<T>(arm: (resolve: (value: T) => void) => () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let disarm: (() => void) | undefined;
      const abort: Abort = (error) => {
        disarm?.();
        reject(error);
      };
      this.parked.push(abort);
      disarm = arm((value) => {
        this.unpark(abort);
        resolve(value);
      });
    });
  }

  /** Forgets a parked call that woke normally, keeping the order of the others (no new array). */
  private unpark(abort: Abort): void {
    const parked = this.parked;
    const at = parked.indexOf(abort);
    if (at < 0) return;
    for (let i = at + 1; i < parked.length; i++) parked[i - 1] = parked[i] as Abort;
    parked.pop();
  }
}
