/**
 * The conformance suite proper: fast-check draws scenarios and schedules together, runs each against the
 * factory in the simulation, and on a finding shrinks both to the smallest case that still fails. The result
 * names the requirement, the evidence, the shrunk trace and a replay token that reproduces it exactly.
 */

import fc from 'fast-check';
import type { FactoryModule } from '../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
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
  readonly shrinks: number;
  /** Trace length of the first failing run, before shrinking. */
  readonly firstTraceLength: number;
  /** Runs (not counting shrinking) until the first failure. */
  readonly runsToFailure: number;
}

export interface Progress {
  readonly runs: number;
  readonly shrinking: boolean;
  readonly elapsedMs: number;
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
  /** Called before each run with the scenario about to run, so a watchdog can name a run that never returns. */
  readonly onRun?: (scenario: Scenario, schedule: Schedule, seed: number) => void;
  readonly onProgress?: (progress: Progress) => void;
}

export interface SuiteResult {
  readonly runs: number;
  readonly durationMs: number;
  readonly failure?: Failure;
  /** The time budget ended the search before `runs` were done. */
  readonly interrupted: boolean;
}

export function scheduleArbitrary(strategy: StrategyName): fc.Arbitrary<Schedule> {
  if (strategy.kind === 'random') {
    return fc.array(fc.nat({ max: 1_000 }), { maxLength: 4_000, size: 'max' }).map((choices) => ({ kind: 'random' as const, choices }));
  }
  const depth = strategy.depth;
  return fc
    .record({
      changePoints: fc.array(fc.nat({ max: 4_000 }), { minLength: depth - 1, maxLength: depth - 1 }),
      priorities: fc.array(fc.nat({ max: 64 }), { maxLength: 32, size: 'max' }),
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
function shuffleSeed(scenario: Scenario): number {
  return scenario.peers.length * 7919 + scenario.config.selectors * 31 + scenario.config.workers;
}

export async function runOne(factory: FactoryModule, scenario: Scenario, schedule: Schedule, only?: RegExp): Promise<{ result: RunResult; findings: Finding[] }> {
  const result = await runScenario(factory, scenario, schedule, { seed: shuffleSeed(scenario) });
  return { result, findings: findingsOf(result, only) };
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = Date.now();
  if (options.replay?.form === 'explicit') return replayExplicit(options, options.replay, started);
  let runs = 0;
  let firstFailureAt = 0;
  let firstTraceLength = 0;
  let failing = false;
  const property = fc.asyncProperty(scenarioArbitrary, scheduleArbitrary(options.strategy), async (scenario, schedule) => {
    if (!failing) runs += 1;
    options.onRun?.(scenario, schedule, shuffleSeed(scenario));
    options.onProgress?.({ runs, shrinking: failing, elapsedMs: Date.now() - started });
    const { result, findings } = await runOne(options.factory, scenario, schedule, options.only);
    if (findings.length > 0 && !failing) {
      failing = true;
      firstFailureAt = runs;
      firstTraceLength = result.trace.length;
    }
    return findings.length === 0;
  });
  const replay = options.replay?.form === 'path' ? options.replay : undefined;
  const details = await fc.check(property, {
    numRuns: replay ? 1 : options.runs,
    seed: replay ? replay.seed : options.seed,
    ...(replay ? { path: replay.path } : {}),
    ...(options.timeBudgetMs && !replay ? { interruptAfterTimeLimit: options.timeBudgetMs, markInterruptAsFailure: false } : {}),
    endOnFailure: false,
  });
  const durationMs = Date.now() - started;
  if (!details.failed) return { runs, durationMs, interrupted: details.interrupted };
  if (!details.counterexample) throw details.errorInstance ?? new Error('fast-check reported a failure without a counterexample');
  const [scenario, schedule] = details.counterexample;
  const { result, findings } = await runOne(options.factory, scenario, schedule, options.only);
  const token = encodeSuiteToken({ form: 'path', seed: details.seed, strategy: options.strategy, path: details.counterexamplePath ?? '0' });
  const [finding, ...others] = findings;
  if (!finding) throw new Error(`the shrunk case did not fail again on replay (token ${token}): the factory is not deterministic under the simulation`);
  return {
    runs,
    durationMs,
    interrupted: false,
    failure: {
      finding,
      others,
      scenario,
      schedule,
      trace: result.trace,
      token,
      shrinks: details.numShrinks,
      firstTraceLength,
      runsToFailure: replay ? 1 : firstFailureAt,
    },
  };
}

async function replayExplicit(options: SuiteOptions, token: Extract<SuiteToken, { form: 'explicit' }>, started: number): Promise<SuiteResult> {
  options.onRun?.(token.scenario, token.schedule, token.seed);
  const { result, findings } = await runOne(options.factory, token.scenario, token.schedule, options.only);
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
    firstTraceLength: result.trace.length,
    runsToFailure: 1,
  };
  return { runs: 1, durationMs, interrupted: false, failure };
}
