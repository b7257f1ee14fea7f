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
import { REFERENCE_DEFAULT_ID, REFERENCE_DEFAULT_THREADS_ID, ZK_NETTY_ID, ZK_NIO_4096_ID, ZK_NIO_ID } from '../servers/catalog.ts';
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

function judge(
  id: TargetId,
  target: string,
  value: number | undefined,
  threshold: number,
  atMost: boolean,
  figure: (v: number) => string,
  missing: string,
): TargetVerdict {
  if (value === undefined || !Number.isFinite(value)) return { id, target, figure: missing, met: undefined, threshold };
  return { id, target, figure: figure(value), met: atMost ? value <= threshold : value >= threshold, value, threshold };
}

/** Target ratios of issue 17. */
export const PINGS_RATIO = 1.2;

export function judgeTargets(result: RunResult): TargetVerdict[] {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const refThreads = byId(result, REFERENCE_DEFAULT_THREADS_ID);
  const zkNio = byId(result, ZK_NIO_ID) ?? byId(result, ZK_NIO_4096_ID);
  const netty = byId(result, ZK_NETTY_ID);
  const zk4096 = byId(result, ZK_NIO_4096_ID);
  const refPings = ref ? pingsOf(ref) : undefined;
  const rate = refPings?.perSecond?.median;
  const rateOf = (s: ServerResult | undefined) => (s ? pingsOf(s).perSecond?.median : undefined);
  const p99Of = (s: ServerResult | undefined) => (s ? pingsOf(s).p99?.median : undefined);
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
  const kps = (v: number | undefined) => `${fmt((v ?? 0) / 1000, 1)}k/s`;
  const verdicts: TargetVerdict[] = [
    judge('pings-zk-nio', `pings/s ≥ ${PINGS_RATIO}x ZooKeeper NIO`, ratio(rate, rateOf(zkNio)), PINGS_RATIO, false, (v) => `${kps(rate)} vs ${kps(rateOf(zkNio))} = ${v.toFixed(2)}x`, 'not measured'),
    judge('pings-zk-netty', `pings/s ≥ ${PINGS_RATIO}x ZooKeeper Netty`, ratio(rate, rateOf(netty)), PINGS_RATIO, false, (v) => `${kps(rate)} vs ${kps(rateOf(netty))} = ${v.toFixed(2)}x`, 'not measured'),
  ];
  const zkP99 = [p99Of(zkNio), p99Of(netty)].filter((v): v is number => v !== undefined);
  const lowest = zkP99.length === 2 ? Math.min(...zkP99) : undefined;
  const refP99 = refPings?.p99?.median;
  verdicts.push(
    judge('p99', 'ping p99 no higher than ZooKeeper NIO\'s and Netty\'s', ratio(refP99, lowest), 1, true, (v) => `${fmt(refP99 ?? 0, 1)} ms vs ${fmt(p99Of(zkNio) ?? 0, 1)} / ${fmt(p99Of(netty) ?? 0, 1)} ms = ${v.toFixed(2)}x the lower`, 'not measured'),
  );
  const ms = stormMs(refThreads);
  const zkMs = stormMs(zk4096);
  verdicts.push(
    judge('storm-zk', `storm of ${STORM_SIZE.toLocaleString('en-US')}, default threads: ≤ 1.0x ZooKeeper NIO at the same backlog (4096)`, ratio(ms, zkMs), 1, true, (v) => `${fmt(ms ?? 0)} ms vs ${fmt(zkMs ?? 0)} ms = ${v.toFixed(2)}x`, 'not measured (or clients failed)'),
  );
  const perSession = ref ? memoryOf(ref).perSessionKiB?.median : undefined;
  verdicts.push(judge('per-session', 'RSS per held session ≤ 8 KiB (5,000 held)', perSession, 8, true, (v) => `${fmt(v, 1)} KiB`, 'not measured'));
  // The same target read as the cost of one more session: the first batch also pays what a server pays once.
  const perFurther = ref ? memoryOf(ref).perFurtherSessionKiB?.median : undefined;
  verdicts.push(judge('per-further-session', 'RSS per further held session ≤ 8 KiB (5,000 more on top of 5,000)', perFurther, 8, true, (v) => `${fmt(v, 1)} KiB`, 'not measured'));
  const prefix = ref ? prefixOf(ref) : undefined;
  verdicts.push(
    judge('prefix', '1,000 sockets that sent only a length prefix cost < 16 MiB', prefix?.costMiB?.median, 16, true, (v) => `${fmt(v, 1)} MiB (${fmt(prefix?.perSocketKiB?.median ?? 0, 1)} KiB each)`, 'not measured'),
  );
  return verdicts;
}
