import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../test/cli-run.ts';

// The machine these run on may be loaded: several searches at once, each with its harness checks.
const TIMEOUT = { timeout: 600_000 };
/** A mutant that fails the search in a few runs and lets the harness checks (which shard 1 runs) finish. */
const MUTANT = 'fixtures/mutants/outgoing-reordered.ts';
/**
 * Shrinking has a wall-clock budget; the failure these searches report shrinks in well under it (seed 2: about 60
 * shrink runs, a second or two), so its shrunk case is the whole shrink's. Not every seed's does: a failure that
 * hangs on the exact interleaving shrinks its schedule choice by choice, which can outlast any budget.
 */
const SEARCH = ['test', '--factory', MUTANT, '--seed', '2', '--runs', '60', '--shrink-budget', '90'];
/** A requirement the mutant breaks that no harness check judges, so that no checks run. */
const SEARCH_ONLY = [...SEARCH, '--only', '^cnxn\\.outgoing-buffers$'];
/**
 * And one that only a quick harness check judges, so that shard 1 runs that check (and only that one). Nothing is
 * shrunk (the failure is the failing run itself): a shard also shrinks failures the merged search does not report,
 * which on a loaded machine took minutes, and a shrink budget ending them would prove nothing here.
 */
const SEARCH_SHUFFLE = [...SEARCH, '--shrink-budget', '0', '--only', '^(?:cnxn\\.outgoing-buffers|selector\\.shuffle)$'];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `cnxnspec` from the sources, in the background so that several run at once; killed after 500 s. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', ...args], { cwd: root, env: { ...process.env, CNXNSPEC_LOG: 'quiet' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 500_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The result file without what differs from run to run anyway: when it started and how long it took. */
function result(dir: string): Record<string, unknown> {
  const { durationMs: _d, startedAt: _s, ...rest } = JSON.parse(readFileSync(join(dir, 'cnxnspec-result.json'), 'utf8')) as Record<string, unknown>;
  return rest;
}

const untimed = (stdout: string) => stdout.replace(/ in [\d.]+ s\b/g, ' in <t> s');

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-shards-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('cli: --workers 1 and --workers 2 give the same verdicts, shrunk failure and replay line (a mutant)', TIMEOUT, async (t) => {
  const dir = scratch(t);
  const [one, two] = await Promise.all([cli([...SEARCH_ONLY, '--workers', '1', '--out', join(dir, 'w1')]), cli([...SEARCH_ONLY, '--workers', '2', '--out', join(dir, 'w2')])]);
  assert.equal(one.status, 1, one.stderr);
  assert.equal(two.status, 1, two.stderr);
  assert.match(two.stderr, /2 worker\(s\)/);
  const r1 = result(join(dir, 'w1')) as { failures: { requirements: string[]; token: string }[] };
  assert.ok(r1.failures.some((f) => f.requirements.includes('cnxn.outgoing-buffers')), JSON.stringify(r1.failures));
  assert.deepEqual(result(join(dir, 'w2')), r1);
  assert.match(one.stdout, /replay: .*--replay h1\./);
  assert.equal(untimed(two.stdout), untimed(one.stdout));
});

test('cli: three shards merged give the unsharded result; merge refuses shards of other searches, missing or repeated shards', TIMEOUT, async (t) => {
  const dir = scratch(t);
  const shard = (i: number) => join(dir, `s${i}`);
  const runs = await Promise.all([
    cli([...SEARCH_SHUFFLE, '--workers', '2', '--out', join(dir, 'whole')]),
    ...[1, 2, 3].map((i) => cli([...SEARCH_SHUFFLE, '--workers', '1', '--shard', `${i}/3`, '--out', shard(i)])),
  ]);
  for (const run of runs) assert.equal(run.status, 1, run.stderr);
  const shard2 = result(shard(2)) as { requirements: { id: string; notJudged?: string }[] };
  assert.match(shard2.requirements.find((r) => r.id === 'selector.shuffle')?.notJudged ?? '', /harness checks run in shard 1 of 3/);

  const merged = await cli(['merge', shard(3), shard(1), shard(2), '--out', join(dir, 'merged')]);
  assert.equal(merged.status, 1, merged.stderr);
  const whole = result(join(dir, 'whole')) as { runs: number; requirements: { id: string; judgedBy: string[] }[] };
  assert.equal(whole.runs, 60);
  assert.deepEqual(whole.requirements.find((r) => r.id === 'selector.shuffle')?.judgedBy, ['harness']);
  assert.deepEqual(result(join(dir, 'merged')), whole);
  assert.equal(untimed(merged.stdout), untimed(runs[0]!.stdout));

  const missing = await cli(['merge', shard(1), shard(2), '--out', join(dir, 'm2')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /incomplete: shard 3\/3 missing/);
  const twice = await cli(['merge', shard(1), shard(2), shard(3), shard(2), '--out', join(dir, 'm3')]);
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /overlapping shards: .*s2 and .*s2 are both shard 2\/3/);
  for (const [key, value, shown] of [
    ['seed', 8, /seed is 2 in .*s1 but 8 in .*other/],
    ['factory', { name: 'x.ts', module: 'x.ts' }, /factory is .* but .*x\.ts/],
  ] as const) {
    const other = join(dir, 'other');
    cpSync(shard(3), other, { recursive: true });
    const file = JSON.parse(readFileSync(join(other, 'cnxnspec-shard.json'), 'utf8')) as { settings: Record<string, unknown> };
    file.settings[key] = value;
    writeFileSync(join(other, 'cnxnspec-shard.json'), JSON.stringify(file));
    const mixed = await cli(['merge', shard(1), shard(2), other, '--out', join(dir, 'm4')]);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, shown);
    assert.match(mixed.stderr, /not of one search/);
  }
  const notShard = await cli(['merge', dir, '--out', join(dir, 'm5')]);
  assert.match(notShard.stderr, /holds no cnxnspec-shard\.json/);
});

test('cli: --shard needs --seed and --out, and takes i/n', TIMEOUT, async () => {
  const [noSeed, bad] = await Promise.all([cli(['test', '--shard', '1/2', '--out', 'x']), cli(['test', '--shard', '3/2', '--seed', '1', '--out', 'x'])]);
  assert.equal(noSeed.status, 2);
  assert.match(noSeed.stderr, /--shard 1\/2 needs --seed/);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--shard 3\/2 is not i\/n/);
});
