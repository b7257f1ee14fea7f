/**
 * NioRoles: the constructors of the NIO factory's roles, in one record. The factory builds every role through
 * it, so a variant of the factory (a mutant in fixtures/mutants/, a test double) can replace one role and reuse
 * the rest. The defaults are the reference roles; replacing none changes nothing.
 *
 *     createNioFactory(runtime, options, { acceptThread: (...) => new MyAcceptThread(...) })
 *
 * Each role receives what it receives from the reference factory, already opened where the reference opens it
 * (a selector thread gets its selector, the accept thread its selector and the listening socket's key).
 */
import type { HostRuntime, SelectionKey, Selector, ServerSocketChannel, SocketChannel } from '../../spec/runtime.ts';
import { AcceptThread } from './accept-thread.ts';
import { ConnectionExpirer } from './connection-expirer.ts';
import { ConnectionRegistry } from './connection-registry.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import { IOWorkRequest } from './io-work-request.ts';
import type { NioContext } from './nio-context.ts';
import { NIOServerCnxn } from './nio-server-cnxn.ts';
import { SelectorThread } from './selector-thread.ts';
import { WorkerService } from './worker-service.ts';

export interface NioRoles {
  /** The bucketed deadlines inside the registry; `now` fixes the first bucket boundary. */
  readonly expiryQueue: (interval: number, now: number) => ExpiryQueue<NIOServerCnxn>;
  /** Connection set, per-address counts, sessions; it builds its expiry queue with `expiryQueue`. */
  readonly registry: (runtime: HostRuntime, expiryInterval: number, expiryQueue: NioRoles['expiryQueue']) => ConnectionRegistry<NIOServerCnxn>;
  readonly expirer: (ctx: NioContext) => ConnectionExpirer;
  readonly selectorThread: (ctx: NioContext, index: number, selector: Selector) => SelectorThread;
  readonly acceptThread: (
    ctx: NioContext,
    serverSocket: ServerSocketChannel,
    selector: Selector,
    acceptKey: SelectionKey,
    selectorThreads: readonly SelectorThread[],
  ) => AcceptThread;
  readonly workerService: (runtime: HostRuntime, name: string, numThreads: number) => WorkerService;
  readonly connection: (ctx: NioContext, channel: SocketChannel, key: SelectionKey, owner: SelectorThread) => NIOServerCnxn;
  readonly ioWorkRequest: (ctx: NioContext, owner: SelectorThread, key: SelectionKey, cnxn: NIOServerCnxn) => IOWorkRequest;
}

/** The reference roles. */
export const defaultNioRoles: NioRoles = {
  expiryQueue: (interval, now) => new ExpiryQueue<NIOServerCnxn>(interval, now),
  registry: (runtime, expiryInterval, expiryQueue) => new ConnectionRegistry<NIOServerCnxn>(runtime, expiryInterval, expiryQueue),
  expirer: (ctx) => new ConnectionExpirer(ctx),
  selectorThread: (ctx, index, selector) => SelectorThread.create(ctx, index, selector),
  acceptThread: (ctx, serverSocket, selector, acceptKey, selectorThreads) =>
    AcceptThread.create(ctx, serverSocket, selector, acceptKey, selectorThreads),
  workerService: (runtime, name, numThreads) => new WorkerService(runtime, name, numThreads),
  connection: (ctx, channel, key, owner) => new NIOServerCnxn(ctx, channel, key, owner),
  ioWorkRequest: (ctx, owner, key, cnxn) => new IOWorkRequest(ctx, owner, key, cnxn),
};

/** The reference roles with `overrides` in place of some. */
export function resolveNioRoles(overrides: Partial<NioRoles> = {}): NioRoles {
  return { ...defaultNioRoles, ...overrides };
}
