import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSuiteToken, encodeSuiteToken } from './suite-token.ts';
import type { Scenario } from './scenario.ts';

const scenario: Scenario = {
  config: { selectors: 2, workers: 0, maxClientCnxns: 1, sessionlessTimeout: 1_000 },
  peers: [{ ip: '10.0.0.1', at: 3, receiveWindow: 7, steps: [{ kind: 'handshake', timeout: 4_000, chunks: [5] }, { kind: 'reset' }] }],
  faults: { accept: { at: [0] } },
  stopAt: 12,
};

test('harness: path tokens round-trip and read as seed, strategy and path', () => {
  for (const strategy of [{ kind: 'random' as const }, { kind: 'pct' as const, depth: 3 }]) {
    const token = encodeSuiteToken({ form: 'path', seed: -42, strategy, path: '12:0:3' });
    assert.deepEqual(decodeSuiteToken(token), { form: 'path', seed: -42, strategy, path: '12:0:3' });
  }
  assert.equal(encodeSuiteToken({ form: 'path', seed: 7, strategy: { kind: 'pct', depth: 2 }, path: '5' }), 'h1.s7.p2.5');
});

test('harness: explicit tokens carry the scenario and schedule themselves', () => {
  const schedule = { kind: 'random' as const, choices: [3, 1, 4, 1, 5] };
  const token = encodeSuiteToken({ form: 'explicit', scenario, schedule, seed: 9 });
  assert.match(token, /^h1\.x\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeSuiteToken(token), { form: 'explicit', scenario, schedule, seed: 9 });
});

test('harness: a malformed token says which part is wrong and what a token looks like', () => {
  const cases: [string, RegExp][] = [
    ['c1.s1.r.AQ', /starts with "c1", not h1/],
    ['h1.s1.r', /3 dot-separated parts, not 4/],
    ['h1.sX.r.1', /"sX" is not s<seed>/],
    ['h1.s1.q.1', /strategy "q" is neither r nor p<depth>/],
    ['h1.s1.r.1:a', /path "1:a" is not numbers joined by colons/],
    ['h1.x.!!!', /its data does not decode/],
  ];
  for (const [token, why] of cases) {
    assert.throws(() => decodeSuiteToken(token), (e: Error & { code?: string }) => e.code === 'CNXNSPEC_ERR_CONFIG' && why.test(e.message) && /looks like h1\.s42/.test(e.message), token);
  }
});
