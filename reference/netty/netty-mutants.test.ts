/**
 * The checks for the netty.* requirements bite: each mutant of the Netty-style factory in fixtures/mutants/netty-*.ts
 * (one defect each) fails the check for the requirement it breaks, and the reference passes the same check.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { eventLoopAffinity } from '../../spec/invariants/event-loop-affinity.ts';
import { tlsBeforeFrames } from '../../spec/invariants/tls-before-frames.ts';
import type { FactoryModule, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { simTlsClientHandshake } from '../../conformance/sim/sim-tls.ts';
import { EchoHandler } from '../server/echo-handler.ts';
import { SIM, simulate } from '../nio/sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, LOOPBACK, requestFrame } from '../nio/test-support.ts';
import reference from './netty-server-cnxn-factory.ts';

type Check = (module: FactoryModule) => Promise<string[]>;

async function mutant(name: string): Promise<FactoryModule> {
  return (await import(fileURLToPath(new URL(`../../fixtures/mutants/${name}.ts`, import.meta.url)))) as FactoryModule;
}

/** Runs `body` in a fresh simulation with a started factory of `module` (echo server behind it); returns the trace. */
async function withFactory(
  module: FactoryModule,
  seed: number,
  setup: { maxClientCnxns?: number; secure?: boolean },
  body: (factory: ServerCnxnFactory, h: ReturnType<typeof simulate>) => Promise<void>,
): Promise<readonly TraceEvent[]> {
  const h = simulate(seed);
  await h.run(async () => {
    const tls = setup.secure ? { tls: { key: '', cert: '', clientAuth: 'none' as const } } : {};
    const factory = module.createFactory(h.runtime, { cores: 2, numSelectorThreads: 2, ...tls });
    await factory.configure(LOOPBACK, setup.maxClientCnxns ?? 0, -1, setup.secure === true);
    await factory.startup(new EchoHandler());
    try {
      await body(factory, h);
    } finally {
      await factory.shutdown();
    }
  });
  return h.trace();
}

const startBind: Check = async (module) => {
  const problems: string[] = [];
  const trace = await withFactory(module, 1, {}, async (factory, h) => {
    const bind = eventsOf(h.trace(), 'bind')[0];
    if (bind === undefined) problems.push('start returned before binding');
    else if (factory.localAddress()?.port !== bind.port) problems.push(`reports port ${factory.localAddress()?.port}, bound ${bind.port}`);
  });
  if (!eventsOf(trace, 'log').some((e) => e.msg.startsWith('binding to port'))) problems.push('no `binding to port` line');
  return problems;
};

const tls: Check = async (module) => {
  const trace = await withFactory(module, 2, { secure: true }, async (factory, h) => {
    const address = factory.localAddress()!;
    const good = await h.connect(address, { ip: '10.0.0.1' });
    const plain = await h.connect(address, { ip: '10.0.0.2' });
    await plain.send(connectRequestFrame());
    await simTlsClientHandshake(good);
    await handshake(good);
    await plain.closed();
  });
  return tlsBeforeFrames.check(trace, { atQuiescence: true }).map((v) => v.message);
};

/** Judged by the invariant alone: a peer that gets no answer (the stray loop may lose it) is not what is checked. */
const affinity: Check = async (module) => {
  const trace = await withFactory(module, 3, {}, async (factory, h) => {
    for (let i = 0; i < 3; i++) {
      const peer = await h.connect(factory.localAddress()!, { ip: `10.0.0.${i}` });
      await peer.send(Buffer.concat([connectRequestFrame(), requestFrame(1, 4, Uint8Array.of(1))]));
      await h.runtime.clock.sleep(20);
    }
  });
  return eventLoopAffinity.check(trace, { atQuiescence: true }).map((v) => v.message);
};

const perIp: Check = async (module) => {
  const trace = await withFactory(module, 4, { maxClientCnxns: 2 }, async (factory, h) => {
    for (let i = 0; i < 3; i++) {
      const peer = await h.connect(factory.localAddress()!, { ip: '10.0.0.9' });
      await peer.send(connectRequestFrame());
    }
    await h.runtime.clock.sleep(100);
  });
  const sessions = eventsOf(trace, 'session').length;
  const refused = eventsOf(trace, 'close').filter((e) => e.reason === 'refused_per_ip_limit').length;
  return sessions === 2 && refused === 1 ? [] : [`3 connections from one address with maxClientCnxns=2: ${sessions} sessions, ${refused} refused`];
};

const CASES: readonly [string, string, Check][] = [
  ['netty.start-bind', 'netty-bind-port-not-resolved', startBind],
  ['netty.tls', 'netty-no-tls-stage', tls],
  ['netty.event-loop-affinity', 'netty-registered-on-other-loop', affinity],
  ['netty.per-ip-limit', 'netty-per-ip-off-by-one', perIp],
];

for (const [id, name, check] of CASES) {
  test(`[${id}] mutant ${name} is rejected by the check the reference passes`, SIM, async () => {
    assert.deepEqual(await check(reference), [], 'the reference passes');
    const problems = await check(await mutant(name));
    assert.ok(problems.length > 0, `mutant ${name} survived`);
  });
}
