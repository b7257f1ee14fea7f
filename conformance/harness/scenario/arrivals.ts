/**
 * When peers connect: mostly in a first wave (0-50 ms, where accepts, handoffs and registrations interleave),
 * some in a later wave, some alone long after (once earlier connections have expired), and, in stop scenarios,
 * some at the very moment of the stop (stops.ts anchors the stop to an arrival).
 */
import fc from 'fast-check';

export const arrival: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 400, max: 700 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 16_000 }) },
);
