import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpectations } from './expectations.ts';

const checked = ['selector.shuffle', 'expiry.buckets'];

test('harness: an expectations file maps requirement IDs to reasons', () => {
  const parsed = parseExpectations('x.json', '{"expectedFailures": {"expiry.buckets": "we expire on a wheel with 1 s slots"}}', checked);
  assert.equal(parsed.get('expiry.buckets'), 'we expire on a wheel with 1 s slots');
});

test('harness: a bad expectations file is refused with what is wrong and the expected shape', () => {
  const cases: [string, RegExp][] = [
    ['{', /not valid JSON/],
    ['{"expected": {}}', /no "expectedFailures" object/],
    ['{"expectedFailures": {"no.such-id": "because"}}', /"no.such-id" is not a requirement the suite checks/],
    ['{"expectedFailures": {"selector.shuffle": ""}}', /"selector.shuffle" needs a reason/],
  ];
  for (const [text, why] of cases) {
    assert.throws(() => parseExpectations('gaps.json', text, checked), (e: Error & { code?: string }) => e.code === 'CNXNSPEC_ERR_CONFIG' && why.test(e.message) && /gaps\.json/.test(e.message) && /expectedFailures/.test(e.message), text);
  }
});
