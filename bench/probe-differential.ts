/**
 * Measures and writes docs/differential.md: `cnxnspec probe`'s checks (conformance/wire) against the reference
 * NIO factory and against Apache ZooKeeper 3.8 with its NIO and Netty factories, configured alike (maxClientCnxns
 * 10, sessionless timeout 2 s, every four-letter word whitelisted). The outcomes are saved in
 * docs/differential.json and the page is rendered from them (conformance/wire/differential-table.ts), with the
 * reason for every difference; a difference without a known reason is printed as unexplained and the script
 * exits 1 so it is looked at.
 * Usage: npx tsx bench/probe-differential.ts            run every server, write the data and the page
 *        npx tsx bench/probe-differential.ts --render   rewrite the page from the committed data only
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper, startApacheZooKeeper } from '../conformance/zookeeper/apache-zookeeper.ts';
import { startZk, type Cleanup } from '../reference/zk/test-support.ts';
import { runWireChecks, type CheckResult } from '../conformance/wire/run-wire-checks.ts';
import type { WireOptions } from '../conformance/wire/wire-check.ts';
import { waitUntilServing } from '../conformance/wire/wait-serving.ts';
import { renderDifferential, type DifferentialData } from '../conformance/wire/differential-table.ts';

const MAX_PER_IP = 10;
const SESSIONLESS_MS = 2_000;
const STORM = 500;
const options: Partial<WireOptions> = { maxClientCnxns: MAX_PER_IP, sessionlessTimeoutMs: SESSIONLESS_MS, stormClients: STORM };
const DATA = fileURLToPath(new URL('../docs/differential.json', import.meta.url));
const PAGE = fileURLToPath(new URL('../docs/differential.md', import.meta.url));

type Column = DifferentialData['columns'][number];

const column = (name: string, results: readonly CheckResult[]): Column => ({
  name,
  outcomes: Object.fromEntries(results.map((r) => [r.check.name, { status: r.outcome.status, detail: r.outcome.detail }])),
});

async function probeReference(): Promise<Column> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const t: Cleanup = { after: (fn) => void cleanups.push(fn) };
  try {
    const zk = await startZk(t, {
      maxClientCnxns: MAX_PER_IP,
      server: { tickTime: 2000, fourLetterWordWhitelist: '*' },
      factory: { sessionlessCnxnTimeout: SESSIONLESS_MS },
    });
    return column('reference NIO', (await runWireChecks(zk.address, options)).checks);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

async function probeZooKeeper(netty: boolean): Promise<Column | string> {
  const zk = findApacheZooKeeper();
  if (!zk.found) return zk.reason;
  const properties: Record<string, string> = { 'zookeeper.nio.sessionlessCnxnTimeout': String(SESSIONLESS_MS) };
  if (netty) properties['zookeeper.serverCnxnFactory'] = 'org.apache.zookeeper.server.NettyServerCnxnFactory';
  const server = await startApacheZooKeeper(zk, [`maxClientCnxns=${MAX_PER_IP}`, '4lw.commands.whitelist=*'], properties);
  try {
    const target = { host: '127.0.0.1', port: server.port };
    await waitUntilServing(target);
    return column(`ZooKeeper 3.8 ${netty ? 'Netty' : 'NIO'}`, (await runWireChecks(target, options)).checks);
  } finally {
    await server.stop();
  }
}

async function measure(): Promise<DifferentialData> {
  const columns: Column[] = [await probeReference()];
  const absent: string[] = [];
  for (const netty of [false, true]) {
    const col = await probeZooKeeper(netty);
    if (typeof col === 'string') absent.push(col);
    else columns.push(col);
  }
  return { setup: { maxClientCnxns: MAX_PER_IP, sessionlessTimeoutMs: SESSIONLESS_MS, stormClients: STORM }, columns, absent };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const data = process.argv.includes('--render') ? (JSON.parse(readFileSync(DATA, 'utf8')) as DifferentialData) : await measure();
  if (!process.argv.includes('--render')) writeFileSync(DATA, `${JSON.stringify(data, null, 2)}\n`);
  const page = renderDifferential(data);
  writeFileSync(PAGE, page.markdown);
  console.log(`wrote ${PAGE}: ${data.columns.length} servers, ${page.differences} differences, ${page.unexplained} unexplained`);
  process.exitCode = page.unexplained > 0 ? 1 : 0;
}
