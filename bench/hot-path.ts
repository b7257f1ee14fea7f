/**
 * A narrow, quick side-by-side of the reference server's hot paths (issue 17), for working on them between full
 * `npm run bench` runs. For each repetition it takes the servers in turn (alternating, so that load from other work
 * on the machine falls on all of them alike), each phase on a fresh server process:
 *   pings:  50 sessions x 10 pings in flight, pings/s, p99 and server CPU per ping (optionally under --cpu-prof);
 *   held:   N sessions held open: RSS and live heap per session (optionally two heap snapshots, before and after);
 *   storm:  10,000 clients at once: ms until the last ConnectResponse (and until the last connect), server CPU,
 *           accept-queue overflows and SYN retransmits (optionally under --cpu-prof);
 *   prefix: 1,000 sockets that send only a 4-byte length prefix: RSS and live heap they cost.
 * and prints the medians with the ratio of each server to the first one named. Profiles are summarised with
 * bench/profile-summary.ts.
 *
 *     npx tsx bench/hot-path.ts [--servers ref-default,bare,zk-nio-4096] [--reps 3] [--phases pings,held,storm,prefix]
 *                               [--seconds 3] [--warmup 500] [--held 5000] [--prof DIR] [--breakdown]
 *
 * --warmup is the ms of pings before the pings are counted. Each phase starts a fresh server, so a JVM is still
 * compiling its hot path in the first seconds: with ZooKeeper among the servers, give it 5000 or more, or its
 * figures come out lower than in `npm run bench`, which pings after the memory and storm phases.
 *
 * A server id may carry `@DIR` (run it from the checkout in DIR) and `~FLAG` (extra node flags, node servers only).
 *
 * --breakdown adds to the held phase the growth per session by kind (bench/servers/memory-breakdown.ts): resident
 * brk heap, other anonymous memory, V8's heap (physical), native (anonymous minus V8), heapUsed, external...,
 * as the RSS figure sees them and again after a full GC (`gc:`).
 *
 * With KEEP_WORKDIR=1 in the environment the work folder (each server's log and configuration) is kept and not
 * removed at the end, for looking into a server that misbehaved.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prefixOnlyCost } from './load/idle.ts';
import { counterDelta, readTcpCounters } from './load/kernel-counters.ts';
import { measurePings } from './load/pings.ts';
import { closeAll, failureCount, openSessions } from './load/sessions.ts';
import { formatCpu, formatHeap, heapGrowth, summariseCpu } from './profile-summary.ts';
import { experimentalServers, serverCatalog, startServer, type RunningServer, type ServerSpec } from './servers/catalog.ts';
import { perSession, sampleMemory } from './servers/memory-breakdown.ts';
import { cpuMs, rssKiB, stopServersOnExit } from './servers/processes.ts';
import { findZooKeeper, type ZooKeeperInstall } from './servers/zookeeper.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'ref-default,bare' },
    reps: { type: 'string', default: '3' },
    phases: { type: 'string', default: 'pings,held,storm,prefix' },
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '500' },
    held: { type: 'string', default: '5000' },
    prof: { type: 'string' },
    breakdown: { type: 'boolean', default: false },
  },
});

const SESSIONLESS_MS = 2_000;
const warmupMs = Number(values.warmup);
if (!Number.isInteger(warmupMs) || warmupMs < 0) throw new Error(`--warmup needs whole milliseconds (0 or more), got ${values.warmup}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

type Figures = Record<string, number>;

type Named = ServerSpec & { readonly root?: string; readonly nodeFlags?: readonly string[] };

async function withServer<T>(spec: Named, workDir: string, zookeeper: ZooKeeperInstall | undefined, body: (s: RunningServer) => Promise<T>): Promise<T> {
  const logFile = join(workDir, `${spec.id.replace(/\W/g, '_')}-${Date.now()}.log`);
  const server = await startServer(spec, {
    sessionlessMs: SESSIONLESS_MS,
    workDir,
    logFile,
    ...(zookeeper ? { zookeeper } : {}),
    ...(spec.root ? { root: spec.root } : {}),
    ...(spec.nodeFlags ? { nodeFlags: spec.nodeFlags } : {}),
  });
  try {
    return await body(server);
  } finally {
    await server.proc.stop();
  }
}

/** Sends `command argument` to a node server and waits for its answer `ANSWER argument`. */
function ask(server: RunningServer, command: string, answer: string, argument: string): Promise<void> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes(`${answer} ${argument}`)) return;
      server.proc.child.stdout?.off('data', onData);
      resolve();
    };
    server.proc.child.stdout?.on('data', onData);
    server.proc.child.stdin?.write(`${command} ${argument}\n`);
  });
}

