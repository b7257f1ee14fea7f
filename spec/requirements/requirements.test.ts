import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requirements } from './index.ts';
import { AREAS, INVARIANTS, isRequirementId } from '../requirement.ts';

/** A copy of the design's element table (shared/ELEMENTS.md), kept in the repository so the test needs nothing beside it. */
const elements = fileURLToPath(new URL('../ELEMENTS.md', import.meta.url));

test('spec: requirement IDs are well formed, unique and filed under their own area', () => {
  const ids = requirements.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate IDs');
  for (const r of requirements) {
    assert.ok(isRequirementId(r.id), `${r.id} is not area.kebab-slug`);
    assert.equal(r.id.split('.')[0], r.area, `${r.id} filed under ${r.area}`);
    assert.ok((AREAS as readonly string[]).includes(r.area));
    for (const inv of r.invariants) assert.ok((INVARIANTS as readonly string[]).includes(inv), `${r.id}: unknown invariant ${inv}`);
  }
});

test('spec: every requirement has a normative statement, a rationale and a source', () => {
  for (const r of requirements) {
    assert.match(r.statement, /\b(MUST|SHOULD|MAY)\b/, `${r.id}: statement lacks a normative word`);
    assert.ok(r.rationale.length >= 60, `${r.id}: rationale too thin`);
    assert.ok(r.sources.length > 0, `${r.id}: no source`);
    assert.ok(r.tests.length > 0, `${r.id}: no test plan`);
  }
});

test('spec: every element ID of ELEMENTS.md is a requirement', () => {
  const listed = [...readFileSync(elements, 'utf8').matchAll(/^\| `([a-z]+\.[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  assert.ok(listed.length > 40, 'ELEMENTS.md table not found');
  const ids = new Set(requirements.map((r) => r.id));
  assert.deepEqual(listed.filter((id) => !ids.has(id!)), []);
});
