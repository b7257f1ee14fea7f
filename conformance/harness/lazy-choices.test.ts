import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { choicesArbitrary, lazyChoices } from './lazy-choices.ts';
import { scheduleArbitrary } from './run-suite.ts';
import { scenarioArbitrary } from './scenario-arbitrary.ts';

/** Each run's (scenario, choices) of a check, read by `read` (which may read only part of the choices). */
function drawn(choices: fc.Arbitrary<number[]>, seed: number, path: string, numRuns: number, read: (c: readonly number[]) => unknown): string[] {
  const out: string[] = [];
  fc.check(
    fc.property(scenarioArbitrary, choices, (scenario, c) => {
      out.push(JSON.stringify({ scenario, read: read(c), choices: c }));
      return true;
    }),
    { seed, path, numRuns },
  );
  return out;
}

test('lazy choices: the same arrays as fast-check draws, for any seed and run index, however far a run reads them', { timeout: 60_000 }, () => {
  const prefix = (c: readonly number[]) => [c.length, c[0], c[7], c[230], c[c.length - 1], c[c.length]];
  // Run indices from 0 (unbiased lengths and items) to the hundreds (fast-check biases some draws more often).
  for (const [seed, from, runs] of [[100, 0, 60], [7, 250, 60], [-3, 900, 40], [2 ** 32 + 5, 30, 20]] as const) {
    for (const max of [1_000, 15]) {
      const eager = drawn(choicesArbitrary(max), seed, String(from), runs, prefix);
      assert.equal(eager.length, runs);
      assert.deepEqual(drawn(lazyChoices(max), seed, String(from), runs, prefix), eager, `seed ${seed} from run ${from}, items up to ${max}`);
      // Read whole at once (iteration, as a copy reads it) rather than item by item.
      assert.deepEqual(drawn(lazyChoices(max), seed, String(from), runs, (c) => [...c].length), drawn(choicesArbitrary(max), seed, String(from), runs, (c) => c.length));
    }
  }
});

test('lazy choices: a failing run shrinks along the same path to the same counterexample', { timeout: 60_000 }, () => {
  // Fails when the run reads a large choice early: shrinking moves through the lengths and the items.
  const failing = (c: readonly number[]) => !c.slice(0, 40).some((x) => x > 600);
  for (const seed of [1, 2, 3]) {
    const eager = fc.check(fc.property(scenarioArbitrary, choicesArbitrary(1_000), (_, c) => failing(c)), { seed, numRuns: 50 });
    const lazy = fc.check(fc.property(scenarioArbitrary, lazyChoices(1_000), (_, c) => failing(c)), { seed, numRuns: 50 });
    assert.equal(eager.failed, true);
    assert.equal(lazy.counterexamplePath, eager.counterexamplePath);
    assert.equal(lazy.numShrinks, eager.numShrinks);
    assert.equal(JSON.stringify(lazy.counterexample), JSON.stringify(eager.counterexample));
  }
});

test('lazy choices: a search block draws the schedules the eager arbitrary draws, for the random walk and POS', () => {
  for (const strategy of [{ kind: 'random' }, { kind: 'pos' }] as const) {
    const of = (lazy: boolean) => {
      const out: string[] = [];
      fc.check(
        fc.property(scenarioArbitrary, scheduleArbitrary(strategy, lazy), (scenario, schedule) => {
          out.push(JSON.stringify({ scenario, schedule }));
          return true;
        }),
        { seed: 11, numRuns: 30 },
      );
      return out;
    };
    assert.deepEqual(of(true), of(false), strategy.kind);
  }
});
