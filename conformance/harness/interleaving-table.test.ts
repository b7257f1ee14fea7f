import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceBody, TraceEvent } from '../../spec/trace/events.ts';
import { EVENT_FIELDS, EVENT_NAMES, type FieldType } from '../../spec/trace/schema.ts';
import { describeEvent, renderInterleaving } from './interleaving-table.ts';

const TIMEOUT = { timeout: 10_000 };

/** Numbers the bodies as a trace: seq in order, thread and time as given. */
function trace(rows: readonly [string, number, TraceBody][]): TraceEvent[] {
  return rows.map(([thread, t, body], seq) => ({ seq, t, thread, ...body }) as TraceEvent);
}

const S = 'SelectorThread-0';
const A = 'AcceptThread';
const P = 'peer 10.0.0.1#2';

/** The lost wakeup of DESIGN.md: the offer comes after the selector looked at an empty queue. */
const lostWakeup = trace([
  ['main', 0, { ev: 'bind', ss: 'ss0', host: '0.0.0.0', port: 2181, backlog: 10 }],
  [P, 0, { ev: 'peerConnect', peer: P, ip: '10.0.0.1' }],
  [A, 0, { ev: 'accept', ss: 'ss0', ch: 'ch2', remote: '10.0.0.1:49152' }],
  [A, 0, { ev: 'wakeup', sel: 'sel0' }],
  [S, 0, { ev: 'selectEnd', sel: 'sel0', ready: [], woken: true }],
  [S, 0, { ev: 'poll', queue: 'acceptedQueue@SelectorThread-0', item: null }],
  [S, 10_000, { ev: 'selectBegin', sel: 'sel0' }],
  [A, 10_000, { ev: 'offer', queue: 'acceptedQueue@SelectorThread-0', item: 'ch2', ok: true }],
  ['main', 10_000, { ev: 'close', ch: 'ss0', reason: 'unbind' }],
]);

test('report: a small trace renders as one column per thread, main left out when it only sets up', TIMEOUT, () => {
  assert.equal(
    renderInterleaving(lostWakeup, { highlight: [5, 6, 7] }),
    [
      '  #  peer 10.0.0.1#2  AcceptThread               SelectorThread-0',
      '  1  connect',
      '  2                   accept -> ch2',
      '  3                   wakeup(sel0)',
      '  4                                              select() returns, woken',
      '> 5                                              poll(acceptedQueue) -> empty',
      '     --- t=10000 ---',
      '> 6                                              select() blocks',
      '> 7                   offer(acceptedQueue, ch2)',
      '(not shown: 2 events of main)',
    ].join('\n'),
  );
});

test('report: main gets the last column when it acts between the threads or is highlighted', TIMEOUT, () => {
  const header = (text: string) => text.split('\n')[0]!.trim().split(/ {2,}/);
  assert.deepEqual(header(renderInterleaving(lostWakeup, { highlight: [8] })), ['#', P, A, S, 'main']);
  const between = trace([
    [A, 0, { ev: 'threadStart', name: A }],
    ['main', 0, { ev: 'lifecycle', phase: 'stop' }],
    [A, 0, { ev: 'threadEnd', name: A }],
  ]);
  assert.equal(
    renderInterleaving(between),
    ['  #  AcceptThread  main', '  0  starts', '  1                factory stop', '  2  ends'].join('\n'),
  );
});

test('report: explicit columns choose and order the threads, and a long phrase is cut with an ellipsis', TIMEOUT, () => {
  const long = trace([[A, 0, { ev: 'threadEnd', name: A, error: 'thread AcceptThread was interrupted while blocked' }]]);
  assert.equal(renderInterleaving(long), ['  #  AcceptThread', '  0  ends: thread AcceptThread was interrupted w…'].join('\n'));
  const log = { seq: 0, t: 0, thread: A, ev: 'log', level: 'warn', msg: 'Too many connections from /10.0.0.1 - max is 60' } as const;
  assert.equal(describeEvent(log), 'log warn: Too many connections from /10.0.0.1 - ma…');
  assert.equal(
    renderInterleaving(lostWakeup, { columns: [S, A] }),
    [
      '  #  SelectorThread-0              AcceptThread',
      '  2                                accept -> ch2',
      '  3                                wakeup(sel0)',
      '  4  select() returns, woken',
      '  5  poll(acceptedQueue) -> empty',
      '     --- t=10000 ---',
      '  6  select() blocks',
      '  7                                offer(acceptedQueue, ch2)',
      '(not shown: 2 events of main, 1 event of peer 10.0.0.1#2)',
    ].join('\n'),
  );
});

