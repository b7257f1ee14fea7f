import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceBody, TraceEvent } from '../../spec/trace/events.ts';
import { causalSlice } from './causal-slice.ts';
import { renderInterleaving } from './interleaving-table.ts';

const TIMEOUT = { timeout: 10_000 };

function trace(rows: readonly [string, TraceBody][]): TraceEvent[] {
  return rows.map(([thread, body], seq) => ({ seq, t: 0, thread, ...body }) as TraceEvent);
}

const S = 'SelectorThread-0';
const W = 'NIOWorker-1';
/** selectable-after-restore: the owner polls k1 before the worker made ch1 selectable again; ch2 is noise. */
const dropped = trace([
  [S, { ev: 'register', sel: 'sel0', ch: 'ch1', key: 'k1', ops: 1 }],
  [S, { ev: 'register', sel: 'sel0', ch: 'ch2', key: 'k2', ops: 1 }],
  [S, { ev: 'selectEnd', sel: 'sel0', ready: [{ key: 'k1', ops: 1 }], woken: false }],
  [S, { ev: 'offer', queue: 'workQueue', item: 'ch1', ok: true }],
  [W, { ev: 'take', queue: 'workQueue', item: 'ch1' }],
  [W, { ev: 'read', ch: 'ch2', n: 4 }],
  [W, { ev: 'read', ch: 'ch2', n: 0 }],
  [W, { ev: 'read', ch: 'ch1', n: 4 }],
  [S, { ev: 'selectBegin', sel: 'sel0' }],
  [W, { ev: 'offer', queue: 'updateQueue@SelectorThread-0', item: 'k1', ok: true }],
  [S, { ev: 'selectEnd', sel: 'sel0', ready: [], woken: true }],
  [S, { ev: 'poll', queue: 'updateQueue@SelectorThread-0', item: 'k1' }],
  [W, { ev: 'wakeup', sel: 'sel0' }],
  [W, { ev: 'read', ch: 'ch2', n: 1 }],
]);

test('report: the causal slice of evidence keeps its channel, key and queue item, and the selects between, not unrelated IO', TIMEOUT, () => {
  const slice = causalSlice(dropped, [11]);
  assert.deepEqual([...slice].sort((a, b) => a - b), [0, 2, 3, 4, 7, 8, 9, 10, 11]);
  // Nothing after the evidence: it cannot have caused it.
  assert.ok(!slice.has(12) && !slice.has(13));
});

test('report: a table too small for the trace keeps the evidence and its causal predecessors before nearby rows', TIMEOUT, () => {
  const table = renderInterleaving(dropped, { highlight: [11], maxRows: 7, related: causalSlice(dropped, [11]) });
  for (const row of ['offer(workQueue, ch1)', 'read ch1 -> 4', 'offer(updateQueue, k1)', 'poll(updateQueue) -> k1']) assert.match(table, new RegExp(row.replace(/[()]/g, '\\$&')));
  assert.doesNotMatch(table, /read ch2/);
});
