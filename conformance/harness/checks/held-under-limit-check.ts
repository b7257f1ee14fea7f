/**
 * cnxn.throttle's other side: a connection is held for globalOutstandingLimit only while more than the limit are
 * in flight. The count is the one conformance/INTERPRETING.md fixes, as the handler sees it: a counted request is
 * in flight from its processPacket until a reply on that connection or until the connection closes. A factory
 * that forgets to drop a closed connection's requests never fails the generated scenarios (their handler answers
 * everything, so a wrongly held connection is only read later, not never); a handler that holds its replies shows
 * it. So here, with a limit of 1 and a handler that answers ConnectRequests at once and requests never:
 * connection A has one request in flight and is closed by the server; then connection B sends two requests in one
 * write. After B's first one the count is 1, not over the limit, so B's second request must reach the handler;
 * a factory still counting A's request holds B instead. Judged from the handler's calls and acts only, under
 * several seeds.
 */

import type { DisconnectReason } from '../../../spec/disconnect-reasons.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import type { FactoryModule, ServerConnection } from '../../../spec/server-cnxn-factory.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { createSimulation, randomWalkFromSeed } from '../../sim/index.ts';
import { connectFrame, existsFrame } from '../../wire/zk-client-frames.ts';
import { observeHandler } from '../observed-handler.ts';
import { CONNECT_RESPONSE_BYTES } from '../scenario.ts';
import { describeError, overSeeds, type CheckOutcome, type HarnessCheck, type SeededRun } from './harness-check.ts';

const SEEDS = [51, 52, 53];
const LIMIT = 1;
/** Virtual time given to the factory to deliver what it must; nothing in the run waits on a timer meanwhile. */
const SETTLE_MS = 200;
const CLOSE_REASON: DisconnectReason = 'connection_close_forced';

/** Answers ConnectRequests as the echo server does and keeps every request unanswered. */
class HoldingHandler extends EchoHandler {
  readonly held: ServerConnection[] = [];

  override async processPacket(cnxn: ServerConnection): Promise<void> {
    this.held.push(cnxn);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  parts.reduce((at, b) => (all.set(b, at), at + b.length), 0);
  return all;
}

/** The packets each connection handed the handler, in trace order. */
function packetsByConnection(trace: readonly TraceEvent[]): Map<string, TraceEvent[]> {
  const out = new Map<string, TraceEvent[]>();
  for (const e of trace) if (e.ev === 'handlerCall' && e.call === 'packet') out.set(e.ch, [...(out.get(e.ch) ?? []), e]);
  return out;
}

async function heldRun(module: FactoryModule, seed: number): Promise<SeededRun> {
  const sim = createSimulation({ seed, strategy: randomWalkFromSeed(seed), maxSteps: 200_000 });
  let closedFirst: string | undefined;
  const outcome = await sim.run({
    main: async (rt) => {
      const factory = module.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 1, cores: 2, globalOutstandingLimit: LIMIT, sessionlessCnxnTimeout: 10_000 });
      await factory.configure({ host: '127.0.0.1', port: 2181 }, 10, 50, false);
      const handler = new HoldingHandler();
      await factory.startup(observeHandler(handler, sim.observe));
      const address = factory.localAddress() ?? { host: '127.0.0.1', port: 2181 };
      const a = await sim.network.connectPeer(address, { ip: '10.0.0.1' });
      await a.send(connectFrame());
      await a.receive(CONNECT_RESPONSE_BYTES);
      await a.send(existsFrame(1));
      await rt.clock.sleep(SETTLE_MS);
      const first = handler.held[0];
      if (first) {
        closedFirst = first.id;
        await first.close(CLOSE_REASON);
      }
      await rt.clock.sleep(SETTLE_MS);
      const b = await sim.network.connectPeer(address, { ip: '10.0.0.2' });
      await b.send(connectFrame());
      await b.receive(CONNECT_RESPONSE_BYTES);
      await b.send(concat([existsFrame(1), existsFrame(2)]));
      await rt.clock.sleep(SETTLE_MS);
      await a.close();
      await b.close();
      await factory.shutdown();
    },
    maxVirtualTime: 60_000,
  });
  const trace = sim.trace();
  const label = `globalOutstandingLimit ${LIMIT}, a connection closed by the server with a request out, then two requests in one write on another, seed ${seed}`;
  if (outcome.status === 'error') return { notJudged: `${label}: the run could not complete: ${describeError(outcome.error)}` };
  if (closedFirst === undefined) return { notJudged: `${label}: the first connection's request never reached the handler` };
  const closedAt = trace.find((e) => e.ev === 'handlerAct' && e.act === 'close' && e.ch === closedFirst);
  const later = [...packetsByConnection(trace)].filter(([ch]) => ch !== closedFirst);
  const second = later[0]?.[1] ?? [];
  if (second.length === 0) return { notJudged: `${label}: the second connection's first request never reached the handler` };
  if (second.length >= 2) return [];
  const ch = later[0]![0];
  return [
    {
      requirements: ['cnxn.throttle'],
      message:
        `${label}: ${ch} handed over one request and then held the next for ${SETTLE_MS} ms although only 1 request was in flight ` +
        `(limit ${LIMIT}; ${closedFirst}'s request stopped counting when it closed): a connection may be held only while more than the limit are in flight`,
      evidence: [closedAt, second[0]].filter((e) => e !== undefined).map((e) => JSON.stringify(e)),
    },
  ];
}

export const heldUnderLimitCheck: HarnessCheck = {
  name: 'held under the outstanding limit',
  mode: 'harness',
  requirements: ['cnxn.throttle'],
  run(module): Promise<CheckOutcome> {
    return overSeeds(this.requirements, SEEDS, (seed) => heldRun(module, seed));
  },
};