const askSnapshot = (server: RunningServer, file: string) => ask(server, 'snap', 'SNAP', file);

async function pingsPhase(server: RunningServer, seconds: number, profFile: string | undefined): Promise<Figures> {
  if (profFile) await ask(server, 'prof', 'PROF', 'start');
  const r = await measurePings(server.port, 50, 10, warmupMs, seconds * 1000, server.proc.pid);
  if (profFile) {
    await ask(server, 'prof', 'PROF', profFile);
    console.log(`cpu profile ${profFile}:\n${formatCpu(summariseCpu(JSON.parse(readFileSync(profFile, 'utf8')), 25))}`);
  }
  return {
    'pings/s': r.perSecond,
    'p99 ms': r.p99Ms,
    'cpu µs/ping': r.serverCpuMs !== undefined ? (r.serverCpuMs * 1000) / Math.max(1, r.replies) : Number.NaN,
    'client cpu µs/ping': r.clientCpuMs !== undefined ? (r.clientCpuMs * 1000) / Math.max(1, r.replies) : Number.NaN,
    'lost': r.failures,
  };
}

async function heldPhase(server: RunningServer, count: number, snapDir: string | undefined, label: string): Promise<Figures> {
  await sleep(1_000);
  const rssBefore = rssKiB(server.proc.pid) ?? Number.NaN;
  const heapBefore = (await server.liveHeapKiB()) ?? Number.NaN;
  const sampleBefore = values.breakdown ? await sampleMemory(server, false) : undefined;
  const before = snapDir ? join(snapDir, `${label}-0.heapsnapshot`) : undefined;
  if (before) await askSnapshot(server, before);
  const held = await openSessions(server.port, count, 60_000);
  await sleep(1_000);
  const rss = rssKiB(server.proc.pid) ?? Number.NaN;
  const n = Math.max(1, held.established);
  // --breakdown: the growth by kind as the RSS figure sees it (no GC), then after a full GC (gc:...).
  const sampleHeld = sampleBefore ? await sampleMemory(server, false) : undefined;
  const sampleGc = sampleBefore ? await sampleMemory(server, true) : undefined;
  const breakdown = sampleBefore && sampleHeld && sampleGc ? { ...perSession('', sampleBefore, sampleHeld, n), ...perSession('gc:', sampleBefore, sampleGc, n) } : {};
  const heap = (await server.liveHeapKiB()) ?? Number.NaN;
  if (before && snapDir) {
    const after = join(snapDir, `${label}-${count}.heapsnapshot`);
    await askSnapshot(server, after);
    const growth = heapGrowth(JSON.parse(readFileSync(before, 'utf8')), JSON.parse(readFileSync(after, 'utf8')), held.established);
    console.log(`heap snapshot ${label}, ${held.established} sessions:\n${formatHeap(growth)}`);
    rmSync(before);
    rmSync(after);
  }
  await closeAll(held.sockets, 1_000);
  return { 'KiB RSS/session': (rss - rssBefore) / n, 'KiB heap/session': (heap - heapBefore) / n, 'held': held.established, ...breakdown };
}

async function stormPhase(server: RunningServer, profFile: string | undefined): Promise<Figures> {
  await sleep(500);
  if (profFile) await ask(server, 'prof', 'PROF', 'start');
  const counters0 = readTcpCounters();
  const cpu0 = cpuMs(server.proc.pid);
  const storm = await openSessions(server.port, 10_000, 60_000);
  const cpu1 = cpuMs(server.proc.pid);
  const counters = counterDelta(counters0, readTcpCounters());
  if (profFile) {
    await ask(server, 'prof', 'PROF', profFile);
    console.log(`cpu profile ${profFile}:\n${formatCpu(summariseCpu(JSON.parse(readFileSync(profFile, 'utf8')), 25))}`);
  }
  await closeAll(storm.sockets, 1_500);
  if (failureCount(storm.failures) > 0) console.log(`storm failures: ${JSON.stringify(storm.failures)}`);
  return {
    'storm ms': storm.ms,
    'connected ms': storm.readyMs,
    'storm cpu ms': cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : Number.NaN,
    'storm failed': failureCount(storm.failures),
    'overflows': counters?.listenOverflows ?? Number.NaN,
    'syn retrans': counters?.synRetrans ?? Number.NaN,
  };
}

