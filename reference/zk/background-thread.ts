/**
 * A housekeeping thread of the ZooKeeper server (the session tracker's, the container manager's): started at most
 * once and never after stop; stop interrupts it (a sleep or a take ends with InterruptedError) and waits for it to
 * end. Its loop runs while `running`.
 */
import type { HostRuntime, LogicalThread } from '../../spec/runtime.ts';

export class BackgroundThread {
  private thread: LogicalThread | undefined;
  private stopped = false;

  constructor(
    private readonly runtime: HostRuntime,
    private readonly name: string,
    private readonly body: () => Promise<void>,
  ) {}

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (this.thread !== undefined || this.stopped) return;
    this.thread = this.runtime.thread(this.name, this.body);
    this.thread.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const thread = this.thread;
    if (thread === undefined) return;
    thread.interrupt();
    await thread.join();
  }
}
