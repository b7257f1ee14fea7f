/**
 * The factory's closeSession, as the server calls it when a session expires or ends (ZooKeeper closes that
 * session's connection through the factory with client_closed_session): it closes the connection holding the
 * session, with that reason, and that close is a connection's close like any other (cnxn.close): the connection
 * leaves every structure, its address's slot included, so with maxClientCnxns 1 the next connection from that
 * address is taken; no other connection is closed. An id no connection holds (unknown, or its connection already
 * closed) closes nothing.
 * The generated scenarios reach closeSession only through a rare handler act, where a leaked slot shows only if
 * the same address comes back under a small limit; here each step is made on purpose, under several seeds, and
 * judged from the trace: the runtime's closes and refusals and the peers' ConnectResponses, never the factory's
 * answers or its connection list.
 */

import type { DisconnectReason } from '../../../spec/disconnect-reasons.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { decodeConnectResponse } from '../../../reference/server/frames.ts';
import { createSimulation, randomWalkFromSeed } from '../../sim/index.ts';
import { connectFrame, existsFrame } from '../../wire/zk-client-frames.ts';
import { observeCloseSession, observeHandler } from '../observed-handler.ts';
import { CONNECT_RESPONSE_BYTES } from '../scenario.ts';
import { describeError, overSeeds, type CheckFinding, type CheckOutcome, type HarnessCheck, type SeededRun } from './harness-check.ts';

const SEEDS = [61, 62, 63];
const REASON: DisconnectReason = 'client_closed_session';
/** Never handed out by the echo handler, whose ids count up from 2^56 + 1. */
const UNKNOWN_SESSION = 0x7fff_ffff_ffff_fff1n;
/** Virtual time for a close to be carried out and for a refused or accepted connection to show which. */
const SETTLE_MS = 200;
const IP = '10.0.0.1';
const OTHER_IP = '10.0.0.2';

/** The ConnectResponse's session id (the frame after its 4-byte length), or undefined if the peer got none. */
function sessionOf(bytes: Uint8Array): bigint | undefined {
  if (bytes.length < CONNECT_RESPONSE_BYTES) return undefined;
  const response = decodeConnectResponse(bytes.subarray(4, CONNECT_RESPONSE_BYTES));
  return response.sessionId === 0n ? undefined : response.sessionId;
}

/** The channel each connection's ConnectRequest came in on, in order. */
function handshakeChannels(trace: readonly TraceEvent[]): string[] {
  return trace.flatMap((e) => (e.ev === 'handlerCall' && e.call === 'connectRequest' ? [e.ch] : []));
}

interface Marks {
  /** Trace length before each closeSession call, and after the last one settled. */
  unknownAt?: number;
  liveAt?: number;
  againAt?: number;
  doneAt?: number;
  /** Whether the second connection from the address got its ConnectResponse. */
  secondAnswered?: boolean;
}

function judge(trace: readonly TraceEvent[], marks: Marks, label: string): CheckFinding[] {
  const [, first, second] = handshakeChannels(trace);
  const out: CheckFinding[] = [];
  const show = (events: readonly (TraceEvent | undefined)[]) => events.filter((e) => e !== undefined).map((e) => JSON.stringify(e));
  const closes = (from: number, to: number) => trace.slice(from, to).filter((e): e is Extract<TraceEvent, { ev: 'close' }> => e.ev === 'close' && e.ch.startsWith('ch'));
  const unknown = closes(marks.unknownAt!, marks.liveAt!);
  if (unknown.length > 0) out.push({ requirements: ['cnxn.close'], message: `${label}: closeSession of an id no connection holds closed ${unknown.map((e) => e.ch).join(', ')}`, evidence: show(unknown) });
  const live = closes(marks.liveAt!, marks.againAt!);
  const own = live.find((e) => e.ch === first);
  if (!own) out.push({ requirements: ['cnxn.close'], message: `${label}: closeSession of ${first}'s session did not close ${first} within ${SETTLE_MS} ms`, evidence: show([trace[marks.liveAt!]]) });
  else if (own.reason !== REASON) out.push({ requirements: ['cnxn.close'], message: `${label}: closeSession(${REASON}) closed ${first} with reason ${own.reason}`, evidence: show([own]) });
  const others = live.filter((e) => e.ch !== first);
  if (others.length > 0) out.push({ requirements: ['cnxn.close'], message: `${label}: closeSession of ${first}'s session also closed ${others.map((e) => e.ch).join(', ')}`, evidence: show(others) });
  const again = closes(marks.againAt!, marks.doneAt!);
  if (again.length > 0) out.push({ requirements: ['cnxn.close'], message: `${label}: closeSession of a session whose connection had closed closed ${again.map((e) => e.ch).join(', ')}`, evidence: show(again) });
  if (!marks.secondAnswered) {
    const refusal = trace.slice(marks.doneAt!).find((e) => e.ev === 'cnxnRefused' || (e.ev === 'close' && e.ch !== first && e.ch.startsWith('ch')));
    out.push({
      requirements: ['cnxn.close', 'accept.per-ip-limit'],
      message:
        `${label}: with maxClientCnxns 1, the next connection from ${IP} got no ConnectResponse after ${first} was closed by closeSession ` +
        `(${second === undefined ? 'its ConnectRequest never reached the handler' : `its ConnectRequest came in on ${second}`}): the close must give the address's slot back`,
      evidence: show([own, refusal]),
    });
  }
  return out;
}

