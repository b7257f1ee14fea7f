/**
 * The targets for the reference NIO factory, judged on this run's figures (ratios within the run):
 * storm of 10,000 within 1.1x of the bare node:net floor and at most 0.9x of ZooKeeper NIO with backlog 4096;
 * pings at least 1.4x ZooKeeper Netty and p99 at most 10 ms; at most 8 KiB RSS per held session; 1,000 sockets that
 * sent only a length prefix under 16 MiB in all.
 * The storm targets are judged twice: with the default thread counts at backlog 4096 (the backlog the floor and
 * ZooKeeper NIO 4096 run with) and with every default (node's backlog of 511).
 */
import type { RunResult, ServerResult } from '../results.ts';
import { BARE_ID, REFERENCE_DEFAULT_ID, REFERENCE_DEFAULT_THREADS_ID, ZK_NETTY_ID, ZK_NIO_4096_ID } from '../servers/catalog.ts';
import { fmt } from '../stats.ts';
import { memoryOf, pingsOf, prefixOf, stormOf } from './aggregate.ts';

export type TargetId = 'storm-floor' | 'storm-zk' | 'storm-floor-default-backlog' | 'storm-zk-default-backlog' | 'pings' | 'p99' | 'per-session' | 'prefix';

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

export function judgeTargets(result: RunResult): TargetVerdict[] {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const ref4096 = byId(result, REFERENCE_DEFAULT_THREADS_ID);
  const bare = byId(result, BARE_ID);
  const zk4096 = byId(result, ZK_NIO_4096_ID);
  const netty = byId(result, ZK_NETTY_ID);
  const floorMs = stormMs(bare);
  const zkMs = stormMs(zk4096);
  const verdicts: TargetVerdict[] = [];
  const stormPair = (server: ServerResult | undefined, label: string, idFloor: TargetId, idZk: TargetId) => {
    const ms = stormMs(server);
    const msText = ms === undefined ? '' : `${fmt(ms)} ms`;
    verdicts.push(
      judge(idFloor, `storm of 10,000, ${label}: ≤ 1.1x the bare node:net floor`, ms !== undefined && floorMs !== undefined ? ms / floorMs : undefined, 1.1, true, (v) => `${msText} vs ${fmt(floorMs ?? 0)} ms = ${v.toFixed(2)}x`, 'not measured (or clients failed)'),
      judge(idZk, `storm of 10,000, ${label}: ≤ 0.9x ZooKeeper NIO backlog 4096`, ms !== undefined && zkMs !== undefined ? ms / zkMs : undefined, 0.9, true, (v) => `${msText} vs ${fmt(zkMs ?? 0)} ms = ${v.toFixed(2)}x`, 'not measured (or clients failed)'),
    );
  };
  stormPair(ref4096, 'default threads, backlog 4096', 'storm-floor', 'storm-zk');
  stormPair(ref, 'all defaults (backlog 511)', 'storm-floor-default-backlog', 'storm-zk-default-backlog');
  const refPings = ref ? pingsOf(ref) : undefined;
  const nettyPings = netty ? pingsOf(netty) : undefined;
  const rate = refPings?.perSecond?.median;
  const nettyRate = nettyPings?.perSecond?.median;
  verdicts.push(
    judge('pings', 'pings/s ≥ 1.4x ZooKeeper Netty', rate !== undefined && nettyRate !== undefined ? rate / nettyRate : undefined, 1.4, false, (v) => `${fmt((rate ?? 0) / 1000, 1)}k/s vs ${fmt((nettyRate ?? 0) / 1000, 1)}k/s = ${v.toFixed(2)}x`, 'not measured'),
    judge('p99', 'ping p99 ≤ 10 ms', refPings?.p99?.median, 10, true, (v) => `${fmt(v, 2)} ms`, 'not measured'),
  );
  const perSession = ref ? memoryOf(ref).perSessionKiB?.median : undefined;
  verdicts.push(judge('per-session', 'RSS per held session ≤ 8 KiB (5,000 held)', perSession, 8, true, (v) => `${fmt(v, 1)} KiB`, 'not measured'));
  const prefix = ref ? prefixOf(ref) : undefined;
  verdicts.push(
    judge('prefix', '1,000 sockets that sent only a length prefix cost < 16 MiB', prefix?.costMiB?.median, 16, true, (v) => `${fmt(v, 1)} MiB (${fmt(prefix?.perSocketKiB?.median ?? 0, 1)} KiB each)`, 'not measured'),
  );
  return verdicts;
}
