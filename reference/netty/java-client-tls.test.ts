/**
 * A real ZooKeeper client over TLS: Apache ZooKeeper 3.8's Java CLI (ZooKeeperMain, Debian's package) with
 * zookeeper.client.secure=true and the Netty client socket, against `serve` with the Netty-style factory on a
 * secure port and PEM stores on both sides (client certificate required). Skipped, with the reason, where Debian's
 * ZooKeeper or Java is absent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findApacheZooKeeper } from '../../conformance/zookeeper/apache-zookeeper.ts';
import { consoleLogger, serve } from '../boot/serve.ts';
import { parseZooCfg } from '../boot/zoo-cfg.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { makeTestCerts } from './test-certs.ts';

const apache = findApacheZooKeeper();
const T = { timeout: 90_000, ...(apache.found ? {} : { skip: apache.reason }) };

function runCli(classpath: string, props: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), '-cp', classpath, 'org.apache.zookeeper.ZooKeeperMain', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('[netty.tls] real client: Apache ZooKeeper\'s Java CLI over TLS (Netty client socket, client certificate) creates and reads a znode through the secure port', T, async (t) => {
  if (!apache.found) return;
  const certs = makeTestCerts();
  t.after(() => certs.cleanup());
  const clientStore = join(certs.dir, 'client-keystore.pem');
  writeFileSync(clientStore, certs.clientKey + certs.clientCert);
  const runtime = createNodeRuntime({ logger: consoleLogger(false, () => undefined) });
  t.after(() => runtime.dispose());
  const cfg = parseZooCfg(
    [
      'secureClientPort=0',
      'secureClientPortAddress=127.0.0.1',
      'serverCnxnFactory=NettyServerCnxnFactory',
      `ssl.keyStore.location=${certs.serverKeyStore}`,
      `ssl.trustStore.location=${certs.caPath}`,
    ].join('\n'),
    'java-tls.cfg',
  );
  const running = await runtime.runAs('main', () => serve(runtime, { cfg, env: {} }));
  t.after(() => running.shutdown());
  const port = running.secureClientAddress!.port;
  const classpath = [...apache.classpathJars, '/usr/share/java/netty-handler.jar', '/usr/share/java/netty-transport.jar', '/usr/share/java/netty-buffer.jar', '/usr/share/java/netty-common.jar'].join(':');
  const props = {
    'zookeeper.client.secure': 'true',
    'zookeeper.clientCnxnSocket': 'org.apache.zookeeper.ClientCnxnSocketNetty',
    'zookeeper.ssl.keyStore.location': clientStore,
    'zookeeper.ssl.keyStore.type': 'PEM',
    'zookeeper.ssl.trustStore.location': certs.caPath,
    'zookeeper.ssl.trustStore.type': 'PEM',
  };
  const created = await runCli(classpath, props, ['-server', `127.0.0.1:${port}`, 'create', '/over-tls', 'hello-tls']);
  assert.match(created.out, /Created \/over-tls/, created.out);
  const read = await runCli(classpath, props, ['-server', `127.0.0.1:${port}`, 'get', '/over-tls']);
  assert.match(read.out, /hello-tls/, read.out);
});
