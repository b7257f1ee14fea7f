/**
 * NIOServerCnxnFactory: the reference NIO-style factory. It owns the listening socket, the threads and the
 * connection registry, and wires the roles together; each role lives in its own file.
 *
 *     configure: bind (now), open N selectors, create (not start) AcceptThread, SelectorThread-0..N-1, ConnnectionExpirer
 *     start:     create the worker pool (NIOWorker-1..M) once, start each thread once
 *     stop:      stopped = true, close the listener, wake AcceptThread and every SelectorThread, interrupt the
 *                expirer, stop the workers
 *     shutdown:  stop, join, close what is still queued or open (server_shutdown)
 *
 * It runs on any HostRuntime (real sockets or the simulation) and never touches time, sockets or threads except
 * through it. Every role is built through NioRoles (nio-roles.ts); createNioFactory replaces some of them, which
 * is how the mutants in fixtures/mutants/ change one thing and reuse the rest.
 *
 * Implements: configure.bind, configure.port-zero, configure.secure-needs-tls, nio.thread-counts,
 * factory.lifecycle-start-once, factory.lifecycle-stop, lifecycle.open-accept-io-clean.
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import { CnxnspecError } from '../../spec/errors.ts';
import type { HostRuntime, SelectionKey, ServerSocketChannel, SocketAddress, SocketChannel } from '../../spec/runtime.ts';
import type {
  ConnectionInfo,
  FactoryModule,
  RequestHandler,
  ServerCnxnFactory,
} from '../../spec/server-cnxn-factory.ts';
import { AcceptThread } from './accept-thread.ts';
import type { ConnectionExpirer } from './connection-expirer.ts';
import type { ConnectionRegistry } from './connection-registry.ts';
import type { IOWorkRequest } from './io-work-request.ts';
import type { NioContext } from './nio-context.ts';
import type { NIOServerCnxn } from './nio-server-cnxn.ts';
import { resolveNioRoles, type NioRoles } from './nio-roles.ts';
import { resolveNioSettings, type NioFactoryOptions, type NioSettings } from './nio-settings.ts';
import type { SelectorThread } from './selector-thread.ts';
import { describeError as describe } from './describe-error.ts';
import type { WorkerService } from './worker-service.ts';

export const NIO_FACTORY_NAME = 'NIOServerCnxnFactory';

/** The values configure fixes first; the roles built after them read them through NioContext. */
export interface Basics {
  readonly settings: NioSettings;
  readonly maxClientCnxns: number;
  readonly registry: ConnectionRegistry<NIOServerCnxn>;
}

/** What configure builds; absent until configure succeeds. */
export interface Configured extends Basics {
  readonly serverSocket: ServerSocketChannel;
  readonly selectorThreads: readonly SelectorThread[];
  readonly acceptThread: AcceptThread;
  readonly expirer: ConnectionExpirer;
}

/**
 * The NIO-style factory. Implements: configure.bind, configure.port-zero, configure.secure-needs-tls, nio.thread-counts,
 * factory.lifecycle-start-once, factory.lifecycle-stop, lifecycle.open-accept-io-clean.
 */
export class NIOServerCnxnFactory implements ServerCnxnFactory, NioContext {
  readonly name = NIO_FACTORY_NAME;
  private basics: Basics | undefined;
  private state: Configured | undefined;
  protected pool: WorkerService | undefined;
  private requestHandler: RequestHandler | undefined;
  private stopped = false;
  /** Set by the first stop(); a stopped factory is never started again. */
  private stopRequested = false;
  private started = false;

  /** The roles built by this factory: the reference ones, with any that `roles` replaces. */
  protected readonly roles: NioRoles;

  constructor(
    readonly runtime: HostRuntime,
    private readonly options: NioFactoryOptions = {},
    roles: Partial<NioRoles> = {},
  ) {
    this.roles = resolveNioRoles(roles);
  }

  // --- NioContext -------------------------------------------------------------------------------------------

  get settings(): NioSettings {
    return this.fixed().settings;
  }

  get registry(): ConnectionRegistry<NIOServerCnxn> {
    return this.fixed().registry;
  }

