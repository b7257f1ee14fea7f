/** What the suite process and its watchdog say to each other over IPC. */

import type { Scenario } from './scenario.ts';
import type { Schedule } from './schedule.ts';
import type { Progress, SuiteResult } from './run-suite.ts';
import type { StrategyName } from './suite-token.ts';
import type { NamedOutcome } from './checks/run-checks.ts';
import type { FailedRun } from './search-walk.ts';

export interface SuiteRequest {
  /**
   * search (the default): the generated scenarios; checks: the harness checks (conformance/harness/checks);
   * worker: stay, and run the WorkerTasks that follow (guarded-worker.ts).
   */
  readonly task?: 'search' | 'checks' | 'worker';
  readonly factoryPath?: string;
  readonly runs: number;
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly timeBudgetMs?: number;
  readonly shrinkBudgetMs?: number;
  /** RegExp source. */
  readonly only?: string;
  readonly replay?: string;
  /** The profile's name (profile.ts): its own invariants and checks are run too; absent: nio. */
  readonly profile?: string;
  /** For task 'checks': the names of the checks to run (default: all). */
  readonly checks?: readonly string[];
}

export type SuiteMessage =
  | { readonly type: 'run'; readonly scenario: Scenario; readonly schedule: Schedule; readonly seed: number }
  | { readonly type: 'progress'; readonly progress: Progress }
  /** notJudged: why the requirements the result does not fail could not be judged (the factory never started). */
  | { readonly type: 'result'; readonly result: SuiteResult; readonly notJudged?: string }
  | { readonly type: 'checks'; readonly outcomes: readonly NamedOutcome[] }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  /** A worker's block: run `index` is starting; run `run` failed; the block is done. */
  | { readonly type: 'tick'; readonly index: number }
  | { readonly type: 'failed'; readonly run: FailedRun }
  | { readonly type: 'done' };

/** What a worker is asked to do next: a block of runs, or to shrink one failing run (the replies above). */
export type WorkerTask =
  | { readonly type: 'block'; readonly from: number; readonly count: number }
  | { readonly type: 'shrink'; readonly index: number; readonly only: string; readonly source: string; readonly shrinkBudgetMs?: number };
