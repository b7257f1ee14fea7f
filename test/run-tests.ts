/**
 * `npm test` after the type check: every *.test.ts through tsx under c8, two files at a time (each file within
 * 10 min), with node's spec reporter (whose summary ends the test output) and c8's coverage summary after it.
 * The reference's default log sink is silenced (CNXNSPEC_LOG=quiet): the warnings tests provoke on purpose are
 * not news.
 * Arguments are passed to node --test (e.g. --test-name-pattern='\[expiry\.').
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findTestFiles } from '../docs/tools/test-titles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = findTestFiles(root);
const args = process.argv.slice(2);
console.log(`running ${files.length} test files under c8`);
const run = spawnSync(
  process.execPath,
  [join(root, 'node_modules/c8/bin/c8.js'), process.execPath, '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...args, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CNXNSPEC_LOG: 'quiet' } },
);
process.exit(run.status ?? 1);
