import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requirements } from '../../spec/requirements/index.ts';
import { specSummary } from './spec-summary.ts';

test('cli: the spec summary counts requirements by area and level, and the untested ones', () => {
  const text = specSummary(requirements, new Set(['selector.shuffle', 'expiry.touch']));
  const totals = text.split('\n').find((l) => l.startsWith('total'))?.trim().split(/\s+/);
  assert.deepEqual(totals?.slice(-2), [String(requirements.length), '2']);
  const selector = text.split('\n').find((l) => l.startsWith('selector'))?.trim().split(/\s+/);
  const inArea = requirements.filter((r) => r.area === 'selector').length;
  assert.deepEqual(selector?.slice(-2), [String(inArea), '1']);
});
