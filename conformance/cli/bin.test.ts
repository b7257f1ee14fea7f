/**
 * The `cnxnspec` command of a clone (bin/cnxnspec.js running the sources through tsx in a child) as a service
 * manager runs it; test/package.test.ts does the same with the installed package, where there is no child.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { refused, serveStopsOnSignal } from '../../test/serve-check.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/cnxnspec.js', import.meta.url));
const T = { timeout: 90_000 };

test('[zk.serve] bin: cnxnspec serve answers ruok by default and exits 0 on SIGTERM to its own PID, releasing the port', T, (t) => serveStopsOnSignal(bin, root, 'SIGTERM', t));

test('[zk.serve] bin: cnxnspec serve exits 0 on SIGINT to its own PID', T, (t) => serveStopsOnSignal(bin, root, 'SIGINT', t));

test('bin: serve --sample-config prints the shipped zoo.cfg; a missing --config is a usage error naming the way out', T, () => {
  const sample = spawnSync(process.execPath, [bin, 'serve', '--sample-config'], { cwd: '/', encoding: 'utf8', timeout: 60_000 });
  assert.equal(sample.status, 0, sample.stderr);
  assert.match(sample.stdout, /^4lw\.commands\.whitelist=ruok,/m);
  const missing = spawnSync(process.execPath, [bin, 'serve', '--config', 'no-such-zoo.cfg'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--config no-such-zoo\.cfg: .* does not exist; write the sample with `cnxnspec serve --sample-config > zoo\.cfg`/);
});

test('[factory.host-runtime-only] bin: SIGTERM to cnxnspec test while its suite child spins ends both, leaving no process behind', T, async (t) => {
  const cli = spawn(process.execPath, [bin, 'test', '--factory', 'fixtures/factories/spins.ts', '--runs', '5'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void cli.kill('SIGKILL'));
  // 'close' comes once every holder of the command's stdout and stderr has ended, the suite child included.
  const closed = new Promise<number | null>((resolve) => cli.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let stderr = '';
  await new Promise<void>((resolve) => {
    cli.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('searching: 1 runs')) resolve();
    });
  });
  cli.kill('SIGTERM');
  assert.equal(await closed, 128 + 15, stderr);
});

/** Starts `cnxnspec serve --verbose` through the bin with NODE_OPTIONS as given; returns its log up to listening, then stops it. */
async function verboseServe(nodeOptions: string, t: { after: (fn: () => void) => void }): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--verbose'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: nodeOptions } });
  t.after(() => void child.kill('SIGKILL'));
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (/listening on/.test(stderr)) resolve();
    });
    void closed.then(() => reject(new Error(`serve ended before listening:\n${stderr}`)));
  });
  child.kill('SIGTERM');
  assert.equal(await closed, 0, stderr);
  return stderr;
}

test('[zk.serve] bin: serve runs node with the flags of bin/serve-node-flags.json, unless node was given a semi-space size of its own', T, async (t) => {
  const { flags } = JSON.parse(readFileSync(new URL('../../bin/serve-node-flags.json', import.meta.url), 'utf8')) as { flags: string[] };
  assert.ok(flags.length > 0);
  assert.match(await verboseServe('', t), new RegExp(`DEBUG heap: ${flags.join(' ')}\\n`));
  // Given in NODE_OPTIONS, the user's size is the one in effect: the bin adds nothing that would override it.
  assert.match(await verboseServe('--max-semi-space-size=16', t), /DEBUG heap: --max-semi-space-size=16\n/);
});

test('[zk.serve] bin: serve killed outright (SIGKILL to the PID that started it) still shuts its server down and releases the port', T, async (t) => {
  const cli = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => void cli.kill('SIGKILL'));
  let stderr = '';
  // 'close' comes once every holder of the command's stderr has ended: the server's process included.
  const closed = new Promise<void>((resolve) => cli.on('close', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    cli.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (found) resolve(Number(found[1]));
    });
    void closed.then(() => reject(new Error(`serve ended before listening:\n${stderr}`)));
  });
  cli.kill('SIGKILL');
  await closed;
  assert.match(stderr, /INFO received SIGTERM\n(.*\n)*INFO shut down\n/);
  assert.ok(await refused(port), `port ${port} still accepts connections after its launcher was killed`);
});
