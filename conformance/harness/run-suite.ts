/**
 * The conformance suite proper: fast-check draws scenarios and schedules together, runs each against the
 * factory in the simulation, and on a finding shrinks both to the smallest case that still fails. The result
 * names the requirement, the evidence, the shrunk trace and a replay token that reproduces it exactly.
 */

import fc from 'fast-check';
import type { FactoryModule } from '../../spec/server-cnxn-factory.ts';
import type { Invariant } from '../../spec/invariants/index.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { POS_PRIORITY_RANGE } from '../sim/index.ts';
import { choicesArbitrary, lazyChoices } from './lazy-choices.ts';
import { runScenario, type RunResult } from './run-scenario.ts';
import { scenarioArbitrary } from './scenario-arbitrary.ts';
import type { Scenario } from './scenario.ts';
import type { Schedule } from './schedule.ts';
import { encodeSuiteToken, type StrategyName, type SuiteToken } from './suite-token.ts';

export interface Finding {
  readonly requirements: readonly string[];
  readonly source: string;
  readonly message: string;
  readonly evidence: readonly number[];
}

export interface Failure {
  readonly finding: Finding;
  readonly others: readonly Finding[];
  readonly scenario: Scenario;
  readonly schedule: Schedule;
  readonly trace: readonly TraceEvent[];
  readonly token: string;
  /** Runs made while shrinking. */
  readonly shrinks: number;
  /** Wall-clock ms spent shrinking. */
  readonly shrinkMs?: number;
  /** Trace length of the first failing run, before shrinking. */
  readonly firstTraceLength: number;
  /** Runs (not counting shrinking) until the first failure. */
  readonly runsToFailure: number;
}

export interface Progress {
  readonly runs: number;
  readonly shrinking: boolean;
  readonly elapsedMs: number;
  /** While shrinking: runs made so far, and the shortest failing trace found (events). */
  readonly shrinkRuns?: number;
  readonly shortest?: number;
}

export interface SuiteOptions {
  readonly factory: FactoryModule;
  readonly runs: number;
  readonly seed: number;
  readonly strategy: StrategyName;
  /** Stop drawing new runs after this long; what ran still counts. */
  readonly timeBudgetMs?: number;
  /** Only findings on requirements matching this count. */
  readonly only?: RegExp;
  readonly replay?: SuiteToken;
  /** Run only the seed's run with this index (0-based) and shrink it if it fails (search-pool.ts). */
  readonly at?: number;
  /** Only findings from this invariant (or 'harness') count: what shrinking towards one finding keeps. */
  readonly source?: string;
  /** Wall-clock ms shrinking may take; it ends with the shortest failure found by then. Default 10 s. */
  readonly shrinkBudgetMs?: number;
  /** Called before each run with the scenario about to run, so a watchdog can name a run that never returns. */
  readonly onRun?: (scenario: Scenario, schedule: Schedule, seed: number) => void;
  readonly onProgress?: (progress: Progress) => void;
  /** The profile's own safety invariants, judged on top of the default ones (profile.ts). */
  readonly invariants?: readonly Invariant[];
}

export interface SuiteResult {
  readonly runs: number;
  readonly durationMs: number;
  readonly failure?: Failure;
  /** The time budget ended the search before `runs` were done. */
  readonly interrupted: boolean;
}

/**
 * Where PCT's change points fall. They count preemption opportunities (sim/pct.ts), of which a run has a median
 * of ~50 (p90 ~200, rarely more than 600). A change point past the run's last one is wasted, one inside it hits
 * a given opportunity with probability 1/range: so most are drawn from a small range and a few from larger ones.
 */
const changePoint = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 63 }) },
  { weight: 2, arbitrary: fc.nat({ max: 255 }) },
  { weight: 1, arbitrary: fc.nat({ max: 1_023 }) },
);
/**
 * One rank per actor a run has (main, up to 5 peers, accept, up to 4 selectors and 4 workers, the expirer):
 * with fewer, every actor seen after the array ran out got the lowest rank, so the threads started last (the
 * workers) were nearly always below the selector threads, and a worker never ran while its selector was awake.
 */
const PCT_RANKS = 16;

export const DEFAULT_SHRINK_BUDGET_MS = 10_000;

