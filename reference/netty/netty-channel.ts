/**
 * NettyChannel: one accepted socket bound to one worker event loop for life, with its pipeline, its auto-read
 * flag and its queued output. Every socket operation (register, read, write, interest change, cancel, close)
 * runs on that loop; a call from another thread is turned into a task on the loop's queue.
 *
 *     loop: OP_READ ready -> read (up to MAX_READS_PER_PASS while auto-read) -> pipeline.fireRead(bytes)
 *     any thread: write(frame) -> [outgoing] -> flush task -> socket (loop)
 *     any thread: setAutoRead(on) -> task -> interest ops on the loop; on -> pipeline.fireResume()
 *
 * Throttling is auto-read: off removes OP_READ from the interest set, on restores it and lets the pipeline
 * process what it kept meanwhile. Bytes already read are never dropped.
 *
 * Implements: netty.event-loop-affinity.
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import { OP_READ, OP_WRITE, type SelectionKey, type SocketChannel } from '../../spec/runtime.ts';
import { describeError as describe } from '../nio/describe-error.ts';
import { OutgoingBuffers } from '../nio/outgoing-buffers.ts';
import type { ChannelPipeline, CloseReason } from './channel-pipeline.ts';
import type { EventLoop, LoopHandler } from './event-loop.ts';

/** Netty reads at most 16 times per ready event before giving other channels of the loop their turn. */
/** What a call with nothing left to do returns. */
const NOTHING_TO_DO: Promise<void> = Promise.resolve();

export const MAX_READS_PER_PASS = 16;

export class NettyChannel implements LoopHandler {
  readonly id: string;
  protected keyValue: SelectionKey | undefined;
  private autoReadValue = true;
  private closedValue = false;
  /** A close was asked for (from any thread); it happens on the loop, but nothing more is read, decoded or queued. */
  private closing = false;
  private closeReasonValue: CloseReason | undefined;
  /** Set once, right after construction, by whoever builds the pipeline for this channel. */
  pipeline!: ChannelPipeline;
  protected readonly outgoing = new OutgoingBuffers();
  /** Called on the loop after a readiness event and after bytes were written (the idle deadline restarts). */
  onActivity: (() => void) | undefined;

  constructor(
    readonly socket: SocketChannel,
    readonly loop: EventLoop,
  ) {
    this.id = socket.id;
  }

  get key(): SelectionKey | undefined {
    return this.keyValue;
  }

  isAutoRead(): boolean {
    return this.autoReadValue;
  }

  /** Closed, or a close asked for: ZooKeeper's Netty connection drops replies and stops decoding at once too. */
  isClosed(): boolean {
    return this.closedValue || this.closing;
  }

  closeReason(): CloseReason | undefined {
    return this.closeReasonValue;
  }

  pendingOutgoingBytes(): number {
    return this.outgoing.pendingBytes();
  }

  /** Interest ops as last set on the key (0 once closed). */
  interestOps(): number {
    return this.keyValue?.isValid() ? this.keyValue.interestOps() : 0;
  }

  /** On the loop: register with the loop's selector for OP_READ, then fire active. */
  async register(): Promise<void> {
    this.keyValue = await this.socket.register(this.loop.selector, OP_READ, this);
    await this.pipeline.fireActive();
  }

  async onReady(key: SelectionKey): Promise<void> {
    const ready = key.readyOps();
    if ((ready & OP_READ) !== 0) await this.readPass();
    if (!this.closedValue && (ready & OP_WRITE) !== 0) await this.flushNow();
    if (!this.closedValue) this.onActivity?.();
  }

  async onLoopExit(): Promise<void> {
    await this.closeNow('server_shutdown');
  }

  /**
   * Queues `frame` (in call order, from any thread) and has the loop write it. Not async, and the flush step made
   * once: every reply passes here, and each promise or closure less counts (bench/promises-per-request.ts).
   */
  write(frame: Uint8Array): Promise<void> {
    if (this.isClosed()) return NOTHING_TO_DO;
    this.outgoing.push(frame);
    return this.onLoop('flush', this.flushStep);
  }

  private readonly flushStep = (): Promise<void> => this.flushNow();

  /** Closes with `reason` once everything queued before it is written. */
  async writeAndClose(reason: DisconnectReason): Promise<void> {
    if (this.isClosed()) return;
    this.outgoing.pushClose(reason);
    await this.onLoop('flush', () => this.flushNow());
  }

