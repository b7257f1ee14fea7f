/**
 * What an event-loop factory must show as a whole (the netty profile), judged in the simulation from what the
 * runtime observed, never from what the factory reports about itself:
 * - netty.start-bind: configure binds nothing; start binds once, with the given backlog, before it returns;
 *   `binding to port <address>` is logged before the bind and `bound to port <port>` after it with the port the
 *   runtime bound (port 0 asked for, so an ephemeral one), and from start on the factory reports that port; a
 *   client on it is answered;
 * - netty.tls: a secure factory serves peers that finish the (simulated) handshake; a plaintext peer is closed
 *   with `Unsuccessful handshake`; no byte of a channel is read, and no handler call made, before its handshake
 *   completed (the tls-before-frames invariant over the trace), under several seeds.
 * The generated scenarios of the search are plaintext, so TLS is judged here rather than there.
 */

import type { HostRuntime, SocketAddress, TlsServerOptions } from '../../../spec/runtime.ts';
import type { FactoryModule, ServerCnxnFactory } from '../../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import { FAILED_HANDSHAKE_REASON, tlsBeforeFrames } from '../../../spec/invariants/tls-before-frames.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';
import { createSimulation, randomWalkFromSeed } from '../../sim/index.ts';
import { simTlsClientHandshake } from '../../sim/sim-tls.ts';
import { connectFrame } from '../../wire/zk-client-frames.ts';
import { observeHandler } from '../observed-handler.ts';
import { CONNECT_RESPONSE_BYTES } from '../scenario.ts';
import { describeError, type CheckFinding, type CheckOutcome, type HarnessCheck } from './harness-check.ts';

const BACKLOG = 50;
const OPTIONS = { numSelectorThreads: 2, numWorkerThreads: 0, cores: 2, sessionlessCnxnTimeout: 5_000 };
/** The simulation models the handshake, not the cryptography: the material is not read there. */
const SIM_TLS: TlsServerOptions = { key: '', cert: '', clientAuth: 'none' };
const TLS_SEEDS = [21, 22, 23, 24, 25, 26];

function show(events: readonly TraceEvent[]): string[] {
  return events.slice(0, 6).map((e) => JSON.stringify(e));
}

interface Run {
  readonly trace: readonly TraceEvent[];
  readonly error?: string;
}

/** Runs `body` as main in a fresh simulation and returns its trace; a method that threw is the error. */
async function simulate(seed: number, body: (rt: HostRuntime, sim: ReturnType<typeof createSimulation>) => Promise<void>): Promise<Run> {
  const sim = createSimulation({ seed, strategy: randomWalkFromSeed(seed), maxSteps: 200_000 });
  const outcome = await sim.run({ main: (rt) => body(rt, sim), maxVirtualTime: 60_000 });
  const trace = sim.trace();
  if (outcome.status === 'error') return { trace, error: describeError(outcome.error) };
  return { trace };
}

async function startBind(module: FactoryModule): Promise<CheckFinding[]> {
  const marks: Record<string, number> = {};
  let reported: SocketAddress | undefined;
  let answer = 0;
  const run = await simulate(31, async (rt, sim) => {
    const mark = (name: string) => (marks[name] = sim.trace().length);
    const factory: ServerCnxnFactory = module.createFactory(rt, OPTIONS);
    mark('configure');
    await factory.configure({ host: '127.0.0.1', port: 0 }, 10, BACKLOG, false);
    mark('start');
    await factory.startup(new EchoHandler());
    mark('started');
    reported = factory.localAddress();
    if (reported && reported.port !== 0) {
      const peer = await sim.network.connectPeer(reported, { ip: '10.0.0.1' });
      await peer.send(connectFrame());
      answer = (await peer.receive(CONNECT_RESPONSE_BYTES)).length;
      await peer.close();
    }
    await factory.shutdown();
  });
  const { trace } = run;
  if (run.error !== undefined) {
    return [{ requirements: ['netty.start-bind'], message: `configure, start or shutdown threw: ${run.error}`, evidence: show(trace.slice(-3)) }];
  }
  const findings: CheckFinding[] = [];
  const fail = (message: string, events: readonly TraceEvent[] = []) => findings.push({ requirements: ['netty.start-bind'], message, evidence: show(events) });
  const during = (a: string, b: string) => trace.slice(marks[a], marks[b]);
  const early = during('configure', 'start').filter((e) => e.ev === 'bind' || (e.ev === 'threadStart' && e.name !== 'main'));
  if (early.length > 0) fail('configure bound a socket or started a thread; an event-loop factory binds in start', early);
  const binds = during('start', 'started').filter((e): e is Extract<TraceEvent, { ev: 'bind' }> => e.ev === 'bind');
  const bind = binds[0];
  if (bind === undefined) {
    fail('start returned before any socket was bound: start must bind synchronously', during('start', 'started'));
    return findings;
  }
  if (binds.length > 1) fail(`start bound ${binds.length} sockets, not one`, binds);
  if (bind.backlog !== BACKLOG) fail(`start bound with backlog ${bind.backlog}, not the configured ${BACKLOG}`, [bind]);
  if (bind.port === 0) fail('the runtime bound port 0', [bind]);
  const logs = during('start', 'started').filter((e): e is Extract<TraceEvent, { ev: 'log' }> => e.ev === 'log');
  const binding = logs.find((e) => e.msg.startsWith('binding to port'));
  const bound = logs.find((e) => e.msg.startsWith('bound to port'));
  if (binding === undefined || binding.seq > bind.seq || !binding.msg.includes('127.0.0.1')) fail('start did not log `binding to port <address>` before binding', logs);
  if (bound === undefined || bound.seq < bind.seq) fail('start did not log `bound to port <port>` after binding', logs);
  else if (bound.msg !== `bound to port ${bind.port}`) fail(`start logged "${bound.msg}", but the runtime bound port ${bind.port}`, [bind, bound]);
  if (reported?.port !== bind.port) fail(`after start the factory reports port ${reported?.port ?? 'none'}, but the runtime bound port ${bind.port}`, [bind]);
  else if (answer < CONNECT_RESPONSE_BYTES) fail(`a client on the bound port ${bind.port} got ${answer} of the ${CONNECT_RESPONSE_BYTES} bytes of a ConnectResponse`, trace.slice(-4));
  return findings;
}

