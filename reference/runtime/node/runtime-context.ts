/**
 * The state one node runtime shares between its parts: the thread context store, the tracer, the clock function,
 * the id counters, the socket limits, and the open resources that `dispose()` must release.
 * Internal: factories see only the HostRuntime surface built over it in node-runtime.ts.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger, SocketAddress } from '../../../spec/runtime.ts';
import type { TraceBody, TraceEvent } from '../../../spec/trace/events.ts';
import { monotonicMs } from './clock.ts';
import { PromiseThreadStore, type ThreadStore } from './promise-thread-store.ts';
import { ThreadContext } from './thread-context.ts';
import { Tracer, type TraceOptions } from './tracer.ts';

export interface NodeRuntimeOptions extends TraceOptions {
  /** Log sink. Default: warn and error to stderr, debug and info dropped unless `verbose`. */
  readonly logger?: Logger;
  readonly verbose?: boolean;
  /** Most bytes a socket may hold unsent in user space; a write takes only what fits under it. Default 64 KiB. */
  readonly writeLimit?: number;
  /** Unread inbound bytes at which reading from the socket pauses, so the kernel window closes. Default 64 KiB. */
  readonly readHighWater?: number;
  /** How long a gracefully closed socket may take to flush before it is destroyed. Default 10 s. */
  readonly closeLingerMs?: number;
  /** Told of every connection a listening socket receives, before it is accepted (test harnesses wait on it). */
  readonly onConnection?: (remote: SocketAddress, local: SocketAddress) => void;
}

export interface SocketLimits {
  readonly writeLimit: number;
  readonly readHighWater: number;
  readonly closeLingerMs: number;
}

type IdKind = 'sel' | 'k' | 'ch' | 'ss';

/** Something `dispose()` can release without tracing it. */
export interface Disposable {
  disposeQuietly(): void;
}

export class RuntimeContext {
  /** The current logical thread: AsyncLocalStorage while tracing, promise hooks otherwise (promise-thread-store.ts). */
  readonly store: ThreadStore<ThreadContext>;
  readonly now: () => number = monotonicMs();
  readonly tracer: Tracer;
  /** The one boolean every emitting call site checks first. */
  readonly tracing: boolean;
  readonly main: ThreadContext;
  readonly limits: SocketLimits;
  readonly onConnection: NodeRuntimeOptions['onConnection'];
  /** Open sockets, listening sockets and selectors, for dispose(). */
  readonly open = new Set<Disposable>();
  private readonly counters: Record<IdKind, number> = { sel: 0, k: 0, ch: 0, ss: 0 };

  constructor(options: NodeRuntimeOptions) {
    this.tracer = new Tracer(this.now, options);
    this.tracing = this.tracer.on;
    this.store = this.tracing ? new AsyncLocalStorage<ThreadContext>() : new PromiseThreadStore<ThreadContext>();
    this.main = this.newThreadContext('main');
    this.limits = {
      writeLimit: positive(options.writeLimit, 64 * 1024),
      readHighWater: positive(options.readHighWater, 64 * 1024),
      closeLingerMs: positive(options.closeLingerMs, 10_000),
    };
    this.onConnection = options.onConnection;
  }

  newThreadContext(name: string): ThreadContext {
    return new ThreadContext(name, (interrupted) => {
      if (this.tracing) this.emit({ ev: 'interrupted', name: interrupted }, interrupted);
    });
  }

  /** The logical thread making the current call. */
  thread(): ThreadContext {
    return this.store.getStore() ?? this.main;
  }

  /** Stamps and records one event. Callers check `tracing` first so that nothing is built when it is off. */
  emit(body: TraceBody, thread: string = this.thread().name): void {
    this.tracer.emit(thread, body);
  }

  events(): readonly TraceEvent[] {
    return this.tracer.events();
  }

  nextId(kind: IdKind): string {
    return `${kind}${this.counters[kind]++}`;
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
