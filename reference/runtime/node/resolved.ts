/**
 * Already-settled promises for runtime calls that complete at once, shared instead of made per call.
 *
 * Every runtime call returns a promise (the simulation may suspend the caller there), but on the node runtime
 * most complete synchronously. An `async` method makes a new promise per call, and while AsyncLocalStorage is on
 * every promise also runs the async_hooks promise hooks; under load that was about a fifth of the server's CPU
 * (docs/benchmarks.md, "Where the time goes"). Returning one of these shared promises costs neither. Awaiting a
 * settled promise resumes the caller one microtask later, exactly as awaiting an async method that returned does.
 */

export const RESOLVED_VOID: Promise<void> = Promise.resolve();
export const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

export function resolvedBoolean(value: boolean): Promise<boolean> {
  return value ? RESOLVED_TRUE : RESOLVED_FALSE;
}

/** Byte counts of small reads and writes (-1 .. 4096, most of them), shared; larger ones are made per call. */
const SMALL_COUNTS: Promise<number>[] = [];
const SMALLEST = -1;
const LARGEST = 4096;

export function resolvedCount(n: number): Promise<number> {
  if (n < SMALLEST || n > LARGEST) return Promise.resolve(n);
  const at = n - SMALLEST;
  return (SMALL_COUNTS[at] ??= Promise.resolve(n));
}
