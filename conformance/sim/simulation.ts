/**
 * createSimulation: the host runtime contract, simulated and deterministic. The same options, seed and choices
 * give a byte-identical trace; `run()` returns an Outcome with a replay token.
 *
 *   const sim = createSimulation({ seed: 42, peers: [{ port: 2181, actions: [{ do: 'send', data: 'ruok' }] }] });
 *   const outcome = await sim.run({ main: async (rt) => { ... } });
 */

import { CnxnspecError } from '../../spec/errors.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import type { HarnessEvent, TraceEvent } from '../../spec/trace/events.ts';
import { SimContext } from './context.ts';
import { SimCosts, type CostModel } from './costs.ts';
import { SimFaults, type FaultPlan } from './faults.ts';
import { SimNetwork } from './network.ts';
import { classifyStuck, pendingWork, type Outcome, type OutcomeStatus } from './outcome.ts';
import type { PeerScript } from './peer.ts';
import { DEFAULT_PCT_EXPECTED_STEPS, pct, pctFromSeed, pctParamsFromChoices } from './pct.ts';
import { pos, posFromSeed } from './pos.ts';
import { createPrng, STREAM } from './prng.ts';
import { randomWalk, randomWalkFromSeed } from './random-walk.ts';
import { decodeReplayToken, encodeReplayToken, type ReplayToken } from './replay-token.ts';
import { Scheduler, type LoopResult } from './scheduler.ts';
import { SimRuntime } from './sim-runtime.ts';
import { SimThread } from './sim-thread.ts';
import type { SchedulingStrategy } from './strategy.ts';
import { TraceRecorder } from './trace-recorder.ts';
import { VirtualClock } from './virtual-clock.ts';

export const DEFAULT_MAX_STEPS = 100_000;
/** One virtual day: far beyond any session timeout, still a bound. */
export const DEFAULT_MAX_VIRTUAL_TIME = 24 * 60 * 60 * 1000;

export interface SimulationOptions {
  /** Seeds runtime.shuffle and, unless choices, strategy or token say otherwise, the random walk. Default 0. */
  readonly seed?: number;
  /** A random walk over these choices (what fast-check draws and shrinks). */
  readonly choices?: readonly number[];
  readonly strategy?: SchedulingStrategy;
  /** A replay token; it sets seed, strategy and choices. */
  readonly token?: string;
  readonly faults?: FaultPlan;
  /** Virtual time reads and writes take (costs.ts); none by default. */
  readonly costs?: CostModel;
  readonly peers?: readonly PeerScript[];
  /** Per run() call. */
  readonly maxSteps?: number;
  /** Absolute virtual time the clock may not pass. */
  readonly maxVirtualTime?: number;
}

export interface RunOptions {
  /** Runs as the logical thread `main`; the run ends when it does. */
  readonly main?: (runtime: HostRuntime) => Promise<void>;
  /** Ends the run (status done) once it holds, checked before every step. */
  readonly until?: () => boolean;
  readonly maxSteps?: number;
  readonly maxVirtualTime?: number;
}

export interface Simulation {
  readonly seed: number;
  readonly strategy: SchedulingStrategy;
  readonly runtime: HostRuntime;
  readonly network: SimNetwork;
  readonly faults: SimFaults;
  run(options?: RunOptions): Promise<Outcome>;
  trace(): readonly TraceEvent[];
  /**
   * Records what the harness itself saw (the configuration it gave, calls across the handler boundary),
   * stamped like runtime events with the calling logical thread.
   */
  observe(body: HarnessEvent): void;
  now(): number;
  /** The replay token of everything run so far. */
  token(): string;
}

export function createSimulation(options: SimulationOptions = {}): Simulation {
  const { seed, strategy } = resolveStrategy(options);
  const limits = {
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    maxVirtualTime: options.maxVirtualTime ?? DEFAULT_MAX_VIRTUAL_TIME,
  };
  const clock = new VirtualClock();
  const sched = new Scheduler(clock, strategy, limits);
  const ctx = new SimContext({
    sched,
    clock,
    trace: new TraceRecorder(() => clock.now()),
    random: createPrng(seed, STREAM.shuffle),
    faults: new SimFaults(options.faults),
    costs: new SimCosts(options.costs),
  });
  const network = new SimNetwork(ctx);
  ctx.network = network;
  const runtime = new SimRuntime(ctx);
  for (const script of options.peers ?? []) network.peer(script);
  const token = (): string => tokenFor(seed, strategy, sched.picks);

  return {
    seed,
    strategy,
    runtime,
    network,
    faults: ctx.faults,
    trace: () => ctx.trace.events(),
    observe: (body) => ctx.emit(body),
    now: () => clock.now(),
    token,
    async run(run: RunOptions = {}): Promise<Outcome> {
      let main: SimThread | undefined;
      if (run.main) {
        const body = run.main;
        main = new SimThread(ctx, 'main', () => body(runtime), false);
        main.start();
      }
      const result = await sched.run({
        maxSteps: run.maxSteps ?? limits.maxSteps,
        maxVirtualTime: run.maxVirtualTime ?? limits.maxVirtualTime,
        until: () => main?.state === 'TERMINATED' || (run.until?.() ?? false),
      });
      return outcome(ctx, result, main, (picks) => tokenFor(seed, strategy, picks));
    },
  };
}

