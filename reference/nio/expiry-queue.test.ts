import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ExpiryQueue } from './expiry-queue.ts';

const T = { timeout: 10_000 };

test('[expiry.buckets] unit: roundToNextInterval gives the first multiple strictly after t', T, () => {
  const q = new ExpiryQueue<string>(100, 0);
  assert.equal(q.roundToNextInterval(0), 100);
  assert.equal(q.roundToNextInterval(99), 100);
  assert.equal(q.roundToNextInterval(100), 200);
  assert.equal(q.roundToNextInterval(250), 300);
});

test('[expiry.buckets] unit: the first bucket boundary is fixed at construction', T, () => {
  const q = new ExpiryQueue<string>(1000, 2500);
  assert.equal(q.nextExpiration(), 3000);
  assert.equal(q.waitTime(2500), 500);
  assert.equal(q.waitTime(3200), 0);
});

test('[expiry.buckets] unit: update into the same bucket is a no-op that returns null', T, () => {
  const q = new ExpiryQueue<string>(100, 0);
  assert.equal(q.update('a', 150, 10), 200);
  assert.equal(q.update('a', 150, 40), null);
  assert.equal(q.update('a', 150, 60), 300);
  assert.equal(q.expiryOf('a'), 300);
});

test('[expiry.buckets] unit: remove forgets the element and its bucket entry', T, () => {
  const q = new ExpiryQueue<string>(100, 0);
  q.update('a', 50, 0);
  assert.equal(q.remove('a'), 100);
  assert.equal(q.remove('a'), null);
  assert.deepEqual(q.poll(100), []);
  assert.equal(q.size(), 0);
});

test('[expiry.thread] unit: poll takes exactly one bucket per call, so a late caller catches up bucket by bucket', T, () => {
  const q = new ExpiryQueue<string>(100, 0);
  q.update('a', 50, 0); // bucket 100
  q.update('b', 150, 0); // bucket 200
  assert.deepEqual(q.poll(99), []);
  assert.deepEqual(q.poll(250), ['a']);
  assert.deepEqual(q.poll(250), ['b']);
  assert.deepEqual(q.poll(250), []);
  assert.equal(q.waitTime(250), 50);
});

test('[expiry.buckets] property: an element is never due at or before now+timeout and always due within one interval after', T, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      (interval, touchedAt, timeout) => {
        const q = new ExpiryQueue<string>(interval, 0);
        q.update('x', timeout, touchedAt);
        const due = q.expiryOf('x') as number;
        return due > touchedAt + timeout && due <= touchedAt + timeout + interval && due % interval === 0;
      },
    ),
  );
});