async function closeSessionRun(module: FactoryModule, seed: number): Promise<SeededRun> {
  const sim = createSimulation({ seed, strategy: randomWalkFromSeed(seed), maxSteps: 200_000 });
  const marks: Marks = {};
  const outcome = await sim.run({
    main: async (rt) => {
      const factory = module.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 1, cores: 2, sessionlessCnxnTimeout: 10_000 });
      await factory.configure({ host: '127.0.0.1', port: 2181 }, 1, 50, false);
      await factory.startup(observeHandler(new EchoHandler(), sim.observe));
      const closeSession = observeCloseSession(factory, sim.observe);
      const address = factory.localAddress() ?? { host: '127.0.0.1', port: 2181 };
      const a = await sim.network.connectPeer(address, { ip: IP });
      // A bystander from another address, connected after the holder and answered before it: closeSession must leave it alone.
      const c = await sim.network.connectPeer(address, { ip: OTHER_IP });
      await c.send(connectFrame());
      await c.receive(CONNECT_RESPONSE_BYTES);
      await a.send(connectFrame());
      const id = sessionOf(await a.receive(CONNECT_RESPONSE_BYTES));
      if (id === undefined) throw new Error('the first connection got no ConnectResponse with a session');
      const holder = handshakeChannels(sim.trace())[1];
      marks.unknownAt = sim.trace().length;
      await closeSession(UNKNOWN_SESSION, undefined, REASON);
      await rt.clock.sleep(SETTLE_MS);
      marks.liveAt = sim.trace().length;
      await closeSession(id, holder, REASON);
      await rt.clock.sleep(SETTLE_MS);
      marks.againAt = sim.trace().length;
      await closeSession(id, undefined, REASON);
      await rt.clock.sleep(SETTLE_MS);
      marks.doneAt = sim.trace().length;
      const b = await sim.network.connectPeer(address, { ip: IP });
      await b.send(connectFrame());
      marks.secondAnswered = sessionOf(await b.receive(CONNECT_RESPONSE_BYTES)) !== undefined;
      if (marks.secondAnswered) {
        await b.send(existsFrame(1));
        await b.receive(1);
      }
      await a.close();
      await b.close();
      await c.close();
      await factory.shutdown();
    },
    maxVirtualTime: 60_000,
  });
  const trace = sim.trace();
  const label = `closeSession of an unknown id, of a live session (another address connected after it) and of it again, then a new connection from the address (maxClientCnxns 1), seed ${seed}`;
  if (outcome.status === 'error') return { notJudged: `${label}: the run could not complete: ${describeError(outcome.error)}` };
  if (marks.doneAt === undefined) return { notJudged: `${label}: the run ended before every closeSession was made` };
  return judge(trace, marks, label);
}

export const closeSessionCheck: HarnessCheck = {
  name: 'closeSession',
  mode: 'harness',
  requirements: ['cnxn.close', 'accept.per-ip-limit'],
  run(module): Promise<CheckOutcome> {
    return overSeeds(this.requirements, SEEDS, (seed) => closeSessionRun(module, seed));
  },
};
