/**
 * NioContext: the narrow view of the factory that its threads and connections get. Each role receives this
 * instead of reaching into the factory's fields, so what a role may touch is written down here.
 */
import type { HostRuntime, SelectionKey, SocketChannel } from '../../spec/runtime.ts';
import type { RequestHandler } from '../../spec/server-cnxn-factory.ts';
import type { ConnectionRegistry } from './connection-registry.ts';
import type { IOWorkRequest } from './io-work-request.ts';
import type { NIOServerCnxn } from './nio-server-cnxn.ts';
import type { NioSettings } from './nio-settings.ts';
import type { SelectorThread } from './selector-thread.ts';
import type { WorkerService } from './worker-service.ts';

export interface NioContext {
  readonly runtime: HostRuntime;
  readonly settings: NioSettings;
  readonly registry: ConnectionRegistry<NIOServerCnxn>;
  /** Per-address limit from configure; 0 or less means none. */
  readonly maxClientCnxns: number;
  isStopped(): boolean;
  /** The factory's stop(); threads call it when they exit, as ZooKeeper's do. */
  stop(): Promise<void>;
  /** The server behind the factory, once startup() has attached one. */
  handler(): RequestHandler | undefined;
  /** The worker pool; it exists from start() on. */
  workerPool(): WorkerService;
  /** Builds the connection object for a channel just registered on `owner`'s selector. */
  createConnection(channel: SocketChannel, key: SelectionKey, owner: SelectorThread): NIOServerCnxn;
  /** Builds the IO work request for one IO pass of `cnxn`, whose key `owner` found ready. */
  createWorkRequest(owner: SelectorThread, key: SelectionKey, cnxn: NIOServerCnxn): IOWorkRequest;
}
