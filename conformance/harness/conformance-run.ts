/**
 * One conformance run of a factory: the harness checks, then the search of generated scenarios on N workers
 * (search-pool.ts); each failing run that breaks a requirement no earlier run broke is a failure, shrunk
 * (search-walk.ts), so the search goes on past a failure for the other requirements. With --shard i/n it searches
 * one slice of the runs, and the harness checks run in shard 1 only; `cnxnspec merge` puts the shards together
 * (shard-file.ts). The result gives every requirement of the spec a verdict: passed or failed
 * (with evidence, and for a search failure its shrunk case and replay line) together with the modes that judged
 * it, or not judged with the reason, so that nothing passes silently.
 */

import { invariants } from '../../spec/invariants/index.ts';
import { JUDGING } from '../../spec/judging.ts';
import type { JudgeMode } from '../../spec/requirement.ts';
import { requirements as allRequirements } from '../../spec/requirements/index.ts';
import type { Failure, Progress } from './run-suite.ts';
import type { StrategyName } from './suite-token.ts';
import { runGuardedChecks, runGuardedSuite } from './guarded-suite.ts';
import { searchInPool } from './search-pool.ts';
import { WHOLE, shardText, type Shard } from './search-slice.ts';
import { walk, type SearchRecord } from './search-walk.ts';
import type { Expectations } from './expectations.ts';
import type { NamedOutcome } from './checks/run-checks.ts';
import { checksFor } from './checks/run-checks.ts';
import { applies, PROFILES, profilePattern, type Profile } from './profile.ts';

/**
 * Requirements the search judges besides the invariants': the run itself (a thread that died, a run that never
 * settles, a method that threw: run-scenario.ts) and the peers and handler that check every answer
 * (expected-replies*.ts, handler/).
 */
const SEARCH_HARNESS_REQUIREMENTS = [
  'factory.host-runtime-only',
  'factory.lifecycle-start-once',
  'factory.lifecycle-stop',
  'accept.loop',
  'selector.loop',
  'expiry.thread',
  'wire.handshake',
  'wire.ping',
  'wire.order',
  'cnxn.framing',
  'cnxn.close',
  'cnxn.outgoing-buffers',
  'cnxn.throttle',
  'wire.bad-frame',
  'accept.max-cnxns',
  'cnxn.four-letter-word',
];

/** Requirements the search of generated scenarios can break. */
export const SEARCHED_REQUIREMENTS: readonly string[] = [...new Set([...invariants.flatMap((i) => i.requirements), ...SEARCH_HARNESS_REQUIREMENTS])].sort();

/** What the search judges under `profile`: the above and what the profile's own invariants name. */
function searchedUnder(profile: Profile): readonly string[] {
  return [...SEARCHED_REQUIREMENTS, ...(profile.invariants ?? []).flatMap((i) => i.requirements)];
}

/** Every requirement the suite can judge for some factory: what an expectations file may name. */
export const CHECKED_REQUIREMENTS: readonly string[] = allRequirements.filter((r) => JUDGING[r.id]?.by !== 'not-judgeable').map((r) => r.id);

export type RequirementStatus = 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass' | 'not-judged';

export interface RequirementResult {
  readonly id: string;
  readonly status: RequirementStatus;
  /** The modes that judged it in this run (empty when not judged). */
  readonly judgedBy: readonly JudgeMode[];
  /** Index into `failures` when the search broke it. */
  readonly failure?: number;
  /** The harness or wire check findings that broke it. */
  readonly checkFindings?: readonly CheckFailure[];
  /** From the expectations file. */
  readonly reason?: string;
  /** Why it was not judged. */
  readonly notJudged?: string;
}

export interface CheckFailure {
  readonly check: string;
  readonly mode: JudgeMode;
  readonly message: string;
  readonly evidence: readonly string[];
}

