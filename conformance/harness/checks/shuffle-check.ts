/**
 * selector.shuffle, judged statistically: many peers make their connections ready in the same instant, over and
 * over, and the check records in which order the selector thread handled the keys one select returned. The
 * simulation returns ready keys in registration order, so a factory that does not shuffle handles the first
 * returned key first every time; under a uniform shuffle its position among the k handled keys is uniform. A
 * z-score of the summed positions far from 0 either way (always first, always last) fails the requirement. The same seed run twice must give the same
 * trace: the permutation must come from the runtime's seeded randomness.
 */

import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import { encodeConnectRequest, frame, pingFrame } from '../../../reference/server/frames.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { createSimulation, traceToJsonl, type PeerAction } from '../../sim/index.ts';
import { peersFirst } from './peers-first.ts';
import { describeError, type CheckOutcome, type HarnessCheck } from './harness-check.ts';

const PEERS = 8;
const ROUNDS = 12;
const SEEDS = [101, 202, 303];
/** How far from chance the first-handled statistic may be before the order is called not random. */
const Z_LIMIT = 5;
const MIN_SAMPLES = 30;

/** One select that returned several keys the thread then handled: how many, and where the first returned was handled. */
export interface ShuffleSample {
  readonly keys: number;
  /** 0 when the first key the select returned was handled first, keys - 1 when last. */
  readonly position: number;
}

/** Reads the handling order of every multi-key select out of a trace. */
export function shuffleSamples(trace: readonly TraceEvent[]): ShuffleSample[] {
  const keyChannel = new Map<string, string>();
  const samples: ShuffleSample[] = [];
  const open = new Map<string, { ready: string[]; handled: string[] }>();
  const close = (thread: string) => {
    const pass = open.get(thread);
    open.delete(thread);
    if (pass && pass.handled.length >= 2) {
      const first = pass.ready.find((k) => pass.handled.includes(k));
      samples.push({ keys: pass.handled.length, position: pass.handled.indexOf(first!) });
    }
  };
  for (const e of trace) {
    if (e.ev === 'register') keyChannel.set(e.key, e.ch);
    if (e.ev === 'selectBegin') close(e.thread);
    if (e.ev === 'selectEnd' && e.ready.length >= 2) open.set(e.thread, { ready: e.ready.map((r) => r.key), handled: [] });
    const pass = open.get(e.thread);
    if (!pass || e.ev === 'selectEnd') continue;
    const key = 'key' in e && typeof e.key === 'string' ? e.key : pass.ready.find((k) => 'ch' in e && keyChannel.get(k) === e.ch);
    if (key !== undefined && pass.ready.includes(key) && !pass.handled.includes(key)) pass.handled.push(key);
  }
  for (const thread of [...open.keys()]) close(thread);
  return samples;
}

/**
 * How many standard deviations the summed positions are from what a uniform shuffle gives: there the position of
 * the first returned key among k handled ones is uniform on 0..k-1 (mean (k-1)/2, variance (k^2-1)/12).
 */
export function shuffleZ(samples: readonly ShuffleSample[]): number {
  const sum = samples.reduce((total, s) => total + s.position, 0);
  const mean = samples.reduce((total, s) => total + (s.keys - 1) / 2, 0);
  const variance = samples.reduce((total, s) => total + (s.keys * s.keys - 1) / 12, 0);
  return variance > 0 ? (sum - mean) / Math.sqrt(variance) : 0;
}

function peerActions(): PeerAction[] {
  const connect = encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16) });
  const actions: PeerAction[] = [{ do: 'send', data: frame(connect) }, { do: 'expect', n: 36 }];
  for (let i = 0; i < ROUNDS; i++) actions.push({ do: 'idle', ms: 100 }, { do: 'send', data: pingFrame() }, { do: 'expect', n: 16 });
  return actions;
}

async function runOnce(factory: FactoryModule, seed: number): Promise<readonly TraceEvent[]> {
  const sim = createSimulation({
    seed,
    strategy: peersFirst(seed),
    peers: Array.from({ length: PEERS }, (_, i) => ({ ip: `10.0.1.${i + 1}`, port: 2181, at: 0, actions: peerActions() })),
    maxSteps: 400_000,
  });
  const outcome = await sim.run({
    main: async (rt) => {
      const created = factory.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 0, sessionlessCnxnTimeout: 10_000, cores: 2 });
      await created.configure({ host: '127.0.0.1', port: 2181 }, 0, 50, false);
      await created.startup(new EchoHandler());
      await rt.clock.sleep(100 * ROUNDS + 500);
      await created.shutdown();
    },
    maxVirtualTime: 100 * ROUNDS + 60_000,
  });
  if (outcome.status === 'error') throw outcome.error;
  return sim.trace();
}

export const shuffleCheck: HarnessCheck = {
  name: 'shuffle of ready keys',
  mode: 'harness',
  requirements: ['selector.shuffle'],
  async run(factory): Promise<CheckOutcome> {
    const samples: ShuffleSample[] = [];
    let first: string | undefined;
    try {
      for (const seed of SEEDS) {
        const trace = await runOnce(factory, seed);
        samples.push(...shuffleSamples(trace));
        if (seed === SEEDS[0]) first = traceToJsonl(trace);
      }
      const again = traceToJsonl(await runOnce(factory, SEEDS[0]!));
      if (again !== first) {
        return { judged: this.requirements, findings: [{ requirements: ['selector.shuffle'], message: `the same seed gave two different traces: the factory's randomness does not come from runtime.shuffle`, evidence: [] }] };
      }
    } catch (err) {
      return { judged: [], findings: [], notJudged: [{ id: 'selector.shuffle', reason: `the shuffle workload could not run: ${describeError(err)}` }] };
    }
    if (samples.length < MIN_SAMPLES) {
      return { judged: [], findings: [], notJudged: [{ id: 'selector.shuffle', reason: `only ${samples.length} selects returned several keys that the factory then handled (need ${MIN_SAMPLES})` }] };
    }
    const z = shuffleZ(samples);
    const firsts = samples.filter((s) => s.position === 0).length;
    if (Math.abs(z) <= Z_LIMIT) return { judged: this.requirements, findings: [] };
    return {
      judged: this.requirements,
      findings: [{
        requirements: ['selector.shuffle'],
        message:
          `over ${samples.length} selects with several ready keys, the first key returned was handled first ${firsts} times ` +
          `(a uniform shuffle gives about ${Math.round(samples.reduce((total, x) => total + 1 / x.keys, 0))}; position statistic z = ${z.toFixed(1)}): ready keys are not handled in a random order`,
        evidence: [],
      }],
    };
  },
};
