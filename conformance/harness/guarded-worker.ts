/**
 * One worker of a parallel search: a child process (suite-process.ts, task 'worker') that runs blocks of runs and
 * shrinks failing runs, one task at a time, under the same watchdog as the one-shot suite process
 * (guarded-suite.ts): a task that sends no word for `stallMs` (a factory spinning in a synchronous loop) gets the
 * child killed. A block that hung reports the run it hung in; a shrink that hung reports that as its failure,
 * with an explicit replay token. The worker is dead after either, and the pool starts another if it needs one.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { CnxnspecError } from '../../spec/errors.ts';
import { CHILD, execArgv, stalled, track, type GuardedResult } from './guarded-suite.ts';
import type { Progress } from './run-suite.ts';
import type { Block } from './search-slice.ts';
import type { FailedRun } from './search-walk.ts';
import type { SuiteMessage, SuiteRequest, WorkerTask } from './suite-messages.ts';

export interface BlockOutcome {
  readonly failed: readonly FailedRun[];
  /** Runs made, the one that hung included. */
  readonly ran: number;
  /** The run the watchdog killed the worker in. */
  readonly stalledAt?: number;
}

/**
 * Silence allowed before a worker's first word: N workers start node and compile TypeScript at once, which on a
 * loaded machine took over 30 s (the one-shot suite process's grace); a factory that spins at import still ends.
 */
const STARTUP_GRACE_MS = 120_000;

interface Pending {
  readonly task: WorkerTask | 'start';
  readonly onMessage: (message: SuiteMessage) => void;
  readonly onStall: (ms: number) => void;
  readonly reject: (err: Error) => void;
}

export class GuardedWorker {
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heard = false;
  private dead = false;
  private readonly ready: Promise<void>;

  constructor(
    request: Omit<SuiteRequest, 'task' | 'runs'>,
    private readonly stallMs: number,
    v8Flags: readonly string[],
    private readonly onTick: () => void,
    private readonly onShrinkProgress: (progress: Progress) => void,
  ) {
    this.child = fork(CHILD, [], { execArgv: [...v8Flags, ...execArgv(request.factoryPath)], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(this.child);
    this.child.on('message', (message: SuiteMessage) => {
      this.heard = true;
      if (!this.pending) return;
      this.arm(this.stallMs);
      if (message.type === 'error') this.settle().reject(new CnxnspecError(message.code as 'CNXNSPEC_ERR_SIM', message.message));
      else this.pending.onMessage(message);
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      if (this.pending) this.settle().reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `a search worker ended early (exit ${code ?? signal}) before reporting a result; run again with --workers 1, or --replay the last case`));
    });
    this.child.on('error', (err) => this.pending && this.settle().reject(err));
    this.ready = new Promise((resolve, reject) => {
      this.pending = {
        task: 'start',
        onMessage: (m) => m.type === 'done' && (this.settle(), resolve()),
        onStall: (ms) => reject(new CnxnspecError('CNXNSPEC_ERR_SIM', `a search worker said nothing for ${ms} ms before its first run; is the factory module doing work at import time?`)),
        reject,
      };
      // Starting node and compiling TypeScript on a loaded machine is not the factory stalling.
      this.arm(Math.max(this.stallMs, STARTUP_GRACE_MS));
      this.child.send({ ...request, task: 'worker', runs: 0 } satisfies SuiteRequest);
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs one block; resolves with its failing runs, or where it hung. */
  async block(block: Block): Promise<BlockOutcome> {
    await this.ready;
    const failed: FailedRun[] = [];
    let last: number | undefined;
    return this.run({ type: 'block', ...block }, (resolve) => ({
      onMessage: (m) => {
        if (m.type === 'tick') {
          last = m.index;
          this.onTick();
        } else if (m.type === 'failed') failed.push(m.run);
        else if (m.type === 'done') {
          this.settle();
          resolve({ failed, ran: block.count });
        }
      },
      onStall: (ms) => {
        if (last === undefined) throw new CnxnspecError('CNXNSPEC_ERR_SIM', `a search worker stopped answering for ${ms} ms before run ${block.from}; the process was killed`);
        resolve({ failed, ran: last - block.from + 1, stalledAt: last });
      },
    }));
  }

  /** Shrinks run `index` towards the findings of `source` that `only` selects; a shrink that hangs is reported as the watchdog's failure. */
  async shrink(index: number, only: string, source: string, shrinkBudgetMs: number | undefined): Promise<GuardedResult> {
    await this.ready;
    let last: Extract<SuiteMessage, { type: 'run' }> | undefined;
    let runs = 0;
    const started = Date.now();
    return this.run({ type: 'shrink', index, only, source, ...(shrinkBudgetMs !== undefined ? { shrinkBudgetMs } : {}) }, (resolve) => ({
      onMessage: (m) => {
        if (m.type === 'run') last = m;
        else if (m.type === 'progress') {
          runs = m.progress.runs;
          this.onShrinkProgress(m.progress);
        } else if (m.type === 'result') {
          this.settle();
          resolve(m.notJudged ? { ...m.result, notJudged: m.notJudged } : m.result);
        }
      },
      onStall: (ms) => {
        const result = stalled(last, runs, Date.now() - started, ms);
        resolve({ ...result, failure: { ...result.failure!, runsToFailure: index + 1 } });
      },
    }));
  }

  /** Lets the child go: it exits when the channel closes, and is killed if it does not. */
  close(): void {
    if (this.dead) return;
    this.child.disconnect();
    setTimeout(() => this.child.kill('SIGKILL'), 2_000).unref();
  }

  private run<T>(task: WorkerTask, handlers: (resolve: (value: T) => void) => Omit<Pending, 'task' | 'reject'>): Promise<T> {
    if (this.dead) return Promise.reject(new CnxnspecError('CNXNSPEC_ERR_SIM', 'a search worker was given a task after it ended'));
    return new Promise<T>((resolve, reject) => {
      this.pending = { task, reject, ...handlers(resolve) };
      this.arm(this.heard ? this.stallMs : Math.max(this.stallMs, STARTUP_GRACE_MS));
      this.child.send(task);
    });
  }

  private settle(): Pending {
    const pending = this.pending!;
    this.pending = undefined;
    clearTimeout(this.timer);
    return pending;
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.dead = true;
      this.child.kill('SIGKILL');
      const pending = this.settle();
      try {
        pending.onStall(ms);
      } catch (err) {
        pending.reject(err as Error);
      }
    }, ms);
  }
}
