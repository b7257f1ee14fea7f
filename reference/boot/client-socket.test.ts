import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { decodeConnectResponse, encodeConnectRequest } from '../server/frames.ts';
import { serveEcho } from '../nio/test-support.ts';
import { ClientCnxnSocketNetty, ClientCnxnSocketNIO, createClientCnxnSocket } from './client-socket.ts';

const T = { timeout: 10_000 };
const here = dirname(fileURLToPath(import.meta.url));
const setting = (name: string) => ({ properties: { 'zookeeper.clientCnxnSocket': name }, env: {}, baseDir: here });

test('[factory.client-socket-select] unit: no setting selects ClientCnxnSocketNIO; names and class names select either socket', T, async () => {
  assert.ok((await createClientCnxnSocket({ env: {} })) instanceof ClientCnxnSocketNIO);
  assert.ok((await createClientCnxnSocket(setting('org.apache.zookeeper.ClientCnxnSocketNIO'))) instanceof ClientCnxnSocketNIO);
  assert.ok((await createClientCnxnSocket(setting('ClientCnxnSocketNetty'))) instanceof ClientCnxnSocketNetty);
  assert.ok((await createClientCnxnSocket({ env: { ZOOKEEPER_CLIENT_CNXN_SOCKET: 'org.apache.zookeeper.ClientCnxnSocketNetty' } })) instanceof ClientCnxnSocketNetty);
  assert.equal((await createClientCnxnSocket(setting('./test-fixtures/client-socket-module.ts'))).name, 'ClientCnxnSocketNIO');
});

test('[factory.client-socket-select] unit: an unknown name or a bad module fails with Couldn\'t instantiate and its cause', T, async () => {
  for (const name of ['ClientCnxnSocketCarrierPigeon', './test-fixtures/no-create-factory.ts', './test-fixtures/missing.ts']) {
    await assert.rejects(createClientCnxnSocket(setting(name)), (err: unknown) => {
      assert.ok(err instanceof CnxnspecError);
      assert.equal(err.code, 'CNXNSPEC_ERR_FACTORY_LOAD');
      assert.ok(err.message.startsWith(`Couldn't instantiate ${name}`));
      assert.ok(err.cause instanceof Error);
      return true;
    });
  }
});

test('[factory.client-socket-select] tcp: both reference client sockets complete a handshake with the NIO factory', T, async (t) => {
  const runtime = createNodeRuntime({ logger: { log() {} } });
  t.after(() => runtime.dispose());
  const { factory, address } = await runtime.runAs('main', () => serveEcho(runtime));
  t.after(() => runtime.runAs('main', () => factory.shutdown()));
  for (const name of ['ClientCnxnSocketNIO', 'ClientCnxnSocketNetty']) {
    const socket = await createClientCnxnSocket(setting(name));
    await socket.connect(address);
    await socket.sendFrame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16) }));
    const payload = await socket.receiveFrame();
    assert.ok(payload !== null, name);
    assert.notEqual(decodeConnectResponse(payload).sessionId, 0n);
    await socket.close();
  }
});
