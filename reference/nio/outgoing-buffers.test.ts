import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OutgoingBuffers } from './outgoing-buffers.ts';

const T = { timeout: 10_000 };
const bytes = (...values: number[]) => Uint8Array.from(values);

test('[cnxn.outgoing-buffers] unit: a partial write keeps the unwritten rest at the head', T, () => {
  const out = new OutgoingBuffers();
  out.push(bytes(1, 2, 3, 4));
  out.push(bytes(5, 6));
  const first = out.next();
  assert.ok(first && 'bytes' in first);
  assert.deepEqual(first.bytes, bytes(1, 2, 3, 4, 5, 6));
  out.consume(3);
  assert.equal(out.pendingBytes(), 3);
  const second = out.next();
  assert.ok(second && 'bytes' in second);
  assert.deepEqual(second.bytes, bytes(4, 5, 6));
  out.consume(3);
  assert.ok(out.isEmpty());
  assert.equal(out.next(), null);
});

test('[cnxn.outgoing-buffers] unit: the close marker is reached only after every byte queued before it', T, () => {
  const out = new OutgoingBuffers();
  out.push(bytes(1, 2));
  out.pushClose('client_closed_session');
  out.push(bytes(9));
  const first = out.next();
  assert.ok(first && 'bytes' in first);
  assert.deepEqual(first.bytes, bytes(1, 2), 'gathering stops at the marker');
  out.consume(1);
  const rest = out.next();
  assert.ok(rest && 'bytes' in rest);
  out.consume(1);
  assert.deepEqual(out.next(), { close: true, reason: 'client_closed_session' });
  assert.deepEqual(out.takeClose(), { close: true, reason: 'client_closed_session' });
});

test('[cnxn.outgoing-buffers] property: any sequence of partial writes delivers every byte once, in order', T, () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 100 }),
      (frames, takes, gather) => {
        const out = new OutgoingBuffers();
        for (const f of frames) out.push(f);
        const expected = Buffer.concat(frames);
        const written: number[] = [];
        for (let i = 0; i < 10_000 && !out.isEmpty(); i++) {
          const next = out.next(gather);
          assert.ok(next && 'bytes' in next);
          const n = Math.min(next.bytes.length, takes[i % takes.length] as number || 1);
          written.push(...next.bytes.subarray(0, n));
          out.consume(n);
        }
        assert.deepEqual(Uint8Array.from(written), new Uint8Array(expected));
        assert.equal(out.pendingBytes(), 0);
      },
    ),
  );
});
