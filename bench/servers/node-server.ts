/**
 * A node server under test, run as its own process so the load generator never shares its event loop:
 *
 *     node --import tsx bench/servers/node-server.ts --kind nio|netty|bare [--selectors N] [--workers M] [--backlog B] [--sessionless MS] [--tls FILE]
 *
 * nio: the reference NIO factory (createFactory on the node runtime, tracing off) on 127.0.0.1:0; absent thread
 * counts take the factory's defaults. netty: the reference Netty-style factory, --selectors worker event loops (its
 * idle timeout is --sessionless); with --tls, a secure port (TLS material from the `ssl.*` lines of FILE, ZooKeeper's
 * property names, as `cnxnspec serve` reads them). bare: the bare node:net floor. Both serve the handler chosen by handler.ts,
 * built on one node runtime (the factory's, for nio).
 * Prints `READY <port> <handler name>` on stdout once listening; answers a line `mem` on stdin with a full GC (when
 * run with --expose-gc, as bench/run.ts does) and `MEM <process.memoryUsage() as JSON>`, and `snap FILE` with a heap
 * snapshot written to FILE and `SNAP FILE`, `usage` (or `usage gc`, after a full GC) with
 * `USAGE <process.memoryUsage() and V8's heap spaces as JSON>`, and `prof start` ... `prof FILE` with a CPU profile
 * of the time between written to FILE (`alloc` likewise, a sampling heap profile; see profile()); exits when stdin
 * closes or on SIGTERM.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session } from 'node:inspector/promises';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { loadTlsMaterial } from '../../reference/boot/tls-material.ts';
import { parseZooCfg } from '../../reference/boot/zoo-cfg.ts';
import { createFactory as createNettyFactory } from '../../reference/netty/netty-server-cnxn-factory.ts';
import { createFactory } from '../../reference/nio/nio-server-cnxn-factory.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import type { FactoryOptions, RequestHandler, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import { serveBare } from './bare-server.ts';
import { chooseHandler } from './handler.ts';
import { forwardingHandler, serveCopies } from './shared-tree.ts';

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    selectors: { type: 'string' },
    workers: { type: 'string' },
    backlog: { type: 'string', default: '-1' },
    sessionless: { type: 'string', default: '10000' },
    tls: { type: 'string' },
    processes: { type: 'string', default: '1' },
    'shared-tree': { type: 'boolean', default: false },
  },
});

let warnings = 0;
/** Tracing off (the default); warnings are expected under a storm (resets), so only the first few are printed. */
const runtime = createNodeRuntime({
  logger: {
    log: (level, message) => {
      if (level === 'error' || (level === 'warn' && warnings++ < 20)) console.error(`${level.toUpperCase()} ${message}`);
    },
  },
});

/** The secure port's TLS options from a zoo.cfg-style file (`ssl.X` is the property `zookeeper.ssl.X`). */
function tlsFrom(file: string): FactoryOptions['tls'] {
  const cfg = parseZooCfg(readFileSync(file, 'utf8'), file);
  const properties = new Map([...cfg.entries].map(([key, value]) => [`zookeeper.${key}`, value]));
  const tls = loadTlsMaterial(properties, dirname(file));
  if (tls === undefined) throw new Error(`--tls ${file}: no ssl.keyStore.location in it`);
  return tls;
}

async function serveFactory(handler: RequestHandler, backlog: number, sessionless: number, netty: boolean): Promise<number> {
  const secure = values.tls !== undefined;
  const options: FactoryOptions = {
    ...(secure ? { tls: tlsFrom(values.tls as string) } : {}),
    sessionlessCnxnTimeout: sessionless,
    ...(values.selectors !== undefined ? { numSelectorThreads: Number(values.selectors) } : {}),
    ...(values.workers !== undefined ? { numWorkerThreads: Number(values.workers) } : {}),
  };
  const factory = netty ? createNettyFactory(runtime, options) : createFactory(runtime, options);
  await runtime.runAs('main', async () => {
    // maxClientCnxns 0: no per-IP limit, as for ZooKeeper (every client comes from 127.0.0.1).
    await factory.configure({ host: '127.0.0.1', port: 0 }, 0, backlog, secure);
    (handler as { attachFactory?: (f: ServerCnxnFactory) => void }).attachFactory?.(factory);
    await factory.startup(handler);
  });
  return factory.localAddress()?.port as number;
}

let inspector: Session | undefined;

/**
 * `prof start`, then `prof FILE`: a CPU profile of what the server did in between (bench/hot-path.ts --prof).
 * `alloc start` (or `alloc start+major`, `alloc start+all`), then `alloc FILE`: a sampling heap profile of what was
 * allocated in between and is still live; with +major also what a full GC collected (objects that were promoted
 * before they died: V8's includeObjectsCollectedByMajorGC), with +all also what scavenges collected.
 * Each step is answered `PROF <word>` or `ALLOC <word>`.
 */
