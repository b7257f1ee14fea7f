/**
 * AcceptThread: takes new connections off the listening socket and hands each to a selector thread.
 *
 *     listening socket --accept()--> AcceptThread --offer--> [acceptedQueue@SelectorThread-<i>] then wakeup(sel i)
 *                                    (i = 0, 1, ..., N-1, 0, ...; refused channels are closed here, reset)
 *
 * It never registers a client channel with a selector: only the selector thread that will own it does.
 * The per-IP count it checks includes channels it has handed off that are not registered yet, so the limit is
 * exact; ZooKeeper counts only registered connections and a burst from one address can overshoot it.
 *
 * Implements: accept.loop, accept.round-robin, accept.per-ip-limit, accept.pause-on-failure, accept.handoff,
 * configure.bind (created, not started, by configure).
 */
import type { SocketCloseReason } from '../../spec/disconnect-reasons.ts';
import { ACCEPT_PAUSE_MS } from '../../spec/knobs.ts';
import { OP_ACCEPT, type LogicalThread, type SelectionKey, type Selector, type ServerSocketChannel, type SocketChannel } from '../../spec/runtime.ts';
import type { NioContext } from './nio-context.ts';
import type { SelectorThread } from './selector-thread.ts';
import { describeError as describe } from './describe-error.ts';

/** The accept thread role. Implements: accept.loop, accept.round-robin, accept.per-ip-limit, accept.pause-on-failure, accept.handoff. */
export class AcceptThread {
  readonly name = 'AcceptThread';
  readonly thread: LogicalThread;
  /** Index of the selector thread that gets the next connection. */
  private next = 0;

  protected constructor(
    protected readonly ctx: NioContext,
    protected readonly serverSocket: ServerSocketChannel,
    protected readonly selector: Selector,
    protected readonly acceptKey: SelectionKey,
    protected readonly selectorThreads: readonly SelectorThread[],
  ) {
    this.thread = ctx.runtime.thread(this.name, () => this.run());
  }

  /**
   * Opens the accept selector and registers the listening socket for OP_ACCEPT; does not start the thread.
   * `create` builds the role on them (the reference AcceptThread unless a variant of the factory says otherwise).
   */
  static async open(
    ctx: NioContext,
    serverSocket: ServerSocketChannel,
    selectorThreads: readonly SelectorThread[],
    create: typeof AcceptThread.create = AcceptThread.create,
  ): Promise<AcceptThread> {
    const selector = await ctx.runtime.openSelector();
    try {
      const key = await serverSocket.register(selector, OP_ACCEPT);
      return create(ctx, serverSocket, selector, key, selectorThreads);
    } catch (err) {
      await selector.close();
      throw err;
    }
  }

  /** On a selector already opened, with the listening socket registered on it as `acceptKey`; not started. */
  static create(
    ctx: NioContext,
    serverSocket: ServerSocketChannel,
    selector: Selector,
    acceptKey: SelectionKey,
    selectorThreads: readonly SelectorThread[],
  ): AcceptThread {
    return new AcceptThread(ctx, serverSocket, selector, acceptKey, selectorThreads);
  }

  /** stop(): wake the running thread; close the selector of one that never ran. */
  async wakeupOrClose(): Promise<void> {
    if (!this.selector.isOpen()) return;
    if (this.thread.state === 'RUNNABLE') await this.selector.wakeup();
    else await this.selector.close();
  }

  protected async run(): Promise<void> {
    const log = this.ctx.runtime.log;
    try {
      while (!this.ctx.isStopped() && this.serverSocket.isOpen() && this.selector.isOpen()) {
        try {
          await this.select();
        } catch (err) {
          log.log('warn', `AcceptThread: ignoring an exception in the accept loop: ${describe(err)}`);
        }
      }
    } finally {
      if (this.selector.isOpen()) await this.selector.close();
      await this.ctx.stop();
    }
  }

