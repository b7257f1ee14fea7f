import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { requirements } from '../spec/requirements/index.ts';
import { collectTestTitles, idsOfTitle, titlesInSource } from '../docs/tools/test-titles.ts';
import { parsePending } from '../docs/tools/pending.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const titles = collectTestTitles(root);
const known = new Set(requirements.map((r) => r.id));
const pending = parsePending(readFileSync(join(root, 'spec/pending.txt'), 'utf8'));

test('traceability: every ID named in a test title exists in spec/', () => {
  const unknown = titles.flatMap((t) => t.ids.filter((id) => !known.has(id)).map((id) => `${id} (${t.file}:${t.line})`));
  assert.deepEqual(unknown, [], `test titles name IDs that spec/ does not define; fix the title or add the requirement: ${unknown.join(', ')}`);
});

test('traceability: every requirement is named by a test title or listed in spec/pending.txt', () => {
  const named = new Set(titles.flatMap((t) => t.ids));
  const missing = requirements.filter((r) => !named.has(r.id) && !pending.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, [], `no test title names these requirements; write a test titled "[ID] ..." or list the ID in spec/pending.txt with the issue that will cover it: ${missing.join(', ')}`);
});

test('traceability: spec/pending.txt lists only known IDs that no test names yet', () => {
  const named = new Set(titles.flatMap((t) => t.ids));
  const stale = [...pending.keys()].filter((id) => !known.has(id) || named.has(id));
  assert.deepEqual(stale, [], `remove these lines from spec/pending.txt (unknown ID, or a test now names it): ${stale.join(', ')}`);
});

test('traceability: test titles are unique', () => {
  const seen = new Map<string, string>();
  const dupes: string[] = [];
  for (const t of titles) {
    const where = `${t.file}:${t.line}`;
    const first = seen.get(t.title);
    if (first) dupes.push(`"${t.title}" at ${first} and ${where}`);
    else seen.set(t.title, where);
  }
  assert.deepEqual(dupes, [], `rename one of each pair: ${dupes.join('; ')}`);
});

test('traceability: the title scanner finds IDs in plain and template titles, and flags a fabricated one', () => {
  // Built from pieces so that the scanner does not read this sample as titles of this file.
  const call = (fn: string, title: string) => `${fn}(${title}, f);`;
  const source = [call('test', "'[a.b-c] x'"), call('it', '`[d.e, f.g] ${kind}: y`'), call('describe', '"plain"')].join('\n');
  const found = titlesInSource('x.test.ts', source);
  assert.deepEqual(found.map((t) => t.ids), [['a.b-c'], ['d.e', 'f.g'], []]);
  assert.equal(found[1]?.line, 2);
  assert.deepEqual(idsOfTitle('[not an id] z'), []);
  assert.equal(known.has('a.b-c'), false, 'a made-up ID must not pass as known');
});
