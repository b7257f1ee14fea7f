/**
 * EventLoop: one logical thread with one selector and one task queue, Netty's NioEventLoop in the host runtime's
 * vocabulary. Everything that touches a channel bound to this loop (register, read, write, interest changes,
 * cancel, close) runs on this thread; other threads hand it work as tasks.
 *
 *     any thread --execute(task)--> [taskQueue@<loop>] then wakeup(selector)
 *     <loop>: select (until the nearest timer or idle bucket) -> ready keys' handlers -> due timers -> due idle
 *             channels -> queued tasks -> again
 *
 * The offer comes before the wakeup, so a task never waits while the loop sleeps in select. Timers (the accept
 * pause) and idle deadlines (idle-buckets.ts) are only set and cleared from the loop itself, so they need no
 * queue. Timers are few (one per loop at most); idle deadlines are per channel and bucketed, so a pass costs
 * what is due, not what is registered.
 *
 * Implements: netty.event-loop-affinity (the loop side: one thread per channel, tasks through the queue).
 */
import type { BlockingQueue, HostRuntime, LogicalThread, SelectionKey, Selector } from '../../spec/runtime.ts';
import { describeError as describe } from '../nio/describe-error.ts';
import { IdleBuckets } from './idle-buckets.ts';

/** Work for a loop. `id` names it in traces (`flush:ch3`); `abandon` runs instead of `run` if the loop ended first. */
export interface LoopTask {
  readonly id: string;
  run(): Promise<void>;
  abandon?(): Promise<void>;
}

/** A channel with an idle deadline on its loop. */
export interface IdleWatch {
  /** Its deadline passed without a touch; runs on the loop. */
  onIdle(): Promise<void>;
}

/** What a key registered on a loop carries as its attachment. */
export interface LoopHandler {
  /** The key was selected ready; runs on the loop. */
  onReady(key: SelectionKey): Promise<void>;
  /** The loop is ending; runs on the loop, once per key still registered. */
  onLoopExit(): Promise<void>;
}

interface Timer {
  readonly at: number;
  readonly run: () => Promise<void>;
}

/** The size of a loop's read buffer: what one read may take from a socket. */
export const READ_BUFFER_BYTES = 64 * 1024;

export class EventLoop {
  readonly thread: LogicalThread;
  /**
   * Scratch space for socket reads, shared by the loop's channels: only this loop's thread reads into it, one read
   * at a time, and the bytes are copied out before anything else runs. One per channel would cost 64 KiB each.
   */
  readonly readBuffer = new Uint8Array(READ_BUFFER_BYTES);
  readonly tasks: BlockingQueue<LoopTask>;
  private shuttingDown = false;
  private readonly timers = new Map<string, Timer>();
  /** Idle deadlines, bucketed by the idle timeout (absent when there is none). */
  private readonly idle: IdleBuckets<IdleWatch> | undefined;

  protected constructor(
    readonly runtime: HostRuntime,
    readonly name: string,
    readonly selector: Selector,
    idleTimeout: number,
  ) {
    this.idle = idleTimeout > 0 ? new IdleBuckets(idleTimeout) : undefined;
    this.tasks = runtime.newQueue<LoopTask>(`taskQueue@${name}`);
    this.thread = runtime.thread(name, () => this.run());
  }

  /** Opens the loop's selector; the thread is created, not started. `idleTimeout` 0: no idle deadlines. */
  static async open(runtime: HostRuntime, name: string, idleTimeout = 0): Promise<EventLoop> {
    return new EventLoop(runtime, name, await runtime.openSelector(), idleTimeout);
  }