/** One secure run: a peer that finishes its handshake (slowly on odd seeds), one in plaintext, one that stalls. */
async function tlsRun(module: FactoryModule, seed: number): Promise<CheckFinding[]> {
  let served = 0;
  const run = await simulate(seed, async (rt, sim) => {
    const factory = module.createFactory(rt, { ...OPTIONS, tls: SIM_TLS });
    await factory.configure({ host: '127.0.0.1', port: 2281 }, 10, BACKLOG, true);
    await factory.startup(observeHandler(new EchoHandler(), sim.observe));
    const address = factory.localAddress() ?? { host: '127.0.0.1', port: 2281 };
    const good = await sim.network.connectPeer(address, { ip: '10.0.0.1' });
    const plain = await sim.network.connectPeer(address, { ip: '10.0.0.2' });
    const stuck = await sim.network.connectPeer(address, { ip: '10.0.0.3' });
    await plain.send(connectFrame());
    await stuck.send(Uint8Array.of(0x16, 0x03));
    await simTlsClientHandshake(good, seed % 2 === 1 ? () => rt.clock.sleep(1_000) : undefined);
    await good.send(connectFrame());
    served = (await good.receive(CONNECT_RESPONSE_BYTES)).length;
    await plain.closed();
    await factory.shutdown();
  });
  const { trace } = run;
  const label = `secure factory, seed ${seed}`;
  if (run.error !== undefined) return [{ requirements: ['netty.tls'], message: `${label}: the run failed: ${run.error}`, evidence: show(trace.slice(-3)) }];
  const findings: CheckFinding[] = tlsBeforeFrames.check(trace, { atQuiescence: false }).map((v) => ({
    requirements: ['netty.tls'],
    message: `${label}: ${v.message}`,
    evidence: show(v.evidence.map((seq) => trace[seq]!).filter(Boolean)),
  }));
  if (!trace.some((e) => e.ev === 'bind' && e.tls === true)) findings.push({ requirements: ['netty.tls'], message: `${label}: configure(secure = true) then start bound no TLS listening socket`, evidence: show(trace.filter((e) => e.ev === 'bind')) });
  if (served < CONNECT_RESPONSE_BYTES) findings.push({ requirements: ['netty.tls'], message: `${label}: a peer that finished its handshake got ${served} of the ${CONNECT_RESPONSE_BYTES} bytes of its ConnectResponse`, evidence: show(trace.slice(-4)) });
  const plainCh = trace.find((e) => e.ev === 'peerConnect' && e.ip === '10.0.0.2');
  const failed = trace.find((e): e is Extract<TraceEvent, { ev: 'tlsHandshake' }> => e.ev === 'tlsHandshake' && !e.ok);
  const closed = failed && trace.find((e) => e.ev === 'close' && e.ch === failed.ch);
  if (plainCh && (!closed || closed.ev !== 'close' || closed.reason !== FAILED_HANDSHAKE_REASON)) {
    findings.push({
      requirements: ['netty.tls'],
      message: `${label}: the plaintext peer was ${closed && closed.ev === 'close' ? `closed with "${closed.reason}"` : 'not closed'}, not with "${FAILED_HANDSHAKE_REASON}"`,
      evidence: show([plainCh, ...(failed ? [failed] : []), ...(closed ? [closed] : [])]),
    });
  }
  return findings;
}

export const nettyChecks: HarnessCheck = {
  name: 'event-loop start and TLS',
  mode: 'harness',
  requirements: ['netty.start-bind', 'netty.tls'],
  async run(module): Promise<CheckOutcome> {
    const findings = await startBind(module);
    for (const seed of TLS_SEEDS) findings.push(...(await tlsRun(module, seed)));
    return { judged: this.requirements, findings };
  },
};
