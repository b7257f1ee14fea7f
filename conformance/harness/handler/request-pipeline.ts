/**
 * The handler's request-processing threads, as ZooKeeper's request pipeline: work for a connection always goes
 * to the same thread (its queue), so one session's requests are answered in order even with several threads,
 * while different connections' replies race each other and the factory's IO passes. stop() ends every thread
 * (a stop marker behind the queued work), so nothing the harness started outlives the run.
 */
import type { BlockingQueue, HostRuntime, LogicalThread } from '../../../spec/runtime.ts';

export type Work = () => Promise<void>;

const STOP = Symbol('stop');

export class RequestPipeline {
  private readonly queues: BlockingQueue<Work | typeof STOP>[] = [];
  private readonly threads: LogicalThread[] = [];

  constructor(
    private readonly runtime: HostRuntime,
    count: number,
  ) {
    for (let i = 0; i < count; i++) {
      const queue = runtime.newQueue<Work | typeof STOP>(`requestQueue@RequestProcessor-${i}`);
      this.queues.push(queue);
      this.threads.push(runtime.thread(`RequestProcessor-${i}`, () => this.loop(queue)));
    }
  }

  start(): void {
    for (const thread of this.threads) thread.start();
  }

  /** Queues `work` on the thread that owns connection `ch`. */
  async submit(ch: string, work: Work): Promise<void> {
    const queue = this.queues[ownerOf(ch, this.queues.length)]!;
    await queue.offer(work);
  }

  /** Ends every thread once the work queued before has run. */
  async stop(): Promise<void> {
    for (const queue of this.queues) await queue.offer(STOP);
    for (const thread of this.threads) await thread.join();
  }

  private async loop(queue: BlockingQueue<Work | typeof STOP>): Promise<void> {
    for (;;) {
      const work = await queue.take();
      if (work === STOP) return;
      try {
        await work();
      } catch (err) {
        // A ServerConnection method that throws is the factory's problem, not a reason to stop serving others.
        this.runtime.log.log('warn', `${this.runtime.currentThread()}: a ServerConnection call failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/** The thread index of a connection: from the digits of its `ch<n>` id, so the same in every replay. */
function ownerOf(ch: string, count: number): number {
  const n = Number(/\d+/.exec(ch)?.[0] ?? 0);
  return n % count;
}
