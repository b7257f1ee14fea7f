/**
 * NettyServerCnxnFactory: the reference Netty-style factory, an event-loop design on the host runtime.
 *
 *     boss loop zkNetty-boss-1:  listening socket (OP_ACCEPT) -> Acceptor -> next worker loop's task queue
 *     worker loops zkNetty-worker-1..N: register the channel, then all its IO, for life
 *     pipeline per channel:      [ssl (secure only)] -> frameDecoder -> servercnxnfactory -> RequestHandler
 *
 *     configure: record address, limits, backlog, secure (nothing is bound: Netty's configure does not bind)
 *     start:     log `binding to port`, bind now (backlog -1 = platform default), take the real address back,
 *                log `bound to port <port>`, open and start the loops, register the listener on the boss
 *     stop:      close the listener (the port is free at once), end every loop; each loop closes its channels
 *     shutdown:  stop, join, drop what is still queued
 *
 * Thread names start with `zkNetty-` as ZooKeeper's do; the rest of each name is ours.
 * It runs on any HostRuntime (real sockets or the simulation) and never touches sockets, threads or time otherwise.
 *
 * Implements: netty.start-bind, netty.tls (secure pipeline), netty.event-loop-affinity, netty.per-ip-limit,
 * factory.lifecycle-start-once, factory.lifecycle-stop.
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import { CnxnspecError } from '../../spec/errors.ts';
import { OP_ACCEPT, type HostRuntime, type ServerSocketChannel, type SocketAddress, type SocketChannel } from '../../spec/runtime.ts';
import type { ConnectionInfo, FactoryModule, RequestHandler, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import { describeError as describe } from '../nio/describe-error.ts';
import { Acceptor } from './acceptor.ts';
import { ChannelPipeline, type ChannelHandler } from './channel-pipeline.ts';
import { CnxnChannelHandler } from './cnxn-channel-handler.ts';
import { EventLoop } from './event-loop.ts';
import { EventLoopGroup } from './event-loop-group.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { NettyChannel } from './netty-channel.ts';
import type { NettyContext } from './netty-context.ts';
import { NettyRegistry } from './netty-registry.ts';
import { resolveNettySettings, type NettyFactoryOptions, type NettySettings } from './netty-settings.ts';
import { TlsHandler } from './tls-handler.ts';

export const NETTY_FACTORY_NAME = 'NettyServerCnxnFactory';
export const BOSS_LOOP_NAME = 'zkNetty-boss-1';
export const WORKER_LOOP_PREFIX = 'zkNetty-worker';

interface Configured {
  readonly settings: NettySettings;
  readonly address: SocketAddress;
  readonly maxClientCnxns: number;
  readonly backlog: number;
  readonly secure: boolean;
}

interface Running {
  readonly serverSocket: ServerSocketChannel;
  readonly boss: EventLoop;
  readonly workers: EventLoopGroup;
}

function lifecycleError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_LIFECYCLE', message);
}

function formatAddress(address: SocketAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export class NettyServerCnxnFactory implements ServerCnxnFactory, NettyContext {
  readonly name = NETTY_FACTORY_NAME;
  readonly registry = new NettyRegistry();
  private config: Configured | undefined;
  private running: Running | undefined;
  private local: SocketAddress | undefined;
  private requestHandler: RequestHandler | undefined;
  private started = false;
  private stopped = false;

  constructor(
    readonly runtime: HostRuntime,
    private readonly options: NettyFactoryOptions = {},
  ) {}

  // --- NettyContext ----------------------------------------------------------------------------------------

  get settings(): NettySettings {
    return this.configured().settings;
  }

  get maxClientCnxns(): number {
    return this.configured().maxClientCnxns;
  }

  get secure(): boolean {
    return this.configured().secure;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  handler(): RequestHandler | undefined {
    return this.requestHandler;
  }

  // --- ServerCnxnFactory -----------------------------------------------------------------------------------

  /** Records the address and limits; refuses secure without TLS material, and a second configure. Binds nothing. */
  async configure(address: SocketAddress, maxClientCnxns: number, backlog: number, secure: boolean): Promise<void> {
    if (this.config !== undefined) throw lifecycleError('configure() was already called on this factory');
    const settings = resolveNettySettings(this.options);
    if (secure && settings.tls === undefined) {
      throw new CnxnspecError(
        'CNXNSPEC_ERR_CONFIG',
        'the secure client port needs TLS key material: set ssl.keyStore.location (and ssl.keyStore.password if the key is ' +
          'encrypted), or pass `tls` in the factory options',
      );
    }
    this.config = { settings, address, maxClientCnxns, backlog, secure };
    this.local = address;
    this.runtime.log.log(
      'info',
      `Netty-style connection handler configured: ${settings.eventLoopThreads} event loop(s), ` +
        `${settings.idleTimeout > 0 ? `${settings.idleTimeout / 1000}s idle timeout before a ConnectRequest` : 'no idle timeout'}` +
        `${secure ? ', TLS' : ''}`,
    );
    this.runtime.fact({
      ev: 'configured',
      factory: this.name,
      selectors: Array.from({ length: settings.eventLoopThreads }, (_, i) => `${WORKER_LOOP_PREFIX}-${i + 1}`),
      workers: 0,
      maxClientCnxns,
      sessionlessTimeout: settings.idleTimeout,
      // No bucketed expirer: the idle timer is per channel, on its loop.
      expiryInterval: 0,
    });
  }

  /**
   * 1. log `binding to port <address>`; 2. open the listening socket (TLS when secure) and bind it now, with the
   * backlog (-1: the platform default); 3. take the bound address (port 0 resolved) and log `bound to port <port>`;
   * 4. open and start the boss and worker loops; 5. register the listener on the boss loop, from the boss loop.
   * A second call does nothing; a call after stop is ignored with a warning.
   */
  async start(): Promise<void> {
    const config = this.configured();
    if (this.stopped) {
      this.runtime.log.log('warn', `${this.name}: start() after stop() is ignored; a stopped factory cannot restart`);
      return;
    }
    if (this.started) return;
    this.started = true;
    const { runtime } = this;
    // 1.
    runtime.log.log('info', `binding to port ${formatAddress(config.address)}`);
    // 2.
    const serverSocket = await runtime.openServerSocket(config.secure ? { tls: config.settings.tls! } : {});
    try {
      serverSocket.setReuseAddress(true);
      await serverSocket.bind(config.address, config.backlog);
    } catch (err) {
      this.started = false;
      await serverSocket.close();
      throw err;
    }
    // 3.
    this.local = serverSocket.localAddress() ?? config.address;
    runtime.log.log('info', `bound to port ${this.local.port}`);
    // 4.
    const boss = await EventLoop.open(runtime, BOSS_LOOP_NAME);
    const workers = await EventLoopGroup.open(runtime, WORKER_LOOP_PREFIX, config.settings.eventLoopThreads, config.settings.idleTimeout);
    this.running = { serverSocket, boss, workers };
    for (const loop of [boss, ...workers.loops]) loop.thread.start();
    // 5.
    const acceptor = new Acceptor(boss, serverSocket, workers, (socket, loop) => this.initChannel(socket, loop));
    await boss.execute({ id: `register:${serverSocket.id}`, run: async () => void (await serverSocket.register(boss.selector, OP_ACCEPT, acceptor)) });
    runtime.fact({ ev: 'lifecycle', phase: 'start' });
  }

  async startup(handler: RequestHandler): Promise<void> {
    this.requestHandler = handler;
    await this.start();
  }

  /** Closes the listener (freeing the port), then asks every loop to end; each closes its own channels. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const running = this.running;
    if (running === undefined) return;
    this.runtime.fact({ ev: 'lifecycle', phase: 'stop' });
    try {
      if (running.serverSocket.isOpen()) await running.serverSocket.close();
    } catch (err) {
      this.runtime.log.log('warn', `closing the listening socket failed: ${describe(err)}`);
    }
    await running.boss.shutdown();
    for (const loop of running.workers.loops) await loop.shutdown();
  }

  async join(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    await running.boss.thread.join();
    for (const loop of running.workers.loops) await loop.thread.join();
    this.runtime.fact({ ev: 'lifecycle', phase: 'joined' });
  }

  /** stop, join, then drop tasks that were queued after their loop's last pass (their channels are closed). */
  async shutdown(): Promise<void> {
    await this.stop();
    await this.join();
    const running = this.running;
    if (running === undefined) return;
    for (const loop of [running.boss, ...running.workers.loops]) await loop.abandonTasks();
  }

  /** The configured address until start, then the bound one (the real port when 0 was asked for). */
  localAddress(): SocketAddress | undefined {
    return this.local;
  }

  connections(): readonly ConnectionInfo[] {
    return this.registry.list().map((cnxn) => ({
      id: cnxn.id,
      remote: cnxn.remoteAddress,
      sessionId: cnxn.sessionId(),
      interestOps: cnxn.channel.interestOps(),
    }));
  }

  async closeSession(sessionId: bigint, reason: DisconnectReason): Promise<boolean> {
    const cnxn = this.registry.bySession(sessionId);
    if (cnxn === undefined) return false;
    await cnxn.close(reason);
    return true;
  }

  /** Thread names, boss first (after start). */
  threadNames(): string[] {
    const running = this.running;
    return running === undefined ? [] : [running.boss.name, ...running.workers.names()];
  }

  /** The worker loops (after start), for tests. */
  workerLoops(): readonly EventLoop[] {
    return this.running?.workers.loops ?? [];
  }

  /** The pipeline stages of a channel: `ssl` first when secure. A variant of the factory may change them. */
  protected pipelineFor(): ChannelHandler[] {
    const settings = this.settings;
    const stages: ChannelHandler[] = [new FrameDecoder(settings.juteMaxBuffer), new CnxnChannelHandler(this)];
    return this.secure ? [new TlsHandler(), ...stages] : stages;
  }

  /** On the channel's loop: build the channel and its pipeline, register it, fire active. */
  protected async initChannel(socket: SocketChannel, loop: EventLoop): Promise<void> {
    if (this.stopped) {
      await socket.close('not_registered_at_stop', { reset: true });
      return;
    }
    const channel = new NettyChannel(socket, loop);
    channel.pipeline = new ChannelPipeline(channel, this.pipelineFor());
    try {
      await channel.register();
    } catch (err) {
      this.runtime.log.log('warn', `${loop.name}: could not register ${socket.id}: ${describe(err)}`);
      if (channel.key === undefined) await socket.close('register_failed', { reset: true });
      else await channel.closeNow('channel_closed_exception');
    }
  }

  private configured(): Configured {
    if (this.config === undefined) throw lifecycleError('the factory is not configured: call configure() first');
    return this.config;
  }
}

/** Creates an unconfigured Netty-style factory on `runtime`. */
export function createFactory(runtime: HostRuntime, options: NettyFactoryOptions = {}): ServerCnxnFactory {
  return new NettyServerCnxnFactory(runtime, options);
}

const nettyFactoryModule: FactoryModule = { createFactory };
export default nettyFactoryModule;

/** The profile `cnxnspec test` judges this module against (conformance/harness/profile.ts): an event-loop design. */
export const profile = 'netty';
