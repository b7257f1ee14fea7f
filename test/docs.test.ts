import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { generatedDocs } from '../docs/tools/generated-docs.ts';
import { requirements } from '../spec/requirements/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = generatedDocs(root);

test('docs: committed generated files equal what npm run docs produces', () => {
  for (const [path, text] of docs) {
    const committed = readFileSync(join(root, path), 'utf8');
    assert.ok(committed === text, `${path} is out of date: run \`npm run docs\` and commit the result`);
  }
});

test('docs: docs/spec.md has an anchor for every requirement ID', () => {
  const spec = docs.get('docs/spec.md') ?? '';
  const missing = requirements.filter((r) => !spec.includes(`<a id="${r.id}"></a>`)).map((r) => r.id);
  assert.deepEqual(missing, []);
});