/**
 * The schedules fast-check draws for a strategy. `lazy` draws a random walk's choices and POS's draws as a run
 * reads them (lazy-choices.ts): the same schedules, for a search's own runs, which never leave their process.
 */
export function scheduleArbitrary(strategy: StrategyName, lazy = false): fc.Arbitrary<Schedule> {
  const choices = lazy ? lazyChoices : choicesArbitrary;
  if (strategy.kind === 'random') return choices(1_000).map((choices) => ({ kind: 'random' as const, choices }));
  if (strategy.kind === 'pos') return choices(POS_PRIORITY_RANGE - 1).map((draws) => ({ kind: 'pos' as const, draws }));
  const depth = strategy.depth;
  return fc
    .record({
      changePoints: fc.array(changePoint, { minLength: depth - 1, maxLength: depth - 1 }),
      priorities: fc.array(fc.nat({ max: 64 }), { minLength: PCT_RANKS, maxLength: 32, size: 'max' }),
    })
    .map(({ changePoints, priorities }) => ({ kind: 'pct' as const, depth, changePoints, priorities }));
}

export function findingsOf(result: RunResult, only?: RegExp): Finding[] {
  // Invariant violations first: they name the rule and the events, where a harness problem (a busy loop, a
  // deadlock) is often only the symptom.
  const all: Finding[] = [
    ...result.violations.map((v) => ({ requirements: v.requirements, source: v.invariant, message: v.message, evidence: v.evidence })),
    ...result.problems.map((p) => ({ requirements: p.requirements, source: 'harness', message: p.message, evidence: p.evidence })),
  ];
  return only ? all.filter((f) => f.requirements.some((id) => only.test(id))) : all;
}

/** A run's seed for runtime.shuffle, derived from the scenario so that a replay needs nothing else. */
export function shuffleSeed(scenario: Scenario): number {
  return scenario.peers.length * 7919 + scenario.config.selectors * 31 + scenario.config.workers;
}

export async function runOne(
  factory: FactoryModule,
  scenario: Scenario,
  schedule: Schedule,
  only?: RegExp,
  invariants?: readonly Invariant[],
): Promise<{ result: RunResult; findings: Finding[] }> {
  const result = await runScenario(factory, scenario, schedule, { seed: shuffleSeed(scenario), ...(invariants ? { invariants } : {}) });
  return { result, findings: findingsOf(result, only) };
}

function sameFailure(findings: readonly Finding[], first: readonly Finding[]): boolean {
  const broken = new Set(findings.flatMap((f) => f.requirements));
  return findings.some((f) => f.source === first[0]!.source) && first.every((f) => f.requirements.every((id) => broken.has(id)));
}

/** The findings with the first one from `source` put first. */
function sameFirst(findings: readonly Finding[], source: string): Finding[] {
  const at = findings.findIndex((f) => f.source === source);
  return at <= 0 ? [...findings] : [findings[at]!, ...findings.slice(0, at), ...findings.slice(at + 1)];
}

interface FailingRun {
  readonly scenario: Scenario;
  readonly schedule: Schedule;
  readonly result: RunResult;
  readonly findings: readonly Finding[];
}

