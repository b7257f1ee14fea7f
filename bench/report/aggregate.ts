/** Per-server figures over the repetitions: medians with min-max, failure totals. */
import type { ServerResult } from '../results.ts';
import { spread, type Spread } from '../stats.ts';

export interface StormFigure {
  readonly ms: Spread | undefined;
  readonly cpuMs: Spread | undefined;
  readonly overflows: Spread | undefined;
  readonly synRetrans: Spread | undefined;
  readonly failures: number;
  readonly attempts: number;
  readonly kinds: Record<string, number>;
}

export function stormOf(server: ServerResult, clients: number): StormFigure {
  const samples = server.reps.flatMap((r) => r.storms.filter((s) => s.clients === clients));
  const kinds: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.failures)) kinds[k] = (kinds[k] ?? 0) + v;
  return {
    ms: spread(samples.map((s) => s.ms)),
    cpuMs: spread(samples.map((s) => s.serverCpuMs)),
    overflows: spread(samples.map((s) => s.tcp?.listenOverflows)),
    synRetrans: spread(samples.map((s) => s.tcp?.synRetrans)),
    failures: Object.values(kinds).reduce((a, b) => a + b, 0),
    attempts: samples.length * clients,
    kinds,
  };
}

export function pingsOf(server: ServerResult): { perSecond?: Spread; p50?: Spread; p99?: Spread; cpuUs?: Spread; lost: number } {
  const p = server.reps.map((r) => r.pings).filter((x) => x !== undefined);
  const perSecond = spread(p.map((x) => x.perSecond));
  const p50 = spread(p.map((x) => x.p50Ms));
  const p99 = spread(p.map((x) => x.p99Ms));
  const cpuUs = spread(p.map((x) => (x.serverCpuMs !== undefined && x.replies > 0 ? (x.serverCpuMs * 1000) / x.replies : undefined)));
  return { ...(perSecond ? { perSecond } : {}), ...(p50 ? { p50 } : {}), ...(p99 ? { p99 } : {}), ...(cpuUs ? { cpuUs } : {}), lost: p.reduce((a, x) => a + x.failures, 0) };
}

export interface MemoryFigure {
  readonly freshMiB?: Spread;
  readonly heldMiB?: Spread;
  readonly perSessionKiB?: Spread;
  /** Live heap (after a full GC) per held session. */
  readonly heapPerSessionKiB?: Spread;
  /** RSS each further session added, from the first batch held to twice as many (HeldSample.more). */
  readonly perFurtherSessionKiB?: Spread;
  readonly warmMiB?: Spread;
  readonly heldShort: number;
}

export function memoryOf(server: ServerResult): MemoryFigure {
  const mib = (kib: number | undefined) => (kib === undefined ? undefined : kib / 1024);
  const freshMiB = spread(server.reps.map((r) => mib(r.rssFreshKiB)));
  const heldMiB = spread(server.reps.map((r) => mib(r.held?.rssKiB)));
  const perSessionKiB = spread(
    server.reps.map((r) => (r.held && r.rssFreshKiB !== undefined && r.held.established > 0 ? (r.held.rssKiB - r.rssFreshKiB) / r.held.established : undefined)),
  );
  const heapPerSessionKiB = spread(
    server.reps.map((r) =>
      r.held?.liveHeapKiB !== undefined && r.held.liveHeapFreshKiB !== undefined && r.held.established > 0
        ? (r.held.liveHeapKiB - r.held.liveHeapFreshKiB) / r.held.established
        : undefined,
    ),
  );
  const perFurtherSessionKiB = spread(
    server.reps.map((r) => (r.held?.more !== undefined && r.held.more.established > 0 ? (r.held.more.rssKiB - r.held.rssKiB) / r.held.more.established : undefined)),
  );
  const warmMiB = spread(server.reps.map((r) => mib(r.rssWarmKiB)));
  const heldShort = server.reps.reduce((a, r) => a + (r.held ? r.held.sessions - r.held.established : 0), 0);
  return { ...(freshMiB ? { freshMiB } : {}), ...(heldMiB ? { heldMiB } : {}), ...(perSessionKiB ? { perSessionKiB } : {}), ...(heapPerSessionKiB ? { heapPerSessionKiB } : {}), ...(perFurtherSessionKiB ? { perFurtherSessionKiB } : {}), ...(warmMiB ? { warmMiB } : {}), heldShort };
}

export function prefixOf(server: ServerResult): {
  costMiB?: Spread;
  perSocketKiB?: Spread;
  heapMiB?: Spread;
  closedEarly: number;
  died: number;
  sockets: number;
  /** Repetitions whose server log reported an OutOfMemoryError, and the threads named. */
  outOfMemoryReps: number;
  outOfMemoryThreads: string[];
} {
  const p = server.reps.map((r) => r.prefix).filter((x) => x !== undefined);
  const costMiB = spread(p.map((x) => (x.peakKiB - x.beforeKiB) / 1024));
  const perSocketKiB = spread(p.map((x) => (x.sockets > 0 ? (x.peakKiB - x.beforeKiB) / x.sockets : undefined)));
  const heapMiB = spread(p.map((x) => (x.liveHeapHeldKiB !== undefined && x.liveHeapBeforeKiB !== undefined ? (x.liveHeapHeldKiB - x.liveHeapBeforeKiB) / 1024 : undefined)));
  return {
    ...(costMiB ? { costMiB } : {}),
    ...(perSocketKiB ? { perSocketKiB } : {}),
    ...(heapMiB ? { heapMiB } : {}),
    closedEarly: p.reduce((a, x) => a + x.closedEarly, 0),
    died: p.filter((x) => x.serverDied).length,
    outOfMemoryReps: p.filter((x) => (x.outOfMemoryThreads?.length ?? 0) > 0).length,
    outOfMemoryThreads: [...new Set(p.flatMap((x) => x.outOfMemoryThreads ?? []))].sort(),
    sockets: p.reduce((a, x) => a + x.sockets, 0),
  };
}

export function idleOf(server: ServerResult): { opened: number; closed: number; onTime: number; early: number; lateMedian?: Spread; lateMin?: number; lateMax?: number } {
  const d = server.reps.map((r) => r.idle).filter((x) => x !== undefined);
  const lateMedian = spread(d.map((x) => x.latenessMs?.median));
  const mins = d.flatMap((x) => (x.latenessMs ? [x.latenessMs.min] : []));
  const maxs = d.flatMap((x) => (x.latenessMs ? [x.latenessMs.max] : []));
  return {
    opened: d.reduce((a, x) => a + x.opened, 0),
    closed: d.reduce((a, x) => a + x.closed, 0),
    onTime: d.reduce((a, x) => a + x.onTime, 0),
    early: d.reduce((a, x) => a + x.early, 0),
    ...(lateMedian ? { lateMedian } : {}),
    ...(mins.length ? { lateMin: Math.min(...mins) } : {}),
    ...(maxs.length ? { lateMax: Math.max(...maxs) } : {}),
  };
}
