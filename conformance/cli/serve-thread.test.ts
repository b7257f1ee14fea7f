/**
 * `cnxnspec serve` runs its server on a worker thread with a capped young generation (serve-thread.ts): the cap
 * takes effect, the command still answers as before, and an error on the server thread ends the command as if
 * it had been thrown in the main thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SERVE_SEMI_SPACE_MIB, SERVE_YOUNG_GENERATION_MIB } from './serve-thread.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/cnxnspec.js', import.meta.url));
const T = { timeout: 90_000 };

/** The new space's size after an allocation pattern that makes V8 grow it as far as it may (objects that survive). */
function newSpaceMiB(limit: number | undefined): Promise<number> {
  const code = `
    const v8 = require('node:v8');
    const kept = [];
    for (let i = 0; i < 3e6; i++) { kept.push({ i }); if (kept.length > 2e5) kept.length = 0; }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    require('node:worker_threads').parentPort.postMessage(space.space_size / 2 ** 20);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, ...(limit !== undefined ? { resourceLimits: { maxYoungGenerationSizeMb: limit } } : {}) });
    worker.once('message', resolve).once('error', reject);
  });
}

test('[zk.serve] the server thread\'s young generation limit gives semi-spaces of SERVE_SEMI_SPACE_MIB, where V8 unlimited grows them to twice that', T, async () => {
  // new_space's size is both semi-spaces.
  assert.equal(await newSpaceMiB(SERVE_YOUNG_GENERATION_MIB), 2 * SERVE_SEMI_SPACE_MIB);
  assert.ok((await newSpaceMiB(undefined)) > 2 * SERVE_SEMI_SPACE_MIB, 'without the limit the same allocations grow the new space past the cap');
});

/** Starts `cnxnspec serve --verbose` with NODE_OPTIONS as given, returns its log up to listening, and stops it. */
async function verboseStart(nodeOptions: string, t: { after: (fn: () => void) => void }): Promise<string> {
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

test('[zk.serve] bin: serve --verbose says the server thread runs with the capped young generation, or which node flag overrides it', T, async (t) => {
  assert.match(await verboseStart('', t), new RegExp(`DEBUG server thread: young generation limit ${SERVE_YOUNG_GENERATION_MIB} MiB \\(semi-spaces of ${SERVE_SEMI_SPACE_MIB} MiB\\)`));
  assert.match(await verboseStart('--max-semi-space-size=16', t), new RegExp(`DEBUG server thread: semi-spaces as node's --max-semi-space-size=16 says \\(it overrides serve's ${SERVE_SEMI_SPACE_MIB} MiB\\)`));
});

test('[zk.serve] bin: an error on the server thread (its port taken) ends serve with its code and message, as from the main thread', T, async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const result = spawnSync(process.execPath, [bin, 'serve', '--port', String(port)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 3, result.stderr);
  assert.match(result.stderr, new RegExp(`cnxnspec: EADDRINUSE: .*cannot bind 127\\.0\\.0\\.1:${port}.* \\[CNXNSPEC_ERR_IO\\]`));
});
