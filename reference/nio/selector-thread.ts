/**
 * SelectorThread-<i>: owns one selector and every connection registered on it, for the connection's life.
 *
 *     AcceptThread --addAcceptedConnection()--> [acceptedQueue@SelectorThread-i] --+
 *     workers, handler threads, throttling                                         +--> SelectorThread-i
 *         --addInterestOpsUpdateRequest()--> [updateQueue@SelectorThread-i] -------+      (select, then drain both)
 *     SelectorThread-i --handleIO()--> WorkerService (or inline with 0 workers)
 *
 * Every offer to either queue is followed by a wakeup of this selector by the offering thread, and this thread
 * only ever blocks in select, so nothing waits in a queue while it sleeps. Only this thread registers channels
 * with its selector or sets interest ops on its keys.
 *
 * Implements: selector.loop, selector.register-on-owner, selector.shuffle, selector.invalid-key,
 * selector.handoff-io, selector.interest-via-update-queue, selector.wakeup-after-offer,
 * selector.level-triggered, io.zero-workers (via WorkerService), accept.handoff (the receiving side).
 */
import { OP_READ, OP_WRITE, type BlockingQueue, type LogicalThread, type Selector, type SelectionKey, type SocketChannel } from '../../spec/runtime.ts';
import type { NioContext } from './nio-context.ts';
import { NIOServerCnxn } from './nio-server-cnxn.ts';
import { describeError as describe } from './describe-error.ts';

/**
 * The selector thread role. Implements: selector.loop, selector.register-on-owner, selector.shuffle, selector.invalid-key,
 * selector.handoff-io, selector.interest-via-update-queue, selector.wakeup-after-offer, selector.level-triggered.
 */
const NOTHING_TO_WAKE: Promise<void> = Promise.resolve();

export class SelectorThread {
  readonly name: string;
  readonly thread: LogicalThread;
  readonly acceptedQueue: BlockingQueue<SocketChannel>;
  readonly updateQueue: BlockingQueue<SelectionKey>;

  protected constructor(
    protected readonly ctx: NioContext,
    readonly index: number,
    readonly selector: Selector,
  ) {
    this.name = `SelectorThread-${index}`;
    this.acceptedQueue = ctx.runtime.newQueue<SocketChannel>(`acceptedQueue@${this.name}`);
    this.updateQueue = ctx.runtime.newQueue<SelectionKey>(`updateQueue@${this.name}`);
    this.thread = ctx.runtime.thread(this.name, () => this.run());
  }

  /** Opens the selector; the thread is created, not started. */
  static async open(ctx: NioContext, index: number): Promise<SelectorThread> {
    return SelectorThread.create(ctx, index, await ctx.runtime.openSelector());
  }

  /** On a selector already opened; the thread is created, not started. */
  static create(ctx: NioContext, index: number, selector: Selector): SelectorThread {
    return new SelectorThread(ctx, index, selector);
  }

  /** Called by the accept thread: queue the channel, then wake this selector. False if stopped or refused. */
  async addAcceptedConnection(channel: SocketChannel): Promise<boolean> {
    if (this.ctx.isStopped()) return false;
    if (!(await this.acceptedQueue.offer(channel))) return false;
    await this.wakeup();
    return true;
  }

  /** Called by any thread: queue the key for an interest-ops restore, then wake this selector. */
  async addInterestOpsUpdateRequest(key: SelectionKey): Promise<boolean> {
    if (this.ctx.isStopped()) return false;
    if (!(await this.updateQueue.offer(key))) return false;
    await this.wakeup();
    return true;
  }

  /** stop(): wake the running thread so it sees `stopped`; close the selector of one that never ran. */
  async wakeupOrClose(): Promise<void> {
    if (!this.selector.isOpen()) return;
    if (this.thread.state === 'RUNNABLE') await this.selector.wakeup();
    else await this.selector.close();
  }

  /** Not async: the caller awaits the selector's own promise, one promise less per hand-off (docs/benchmarks.md). */
  protected wakeup(): Promise<void> {
    // A selector closed by a concurrent exit needs no wakeup; the exit path closes what is queued.
    return this.selector.isOpen() ? this.selector.wakeup() : NOTHING_TO_WAKE;
  }

  private async run(): Promise<void> {
    const log = this.ctx.runtime.log;
    while (!this.ctx.isStopped() && this.selector.isOpen()) {
      try {
        await this.select();
        await this.processAcceptedConnections();
        await this.processInterestOpsUpdateRequests();
      } catch (err) {
        log.log('warn', `${this.name}: ignoring an exception in the select loop: ${describe(err)}`);
      }
    }
    await this.exitCleanup();
  }

  /** One select, then each ready key in a fresh random order. */
  private async select(): Promise<void> {
    const ready = [...(await this.selector.select())];
    this.ctx.runtime.shuffle(ready);
    for (const key of ready) {
      if (this.ctx.isStopped()) break;
      if (!key.isValid()) {
        await this.cleanupInvalidKey(key);
        continue;
      }
      const ops = key.readyOps();
      if ((ops & (OP_READ | OP_WRITE)) === 0) {
        this.ctx.runtime.log.log('warn', `Unexpected ops in select ${ops}`);
        continue;
      }
      // The step is awaited here rather than through a helper taking a closure: this runs for every ready key,
      // and each extra async call is a promise (docs/benchmarks.md).
      try {
        await this.handleIO(key);
      } catch (err) {
        await this.onKeyFailed(key, err);
      }
    }
  }

