/**
 * fast-check arbitraries for scenarios. Sizes are kept small on purpose: interleaving bugs need few
 * connections and few steps to show, and small scenarios shrink to readable failures.
 */

import fc from 'fast-check';
import type { FaultPlan } from '../sim/index.ts';
import { costsArbitrary } from './scenario/costs.ts';
import type { PeerPlan, PeerStep, Scenario, ScenarioConfig } from './scenario.ts';

const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'] as const;

const chunks = fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 3 });

const config: fc.Arbitrary<ScenarioConfig> = fc.record({
  selectors: fc.integer({ min: 1, max: 4 }),
  workers: fc.integer({ min: 0, max: 4 }),
  maxClientCnxns: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  sessionlessTimeout: fc.constantFrom(1_000, 2_000, 5_000, 10_000),
});

const middleStep: fc.Arbitrary<PeerStep> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('requests' as const), sizes: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }), chunks }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'ping' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('idle' as const), ms: fc.integer({ min: 1, max: 15_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('window' as const), size: fc.integer({ min: 1, max: 64 }) }) },
);

const ending: fc.Arbitrary<readonly PeerStep[]> = fc.oneof(
  { weight: 4, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'halfClose' as const }]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'reset' as const }]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'close' as const }]) },
);

/** A peer that handshakes then talks; one that never sends (left to the expirer); one that sends a bad length. */
const steps: fc.Arbitrary<readonly PeerStep[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 120_000 }), chunks, fc.array(middleStep, { maxLength: 3 }), ending)
      .map(([timeout, c, middle, end]) => [{ kind: 'handshake' as const, timeout, chunks: c }, ...middle, ...end]),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 15_000 }).map((ms) => (ms > 0 ? [{ kind: 'idle' as const, ms }] : [])) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0x7fffffff, 1_048_576).map((length) => [{ kind: 'badLength' as const, length }]) },
);

const peer: fc.Arbitrary<PeerPlan> = fc.record({
  ip: fc.constantFrom(...IPS),
  at: fc.integer({ min: 0, max: 50 }),
  receiveWindow: fc.oneof({ weight: 3, arbitrary: fc.constant(65_536) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) }),
  steps,
});

const indices = fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 2 });

const faults: fc.Arbitrary<FaultPlan> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record({ accept: indices, register: indices, accepted: indices, update: indices }).map((f) => ({
      ...(f.accept.length ? { accept: { at: f.accept } } : {}),
      ...(f.register.length ? { register: { at: f.register } } : {}),
      offer: [
        ...(f.accepted.length ? [{ queue: 'acceptedQueue@*', at: f.accepted }] : []),
        ...(f.update.length ? [{ queue: 'updateQueue@*', at: f.update }] : []),
      ],
    })),
  },
);

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    config,
    peers: fc.array(peer, { minLength: 1, maxLength: 5 }),
    faults,
    costs: costsArbitrary,
    // Half the stops land among the peers' connects (at 0-50 ms), where a channel can be mid-handoff.
    stop: fc.option(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 20_000 })), { freq: 5 }),
  })
  .map(({ stop, ...rest }) => (stop === null ? rest : { ...rest, stopAt: stop }));
