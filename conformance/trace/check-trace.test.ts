import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { conformanceReportSchema } from '../../spec/result/schema.ts';
import { invariants } from '../../spec/invariants/index.ts';
import { checkTraceFile, exitCodeOf, judgedRequirements } from './check-trace.ts';
import { traceLines } from './trace-lines.ts';
import { buildVerdictReport } from './verdict-report.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => join(root, 'fixtures/traces', name);
const T = { timeout: 60_000 };

test('check: every good fixture holds with exit 0, and its missing inputs are named as not judged', T, async () => {
  const good = readdirSync(fixture('')).filter((f) => f.endsWith('.good.jsonl'));
  for (const file of good) {
    const checked = await checkTraceFile(fixture(file), { complete: !file.includes('.prefix.') });
    assert.equal(exitCodeOf(checked), 0, file);
  }
  const checked = await checkTraceFile(fixture('handoff-and-io.good.jsonl'), { complete: true });
  const stop = checked.judgement.invariants.find((v) => v.invariant.name === 'stop-ends-everything');
  assert.equal(stop?.judged, false);
  assert.match(stop?.reason ?? '', /no lifecycle events/);
  assert.equal(checked.judgement.requirements.find((r) => r.id === 'factory.lifecycle-stop')?.status, 'not-judged');
});

test('check: every bad fixture fails with exit 1, naming its invariant and the evidence lines', T, async () => {
  // Fixtures of invariants outside the default set (the event-loop profile's) are judged by their own tests.
  const defaults = new Set(invariants.map((i) => i.name as string));
  const bad = readdirSync(fixture('')).filter((f) => f.endsWith('.bad.jsonl') && defaults.has(f.split('.')[0]!));
  for (const file of bad) {
    const checked = await checkTraceFile(fixture(file), { complete: !file.includes('.prefix.') });
    assert.equal(exitCodeOf(checked), 1, file);
    const violated = checked.judgement.invariants.flatMap((v) => v.violations);
    assert.ok(violated.some((v) => file.startsWith(`${v.invariant}.`)), `${file}: ${violated.map((v) => v.invariant).join(', ')}`);
    for (const v of violated) assert.ok(v.lines.every((line) => line > 0), `${file}: evidence without a line`);
  }
  const wakeup = await checkTraceFile(fixture('wakeup-after-offer.bad.jsonl'));
  const v = wakeup.judgement.invariants.find((x) => x.invariant.name === 'wakeup-after-offer')?.violations[0];
  assert.deepEqual(v?.lines, [7, 8]);
  assert.deepEqual(v?.evidence, [6, 7]);
});

test('check: a version-1 trace has liveness judged only with --complete, and says how to mark it', T, async () => {
  const plain = await checkTraceFile(fixture('liveness-no-lost-wakeup.bad.jsonl'));
  const lost = plain.judgement.invariants.find((v) => v.invariant.name === 'liveness-no-lost-wakeup');
  assert.equal(lost?.judged, false);
  assert.match(lost?.reason ?? '', /"ev":"quiescent"/);
  assert.equal(exitCodeOf(plain), 0);
  const complete = await checkTraceFile(fixture('liveness-no-lost-wakeup.bad.jsonl'), { complete: true });
  assert.equal(exitCodeOf(complete), 1);
});

test('check: a version-2 trace judges liveness at its quiescent markers, and a good one with complete:true passes', T, async () => {
  const bad = await checkTraceFile(fixture('v2/lost-wakeup-at-quiescent-point.bad.jsonl'));
  assert.equal(bad.trace.meta.schemaVersion, 2);
  assert.deepEqual(bad.trace.quiescentAt, [8]);
  const lost = bad.judgement.invariants.find((v) => v.invariant.name === 'liveness-no-lost-wakeup')?.violations[0];
  assert.deepEqual(lost?.lines, [7, 9]);
  assert.match(lost?.judgedAt ?? '', /quiescent point after line 9/);
  const good = await checkTraceFile(fixture('v2/handoff-and-io.complete.good.jsonl'));
  assert.equal(good.complete, true);
  assert.equal(exitCodeOf(good), 0);
  assert.equal(good.judgement.invariants.find((v) => v.invariant.name === 'liveness-replies-owed')?.judged, true);
});

test('check: a malformed trace gets one problem per bad line, with the field and what was expected, and checking goes on', T, async () => {
  const checked = await checkTraceFile(fixture('malformed/every-problem.jsonl'));
  const problems = checked.trace.problems;
  assert.deepEqual(problems.map((p) => p.line), [2, 3, 4, 5, 7, 8, 9]);
  assert.match(problems[0]!.message, /not valid JSON/);
  assert.equal(problems[1]!.field, 'ev');
  assert.match(problems[1]!.message, /unknown event "acept"/);
  assert.equal(problems[2]!.field, 'sel');
  assert.match(problems[2]!.message, /missing; a wakeup event needs sel/);
  assert.equal(problems[3]!.field, 'n');
  assert.match(problems[3]!.message, /is "eight", expected an integer/);
  assert.equal(problems[4]!.field, 'seq');
  assert.match(problems[4]!.message, /is 5, expected more than 5 \(line 6\)/);
  assert.equal(problems[5]!.field, 'colour');
  assert.match(problems[6]!.message, /^truncated/);
  assert.equal(checked.trace.events.length, 2);
  assert.equal(exitCodeOf(checked), 2);
  const bounded = await checkTraceFile(fixture('malformed/every-problem.jsonl'), { maxProblems: 2 });
  assert.equal(bounded.trace.problems.length, 2);
  assert.equal(bounded.trace.problemCount, 7);
});

