import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadExpectations, parseExpectations } from './expectations.ts';

const checked = ['selector.shuffle', 'expiry.buckets'];

test('harness: an expectations file maps requirement IDs to reasons, expected failures and flaky ones apart', () => {
  const parsed = parseExpectations('x.json', '{"expectedFailures": {"expiry.buckets": "we expire on a wheel with 1 s slots"}, "flaky": {"selector.shuffle": "we lose a race on some seeds"}}', checked);
  assert.deepEqual(parsed.get('expiry.buckets'), { kind: 'fail', reason: 'we expire on a wheel with 1 s slots' });
  assert.deepEqual(parsed.get('selector.shuffle'), { kind: 'flaky', reason: 'we lose a race on some seeds' });
});

test('harness: a bad expectations file is refused with what is wrong and the expected shape', () => {
  const cases: [string, RegExp][] = [
    ['{', /not valid JSON/],
    ['{"expected": {}}', /no "expectedFailures" or "flaky" object/],
    ['{"flaky": []}', /"flaky" is not an object/],
    ['{"expectedFailures": {"expiry.buckets": "a wheel of 1 s"}, "flaky": {"expiry.buckets": "a wheel of 1 s"}}', /listed both as an expected failure and as flaky/],
    ['{"expectedFailures": {"no.such-id": "because"}}', /"no.such-id" is not a requirement the suite checks/],
    ['{"expectedFailures": {"selector.shuffle": ""}}', /"selector.shuffle" needs a reason/],
  ];
  for (const [text, why] of cases) {
    assert.throws(() => parseExpectations('gaps.json', text, checked), (e: Error & { code?: string }) => e.code === 'CNXNSPEC_ERR_CONFIG' && why.test(e.message) && /gaps\.json/.test(e.message) && /expectedFailures/.test(e.message), text);
  }
});

test('harness: a missing expectations file names the option it came from and what to do', () => {
  assert.throws(() => loadExpectations('/nonexistent/gaps.json', 'CNXNSPEC_EXPECTATIONS', checked), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(e.message, /expectations file \/nonexistent\/gaps\.json \(from CNXNSPEC_EXPECTATIONS\) does not exist; create it as .*, or drop CNXNSPEC_EXPECTATIONS/);
    return true;
  });
});
