/**
 * `npm run bench` (`-- --quick` for a pass of a few minutes): the reference NIO factory against Apache ZooKeeper 3.8
 * (NIO and Netty) and a bare node:net server, on loopback, in one run, then docs/benchmarks.md and its charts.
 *
 *     npm run bench [-- --quick] [--reps N] [--only REGEX] [--ping-seconds S] [--no-harness] [--no-docs] [--report-from results.json]
 *
 * This process is only the load generator (raw sockets, jute frames from reference/server/frames.ts); each server
 * runs in its own process group, a fresh one per repetition, and is stopped at the end of its repetition, on an
 * error and on Ctrl-C. Phases per server: see server-phases.ts; for the servers over TLS (ids ending in -tls; only
 * them: `--only tls`), tls-phases.ts, with certificates made for the run. Then (e), the harness: harness-phase.ts.
 * Needs about 11,500 descriptors per process (10,000 clients at once): with a lower soft limit and a high enough
 * hard one it re-runs itself under `ulimit -n <hard>`; otherwise it drops the storm sizes that cannot fit and says so.
 * Not part of npm test or CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHarnessPhase } from './harness-phase.ts';
import { fdLimits, machineFacts } from './machine.ts';
import { parseCli } from './options.ts';
import { writeReport } from './report/markdown.ts';
import type { RunResult, RunSettings, ServerRep, ServerResult } from './results.ts';
import { runPhases, runPrefixPhase } from './server-phases.ts';
import { serverCatalog, startServer, type RunningServer, type ServerSpec } from './servers/catalog.ts';
import { stopServersOnExit } from './servers/processes.ts';
import { makeBenchTls, type BenchTls } from './servers/tls-stores.ts';
import { findZooKeeper, outOfMemoryThreads, type ZooKeeperInstall } from './servers/zookeeper.ts';
import { runTlsPhases, TLS_SESSIONLESS_MS } from './tls-phases.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** Descriptors beyond the largest storm: the held sessions are closed by then, so pings and spares only. */
const FD_SPARE = 1_500;
/** No repetition against one server may take longer than this. */
const SERVER_REP_LIMIT_MS = 5 * 60_000;

function minutes(ms: number): string {
  return ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

/** Re-runs this script under a raised descriptor limit when the hard limit allows; returns the storm sizes that fit. */
function fitDescriptors(settings: RunSettings, notes: string[]): RunSettings {
  const { soft, hard } = fdLimits();
  const need = Math.max(...settings.stormSizes, settings.heldSessions) + FD_SPARE;
  const softN = soft === 'unlimited' ? Infinity : Number(soft);
  const hardN = hard === 'unlimited' ? Infinity : Number(hard);
  console.log(`descriptors: ulimit -n is ${soft} (hard ${hard}); the largest storm needs about ${need} per process`);
  if (softN >= need) return settings;
  if (hardN >= need && process.env.CNXNSPEC_BENCH_RAISED !== '1') {
    const raise = hard === 'unlimited' ? String(need) : hard;
    console.log(`raising the soft limit to ${raise} and running again under it`);
    const run = spawnSync('sh', ['-c', `ulimit -n ${raise} && exec "$@"`, 'sh', process.execPath, '--import', 'tsx', SELF, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, CNXNSPEC_BENCH_RAISED: '1' },
    });
    process.exit(run.status ?? 1);
  }
  const fits = settings.stormSizes.filter((n) => n + FD_SPARE <= softN);
  const note = `ulimit -n is ${soft} (hard ${hard}), too low for ${need} descriptors: storms of ${settings.stormSizes.filter((n) => !fits.includes(n)).join(', ')} clients were skipped (raise it with \`ulimit -n 20000\`).`;
  console.log(`WARNING: ${note}`);
  notes.push(note);
  return { ...settings, stormSizes: fits, heldSessions: Math.min(settings.heldSessions, Math.max(0, softN - FD_SPARE)) };
}

class Progress {
  private readonly started = Date.now();
  private done = 0;
  private spent = 0;
  constructor(
    private readonly units: number,
    private readonly guessMs: number,
    private readonly tailMs: number,
  ) {}
  finished(ms: number): void {
    this.done++;
    this.spent += ms;
  }
  left(): string {
    const per = this.done > 0 ? this.spent / this.done : this.guessMs;
    return `~${minutes(per * (this.units - this.done) + this.tailMs)} left`;
  }
  elapsed(): string {
    return minutes(Date.now() - this.started);
  }
}

