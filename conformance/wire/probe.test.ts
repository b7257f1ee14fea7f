import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startZk } from '../../reference/zk/test-support.ts';
import { findApacheZooKeeper, startApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { runWireChecks, requirementVerdicts, WIRE_CHECKS } from './run-wire-checks.ts';
import { parseTarget } from './target.ts';
import { waitUntilServing } from './wait-serving.ts';
import type { WireOptions } from './wire-check.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const T = { timeout: 120_000 };
const SMALL: Partial<WireOptions> = { stormClients: 60, slowReaderRequests: 1_000, pipelined: 100, maxClientCnxns: 5, sessionlessTimeoutMs: 1_500 };
const apache = findApacheZooKeeper();

test('[wire.handshake] probe: every wire check passes against the reference NIO factory, per-IP limit and sessionless timeout included', T, async (t) => {
  const zk = await startZk(t, { maxClientCnxns: 5, server: { tickTime: 2000, fourLetterWordWhitelist: '*' }, factory: { sessionlessCnxnTimeout: 1_500 } });
  const result = await runWireChecks(zk.address, SMALL);
  for (const r of result.checks) assert.equal(r.outcome.status, 'pass', `${r.check.name}: ${r.outcome.detail}`);
  assert.equal(result.checks.length, WIRE_CHECKS.length);
  const judged = new Set(result.requirements.map((r) => r.id));
  for (const id of ['wire.handshake', 'wire.ping', 'wire.order', 'wire.connection-storm', 'wire.slow-reader', 'wire.bad-frame', 'accept.per-ip-limit', 'expiry.sessionless']) assert.ok(judged.has(id), id);
  assert.equal(result.ok, true);
});

test('[wire.bad-frame] probe: without the configured values the per-IP and sessionless checks are not judged, and say which flag to give', T, async (t) => {
  const zk = await startZk(t, { server: { tickTime: 2000 } });
  const result = await runWireChecks(zk.address, { only: /per-ip|sessionless|negative/ });
  const byName = new Map(result.checks.map((r) => [r.check.name, r.outcome]));
  assert.equal(byName.get('negative-length')?.status, 'pass');
  assert.match(byName.get('per-ip-limit')?.detail ?? '', /--max-client-cnxns/);
  assert.equal(result.requirements.find((r) => r.id === 'expiry.sessionless')?.status, 'not-judged');
});

test('[wire.order] probe: a server that accepts and never answers fails the handshake within the step timeout', T, async (t) => {
  const silent = net.createServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const sockets: net.Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    silent.close();
  });
  const result = await runWireChecks({ host: '127.0.0.1', port }, { only: /^(handshake|pipelined-order)$/, stepTimeoutMs: 300 });
  assert.equal(result.ok, false);
  for (const r of result.checks) assert.match(r.outcome.detail, /no ConnectResponse within 300 ms/);
  assert.equal(requirementVerdicts(result.checks).find((r) => r.id === 'wire.order')?.status, 'fail');
});

test('probe: a bad target is refused with what to type; nothing listening is a usage error', T, async () => {
  assert.deepEqual(parseTarget('2181'), { host: '127.0.0.1', port: 2181 });
  assert.deepEqual(parseTarget('[::1]:2181'), { host: '::1', port: 2181 });
  assert.throws(() => parseTarget('localhost'), /is not HOST:PORT; try 127.0.0.1:2181/);
  const free = net.createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const port = (free.address() as net.AddressInfo).port;
  await new Promise((resolve) => free.close(resolve));
  await assert.rejects(runWireChecks({ host: '127.0.0.1', port }), /nothing answers at 127\.0\.0\.1:\d+/);
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'probe', ...args], { cwd: root, encoding: 'utf8', timeout: 50_000 });
  const remote = cli(['192.0.2.1:2181']);
  assert.equal(remote.status, 2);
  assert.match(remote.stderr, /not a loopback address.*--allow-remote/);
  const closed = cli([String(port)]);
  assert.equal(closed.status, 2);
  assert.match(closed.stderr, /nothing answers/);
});

test('[wire.ping] probe: Apache ZooKeeper 3.8 NIO passes every wire check the reference passes', { ...T, skip: apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}` }, async (t) => {
  if (!apache.found) return;
  const server = await startApacheZooKeeper(apache, ['maxClientCnxns=5', '4lw.commands.whitelist=*'], { 'zookeeper.nio.sessionlessCnxnTimeout': '1500' });
  t.after(() => server.stop());
  const target = { host: '127.0.0.1', port: server.port };
  await waitUntilServing(target);
  const result = await runWireChecks(target, SMALL);
  for (const r of result.checks) assert.equal(r.outcome.status, 'pass', `${r.check.name}: ${r.outcome.detail}`);
});
