/**
 * A real client library's own test suite against `cnxnspec serve` and against Apache ZooKeeper 3.8: the `zookeeper`
 * npm package (a Node binding of ZooKeeper's C client, built here with node-gyp) and its integration tests (ava),
 * which take the server's host:port as their argument. Counts go to docs/client-suite.md.
 *
 *     npx tsx bench/client-suite.ts [--version 7.3.0] [--dir /tmp/cnxnspec-client-suite] [--no-write]
 *
 * The package is installed into `--dir` (not into this project's node_modules) by npm with `npm_config_nodedir`
 * pointing at the machine's Node headers (/usr/include/node), since node-gyp cannot download them offline; the
 * C client's sources ship inside the package. The suite's tests live in the package (tests/integration); ava runs
 * with the package as its project directory and reports TAP, which is counted per test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findApacheZooKeeper, startApacheZooKeeper } from '../conformance/zookeeper/apache-zookeeper.ts';

const { values } = parseArgs({
  options: {
    version: { type: 'string', default: '7.3.0' },
    dir: { type: 'string', default: join(tmpdir(), 'cnxnspec-client-suite') },
    'no-write': { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = values.dir;
const pkg = join(dir, 'node_modules', 'zookeeper');

function fail(message: string): never {
  process.stderr.write(`client-suite: ${message}\n`);
  process.exit(1);
}

/** Installs zookeeper@version and ava 6 (the suite's runner; ava 8 needs packages the registry here lacks). */
function install(): void {
  if (existsSync(join(pkg, 'build', 'Release', 'zookeeper.node')) && existsSync(join(dir, 'node_modules', 'ava'))) return;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "name": "cnxnspec-client-suite", "private": true }\n');
  const env = { ...process.env, ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {}) };
  process.stderr.write(`installing zookeeper@${values.version} and ava@6 into ${dir} (builds the C client: a minute or two)\n`);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', `zookeeper@${values.version}`, 'ava@6'], { cwd: dir, env, stdio: 'inherit' });
  if (npm.status !== 0) fail(`npm install failed (exit ${npm.status}); node-gyp needs g++, make, python3 and Node headers (apt-get install -y build-essential nodejs-dev)`);
  if (!existsSync(join(pkg, 'build', 'Release', 'zookeeper.node'))) fail(`the zookeeper package installed but its native module was not built (${pkg}/build/Release/zookeeper.node)`);
}

interface SuiteResult {
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly string[];
}

/** Runs the integration suite against `connect` (host:port) and counts its TAP lines. */
function runSuite(connect: string): Promise<SuiteResult> {
  return new Promise((resolve, reject) => {
    const ava = join(dir, 'node_modules', '.bin', 'ava');
    const child = spawn(ava, ['tests/integration/*.js', '--tap', '--timeout=60s', '--', connect], { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const lines = out.split('\n');
      const failures = lines.filter((l) => l.startsWith('not ok ')).map((l) => l.replace(/^not ok \d+ - /, ''));
      resolve({ passed: lines.filter((l) => l.startsWith('ok ')).length, failed: failures.length, failures });
    });
  });
}

/** `cnxnspec serve` as a user runs it (the sample zoo.cfg, any free port); resolves with its port and a stop. */
function startServe(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'cnxnspec.js'), 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    await closed;
  };
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (found) resolve({ port: Number(found[1]), stop });
    });
    void closed.then(() => reject(new Error(`serve ended before listening:\n${stderr}`)));
  });
}

install();
const results: [string, SuiteResult | string][] = [];
const serve = await startServe();
try {
  results.push(['`cnxnspec serve` (reference NIO factory, sample zoo.cfg)', await runSuite(`127.0.0.1:${serve.port}`)]);
} finally {
  await serve.stop();
}
const apache = findApacheZooKeeper();
if (apache.found) {
  const zk = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok']);
  try {
    results.push(['Apache ZooKeeper 3.8 (Debian, NIO factory)', await runSuite(`127.0.0.1:${zk.port}`)]);
  } finally {
    await zk.stop();
  }
} else {
  results.push(['Apache ZooKeeper 3.8', `not run: ${apache.reason}`]);
}

const rows = results.map(([server, r]) => (typeof r === 'string' ? `| ${server} | ${r} | | |` : `| ${server} | ${r.passed} | ${r.failed} | ${r.failures.join('; ') || 'none'} |`));
const report = `# A client library's own test suite against the reference

Written by \`npx tsx bench/client-suite.ts\` (${new Date().toISOString().slice(0, 10)}). The suite: the integration tests of the
\`zookeeper\` npm package ${values.version} (a Node binding of Apache ZooKeeper's C client, built here by node-gyp from
the C sources the package ships), run by ava against each server's host:port, as the package's own
\`npm run test-integration -- host:port\` runs them. They cover create/get/set, ACLs, children (get_children and
get_children2 with stat), nested create and delete, and sessions (several clients, a closed client).

| server | passed | failed | failures |
|---|---|---|---|
${rows.join('\n')}

Why this suite: node-zookeeper-client (this project's devDependency) publishes only unit tests that need no
server; the \`zookeeper\` package's integration tests are written against a live ZooKeeper. Its unit tests
(\`tests/unit\`) never reach a server and are not counted. Other clients are exercised by the differential tests
(conformance/suites/zookeeper-differential*.test.ts: raw frames, node-zookeeper-client and the Java zkCli), and two
client workloads run in \`npm test\` against Apache ZooKeeper and against \`cnxnspec serve\` with each reference factory,
whose outputs must be equal: kazoo, the Python client, with its recipes (conformance/zookeeper/kazoo-workload.py),
and Apache Curator, the Java framework, with its recipes and CuratorCache (conformance/zookeeper/CuratorWorkload.java).
`;
process.stdout.write(`${rows.join('\n')}\n`);
if (!values['no-write']) writeFileSync(join(root, 'docs', 'client-suite.md'), report);
