/**
 * Wire checks that need the factory in hand, not only its port: the loaded module on the node runtime on
 * 127.0.0.1, judged from what real sockets show.
 * - configure.port-zero: port 0 binds an ephemeral port, reported (not 0) from the end of configure on;
 * - configure.bind: the port is taken when configure returns, before start;
 * - factory.lifecycle-stop: after shutdown the port is free again and nothing answers on it;
 * - accept.per-ip-limit: with maxClientCnxns 2, a third connection from 127.0.0.1 is closed without a byte
 *   while the first two are served;
 * - expiry.sessionless: a connection that never sends is closed, not before the sessionless timeout and not
 *   long after it.
 */

import { createServer } from 'node:net';
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { encodeConnectRequest, frame } from '../../../reference/server/frames.ts';
import { describeError, type CheckFinding, type CheckOutcome, type HarnessCheck } from './harness-check.ts';
import { hostOnNode } from './node-host.ts';
import { rawConnect } from './raw-client.ts';

/** Real-time sessionless timeout for the expiry check: short, but far above scheduling noise. */
const SESSIONLESS_MS = 600;
/** How late past the deadline a close may come on a loaded machine: two expiry intervals plus slack. */
const EXPIRY_SLACK_MS = 2 * SESSIONLESS_MS + 1_500;
const CONNECT_RESPONSE_BYTES = 40;

function canBind(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function handshake(): Uint8Array {
  return frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16) }));
}

async function portAndBind(module: FactoryModule): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const host = await hostOnNode(module, { numSelectorThreads: 1, numWorkerThreads: 1 });
  let port = 0;
  try {
    const address = await host.configure(10);
    port = address.port;
    if (port === 0) findings.push({ requirements: ['configure.port-zero'], message: 'after configure on port 0 the factory reports port 0, not the port it bound', evidence: [] });
    else {
      const taken = await canBind(port);
      if (taken?.code !== 'EADDRINUSE') {
        findings.push({ requirements: ['configure.bind'], message: `after configure returned, port ${port} could still be bound by another socket (${taken ? taken.code : 'it bound fine'}): configure must bind`, evidence: [] });
      }
    }
    await host.startup();
    const client = await rawConnect({ host: '127.0.0.1', port });
    client.send(handshake());
    const reply = await client.waitFor(CONNECT_RESPONSE_BYTES, 5_000);
    client.destroy();
    if (reply.length < CONNECT_RESPONSE_BYTES) {
      findings.push({ requirements: ['configure.port-zero'], message: `a client on the reported port ${port} got ${reply.length} bytes, not a ConnectResponse`, evidence: [] });
    }
    await host.main((f) => f.shutdown());
    const free = await canBind(port);
    if (free) findings.push({ requirements: ['factory.lifecycle-stop'], message: `after shutdown returned, port ${port} could not be bound again (${free.code}): stop must close the listening socket`, evidence: [] });
  } finally {
    await host.dispose();
  }
  return findings;
}

async function perIpLimit(module: FactoryModule): Promise<CheckFinding[]> {
  const host = await hostOnNode(module, { numSelectorThreads: 2, numWorkerThreads: 2 });
  const clients: Awaited<ReturnType<typeof rawConnect>>[] = [];
  try {
    const address = await host.configure(2);
    await host.startup();
    for (let i = 0; i < 2; i++) {
      const c = await rawConnect(address);
      clients.push(c);
      c.send(handshake());
      await c.waitFor(CONNECT_RESPONSE_BYTES, 5_000);
    }
    const third = await rawConnect(address);
    clients.push(third);
    third.send(handshake());
    const ended = await third.waitForClose(3_000);
    const served = clients.slice(0, 2).filter((c) => c.received().length >= CONNECT_RESPONSE_BYTES).length;
    const findings: CheckFinding[] = [];
    if (served !== 2) findings.push({ requirements: ['accept.per-ip-limit'], message: `with maxClientCnxns 2, only ${served} of the first 2 connections from 127.0.0.1 were answered`, evidence: [] });
    if (ended === 'open' || third.received().length > 0) {
      findings.push({
        requirements: ['accept.per-ip-limit'],
        message: `with maxClientCnxns 2, a third connection from 127.0.0.1 was ${ended === 'open' ? 'kept open' : 'closed'} after receiving ${third.received().length} bytes; it must be closed before any byte is read`,
        evidence: [],
      });
    }
    return findings;
  } finally {
    for (const c of clients) c.destroy();
    await host.dispose();
  }
}

async function sessionless(module: FactoryModule): Promise<CheckFinding[]> {
  const host = await hostOnNode(module, { numSelectorThreads: 1, numWorkerThreads: 1, sessionlessCnxnTimeout: SESSIONLESS_MS });
  try {
    const address = await host.configure(0);
    await host.startup();
    const silent = await rawConnect(address);
    const ended = await silent.waitForClose(SESSIONLESS_MS + EXPIRY_SLACK_MS);
    const after = silent.closedAfterMs();
    silent.destroy();
    if (ended === 'open') {
      return [{ requirements: ['expiry.sessionless'], message: `a connection that never sent a byte was still open ${SESSIONLESS_MS + EXPIRY_SLACK_MS} ms after connecting, with sessionlessCnxnTimeout ${SESSIONLESS_MS} ms`, evidence: [] }];
    }
    if (after !== undefined && after < SESSIONLESS_MS) {
      return [{ requirements: ['expiry.sessionless'], message: `a silent connection was closed ${after} ms after connecting, before its sessionless timeout of ${SESSIONLESS_MS} ms`, evidence: [] }];
    }
    return [];
  } finally {
    await host.dispose();
  }
}

export const wireLifecycleChecks: HarnessCheck = {
  name: 'factory on real sockets',
  mode: 'wire',
  requirements: ['configure.port-zero', 'configure.bind', 'factory.lifecycle-stop', 'accept.per-ip-limit', 'expiry.sessionless'],
  async run(module): Promise<CheckOutcome> {
    try {
      const findings = [...(await portAndBind(module)), ...(await perIpLimit(module)), ...(await sessionless(module))];
      return { judged: this.requirements, findings };
    } catch (err) {
      const reason = `the factory could not be served on real sockets: ${describeError(err)}`;
      return { judged: [], findings: [], notJudged: this.requirements.map((id) => ({ id, reason })) };
    }
  },
};
