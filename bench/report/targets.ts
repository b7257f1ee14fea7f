/**
 * Issue 17's targets for `cnxnspec serve` (the reference NIO factory at its defaults), judged on this run's figures
 * as ratios within the run: pings/s at least 1.2x ZooKeeper NIO and at least 1.2x ZooKeeper Netty, with a p99 no
 * higher than either's; a storm of 10,000 clients, default thread counts, no slower than ZooKeeper NIO at the same
 * backlog (4096, both); at most 8 KiB RSS per held session; 1,000 sockets that sent only a length prefix under
 * 16 MiB in all. ZooKeeper NIO is the one at its defaults (the JDK's backlog of 50 changes storms, not pings).
 * The search's targets (runs/s per core, 2 workers against 1) are judged by bench/search-scaling.ts in
 * docs/scaling.md.
 */
import type { RunResult, ServerResult } from '../results.ts';
import { BARE_ID, REFERENCE_DEFAULT_ID, REFERENCE_DEFAULT_THREADS_ID, ZK_NETTY_ID, ZK_NIO_4096_ID, ZK_NIO_ID } from '../servers/catalog.ts';
import { fmt } from '../stats.ts';
import { memoryOf, pingsOf, prefixOf, stormOf } from './aggregate.ts';

export type TargetId = 'pings-zk-nio' | 'pings-zk-netty' | 'p99' | 'storm-zk' | 'per-session' | 'per-further-session' | 'prefix';

export interface TargetVerdict {
  readonly id: TargetId;
  readonly target: string;
  readonly figure: string;
  /** undefined: could not be judged (a server was not measured). */
  readonly met: boolean | undefined;
  readonly value?: number;
  /** The value the target compares with (a ratio, ms, KiB or MiB, like `value`). */
  readonly threshold?: number;
  /** The same target measured on the bare node:net floor in this run: could one Node process meet it at all? */
  readonly floor?: { readonly figure: string; readonly met: boolean };
}

/** Within 10% of its threshold a verdict can flip from one run to the next on a shared machine. */
export function isMarginal(v: TargetVerdict): boolean {
  return v.value !== undefined && v.threshold !== undefined && Math.abs(v.value - v.threshold) <= 0.1 * v.threshold;
}

export const STORM_SIZE = 10_000;

function byId(result: RunResult, id: string): ServerResult | undefined {
  return result.servers.find((s) => s.spec.id === id && s.reps.length > 0);
}

function stormMs(server: ServerResult | undefined): number | undefined {
  if (server === undefined) return undefined;
  const f = stormOf(server, STORM_SIZE);
  return f.failures > 0 ? undefined : f.ms?.median;
}

/** Target ratios of issue 17. */
export const PINGS_RATIO = 1.2;

/**
 * Each target measured on a server: the reference for the verdict, and the bare node:net floor (a process that
 * only answers, with no factory) to say whether a single Node process could meet it at all on this machine.
 */
interface TargetMeasure {
  readonly id: TargetId;
  readonly target: string;
  readonly threshold: number;
  readonly atMost: boolean;
  readonly missing: string;
  value(server: ServerResult | undefined): number | undefined;
  figure(server: ServerResult | undefined, v: number): string;
}

