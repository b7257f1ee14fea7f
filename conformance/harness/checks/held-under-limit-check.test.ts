import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORRECT_FACTORIES } from './correct-factories.ts';
import * as leaking from '../../../fixtures/mutants/in-flight-leaked-on-close.ts';
import { heldUnderLimitCheck } from './held-under-limit-check.ts';

const T = { timeout: 120_000 };

test('[cnxn.throttle] held-under-limit check: the reference factories and both independent ones read a connection while the count is at the limit', T, async () => {
  for (const [name, module] of CORRECT_FACTORIES) {
    const outcome = await heldUnderLimitCheck.run(module);
    assert.deepEqual(outcome.findings, [], `${name}: ${JSON.stringify(outcome.findings)}`);
    assert.deepEqual(outcome.judged, ['cnxn.throttle'], `${name} was not judged: ${JSON.stringify(outcome.notJudged)}`);
  }
});

test('[cnxn.throttle] held-under-limit check: a factory that keeps a closed connection\'s requests in the count is rejected', T, async () => {
  const outcome = await heldUnderLimitCheck.run(leaking);
  assert.ok(outcome.findings.length > 0, JSON.stringify(outcome));
  assert.ok(outcome.findings.every((f) => f.requirements.includes('cnxn.throttle')));
  assert.match(outcome.findings[0]!.message, /held the next/);
});
