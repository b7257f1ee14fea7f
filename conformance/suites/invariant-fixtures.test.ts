import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { invariants, checkTrace } from '../../spec/invariants/index.ts';
import { parseTrace } from '../trace/parse-trace.ts';

const dir = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
const load = (file: string) => {
  const { events, problems } = parseTrace(readFileSync(dir + file, 'utf8'));
  assert.deepEqual(problems, [], `${file} is not a valid trace`);
  return events;
};
/** A fixture named `*.prefix.*` is a cut from a longer run, so only safety invariants may judge it, and not what is owed at its end. */
const contextOf = (file: string) => ({ atQuiescence: !file.includes('.prefix.'), complete: !file.includes('.prefix.') });

for (const invariant of invariants) {
  const bad = files.filter((f) => f.startsWith(`${invariant.name}.`) && f.endsWith('.bad.jsonl'));
  const ids = invariant.requirements.join(', ');
  test(`invariants: ${invariant.name} (proves ${ids}) flags its bad fixtures with evidence`, () => {
    assert.ok(bad.length > 0, `fixtures/traces has no ${invariant.name}.bad.jsonl`);
    for (const file of bad) {
      const mine = invariant.check(load(file), contextOf(file));
      assert.ok(mine.length > 0, `${invariant.name} did not flag ${file}`);
      for (const v of mine) {
        assert.ok(v.evidence.length > 0 && v.message.length > 0, `${file}: a violation without evidence`);
        assert.ok(v.requirements.every((id) => invariant.requirements.includes(id)));
      }
    }
  });
}

test('invariants: every good fixture passes every invariant', () => {
  const good = files.filter((f) => f.endsWith('.good.jsonl'));
  assert.ok(good.length >= 5);
  for (const file of good) assert.deepEqual(checkTrace(load(file), contextOf(file)), [], file);
});

test('invariants: liveness invariants say nothing about a trace that did not reach quiescence', () => {
  for (const invariant of invariants.filter((i) => i.kind === 'liveness')) {
    for (const file of files.filter((f) => f.startsWith(`${invariant.name}.`))) {
      assert.deepEqual(invariant.check(load(file), { atQuiescence: false }), [], file);
    }
  }
});

test('trace: a malformed line is reported with its number and the rest is kept', () => {
  const text = ['{"seq":0,"t":0,"thread":"main","ev":"wakeup","sel":"sel0"}', '{not json', '{"seq":1,"t":0,"thread":"main","ev":"wakeup"}', '{"seq":2,"t":0,"thread":"main","ev":"nope"}', '{"seq":3,"t":0,"thread":"main","ev":"wakeup","sel":"sel0"}'].join('\n');
  const { events, problems } = parseTrace(text);
  assert.equal(events.length, 2);
  assert.deepEqual(problems.map((p) => p.line), [2, 3, 4]);
  assert.match(problems[0]!.message, /not valid JSON/);
  assert.match(problems[1]!.message, /sel/);
  assert.match(problems[2]!.message, /one of/);
});
