/**
 * Factories that escape the host runtime are reported, not waited on: one that awaits a real timer is caught
 * by the simulation itself; one that spins synchronously is killed by the watchdog, which names the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite } from '../harness/run-suite.ts';
import { runGuardedSuite } from '../harness/guarded-suite.ts';
import { decodeSuiteToken } from '../harness/suite-token.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/factories/${name}`, import.meta.url));

test('[factory.host-runtime-only] harness: a factory that awaits a real timer is reported with a replay line', { timeout: 60_000 }, async () => {
  const { module } = await loadFactory(fixture('awaits-real-timer.ts'));
  const result = await runSuite({ factory: module, runs: 20, seed: 3, strategy: { kind: 'random' } });
  assert.ok(result.failure, 'the factory must fail');
  assert.deepEqual(result.failure.finding.requirements, ['factory.host-runtime-only']);
  assert.match(result.failure.finding.message, /awaited something outside the host runtime/);
  const replayed = await runSuite({ factory: module, runs: 1, seed: 0, strategy: { kind: 'random' }, replay: decodeSuiteToken(result.failure.token) });
  assert.equal(replayed.failure?.finding.message, result.failure.finding.message);
});

test('[factory.host-runtime-only] harness: a factory spinning in a synchronous loop is killed by the watchdog and named', { timeout: 60_000 }, async () => {
  const result = await runGuardedSuite({ factoryPath: fixture('spins.ts'), runs: 5, seed: 1, strategy: { kind: 'random' } }, { stallMs: 3_000 });
  assert.ok(result.failure, 'the watchdog must report the stalled run');
  assert.equal(result.failure.finding.source, 'watchdog');
  assert.deepEqual(result.failure.finding.requirements, ['factory.host-runtime-only']);
  const token = decodeSuiteToken(result.failure.token);
  assert.equal(token.form, 'explicit');
  assert.deepEqual(token.form === 'explicit' ? token.scenario : undefined, result.failure.scenario);
});

test('harness: the guarded suite returns the same verdict as the in-process suite for a passing factory', { timeout: 60_000 }, async () => {
  const result = await runGuardedSuite({ runs: 30, seed: 5, strategy: { kind: 'random' } }, { stallMs: 20_000 });
  assert.equal(result.failure, undefined);
  assert.equal(result.runs, 30);
});
