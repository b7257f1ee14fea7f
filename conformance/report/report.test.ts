import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { conformanceReportSchema } from '../../spec/result/schema.ts';
import type { ConformanceResult } from '../harness/conformance-run.ts';
import type { Failure } from '../harness/run-suite.ts';
import { buildReport } from './build-report.ts';
import { badgeData, badgeSvg, readmeSnippet, shieldsEndpoint } from './badge.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { REPORT_FILES } from './write-report.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(conformanceReportSchema);
const root = fileURLToPath(new URL('../../', import.meta.url));

const failure: Failure = {
  finding: { requirements: ['selector.wakeup-after-offer'], source: 'wakeup-after-offer', message: 'AcceptThread offered and then blocked', evidence: [3, 7] },
  others: [],
  scenario: { config: { selectors: 1, workers: 0, maxClientCnxns: 0, sessionlessTimeout: 1_000 }, peers: [], faults: {} },
  schedule: { kind: 'random', choices: [] },
  trace: [],
  token: 'h1.s1.r.0',
  shrinks: 4,
  firstTraceLength: 90,
  runsToFailure: 12,
};

function resultWith(statuses: Record<string, 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass'>): ConformanceResult {
  return {
    runs: 40,
    durationMs: 1234,
    failures: [failure],
    ok: !Object.values(statuses).some((s) => s === 'fail' || s === 'unexpected-pass'),
    requirements: Object.entries(statuses).map(([id, status]) => ({
      id,
      status,
      judgedBy: ['simulation' as const],
      ...(status === 'fail' || status === 'expected-fail' ? { failure: 0 } : {}),
      ...(status === 'expected-fail' || status === 'unexpected-pass' ? { reason: 'a documented gap' } : {}),
    })),
  };
}

const run = { module: './mine.ts', name: './mine.ts', seed: 1, strategy: 'random walk', runs: 40, timeBudgetSeconds: 10, startedAt: new Date(0) };

test('report: a result with a failure validates against its schema and carries the replay line', () => {
  const report = buildReport(resultWith({ 'selector.wakeup-after-offer': 'fail', 'expiry.buckets': 'pass' }), run);
  assert.ok(validate(report), JSON.stringify(validate.errors));
  const failed = report.requirements.find((r) => r.id === 'selector.wakeup-after-offer');
  assert.equal(failed?.status, 'fail');
  assert.equal(failed?.replay, 'npx cnxnspec test --factory ./mine.ts --profile nio --replay h1.s1.r.0');
  assert.equal(report.requirements.find((r) => r.id === 'boot.client-port')?.status, 'not-judged');
  assert.deepEqual(report.must, { passed: 1, judged: 2 });
  assert.deepEqual(report.judged, { judged: 2, total: report.requirements.length });
  assert.equal(validate({ ...report, ok: 'yes' }), false, 'the schema must reject a malformed result');
});

test('report: the badge is green when all pass, yellow with only expected failures, red otherwise', () => {
  const green = buildReport(resultWith({ 'expiry.buckets': 'pass' }), run);
  const yellow = buildReport(resultWith({ 'expiry.buckets': 'pass', 'selector.wakeup-after-offer': 'expected-fail' }), run);
  const red = buildReport(resultWith({ 'selector.wakeup-after-offer': 'unexpected-pass' }), run);
  assert.deepEqual([green, yellow, red].map((r) => badgeData(r).color), ['brightgreen', 'yellow', 'red']);
  const total = green.requirements.length;
  assert.equal(badgeData(yellow).message, `2/${total} judged, 1 expected fail`);
  assert.match(badgeSvg(green), new RegExp(`^<svg[^>]*>.*cnxnspec.*1/${total} judged, all pass`, 's'));
  assert.deepEqual(JSON.parse(shieldsEndpoint(red)), { schemaVersion: 1, label: 'cnxnspec', message: `1/${total} judged, 1 fail`, color: 'red' });
  assert.match(readmeSnippet('https://x.test/b.json'), /img\.shields\.io\/endpoint\?url=https%3A%2F%2Fx\.test%2Fb\.json/);
});

test('report: JUnit XML has a suite per area, failures with evidence, skipped with the reason when not judged', () => {
  const xml = junitXml(buildReport(resultWith({ 'selector.wakeup-after-offer': 'fail', 'expiry.buckets': 'pass' }), run));
  assert.match(xml, /<testsuite name="cnxnspec.selector"/);
  assert.match(xml, /<testcase classname="cnxnspec.selector" name="\[selector.wakeup-after-offer\] MUST">\s*<failure message="AcceptThread offered and then blocked"/);
  assert.match(xml, /name="\[boot.client-port\] MUST">\s*<skipped\/>\s*<system-out><!\[CDATA\[not judged: about the boot code/);
});

test('report: the Markdown summary counts by area and status and lists failures with replay lines', () => {
  const md = markdownSummary(buildReport(resultWith({ 'selector.wakeup-after-offer': 'fail', 'expiry.buckets': 'pass' }), run));
  assert.match(md, /\*\*FAIL\*\*: 2 of the spec's \d+ requirements were judged \(profile nio\); 1\/2 judged MUST requirements hold/);
  assert.match(md, /\| expiry \| 1 \| 0 \| 0 \| 0 \| 4 \|/);
  assert.match(md, /## Not judged, and why[\s\S]*\| `zk.serve` \| about the ZooKeeper server/);
  assert.match(md, /npx cnxnspec test --factory \.\/mine\.ts --profile nio --replay h1\.s1\.r\.0/);
});

test('report: cnxnspec test --out writes the JSON, Markdown, JUnit and badge files, and the JSON validates', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-report-'));
  try {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'test', '--runs', '40', '--seed', '9', '--out', dir], { cwd: root, encoding: 'utf8', timeout: 80_000 });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /report written \(badge: cnxnspec \| \d+\/\d+ judged, all pass, brightgreen\)/);
    const report = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as unknown;
    assert.ok(validate(report), JSON.stringify(validate.errors));
    for (const file of Object.values(REPORT_FILES)) assert.ok(readFileSync(join(dir, file), 'utf8').length > 50, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
