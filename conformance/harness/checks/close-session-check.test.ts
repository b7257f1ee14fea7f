import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORRECT_FACTORIES } from './correct-factories.ts';
import * as wrongConnection from '../../../fixtures/mutants/close-session-wrong-connection.ts';
import * as slotKept from '../../../fixtures/mutants/close-session-per-ip-kept.ts';
import { closeSessionCheck } from './close-session-check.ts';

const T = { timeout: 120_000 };

test('[cnxn.close] closeSession check: the reference factories and both independent ones close exactly the session\'s connection and free its slot', T, async () => {
  for (const [name, module] of CORRECT_FACTORIES) {
    const outcome = await closeSessionCheck.run(module);
    assert.deepEqual(outcome.findings, [], `${name}: ${JSON.stringify(outcome.findings)}`);
    assert.deepEqual(outcome.judged, ['cnxn.close', 'accept.per-ip-limit'], `${name} was not judged: ${JSON.stringify(outcome.notJudged)}`);
  }
});

test('[cnxn.close] closeSession check: a factory that closes another connection than the session\'s is rejected', T, async () => {
  const outcome = await closeSessionCheck.run(wrongConnection);
  assert.ok(outcome.findings.some((f) => /also closed/.test(f.message)), JSON.stringify(outcome.findings));
});

test('[accept.per-ip-limit] closeSession check: a factory whose closeSession keeps the address\'s slot is rejected', T, async () => {
  const outcome = await closeSessionCheck.run(slotKept);
  assert.ok(outcome.findings.some((f) => f.requirements.includes('accept.per-ip-limit') && /slot back/.test(f.message)), JSON.stringify(outcome.findings));
});
