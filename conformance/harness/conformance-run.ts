/**
 * One conformance run of a factory: the suite is searched round after round; each round that finds a failure
 * records it, sets aside the requirements it broke, and searches on for the others with the budget left. The
 * result says, per requirement the suite checks, whether it passed, failed (with its shrunk case and replay
 * line) or was not reached, and compares that with the factory's expectations file.
 */

import { invariants } from '../../spec/invariants/index.ts';
import type { Failure, Progress } from './run-suite.ts';
import type { StrategyName } from './suite-token.ts';
import { runGuardedSuite } from './guarded-suite.ts';
import type { Expectations } from './expectations.ts';

/** Requirements the harness itself judges, besides those the invariants prove. */
const HARNESS_REQUIREMENTS = ['factory.host-runtime-only', 'factory.lifecycle-start-once', 'factory.lifecycle-stop', 'accept.loop', 'selector.loop', 'expiry.thread'];

export const CHECKED_REQUIREMENTS: readonly string[] = [...new Set([...invariants.flatMap((i) => i.requirements), ...HARNESS_REQUIREMENTS])].sort();

/** not-judged: the run could not judge it (the factory never started); the reason says why. */
export type RequirementStatus = 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass' | 'not-judged';

export interface RequirementResult {
  readonly id: string;
  readonly status: RequirementStatus;
  /** Index into `failures` when it failed. */
  readonly failure?: number;
  readonly reason?: string;
}

export interface ConformanceOptions {
  readonly factoryPath?: string;
  readonly runs: number;
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly timeBudgetMs: number;
  /** Only requirements whose ID matches. */
  readonly only?: RegExp;
  readonly replay?: string;
  readonly expectations?: Expectations;
  readonly stallMs?: number;
  /** Rounds at most (each finds at most one failure). */
  readonly maxFailures?: number;
  readonly onProgress?: (progress: Progress & { readonly round: number; readonly budgetMs: number }) => void;
}

export interface ConformanceResult {
  readonly runs: number;
  readonly durationMs: number;
  readonly failures: readonly Failure[];
  readonly requirements: readonly RequirementResult[];
  /** True when every checked requirement passed or failed as expected. */
  readonly ok: boolean;
}

function escape(id: string): string {
  return id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Findings count when one of their requirements matches `only` and has not failed yet. */
function focus(only: RegExp | undefined, failed: ReadonlySet<string>): string | undefined {
  const skip = failed.size ? `(?!(?:${[...failed].map(escape).join('|')})$)` : '';
  const want = only ? `(?:${only.source})` : '';
  return skip || want ? `^${skip}${want || '.*'}` : undefined;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  const started = Date.now();
  const failures: Failure[] = [];
  const failedBy = new Map<string, number>();
  let runs = 0;
  let notJudged: string | undefined;
  const maxFailures = options.replay ? 1 : (options.maxFailures ?? 8);
  for (let round = 1; round <= maxFailures; round++) {
    const budgetMs = options.timeBudgetMs - (Date.now() - started);
    if (budgetMs <= 0 || runs >= options.runs) break;
    const only = focus(options.only, new Set(failedBy.keys()));
    const result = await runGuardedSuite(
      {
        ...(options.factoryPath ? { factoryPath: options.factoryPath } : {}),
        runs: options.runs - runs,
        seed: options.seed + round - 1,
        strategy: options.strategy,
        timeBudgetMs: budgetMs,
        ...(only ? { only } : {}),
        ...(options.replay ? { replay: options.replay } : {}),
      },
      { stallMs: options.stallMs ?? 20_000, onProgress: (p) => options.onProgress?.({ ...p, runs: runs + p.runs, round, budgetMs }) },
    );
    runs += result.runs;
    if (result.failure) {
      failures.push(result.failure);
      for (const id of result.failure.finding.requirements) if (!failedBy.has(id)) failedBy.set(id, failures.length - 1);
    }
    notJudged = result.notJudged;
    if (!result.failure || notJudged || options.replay) break;
  }
  const requirements = CHECKED_REQUIREMENTS.filter((id) => !options.only || options.only.test(id)).map((id) => judge(id, failedBy.get(id), options.expectations, notJudged));
  const ok = requirements.every((r) => r.status === 'pass' || r.status === 'expected-fail');
  return { runs, durationMs: Date.now() - started, failures, requirements, ok };
}

function judge(id: string, failure: number | undefined, expectations?: Expectations, notJudged?: string): RequirementResult {
  const expected = expectations?.get(id);
  if (failure === undefined) {
    if (notJudged) return { id, status: 'not-judged', reason: notJudged };
    if (expected?.kind === 'fail') return { id, status: 'unexpected-pass', reason: expected.reason };
    return expected ? { id, status: 'pass', reason: `flaky: ${expected.reason}` } : { id, status: 'pass' };
  }
  if (!expected) return { id, status: 'fail', failure };
  return { id, status: 'expected-fail', failure, reason: expected.kind === 'flaky' ? `flaky: ${expected.reason}` : expected.reason };
}
