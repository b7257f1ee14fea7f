import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePending } from './pending.ts';

test('docs: pending.txt lines parse, and a malformed line is named with its number', () => {
  const parsed = parsePending('# comment\n\nselector.shuffle   # issue 4\n');
  assert.equal(parsed.get('selector.shuffle'), 'issue 4');
  assert.throws(() => parsePending('selector.shuffle\n'), /line 1: expected "ID  # issue that will cover it"/);
});
