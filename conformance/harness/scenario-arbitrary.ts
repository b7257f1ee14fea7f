/**
 * fast-check arbitraries for scenarios, composed from one generator per concept in scenario/: the factory's
 * configuration (factory-config.ts), the handler's shape (handler-shapes.ts), what peers send
 * (requests.ts, reconnects.ts, words.ts), when they arrive (arrivals.ts) and when the factory stops (stops.ts).
 * Sizes are kept small on purpose: interleaving bugs need few connections and few steps to show, and small
 * scenarios shrink to readable failures.
 */

import fc from 'fast-check';
import type { FaultPlan } from '../sim/index.ts';
import { costsArbitrary } from './scenario/costs.ts';
import type { PeerPlan, PeerStep, Scenario } from './scenario.ts';
import { arrival } from './scenario/arrivals.ts';
import { factoryConfig } from './scenario/factory-config.ts';
import { handlerShape } from './scenario/handler-shapes.ts';
import { reconnecting } from './scenario/reconnects.ts';
import { ending, handshake, middleStep } from './scenario/requests.ts';
import { stopPlan, stopTime } from './scenario/stops.ts';
import { fourLetterPeer } from './scenario/words.ts';

const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'] as const;

/**
 * A peer that handshakes then talks; one that reconnects; one that never sends (left to the expirer); one that
 * sends a bad length; one that sends a four-letter word.
 */
const steps: fc.Arbitrary<readonly PeerStep[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(handshake, fc.array(middleStep, { maxLength: 3 }), ending).map(([first, middle, end]) => [first, ...middle, ...end]),
  },
  { weight: 1, arbitrary: reconnecting },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 15_000 }).map((ms) => (ms > 0 ? [{ kind: 'idle' as const, ms }] : [])) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0x7fffffff, 1_048_576).map((length) => [{ kind: 'badLength' as const, length }]) },
  { weight: 1, arbitrary: fourLetterPeer },
);

const peer: fc.Arbitrary<PeerPlan> = fc.record({
  ip: fc.constantFrom(...IPS),
  at: arrival,
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
    config: factoryConfig,
    handler: handlerShape,
    peers: fc.array(peer, { minLength: 1, maxLength: 5 }),
    faults,
    costs: costsArbitrary,
    stop: stopPlan,
  })
  .map(({ stop, handler, ...rest }) => {
    const scenario = handler.threads === 0 ? rest : { ...rest, handler };
    return stop === null ? scenario : { ...scenario, stopAt: stopTime(stop, rest.peers.map((p) => p.at)) };
  });
