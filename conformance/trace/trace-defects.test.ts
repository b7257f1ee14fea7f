import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invariants } from '../../spec/invariants/index.ts';
import { checkTraceFile, exitCodeOf, judgedRequirements } from './check-trace.ts';
import { DEFECTS, injectDefect } from './trace-defects.ts';
import { copyPath, DEFECTS_DIR, RECORDING } from './write-trace-defects.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const T = { timeout: 60_000 };
const recording = readFileSync(RECORDING, 'utf8');
const docs = readFileSync(join(root, 'docs/emitting-traces.md'), 'utf8');

/** Line number (1-based) of each seq in a trace file, read independently of the checker. */
function linesOfSeqs(text: string): Map<number, number> {
  const out = new Map<number, number>();
  text.split('\n').forEach((line, i) => {
    const seq = /^\{"seq":(\d+),/.exec(line)?.[1];
    if (seq !== undefined) out.set(Number(seq), i + 1);
  });
  return out;
}

test('check: the committed defect copies are what write-trace-defects.ts makes of the committed recording, one per defect', T, () => {
  assert.deepEqual(readdirSync(DEFECTS_DIR).sort(), DEFECTS.map((d) => `${d.name}.jsonl`).sort());
  for (const defect of DEFECTS) {
    const made = injectDefect(recording, defect).text;
    assert.equal(readFileSync(copyPath(defect.name), 'utf8'), made, `${defect.name} is stale: run npx tsx conformance/trace/write-trace-defects.ts`);
    assert.notEqual(made, recording, `${defect.name} changed nothing`);
  }
});

test('check: the clean ZooKeeper recording holds every invariant the defect copies break', T, async () => {
  const clean = await checkTraceFile(RECORDING);
  assert.equal(exitCodeOf(clean), 0);
  const judged = new Set(clean.judgement.invariants.filter((v) => v.judged).map((v) => v.invariant.name));
  for (const defect of DEFECTS) assert.ok(judged.has(defect.invariant), `${defect.invariant} is not judged on the clean recording`);
});

for (const defect of DEFECTS) {
  const requirement = invariants.find((i) => i.name === defect.invariant)!.requirements[0]!;
  test(`[${requirement}] check: ZooKeeper's recording with ${defect.name} is flagged by ${defect.invariant}, citing the lines of the injected bug`, T, async () => {
    const { evidence } = injectDefect(recording, defect);
    const path = copyPath(defect.name);
    const checked = await checkTraceFile(path);
    assert.equal(checked.trace.problemCount, 0, JSON.stringify(checked.trace.problems));
    assert.equal(exitCodeOf(checked), 1);
    const violated = checked.judgement.invariants.filter((v) => v.violations.length > 0).map((v) => v.invariant.name);
    assert.deepEqual(violated.sort(), [defect.invariant, ...defect.alsoFlags].sort());
    const seqLines = linesOfSeqs(readFileSync(path, 'utf8'));
    const mine = checked.judgement.invariants.find((v) => v.invariant.name === defect.invariant)!.violations;
    const hit = mine.find((v) => evidence.every((seq) => v.evidence.includes(seq)));
    assert.ok(hit, `${defect.invariant} cites ${JSON.stringify(mine.map((v) => v.evidence))}, not ${JSON.stringify(evidence)}`);
    assert.deepEqual(hit.lines, hit.evidence.map((seq) => seqLines.get(seq)));
    // docs/emitting-traces.md lists the same lines for the committed copy.
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${defect.name}\` |`));
    assert.ok(row?.split(' | ')[3]?.startsWith(hit.lines.join(', ')), `docs/emitting-traces.md row of ${defect.name} should cite lines ${hit.lines.join(', ')}: ${row}`);
    const verdicts = new Map(judgedRequirements(checked).map((r) => [r.id, r]));
    for (const id of hit.requirements) {
      assert.equal(verdicts.get(id)?.status, 'fail', id);
      assert.match(verdicts.get(id)?.evidence?.message ?? '', /lines? \d+ \(seq \d+\)/);
    }
  });
}

test('check: the CLI flags the lost-wakeup copy with exit 1, the requirement and the lines, and passes the recording', T, () => {
  const cli = (path: string) => spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'check', path], { cwd: root, encoding: 'utf8', timeout: 50_000 });
  const clean = cli(RECORDING);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /^PASS: /m);
  const lost = cli(copyPath('lost-wakeup'));
  assert.equal(lost.status, 1, lost.stderr);
  assert.match(lost.stdout, /^FAIL \[selector\.wakeup-after-offer, selector\.loop\] lost wakeup: .* \(lines \d+ \(seq \d+\), \d+ \(seq \d+\), judged at the quiescent point after line \d+; invariant liveness-no-lost-wakeup\)$/m);
});

test('check: ZooKeeper\'s recording cut in the middle of a line (a recorder killed mid-write) is an input error at that line, and every event before it is judged', T, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-cut-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines = recording.trimEnd().split('\n');
  const cut = lines.slice(0, 600).join('\n') + '\n' + lines[600]!.slice(0, 40);
  writeFileSync(join(dir, 'cut.jsonl'), cut);
  const checked = await checkTraceFile(join(dir, 'cut.jsonl'));
  assert.deepEqual(checked.trace.problems.map((p) => p.line), [601]);
  assert.match(checked.trace.problems[0]!.message, /^truncated: the file ends in the middle of this line \(was the recorder stopped while writing\?\); the events before it were checked/);
  assert.equal(checked.trace.events.length, lines.slice(0, 600).filter((l) => l.startsWith('{"seq"')).length);
  assert.equal(exitCodeOf(checked), 2);
  assert.ok(checked.judgement.invariants.filter((v) => v.judged).length > 5, 'the valid lines were still judged');
});

test('check: a defect whose target the recording lacks says which, and how to record one that has it', T, () => {
  const withoutStop = recording
    .split('\n')
    .filter((line) => !line.includes('"ev":"lifecycle"'))
    .join('\n');
  const defect = DEFECTS.find((d) => d.name === 'thread-left-running')!;
  assert.throws(() => injectDefect(withoutStop, defect), /^CnxnspecError: cannot inject thread-left-running: the recording has no lifecycle stop .*record it again with npx tsx conformance\/zookeeper\/record-zookeeper-trace\.ts/);
});
