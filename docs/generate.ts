/**
 * `npm run docs`: writes docs/spec.md and docs/trace-event.schema.json from spec/. With `--check` it writes
 * nothing and exits 1 when a committed file differs from what would be generated.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { generatedDocs } from './tools/generated-docs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of generatedDocs(root)) {
  const full = join(root, path);
  let current = '';
  try {
    current = readFileSync(full, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    stale += 1;
    console.error(`${path} is out of date: run npm run docs`);
  } else {
    writeFileSync(full, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale ? 1 : 0;
