/**
 * PCT, Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010), bug depth d:
 * every actor gets a distinct priority when first seen (all >= d), the runnable actor with the highest priority
 * runs, and at each of d-1 change points the actor about to run drops to priority i (i = 1..d-1, below every
 * initial priority) and the pick is made again. One run finds a bug of depth d (d ordering constraints, d-1 of
 * them preemptions) with probability at least 1/(n * k^(d-1)) for n actors and k places a change point can fall.
 *
 * Change points count preemption opportunities, not steps: a step at which the actor about to run is the one that
 * ran the step before and another actor could run instead. Only there does a demotion preempt a thread; at any
 * other step the running actor has just blocked or been outrun, and the random initial priorities already cover
 * the order the others go in. Counting every step made k three times larger for nothing (the default scenarios
 * take a median 154 steps, 49 of them preemption opportunities), and a bug that needs one preemption at one
 * place (a worker between its updateQueue offer and its wakeup while the selector thread drains that queue: the
 * mutant selectable-after-restore) was found by d=2 about once in 2,000 runs.
 *
 * Params, as fast-check draws and shrinks them:
 * - `priorities[j]` places the j-th newly seen actor: its rank among the s actors seen before it is
 *   `priorities[j] % (s + 1)`, 0 = lowest. A missing entry is 0, so shorter and smaller arrays shrink towards
 *   "the first actor seen has the highest priority", a schedule that runs one actor as long as it can.
 * - `changePoints[i - 1]` is the preemption opportunity (0-based count, as above) at which the running actor
 *   drops to i; at most d-1 of them, fewer is fine (a shrunk schedule with fewer preemptions).
 * Actors are known by name: a name that comes back (a second `main`, across runs) is the same actor.
 *
 * Token: code `p<d>`, choices `[changePoints.length, ...changePoints, ...priorities]`; undefined for
 * `pctFromSeed` with the default expected length, which the seed alone reproduces.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import { createPrng, STREAM } from './prng.ts';
import type { SchedulingStrategy, StrategyToken } from './strategy.ts';

export interface PctParams {
  readonly depth: number;
  readonly changePoints: readonly number[];
  readonly priorities: readonly number[];
}

/** Preemption opportunities a seeded PCT run is expected to have: change points fall in [0, this). A `c1.s<seed>.p<d>` token uses it. */
export const DEFAULT_PCT_EXPECTED_STEPS = 10_000;
/** Replay tokens name depths 1 to 99. */
const MAX_DEPTH = 99;

export function pct(params: PctParams): SchedulingStrategy {
  const { depth, changePoints, priorities } = checkParams(params);
  const token: StrategyToken = { code: `p${depth}`, choices: [changePoints.length, ...changePoints, ...priorities] };
  return { ...core(depth, changePoints, (j, seen) => (priorities[j] ?? 0) % (seen + 1)), token };
}

/**
 * For exploration: d-1 change points uniform in [0, expectedSteps) and each new actor's rank uniform among the
 * ranks open to it, from the seeded PRNG. `seed` must be the simulation's seed for its token to replay. With
 * another expectedSteps than the default, the token carries the drawn params as explicit choices instead.
 */
export function pctFromSeed(seed: number, depth: number, expectedSteps: number = DEFAULT_PCT_EXPECTED_STEPS): SchedulingStrategy {
  checkDepth(depth);
  if (!Number.isSafeInteger(expectedSteps) || expectedSteps < 1) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `PCT expectedSteps is ${expectedSteps}; it must be a positive integer`);
  }
  // Same stream as the random walk: a simulation runs one strategy, so they never draw side by side.
  const prng = createPrng(seed, STREAM.schedule);
  const changePoints = Array.from({ length: depth - 1 }, () => prng.below(expectedSteps));
  const drawn: number[] = [];
  const strategy = core(depth, changePoints, (j, seen) => (drawn[j] = prng.below(seen + 1)));
  if (expectedSteps === DEFAULT_PCT_EXPECTED_STEPS) return { ...strategy, token: { code: `p${depth}`, choices: undefined } };
  return {
    ...strategy,
    // A getter: the ranks are drawn as actors appear, so the choices are known only as the run goes.
    get token(): StrategyToken {
      return { code: `p${depth}`, choices: [changePoints.length, ...changePoints, ...drawn] };
    },
  };
}

/**
 * Reads a token's choices back into params. An empty array is count 0 with default priorities. Malformed choices
 * throw CNXNSPEC_ERR_CONFIG (a malformed token); `source` names the token.
 */
export function pctParamsFromChoices(depth: number, choices: readonly number[], source = 'PCT choices'): PctParams {
  checkDepth(depth);
  const [count = 0, ...rest] = choices;
  const problem =
    count > depth - 1
      ? `they announce ${count} change points, and depth ${depth} takes at most ${depth - 1}`
      : count > rest.length
        ? `they announce ${count} change points, but only ${rest.length} numbers follow the count`
        : undefined;
  if (problem !== undefined) {
    throw new CnxnspecError(
      'CNXNSPEC_ERR_CONFIG',
      `${source}: the choices [${choices.join(', ')}] are not PCT params (${problem}); ` +
        'PCT choices are [number of change points, ...change points, ...priorities]',
    );
  }
  return { depth, changePoints: rest.slice(0, count), priorities: rest.slice(count) };
}

/** The scheduling itself; `rankFor(j, seen)` places the j-th new actor among the `seen` known ones. */
function core(depth: number, changePoints: readonly number[], rankFor: (j: number, seen: number) => number) {
  // Undemoted actors, lowest priority first: actor at index x has priority depth + x.
  const order: string[] = [];
  const demoted = new Map<string, number>();
  const priority = (name: string): number => demoted.get(name) ?? depth + order.indexOf(name);
  const highest = (runnable: readonly string[]): number => {
    let best = 0;
    for (let x = 1; x < runnable.length; x++) if (priority(runnable[x]!) > priority(runnable[best]!)) best = x;
    return best;
  };
  let seenCount = 0;
  let previous: string | undefined;
  let opportunity = 0;
  return {
    name: `pct d=${depth}`,
    pick(runnable: readonly string[]): number {
      for (const name of runnable) {
        if (demoted.has(name) || order.includes(name)) continue;
        order.splice(rankFor(seenCount, order.length + demoted.size), 0, name);
        seenCount++;
      }
      let best = highest(runnable);
      if (runnable.length > 1 && runnable[best] === previous) {
        for (let i = 1; i <= changePoints.length; i++) {
          if (changePoints[i - 1] !== opportunity) continue;
          const name = runnable[best]!;
          const at = order.indexOf(name);
          if (at >= 0) order.splice(at, 1);
          demoted.set(name, i);
          best = highest(runnable);
        }
        opportunity++;
      }
      previous = runnable[best];
      return best;
    },
  };
}

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `PCT depth is ${depth}; it must be an integer from 1 to ${MAX_DEPTH}`);
  }
}

function checkParams(params: PctParams): PctParams {
  checkDepth(params.depth);
  if (params.changePoints.length > params.depth - 1) {
    throw new CnxnspecError(
      'CNXNSPEC_ERR_CONFIG',
      `PCT depth ${params.depth} takes at most ${params.depth - 1} change points, got ${params.changePoints.length}`,
    );
  }
  for (const [what, values] of [['changePoints', params.changePoints], ['priorities', params.priorities]] as const) {
    const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 0xffff_ffff);
    if (bad < 0) continue;
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `PCT ${what}[${bad}] is ${values[bad]}; it must be an integer from 0 to 2^32-1`);
  }
  return { depth: params.depth, changePoints: [...params.changePoints], priorities: [...params.priorities] };
}
