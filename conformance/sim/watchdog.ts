/**
 * Finds a logical thread that awaited something outside the host runtime (a stray promise, a timer, real I/O).
 *
 * The simulation runs on microtasks only: a resumed thread reaches its next runtime call, and the scheduler goes
 * on, without the event loop ever taking a turn. So a macrotask turn (setImmediate) that finds the scheduler still
 * waiting for the same resumed thread means that thread is waiting on something else; after `limit` such turns
 * (room for a thread that awaits one setImmediate) the run fails. A thread spinning synchronously never lets a turn
 * happen and cannot be stopped in-process: that is a watchdog process's job, not this one's.
 */

export interface Awaited {
  readonly thread: string;
  /** The step that resumed it: a new step is a new wait. */
  readonly step: number;
}

export class Watchdog {
  private handle: NodeJS.Immediate | undefined;
  private lastStep = -1;
  private turns = 0;

  constructor(
    private readonly probe: () => Awaited | undefined,
    private readonly onStall: (thread: string, turns: number) => void,
    readonly limit = 3,
  ) {}

  start(): void {
    this.lastStep = -1;
    this.turns = 0;
    this.handle = setImmediate(this.tick);
  }

  stop(): void {
    if (this.handle) clearImmediate(this.handle);
    this.handle = undefined;
  }

  private readonly tick = (): void => {
    const awaited = this.probe();
    if (awaited && awaited.step === this.lastStep) {
      this.turns += 1;
      if (this.turns >= this.limit) {
        this.handle = undefined;
        this.onStall(awaited.thread, this.turns);
        return;
      }
    } else {
      this.turns = awaited ? 1 : 0;
      this.lastStep = awaited ? awaited.step : -1;
    }
    this.handle = setImmediate(this.tick);
  };
}