export interface ConformanceOptions {
  readonly factoryPath?: string;
  readonly runs: number;
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly timeBudgetMs: number;
  /** Wall-clock ms each failure's shrinking may take (run-suite.ts). */
  readonly shrinkBudgetMs?: number;
  /** Only requirements whose ID matches. */
  readonly only?: RegExp;
  readonly replay?: string;
  readonly expectations?: Expectations;
  readonly stallMs?: number;
  /** Rounds at most (each finds at most one failure). */
  readonly maxFailures?: number;
  /** The design the factory follows; it decides which requirements apply. */
  readonly profile?: Profile;
  /** Skip the harness checks (a replay runs only the search). */
  readonly checks?: boolean;
  /** Worker processes for the search (default 1); the result does not depend on it. */
  readonly workers?: number;
  /** The slice of the runs to search (default: all); the harness checks run in shard 1. */
  readonly shard?: Shard;
  readonly onProgress?: (progress: Progress & { readonly workers: number; readonly budgetMs: number }) => void;
}

/** What judging needs besides what ran. */
export type JudgeOptions = Pick<ConformanceOptions, 'profile' | 'only' | 'expectations' | 'replay' | 'shard'>;

export interface ConformanceResult {
  readonly runs: number;
  readonly durationMs: number;
  readonly failures: readonly Failure[];
  readonly requirements: readonly RequirementResult[];
  /** True when every judged requirement passed or failed as expected. */
  readonly ok: boolean;
  /** What the search's runs saw (not for a replay): what a shard hands to `cnxnspec merge`. */
  readonly search?: SearchRecord;
  /** The harness checks' outcomes, when they ran here. */
  readonly outcomes?: readonly NamedOutcome[];
}

export interface SearchOutcome {
  readonly runs: number;
  readonly failures: readonly Failure[];
  readonly failedBy: ReadonlyMap<string, number>;
  /** Why nothing else could be judged (the factory never started). */
  readonly notJudged?: string;
  readonly record?: SearchRecord;
}

async function search(options: ConformanceOptions): Promise<SearchOutcome> {
  // Findings count only on requirements the profile judges (and --only selects).
  const only = profilePattern(options.profile ?? PROFILES.nio, CHECKED_REQUIREMENTS, options.only).source;
  const stallMs = options.stallMs ?? 20_000;
  if (options.replay) {
    const result = await runGuardedSuite(
      {
        ...(options.factoryPath ? { factoryPath: options.factoryPath } : {}),
        runs: 1,
        seed: options.seed,
        strategy: options.strategy,
        only,
        replay: options.replay,
        ...(options.profile ? { profile: options.profile.name } : {}),
      },
      { stallMs, onProgress: (p) => options.onProgress?.({ ...p, workers: 1, budgetMs: options.timeBudgetMs }) },
    );
    const failures = result.failure ? [result.failure] : [];
    const failedBy = new Map((result.failure?.finding.requirements ?? []).map((id) => [id, 0]));
    return { runs: result.runs, failures, failedBy, ...(result.notJudged ? { notJudged: result.notJudged } : {}) };
  }
  const record = await searchInPool({
    ...(options.factoryPath ? { factoryPath: options.factoryPath } : {}),
    seed: options.seed,
    strategy: options.strategy,
    only,
    runs: options.runs,
    shard: options.shard ?? WHOLE,
    workers: options.workers ?? 1,
    timeBudgetMs: options.timeBudgetMs,
    ...(options.shrinkBudgetMs !== undefined ? { shrinkBudgetMs: options.shrinkBudgetMs } : {}),
    maxFailures: maxFailuresOf(options),
    ...(options.profile ? { profile: options.profile.name } : {}),
    stallMs,
    onProgress: (p) => options.onProgress?.({ ...p, budgetMs: options.timeBudgetMs }),
  });
  return { ...walk(record, maxFailuresOf(options)), record };
}

export function maxFailuresOf(options: Pick<ConformanceOptions, 'maxFailures'>): number {
  return options.maxFailures ?? 8;
}

async function checks(options: ConformanceOptions): Promise<readonly NamedOutcome[]> {
  const profile = options.profile ?? PROFILES.nio;
  // Only the checks that judge a requirement --only selects: a search of one requirement need not wait for the wire checks.
  const wanted = checksFor(profile).filter((c) => c.requirements.some((id) => !options.only || options.only.test(id)));
  if (options.checks === false || options.replay || wanted.length === 0 || (options.shard && options.shard.index !== 1)) return [];
  try {
    const request = { ...(options.factoryPath ? { factoryPath: options.factoryPath } : {}), profile: profile.name, checks: wanted.map((c) => c.name) };
    return await runGuardedChecks(request, { stallMs: options.stallMs ?? 20_000 });
  } catch (err) {
    const reason = `the harness checks could not run: ${(err as Error).message}`;
    return wanted.map((c) => ({ check: c.name, mode: c.mode, judged: [], findings: [], notJudged: c.requirements.map((id) => ({ id, reason })) }));
  }
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  const started = Date.now();
  const outcomes = await checks(options);
  const searched = await search(options);
  return judgeAll(options, outcomes, searched, Date.now() - started);
}