  /**
   * Turns reading off or on. The flag changes at once, from any thread, so that the decoder hands on no further
   * frame after a throttle returns (ZooKeeper's Netty connection keeps an atomic `throttled` flag for this); the
   * interest set follows on the loop, and turning reading on lets the pipeline process what it kept, in a task
   * of its own.
   */
  async setAutoRead(on: boolean): Promise<void> {
    if (this.closedValue || this.autoReadValue === on) return;
    this.autoReadValue = on;
    const step = async (): Promise<void> => {
      if (this.closedValue) return;
      await this.updateInterest();
      if (on && this.autoReadValue) await this.pipeline.fireResume();
    };
    // Turning reading on is always a later task on the loop, even from the loop itself (as ZooKeeper's enableRecv
    // is): the caller may be in the middle of a reply that goes on to close the connection, and frames kept
    // while throttled must not be handed on before it returns.
    if (on) await this.loop.execute({ id: `autoReadOn:${this.id}`, run: step });
    else await this.onLoop('autoReadOff', step);
  }

  /** Closes with `reason`, on the loop. */
  async close(reason: CloseReason): Promise<void> {
    this.closing = true;
    await this.onLoop('close', () => this.closeNow(reason));
  }

  /** Runs `step` now if called on the loop, else as a task on it (dropped if the loop has ended: it closed us). */
  protected onLoop(what: string, step: () => Promise<void>): Promise<void> {
    return this.loop.inEventLoop() ? step() : this.executeOnLoop(what, step);
  }

  private async executeOnLoop(what: string, step: () => Promise<void>): Promise<void> {
    await this.loop.execute({ id: `${what}:${this.id}`, run: step });
  }

  /** Loop only. Closes once: key cancelled, socket closed, pipeline told (inactive). */
  async closeNow(reason: CloseReason): Promise<void> {
    if (this.closedValue) return;
    this.closedValue = true;
    this.closeReasonValue = reason;
    const log = this.loop.runtime.log;
    try {
      if (this.keyValue?.isValid()) await this.keyValue.cancel();
    } catch (err) {
      log.log('warn', `cancelling the key of ${this.id} failed: ${describe(err)}`);
    }
    try {
      await this.socket.close(reason);
    } catch (err) {
      log.log('warn', `closing socket ${this.id} failed: ${describe(err)}`);
    }
    await this.pipeline.fireInactive(reason);
  }

  /** Loop only: reads while auto-read is on, at most MAX_READS_PER_PASS times, handing each chunk to the pipeline. */
  private async readPass(): Promise<void> {
    for (let i = 0; i < MAX_READS_PER_PASS && this.autoReadValue && !this.isClosed() && !this.loop.isShuttingDown(); i++) {
      let n: number;
      try {
        n = await this.socket.read(this.loop.readBuffer);
      } catch (err) {
        await this.pipeline.fireException(err);
        return;
      }
      if (n < 0) {
        await this.closeNow('channel disconnected');
        return;
      }
      if (n === 0) return;
      await this.pipeline.fireRead(this.loop.readBuffer.slice(0, n));
    }
  }

  /** Loop only: writes queued output until the socket stops taking it or a close marker is reached. */
  private async flushNow(): Promise<void> {
    let wrote = 0;
    try {
      for (;;) {
        if (this.closedValue) return;
        const next = this.outgoing.next();
        if (next === null) break;
        if ('close' in next) {
          this.outgoing.takeClose();
          await this.closeNow(next.reason);
          return;
        }
        const n = await this.socket.write(next.bytes);
        this.outgoing.consume(n);
        wrote += n;
        if (n < next.bytes.length) break;
      }
      await this.updateInterest();
      if (wrote > 0) this.onActivity?.();
    } catch (err) {
      await this.pipeline.fireException(err);
    }
  }

  /** Loop only: OP_READ while auto-read is on, OP_WRITE while output waits. */
  private async updateInterest(): Promise<void> {
    const key = this.keyValue;
    if (this.closedValue || key === undefined || !key.isValid()) return;
    const ops = (this.autoReadValue ? OP_READ : 0) | (this.outgoing.isEmpty() ? 0 : OP_WRITE);
    if (key.interestOps() !== ops) await key.setInterestOps(ops);
  }
}
