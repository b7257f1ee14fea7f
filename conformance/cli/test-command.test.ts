import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, root } from '../../test/cli-run.ts';

const TIMEOUT = { timeout: 90_000 };

test('cli: cnxnspec test passes the reference factory, prints progress to stderr and the verdict to stdout', TIMEOUT, () => {
  const run = cli(['test', '--runs', '60', '--seed', '4']);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /cnxnspec test: the reference NIO factory \(profile nio\); up to 60 runs or 120 s, seed 4, random walk/);
  assert.match(run.stdout, /^PASS: (\d+)\/(\d+) requirements judged: \1 passed, 0 failed, 0 expected failures, 0 unexpected passes; \d+ not judged \(reasons in the report\); 60 runs in/m);
  assert.match(run.stdout, /^NOT JUDGED \[zk\.jute-encoding, .*\]: about the ZooKeeper server behind the factory/m);
});

test('cli: --json prints the per-requirement result', TIMEOUT, () => {
  const run = cli(['test', '--runs', '20', '--seed', '2', '--strategy', 'pct', '--depth', '3', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { ok: boolean; runs: number; requirements: { id: string; status: string }[] };
  assert.equal(result.ok, true);
  assert.equal(result.runs, 20);
  assert.ok(result.requirements.some((r) => r.id === 'selector.wakeup-after-offer' && r.status === 'pass'));
});

test("[factory.select-error] cli: a factory module that cannot be used exits 2 with Couldn't instantiate, from the flag or CNXNSPEC_FACTORY", TIMEOUT, () => {
  for (const run of [cli(['test', '--factory', 'fixtures/factories/no-export.ts', '--runs', '5']), cli(['test', '--runs', '5'], { CNXNSPEC_FACTORY: 'fixtures/factories/no-export.ts' })]) {
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /cnxnspec: Couldn't instantiate fixtures\/factories\/no-export\.ts: it has no createFactory function/);
    assert.match(run.stderr, /\[CNXNSPEC_ERR_FACTORY_LOAD\]/);
  }
});

test('cli: bad flags are refused with what was wrong', TIMEOUT, () => {
  const token = cli(['test', '--replay', 'h1.bogus']);
  assert.equal(token.status, 2);
  assert.match(token.stderr, /malformed replay token "h1.bogus"/);
  const pattern = cli(['test', '--only', '[']);
  assert.equal(pattern.status, 2);
  assert.match(pattern.stderr, /--only \[ is not a regular expression/);
  const runs = cli(['test', '--runs', 'many']);
  assert.equal(runs.status, 2);
  assert.match(runs.stderr, /expected a whole number/);
  const flag = cli(['test', '--no-such-flag']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /unknown option '--no-such-flag'/);
});

test('cli: --only matching no checked requirement is a usage error, not an empty pass', TIMEOUT, () => {
  const run = cli(['test', '--only', '^nothing\\.']);
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /--only \^nothing\\\. matches none of the requirements the suite checks \(factory\.lifecycle-start-once, .*accept\.handoff, /);
});

test('cli: --version prints the package version, --help the exit codes', TIMEOUT, () => {
  const version = cli(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  const help = cli(['test', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Exit status:\n  0  conformant/);
  assert.match(help.stdout, /  3  the harness itself failed/);
});

test('cli: the replay line a failure prints, run as printed, fails the same way (factory and profile named)', TIMEOUT, () => {
  const found = cli(['test', '--factory', 'fixtures/mutants/netty-io-off-loop.ts', '--runs', '30', '--seed', '1', '--workers', '1', '--shrink-budget', '1']);
  assert.equal(found.status, 1, found.stdout + found.stderr);
  const first = /^FAIL \[([^\]]+)\]/m.exec(found.stdout);
  const line = /^replay: npx cnxnspec (test .*)$/m.exec(found.stdout);
  assert.ok(first && line, found.stdout);
  assert.match(line[1]!, /^test --factory fixtures\/mutants\/netty-io-off-loop\.ts --profile netty --replay h1\.\S+$/);
  const replayed = cli(line[1]!.split(' '));
  assert.equal(replayed.status, 1, replayed.stdout + replayed.stderr);
  assert.match(replayed.stdout, new RegExp(`^FAIL \\[${first[1]!.replace(/\./g, '\\.')}\\]`, 'm'));
  assert.match(replayed.stderr, /\(profile netty\); replaying h1\./);
  assert.match(replayed.stdout, /^FAIL: \d+\/\d+ requirements judged: .* 1 runs in/m);
});
