/**
 * cnxn.throttle's hold after a ConnectRequest: no later frame of a connection reaches the server before the
 * response to its ConnectRequest is queued. The generated scenarios cannot show it, since their peers wait for
 * the ConnectResponse before sending anything else, as clients usually do; a client may pipeline, though, and a
 * server that answers from its own threads then sees requests of a session that does not exist yet. So here a
 * peer sends its ConnectRequest and two requests in one write, to a server that answers the ConnectRequest from
 * a thread of its own a little later, and the throttle-stops-reads invariant judges the trace, under several seeds.
 */

import type { HostRuntime } from '../../../spec/runtime.ts';
import type { FactoryModule, ServerConnection } from '../../../spec/server-cnxn-factory.ts';
import { throttleStopsReads } from '../../../spec/invariants/throttle-stops-reads.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { createSimulation, randomWalkFromSeed } from '../../sim/index.ts';
import { connectFrame, existsFrame } from '../../wire/zk-client-frames.ts';
import { observeHandler } from '../observed-handler.ts';
import { CONNECT_RESPONSE_BYTES } from '../scenario.ts';
import { describeError, overSeeds, type CheckOutcome, type HarnessCheck, type SeededRun } from './harness-check.ts';

const SEEDS = [41, 42, 43, 44];
/** How long the server's own thread takes before it answers a ConnectRequest. */
const HANDSHAKE_WORK_MS = 20;

/** The echo server, answering ConnectRequests from a request thread of its own (a name the harness reserves). */
class LateHandshakeHandler extends EchoHandler {
  private readonly work;
  private readonly thread;

  constructor(private readonly rt: HostRuntime) {
    super();
    this.work = rt.newQueue<{ cnxn: ServerConnection; payload: Uint8Array } | 'stop'>('requestQueue@RequestProcessor-0');
    this.thread = rt.thread('RequestProcessor-0', async () => {
      for (let item = await this.work.take(); item !== 'stop'; item = await this.work.take()) {
        await this.rt.clock.sleep(HANDSHAKE_WORK_MS);
        await super.processConnectRequest(item.cnxn, item.payload);
      }
    });
    this.thread.start();
  }

  override async processConnectRequest(cnxn: ServerConnection, payload: Uint8Array): Promise<void> {
    await this.work.offer({ cnxn, payload });
  }

  async stop(): Promise<void> {
    await this.work.offer('stop');
    await this.thread.join();
  }
}

/** The findings of one run, or why it could not judge (a factory that cannot start or run is judged elsewhere). */
async function pipelinedRun(module: FactoryModule, seed: number): Promise<SeededRun> {
  const sim = createSimulation({ seed, strategy: randomWalkFromSeed(seed), maxSteps: 200_000 });
  const outcome = await sim.run({
    main: async (rt) => {
      const factory = module.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 1, cores: 2 });
      await factory.configure({ host: '127.0.0.1', port: 2181 }, 10, 50, false);
      const handler = new LateHandshakeHandler(rt);
      await factory.startup(observeHandler(handler, sim.observe));
      const peer = await sim.network.connectPeer(factory.localAddress() ?? { host: '127.0.0.1', port: 2181 }, { ip: '10.0.0.1' });
      const bytes = [connectFrame(), existsFrame(1), existsFrame(2)];
      const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
      bytes.reduce((at, b) => (all.set(b, at), at + b.length), 0);
      await peer.send(all);
      await peer.receive(CONNECT_RESPONSE_BYTES);
      await rt.clock.sleep(100);
      await peer.close();
      await factory.shutdown();
      await handler.stop();
    },
    maxVirtualTime: 60_000,
  });
  const trace = sim.trace();
  const label = `a ConnectRequest pipelined with two requests, seed ${seed}`;
  if (outcome.status === 'error') return { notJudged: `${label}: the run could not complete: ${describeError(outcome.error)}` };
  return throttleStopsReads.check(trace, { atQuiescence: false }).map((v) => ({
    requirements: ['cnxn.throttle'],
    message: `${label}: ${v.message}`,
    evidence: v.evidence.map((seq) => JSON.stringify(trace[seq])),
  }));
}

export const pipelinedHandshakeCheck: HarnessCheck = {
  name: 'pipelined handshake',
  mode: 'harness',
  requirements: ['cnxn.throttle'],
  run(module): Promise<CheckOutcome> {
    return overSeeds(this.requirements, SEEDS, (seed) => pipelinedRun(module, seed));
  },
};