function outcome(ctx: SimContext, result: LoopResult, main: SimThread | undefined, tokenOf: (picks: readonly number[]) => string): Outcome {
  const blocked = ctx.sched.blocked();
  const base = {
    steps: ctx.sched.steps,
    virtualTime: ctx.clock.now(),
    trace: [...ctx.trace.events()],
    choices: [...ctx.sched.picks],
    blocked: blocked.map(({ thread, on }) => ({ thread, on })),
  };
  // The token is encoded when read: the suite makes three outcomes per run and reads none of their tokens.
  let token: string | undefined;
  const lazy = <T extends object>(o: T): T & { readonly token: string } =>
    Object.defineProperty(o, 'token', { get: () => (token ??= tokenOf(base.choices)), enumerable: true }) as T & { readonly token: string };
  if (result.status === 'error') return lazy({ ...base, status: 'error', pending: [], error: result.error, errorSource: 'simulation' });
  if (main?.ended?.threw) return lazy({ ...base, status: 'error', pending: [], error: main.ended.error, errorSource: 'main' });
  if (result.status !== 'stuck') return lazy({ ...base, status: result.status as OutcomeStatus, pending: [] });
  const pending = pendingWork(ctx);
  return lazy({ ...base, status: classifyStuck(blocked.filter((b) => b.kind === 'thread').length, pending), pending });
}

function resolveStrategy(options: SimulationOptions): { seed: number; strategy: SchedulingStrategy } {
  if (options.token !== undefined) {
    const decoded = decodeReplayToken(options.token);
    return { seed: decoded.seed, strategy: strategyFromToken(decoded, options.token) };
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `seed ${seed} is not a safe integer`);
  if (options.strategy) return { seed, strategy: options.strategy };
  if (options.choices) return { seed, strategy: randomWalk(options.choices) };
  return { seed, strategy: randomWalkFromSeed(seed) };
}

/**
 * The strategy a decoded token names. `p<d>` without choices is `pctFromSeed(seed, d)` with
 * DEFAULT_PCT_EXPECTED_STEPS (10,000: change points spread over a run of that many steps); with choices, `pct`
 * over `[count, ...changePoints, ...priorities]`.
 */
export function strategyFromToken(decoded: ReplayToken, text: string): SchedulingStrategy {
  if (decoded.strategy.kind === 'pos') return decoded.choices === undefined ? posFromSeed(decoded.seed) : pos(decoded.choices);
  if (decoded.strategy.kind === 'random-walk') {
    return decoded.choices === undefined ? randomWalkFromSeed(decoded.seed) : randomWalk(decoded.choices);
  }
  const { depth } = decoded.strategy;
  if (decoded.choices === undefined) return pctFromSeed(decoded.seed, depth, DEFAULT_PCT_EXPECTED_STEPS);
  return pct(pctParamsFromChoices(depth, decoded.choices, `replay token ${text} names PCT with depth ${depth}`));
}

/** The strategy's own token when it has one; otherwise the recorded picks, replayed as a random walk. */
function tokenFor(seed: number, strategy: SchedulingStrategy, picks: readonly number[]): string {
  const own = strategy.token;
  if (own?.code === 'o') return encodeReplayToken({ seed, strategy: { kind: 'pos' }, choices: own.choices });
  if (own?.code === 'r') return encodeReplayToken({ seed, strategy: { kind: 'random-walk' }, choices: own.choices });
  const pctCode = own ? /^p([1-9][0-9]?)$/.exec(own.code) : null;
  if (own && pctCode) return encodeReplayToken({ seed, strategy: { kind: 'pct', depth: Number(pctCode[1]) }, choices: own.choices });
  return encodeReplayToken({ seed, strategy: { kind: 'random-walk' }, choices: picks });
}