export function judgeTargets(result: RunResult): TargetVerdict[] {
  const zkNio = byId(result, ZK_NIO_ID) ?? byId(result, ZK_NIO_4096_ID);
  const netty = byId(result, ZK_NETTY_ID);
  const zk4096 = byId(result, ZK_NIO_4096_ID);
  const rateOf = (s: ServerResult | undefined) => (s ? pingsOf(s).perSecond?.median : undefined);
  const p99Of = (s: ServerResult | undefined) => (s ? pingsOf(s).p99?.median : undefined);
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
  const kps = (v: number | undefined) => `${fmt((v ?? 0) / 1000, 1)}k/s`;
  const zkP99 = [p99Of(zkNio), p99Of(netty)].filter((v): v is number => v !== undefined);
  const lowest = zkP99.length === 2 ? Math.min(...zkP99) : undefined;
  const zkMs = stormMs(zk4096);
  const measures: TargetMeasure[] = [
    {
      id: 'pings-zk-nio', target: `pings/s ≥ ${PINGS_RATIO}x ZooKeeper NIO`, threshold: PINGS_RATIO, atMost: false, missing: 'not measured',
      value: (s) => ratio(rateOf(s), rateOf(zkNio)),
      figure: (s, v) => `${kps(rateOf(s))} vs ${kps(rateOf(zkNio))} = ${v.toFixed(2)}x`,
    },
    {
      id: 'pings-zk-netty', target: `pings/s ≥ ${PINGS_RATIO}x ZooKeeper Netty`, threshold: PINGS_RATIO, atMost: false, missing: 'not measured',
      value: (s) => ratio(rateOf(s), rateOf(netty)),
      figure: (s, v) => `${kps(rateOf(s))} vs ${kps(rateOf(netty))} = ${v.toFixed(2)}x`,
    },
    {
      id: 'p99', target: 'ping p99 no higher than ZooKeeper NIO\'s and Netty\'s', threshold: 1, atMost: true, missing: 'not measured',
      value: (s) => ratio(p99Of(s), lowest),
      figure: (s, v) => `${fmt(p99Of(s) ?? 0, 1)} ms vs ${fmt(p99Of(zkNio) ?? 0, 1)} / ${fmt(p99Of(netty) ?? 0, 1)} ms = ${v.toFixed(2)}x the lower`,
    },
    {
      id: 'storm-zk', target: `storm of ${STORM_SIZE.toLocaleString('en-US')}, default threads: ≤ 1.0x ZooKeeper NIO at the same backlog (4096)`,
      threshold: 1, atMost: true, missing: 'not measured (or clients failed)',
      value: (s) => ratio(stormMs(s), zkMs),
      figure: (s, v) => `${fmt(stormMs(s) ?? 0)} ms vs ${fmt(zkMs ?? 0)} ms = ${v.toFixed(2)}x`,
    },
    {
      id: 'per-session', target: 'RSS per held session ≤ 8 KiB (5,000 held)', threshold: 8, atMost: true, missing: 'not measured',
      value: (s) => (s ? memoryOf(s).perSessionKiB?.median : undefined),
      figure: (_s, v) => `${fmt(v, 1)} KiB`,
    },
    // The same target read as the cost of one more session: the first batch also pays what a server pays once.
    {
      id: 'per-further-session', target: 'RSS per further held session ≤ 8 KiB (5,000 more on top of 5,000)', threshold: 8, atMost: true, missing: 'not measured',
      value: (s) => (s ? memoryOf(s).perFurtherSessionKiB?.median : undefined),
      figure: (_s, v) => `${fmt(v, 1)} KiB`,
    },
    {
      id: 'prefix', target: '1,000 sockets that sent only a length prefix cost < 16 MiB', threshold: 16, atMost: true, missing: 'not measured',
      value: (s) => (s ? prefixOf(s).costMiB?.median : undefined),
      figure: (s, v) => `${fmt(v, 1)} MiB (${fmt((s ? prefixOf(s).perSocketKiB?.median : undefined) ?? 0, 1)} KiB each)`,
    },
  ];
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  // The storm target is about the default thread counts at the explicit backlog, which its own server measures.
  const refThreads = byId(result, REFERENCE_DEFAULT_THREADS_ID);
  const bare = byId(result, BARE_ID);
  return measures.map((m) => {
    const server = m.id === 'storm-zk' ? refThreads : ref;
    const verdict = judgeOn(m, server);
    const floor = judgeOn(m, bare);
    return floor.met === undefined ? verdict : { ...verdict, floor: { figure: floor.figure, met: floor.met } };
  });
}

function judgeOn(m: TargetMeasure, server: ServerResult | undefined): TargetVerdict {
  const value = m.value(server);
  if (value === undefined || !Number.isFinite(value)) return { id: m.id, target: m.target, figure: m.missing, met: undefined, threshold: m.threshold };
  return { id: m.id, target: m.target, figure: m.figure(server, value), met: m.atMost ? value <= m.threshold : value >= m.threshold, value, threshold: m.threshold };
}
