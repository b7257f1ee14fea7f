/**
 * A runtime call as the scheduler sees it: an operation parked at its thread's gate. When the scheduler picks
 * the thread, `exec` runs atomically and emits the call's trace event; its value resumes the thread, or `next`
 * keeps the thread parked on a second phase (a select or take that began and now waits).
 */

/** The logical thread making a call, as far as an operation needs to know it. */
export interface Caller {
  readonly name: string;
  /** Java's interrupt status: set by an interrupt that found no wait to end; the next blocking call throws. */
  interruptPending: boolean;
}

export type OpResult<T> = { readonly value: T } | { readonly next: Op<T> };

export interface Op<T = unknown> {
  /** What the thread is doing or waiting for, for diagnostics: `select sel0`, `take acceptedQueue@...`. */
  readonly label: string;
  /** The waiting phase of select, take and sleep: an interrupt ends it with InterruptedError. */
  readonly interruptible?: boolean;
  /** True when a step now would complete or advance the call. A wait that became ready stays settled. */
  ready(now: number): boolean;
  /** Virtual time at which the call becomes ready by time alone. */
  deadline(): number | undefined;
  exec(): OpResult<T>;
  /** Undoes the wait's registrations when an interrupt ends it. */
  abort?(): void;
}

/**
 * `ready` and `deadline` of a call that can always take its step, shared: an operation is made for every runtime
 * call, and two closures of its own each time were a good part of a run's garbage.
 */
export const alwaysReady = (): boolean => true;
export const noDeadline = (): undefined => undefined;

/** A call that can always take its step: everything that does not block. */
export function immediate<T>(label: string, run: () => T): Op<T> {
  return { label, ready: alwaysReady, deadline: noDeadline, exec: () => ({ value: run() }) };
}

export interface WaitSpec<T> {
  readonly label: string;
  readonly until: () => boolean;
  readonly deadline?: number;
  readonly interruptible?: boolean;
  readonly finish: () => T;
  readonly abort?: () => void;
}

/** A wait that settles once `until` holds or the deadline passes, and then stays settled (as a resolved park). */
export function wait<T>(spec: WaitSpec<T>): Op<T> {
  const { deadline } = spec;
  let settled = false;
  return {
    label: spec.label,
    interruptible: spec.interruptible === true,
    ready(now) {
      if (!settled && (spec.until() || (deadline !== undefined && now >= deadline))) settled = true;
      return settled;
    },
    deadline: () => deadline,
    exec: () => ({ value: spec.finish() }),
    abort: spec.abort,
  };
}
