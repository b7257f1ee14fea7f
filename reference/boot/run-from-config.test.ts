import assert from 'node:assert/strict';
import net from 'node:net';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { EchoHandler } from '../server/echo-handler.ts';
import { decodeConnectResponse, encodeConnectRequest } from '../server/frames.ts';
import { ClientCnxnSocketNIO } from './client-socket.ts';
import { parseServerConfig, runFromConfig } from './run-from-config.ts';
import { calls } from './test-fixtures/recording-factory.ts';
import { parseZooCfg } from './zoo-cfg.ts';

const T = { timeout: 15_000 };
const here = dirname(fileURLToPath(import.meta.url));
const RECORDING = 'serverCnxnFactory=./test-fixtures/recording-factory.ts';

function quietRuntime(trace = false) {
  return createNodeRuntime({ trace, logger: { log() {} } });
}

/** Runs boot with the recording fixture factory and returns the calls it made. */
async function bootRecorded(cfgText: string) {
  const runtime = quietRuntime();
  const before = calls.length;
  try {
    const server = await runtime.runAs('main', () => runFromConfig(runtime, parseZooCfg(cfgText), { env: {}, baseDir: here }));
    return { server, calls: calls.slice(before) };
  } finally {
    await runtime.dispose();
  }
}

const configures = (recorded: typeof calls) => recorded.filter((c) => c.method === 'configure').map((c) => c.args);

test('[boot.client-port] unit: clientPort configures one factory with (address, 60, -1, secure=false) by default', T, async () => {
  const { server, calls: recorded } = await bootRecorded(`clientPort=2181\nclientPortAddress=127.0.0.1\n${RECORDING}\n`);
  assert.deepEqual(configures(recorded), [[{ host: '127.0.0.1', port: 2181 }, 60, -1, false]]);
  assert.ok(server.cnxnFactory);
  assert.equal(server.secureCnxnFactory, undefined);
});

test('[boot.client-port] unit: clientPort without an address binds the wildcard with the zoo.cfg limits', T, async () => {
  const { calls: recorded } = await bootRecorded(`clientPort=0\nmaxClientCnxns=5\nclientPortListenBacklog=4096\n${RECORDING}\n`);
  assert.deepEqual(configures(recorded), [[{ host: '0.0.0.0', port: 0 }, 5, 4096, false]]);
});

test('[boot.client-port] unit: clientPortAddress without clientPort is a configuration error', T, () => {
  assert.throws(() => parseServerConfig(parseZooCfg('clientPortAddress=127.0.0.1\nsecureClientPort=2281\n')), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(err.message, /line 1: clientPortAddress is set but clientPort is not set/);
    return true;
  });
});

test('[boot.client-port] unit: zoo.cfg keys become zookeeper.* properties and explicit overrides win over them', T, () => {
  const cfg = parseZooCfg('clientPort=1\nnio.numSelectorThreads=3\nnio.numWorkerThreads=5\ntickTime=2000\n');
  const config = parseServerConfig(cfg, { 'zookeeper.nio.numWorkerThreads': '0', 'jute.maxbuffer': '4096' });
  assert.deepEqual(config.factoryOptions, { numSelectorThreads: 3, numWorkerThreads: 0, juteMaxBuffer: 4096 });
  assert.equal(config.tickTime, 2000);
  assert.throws(() => parseServerConfig(cfg, { 'zookeeper.nio.numWorkerThreads': 'many' }), /is not an integer/);
  assert.throws(() => parseServerConfig(parseZooCfg('clientPort=1\nminSessionTimeout=9000\nmaxSessionTimeout=8000')), /minSessionTimeout/);
  assert.throws(() => parseServerConfig(parseZooCfg('clientPort=1\ntickTime=0')), /tickTime is not set/);
});

test('[boot.client-port] tcp: runFromConfig with the default factory binds clientPort and serves a handshake after startup', T, async (t) => {
  const runtime = quietRuntime();
  t.after(() => runtime.dispose());
  const server = await runtime.runAs('main', () =>
    runFromConfig(runtime, parseZooCfg('clientPort=0\nclientPortAddress=127.0.0.1\ntickTime=1000\nmaxSessionTimeout=5000\n'), { env: {} }),
  );
  t.after(() => runtime.runAs('main', () => server.shutdown()));
  assert.equal(server.factoryName, 'NIOServerCnxnFactory');
  await runtime.runAs('main', () => server.startup(new EchoHandler({ tickTime: server.config.tickTime, maxSessionTimeout: server.config.maxSessionTimeout })));
  const address = server.cnxnFactory?.localAddress();
  assert.ok(address && address.port > 0);
  const client = new ClientCnxnSocketNIO();
  await client.connect(address);
  t.after(() => client.close());
  await client.sendFrame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 60_000, sessionId: 0n, passwd: new Uint8Array(16) }));
  const payload = await client.receiveFrame();
  assert.equal(decodeConnectResponse(payload as Uint8Array).timeOut, 5000, 'clamped to maxSessionTimeout');
});

test('[boot.secure-client-port] unit: both ports give two factories of one implementation, the second with secure=true', T, async () => {
  const { server, calls: recorded } = await bootRecorded(
    `clientPort=2181\nsecureClientPort=2281\nsecureClientPortAddress=127.0.0.2\nmaxClientCnxns=9\n${RECORDING}\n`,
  );
  assert.equal(recorded.filter((c) => c.method === 'createFactory').length, 2);
  assert.deepEqual(configures(recorded), [
    [{ host: '0.0.0.0', port: 2181 }, 9, -1, false],
    [{ host: '127.0.0.2', port: 2281 }, 9, -1, true],
  ]);
  assert.ok(server.cnxnFactory && server.secureCnxnFactory);
});

test('[boot.secure-client-port] unit: a secure port alone gives one factory configured with secure=true', T, async () => {
  const { server, calls: recorded } = await bootRecorded(`secureClientPort=2281\n${RECORDING}\n`);
  assert.deepEqual(configures(recorded), [[{ host: '0.0.0.0', port: 2281 }, 60, -1, true]]);
  assert.equal(server.cnxnFactory, undefined);
});

test('[boot.secure-client-port] unit: neither port is a configuration error raised before any factory is created', T, async () => {
  const before = calls.length;
  await assert.rejects(bootRecorded(`tickTime=2000\n${RECORDING}\n`), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(err.message, /no client port is configured/);
    return true;
  });
  assert.equal(calls.length, before);
});

test('[boot.secure-client-port] tcp: when the NIO secure factory refuses, the plain factory is shut down and its port is free', T, async (t) => {
  const runtime = quietRuntime(true);
  t.after(() => runtime.dispose());
  await assert.rejects(
    runtime.runAs('main', () => runFromConfig(runtime, parseZooCfg('clientPort=0\nclientPortAddress=127.0.0.1\nsecureClientPort=0\n'), { env: {} })),
    (err: unknown) => err instanceof CnxnspecError && err.code === 'CNXNSPEC_ERR_UNSUPPORTED',
  );
  const bind = runtime.traceEvents().find((e) => e.ev === 'bind');
  assert.ok(bind && bind.ev === 'bind');
  const server = await new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen({ host: '127.0.0.1', port: bind.port }, () => resolve(s));
  });
  server.close();
});