/**
 * fast-check searches, then shrinks the (scenario, schedule) tuple, the scenario first (peers, bytes, faults,
 * costs), then the schedule. Its shrink path keeps any smaller value that still fails, and a "smaller" scenario
 * under a schedule drawn for another one can run longer; so every failing run is weighed by its trace length,
 * and the shortest one that fails as the first did (same check, every requirement) is the result, however fast-check's path ended. Shrinking stops after the shrink budget,
 * with an interrupting precondition failure, which ends fast-check's run at once and keeps its failure.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = Date.now();
  if (options.replay?.form === 'explicit') return replayExplicit(options, options.replay, started);
  const replay = options.replay?.form === 'path' ? options.replay : undefined;
  // A replay reproduces the case its path names, and shrinks no further.
  const shrinkBudgetMs = replay ? 0 : (options.shrinkBudgetMs ?? DEFAULT_SHRINK_BUDGET_MS);
  let runs = 0;
  let shrinkRuns = 0;
  let firstFailureAt = 0;
  let firstTraceLength = 0;
  let shrinkStarted = 0;
  let best: FailingRun | undefined;
  let last: FailingRun | undefined;
  const property = fc.asyncProperty(scenarioArbitrary, scheduleArbitrary(options.strategy), async (scenario, schedule) => {
    const shrinking = best !== undefined;
    // Past the budget: a precondition failure that interrupts ends fast-check's run and keeps its failure.
    if (shrinking && Date.now() - shrinkStarted >= shrinkBudgetMs) throw new fc.PreconditionFailure(true);
    if (shrinking) shrinkRuns += 1;
    else runs += 1;
    options.onRun?.(scenario, schedule, shuffleSeed(scenario));
    options.onProgress?.({ runs, shrinking, elapsedMs: Date.now() - started, ...(best ? { shrinkRuns, shortest: best.result.trace.length } : {}) });
    const { result, findings: all } = await runOne(options.factory, scenario, schedule, options.only, options.invariants);
    const findings = options.source === undefined ? all : all.filter((f) => f.source === options.source);
    // While shrinking, only a run that fails the first failure's check and breaks every requirement it broke
    // counts: a shorter run that fails some other way is another finding, not a smaller case of this one.
    if (findings.length === 0 || (best && !sameFailure(findings, best.findings))) return true;
    last = { scenario, schedule, result, findings: best ? sameFirst(findings, best.findings[0]!.source) : findings };
    if (!best) {
      shrinkStarted = Date.now();
      firstFailureAt = runs;
      firstTraceLength = result.trace.length;
    }
    if (!best || result.trace.length < best.result.trace.length) best = last;
    return false;
  });
  // A path without colons starts the runs at that index: run `at` is the run the whole search made there.
  const path = replay ? replay.path : options.at !== undefined ? String(options.at) : undefined;
  const details = await fc.check(property, {
    numRuns: path !== undefined ? 1 : options.runs,
    seed: replay ? replay.seed : options.seed,
    ...(path !== undefined ? { path } : {}),
    ...(options.timeBudgetMs && path === undefined ? { interruptAfterTimeLimit: options.timeBudgetMs, markInterruptAsFailure: false } : {}),
    endOnFailure: false,
  });
  const durationMs = Date.now() - started;
  if (!details.failed && !best) return { runs, durationMs, interrupted: details.interrupted };
  if (!best) throw details.errorInstance ?? new Error('fast-check reported a failure that no run of the property saw');
  const shrinkMs = Date.now() - shrinkStarted;
  // fast-check's path names its last failing case; any other shortest case is carried whole.
  const token =
    best === last && details.counterexamplePath
      ? encodeSuiteToken({ form: 'path', seed: details.seed, strategy: options.strategy, path: details.counterexamplePath })
      : encodeSuiteToken({ form: 'explicit', scenario: best.scenario, schedule: best.schedule, seed: shuffleSeed(best.scenario) });
  const [finding, ...others] = best.findings;
  return {
    runs,
    durationMs,
    interrupted: false,
    failure: {
      finding: finding!,
      others,
      scenario: best.scenario,
      schedule: best.schedule,
      trace: best.result.trace,
      token,
      shrinks: shrinkRuns,
      shrinkMs,
      firstTraceLength,
      runsToFailure: replay ? 1 : (options.at ?? 0) + firstFailureAt,
    },
  };
}

async function replayExplicit(options: SuiteOptions, token: Extract<SuiteToken, { form: 'explicit' }>, started: number): Promise<SuiteResult> {
  options.onRun?.(token.scenario, token.schedule, token.seed);
  const { result, findings } = await runOne(options.factory, token.scenario, token.schedule, options.only, options.invariants);
  const [finding, ...others] = findings;
  const durationMs = Date.now() - started;
  if (!finding) return { runs: 1, durationMs, interrupted: false };
  const failure: Failure = {
    finding,
    others,
    scenario: token.scenario,
    schedule: token.schedule,
    trace: result.trace,
    token: encodeSuiteToken(token),
    shrinks: 0,
    shrinkMs: 0,
    firstTraceLength: result.trace.length,
    runsToFailure: 1,
  };
  return { runs: 1, durationMs, interrupted: false, failure };
}
