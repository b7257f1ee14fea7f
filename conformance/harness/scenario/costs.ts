/**
 * The cost model a scenario draws (conformance/sim/costs.ts): most scenarios take no time for IO, some give
 * every read and write a cost, some give one channel slow IO, a few make the handler slow. Costs are small
 * (a few ms, well inside every timeout) or long (up to a few seconds, the size of an expiry interval), since
 * what they reveal is a deadline counted from the wrong end of a long pass. Shrinks towards no costs.
 */

import fc from 'fast-check';
import type { CostModel, IoCosts } from '../../sim/index.ts';

const ms: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }) },
);

const io: fc.Arbitrary<IoCosts> = fc.record({ readMs: ms, writeMs: ms }, { requiredKeys: [] });

const CHANNELS = ['ch0', 'ch1', 'ch2'] as const;

export const costsArbitrary: fc.Arbitrary<CostModel> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: io },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CHANNELS), io).map(([ch, costs]) => ({ channels: { [ch]: costs } })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((handlerMs) => ({ handlerMs })) },
);