  /** True when the caller is this loop's thread. */
  inEventLoop(): boolean {
    return this.runtime.currentThread() === this.name;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Queues `task` and wakes the loop; false (task not queued) once the loop is shutting down or the queue refused. */
  async execute(task: LoopTask): Promise<boolean> {
    if (this.shuttingDown) return false;
    if (!(await this.tasks.offer(task))) return false;
    if (this.selector.isOpen()) await this.selector.wakeup();
    return true;
  }

  /** Runs `run` on this loop at `at` (ms of the runtime clock), replacing a timer of the same id. Loop only. */
  schedule(id: string, at: number, run: () => Promise<void>): void {
    this.timers.set(id, { at, run });
  }

  cancel(id: string): void {
    this.timers.delete(id);
  }

  /** (Re)sets `watch`'s idle deadline to the idle timeout from now, rounded up to its bucket; returns it. Loop only. */
  touchIdle(watch: IdleWatch): number | undefined {
    return this.idle?.touch(watch, this.runtime.clock.now(), this.idle.interval);
  }

  /** Clears `watch`'s idle deadline. Loop only. */
  clearIdle(watch: IdleWatch): void {
    this.idle?.remove(watch);
  }

  /** Asks the loop to end: a running loop is woken, one that never ran closes its selector and drops its tasks. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.thread.state === 'RUNNABLE') {
      if (this.selector.isOpen()) await this.selector.wakeup();
    } else if (this.thread.state === 'NEW') {
      await this.abandonTasks();
      if (this.selector.isOpen()) await this.selector.close();
    }
  }

  /** Drops whatever is still queued (each task's abandon runs). Also used by the factory after join. */
  async abandonTasks(): Promise<void> {
    for (let task = await this.tasks.poll(); task !== undefined; task = await this.tasks.poll()) {
      try {
        await task.abandon?.();
      } catch (err) {
        this.runtime.log.log('warn', `${this.name}: abandoning task ${task.id} failed: ${describe(err)}`);
      }
    }
  }

  private async run(): Promise<void> {
    while (!this.shuttingDown && this.selector.isOpen()) {
      try {
        const ready = await this.selector.select(this.selectTimeout());
        for (const key of ready) {
          if (this.shuttingDown) break;
          if (key.isValid()) await this.guard(`key ${key.id}`, () => (key.attachment() as LoopHandler).onReady(key));
        }
        await this.runDueTimers();
        await this.runDueIdle();
        await this.runTasks();
      } catch (err) {
        this.runtime.log.log('warn', `${this.name}: ignoring an exception in the event loop: ${describe(err)}`);
      }
    }
    await this.exit();
  }

  /** Until the nearest timer or idle bucket (at least 1 ms); no timeout when neither is set. */
  private selectTimeout(): number | undefined {
    let nearest = this.idle?.next();
    for (const timer of this.timers.values()) if (nearest === undefined || timer.at < nearest) nearest = timer.at;
    return nearest === undefined ? undefined : Math.max(1, nearest - this.runtime.clock.now());
  }

  private async runDueIdle(): Promise<void> {
    for (const watch of this.idle?.takeDue(this.runtime.clock.now()) ?? []) await this.guard('idle deadline', () => watch.onIdle());
  }

  private async runDueTimers(): Promise<void> {
    const now = this.runtime.clock.now();
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > now || this.timers.get(id) !== timer) continue;
      this.timers.delete(id);
      await this.guard(`timer ${id}`, timer.run);
    }
  }

  /** Runs the tasks queued when the pass began; tasks they queue wait for the next pass, so selects still happen. */
  private async runTasks(): Promise<void> {
    for (let n = this.tasks.size(); n > 0 && !this.shuttingDown; n--) {
      const task = await this.tasks.poll();
      if (task === undefined) return;
      await this.guard(`task ${task.id}`, () => task.run());
    }
  }

  private async guard(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.runtime.log.log('warn', `${this.name}: ${what} failed: ${describe(err)}`);
    }
  }

  /** Ends every channel still on this selector, drops queued tasks and timers, closes the selector. */
  private async exit(): Promise<void> {
    this.timers.clear();
    this.idle?.clear();
    for (const key of [...this.selector.keys()]) {
      await this.guard(`exit of key ${key.id}`, () => (key.attachment() as LoopHandler).onLoopExit());
    }
    await this.abandonTasks();
    if (this.selector.isOpen()) await this.selector.close();
  }
}
