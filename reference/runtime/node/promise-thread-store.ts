/**
 * Which logical thread is running, carried along promise chains by V8's promise hooks: the cheap alternative to
 * AsyncLocalStorage that the node runtime uses while tracing is off.
 *
 * Why: on Node 20 an AsyncLocalStorage makes every promise of the process run the async_hooks machinery (an async
 * id, the init hooks, the resource stack); serving pings that was 15-18% of the server's CPU, with more in GC
 * (docs/benchmarks.md, "Where the time goes"). With tracing off the runtime needs the current thread only for
 * interrupts (a blocking call parks on, or checks, its own thread's status) and for log lines, so three tiny hooks
 * do: a promise made while a thread runs remembers it, and a reaction (a `.then` callback, the continuation after
 * an `await`) runs as the thread its promise remembers. With tracing on the runtime keeps AsyncLocalStorage, whose
 * propagation also covers timers and socket callbacks, so that every traced event names its thread.
 *
 * Only promises carry the thread here: a timer or socket callback runs as no thread (`main`), which is right for
 * the runtime's own callbacks, which only settle promises. Stores of several runtimes share the hooks; each sees
 * only its own threads.
 *
 * These hooks are still not free: while any promise hook is installed, V8 makes a throwaway promise for every
 * `await` and calls the hooks for every promise, about a quarter of the server's CPU per ping even with empty hooks
 * (bench/report/where-the-time-goes.md). They stay because nothing else on Node 20 follows a thread across its
 * awaits, and an interrupt must reach the thread parked in a blocking call; the hot paths instead make as few
 * promises as they can (bench/promises-per-request.ts counts them).
 */
import { promiseHooks } from 'node:v8';

/** The part of AsyncLocalStorage the runtime uses. */
export interface ThreadStore<T> {
  run<R>(value: T, body: () => R): R;
  getStore(): T | undefined;
}

const SLOT = Symbol('cnxnspec.thread');

interface Running {
  readonly store: PromiseThreadStore<unknown>;
  readonly value: unknown;
}

type Carrier = Promise<unknown> & { [SLOT]?: Running };

/** What runs now, across every store; undefined outside any thread. */
let current: Running | undefined;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  promiseHooks.createHook({
    init(promise) {
      if (current !== undefined) (promise as Carrier)[SLOT] = current;
    },
    // Reactions never nest (each runs from the microtask queue at the top of the stack), so `after` can simply
    // return to "no thread"; a run() inside a reaction restores what it replaced itself.
    before(promise) {
      current = (promise as Carrier)[SLOT];
    },
    after() {
      current = undefined;
    },
  });
}

export class PromiseThreadStore<T> implements ThreadStore<T> {
  constructor() {
    install();
  }

  run<R>(value: T, body: () => R): R {
    const saved = current;
    current = { store: this, value };
    try {
      return body();
    } finally {
      current = saved;
    }
  }

  getStore(): T | undefined {
    const running = current;
    return running !== undefined && running.store === this ? (running.value as T) : undefined;
  }
}