  get maxClientCnxns(): number {
    return this.fixed().maxClientCnxns;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  handler(): RequestHandler | undefined {
    return this.requestHandler;
  }

  workerPool(): WorkerService {
    if (this.pool === undefined) throw lifecycleError('the worker pool exists only after start()');
    return this.pool;
  }

  createConnection(channel: SocketChannel, key: SelectionKey, owner: SelectorThread): NIOServerCnxn {
    return this.roles.connection(this, channel, key, owner);
  }

  createWorkRequest(owner: SelectorThread, key: SelectionKey, cnxn: NIOServerCnxn): IOWorkRequest {
    return this.roles.ioWorkRequest(this, owner, key, cnxn);
  }

  // --- ServerCnxnFactory ------------------------------------------------------------------------------------

  /**
   * 1. refuse secure = true (no TLS here) and a second configure;
   * 2. resolve the settings (thread counts, timeouts), refusing numSelectorThreads < 1;
   * 3. create the registry, whose expiry queue fixes its first bucket boundary now, and the expirer;
   * 4. open the selector threads' selectors;
   * 5. open the listening socket, set address reuse, bind with the backlog now (port 0 resolves here);
   * 6. create the accept thread (registering OP_ACCEPT on its own selector); start nothing.
   * On failure everything opened so far is closed again.
   */
  async configure(address: SocketAddress, maxClientCnxns: number, backlog: number, secure: boolean): Promise<void> {
    // 1.
    if (secure) {
      throw new CnxnspecError(
        'CNXNSPEC_ERR_UNSUPPORTED',
        'SSL is not supported by the NIO factory (NIOServerCnxnFactory): serve the secure client port with the ' +
          'Netty-style factory (zookeeper.serverCnxnFactory=NettyServerCnxnFactory), which does TLS',
      );
    }
    if (this.basics !== undefined) throw lifecycleError('configure() was already called on this factory');
    // 2.
    const settings = resolveNioSettings(this.options);
    const { runtime } = this;
    const opened: { close(): Promise<void> }[] = [];
    try {
      // 3.
      const registry = this.roles.registry(runtime, settings.sessionlessCnxnTimeout, this.roles.expiryQueue);
      const basics = { settings, maxClientCnxns, registry };
      this.basics = basics;
      const expirer = this.roles.expirer(this);
      // 4.
      const selectorThreads: SelectorThread[] = [];
      for (let i = 0; i < settings.numSelectorThreads; i++) {
        const selector = await runtime.openSelector();
        opened.push(selector);
        selectorThreads.push(this.roles.selectorThread(this, i, selector));
      }
      // 5.
      const serverSocket = await runtime.openServerSocket();
      opened.push(serverSocket);
      serverSocket.setReuseAddress(true);
      await serverSocket.bind(address, backlog);
      const bound = serverSocket.localAddress();
      if (address.port === 0 && bound !== undefined) {
        runtime.log.log('info', `bound to ephemeral port ${bound.port} (configured port 0)`);
      }
      // 6.
      const acceptThread = await AcceptThread.open(this, serverSocket, selectorThreads, this.roles.acceptThread);
      this.state = { ...basics, serverSocket, selectorThreads, acceptThread, expirer };
      runtime.log.log(
        'info',
        `NIO connection handler configured: ${settings.sessionlessCnxnTimeout / 1000}s sessionless connection timeout, ` +
          `${settings.numSelectorThreads} selector thread(s), ` +
          `${settings.numWorkerThreads > 0 ? settings.numWorkerThreads : 'no'} worker threads`,
      );
      runtime.fact({
        ev: 'configured',
        factory: this.name,
        selectors: selectorThreads.map((st) => st.name),
        workers: settings.numWorkerThreads,
        maxClientCnxns,
        sessionlessTimeout: settings.sessionlessCnxnTimeout,
        expiryInterval: settings.sessionlessCnxnTimeout,
      });
    } catch (err) {
      this.basics = undefined;
      for (const resource of opened.reverse()) {
        try {
          await resource.close();
        } catch (closeErr) {
          runtime.log.log('warn', `configure failed; closing what it opened also failed: ${describe(closeErr)}`);
        }
      }
      throw err;
    }
  }

  /** Starts each thread at most once; creates the worker pool only if absent. A no-op after stop. */
  async start(): Promise<void> {
    const state = this.configured();
    if (this.stopRequested) {
      this.runtime.log.log('warn', `${this.name}: start() after stop() is ignored; a stopped factory cannot restart`);
      return;
    }
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    if (this.pool === undefined) {
      this.pool = this.roles.workerService(this.runtime, 'NIOWorker', state.settings.numWorkerThreads);
      this.pool.start();
    }
    for (const st of state.selectorThreads) if (st.thread.state === 'NEW') st.thread.start();
    if (state.acceptThread.thread.state === 'NEW') state.acceptThread.thread.start();
    if (state.expirer.thread.state === 'NEW') state.expirer.thread.start();
    this.runtime.fact({ ev: 'lifecycle', phase: 'start' });
  }

  /** Attaches the server first, so that no connection exists without one, then starts. */
  async startup(handler: RequestHandler): Promise<void> {
    this.requestHandler = handler;
    await this.start();
  }

  /** Idempotent: the first call does the work; the threads' own calls at exit find it done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.stopRequested || this.state === undefined) return;
    this.stopRequested = true;
    const state = this.state;
    this.runtime.fact({ ev: 'lifecycle', phase: 'stop' });
    try {
      if (state.serverSocket.isOpen()) await state.serverSocket.close();
    } catch (err) {
      this.runtime.log.log('warn', `closing the listening socket failed: ${describe(err)}`);
    }
    await state.acceptThread.wakeupOrClose();
    state.expirer.interrupt();
    for (const st of state.selectorThreads) await st.wakeupOrClose();
    this.pool?.stop();
  }

  /** Resolves once the accept, selector, worker and expirer threads have all ended. */
  async join(): Promise<void> {
    const state = this.state;
    if (state === undefined) return;
    await state.acceptThread.thread.join();
    for (const st of state.selectorThreads) await st.thread.join();
    await this.pool?.join();
    await state.expirer.thread.join();
    this.runtime.fact({ ev: 'lifecycle', phase: 'joined' });
  }

  /** stop, join, then close anything left: queued channels and open connections (server_shutdown). */
  async shutdown(): Promise<void> {
    await this.stop();
    await this.join();
    const state = this.state;
    if (state === undefined) return;
    for (const st of state.selectorThreads) await st.closeQueuedChannels();
    await this.closeAll('server_shutdown');
  }

  localAddress(): SocketAddress | undefined {
    return this.state?.serverSocket.localAddress();
  }

  connections(): readonly ConnectionInfo[] {
    return (this.state?.registry.list() ?? []).map((cnxn) => ({
      id: cnxn.id,
      remote: cnxn.remoteAddress,
      sessionId: cnxn.sessionId(),
      interestOps: cnxn.key.isValid() ? cnxn.key.interestOps() : 0,
    }));
  }

  async closeSession(sessionId: bigint, reason: DisconnectReason): Promise<boolean> {
    const cnxn = this.state?.registry.bySession(sessionId);
    if (cnxn === undefined) return false;
    await cnxn.close(reason);
    return true;
  }

  /** Closes every registered connection with `reason`. */
  async closeAll(reason: DisconnectReason): Promise<void> {
    for (const cnxn of this.state?.registry.list() ?? []) {
      try {
        await cnxn.close(reason);
      } catch (err) {
        this.runtime.log.log('warn', `Ignoring an exception closing ${cnxn.id} (session 0x${cnxn.sessionId().toString(16)}): ${describe(err)}`);
      }
    }
  }

  /** The settings in force (after configure). */
  resolvedSettings(): NioSettings | undefined {
    return this.state?.settings;
  }

  /** Thread names of this factory, in start order (after configure; workers after start). */
  threadNames(): string[] {
    const state = this.state;
    if (state === undefined) return [];
    return [
      ...state.selectorThreads.map((st) => st.name),
      state.acceptThread.name,
      state.expirer.thread.name,
      ...(this.pool?.threadNames() ?? []),
    ];
  }

  private fixed(): Basics {
    if (this.basics === undefined) throw lifecycleError('the factory is not configured: call configure() first');
    return this.basics;
  }

  protected configured(): Configured {
    if (this.state === undefined) throw lifecycleError('the factory is not configured: call configure() first');
    return this.state;
  }
}

function lifecycleError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_LIFECYCLE', message);
}

/** Creates an unconfigured NIO factory on `runtime`. */
export function createFactory(runtime: HostRuntime, options: NioFactoryOptions = {}): ServerCnxnFactory {
  return new NIOServerCnxnFactory(runtime, options);
}

/**
 * Creates an unconfigured NIO factory whose roles are the reference ones except those `roles` replaces (see
 * nio-roles.ts). With no roles it is createFactory. The seam the mutants in fixtures/mutants/ are built on.
 */
export function createNioFactory(runtime: HostRuntime, options: NioFactoryOptions = {}, roles: Partial<NioRoles> = {}): NIOServerCnxnFactory {
  return new NIOServerCnxnFactory(runtime, options, roles);
}

const nioFactoryModule: FactoryModule = { createFactory };
export default nioFactoryModule;
