import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scheduleArbitrary, type Failure } from './run-suite.ts';
import { scenarioArbitrary } from './scenario-arbitrary.ts';
import { drawAt } from './search-block.ts';
import { blocksOf, parseShard } from './search-slice.ts';
import { candidates, shrinkKey, walk, WATCHDOG_CLASS, type FailedRun, type FindingClass, type SearchRecord } from './search-walk.ts';

test('search slices: the shards of a search cover every run exactly once, in blocks spread over the range', () => {
  for (const [runs, n] of [[60, 3], [2_000, 4], [10, 2], [1, 1]] as const) {
    const seen = new Array<number>(runs).fill(0);
    for (let i = 1; i <= n; i++) for (const b of blocksOf(runs, { index: i, count: n })) for (let r = b.from; r < b.from + b.count; r++) seen[r]! += 1;
    assert.deepEqual(seen, new Array<number>(runs).fill(1), `${runs} runs in ${n} shards`);
  }
  assert.deepEqual(blocksOf(60, { index: 2, count: 3 }), [{ from: 25, count: 25 }]);
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b']) assert.throws(() => parseShard(bad), /--shard .* is not i\/n/);
});

test('search blocks: run i drawn from its index is the run one long search makes there', async () => {
  const strategy = { kind: 'pct', depth: 2 } as const;
  const sequential: string[] = [];
  await fc.check(
    fc.asyncProperty(scenarioArbitrary, scheduleArbitrary(strategy), async (scenario, schedule) => {
      sequential.push(JSON.stringify({ scenario, schedule }));
      return true;
    }),
    { numRuns: 40, seed: 9 },
  );
  for (const i of [0, 1, 24, 25, 39]) assert.equal(JSON.stringify(drawAt(9, strategy, i)), sequential[i], `run ${i}`);
});

test('search blocks: a worker that jumps on from its last block draws what fast-check draws jumping from the seed, in any order of blocks and seeds', async () => {
  const strategy = { kind: 'random' } as const;
  const fromSeed = (seed: number, index: number) => {
    let drawn = '';
    fc.check(
      fc.property(scenarioArbitrary, scheduleArbitrary(strategy), (scenario, schedule) => {
        drawn = JSON.stringify({ scenario, schedule });
        return true;
      }),
      { numRuns: 1, seed, path: String(index) },
    );
    return drawn;
  };
  for (const [seed, index] of [[3, 0], [3, 25], [3, 400], [3, 401], [3, 50], [8, 75], [3, 425], [2 ** 32 + 5, 30], [-7, 10]] as const) {
    assert.equal(JSON.stringify(drawAt(seed, strategy, index)), fromSeed(seed, index), `run ${index} of seed ${seed}`);
  }
});

const A: FindingClass = { source: 'inv-a', requirements: ['a.one', 'a.two'] };
const B: FindingClass = { source: 'inv-b', requirements: ['a.two', 'b.one'] };
const C: FindingClass = { source: 'harness', requirements: ['c.one'] };

function failure(target: FindingClass, index: number): Failure {
  return {
    finding: { requirements: target.requirements, source: target.source, message: `run ${index}`, evidence: [] },
    others: [],
    scenario: {} as Failure['scenario'],
    schedule: { kind: 'random', choices: [] },
    trace: [],
    token: `t${index}`,
    shrinks: 0,
    firstTraceLength: 0,
    runsToFailure: index + 1,
  };
}

function recordOf(failed: FailedRun[], runs: number, all: boolean): SearchRecord {
  // The pool shrinks the candidates; a run that hung has the watchdog's failure already.
  const picked = [...candidates(failed, all, 8), ...failed.filter((r) => r.stalled).map((r) => ({ index: r.index, target: WATCHDOG_CLASS }))];
  const shrunk = picked.map(({ index, target }) => ({ index, target, failure: failure(target, index) }));
  return { completed: [{ from: 0, count: runs }], failed, shrunk };
}

test('search walk: a failing run is a failure when it breaks a requirement no earlier failure broke', () => {
  const failed: FailedRun[] = [
    { index: 3, classes: [A, B] },
    { index: 5, classes: [A] },
    { index: 7, classes: [A, B] },
    { index: 9, classes: [C] },
  ];
  const walked = walk(recordOf(failed, 20, false), 8);
  assert.deepEqual(
    walked.failures.map((f) => f.token),
    ['t3', 't7', 't9'],
  );
  assert.equal(walked.runs, 20);
  assert.equal(walked.failedBy.get('b.one'), 1);
  // maxFailures ends the walk, and the runs counted, at the last failure.
  const capped = walk(recordOf(failed, 20, false), 2);
  assert.deepEqual([capped.failures.length, capped.runs], [2, 8]);
  // A run that hung ends the search there.
  const hung = walk(recordOf([...failed.slice(0, 2), { index: 6, classes: [WATCHDOG_CLASS], stalled: true }], 20, false), 8);
  assert.deepEqual([hung.failures.map((f) => f.token), hung.runs], [['t3', 't6'], 7]);
});

test('search walk: shards pick every run the whole search picks, so merged shards walk as one search', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ index: fc.nat({ max: 99 }), classes: fc.subarray([A, B, C], { minLength: 1 }) })),
      fc.integer({ min: 1, max: 4 }),
      fc.option(fc.nat({ max: 99 }), { nil: undefined }),
      (runs, n, hungAt) => {
        const byIndex = new Map<number, FailedRun>(runs.map((r) => [r.index, r]));
        if (hungAt !== undefined) byIndex.set(hungAt, { index: hungAt, classes: [WATCHDOG_CLASS], stalled: true });
        const failed = [...byIndex.values()].sort((a, b) => a.index - b.index);
        const whole = walk(recordOf(failed, 100, false), 8);
        const shards = Array.from({ length: n }, (_, i) => {
          const mine = new Set(blocksOf(100, { index: i + 1, count: n }).flatMap((b) => Array.from({ length: b.count }, (_, k) => b.from + k)));
          // A shard stops at a run that hangs in it.
          return recordOf(
            failed.filter((r) => mine.has(r.index) && !(hungAt !== undefined && mine.has(hungAt) && r.index > hungAt)),
            100,
            n > 1,
          );
        });
        const merged = walk({ completed: [{ from: 0, count: 100 }], failed, shrunk: shards.flatMap((s) => s.shrunk) }, 8);
        assert.deepEqual(merged.failures, whole.failures);
        assert.equal(merged.runs, whole.runs);
      },
    ),
  );
  assert.notEqual(shrinkKey(1, A), shrinkKey(1, B));
});