async function profile(kind: 'prof' | 'alloc', what: string): Promise<void> {
  const cpu = kind === 'prof';
  if (what.startsWith('start')) {
    inspector = new Session();
    inspector.connect();
    await inspector.post(cpu ? 'Profiler.enable' : 'HeapProfiler.enable');
    if (cpu) await inspector.post('Profiler.start');
    else {
      const sampling = { samplingInterval: 256, includeObjectsCollectedByMajorGC: what !== 'start', includeObjectsCollectedByMinorGC: what === 'start+all' };
      await inspector.post('HeapProfiler.startSampling', sampling);
    }
  } else if (inspector !== undefined) {
    const { profile } = cpu ? await inspector.post('Profiler.stop') : await inspector.post('HeapProfiler.stopSampling');
    writeFileSync(what, JSON.stringify(profile));
    inspector.disconnect();
    inspector = undefined;
  }
  process.stdout.write(`${kind.toUpperCase()} ${what}\n`);
}

/**
 * --processes N (N > 1): this process starts N copies of itself with node:cluster, the kernel handing each new
 * connection to one of them (SCHED_NONE: they all accept on the shared listening socket), and reports their port.
 * Each copy has its own handler, so this measures how far a second core could carry a server that shares nothing;
 * with --shared-tree the copies forward every frame to this process, which keeps the one handler (shared-tree.ts).
 */
async function superviseCopies(copies: number): Promise<void> {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ serialization: 'advanced' });
  const workers = Array.from({ length: copies }, () => cluster.fork());
  const ports = await Promise.all(
    workers.map(
      (copy) =>
        new Promise<string>((resolve, reject) => {
          const onReady = (m: { ready?: string }) => {
            if (m.ready === undefined) return;
            copy.off('message', onReady);
            resolve(m.ready);
          };
          copy.on('message', onReady);
          copy.once('exit', (code) => reject(new Error(`a copy exited with ${code} before it was ready`)));
        }),
    ),
  );
  let name = `x${copies}`;
  if (values['shared-tree']) {
    const chosen = await runtime.runAs('main', () => chooseHandler(runtime));
    serveCopies(chosen.handler, workers);
    name = `${chosen.name} x${copies}, shared | ${chosen.note}`;
  }
  process.stdout.write(`READY ${ports[0]} ${name}\n`);
  const stop = () => {
    for (const copy of workers) copy.kill();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const copies = Number(values.processes);
  if (copies > 1 && cluster.isPrimary) return superviseCopies(copies);
  const backlog = Number(values.backlog);
  const sessionless = Number(values.sessionless);
  const chosen = cluster.isWorker && values['shared-tree'] ? { handler: forwardingHandler(), name: 'forwarding', note: 'frames go to the primary' } : await runtime.runAs('main', () => chooseHandler(runtime));
  const port =
    values.kind === 'nio' || values.kind === 'netty'
      ? await serveFactory(chosen.handler, backlog, sessionless, values.kind === 'netty')
      : values.kind === 'bare'
        ? await serveBare(chosen.handler, backlog, sessionless)
        : (() => {
            throw new Error(`--kind must be nio, netty or bare, got ${values.kind}`);
          })();
  const ready = `${port} ${chosen.name} | ${chosen.note}`;
  if (cluster.isWorker) {
    // Exit, not die, on the primary's kill, so that exit-time work (a --cpu-prof profile) is done.
    process.on('SIGTERM', () => process.exit(0));
    process.send?.({ ready });
    return;
  }
  process.stdout.write(`READY ${ready}\n`);
  // `mem` on stdin: the parent asks for the live heap, after a full collection when run with --expose-gc.
  process.stdin.on('data', (chunk: Buffer) => {
    const line = chunk.toString();
    // `snap <file>` (bench/hot-path.ts): a heap snapshot, for what the live heap holds per connection.
    const prof = /(prof|alloc) (\S+)/.exec(line);
    if (prof) {
      void profile(prof[1] as 'prof' | 'alloc', prof[2] as string);
      return;
    }
    const snap = /snap (\S+)/.exec(line);
    if (snap) {
      writeHeapSnapshot(snap[1]);
      process.stdout.write(`SNAP ${snap[1]}\n`);
      return;
    }
    // `usage` / `usage gc` (bench/hot-path.ts --breakdown): memory by kind without (or after) a full GC.
    const usage = /usage( gc)?/.exec(line);
    if (usage) {
      if (usage[1] !== undefined) (globalThis as { gc?: () => void }).gc?.();
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size, physical: s.physical_space_size }]));
      process.stdout.write(`USAGE ${JSON.stringify({ ...process.memoryUsage(), spaces })}\n`);
      return;
    }
    if (!line.includes('mem')) return;
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

await main();