  /** One select; the listening key is the only key, so each pass accepts at most one connection. */
  protected async select(): Promise<void> {
    const ready = await this.selector.select();
    for (const key of ready) {
      if (this.ctx.isStopped()) break;
      if (!key.isValid()) continue;
      if ((key.readyOps() & OP_ACCEPT) !== 0) {
        if (!(await this.doAccept())) await this.pauseAccept(ACCEPT_PAUSE_MS);
      } else {
        this.ctx.runtime.log.log('warn', `Unexpected ops in accept select ${key.readyOps()}`);
      }
    }
  }

  /**
   * Returns false only when accept() itself failed (the caller then pauses).
   * 1. accept one connection;
   * 2. refuse it if the factory's total limit (maxCnxns) is reached;
   * 3. refuse it if its address already has maxClientCnxns connections (counting ones still queued);
   * 4. (channels from the runtime are already non-blocking);
   * 5. hand it to the next selector thread in round-robin order; if refused, close it (handoff_failed).
   */
  protected async doAccept(): Promise<boolean> {
    const { runtime, registry, settings, maxClientCnxns } = this.ctx;
    // 1.
    let channel: SocketChannel | null;
    try {
      channel = await this.serverSocket.accept();
    } catch (err) {
      runtime.log.log('warn', `Error accepting new connection: ${describe(err)}`);
      return false;
    }
    if (channel === null) return true;
    const ip = channel.remoteAddress.host;
    // 2.
    if (settings.maxCnxns > 0 && registry.totalCount() >= settings.maxCnxns) {
      await this.refuse(channel, 'refused_max_cnxns', `Too many connections ${registry.totalCount()} - max is ${settings.maxCnxns}`);
      return true;
    }
    // 3.
    if (maxClientCnxns > 0 && registry.ipCount(ip) >= maxClientCnxns) {
      await this.refuse(channel, 'refused_per_ip_limit', `Too many connections from ${ip} - max is ${maxClientCnxns}`);
      return true;
    }
    // 4. Nothing to do: channels from the runtime are always non-blocking.
    // 5.
    const target = this.nextSelector();
    registry.reserve(ip);
    if (!(await target.addAcceptedConnection(channel))) {
      registry.release(ip);
      const why = this.ctx.isStopped() ? ' (shutdown in progress)' : '';
      runtime.log.log('warn', `Error accepting new connection: unable to add ${channel.id} to ${target.acceptedQueue.name}${why}`);
      await this.closeRefused(channel, 'handoff_failed');
    }
    return true;
  }

  /** Round robin: the selector thread whose turn it is, and the turn moves on. */
  protected nextSelector(): SelectorThread {
    const target = this.selectorThreads[this.next] as SelectorThread;
    this.next = (this.next + 1) % this.selectorThreads.length;
    return target;
  }

  private async refuse(channel: SocketChannel, reason: SocketCloseReason, message: string): Promise<void> {
    this.ctx.runtime.fact({ ev: 'cnxnRefused', ch: channel.id, ip: channel.remoteAddress.host, why: reason });
    this.ctx.runtime.log.log('warn', message);
    await this.closeRefused(channel, reason);
  }

  /** Refused channels end with a reset, as ZooKeeper's fastCloseSock does. */
  private async closeRefused(channel: SocketChannel, reason: SocketCloseReason): Promise<void> {
    try {
      await channel.close(reason, { reset: true });
    } catch (err) {
      this.ctx.runtime.log.log('warn', `closing refused ${channel.id} failed: ${describe(err)}`);
    }
  }

  /** After a failed accept(): no accept interest for `ms`, one select with that timeout, then OP_ACCEPT again. */
  /** Protected so that a mutant can get the pause wrong without copying the select loop around it. */
  protected async pauseAccept(ms: number): Promise<void> {
    this.ctx.runtime.fact({ ev: 'acceptPaused', ms });
    try {
      if (this.acceptKey.isValid()) await this.acceptKey.setInterestOps(0);
      await this.selector.select(ms);
    } finally {
      if (this.acceptKey.isValid()) await this.acceptKey.setInterestOps(OP_ACCEPT);
    }
  }
}
