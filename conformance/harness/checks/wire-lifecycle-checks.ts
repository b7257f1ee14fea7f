/**
 * Wire checks that need the factory in hand, not only its port: the loaded module on the node runtime on
 * 127.0.0.1, judged from what real sockets show.
 * - configure.port-zero: port 0 binds an ephemeral port, reported (not 0) from the end of configure on;
 * - configure.bind: the port is taken when configure returns, before start;
 * - factory.lifecycle-stop: after shutdown the port is free again.
 * What a black-box client can see (limits, timeouts, framing, order) is wire-probe-check.ts.
 */

import { createServer } from 'node:net';
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { describeError, type CheckFinding, type CheckOutcome, type HarnessCheck } from './harness-check.ts';
import { hostOnNode } from './node-host.ts';
import { WireConnection } from '../../wire/wire-connection.ts';
import { connectFrame } from '../../wire/zk-client-frames.ts';


function canBind(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

async function portAndBind(module: FactoryModule): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const host = await hostOnNode(module, { numSelectorThreads: 1, numWorkerThreads: 1 });
  let port = 0;
  try {
    const address = await host.configure(10);
    port = address?.port ?? 0;
    if (port === 0) findings.push({ requirements: ['configure.port-zero'], message: 'after configure on port 0 the factory reports port 0, not the port it bound', evidence: [] });
    else {
      const taken = await canBind(port);
      if (taken?.code !== 'EADDRINUSE') {
        findings.push({ requirements: ['configure.bind'], message: `after configure returned, port ${port} could still be bound by another socket (${taken ? taken.code : 'it bound fine'}): configure must bind`, evidence: [] });
      }
    }
    const bound = await host.startup();
    // An event-loop factory binds only in start (netty.start-bind): its port is known from then on, and
    // whether it is free after shutdown is judged all the same.
    if (port === 0) port = bound.port;
    const client = await WireConnection.open({ host: '127.0.0.1', port }, 5_000);
    client.write(connectFrame());
    const reply = await client.nextFrame(5_000);
    client.close();
    if (!reply) findings.push({ requirements: ['configure.port-zero'], message: `a client on the reported port ${port} got no ConnectResponse`, evidence: [] });
    await host.main((f) => f.shutdown());
    const free = await canBind(port);
    if (free) findings.push({ requirements: ['factory.lifecycle-stop'], message: `after shutdown returned, port ${port} could not be bound again (${free.code}): stop must close the listening socket`, evidence: [] });
  } finally {
    await host.dispose();
  }
  return findings;
}

export const wireLifecycleChecks: HarnessCheck = {
  name: 'factory on real sockets',
  mode: 'wire',
  requirements: ['configure.port-zero', 'configure.bind', 'factory.lifecycle-stop'],
  async run(module): Promise<CheckOutcome> {
    try {
      const findings = await portAndBind(module);
      return { judged: this.requirements, findings };
    } catch (err) {
      const reason = `the factory could not be served on real sockets: ${describeError(err)}`;
      return { judged: [], findings: [], notJudged: this.requirements.map((id) => ({ id, reason })) };
    }
  },
};
