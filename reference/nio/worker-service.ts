/**
 * WorkerService: the IO worker pool, `NIOWorker-1` .. `NIOWorker-<M>` taking work from one shared queue.
 *
 *     SelectorThread-* --schedule()--> [workQueue@NIOWorker] --take()--> NIOWorker-1 .. NIOWorker-M
 *
 * With 0 workers there is no queue and no thread: schedule() runs the work inline on the calling (selector)
 * thread. Work taken after stop() is cleaned up instead of run, and stop() interrupts the workers, which then
 * clean up whatever is still queued and end, so every scheduled request is either run or cleaned up.
 *
 * Implements: io.zero-workers (inline run), nio.thread-counts (worker names and count),
 * factory.lifecycle-stop (workers end, queued work cleaned up).
 */
import { InterruptedError } from '../../spec/errors.ts';
import type { BlockingQueue, HostRuntime, LogicalThread } from '../../spec/runtime.ts';
import { describeError as describe } from './describe-error.ts';

/** One unit of work: run it, or release what it holds if it will not run. */
export interface WorkRequest {
  /** Trace id of the queued item (the connection's channel id). */
  readonly id: string;
  doWork(): Promise<void>;
  cleanup(): Promise<void>;
}

/** The IO worker pool. Implements: io.zero-workers, nio.thread-counts, factory.lifecycle-stop. */
export class WorkerService {
  private readonly queue: BlockingQueue<WorkRequest> | undefined;
  protected readonly threads: LogicalThread[] = [];
  protected stopped = false;

  constructor(
    private readonly runtime: HostRuntime,
    readonly name: string,
    readonly numThreads: number,
  ) {
    if (numThreads > 0) {
      this.queue = runtime.newQueue<WorkRequest>(`workQueue@${name}`);
      for (let k = 1; k <= numThreads; k++) {
        this.threads.push(runtime.thread(`${name}-${k}`, () => this.workerLoop()));
      }
    }
  }

  /** Starts the worker threads (each once). */
  start(): void {
    for (const thread of this.threads) if (thread.state === 'NEW') thread.start();
  }

  threadNames(): string[] {
    return this.threads.map((t) => t.name);
  }

  /** Hands work to the pool, or runs it inline when there are no workers. */
  async schedule(request: WorkRequest): Promise<void> {
    if (this.stopped) {
      await this.cleanup(request);
      return;
    }
    if (this.queue === undefined) {
      await this.run(request);
      return;
    }
    if (!(await this.queue.offer(request))) {
      this.runtime.log.log('warn', `${this.queue.name} refused work for ${request.id}; cleaning it up`);
      await this.cleanup(request);
      return;
    }
    // stop() may have come while the offer waited its turn; the workers may have drained and ended already, so
    // whatever is still queued is cleaned up here (each item is taken once, by a worker or by this drain).
    if (this.stopped) await this.drain();
  }

  /** No more work runs; workers are interrupted and end after cleaning up what is queued. */
  stop(): void {
    this.stopped = true;
    for (const thread of this.threads) if (thread.state === 'RUNNABLE') thread.interrupt();
  }

  /** Resolves when every worker thread has ended (at once for threads never started). */
  async join(): Promise<void> {
    for (const thread of this.threads) await thread.join();
  }

  private async workerLoop(): Promise<void> {
    const queue = this.queue as BlockingQueue<WorkRequest>;
    while (!this.stopped) {
      let request: WorkRequest;
      try {
        request = await queue.take();
      } catch (err) {
        if (err instanceof InterruptedError) break;
        this.runtime.log.log('warn', `${this.runtime.currentThread()}: taking work failed: ${describe(err)}`);
        continue;
      }
      await this.run(request);
    }
    await this.drain();
  }

  /** Cleans up everything still queued; used once the pool is stopped. */
  private async drain(): Promise<void> {
    const queue = this.queue as BlockingQueue<WorkRequest>;
    for (let request = await queue.poll(); request !== undefined; request = await queue.poll()) {
      await this.cleanup(request);
    }
  }

  /** Runs one request, cleaning it up if it fails; protected so a mutant can change how a failure is contained. */
  protected async run(request: WorkRequest): Promise<void> {
    if (this.stopped) {
      await this.cleanup(request);
      return;
    }
    try {
      await request.doWork();
    } catch (err) {
      this.runtime.log.log('warn', `Unexpected exception in IO work for ${request.id}: ${describe(err)}; cleaning up`);
      await this.cleanup(request);
    }
  }

  private async cleanup(request: WorkRequest): Promise<void> {
    try {
      await request.cleanup();
    } catch (err) {
      this.runtime.log.log('warn', `cleanup of IO work for ${request.id} failed: ${describe(err)}`);
    }
  }
}
