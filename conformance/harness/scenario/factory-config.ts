/**
 * The factory's configuration for one scenario: every FactoryOptions field is drawn somewhere, most often left
 * at its default. Small limits (maxCnxns, globalOutstandingLimit, juteMaxBuffer) are what make their paths run:
 * a juteMaxBuffer near the size of the peers' frames (a ConnectRequest is 44 bytes, a request 8 plus its body)
 * sends some of them through the length check.
 */
import fc from 'fast-check';
import type { ScenarioConfig } from '../scenario.ts';

const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 3, nil: undefined });

export const factoryConfig: fc.Arbitrary<ScenarioConfig> = fc
  .record({
    selectors: fc.integer({ min: 1, max: 4 }),
    workers: fc.integer({ min: 0, max: 4 }),
    // A negative maxClientCnxns means no limit, as 0 does.
    maxClientCnxns: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(-1) }),
    sessionlessTimeout: fc.constantFrom(1_000, 2_000, 5_000, 10_000),
    cores: sometimes(fc.integer({ min: 1, max: 4 })),
    maxCnxns: sometimes(fc.integer({ min: 1, max: 3 })),
    juteMaxBuffer: sometimes(fc.integer({ min: 40, max: 64 })),
    globalOutstandingLimit: sometimes(fc.integer({ min: 0, max: 3 })),
    shutdownTimeout: sometimes(fc.integer({ min: 0, max: 5_000 })),
  })
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as ScenarioConfig);
