/**
 * `npm run bench:slow-readers` (issue 18): many slow readers and some active clients against the reference (its
 * ZkServer behind the NIO factory, in its own process, as `npm run bench` starts it) and Apache ZooKeeper 3.8 NIO,
 * one after the other, then docs/slow-reader-soak.md.
 *
 *     npx tsx bench/slow-reader-soak.ts [--readers 20] [--active 10] [--slow-seconds 20] [--no-docs]
 *
 * Each slow reader (reference/zk/slow-reader-peer.ts) pipelines 20 getData of a 500 KB znode, reads 1 KiB/s while
 * pinging every 2 s within its 6 s session, then reads the rest at full speed and checks every reply and that its
 * session is still alive. Meanwhile each active client loops getData of a small znode through
 * node-zookeeper-client, and the server's resident memory is sampled every 500 ms. Reported per server: sessions
 * kept, replies complete, the active clients' latency (p50/p99/max) and request count, and the server's RSS before
 * and at its peak. Not part of npm test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'node-zookeeper-client';
import { slowRead, type SlowReadOutcome } from '../reference/zk/slow-reader-peer.ts';
import { zk } from '../reference/zk/test-support.ts';
import type { SocketAddress } from '../spec/runtime.ts';
import { rssKiB, stopServersOnExit } from './servers/processes.ts';
import { REFERENCE_DEFAULT_ID, serverCatalog, startServer, ZK_NIO_ID } from './servers/catalog.ts';
import { findZooKeeper } from './servers/zookeeper.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ZNODE_BYTES = 500 * 1024;
const REQUESTS = 20;

interface SoakResult {
  readonly server: string;
  readonly readers: number;
  readonly kept: number;
  readonly complete: number;
  readonly activeRequests: number;
  readonly activeErrors: number;
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
}

/** The value below which `p` percent of the sorted samples lie (0 without samples). */
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function connect(address: SocketAddress): Promise<Client> {
  const client = createClient(`${address.host}:${address.port}`, { retries: 0, sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

async function soak(name: string, address: SocketAddress, pid: number, readers: number, active: number, slowSeconds: number): Promise<SoakResult> {
  const setup = await connect(address);
  await zk.create(setup, '/big', Buffer.alloc(ZNODE_BYTES, 7));
  await zk.create(setup, '/small', Buffer.from('x'));
  setup.close();
  const rssStart = rssKiB(pid) ?? 0;
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB(pid) ?? 0)), 500);
  let running = true;
  const latencies: number[] = [];
  let activeErrors = 0;
  const clients = await Promise.all(Array.from({ length: active }, () => connect(address)));
  const loops = clients.map(async (c) => {
    while (running) {
      const started = performance.now();
      try {
        await zk.getData(c, '/small');
        latencies.push(performance.now() - started);
      } catch {
        activeErrors++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  const plan = { path: '/big', requests: REQUESTS, sessionTimeoutMs: 6_000, pingEveryMs: 2_000, slowForMs: slowSeconds * 1000, stepMs: 1_000, bytesPerStep: 1024 };
  const outcomes: SlowReadOutcome[] = await Promise.all(Array.from({ length: readers }, () => slowRead(address, plan).catch(() => undefined as unknown as SlowReadOutcome)));
  running = false;
  await Promise.all(loops);
  clearInterval(sampler);
  for (const c of clients) c.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = outcomes.filter((o) => o !== undefined);
  return {
    server: name,
    readers,
    kept: ok.filter((o) => !o.closedWhileSlow && o.afterwardsErr === 0).length,
    complete: ok.filter((o) => o.dataLengths.length === REQUESTS && o.dataLengths.every((n) => n === ZNODE_BYTES)).length,
    activeRequests: latencies.length,
    activeErrors,
    latency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 },
    rssStartMiB: Math.round(rssStart / 1024),
    rssPeakMiB: Math.round(rssPeak / 1024),
  };
}

function report(results: readonly SoakResult[], settings: string): string {
  const ms = (n: number) => n.toFixed(1);
  const rows = results.map(
    (r) =>
      `| ${r.server} | ${r.kept} / ${r.readers} | ${r.complete} / ${r.readers} | ${r.activeRequests} (${r.activeErrors} errors) | ${ms(r.latency.p50)} / ${ms(r.latency.p99)} / ${ms(r.latency.max)} | ${r.rssStartMiB} → ${r.rssPeakMiB} |`,
  );
  return [
    '# Slow-reader soak (issue 18)',
    '',
    'Generated by `npm run bench:slow-readers` (bench/slow-reader-soak.ts); numbers from one run on this machine, so compare',
    'the servers with each other, not with other runs.',
    '',
    settings,
    '',
    '| server | slow readers that kept their session | got all 20 replies intact | active getData requests | active latency p50 / p99 / max ms | server RSS MiB, start → peak |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'How to read it: a slow but live reader must keep its session (its pings are read while its replies wait) and get',
    'every reply intact and in order, on both servers. The memory column is what the servers hold for the readers: both',
    'keep every reply they owe a slow reader queued. ZooKeeper has no bound on that; the reference stops reading a',
    'connection\'s requests (pings excepted) once more than its output high-water mark is queued, so what it holds per',
    'connection is bounded by the requests that fit its 64 KiB parking space times their reply size, and here all 20',
    'small getData requests fit, so both hold about 20 x 20 x 500 KB. The active clients\' latency is what the slow',
    'readers cost everyone else (load generator and server share the same cores).',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { readers: { type: 'string', default: '20' }, active: { type: 'string', default: '10' }, 'slow-seconds': { type: 'string', default: '20' }, 'no-docs': { type: 'boolean', default: false } } });
  const readers = Number(values.readers);
  const active = Number(values.active);
  const slowSeconds = Math.min(24, Number(values['slow-seconds']));
  stopServersOnExit();
  const workDir = mkdtempSync(join(os.tmpdir(), 'cnxnspec-slow-soak-'));
  const found = await findZooKeeper(workDir, (line) => console.log(line));
  const catalog = serverCatalog();
  const results: SoakResult[] = [];
  for (const id of [REFERENCE_DEFAULT_ID, ZK_NIO_ID]) {
    const spec = catalog.find((s) => s.id === id);
    if (spec === undefined) continue;
    if (spec.family === 'zookeeper' && !found.ok) {
      console.log(`skipping ${spec.label}: ${found.reason}`);
      continue;
    }
    const server = await startServer(spec, { sessionlessMs: 10_000, workDir, logFile: join(workDir, `${id}.log`), ...(found.ok ? { zookeeper: found.install } : {}) });
    try {
      console.log(`${spec.label}: ${readers} slow readers, ${active} active clients, ${slowSeconds} s slow phase`);
      const result = await soak(spec.label, { host: '127.0.0.1', port: server.port }, server.proc.pid, readers, active, slowSeconds);
      console.log(JSON.stringify(result));
      results.push(result);
    } finally {
      await server.proc.stop();
    }
  }
  const settings =
    `${readers} slow readers, each pipelining ${REQUESTS} getData of a ${ZNODE_BYTES / 1024} KB znode and reading 1 KiB/s for ${slowSeconds} s ` +
    `while pinging every 2 s (6 s sessions, tickTime 2000), then reading the rest at full speed; ${active} active node-zookeeper-client ` +
    `sessions looping getData of a 1-byte znode meanwhile. Machine: ${os.cpus().length} cores, Node ${process.version}.`;
  const text = report(results, settings);
  console.log(text);
  if (!values['no-docs']) writeFileSync(join(ROOT, 'docs', 'slow-reader-soak.md'), text);
}

await main();
