/**
 * Lifecycle and threads, judged in the simulation from the threads the runtime saw start:
 * - configure binds (the `bind` event, with the given address and backlog) and starts no thread (configure.bind);
 * - a started NIO factory runs exactly the threads its options ask for: 1 AcceptThread, N SelectorThread-i,
 *   M NIOWorker-k, 1 expirer, with the defaults of spec/knobs.ts when the counts are absent, and no worker for
 *   M = 0; N < 1 is refused (nio.thread-counts);
 * - a second start spawns nothing, and a start after stop spawns nothing (factory.lifecycle-start-once);
 * - secure = true is refused before any socket or thread exists (configure.secure-needs-tls).
 */

import { defaultSelectorThreads, defaultWorkerThreads } from '../../../spec/knobs.ts';
import type { HostRuntime } from '../../../spec/runtime.ts';
import type { FactoryModule, FactoryOptions, ServerCnxnFactory } from '../../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { createSimulation, randomWalkFromSeed } from '../../sim/index.ts';
import { describeError, type CheckFinding, type CheckOutcome, type HarnessCheck } from './harness-check.ts';

const PORT = 2181;
const BACKLOG = 50;
/** Virtual time for freshly started threads to begin. */
const SETTLE_MS = 200;
const CORES = 2;

interface Shape {
  readonly label: string;
  readonly options: FactoryOptions;
  readonly selectors: number;
  readonly workers: number;
}

const SHAPES: readonly Shape[] = [
  { label: '2 selectors, 3 workers', options: { numSelectorThreads: 2, numWorkerThreads: 3, cores: CORES }, selectors: 2, workers: 3 },
  { label: '1 selector, 0 workers', options: { numSelectorThreads: 1, numWorkerThreads: 0, cores: CORES }, selectors: 1, workers: 0 },
  {
    label: `the defaults on ${CORES} cores`,
    options: { cores: CORES },
    selectors: defaultSelectorThreads(CORES),
    workers: defaultWorkerThreads(CORES),
  },
];

function threadStarts(trace: readonly TraceEvent[], from = 0, to = trace.length): string[] {
  return trace.slice(from, to).flatMap((e) => (e.ev === 'threadStart' && e.name !== 'main' ? [e.name] : []));
}

function show(events: readonly TraceEvent[]): string[] {
  return events.slice(0, 6).map((e) => JSON.stringify(e));
}

/** Thread names by role, as INTERPRETING.md names them. */
function byRole(names: readonly string[]) {
  return {
    accept: names.filter((n) => n === 'AcceptThread'),
    selectors: names.filter((n) => /^SelectorThread-\d+$/.test(n)),
    workers: names.filter((n) => /^NIOWorker-\d+$/.test(n)),
    expirers: names.filter((n) => n.includes('Expirer')),
  };
}

async function shapeFindings(factory: FactoryModule, shape: Shape): Promise<(CheckFinding & { readonly startFailed?: boolean })[]> {
  const findings: (CheckFinding & { readonly startFailed?: boolean })[] = [];
  const sim = createSimulation({ seed: 11, strategy: randomWalkFromSeed(11), maxSteps: 200_000 });
  let created: ServerCnxnFactory | undefined;
  const marks: Record<string, number> = {};
  const mark = (name: string) => (marks[name] = sim.trace().length);
  const outcome = await sim.run({
    main: async (rt: HostRuntime) => {
      created = factory.createFactory(rt, shape.options);
      mark('configure');
      await created.configure({ host: '127.0.0.1', port: PORT }, 10, BACKLOG, false);
      mark('configured');
      await created.startup(new EchoHandler());
      await rt.clock.sleep(SETTLE_MS);
      mark('started');
      await created.start();
      await rt.clock.sleep(SETTLE_MS);
      mark('restarted');
      await created.shutdown();
      mark('shutdown');
      await created.start();
      await rt.clock.sleep(SETTLE_MS);
      mark('startAfterStop');
    },
    maxVirtualTime: 60_000,
  });
  const trace = sim.trace();
  if (outcome.status === 'error') {
    // A method that threw breaks the lifecycle; a wait the simulation cannot see breaks the runtime contract.
    const threw = outcome.errorSource === 'main';
    return [{
      requirements: [threw ? 'factory.lifecycle-start-once' : 'factory.host-runtime-only'],
      message: `${shape.label}: ${threw ? 'a factory method threw' : 'the simulation failed'}: ${describeError(outcome.error)}`,
      evidence: show(trace.slice(-3)),
      startFailed: true,
    }];
  }
  const phase = (a: string, b: string) => trace.slice(marks[a] ?? trace.length, marks[b] ?? trace.length);
  // configure.bind
  const duringConfigure = phase('configure', 'configured');
  const bind = duringConfigure.find((e) => e.ev === 'bind');
  if (!bind || bind.ev !== 'bind' || bind.port !== PORT || bind.backlog !== BACKLOG) {
    findings.push({
      requirements: ['configure.bind'],
      message: `${shape.label}: configure did not bind 127.0.0.1:${PORT} with backlog ${BACKLOG} (${bind ? `it bound ${JSON.stringify(bind)}` : 'no bind happened during configure'})`,
      evidence: show(duringConfigure),
    });
  }
  const early = threadStarts(trace, marks.configure, marks.configured);
  if (early.length > 0) findings.push({ requirements: ['configure.bind'], message: `${shape.label}: configure started threads (${early.join(', ')}); it must only create them`, evidence: early });
  // nio.thread-counts
  const started = threadStarts(trace, marks.configured, marks.started);
  const roles = byRole(started);
  const expectedSelectors = Array.from({ length: shape.selectors }, (_, i) => `SelectorThread-${i}`);
  const problems = [
    roles.accept.length !== 1 && `${roles.accept.length} AcceptThread (want 1)`,
    roles.selectors.slice().sort().join(',') !== expectedSelectors.join(',') && `selector threads ${roles.selectors.join(', ') || 'none'} (want ${expectedSelectors.join(', ')})`,
    new Set(roles.workers).size !== shape.workers && `${new Set(roles.workers).size} NIOWorker threads (want ${shape.workers})`,
    roles.workers.length !== new Set(roles.workers).size && `a worker name started twice`,
    roles.expirers.length !== 1 && `${roles.expirers.length} expirer threads (want 1)`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    findings.push({ requirements: ['nio.thread-counts'], message: `${shape.label}: after start the runtime saw ${problems.join('; ')}`, evidence: started });
  }
  // factory.lifecycle-start-once
  const again = threadStarts(trace, marks.started, marks.restarted);
  if (again.length > 0) findings.push({ requirements: ['factory.lifecycle-start-once'], message: `${shape.label}: a second start spawned ${again.join(', ')}`, evidence: again });
  const afterStop = threadStarts(trace, marks.shutdown, marks.startAfterStop);
  if (afterStop.length > 0) findings.push({ requirements: ['factory.lifecycle-start-once'], message: `${shape.label}: start after stop spawned ${afterStop.join(', ')}`, evidence: afterStop });
  return findings;
}

