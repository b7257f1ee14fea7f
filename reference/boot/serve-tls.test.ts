/** `cnxnspec serve` with a secure client port: TLS from a PEM key store, in front of the reference ZooKeeper server. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { CnxnspecError } from '../../spec/errors.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { connectRequestFrame, handshake, readReply, requestFrame } from '../nio/test-support.ts';
import { makeTestCerts } from '../netty/test-certs.ts';
import { TlsPeer } from '../netty/tls-peer.ts';
import { consoleLogger, serve } from './serve.ts';
import { parseZooCfg } from './zoo-cfg.ts';

const T = { timeout: 30_000 };

function plaintextProbe(port: number): Promise<'closed'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.from(connectRequestFrame())));
    socket.on('data', (chunk) => reject(new Error(`the secure port answered plaintext with ${chunk.length} byte(s)`)));
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => undefined);
  });
}

test('[boot.secure-client-port] tcp: serve with serverCnxnFactory=Netty and a PEM key store serves TLS on secureClientPort and plaintext on clientPort', T, async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.cleanup());
  const lines: string[] = [];
  const runtime = createNodeRuntime({ logger: consoleLogger(false, (line) => void lines.push(line)) });
  t.after(() => runtime.dispose());
  const cfg = parseZooCfg(
    [
      'clientPort=0',
      'clientPortAddress=127.0.0.1',
      'secureClientPort=0',
      'secureClientPortAddress=127.0.0.1',
      'serverCnxnFactory=NettyServerCnxnFactory',
      `ssl.keyStore.location=${certs.serverKeyStore}`,
      `ssl.trustStore.location=${certs.caPath}`,
      'ssl.clientAuth=need',
    ].join('\n'),
    'tls.cfg',
  );
  const running = await runtime.runAs('main', () => serve(runtime, { cfg, env: {} }));
  t.after(() => running.shutdown());
  assert.equal(running.factoryName, 'NettyServerCnxnFactory');
  const securePort = running.secureClientAddress?.port ?? 0;
  const plainPort = running.clientAddress?.port ?? 0;
  assert.ok(securePort > 0 && plainPort > 0 && securePort !== plainPort);
  const peer = await TlsPeer.connect(securePort, { ca: certs.ca, key: certs.clientKey, cert: certs.clientCert });
  t.after(() => peer.close());
  assert.notEqual((await handshake(peer)).sessionId, 0n);
  await peer.send(requestFrame(XID_PING, OP_PING));
  assert.equal((await readReply(peer)).header.xid, XID_PING);
  assert.equal(await plaintextProbe(securePort), 'closed');
  assert.ok(lines.some((l) => l.includes('(secure client port)')));
});

test('[boot.secure-client-port] tcp: serve with a key store that does not match its certificate fails before any port is bound', T, async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.cleanup());
  const runtime = createNodeRuntime({ trace: true, logger: consoleLogger(false, () => undefined) });
  t.after(() => runtime.dispose());
  const cfg = parseZooCfg(`clientPort=0\nsecureClientPort=0\nserverCnxnFactory=netty\nssl.keyStore.location=${certs.mismatchedKeyStore}\n`, 'bad.cfg');
  await assert.rejects(runtime.runAs('main', () => serve(runtime, { cfg, env: {} })), (err: unknown) => {
    assert.ok(err instanceof CnxnspecError);
    assert.match(err.message, /ssl\.keyStore\.location .*mismatched-keystore\.pem/);
    return true;
  });
  const events = runtime.traceEvents().map((e) => e.ev);
  assert.ok(events.includes('configured'), 'the plain factory was configured first (and traced)');
  assert.equal(events.includes('bind'), false, 'nothing was bound');
});
