/**
 * The suite against the factory under test (the reference NIO factory, or CNXNSPEC_FACTORY, with known gaps
 * from CNXNSPEC_EXPECTATIONS), with both strategies, and one test per checked requirement so that a regression
 * names the requirement it broke. The budget is small (npm test runs on two cores); `cnxnspec test` runs the
 * full default budget.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { CHECKED_REQUIREMENTS, SEARCHED_REQUIREMENTS } from '../harness/conformance-run.ts';
import { loadExpectations, type Expectations } from '../harness/expectations.ts';
import { renderFailure } from '../harness/failure-report.ts';

const RUNS = 250;
const expectationsFile = process.env.CNXNSPEC_EXPECTATIONS;
const expectations: Expectations = expectationsFile ? loadExpectations(expectationsFile, 'CNXNSPEC_EXPECTATIONS', CHECKED_REQUIREMENTS) : new Map();
const failures: Failure[] = [];
let runs = 0;

before(async () => {
  const { module } = await loadFactory(process.env.CNXNSPEC_FACTORY);
  const exclude = [...expectations.keys()];
  for (const strategy of [{ kind: 'random' as const }, { kind: 'pct' as const, depth: 2 }, { kind: 'pct' as const, depth: 3 }]) {
    // Known gaps are searched for separately, so that one expected failure does not hide an unexpected one.
    for (const only of [undefined, ...exclude.map((id) => new RegExp(`^${id.replace(/\./g, '\\.')}$`))]) {
      const result = await runSuite({ factory: module, runs: RUNS, seed: 20261122, strategy, ...(only ? { only } : {}) });
      runs += result.runs;
      if (result.failure) failures.push(result.failure);
    }
  }
});

test('conformance: the factory under test passes the suite under random walk and PCT d=2, d=3', { timeout: 300_000 }, () => {
  const unexpected = failures.filter((f) => !f.finding.requirements.some((id) => expectations.has(id)));
  assert.deepEqual(unexpected.map((f) => renderFailure(f, process.env.CNXNSPEC_FACTORY ? { factoryArg: process.env.CNXNSPEC_FACTORY } : {})), []);
  assert.ok(runs >= RUNS);
});

for (const id of SEARCHED_REQUIREMENTS) {
  test(`[${id}] conformance: the factory under test keeps ${id} under generated interleavings`, () => {
    const broke = failures.some((f) => f.finding.requirements.includes(id));
    const expected = expectations.get(id);
    if (expected?.kind === 'fail') assert.ok(broke, `${id} was expected to fail (${expected.reason}) but passed: remove it from the expectations file, or list it as flaky`);
    else if (!expected) assert.equal(broke, false, `${id} failed; see the first test of this file for the interleaving`);
  });
}
