/** `cnxnspec serve`: the reference ZooKeeper server started from a zoo.cfg, in process and as the CLI. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateMode, createClient, type Client } from 'node-zookeeper-client';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { closeClient, zk } from '../zk/test-support.ts';
import { parseServerConfig } from './run-from-config.ts';
import { consoleLogger, nextSignal, serve, shutdownOnSignal, zkServerOptions, type RunningServer, type SignalSource } from './serve.ts';
import { parseZooCfg } from './zoo-cfg.ts';

const T = { timeout: 20_000 };
const root = fileURLToPath(new URL('../..', import.meta.url));

async function connected(port: number): Promise<Client> {
  const client = createClient(`127.0.0.1:${port}`, { retries: 0, spinDelay: 20 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

/** A whole session life cycle: connect, ephemeral and persistent nodes, read, write, delete, close. */
async function lifeCycle(port: number): Promise<void> {
  const client = await connected(port);
  try {
    assert.equal(await zk.create(client, '/served', Buffer.from('a')), '/served');
    await zk.create(client, '/served/eph', null, CreateMode.EPHEMERAL);
    assert.equal((await zk.setData(client, '/served', Buffer.from('b'), 0)).version, 1);
    assert.equal((await zk.getData(client, '/served')).data.toString(), 'b');
    assert.deepEqual((await zk.getChildren(client, '/served')).children, ['eph']);
    await zk.remove(client, '/served/eph');
    await zk.remove(client, '/served');
  } finally {
    await closeClient(client);
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('[zk.serve] unit: serve() starts the server from zoo.cfg text, a client lives a whole session, shutdown frees the port', T, async (t) => {
  const lines: string[] = [];
  const runtime = createNodeRuntime({ logger: consoleLogger(false, (line) => void lines.push(line)) });
  t.after(() => runtime.dispose());
  const cfg = parseZooCfg('clientPort=2181\nclientPortAddress=127.0.0.1\ntickTime=500\nmaxClientCnxns=10\n4lw.commands.whitelist=ruok\n', 'test.cfg');
  const running: RunningServer = await runtime.runAs('main', () => serve(runtime, { cfg, port: 0, env: {} }));
  t.after(() => running.shutdown());
  const port = running.clientAddress?.port;
  assert.ok(port !== undefined && port !== 2181, 'the --port override replaced clientPort');
  assert.equal(running.factoryName, 'NIOServerCnxnFactory');
  assert.ok(lines.includes(`INFO ZooKeeper server (NIOServerCnxnFactory) listening on 127.0.0.1:${port} (client port)\n`), lines.join(''));
  assert.equal(running.server.settings.tickTime, 500);
  await lifeCycle(port);
  await running.shutdown();
  await running.shutdown();
  assert.equal(await refused(port), true);
  assert.equal(running.server.isServing(), false);
  assert.equal(lines.filter((l) => l === 'INFO shut down\n').length, 1, 'shutdown is idempotent');
});

test('[zk.serve] unit: tickTime, session timeout bounds, the 4lw whitelist and jute limits go from zoo.cfg to the server', T, () => {
  const config = parseServerConfig(
    parseZooCfg('clientPort=1\ntickTime=100\nminSessionTimeout=300\nmaxSessionTimeout=900\n4lw.commands.whitelist=stat, ruok\njute.maxbuffer.extrasize=2048\n'),
    { 'jute.maxbuffer': '65536' },
  );
  assert.deepEqual(zkServerOptions(config, 5), {
    tickTime: 100,
    minSessionTimeout: 300,
    maxSessionTimeout: 900,
    fourLetterWordWhitelist: 'stat, ruok',
    juteMaxBuffer: 65536,
    juteMaxBufferExtraSize: 2048,
    epochMs: 5,
  });
});

test('[zk.ttl-nodes] unit: extendedTypesEnabled and the znode.container schedule go from zoo.cfg or properties to the server; a bad number is a config error', T, () => {
  const config = parseServerConfig(parseZooCfg('clientPort=1\ntickTime=2000\nextendedTypesEnabled=true\nznode.container.checkIntervalMs=500\n'), { 'znode.container.maxPerMinute': '60' });
  assert.deepEqual(zkServerOptions(config), {
    tickTime: 2000,
    minSessionTimeout: -1,
    maxSessionTimeout: -1,
    extendedTypesEnabled: true,
    containerCheckIntervalMs: 500,
    containerMaxPerMinute: 60,
  });
  assert.throws(() => zkServerOptions(parseServerConfig(parseZooCfg('clientPort=1\n'), { 'znode.container.checkIntervalMs': 'soon' })), /znode.container.checkIntervalMs=soon/);
});

test('[zk.serve] unit: SIGTERM or SIGINT shuts the server down once and stops listening for further signals', T, async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const signals = new EventEmitter() as EventEmitter & SignalSource;
    let shutdowns = 0;
    const running = { shutdown: async () => void shutdowns++ } as unknown as RunningServer;
    const done = shutdownOnSignal(running, nextSignal(signals), { log() {} });
    signals.emit(signal);
    assert.equal(await done, signal);
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    assert.equal(shutdowns, 1);
    assert.equal(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM'), 0);
  }
});

/** Runs `cnxnspec serve` as a child process; resolves with its port once it logs one. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'conformance/cli/main.ts', 'serve', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on 127\.0\.0\.1:(\d+) \(client port\)/.exec(stderr);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, port, exited, stderr: () => stderr };
}

test('[zk.serve] cli: cnxnspec serve --config fixtures/zoo.cfg --port 0 serves a client and exits 0 on SIGTERM', T, async (t) => {
  const cli = startCli(['--config', 'fixtures/zoo.cfg', '--port', '0']);
  t.after(() => void cli.child.kill('SIGKILL'));
  const port = await cli.port;
  await lifeCycle(port);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
  assert.match(cli.stderr(), /INFO received SIGTERM\n(.*\n)*INFO shut down\n/);
  assert.match(cli.stderr(), /four-letter words: ruok,srvr,stat,cons,mntr/);
});

test('[zk.serve] cli: cnxnspec serve without a config uses loopback defaults and exits 0 on SIGINT', T, async (t) => {
  const cli = startCli(['--port', '0']);
  t.after(() => void cli.child.kill('SIGKILL'));
  await cli.port;
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 0);
  assert.match(cli.stderr(), /INFO received SIGINT\n/);
});