test('report: maxRows keeps the highlighted rows and their neighbours and counts what it left out', TIMEOUT, () => {
  const rows = renderInterleaving(lostWakeup, { highlight: [4], maxRows: 3 }).split('\n');
  assert.deepEqual(rows.slice(1), [
    '     ... 2 events left out ...',
    '  3                   wakeup(sel0)',
    '> 4                                 select() returns, woken',
    '  5                                 poll(acceptedQueue) -> empty',
    '     ... 2 events left out ...',
    '(not shown: 2 events of main)',
  ]);
  // Nothing highlighted: the latest rows.
  const tail = renderInterleaving(lostWakeup, { maxRows: 2 }).split('\n');
  assert.deepEqual(tail.slice(1, 3), ['     ... 5 events left out ...', '     --- t=10000 ---']);
  assert.match(tail[3]!, /^ {2}6 +select\(\) blocks$/);
  assert.match(tail[4]!, /^ {2}7 +offer\(acceptedQueue, ch2\)$/);
});

test('report: a queue keeps its owner in the label where another owner has a queue of the same name', TIMEOUT, () => {
  const two = trace([
    [A, 0, { ev: 'offer', queue: 'acceptedQueue@SelectorThread-1', item: 'ch3', ok: true }],
    [S, 0, { ev: 'poll', queue: 'acceptedQueue@SelectorThread-0', item: null }],
  ]);
  const text = renderInterleaving(two);
  assert.match(text, /offer\(acceptedQueue@SelectorThread-1, ch3\)/);
  assert.match(text, /poll\(acceptedQueue\) -> empty/);
});

/** The smallest value of each field type that the schema accepts. */
function sample(type: FieldType): unknown {
  if (typeof type === 'object') return type.enum[0];
  const values: Record<Exclude<FieldType, object>, unknown> = {
    string: 'x1',
    nullableString: 'ch1',
    int: 1,
    count: 2,
    boolean: true,
    readyKeys: [{ key: 'k1', ops: 5 }],
    stringList: ['sel0'],
  };
  return values[type];
}

test('report: every trace event kind has a phrase of its own', TIMEOUT, () => {
  const phrases = new Map<string, string>();
  for (const ev of EVENT_NAMES) {
    const { required, optional = {} } = EVENT_FIELDS[ev];
    const bare = Object.fromEntries(Object.entries(required).map(([field, type]) => [field, sample(type)]));
    const full = { ...bare, ...Object.fromEntries(Object.entries(optional).map(([field, type]) => [field, sample(type)])) };
    for (const fields of [bare, full]) {
      const phrase = describeEvent({ seq: 0, t: 0, thread: 'T', ev, ...fields } as TraceEvent);
      assert.ok(phrase.length > 0 && !phrase.startsWith('?'), `${ev}: "${phrase}"`);
      assert.doesNotMatch(phrase, /undefined|null|\[object/, `${ev}: "${phrase}"`);
    }
    phrases.set(ev, describeEvent({ seq: 0, t: 0, thread: 'T', ev, ...bare } as TraceEvent));
  }
  const seen = new Map<string, string>();
  for (const [ev, phrase] of phrases) {
    assert.equal(seen.get(phrase), undefined, `${ev} and ${seen.get(phrase)} read the same: "${phrase}"`);
    seen.set(phrase, ev);
  }
  assert.equal(phrases.get('selectEnd'), 'select() returns k1:R|W, woken');
  assert.equal(phrases.get('read'), 'read x1 -> 1');
  assert.equal(describeEvent({ seq: 0, t: 0, thread: 'T', ev: 'read', ch: 'ch1', n: -1 }), 'read ch1 -> EOF');
});
