/**
 * (e) The harness's own speed, run as a child of bench/run.ts (so a hang cannot stall the run) or by hand:
 *
 *     node --import tsx bench/harness-bench.ts [--reps 3] [--seconds 8] [--cap 1000] [--kill-seconds 20]
 *
 * - scenario runs per second: runSuite on the reference NIO factory for a fixed time, random walk and PCT (d=2),
 *   one seed per repetition (the reference passes, so nothing is shrunk);
 * - runs to kill each mutant of fixtures/mutants/ per strategy: the suite's own property (same arbitraries, same
 *   seeds as runSuite) checked with fast-check's endOnFailure, so the count stops at the first failing run and no
 *   time goes into shrinking (bench/kill-matrix.ts measures shrinking and which invariant catches what, in
 *   docs/kill-matrix.md).
 * Prints progress lines on stderr and each sample as one JSON line on stdout (`{"rate":...}` or `{"kill":...}`), so that
 * what was measured survives if the parent stops this process at its time limit.
 */
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadFactory } from '../conformance/harness/factory-module.ts';
import { runOne, runSuite, scheduleArbitrary } from '../conformance/harness/run-suite.ts';
import { scenarioArbitrary } from '../conformance/harness/scenario-arbitrary.ts';
import type { StrategyName } from '../conformance/harness/suite-token.ts';

export interface RateSample {
  readonly strategy: string;
  readonly seed: number;
  readonly runs: number;
  readonly ms: number;
}

export interface KillSample {
  readonly mutant: string;
  readonly strategy: string;
  readonly seed: number;
  /** Runs until the first failing one (inclusive); undefined when it survived `runs` runs. */
  readonly runsToKill?: number;
  readonly runs: number;
  readonly ms: number;
}

export interface HarnessResult {
  readonly rates: RateSample[];
  readonly kills: KillSample[];
  readonly cap: number;
  readonly killSeconds: number;
  /** Set when the parent stopped the run at its time limit. */
  stoppedAt?: string;
}

export const STRATEGIES: ReadonlyArray<{ readonly label: string; readonly strategy: StrategyName }> = [
  { label: 'random walk', strategy: { kind: 'random' } },
  { label: 'PCT d=2', strategy: { kind: 'pct', depth: 2 } },
];

const MUTANTS_DIR = fileURLToPath(new URL('../fixtures/mutants/', import.meta.url));

async function runsPerSecond(label: string, strategy: StrategyName, seed: number, seconds: number): Promise<RateSample> {
  const { module } = await loadFactory();
  const result = await runSuite({ factory: module, runs: 1_000_000, seed, strategy, timeBudgetMs: seconds * 1000 });
  if (result.failure) throw new Error(`the reference failed the suite (${result.failure.token}): runs/s would mean nothing`);
  return { strategy: label, seed, runs: result.runs, ms: result.durationMs };
}

async function runsToKill(mutant: string, label: string, strategy: StrategyName, seed: number, cap: number, seconds: number): Promise<KillSample> {
  const { module } = await loadFactory(`${MUTANTS_DIR}${mutant}.ts`);
  let runs = 0;
  let killedAt: number | undefined;
  const started = Date.now();
  const property = fc.asyncProperty(scenarioArbitrary, scheduleArbitrary(strategy), async (scenario, schedule) => {
    runs++;
    const { findings } = await runOne(module, scenario, schedule);
    if (findings.length > 0 && killedAt === undefined) killedAt = runs;
    return findings.length === 0;
  });
  await fc.check(property, { numRuns: cap, seed, endOnFailure: true, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false });
  return { mutant, strategy: label, seed, runs, ms: Date.now() - started, ...(killedAt !== undefined ? { runsToKill: killedAt } : {}) };
}

export function listMutants(): string[] {
  try {
    return readdirSync(MUTANTS_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '8' },
      cap: { type: 'string', default: '1000' },
      'kill-seconds': { type: 'string', default: '20' },
    },
  });
  const reps = Number(values.reps);
  const seconds = Number(values.seconds);
  const cap = Number(values.cap);
  const killSeconds = Number(values['kill-seconds']);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const rates: RateSample[] = [];
  for (let seed = 1; seed <= reps; seed++) {
    for (const { label, strategy } of STRATEGIES) {
      const sample = await runsPerSecond(label, strategy, seed, seconds);
      rates.push(sample);
      process.stdout.write(`${JSON.stringify({ rate: sample })}\n`);
      say(`  runs/s ${label}, seed ${seed}: ${sample.runs} runs in ${(sample.ms / 1000).toFixed(1)} s = ${((sample.runs * 1000) / sample.ms).toFixed(0)}/s`);
    }
  }
  const kills: KillSample[] = [];
  const mutants = listMutants();
  for (let seed = 1; seed <= reps; seed++) {
    for (const mutant of mutants) {
      for (const { label, strategy } of STRATEGIES) {
        const sample = await runsToKill(mutant, label, strategy, seed, cap, killSeconds);
        kills.push(sample);
        process.stdout.write(`${JSON.stringify({ kill: sample })}\n`);
        const what = sample.runsToKill !== undefined ? `killed at run ${sample.runsToKill}` : `survived ${sample.runs} runs`;
        say(`  kill ${kills.length}/${mutants.length * STRATEGIES.length * reps} ${mutant} ${label} seed ${seed}: ${what} (${(sample.ms / 1000).toFixed(1)} s)`);
      }
    }
  }
  say(`  harness done: ${rates.length} rate samples, ${kills.length} kill samples (cap ${cap} runs, ${killSeconds} s each)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
