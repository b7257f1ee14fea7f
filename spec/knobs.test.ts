import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampSessionTimeout, defaultSelectorThreads, defaultWorkerThreads, KNOBS } from './knobs.ts';

test('[nio.thread-counts] default formulas: 1, 1, 2, 4, 5 selector threads and 2 x cores workers at 1, 2, 8, 32, 64 cores', () => {
  const cores = [1, 2, 8, 32, 64];
  assert.deepEqual(cores.map(defaultSelectorThreads), [1, 1, 2, 4, 5]);
  assert.deepEqual(cores.map(defaultWorkerThreads), [2, 4, 16, 64, 128]);
});

test('spec: session timeouts clamp to [2, 20] x tickTime unless bounds are set', () => {
  assert.equal(clampSessionTimeout(1000, 2000), 4000);
  assert.equal(clampSessionTimeout(60_000, 2000), 40_000);
  assert.equal(clampSessionTimeout(10_000, 2000), 10_000);
  assert.equal(clampSessionTimeout(100, 2000, 500, 800), 500);
  assert.equal(clampSessionTimeout(900, 2000, 500, 800), 800);
});

test('spec: every knob has a unique name, a default and a meaning', () => {
  const names = KNOBS.map((k) => k.name);
  assert.equal(new Set(names).size, names.length);
  for (const knob of KNOBS) assert.ok(knob.meaning.length > 10, knob.name);
});
