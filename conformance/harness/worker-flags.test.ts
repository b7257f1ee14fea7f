import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerV8Flags } from './worker-flags.ts';

test('worker flags: V8 keeps its work on each worker thread once the workers fill the cores, and uses helper threads while cores are spare', () => {
  assert.deepEqual(workerV8Flags(1, 2), []);
  assert.deepEqual(workerV8Flags(2, 2), ['--single-threaded']);
  assert.deepEqual(workerV8Flags(3, 2), ['--single-threaded']);
  assert.deepEqual(workerV8Flags(3, 8), []);
  assert.deepEqual(workerV8Flags(1, 1), ['--single-threaded']);
});
