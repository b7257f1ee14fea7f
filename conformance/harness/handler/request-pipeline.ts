/**
 * The handler's request-processing threads, as ZooKeeper's request pipeline: work for a connection always goes
 * to the same thread (its queue), so one session's requests are answered in order even with several threads,
 * while different connections' replies race each other and the factory's IO passes. stop() ends every thread
 * (a stop marker behind the queued work), so nothing the harness started outlives the run.
 */
import type { BlockingQueue, HostRuntime, LogicalThread } from '../../../spec/runtime.ts';

export type Work = () => Promise<void>;

/**
 * What a request queue holds: the work with a stable label (its connection and its submission number in the run), so a
 * trace shows `ch3/7`, not the closure's source text, and the same label on every replay.
 */
interface QueuedWork {
  readonly id: string;
  readonly run: Work;
}

const STOP: QueuedWork = { id: 'stop', run: async () => {} };

export class RequestPipeline {
  private readonly queues: BlockingQueue<QueuedWork>[] = [];
  private readonly threads: LogicalThread[] = [];
  private submitted = 0;

  constructor(
    private readonly runtime: HostRuntime,
    count: number,
  ) {
    for (let i = 0; i < count; i++) {
      const queue = runtime.newQueue<QueuedWork>(`requestQueue@RequestProcessor-${i}`);
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
    this.submitted++;
    await queue.offer({ id: `${ch}/${this.submitted}`, run: work });
  }

  /** Ends every thread once the work queued before has run. */
  async stop(): Promise<void> {
    for (const queue of this.queues) await queue.offer(STOP);
    for (const thread of this.threads) await thread.join();
  }

  private async loop(queue: BlockingQueue<QueuedWork>): Promise<void> {
    for (;;) {
      const work = await queue.take();
      if (work === STOP) return;
      try {
        await work.run();
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
