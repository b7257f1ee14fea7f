/** The TLS section of docs/benchmarks.md: its tables and reading from a run's results, and its splice into a report. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerRep, ServerResult } from '../results.ts';
import { runOf } from './run-fixture.ts';
import type { ServerSpec } from '../servers/catalog.ts';
import { spliceTlsSection, TLS_BEGIN, TLS_END, tlsReading, tlsSection } from './section-tls.ts';

function spec(id: string, family: ServerSpec['family'], tls: boolean): ServerSpec {
  return { id, label: id, short: id, family, netty: true, ...(tls ? { tls: true } : {}) };
}

/** One repetition: a storm of 1,000 taking `stormMs` with `cpuMs` of server CPU, and pings. */
function rep(stormMs: number, cpuMs: number, perSecond: number, p99Ms: number, pingCpuMs: number): ServerRep {
  return {
    rep: 1,
    startMs: 1_000,
    loadAvg1: 3.5,
    tlsNegotiated: 'TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256',
    storms: [{ clients: 1_000, ms: stormMs, readyMs: stormMs - 10, established: 1_000, failures: {}, serverCpuMs: cpuMs }],
    pings: { perSecond, p50Ms: p99Ms / 4, p99Ms, replies: perSecond * 2, failures: 0, serverCpuMs: pingCpuMs },
    errors: [],
  };
}

const run = (servers: ServerResult[]) => runOf(servers, { only: /tls/ });

const zk = (): ServerResult => ({ spec: spec('zk-netty-tls', 'zookeeper', true), reps: [rep(4_000, 3_000, 10_000, 200, 800)] });

test('bench TLS section: storm and ping rows with ratios to ZooKeeper Netty over TLS, the load average and what was negotiated', () => {
  // The reference: half ZooKeeper's storm time, twice its pings/s, a quarter of its p99.
  const ref: ServerResult = { spec: spec('ref-netty-l2-tls', 'reference', true), reps: [rep(2_000, 1_500, 20_000, 50, 400)] };
  const text = tlsSection(run([zk(), ref])).join('\n');
  assert.ok(text.startsWith(TLS_BEGIN) && text.trimEnd().endsWith(TLS_END), 'the section sits between its markers');
  assert.match(text, /`npm run bench -- --quick --only 'tls'`/);
  assert.match(text, /3\.00 \/ 2\.00 \/ 1\.00 at the start of the run and 4\.00 \/ 3\.00 \/ 2\.00 at its end/);
  assert.match(text, /Negotiated: TLSv1\.2 ECDHE-ECDSA-AES128-GCM-SHA256\./);
  assert.match(text, /\| ref-netty-l2-tls \| 2,000 \| 1,990 \| 0 \| 1\.50 \| 0\.50x \|/);
  assert.match(text, /\| ref-netty-l2-tls \| 20\.0k \| 12\.50 \| 50\.00 \| 10\.0 \| 2\.00x \| 0\.25x \| - \| 0 \|/);
  assert.match(text, /ref-netty-l2-tls is not slower than ZooKeeper Netty over TLS here/);
});

test('bench TLS section: where the reference is slower, the reading says whether its cost or its one event loop dominates', () => {
  // Slower storm at lower CPU per handshake (parallelism dominates); slower pings at higher CPU per ping (cost dominates).
  const ref: ServerResult = { spec: spec('ref-netty-l2-tls', 'reference', true), reps: [rep(6_000, 1_000, 5_000, 300, 1_000)] };
  const [line] = tlsReading(run([zk(), ref]));
  assert.match(line ?? '', /slower on the storm of 1,000 \(1\.50x ZooKeeper's time\): its server CPU per handshake is not higher \(1\.00 against 3\.00 ms\), so what dominates is that all of it runs on the one event loop/);
  assert.match(line ?? '', /pings\/s \(0\.50x\): its server CPU per ping is higher \(100\.0 against 40\.0 µs\): cost dominates/);
  assert.deepEqual(tlsReading(run([ref])), [], 'no reading without ZooKeeper to compare with');
});

test('bench TLS section: empty for a run without servers over TLS, so a plaintext report is unchanged', () => {
  assert.deepEqual(tlsSection(run([{ spec: spec('zk-netty', 'zookeeper', false), reps: [rep(1, 1, 1, 1, 1)] }])), []);
});

test('bench TLS section splice: replaces the previous section in place, else goes before the errors, else at the end; the rest is kept', () => {
  const section = [TLS_BEGIN, '## (f) new', TLS_END, ''];
  const old = `# Report\n\n## (e) The harness\n\nx\n\n${TLS_BEGIN}\n## (f) old\n${TLS_END}\n\n## Errors during the run\n\n- e\n`;
  assert.equal(spliceTlsSection(old, section), `# Report\n\n## (e) The harness\n\nx\n\n${TLS_BEGIN}\n## (f) new\n${TLS_END}\n\n## Errors during the run\n\n- e\n`);
  const withErrors = '# Report\n\nx\n\n## Errors during the run\n\n- e\n';
  assert.equal(spliceTlsSection(withErrors, section), `# Report\n\nx\n\n${TLS_BEGIN}\n## (f) new\n${TLS_END}\n\n## Errors during the run\n\n- e\n`);
  assert.equal(spliceTlsSection('# Report\n\nx\n', section), `# Report\n\nx\n\n${TLS_BEGIN}\n## (f) new\n${TLS_END}\n`);
  const twice = spliceTlsSection(spliceTlsSection('# Report\n', section), section);
  assert.equal(twice.split(TLS_END).length, 2, 'splicing again replaces, never duplicates');
});
