/**
 * createNodeRuntime: the host runtime contract (spec/runtime.ts) over node:net, with real time.
 * This and the simulation are the only places where real sockets or real time are touched.
 */

import type { FactoryFact, TraceEvent } from '../../../spec/trace/events.ts';
import type { BlockingQueue, HostRuntime, LogicalThread, Selector, ServerSocketChannel, ServerSocketOptions } from '../../../spec/runtime.ts';
import { NodeBlockingQueue } from './blocking-queue.ts';
import { NodeClock } from './clock.ts';
import { NodeLogicalThread } from './logical-thread.ts';
import { defaultSink, NodeLogger } from './logger.ts';
import { RuntimeContext, type NodeRuntimeOptions } from './runtime-context.ts';
import { NodeSelector } from './selector.ts';
import { NodeServerSocketChannel, plainTcpServer, type ServerMaker } from './server-socket-channel.ts';
import { serverTls } from './server-tls.ts';

export type { NodeRuntimeOptions } from './runtime-context.ts';

export interface NodeHostRuntime extends HostRuntime {
  readonly kind: 'node';
  /** Events kept in memory (option `trace: true`); empty otherwise. */
  traceEvents(): readonly TraceEvent[];
  /** Runs `body` as the named logical thread without starting one (harnesses run their body as `main`). */
  runAs<T>(name: string, body: () => Promise<T>): Promise<T>;
  /** A listening socket made by `makeServer` (e.g. over tls.createServer) instead of plain TCP. */
  openServerSocketWith(makeServer: ServerMaker): Promise<ServerSocketChannel>;
  /** Flushes and, if the runtime opened it, closes the trace file. */
  closeTrace(): Promise<void>;
  /**
   * Cleanup for tests and harnesses: destroys every socket and listening socket still open, closes selectors and
   * interrupts live threads. Releases are not traced (the factory did not ask for them); interrupts are.
   */
  dispose(): Promise<void>;
}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): NodeHostRuntime {
  const rt = new RuntimeContext(options);
  const live = new Set<NodeLogicalThread>();
  const clock = new NodeClock(rt);
  const log = new NodeLogger(rt, options.logger ?? defaultSink(options.verbose === true, () => rt.thread().name));

  return {
    kind: 'node',
    get tracing() {
      return rt.tracing;
    },
    clock,
    log,
    thread(name: string, body: () => Promise<void>): LogicalThread {
      return new NodeLogicalThread(rt, name, body, live);
    },
    currentThread: () => rt.thread().name,
    async openSelector(): Promise<Selector> {
      const selector = new NodeSelector(rt, rt.nextId('sel'));
      rt.open.add(selector);
      return selector;
    },
    async openServerSocket(options: ServerSocketOptions = {}): Promise<ServerSocketChannel> {
      // The secure context is built first, so refused material fails here and opens nothing.
      const tls = options.tls === undefined ? undefined : serverTls(options.tls);
      return new NodeServerSocketChannel(rt, rt.nextId('ss'), plainTcpServer, tls);
    },
    async openServerSocketWith(makeServer: ServerMaker): Promise<ServerSocketChannel> {
      return new NodeServerSocketChannel(rt, rt.nextId('ss'), makeServer);
    },
    newQueue<T>(name: string, capacity?: number): BlockingQueue<T> {
      return new NodeBlockingQueue<T>(rt, name, capacity);
    },
    fact(fact: FactoryFact): void {
      if (rt.tracing) rt.emit(fact);
    },
    shuffle<T>(items: T[]): T[] {
      // Fisher-Yates; real randomness here, seeded only in the simulation.
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        const swap = items[i] as T;
        items[i] = items[j] as T;
        items[j] = swap;
      }
      return items;
    },
    traceEvents: () => rt.events(),
    runAs<T>(name: string, body: () => Promise<T>): Promise<T> {
      const context = name === rt.main.name ? rt.main : rt.newThreadContext(name);
      return rt.store.run(context, body);
    },
    closeTrace: () => rt.tracer.close(),
    async dispose(): Promise<void> {
      for (const resource of [...rt.open]) resource.disposeQuietly();
      rt.open.clear();
      const threads = [...live];
      for (const thread of threads) thread.interrupt();
      // One loop turn lets interrupted threads end (and trace it) before the trace file is closed.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await rt.tracer.close();
    },
  };
}
