/**
 * One attempt of the kill matrix, run in a child process: the search of generated scenarios against one mutant
 * with one strategy and seed (what `cnxnspec test` runs, findings counted only on requirements the mutant's
 * profile judges), or, once per mutant, the harness and wire checks. See kill-matrix.ts.
 */

import { invariants } from '../spec/invariants/index.ts';
import { CHECKED_REQUIREMENTS } from '../conformance/harness/conformance-run.ts';
import { runChecks } from '../conformance/harness/checks/run-checks.ts';
import { loadFactory } from '../conformance/harness/factory-module.ts';
import { applies, PROFILES, profilePattern, type ProfileName } from '../conformance/harness/profile.ts';
import { runSuite, type Failure } from '../conformance/harness/run-suite.ts';
import { peersDoneAt } from '../conformance/harness/scenario.ts';
import { costAllowance } from '../conformance/harness/scenario/cost-allowance.ts';
import type { StrategyName } from '../conformance/harness/suite-token.ts';

/** How long the harness lets the factory settle after the peers' last action (SETTLE_MS in run-scenario.ts). */
const SETTLE_MS = 500;
export const HARNESS = 'harness';

export type Task =
  | {
      readonly kind: 'search';
      readonly key: string;
      readonly path: string;
      readonly profile: ProfileName;
      readonly strategy: StrategyName;
      readonly seed: number;
      readonly cap: number;
      readonly attemptMs: number;
    }
  | { readonly kind: 'checks'; readonly key: string; readonly path: string; readonly profile: ProfileName };

export interface Kill {
  readonly runsToFailure: number;
  /** Events in the first failing run's trace, and in the shrunk one. */
  readonly originalLength: number;
  readonly shrunkLength: number;
  readonly shrinkMs: number;
  readonly shrinks: number;
  /** The shrunk case's first finding: invariant name or 'harness', and every requirement the case breaks. */
  readonly source: string;
  readonly requirements: readonly string[];
  /** Invariants (and 'harness') that flag the shrunk case. */
  readonly flagged: readonly string[];
  readonly token: string;
}

export interface SearchOutcome {
  readonly kind: 'search';
  readonly task: Extract<Task, { kind: 'search' }>;
  readonly ms: number;
  readonly runs: number;
  readonly kill?: Kill;
  /** The search itself threw (not a finding: the harness failed); the matrix lists it and goes on. */
  readonly error?: string;
}

export interface ChecksOutcome {
  readonly kind: 'checks';
  readonly task: Extract<Task, { kind: 'checks' }>;
  readonly ms: number;
  /** `check: requirement` of each finding on a requirement the profile judges. */
  readonly failed: readonly string[];
}

export type Outcome = SearchOutcome | ChecksOutcome;

/** Every invariant over the failure's trace, each judged where the harness judges it; plus harness problems. */
function flaggedBy(failure: Failure): string[] {
  const trace = failure.trace;
  const doneAt = peersDoneAt(failure.scenario) + SETTLE_MS + costAllowance(failure.scenario);
  const stopping = failure.scenario.stopAt !== undefined && failure.scenario.stopAt < doneAt;
  const serving = trace.filter((e) => e.t <= doneAt);
  const flagged = invariants
    .filter((inv) => {
      if (inv.kind === 'safety') return inv.check(trace, { atQuiescence: false }).length > 0;
      if (inv.name === 'stop-ends-everything') return inv.check(trace, { atQuiescence: true }).length > 0;
      return !stopping && inv.check(serving, { atQuiescence: true }).length > 0;
    })
    .map((inv) => inv.name as string);
  if ([failure.finding, ...failure.others].some((f) => f.source === HARNESS)) flagged.push(HARNESS);
  return flagged;
}

async function search(task: Extract<Task, { kind: 'search' }>): Promise<SearchOutcome> {
  const started = Date.now();
  const { module: factory } = await loadFactory(task.path);
  const only = profilePattern(PROFILES[task.profile], CHECKED_REQUIREMENTS);
  const result = await runSuite({ factory, runs: task.cap, seed: task.seed, strategy: task.strategy, timeBudgetMs: task.attemptMs, only });
  const failure = result.failure;
  const ms = Date.now() - started;
  if (!failure) return { kind: 'search', task, ms, runs: result.runs };
  return {
    kind: 'search',
    task,
    ms,
    runs: result.runs,
    kill: {
      runsToFailure: failure.runsToFailure,
      originalLength: failure.firstTraceLength,
      shrunkLength: failure.trace.length,
      shrinkMs: failure.shrinkMs ?? 0,
      shrinks: failure.shrinks,
      source: failure.finding.source,
      requirements: [...new Set([failure.finding, ...failure.others].flatMap((f) => f.requirements))],
      flagged: flaggedBy(failure),
      token: failure.token,
    },
  };
}

async function checks(task: Extract<Task, { kind: 'checks' }>): Promise<ChecksOutcome> {
  const started = Date.now();
  const { module: factory } = await loadFactory(task.path);
  const profile = PROFILES[task.profile];
  const failed = (await runChecks(factory)).flatMap((o) =>
    o.findings.flatMap((f) => f.requirements.filter((id) => applies(profile, id)).map((id) => `${o.check}: ${id}`)),
  );
  return { kind: 'checks', task, ms: Date.now() - started, failed: [...new Set(failed)] };
}

export async function attempt(task: Task): Promise<Outcome> {
  const started = Date.now();
  try {
    return await (task.kind === 'search' ? search(task) : checks(task));
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' | ') : String(err);
    if (task.kind === 'checks') return { kind: 'checks', task, ms: Date.now() - started, failed: [`the checks could not run: ${error}`] };
    return { kind: 'search', task, ms: Date.now() - started, runs: 0, error };
  }
}

/** The child's side: take tasks from the parent, answer each with its outcome or the error that stopped it. */
export function serveAsWorker(): void {
  process.on('message', (task: Task) => {
    attempt(task).then(
      (outcome) => process.send?.({ outcome }),
      (err: unknown) => process.send?.({ error: `${task.key}: ${err instanceof Error ? err.stack : String(err)}` }),
    );
  });
}
