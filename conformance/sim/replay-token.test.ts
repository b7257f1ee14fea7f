import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CnxnspecError } from '../../spec/errors.ts';
import { decodeReplayToken, encodeReplayToken } from './replay-token.ts';
import { createSimulation } from './simulation.ts';

const TIMEOUT = { timeout: 10_000 };

test('[runtime.deterministic-replay] sim: replay tokens round-trip seed, strategy and choices', TIMEOUT, () => {
  assert.equal(encodeReplayToken({ seed: 42, strategy: { kind: 'random-walk' }, choices: [1, 2, 3] }), 'c1.s42.r.AQID');
  assert.equal(encodeReplayToken({ seed: -7, strategy: { kind: 'random-walk' } }), 'c1.s-7.r');
  assert.equal(encodeReplayToken({ seed: 0, strategy: { kind: 'random-walk' }, choices: [] }), 'c1.s0.r.');
  assert.equal(encodeReplayToken({ seed: 1822734, strategy: { kind: 'pct', depth: 2 }, choices: [0, 1, 3, 5] }), 'c1.s1822734.p2.AAEDBQ');
  assert.deepEqual(decodeReplayToken('c1.s1822734.p2.AAEDBQ'), { seed: 1822734, strategy: { kind: 'pct', depth: 2 }, choices: [0, 1, 3, 5] });
  fc.assert(
    fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.option(fc.array(fc.nat())), (seed, choices) => {
      const token = { seed, strategy: { kind: 'random-walk' as const }, ...(choices === null ? {} : { choices }) };
      assert.deepEqual(decodeReplayToken(encodeReplayToken(token)), token);
    }),
  );
});

test('[runtime.deterministic-replay] sim: a malformed token says which part is wrong and what a token looks like', TIMEOUT, () => {
  const cases: [string, RegExp][] = [
    ['c1.s42', /2 dot-separated parts/],
    ['c2.s42.r', /version "c2"/],
    ['c1.42.r', /seed part "42"/],
    ['c1.s042.r', /seed part "s042"/],
    ['c1.s42.x', /strategy part "x"/],
    ['c1.s42.p0', /strategy part "p0"/],
    ['c1.s42.r.A*B', /choices part "A\*B" is not base64url/],
    ['c1.s42.r.gA', /ends inside a varint/],
    ['c1.s42.r.AQ.x', /5 dot-separated parts/],
  ];
  for (const [token, what] of cases) {
    assert.throws(
      () => decodeReplayToken(token),
      (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CONFIG' && what.test(e.message) && /a token looks like c1\.s<seed>\.r/.test(e.message),
      token,
    );
  }
});

test('[runtime.deterministic-replay] sim: a PCT token whose choices promise more change points than they hold is refused', TIMEOUT, () => {
  assert.throws(() => createSimulation({ token: 'c1.s3.p2.AQ' }), (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CONFIG');
});
