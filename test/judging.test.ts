import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JUDGING } from '../spec/judging.ts';
import { requirements } from '../spec/requirements/index.ts';

test('judging: spec/judging.ts says how every requirement is judged, and names no requirement that does not exist', () => {
  const ids = requirements.map((r) => r.id);
  assert.deepEqual(ids.filter((id) => !(id in JUDGING)), [], 'requirements missing from spec/judging.ts');
  assert.deepEqual(Object.keys(JUDGING).filter((id) => !ids.includes(id)), [], 'spec/judging.ts names requirements that do not exist');
});

test('judging: a requirement not judgeable for a loaded factory says why, and the list stays about other subjects', () => {
  for (const [id, judging] of Object.entries(JUDGING)) {
    if (judging.by !== 'not-judgeable') assert.ok(judging.by.length > 0, `${id} names no judging mode`);
    else assert.ok(judging.reason.length > 20, `${id} is not judgeable without a reason`);
  }
  const factoryAreas = ['accept', 'selector', 'io', 'cnxn', 'lifecycle', 'expiry', 'nio', 'netty', 'wire', 'configure'];
  const unjudgedFactory = Object.entries(JUDGING).filter(([id, j]) => j.by === 'not-judgeable' && factoryAreas.includes(id.split('.')[0]!));
  assert.deepEqual(unjudgedFactory.map(([id]) => id), [], 'a factory requirement marked not judgeable');
});
