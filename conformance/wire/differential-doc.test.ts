import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDifferential, type DifferentialData } from './differential-table.ts';
import { WIRE_CHECKS } from './run-wire-checks.ts';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const data = JSON.parse(read('docs/differential.json')) as DifferentialData;

test('probe: docs/differential.md is exactly what bench/probe-differential.ts renders from the committed docs/differential.json', { timeout: 10_000 }, () => {
  const page = renderDifferential(data);
  assert.equal(read('docs/differential.md'), page.markdown, 'stale page: run npx tsx bench/probe-differential.ts --render (or without --render to measure again)');
  assert.equal(page.unexplained, 0, 'a difference from the reference has no reason in DIFFERENCE_REASONS');
});

test('probe: the committed differential data has every wire check on the reference and on both Apache ZooKeeper factories', { timeout: 10_000 }, () => {
  assert.deepEqual(data.columns.map((c) => c.name), ['reference NIO', 'ZooKeeper 3.8 NIO', 'ZooKeeper 3.8 Netty']);
  assert.deepEqual(data.absent, []);
  for (const c of data.columns) assert.deepEqual(Object.keys(c.outcomes).sort(), WIRE_CHECKS.map((w) => w.name).sort(), c.name);
  // The reference passes everything: it is the column the others are compared with.
  for (const [name, o] of Object.entries(data.columns[0]!.outcomes)) assert.equal(o.status, 'pass', `${name}: ${o.detail}`);
});

test('probe: a difference without a known reason is rendered as UNEXPLAINED and counted', { timeout: 10_000 }, () => {
  const [reference, nio] = data.columns;
  const flipped = { ...nio!, outcomes: { ...nio!.outcomes, ping: { status: 'fail' as const, detail: 'no reply' } } };
  const page = renderDifferential({ ...data, columns: [reference!, flipped] });
  assert.equal(page.unexplained, 1);
  assert.match(page.markdown, /- \*\*ping\*\*, ZooKeeper 3\.8 NIO fail where the reference pass: UNEXPLAINED/);
});
