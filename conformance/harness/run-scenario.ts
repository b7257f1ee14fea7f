/**
 * Runs one scenario under one schedule against a factory in the simulation, in three phases, and judges the
 * trace:
 *   A. configure, start, and let the peers play until shortly after the last scripted action is due. Nothing is
 *      runnable when the phase ends, so liveness is judged on the trace so far. A stop scenario instead shuts
 *      down at stopAt, in the middle of whatever the peers are doing, and ends there.
 *   B. let virtual time run on until every idle connection is past its expiry.
 *   C. shutdown and join, then run to rest; stop-ends-everything is judged there.
 * Safety invariants judge the whole trace. Problems the invariants cannot see (the simulation failed, a run
 * that never settles, a thread that died, a method that threw) are reported with the requirement they break.
 */

import type { HostRuntime } from '../../spec/runtime.ts';
import type { FactoryModule, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { invariants, type Invariant, type Violation } from '../../spec/invariants/index.ts';
import { JUTE_MAXBUFFER } from '../../spec/knobs.ts';
import { createSimulation, type Outcome, type SimPeer } from '../sim/index.ts';
import { observeCloseSession, observeHandler } from './observed-handler.ts';
import { LONGEST_SESSION_TIMEOUT, peerScript, peersDoneAt, SCENARIO_PORT, type Scenario } from './scenario.ts';
import { ConformanceHandler } from './handler/conformance-handler.ts';
import { INLINE_HANDLER } from './handler/handler-shape.ts';
import { connectionModels } from './expected-replies.ts';
import { checkPeerReplies, restSnapshots, type RestSnapshot } from './expected-replies-check.ts';
import { maxCnxnsProblems } from './max-cnxns-check.ts';
import { strategyOf, type Schedule } from './schedule.ts';
import { costedHandler } from './costed-handler.ts';
import { costAllowance, inlineIoSlack } from './scenario/cost-allowance.ts';

export interface Problem {
  readonly requirements: readonly string[];
  readonly message: string;
  readonly evidence: readonly number[];
}

export interface RunResult {
  readonly violations: readonly Violation[];
  readonly problems: readonly Problem[];
  readonly trace: readonly TraceEvent[];
  readonly steps: number;
  readonly virtualTime: number;
}

export interface RunOptions {
  /** Seeds runtime.shuffle. */
  readonly seed: number;
  /** Scheduling steps each phase may take before the run counts as never settling. */
  readonly maxSteps?: number;
  /** Safety invariants of the factory's design judged on top of the default ones (the profile's: profile.ts). */
  readonly invariants?: readonly Invariant[];
}

/**
 * How long after the last scripted action the factory may take to settle before liveness is judged: room for
 * accept pauses and retries, well below the shortest expiry timeout a scenario uses (1 s).
 */
const SETTLE_MS = 500;
/** Virtual time shutdown may take; it needs none unless a factory waits for something. */
const SHUTDOWN_GRACE_MS = 60_000;
/** The largest run of the reference over 1,500 scenarios took about 6,000 steps; more means a busy loop. */
const MAX_STEPS_PER_PHASE = 50_000;
const ACCEPTABLE_ENDS = new Set(['done', 'quiescent', 'time-bound']);
const THREAD_LOOPS: readonly [RegExp, string][] = [
  [/^AcceptThread/, 'accept.loop'],
  [/^SelectorThread/, 'selector.loop'],
  [/Expirer/, 'expiry.thread'],
];

/** How far, and how often, the serving phase is extended while costly work is under way. */
const EXTENSION_MS = 5_000;
const MAX_EXTENSIONS = 60;

/** A thread in the middle of a costly call (costs.ts) or of a handler's work, rather than waiting for work. */
function working(b: { readonly thread: string; readonly on: string }): boolean {
  return b.on.includes('(working ') || (b.on.startsWith('sleep') && !/Expirer/.test(b.thread));
}

async function park(rt: HostRuntime): Promise<void> {
  await rt.newQueue<never>('main-parked').take();
}

function phaseProblem(phase: string, outcome: Outcome, afterShutdown = false): Problem | undefined {
  if (ACCEPTABLE_ENDS.has(outcome.status)) return undefined;
  const last = outcome.trace.length - 1;
  if (outcome.status === 'error') {
    const why = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const requirements = outcome.errorSource === 'main' ? ['factory.lifecycle-start-once', 'factory.lifecycle-stop'] : ['factory.host-runtime-only'];
    return { requirements, message: `${phase}: ${outcome.errorSource === 'main' ? 'a factory method threw' : 'the simulation failed'}: ${why}`, evidence: [last] };
  }
  if (outcome.status === 'deadlock') {
    // After shutdown returned, items left in queues are not resources: whether sockets, threads or selectors
    // were left open is what stop-ends-everything judges.
    if (afterShutdown) return undefined;
    const blocked = outcome.blocked.map((b) => `${b.thread} waits on ${b.on}`);
    return { requirements: ['selector.loop'], message: `${phase}: deadlock: ${blocked.join(', ')} while ${outcome.pending.join('; ')}`, evidence: [last] };
  }
  return { requirements: ['selector.loop'], message: `${phase}: did not settle within ${outcome.steps} steps (a busy loop?)`, evidence: [last] };
}

function threadDeaths(trace: readonly TraceEvent[]): Problem[] {
  // A loop, not flatMap: this looks at every event of every run, and almost none is a death.
  const deaths: Problem[] = [];
  for (const e of trace) {
    if (e.ev !== 'threadEnd' || e.error === undefined || e.name === 'main') continue;
    const loop = THREAD_LOOPS.find(([pattern]) => pattern.test(e.name))?.[1];
    deaths.push({ requirements: [...(loop ? [loop] : []), 'factory.host-runtime-only'], message: `thread ${e.name} died: ${e.error}`, evidence: [e.seq] });
  }
  return deaths;
}

/** Each peer's replies against the answer model, and what the handler saw the factory do wrong. */
function replyProblems(
  scenario: Scenario,
  peers: readonly SimPeer[],
  handler: ConformanceHandler | undefined,
  trace: readonly TraceEvent[],
  rest: readonly (readonly RestSnapshot[])[] | undefined,
  restLength: number,
): Problem[] {
  if (!handler) return [];
  const juteMaxBuffer = scenario.config.juteMaxBuffer ?? JUTE_MAXBUFFER;
  const problems = peers.flatMap((peer, i) =>
    checkPeerReplies({
      peer: peer.name,
      models: connectionModels(scenario.peers[i]!, juteMaxBuffer),
      connections: peer.connections(),
      ...(rest ? { atRest: rest[i] ?? [] } : {}),
      handshakeReply: (ch) => handler.handshakeReply(ch),
      trace,
      restLength,
    }),
  );
  for (const finding of handler.findings) {
    const seq = trace.findLast((e) => 'ch' in e && e.ch === finding.ch)?.seq ?? trace.length - 1;
    problems.push({ requirements: [finding.requirement], message: `the request handler saw: ${finding.message}`, evidence: [seq] });
  }
  return problems;
}

export async function runScenario(factoryModule: FactoryModule, scenario: Scenario, schedule: Schedule, options: RunOptions): Promise<RunResult> {
  const sim = createSimulation({
    seed: options.seed,
    strategy: strategyOf(schedule),
    peers: scenario.peers.map(peerScript),
    faults: scenario.faults,
    ...(scenario.costs ? { costs: scenario.costs } : {}),
    maxSteps: options.maxSteps ?? MAX_STEPS_PER_PHASE,
  });
  const { config } = scenario;
  let handler: ConformanceHandler | undefined;
  let factory: ServerCnxnFactory | undefined;
  const problems: Problem[] = [];

  // A. Serve until the peers are done; or, for a stop scenario, shut down at stopAt while peers may still be
  //    connecting at that very instant, so a channel can be caught between accept and registration.
  // Computed once: the scenario's allowance walks every peer step.
  const allowance = costAllowance(scenario);
  const doneAt = peersDoneAt(scenario) + SETTLE_MS + allowance;
  const stopping = scenario.stopAt !== undefined && scenario.stopAt < doneAt;
  let shutdownReturned = false;
  const shutdown = async (rt: HostRuntime, stopped: ServerCnxnFactory) => {
    await stopped.shutdown();
    // The handler's own threads end after the factory's: stop-ends-everything holds for them too.
    await handler?.stop();
    shutdownReturned = true;
    await park(rt);
  };
  const a = await sim.run({
    main: async (rt) => {
      const options = {
        numSelectorThreads: config.selectors,
        numWorkerThreads: config.workers,
        sessionlessCnxnTimeout: config.sessionlessTimeout,
        cores: config.cores ?? 2,
        ...(config.maxCnxns !== undefined ? { maxCnxns: config.maxCnxns } : {}),
        ...(config.juteMaxBuffer !== undefined ? { juteMaxBuffer: config.juteMaxBuffer } : {}),
        ...(config.globalOutstandingLimit !== undefined ? { globalOutstandingLimit: config.globalOutstandingLimit } : {}),
        ...(config.shutdownTimeout !== undefined ? { shutdownTimeout: config.shutdownTimeout } : {}),
      };
      const maxClientCnxns = config.maxClientCnxns;
      // What the harness passes, recorded by the harness: invariants read configuration from here.
      sim.observe({
        ev: 'given',
        selectors: options.numSelectorThreads,
        workers: options.numWorkerThreads,
        maxClientCnxns,
        sessionlessTimeout: options.sessionlessCnxnTimeout,
        ...(options.maxCnxns !== undefined ? { maxCnxns: options.maxCnxns } : {}),
        ...(options.juteMaxBuffer !== undefined ? { juteMaxBuffer: options.juteMaxBuffer } : {}),
        ...(options.globalOutstandingLimit !== undefined ? { globalOutstandingLimit: options.globalOutstandingLimit } : {}),
        ...(options.shutdownTimeout !== undefined ? { shutdownTimeout: options.shutdownTimeout } : {}),
      });
      const created = factoryModule.createFactory(rt, options);
      factory = created;
      await created.configure({ host: '127.0.0.1', port: SCENARIO_PORT }, maxClientCnxns, 50, false);
      handler = new ConformanceHandler(rt, scenario.handler ?? INLINE_HANDLER, config.globalOutstandingLimit, observeCloseSession(created, sim.observe));
      handler.start();
      // Whatever handler serves the run, the harness sees every call across its boundary itself.
      await created.startup(observeHandler(costedHandler(handler, rt, scenario.costs?.handlerMs ?? 0), sim.observe));
      if (!stopping) return park(rt);
      const wait = (scenario.stopAt ?? 0) - rt.clock.now();
      if (wait > 0) await rt.clock.sleep(wait);
      await shutdown(rt, created);
    },
    maxVirtualTime: stopping ? (scenario.stopAt ?? 0) + SHUTDOWN_GRACE_MS : doneAt,
  });
  // Work that takes virtual time (a costly read or write, a handler that works) may still be under way when the
  // bound runs out; liveness is judged only once it is done, so the serving phase goes on until nothing works.
  let served = a;
  for (let more = 0; !stopping && scenario.costs && served.status === 'time-bound' && served.blocked.some(working) && more < MAX_EXTENSIONS; more++) {
    served = await sim.run({ maxVirtualTime: sim.now() + EXTENSION_MS });
  }
  const phaseA = phaseProblem(stopping ? 'serving, then shutting down' : 'serving', served, shutdownReturned);
  if (phaseA) problems.push(phaseA);
  const atRest = served.trace.length;
  const restedAt = sim.now();
  // What each peer had read when the run came to rest: replies still missing then are owed. A run stuck while a
  // peer awaits bytes has come to rest too (nothing can move any more), so what it is owed is judged as well:
  // that names the missing reply and its requirement whatever the factory's design, where the deadlock itself
  // is named after the NIO selector loop.
  const stuck = served.status === 'deadlock';
  const rest: readonly (readonly RestSnapshot[])[] | undefined = !stopping && (!phaseA || stuck) ? restSnapshots(sim.network.peers) : undefined;

  if (!stopping && !phaseA) {
    // B. Let idle connections expire.
    const b = await sim.run({ maxVirtualTime: restedAt + LONGEST_SESSION_TIMEOUT + 2 * config.sessionlessTimeout });
    const problem = phaseProblem('expiring', b);
    if (problem) problems.push(problem);
    // C. Shut down and let everything end.
    const stopped = factory;
    if (stopped) {
      const c = await sim.run({ main: (rt) => shutdown(rt, stopped), maxVirtualTime: sim.now() + SHUTDOWN_GRACE_MS });
      const problem = phaseProblem('shutting down', c, shutdownReturned);
      if (problem) problems.push(problem);
    }
  }
  if (factory && problems.length === 0 && !shutdownReturned) {
    problems.push({ requirements: ['factory.lifecycle-stop'], message: 'shutdown did not return: join waits for a thread that never ends', evidence: [sim.trace().length - 1] });
  }

  const trace = sim.trace();
  const violations: Violation[] = [];
  // With no problem so far, every phase ended at rest: safety invariants may judge what is owed at the end.
  const complete = problems.length === 0;
  const costed = { atQuiescence: false, complete, timeSlackMs: allowance };
  const safety = { atQuiescence: false, complete, timeSlackMs: inlineIoSlack(scenario) };
  for (const invariant of invariants) {
    if (invariant.name === 'stop-ends-promptly' || invariant.name === 'close-after-flush') violations.push(...invariant.check(trace, costed));
    else if (invariant.kind === 'safety') violations.push(...invariant.check(trace, safety));
    else if (invariant.name === 'stop-ends-everything') violations.push(...invariant.check(trace, { atQuiescence: shutdownReturned }));
    else if (!stopping && !phaseA) violations.push(...invariant.check(trace.slice(0, atRest), { atQuiescence: true }));
  }
  for (const invariant of options.invariants ?? []) violations.push(...invariant.check(trace, safety));
  problems.push(...threadDeaths(trace));
  problems.push(...replyProblems(scenario, sim.network.peers, handler, trace, rest, atRest));
  problems.push(...maxCnxnsProblems(trace, config.maxCnxns));
  return { violations, problems, trace, steps: trace.length, virtualTime: sim.now() };
}