async function withLimit<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${minutes(ms)}: stopped`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where servers keep their files, and what they need: ZooKeeper's install, the TLS material. */
interface Context {
  readonly workDir: string;
  readonly zookeeper?: ZooKeeperInstall;
  readonly tls?: BenchTls;
}

/** Starts `spec`, runs `body` against it under the time limit, and stops it whatever happens; returns its log file. */
async function withServer(
  spec: ServerSpec,
  rep: ServerRep,
  settings: RunSettings,
  context: Context,
  logName: string,
  say: (phase: string, detail: string) => void,
  body: (server: RunningServer) => Promise<void>,
): Promise<string> {
  const started = Date.now();
  const logFile = join(context.workDir, 'logs', `${logName}.log`);
  let running: RunningServer | undefined;
  try {
    const sessionlessMs = spec.tls === true ? TLS_SESSIONLESS_MS : settings.sessionlessMs;
    running = await startServer(spec, { sessionlessMs, logFile, ...context });
    const readyMs = Date.now() - started;
    if (rep.startMs === 0) (rep as { startMs: number }).startMs = readyMs;
    if (running.handler) rep.handler = running.handler;
    say('start', `pid ${running.proc.pid}, port ${running.port}, ready in ${readyMs} ms${running.handler ? `, handler ${running.handler.split(' | ')[0]}` : ''}`);
    await withLimit(body(running), SERVER_REP_LIMIT_MS, `${spec.id} rep ${rep.rep}`);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    rep.errors.push(message);
    say('error', message);
  } finally {
    if (running !== undefined) {
      const died = running.proc.hasExited() ? await running.proc.exited : undefined;
      if (died) rep.errors.push(`the server ${died} during the run (log: ${logFile})`);
      await running.proc.stop();
    }
  }
  return logFile;
}

async function measureServer(
  spec: ServerSpec,
  rep: number,
  settings: RunSettings,
  context: Context,
  say: (phase: string, detail: string) => void,
): Promise<ServerRep> {
  const record: ServerRep = { rep, startMs: 0, storms: [], errors: [], loadAvg1: os.loadavg()[0] ?? 0 };
  if (spec.tls === true) {
    const client = context.tls?.client;
    if (client === undefined) throw new Error(`${spec.id}: the run has no TLS material`);
    await withServer(spec, record, settings, context, `${spec.id}-rep${rep}`, say, (server) => runTlsPhases(server, settings, record, say, client));
    return record;
  }
  await withServer(spec, record, settings, context, `${spec.id}-rep${rep}`, say, (server) => runPhases(server, settings, record, say));
  const prefixLog = await withServer(spec, record, settings, context, `${spec.id}-rep${rep}-prefix`, say, (server) => runPrefixPhase(server, settings, record, say));
  // Read once the server has stopped, so that everything it printed is in the log.
  const oom = outOfMemoryThreads(prefixLog);
  if (record.prefix && oom.length > 0) {
    record.prefix.outOfMemoryThreads = oom;
    say('length prefix', `the server's log reports OutOfMemoryError in ${oom.length} thread(s): ${oom.join(', ')}`);
  }
  return record;
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.reportFrom !== undefined) {
    const saved = JSON.parse(readFileSync(cli.reportFrom, 'utf8')) as RunResult;
    // Specs as the catalog has them now (labels may have changed since the run); ids are stable.
    const catalog = new Map(serverCatalog().map((spec) => [spec.id, spec]));
    for (const server of saved.servers) Object.assign(server, { spec: catalog.get(server.spec.id) ?? { ...server.spec, short: server.spec.short ?? server.spec.id } });
    console.log(`wrote ${writeReport(saved, ROOT).join(', ')} from ${cli.reportFrom}`);
    return;
  }
  const notes: string[] = [];
  const settings = fitDescriptors(cli.settings, notes);
  stopServersOnExit();
  const workDir = mkdtempSync(join(os.tmpdir(), 'cnxnspec-bench-'));
  mkdirSync(join(workDir, 'logs'));
  const machine = machineFacts();
  const startedAt = new Date().toISOString();
  console.log(
    `cnxnspec benchmarks${settings.quick ? ' (--quick)' : ''}: ${settings.reps} repetition(s); ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, node ${machine.node}, ` +
      `load average ${machine.loadStart.map((l) => l.toFixed(2)).join(' ')}; logs and raw results in ${workDir}`,
  );
  if (settings.reps < 3) notes.push(`${settings.reps} repetition(s) only (${settings.quick ? '--quick' : '--reps'}): figures are single samples, not medians of 3; run \`npm run bench\` for those.`);

  console.log('Apache ZooKeeper: looking for /usr/share/java/zookeeper.jar and java');
  const zk = await findZooKeeper(join(workDir, 'zk-conf'), (line) => console.log(line));
  const result: RunResult = { settings, machine, servers: [], startedAt, notes };
  let zookeeper: ZooKeeperInstall | undefined;
  if (zk.ok) {
    zookeeper = zk.install;
    Object.assign(machine, { java: zk.install.java, zookeeper: zk.install.version });
    console.log(`Apache ZooKeeper: ${zk.install.version}; ${zk.install.java}`);
  } else {
    result.zookeeperSkipped = zk.reason;
    console.log(`Apache ZooKeeper: SKIPPED, ${zk.reason}. The node servers are still measured.`);
  }

  const specs = serverCatalog().filter((s) => settings.only === undefined || settings.only.test(s.id));
  const servers: ServerResult[] = specs.map((spec) => ({ spec, reps: [] }));
  result.servers.push(...servers);
  const runnable = servers.filter((s) => {
    if (s.spec.family === 'zookeeper' && zookeeper === undefined) s.skipped = `Apache ZooKeeper not available: ${zk.ok ? '' : zk.reason}`;
    return s.skipped === undefined;
  });
  let tls: BenchTls | undefined;
  if (runnable.some((s) => s.spec.tls === true)) {
    const made = makeBenchTls();
    process.once('exit', () => made.cleanup());
    tls = made;
    console.log('TLS: a CA and a server key store made with openssl for this run (PEM, EC P-256)');
  }
  const context: Context = { workDir, ...(zookeeper ? { zookeeper } : {}), ...(tls ? { tls } : {}) };
  const guess = settings.quick ? 30_000 : 45_000;
  const harnessGuess = settings.harness ? (settings.quick ? 60_000 : 240_000) : 0;
  const progress = new Progress(runnable.length * settings.reps, guess, harnessGuess);
  console.log(`${runnable.length} servers x ${settings.reps} repetition(s), ${progress.left()}`);

  for (let rep = 1; rep <= settings.reps; rep++) {
    // Each repetition starts one server further on, so that no server always runs first (or last) in a repetition.
    const shift = (rep - 1) % Math.max(1, runnable.length);
    const order = [...runnable.slice(shift), ...runnable.slice(0, shift)];
    for (const [i, server] of order.entries()) {
      const head = `[rep ${rep}/${settings.reps} · ${i + 1}/${runnable.length} ${server.spec.id}]`;
      console.log(`${head} ${server.spec.label} · ${progress.left()}`);
      const started = Date.now();
      const say = (phase: string, detail: string) => console.log(`${head} ${phase}: ${detail}`);
      const record = await measureServer(server.spec, rep, settings, context, say);
      server.reps.push(record);
      progress.finished(Date.now() - started);
      console.log(`${head} done in ${minutes(Date.now() - started)} · ${progress.elapsed()} elapsed, ${progress.left()}`);
    }
  }

  if (settings.harness) {
    console.log(`[harness] (e) scenario runs/s on the reference and runs to kill each mutant (${settings.harness.reps} seed(s), cap ${settings.harness.cap} runs)`);
    try {
      result.harness = await runHarnessPhase(settings.harness, (line) => console.log(`[harness]${line}`));
    } catch (err) {
      result.harnessError = (err as Error).message ?? String(err);
      console.log(`[harness] FAILED: ${result.harnessError}`);
    }
  }

  machine.loadEnd = os.loadavg();
  result.durationMs = Date.now() - Date.parse(startedAt);
  const handlers = new Set(servers.flatMap((s) => s.reps.map((r) => r.handler)).filter((h): h is string => h !== undefined));
  result.handlerNote = [...handlers].join('; ');
  writeFileSync(join(workDir, 'results.json'), JSON.stringify(result, (_, v: unknown) => (v instanceof RegExp ? v.source : v), 2));
  console.log(`raw results: ${join(workDir, 'results.json')}`);
  if (cli.writeDocs) {
    const written = writeReport(result, ROOT);
    console.log(`wrote ${written.join(', ')}`);
  }
  console.log(`done in ${minutes(result.durationMs)}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exit(1);
}
