import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import type { LogLevel } from '../../spec/runtime.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { NIOServerCnxnFactory } from '../nio/nio-server-cnxn-factory.ts';
import { createFactory, resolveFactoryName } from './create-factory.ts';
import { calls } from './test-fixtures/recording-factory.ts';

const T = { timeout: 10_000 };
const here = dirname(fileURLToPath(import.meta.url));

function runtimeWithLog() {
  const lines: { level: LogLevel; message: string }[] = [];
  const runtime = createNodeRuntime({ trace: true, logger: { log: (level, message) => lines.push({ level, message }) } });
  return { runtime, lines };
}

test('[factory.select-default] unit: with no zookeeper.serverCnxnFactory anywhere, createFactory yields the NIO factory', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  const factory = await createFactory(runtime, { env: {} });
  assert.ok(factory instanceof NIOServerCnxnFactory);
  assert.equal(factory.name, 'NIOServerCnxnFactory');
  assert.deepEqual(resolveFactoryName({ env: {} }), { name: 'NIOServerCnxnFactory', source: 'default' });
});

test('[factory.select-by-name] unit: NIOServerCnxnFactory, nio and the ZooKeeper class name all yield the NIO factory', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  for (const name of ['NIOServerCnxnFactory', 'nio', 'org.apache.zookeeper.server.NIOServerCnxnFactory']) {
    const factory = await createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': name }, env: {} });
    assert.ok(factory instanceof NIOServerCnxnFactory, name);
  }
});

test('[factory.select-by-name] unit: a module path is imported and its createFactory builds the factory', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  const before = calls.length;
  const factory = await createFactory(runtime, {
    properties: new Map([['zookeeper.serverCnxnFactory', './test-fixtures/recording-factory.ts']]),
    env: {},
    baseDir: here,
    factoryOptions: { numWorkerThreads: 3 },
  });
  assert.equal(factory.name, 'RecordingFactory');
  assert.deepEqual(calls.slice(before), [{ factory: calls[before]?.factory, method: 'createFactory', args: ['node', { numWorkerThreads: 3 }] }]);
});

test('[factory.select-by-name] unit: an absolute path and a plain .js module load the same way', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  const absolute = join(here, 'test-fixtures', 'recording-factory.ts');
  assert.equal((await createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': absolute }, env: {} })).name, 'RecordingFactory');
  const js = await createFactory(runtime, { env: { ZOOKEEPER_SERVER_CNXN_FACTORY: './test-fixtures/plain-js-factory.js' }, baseDir: here });
  assert.equal(js.name, 'PlainJsFactory on node');
});

test('[factory.select-by-name] unit: the properties entry wins over ZOOKEEPER_SERVER_CNXN_FACTORY, which wins over the default', T, () => {
  const env = { ZOOKEEPER_SERVER_CNXN_FACTORY: 'nio' };
  assert.deepEqual(resolveFactoryName({ env }), { name: 'nio', source: 'env' });
  assert.deepEqual(resolveFactoryName({ env, properties: { 'zookeeper.serverCnxnFactory': './x.ts' } }), { name: './x.ts', source: 'property' });
  assert.deepEqual(resolveFactoryName({ env, properties: { 'zookeeper.serverCnxnFactory': '  ' } }), { name: 'nio', source: 'env' });
});

test('[factory.select-log] unit: success logs "Using <name> as server connection factory" and a failure logs no such line', T, async (t) => {
  const { runtime, lines } = runtimeWithLog();
  t.after(() => runtime.dispose());
  await createFactory(runtime, { env: {} });
  await createFactory(runtime, { env: { ZOOKEEPER_SERVER_CNXN_FACTORY: 'org.apache.zookeeper.server.NIOServerCnxnFactory' } });
  await assert.rejects(createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': 'NoSuchFactory' }, env: {} }));
  const using = lines.filter((l) => l.message.includes('as server connection factory'));
  assert.deepEqual(using.map((l) => l.level), ['info', 'info']);
  assert.match(using[0]?.message ?? '', /(^|\] )Using NIOServerCnxnFactory as server connection factory$/);
  assert.match(using[1]?.message ?? '', /(^|\] )Using org\.apache\.zookeeper\.server\.NIOServerCnxnFactory as server connection factory$/);
});

function assertLoadError(err: unknown, name: string, cause: RegExp): true {
  assert.ok(err instanceof CnxnspecError);
  assert.equal(err.code, 'CNXNSPEC_ERR_FACTORY_LOAD');
  assert.ok(err.message.startsWith(`Couldn't instantiate ${name}`), err.message);
  assert.ok(err.cause instanceof Error);
  assert.match((err.cause as Error).message, cause);
  return true;
}

test('[factory.select-by-name] unit: the Netty-style names create the Netty-style factory', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  for (const name of ['NettyServerCnxnFactory', 'netty', 'org.apache.zookeeper.server.NettyServerCnxnFactory']) {
    const factory = await createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': name }, env: {} });
    assert.equal(factory.name, 'NettyServerCnxnFactory');
  }
});

test('[factory.select-error] unit: a missing module, a module without createFactory and a throwing createFactory each fail with their cause', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  const attempt = (name: string) => createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': name }, env: {}, baseDir: here });
  await assert.rejects(attempt('./test-fixtures/does-not-exist.ts'), (err) => assertLoadError(err, './test-fixtures/does-not-exist.ts', /Cannot find module|does-not-exist/));
  await assert.rejects(attempt('./test-fixtures/no-create-factory.ts'), (err) => assertLoadError(err, './test-fixtures/no-create-factory.ts', /does not export a createFactory/));
  await assert.rejects(attempt('./test-fixtures/throwing-factory.ts'), (err) => assertLoadError(err, './test-fixtures/throwing-factory.ts', /refuses to be built/));
  await assert.rejects(attempt('com.example.UnknownFactory'), (err) => assertLoadError(err, 'com.example.UnknownFactory', /not a registered factory name/));
});

test('[factory.select-error] unit: a failed createFactory leaves nothing bound and no thread running', T, async (t) => {
  const { runtime } = runtimeWithLog();
  t.after(() => runtime.dispose());
  await assert.rejects(createFactory(runtime, { properties: { 'zookeeper.serverCnxnFactory': './test-fixtures/throwing-factory.ts' }, env: {}, baseDir: here }));
  const kinds = new Set(runtime.traceEvents().map((e) => e.ev));
  for (const ev of ['bind', 'threadStart', 'sleep'] as const) assert.equal(kinds.has(ev), false, `no ${ev} event`);
});