test('check: a header with a version this checker does not know is an input error that says to upgrade', T, async () => {
  const checked = await checkTraceFile(fixture('malformed/future-version.jsonl'));
  assert.equal(checked.trace.problems[0]?.field, 'schemaVersion');
  assert.match(checked.trace.problems[0]!.message, /reads versions 1, 2: upgrade cnxnspec/);
  assert.equal(exitCodeOf(checked), 2);
});

test('check: lines are split across chunks, CRLF is accepted and a last line without newline is marked', T, async () => {
  const seen = [];
  for await (const batch of traceLines(Readable.from(['{"a":', '1}\r\n\n{"b"', ':2}\n{"c":3'], { objectMode: true }))) seen.push(...batch);
  assert.deepEqual(seen, [
    { number: 1, text: '{"a":1}', unterminated: false },
    { number: 2, text: '', unterminated: false },
    { number: 3, text: '{"b":2}', unterminated: false },
    { number: 4, text: '{"c":3', unterminated: true },
  ]);
});

test('check: a UTF-8 byte-order mark before the first line is not part of the first event', T, async () => {
  const seen = [];
  for await (const batch of traceLines(Readable.from(['\uFEFF{"a":', '1}\n\uFEFF{"b":2}\n'], { objectMode: true }))) seen.push(...batch);
  assert.deepEqual(seen.map((l) => l.text), ['{"a":1}', '\uFEFF{"b":2}'], 'only the mark at the very start is dropped');
  const only = [];
  for await (const batch of traceLines(Readable.from(['\uFEFF{"a":1}'], { objectMode: true }))) only.push(...batch);
  assert.deepEqual(only, [{ number: 1, text: '{"a":1}', unterminated: true }]);
});

test('check: the report has the result schema, marks what the trace cannot show as not judged with the reason', T, async () => {
  const checked = await checkTraceFile(fixture('wakeup-after-offer.bad.jsonl'));
  const report = buildVerdictReport(judgedRequirements(checked), { name: 'w.jsonl', mode: 'trace check', judgeMode: 'trace', rerun: 'npx cnxnspec check w.jsonl', startedAt: new Date(0), durationMs: 5, units: 36 });
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(conformanceReportSchema);
  assert.ok(validate(report), JSON.stringify(validate.errors));
  const failed = report.requirements.find((r) => r.id === 'selector.wakeup-after-offer');
  assert.equal(failed?.status, 'fail');
  assert.match(failed?.evidence?.message ?? '', /lines 7 \(seq 6\), 8 \(seq 7\)/);
  const wire = report.requirements.find((r) => r.id === 'wire.ping');
  assert.equal(wire?.status, 'not-judged');
  assert.match(wire?.notJudged ?? '', /^not judged by trace check: /);
  assert.equal(report.ok, false);
});

test('check: the command writes the report files and exits 1 on a violation, 2 on a malformed or missing trace', T, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'cnxnspec-check-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 50_000 });
  const bad = cli(['fixtures/traces/io-exclusive.bad.jsonl', '--out', out]);
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stdout, /^FAIL \[io\.exclusive/m);
  assert.match(readFileSync(join(out, 'cnxnspec-junit.xml'), 'utf8'), /io\.exclusive/);
  assert.equal((JSON.parse(readFileSync(join(out, 'cnxnspec-result.json'), 'utf8')) as { strategy: string }).strategy, 'trace check');
  const malformed = cli(['fixtures/traces/malformed/every-problem.jsonl', '--max-errors', '1']);
  assert.equal(malformed.status, 2);
  assert.match(malformed.stdout, /line 2: not valid JSON[\s\S]*and 6 more problems/);
  const missing = cli(['fixtures/traces/no-such-trace.jsonl']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /is not a readable file/);
});

test('check: a gzip-compressed trace is judged like the plain file, and a damaged one keeps the events before the damage', T, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-gz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plain = readFileSync(fixture('wakeup-after-offer.bad.jsonl'));
  const whole = join(dir, 'whole.jsonl.gz');
  writeFileSync(whole, gzipSync(plain));
  const [fromPlain, fromGzip] = [await checkTraceFile(fixture('wakeup-after-offer.bad.jsonl')), await checkTraceFile(whole)];
  assert.deepEqual(judgedRequirements(fromGzip), judgedRequirements(fromPlain));
  assert.equal(exitCodeOf(fromGzip), 1);
  // Cut inside the compressed stream: the lines decompressed before the cut are read, then one problem says why.
  const big = Buffer.concat(Array.from({ length: 200 }, () => plain));
  const cut = join(dir, 'cut.jsonl.gz');
  const packed = gzipSync(big, { level: 0 });
  writeFileSync(cut, packed.subarray(0, Math.floor(packed.length / 2)));
  const damaged = await checkTraceFile(cut, { maxProblems: 1_000_000 });
  assert.ok(damaged.trace.linesRead > 100, `lines before the damage were read: ${damaged.trace.linesRead}`);
  assert.equal(exitCodeOf(damaged), 2);
  assert.match(damaged.trace.problems.at(-1)?.message ?? '', /starts like a gzip file but could not be decompressed past here \(unexpected end of file\); the events before were checked/);
});

test('check: - reads the trace from standard input', T, () => {
  const trace = readFileSync(fixture('io-exclusive.bad.jsonl'));
  const piped = spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'check', '-'], { cwd: root, input: gzipSync(trace), encoding: 'utf8', timeout: 50_000 });
  assert.equal(piped.status, 1, piped.stderr);
  assert.match(piped.stdout, /^standard input|^-: /m);
  assert.match(piped.stdout, /^FAIL \[io\.exclusive/m);
});