  /**
   * A key's step failed; if the key was cancelled meanwhile by another thread (a close racing this one), the
   * failure is that cancellation, and the key is cleaned up instead of failing the whole pass.
   */
  private async onKeyFailed(key: SelectionKey, err: unknown): Promise<void> {
    if (key.isValid()) throw err;
    this.ctx.runtime.log.log('debug', `${this.name}: key ${key.id} was cancelled meanwhile: ${describe(err)}`);
    await this.cleanupInvalidKey(key);
  }

  /**
   * 1. create the IO work request;
   * 2. mark the connection not selectable;
   * 3. clear the key's interest ops, so the level-triggered selector stops reporting it while IO is out;
   * 4. touch the connection;
   * 5. schedule the work (inline with 0 workers).
   */
  protected async handleIO(key: SelectionKey): Promise<void> {
    const cnxn = key.attachment() as NIOServerCnxn;
    // 1.
    const work = this.ctx.createWorkRequest(this, key, cnxn);
    // 2.
    cnxn.disableSelectable();
    // 3.
    await key.setInterestOps(0);
    // 4.
    this.ctx.registry.touch(cnxn);
    // 5.
    this.ctx.runtime.fact({ ev: 'ioScheduled', ch: cnxn.id });
    await this.ctx.workerPool().schedule(work);
  }

  /**
   * Drains acceptedQueue (non-blocking polls) while not stopped. For each channel:
   * 1. register it with this thread's own selector for OP_READ;
   * 2. create the connection;
   * 3. attach it to the key;
   * 4. add it to the connection set (its address was counted at handoff) and touch it.
   * A failure cancels the key and closes the socket (register_failed).
   */
  async processAcceptedConnections(): Promise<void> {
    while (!this.ctx.isStopped()) {
      const channel = await this.acceptedQueue.poll();
      if (channel === undefined) return;
      let key: SelectionKey | undefined;
      try {
        // 1.
        key = await channel.register(this.selector, OP_READ);
        // 2.
        const cnxn = this.ctx.createConnection(channel, key, this);
        // 3.
        key.attach(cnxn);
        // 4.
        this.ctx.registry.add(cnxn);
        this.ctx.runtime.fact({ ev: 'cnxnCreated', ch: channel.id, key: key.id, ip: cnxn.ip });
      } catch (err) {
        this.ctx.runtime.log.log('warn', `${this.name}: could not register ${channel.id}: ${describe(err)}`);
        if (key?.isValid()) await key.cancel();
        await this.closeUnregistered(channel, 'register_failed');
      }
    }
  }

  /** Drains updateQueue while not stopped: restore the interest ops of each key whose connection is selectable. */
  async processInterestOpsUpdateRequests(): Promise<void> {
    while (!this.ctx.isStopped()) {
      const key = await this.updateQueue.poll();
      if (key === undefined) return;
      if (!key.isValid()) {
        await this.cleanupInvalidKey(key);
        continue;
      }
      const cnxn = key.attachment() as NIOServerCnxn;
      if (!cnxn.isSelectable()) continue;
      try {
        await key.setInterestOps(cnxn.interestOps());
      } catch (err) {
        await this.onKeyFailed(key, err);
      }
    }
  }

  /**
   * An invalid key: cancel it (so the selector forgets it) and close its connection if nothing else has.
   * ZooKeeper only cancels and leaves the connection to the expirer; closing at once frees the socket sooner.
   */
  async cleanupInvalidKey(key: SelectionKey): Promise<void> {
    this.ctx.runtime.log.log('debug', `${this.ctx.runtime.currentThread()}: cleaning up invalid key ${key.id} (${key.channel.id})`);
    try {
      await key.cancel();
    } catch (err) {
      this.ctx.runtime.log.log('debug', `cancelling invalid key ${key.id}: ${describe(err)}`);
    }
    const cnxn = key.attachment();
    if (cnxn instanceof NIOServerCnxn && !cnxn.isClosed()) await cnxn.close('cancelled_key_exception');
  }

  /**
   * Closes every channel still in acceptedQueue (not_registered_at_stop). Used at exit and by shutdown, which
   * sweeps again after join in case an offer landed after this thread's own sweep.
   */
  async closeQueuedChannels(): Promise<void> {
    if (this.acceptedQueue.size() === 0) return;
    for (let channel = await this.acceptedQueue.poll(); channel !== undefined; channel = await this.acceptedQueue.poll()) {
      await this.closeUnregistered(channel, 'not_registered_at_stop');
    }
  }

  /** Closes a handed-off channel that never became a connection, releasing its per-address reservation. */
  protected async closeUnregistered(channel: SocketChannel, reason: 'register_failed' | 'not_registered_at_stop'): Promise<void> {
    this.ctx.registry.release(channel.remoteAddress.host);
    try {
      await channel.close(reason, { reset: true });
    } catch (err) {
      this.ctx.runtime.log.log('warn', `closing ${channel.id} (${reason}) failed: ${describe(err)}`);
    }
  }

  /**
   * The loop has ended: close the selectable connections (server_shutdown; those with IO out are left to the
   * IO path), cancel every key, close the queued channels, drop pending updates, close the selector, stop the
   * factory.
   */
  private async exitCleanup(): Promise<void> {
    const log = this.ctx.runtime.log;
    try {
      for (const key of [...this.selector.keys()]) {
        const cnxn = key.attachment();
        if (cnxn instanceof NIOServerCnxn && cnxn.isSelectable()) await cnxn.close('server_shutdown');
        if (key.isValid()) await key.cancel();
      }
      await this.closeQueuedChannels();
      this.updateQueue.clear();
      if (this.selector.isOpen()) await this.selector.close();
    } catch (err) {
      log.log('warn', `${this.name}: cleanup at exit failed: ${describe(err)}`);
    }
    await this.ctx.stop();
  }
}
