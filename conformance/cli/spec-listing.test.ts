import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requirements } from '../../spec/requirements/index.ts';
import { selectAreas, specJson, specListing } from './spec-listing.ts';

test('cli: cnxnspec spec lists every requirement of the chosen areas with its level and statement', () => {
  const selector = selectAreas(requirements, ['selector']);
  assert.ok(selector.length > 0 && selector.every((r) => r.area === 'selector'));
  const text = specListing(selector, new Set([selector[0]!.id]));
  assert.match(text, /^selector \(\d+\)$/m);
  for (const r of selector) assert.match(text, new RegExp(`^  ${r.id.replace(/\./g, '\\.')}  ${r.level}`, 'm'));
  assert.match(text, /\(not yet tested\)/);
  assert.ok(text.includes(selector[0]!.statement.split(' ').slice(0, 4).join(' ')));
  assert.equal(selectAreas(requirements, []).length, requirements.length);
});

test('cli: cnxnspec spec --json gives ID, area, level and statement; an unknown area is refused with the list', () => {
  const rows = JSON.parse(specJson(selectAreas(requirements, ['expiry']), new Set())) as { id: string; level: string; statement: string; tested: boolean }[];
  assert.ok(rows.length > 0 && rows.every((r) => r.id.startsWith('expiry.') && r.statement.length > 0 && r.tested));
  assert.throws(() => selectAreas(requirements, ['selectors']), /there is no area "selectors"; the areas are factory, boot/);
});
