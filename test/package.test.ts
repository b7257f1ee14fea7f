/**
 * The package as a user gets it: `npm pack` (which builds dist/ on prepack), installed from the tarball into a
 * project of their own outside this repository. There, a factory in TypeScript type-checks against
 * `cnxnspec/spec` under strict nodenext settings (library checks on), and `cnxnspec test` passes it as `.ts`
 * (through tsx) and as `.js` (without), reading the profile a `.ts` module declares; `cnxnspec serve` stops on SIGTERM to its own PID. Dependencies come
 * from the npm cache when they are there, else from the registry.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStopsOnSignal } from './serve-check.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cnxnspec-package-'));
const project = join(work, 'project');
const STEP = { timeout: 300_000 };

function run(command: string, args: string[], cwd: string, timeout = 240_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { status: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

const FACTORY_TS = `import type { FactoryOptions, HostRuntime, ServerCnxnFactory } from 'cnxnspec/spec';
import { DIGEST_START, digestHex, digestUpdate, requirements } from 'cnxnspec/spec';
import { createFactory as createReference } from 'cnxnspec/nio';

/** The digest of a reply, as a factory reporting its outgoing bytes computes it. */
export const imokDigest: string = digestHex(digestUpdate(DIGEST_START, new TextEncoder().encode('imok')));
export const requirementCount: number = requirements.length;

export function createFactory(runtime: HostRuntime, options: FactoryOptions): ServerCnxnFactory {
  return createReference(runtime, options);
}
`;

const FACTORY_JS = `import { createFactory as createReference } from 'cnxnspec/nio';

export function createFactory(runtime, options) {
  return createReference(runtime, options);
}
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
  include: ['mine.ts'],
};

let tarball = '';

before(async () => {
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], root);
  assert.equal(packed.status, 0, packed.out);
  tarball = join(work, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-factory', private: true, type: 'module' }));
  const installed = run('npm', ['install', '--prefer-offline', tarball, `typescript@${versionOf(join(root, 'node_modules/typescript/package.json'))}`, `@types/node@${versionOf(join(root, 'node_modules/@types/node/package.json'))}`], project);
  assert.equal(installed.status, 0, installed.out);
  writeFileSync(join(project, 'mine.ts'), FACTORY_TS);
  writeFileSync(join(project, 'mine.js'), FACTORY_JS);
  writeFileSync(join(project, 'mine-netty.ts'), `export const profile = 'netty';\nexport { createFactory } from './mine.ts';\n`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
}, { timeout: 600_000 });

test.after(() => rmSync(work, { recursive: true, force: true }));

test('package: the tarball holds the compiled code, its declarations and the shipped files, and no sources or tests', () => {
  const listed = run('tar', ['tzf', tarball], work).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  for (const needed of ['bin/cnxnspec.js', 'bin/serve-node-flags.json', 'dist/spec/index.js', 'dist/spec/index.d.ts', 'dist/spec/trace/digest.d.ts', 'dist/conformance/cli/main.js', 'fixtures/zoo.cfg', 'spec/pending.txt']) {
    assert.ok(listed.includes(needed), `${needed} is missing from the package`);
  }
  assert.deepEqual(listed.filter((f) => /\.test\.|(?<!\.d)\.ts$|^fixtures\/(mutants|traces|factories)\//.test(f)), []);
});

test('package: a factory type-checks against cnxnspec/spec in a strict nodenext project, the digest helper included', STEP, () => {
  const checked = run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project);
  assert.equal(checked.status, 0, checked.out);
});

test('package: npx cnxnspec test passes a JavaScript factory without tsx and a TypeScript one with it, and exits', STEP, () => {
  for (const factory of ['./mine.js', './mine.ts']) {
    const tested = run('npx', ['cnxnspec', 'test', '--factory', factory, '--runs', '20', '--seed', '1'], project, 120_000);
    assert.equal(tested.status, 0, tested.out);
    assert.match(tested.out, /^PASS: \d+\/\d+ requirements judged: \d+ passed, 0 failed/m);
  }
  // The installed CLI runs as JavaScript: a TypeScript factory's declared profile must still be read.
  const declared = run('npx', ['cnxnspec', 'test', '--factory', './mine-netty.ts', '--runs', '1', '--seed', '1', '--only', '^cnxn\\.framing$'], project, 120_000);
  assert.match(declared.out, /^cnxnspec test: \.\/mine-netty\.ts \(profile netty\)/m, declared.out);
  const version = run('npx', ['cnxnspec', '--version'], project, 60_000);
  assert.equal(version.stdout.trim(), versionOf(join(root, 'package.json')));
});

test('[zk.serve] package: the installed cnxnspec serve answers ruok and exits 0 on SIGTERM to its own PID', STEP, (t) =>
  serveStopsOnSignal(join(project, 'node_modules/cnxnspec/bin/cnxnspec.js'), project, 'SIGTERM', t),
);