async function refusesTooFewSelectors(factory: FactoryModule): Promise<CheckFinding[]> {
  const sim = createSimulation({ seed: 12, strategy: randomWalkFromSeed(12) });
  let refusal: unknown;
  await sim.run({
    main: async (rt) => {
      try {
        const created = factory.createFactory(rt, { numSelectorThreads: 0, cores: CORES });
        await created.configure({ host: '127.0.0.1', port: PORT }, 10, BACKLOG, false);
        await created.shutdown();
      } catch (err) {
        refusal = err;
      }
    },
    maxVirtualTime: 60_000,
  });
  if (refusal instanceof Error && /numSelectorThreads must be at least 1/.test(refusal.message)) return [];
  return [{
    requirements: ['nio.thread-counts'],
    message: refusal ? `numSelectorThreads 0 was refused, but not with "numSelectorThreads must be at least 1": ${describeError(refusal)}` : 'numSelectorThreads 0 was accepted; createFactory or configure must refuse it with "numSelectorThreads must be at least 1"',
    evidence: [],
  }];
}

async function refusesSecure(factory: FactoryModule): Promise<CheckFinding[]> {
  const sim = createSimulation({ seed: 13, strategy: randomWalkFromSeed(13) });
  let refusal: unknown;
  await sim.run({
    main: async (rt) => {
      try {
        const created = factory.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 1, cores: CORES });
        await created.configure({ host: '127.0.0.1', port: PORT }, 10, BACKLOG, true);
        await created.shutdown();
      } catch (err) {
        refusal = err;
      }
    },
    maxVirtualTime: 60_000,
  });
  const trace = sim.trace();
  const opened = trace.filter((e) => e.ev === 'bind' || (e.ev === 'threadStart' && e.name !== 'main'));
  const findings: CheckFinding[] = [];
  if (!(refusal instanceof Error) || !/ssl|tls/i.test(refusal.message)) {
    findings.push({
      requirements: ['configure.secure-needs-tls'],
      message: refusal ? `configure(secure = true) failed without saying TLS is unsupported: ${describeError(refusal)}` : 'configure(secure = true) was accepted by an NIO factory, which cannot serve TLS',
      evidence: [],
    });
  }
  if (opened.length > 0) findings.push({ requirements: ['configure.secure-needs-tls'], message: 'configure(secure = true) bound a socket or started a thread before refusing', evidence: show(opened) });
  return findings;
}

export const lifecycleChecks: HarnessCheck = {
  name: 'lifecycle and threads',
  mode: 'harness',
  requirements: ['configure.bind', 'nio.thread-counts', 'factory.lifecycle-start-once', 'configure.secure-needs-tls'],
  async run(factory): Promise<CheckOutcome> {
    const findings: CheckFinding[] = [];
    for (const shape of SHAPES) {
      const found = await shapeFindings(factory, shape);
      // A factory that cannot even start fails its lifecycle; nothing else about it was seen.
      if (found.some((f) => f.startFailed)) {
        const reason = 'not judged: the factory could not be started in the simulation';
        const broken = found.flatMap((f) => f.requirements);
        return { judged: broken, findings: found, notJudged: this.requirements.filter((id) => !broken.includes(id)).map((id) => ({ id, reason })) };
      }
      findings.push(...found);
    }
    findings.push(...(await refusesTooFewSelectors(factory)), ...(await refusesSecure(factory)));
    return { judged: this.requirements, findings };
  },
};
