/**
 * A block of a search's runs, by index: fast-check's draws number `from` to `from + count - 1` for the seed, each
 * run against the factory, nothing shrunk. fast-check replays from a path, and a path without colons is the index
 * of the run to start from, so run i is the same scenario and schedule here as in one long search.
 */

import fc from 'fast-check';
import type { FactoryModule } from '../../spec/server-cnxn-factory.ts';
import type { Invariant } from '../../spec/invariants/index.ts';
import { randomFrom } from './draw-cursor.ts';
import { runOne, scheduleArbitrary } from './run-suite.ts';
import { scenarioArbitrary } from './scenario-arbitrary.ts';
import type { Scenario } from './scenario.ts';
import type { Schedule } from './schedule.ts';
import type { FailedRun } from './search-walk.ts';
import type { StrategyName } from './suite-token.ts';

export interface BlockOptions {
  readonly factory: FactoryModule;
  readonly seed: number;
  readonly strategy: StrategyName;
  /** Findings count when one of their requirements matches. */
  readonly only?: RegExp;
  readonly from: number;
  readonly count: number;
  /** Before each run: the watchdog's heartbeat. */
  readonly onRun?: (index: number) => void;
  readonly onFailed?: (run: FailedRun) => void;
  /** The profile's own safety invariants, judged on top of the default ones (profile.ts). */
  readonly invariants?: readonly Invariant[];
}

export async function searchBlock(options: BlockOptions): Promise<void> {
  let index = options.from;
  // The schedule drawn as the run reads it: these runs never leave this process (lazy-choices.ts).
  const property = fc.asyncProperty(scenarioArbitrary, scheduleArbitrary(options.strategy, true), async (scenario, schedule) => {
    const at = index++;
    options.onRun?.(at);
    const { findings } = await runOne(options.factory, scenario, schedule, options.only, options.invariants);
    if (findings.length > 0) options.onFailed?.({ index: at, classes: findings.map((f) => ({ source: f.source, requirements: [...f.requirements] })) });
    return true;
  });
  await fc.check(property, runsFrom(options.seed, options.from, options.count));
}

/** fast-check's parameters for runs `from` to `from + count - 1` of `seed`, its generator already standing at run `from` (draw-cursor.ts). */
function runsFrom(seed: number, from: number, count: number): fc.Parameters<unknown> {
  return { numRuns: count, seed, path: String(from), randomType: randomFrom(seed, from) };
}

/** The scenario and schedule of run `index`, without running it (to name a run that hung). */
export function drawAt(seed: number, strategy: StrategyName, index: number): { scenario: Scenario; schedule: Schedule } {
  let drawn: { scenario: Scenario; schedule: Schedule } | undefined;
  fc.check(
    fc.property(scenarioArbitrary, scheduleArbitrary(strategy), (scenario, schedule) => {
      drawn = { scenario, schedule };
      return true;
    }),
    runsFrom(seed, index, 1),
  );
  return drawn!;
}