async function prefixPhase(server: RunningServer): Promise<Figures> {
  await sleep(1_000);
  const p = await prefixOnlyCost(server.port, server.proc.pid, 1_000, 1_048_000, 1_500, server.liveHeapKiB);
  return {
    'prefix MiB RSS': (p.peakKiB - p.beforeKiB) / 1024,
    'prefix MiB heap': p.liveHeapHeldKiB !== undefined && p.liveHeapBeforeKiB !== undefined ? (p.liveHeapHeldKiB - p.liveHeapBeforeKiB) / 1024 : Number.NaN,
  };
}

async function main(): Promise<void> {
  stopServersOnExit();
  const ids = (values.servers as string).split(',');
  const catalog = [...serverCatalog(), ...experimentalServers()];
  // `id@DIR` runs server `id` from the checkout in DIR (e.g. a `git worktree` of the commit before a change);
  // `id~FLAG~FLAG` runs a node server with extra node/V8 flags (e.g. `ref-default~--max-semi-space-size=2`).
  const specs = ids.map((named): Named => {
    const [where, ...nodeFlags] = named.split('~');
    const [id, root] = (where as string).split('@');
    const spec = catalog.find((s) => s.id === id);
    if (!spec) throw new Error(`unknown server ${id}; ids: ${catalog.map((s) => s.id).join(', ')}`);
    if (nodeFlags.length > 0 && spec.family === 'zookeeper') throw new Error(`${named}: ~flags are for node servers only`);
    return { ...spec, id: named, ...(root !== undefined ? { root } : {}), ...(nodeFlags.length > 0 ? { nodeFlags } : {}) };
  });
  const phases = new Set((values.phases as string).split(','));
  const reps = Number(values.reps);
  const workDir = mkdtempSync(join(tmpdir(), 'cnxnspec-hot-'));
  const profDir = values.prof;
  if (profDir) mkdirSync(profDir, { recursive: true });
  let zookeeper: ZooKeeperInstall | undefined;
  if (specs.some((s) => s.family === 'zookeeper')) {
    const found = await findZooKeeper(join(workDir, 'zk-conf'), () => {});
    if (!found.ok) throw new Error(found.reason);
    zookeeper = found.install;
  }
  const results = new Map<string, Figures[]>(ids.map((id) => [id, []]));
  console.log(`hot-path: ${ids.join(', ')} x ${reps}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  for (let rep = 1; rep <= reps; rep++) {
    for (const spec of specs) {
      const figures: Figures = {};
      if (phases.has('pings')) {
        const file = profDir && spec.family !== 'zookeeper' ? join(profDir, `${spec.id.replace(/\W/g, '_')}-pings-${rep}.cpuprofile`) : undefined;
        Object.assign(figures, await withServer(spec, workDir, zookeeper, (s) => pingsPhase(s, Number(values.seconds), file)));
      }
      if (phases.has('held')) {
        const snap = profDir && spec.family !== 'zookeeper' && rep === 1 ? profDir : undefined;
        Object.assign(figures, await withServer(spec, workDir, zookeeper, (s) => heldPhase(s, Number(values.held), snap, spec.id.replace(/\W/g, '_'))));
      }
      if (phases.has('storm')) {
        const file = profDir && spec.family !== 'zookeeper' ? join(profDir, `${spec.id.replace(/\W/g, '_')}-storm-${rep}.cpuprofile`) : undefined;
        Object.assign(figures, await withServer(spec, workDir, zookeeper, (s) => stormPhase(s, file)));
      }
      if (phases.has('prefix')) Object.assign(figures, await withServer(spec, workDir, zookeeper, prefixPhase));
      console.log(`rep ${rep} ${spec.id}: ${Object.entries(figures).map(([k, v]) => `${k} ${v.toFixed(k === 'pings/s' ? 0 : 2)}`).join(', ')}`);
      results.get(spec.id)?.push(figures);
    }
  }
  console.log(`\nmedians over ${reps} (ratio to ${ids[0]}); load average at end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const base = results.get(ids[0] as string) ?? [];
  for (const id of ids) {
    const rows = results.get(id) ?? [];
    const keys = Object.keys(rows[0] ?? {});
    const cells = keys.map((k) => {
      const m = median(rows.map((r) => r[k] as number));
      const b = median(base.map((r) => r[k] as number));
      return `${k} ${m.toFixed(k === 'pings/s' ? 0 : 2)} (${(m / b).toFixed(2)}x)`;
    });
    console.log(`${id.padEnd(12)} ${cells.join(', ')}`);
  }
  if (!process.env.KEEP_WORKDIR) rmSync(workDir, { recursive: true, force: true });
}

await main();
