/** What the suite process and its watchdog say to each other over IPC. */

import type { Scenario } from './scenario.ts';
import type { Schedule } from './schedule.ts';
import type { Progress, SuiteResult } from './run-suite.ts';
import type { StrategyName } from './suite-token.ts';
import type { NamedOutcome } from './checks/run-checks.ts';

export interface SuiteRequest {
  /** search (the default): the generated scenarios; checks: the harness checks (conformance/harness/checks). */
  readonly task?: 'search' | 'checks';
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
}

export type SuiteMessage =
  | { readonly type: 'run'; readonly scenario: Scenario; readonly schedule: Schedule; readonly seed: number }
  | { readonly type: 'progress'; readonly progress: Progress }
  /** notJudged: why the requirements the result does not fail could not be judged (the factory never started). */
  | { readonly type: 'result'; readonly result: SuiteResult; readonly notJudged?: string }
  | { readonly type: 'checks'; readonly outcomes: readonly NamedOutcome[] }
  | { readonly type: 'error'; readonly code: string; readonly message: string };