/** Every requirement's verdict from the checks' outcomes and the search (also how `cnxnspec merge` judges). */
export function judgeAll(options: JudgeOptions, outcomes: readonly NamedOutcome[], searched: SearchOutcome, durationMs: number): ConformanceResult {
  const requirements = allRequirements.map((r) => judge(r.id, { options, outcomes, searched }));
  const ok = requirements.every((r) => r.status === 'pass' || r.status === 'expected-fail' || r.status === 'not-judged');
  return { runs: searched.runs, durationMs, failures: searched.failures, requirements, ok, outcomes, ...(searched.record ? { search: searched.record } : {}) };
}

interface Evidence {
  readonly options: JudgeOptions;
  readonly outcomes: readonly NamedOutcome[];
  readonly searched: SearchOutcome;
}

function judge(id: string, { options, outcomes, searched }: Evidence): RequirementResult {
  const { runs, failedBy } = searched;
  const judging = JUDGING[id];
  const notJudged = (why: string): RequirementResult => ({ id, status: 'not-judged', judgedBy: [], notJudged: why });
  if (!judging) return notJudged('spec/judging.ts does not say how it is judged');
  if (judging.by === 'not-judgeable') return notJudged(judging.reason);
  const profile = options.profile ?? PROFILES.nio;
  if (!applies(profile, id)) return notJudged(`does not apply to the ${profile.name} profile (${profile.description}); choose the profile with --profile`);
  if (options.only && !options.only.test(id)) return notJudged(`not selected by --only ${options.only.source}`);

  const judgedBy = new Set<JudgeMode>();
  const reasons: string[] = [];
  const failure = failedBy.get(id);
  if (judging.by.includes('simulation') || failure !== undefined) {
    if (runs > 0 && (searchedUnder(profile).includes(id) || failure !== undefined)) judgedBy.add('simulation');
    else if (runs === 0) reasons.push('the search ran no scenario');
    else reasons.push('no invariant or search check names it yet');
  }
  const checkFindings: CheckFailure[] = [];
  for (const outcome of outcomes) {
    if (outcome.judged.includes(id)) judgedBy.add(outcome.mode);
    for (const f of outcome.findings) if (f.requirements.includes(id)) checkFindings.push({ check: outcome.check, mode: outcome.mode, message: f.message, evidence: f.evidence });
    for (const n of outcome.notJudged ?? []) if (n.id === id) reasons.push(n.reason);
  }
  for (const mode of judging.by) {
    if (mode !== 'simulation' && !judgedBy.has(mode) && !outcomes.some((o) => o.mode === mode && (o.judged.includes(id) || o.notJudged?.some((n) => n.id === id)))) {
      const elsewhere = options.shard && options.shard.index !== 1 ? `the ${mode} checks run in shard 1 of ${options.shard.count}, not in shard ${shardText(options.shard)}` : undefined;
      reasons.push(options.replay ? `a replay runs no ${mode} checks` : (elsewhere ?? `no ${mode} check ran for it`));
    }
  }
  const broke = failure !== undefined || checkFindings.length > 0;
  // A factory that never started broke its lifecycle requirement; nothing else about it was seen.
  if (!broke && searched.notJudged) return notJudged(searched.notJudged);
  if (judgedBy.size === 0 && !broke) return notJudged(reasons.join('; ') || 'no check judged it');
  const expected = options.expectations?.get(id);
  const reason = expected && (expected.kind === 'flaky' ? `flaky: ${expected.reason}` : expected.reason);
  const base = {
    id,
    judgedBy: [...judgedBy],
    ...(failure !== undefined ? { failure } : {}),
    ...(checkFindings.length ? { checkFindings } : {}),
    ...(reason ? { reason } : {}),
  };
  if (!broke) return { ...base, status: expected?.kind === 'fail' ? 'unexpected-pass' : 'pass' };
  return { ...base, status: expected ? 'expected-fail' : 'fail' };
}
