/**
 * `npm test` after the type check: every *.test.ts through tsx under c8, two files at a time. c8 prints its
 * coverage summary when the tests end, so node's own summary is printed again last, where CI reads it.
 * Arguments are passed to node --test (e.g. --test-name-pattern='\[expiry\.').
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findTestFiles } from '../docs/tools/test-titles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tapFile = join(root, 'coverage', 'tests.tap');
mkdirSync(dirname(tapFile), { recursive: true });

const files = findTestFiles(root);
const args = process.argv.slice(2);
console.log(`running ${files.length} test files under c8`);
const run = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/c8/bin/c8.js'),
    process.execPath,
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=180000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...args,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);

const summary = readFileSync(tapFile, 'utf8')
  .split('\n')
  .filter((line) => /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(line));
console.log(['', 'node:test summary', ...summary].join('\n'));
process.exit(run.status ?? 1);
