import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CnxnspecError } from '../../spec/errors.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import { pct, pctFromSeed, type PctParams } from './pct.ts';
import { decodeReplayToken } from './replay-token.ts';
import { createSimulation, type SimulationOptions } from './simulation.ts';
import { handoff } from './test-scenarios.ts';
import { traceToJsonl } from './trace-recorder.ts';

const TIMEOUT = { timeout: 60_000 };

/** Feeds `pick` a fixed list of runnable sets and returns the names it picked. */
function picks(strategy: ReturnType<typeof pct>, steps: readonly (readonly string[])[]): string[] {
  return steps.map((runnable, step) => runnable[strategy.pick(runnable, step)]!);
}

test('pct: the runnable actor with the highest priority always runs', { timeout: 10_000 }, () => {
  // A seen first: [A]; B at rank 1 % 2 = 1: [A, B]; C at rank 1 % 3 = 1: [A, C, B]. Highest first: B, C, A.
  const strategy = pct({ depth: 1, changePoints: [], priorities: [0, 1, 1] });
  assert.deepEqual(picks(strategy, [['A', 'B', 'C'], ['A', 'C'], ['A', 'B', 'C'], ['A'], ['C', 'A']]), ['B', 'C', 'B', 'A', 'C']);
  // Missing priorities are 0: each new actor goes below all known ones, so the first seen stays on top.
  const bottomUp = pct({ depth: 1, changePoints: [], priorities: [] });
  assert.deepEqual(picks(bottomUp, [['A', 'B'], ['B', 'A', 'C'], ['C', 'B']]), ['A', 'A', 'B']);
});

test('pct: a change point demotes the actor about to run at exactly that preemption opportunity', { timeout: 10_000 }, () => {
  const both = Array.from({ length: 6 }, () => ['A', 'B']);
  // B is on top. Step 0 is no preemption opportunity (nothing ran before); steps 1, 2, 3 are opportunities 0, 1, 2:
  // at the third, B drops to priority 1, below A, for good.
  const depth2 = pct({ depth: 2, changePoints: [2], priorities: [0, 1] });
  assert.deepEqual(picks(depth2, [...both, ['B']]), ['B', 'B', 'B', 'A', 'A', 'A', 'B']);
  // Depth 3: B drops to 1 at step 1 (opportunity 0), then C (on top of A) to 2 at step 3 (opportunity 2), still above B.
  const three = Array.from({ length: 5 }, () => ['A', 'B', 'C']);
  const depth3 = pct({ depth: 3, changePoints: [0, 2], priorities: [0, 1, 1] });
  assert.deepEqual(picks(depth3, three), ['B', 'C', 'C', 'A', 'A']);
  assert.deepEqual(picks(depth3, [['B', 'C']]), ['C']);
});

test('pct: only a step where the actor that ran before would run again, beside another, is a preemption opportunity', { timeout: 10_000 }, () => {
  // B over A. Step 0: nothing ran before; step 1: A alone; step 2: B after A; none of them counts. Step 3, B after
  // B with A runnable, is opportunity 0, where the change point demotes B.
  const strategy = pct({ depth: 2, changePoints: [0], priorities: [0, 1] });
  assert.deepEqual(picks(strategy, [['A', 'B'], ['A'], ['A', 'B'], ['A', 'B'], ['A', 'B']]), ['B', 'A', 'B', 'A', 'A']);
});

test('pct: depth 1 has no change points and runs in strict priority order', { timeout: 10_000 }, () => {
  assert.throws(
    () => pct({ depth: 1, changePoints: [5], priorities: [] }),
    (e: unknown) => e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CONFIG' && /at most 0 change points/.test(e.message),
  );
  const names = ['A', 'B', 'C', 'D'];
  fc.assert(
    fc.property(fc.array(fc.nat()), fc.array(fc.subarray(names, { minLength: 1 }), { maxLength: 40 }), (priorities, steps) => {
      const strategy = pct({ depth: 1, changePoints: [], priorities });
      const above = new Set<string>();
      steps.forEach((runnable, step) => {
        const winner = runnable[strategy.pick(runnable, step)]!;
        for (const other of runnable) {
          if (other === winner) continue;
          assert.ok(!above.has(`${other}>${winner}`), `${winner} ran over ${other}, which ran over it before`);
          above.add(`${winner}>${other}`);
        }
      });
    }),
  );
});

const handoffUnder = async (options: SimulationOptions) => {
  const outcome = await createSimulation(options).run({ main: (rt) => handoff(rt, 12) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  return outcome;
};

test('[runtime.deterministic-replay] pct: a run under PCT replays byte-identically from its token', TIMEOUT, async () => {
  const explicit = pct({ depth: 3, changePoints: [17, 40], priorities: [2, 0, 3, 1] });
  const seeded = [pctFromSeed(9, 3), pctFromSeed(9, 2, 120)];
  for (const strategy of [explicit, ...seeded]) {
    const first = await handoffUnder({ seed: 9, strategy });
    const again = await handoffUnder({ token: first.token });
    assert.equal(traceToJsonl(again.trace), traceToJsonl(first.trace), `${strategy.name} from ${first.token}`);
    assert.equal(again.token, first.token);
  }
  const first = await handoffUnder({ seed: 9, strategy: explicit });
  assert.deepEqual(decodeReplayToken(first.token).choices, [2, 17, 40, 2, 0, 3, 1]);
  assert.equal((await handoffUnder({ seed: 9, strategy: pctFromSeed(9, 3) })).token, 'c1.s9.p3');
  // Another expected length than the default: the drawn params travel in the token.
  assert.equal(decodeReplayToken((await handoffUnder({ seed: 9, strategy: seeded[1]! })).token).choices?.[0], 1);
});

test('[runtime.deterministic-replay] pct: malformed PCT choices in a token are refused with what is wrong', { timeout: 10_000 }, () => {
  const refused = (token: string, what: RegExp) =>
    assert.throws(
      () => createSimulation({ token }),
      (e: unknown) =>
        e instanceof CnxnspecError && e.code === 'CNXNSPEC_ERR_CONFIG' && what.test(e.message) && e.message.includes(token),
      token,
    );
  refused('c1.s3.p2.AQ', /announce 1 change points, but only 0 numbers follow/);
  refused('c1.s3.p2.AgEC', /depth 2 takes at most 1/);
  assert.equal(createSimulation({ token: 'c1.s3.p2.' }).strategy.name, 'pct d=2', 'empty choices: no change point, default priorities');
});

test('[runtime.deterministic-replay] pct: any params give one trace, and their token gives it again', TIMEOUT, async () => {
  const params = fc.integer({ min: 1, max: 4 }).chain((depth) =>
    fc.record({
      depth: fc.constant(depth),
      changePoints: fc.array(fc.nat({ max: 300 }), { maxLength: depth - 1 }),
      priorities: fc.array(fc.nat(), { maxLength: 6 }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(params, fc.integer(), async (p: PctParams, seed) => {
      const a = await handoffUnder({ seed, strategy: pct(p) });
      const b = await handoffUnder({ seed, strategy: pct(p) });
      assert.equal(traceToJsonl(b.trace), traceToJsonl(a.trace));
      const replay = await handoffUnder({ token: a.token });
      assert.equal(traceToJsonl(replay.trace), traceToJsonl(a.trace));
    }),
    { numRuns: 25 },
  );
});

/**
 * Two threads each borrow the one item in `box` (poll) and give it back (offer) after some unrelated work, A after
 * 2 steps, B after 20. The bug, B finding the box empty, needs one preemption at one step: A's, between its poll
 * and its offer, and then B's 20 steps in a row. Priority order alone (depth 1) never hits it; a random walk
 * almost never does (B would have to win ~18 coin flips in a row); PCT at depth 2 does once per ~100 seeds.
 */
async function borrowers(rt: HostRuntime): Promise<boolean> {
  const box = rt.newQueue<string>('box');
  await box.offer('item');
  let foundEmpty = false;
  const borrower = (name: string, work: number) =>
    rt.thread(name, async () => {
      for (let i = 0; i < work; i++) await rt.clock.sleep(0);
      const item = await box.poll();
      if (item === undefined) foundEmpty = true;
      else await box.offer(item);
    });
  const threads = [borrower('Borrower-A', 2), borrower('Borrower-B', 20)];
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
  return foundEmpty;
}

test('pct: depth 2 finds a bug that needs one preemption at one step; depth 1 never does', TIMEOUT, async () => {
  const SEEDS = 1_000;
  // A bit above the ~50 steps a run takes, so most change points land inside it.
  const EXPECTED_STEPS = 60;
  const firstFailing = async (depth: number): Promise<number | undefined> => {
    for (let seed = 0; seed < SEEDS; seed++) {
      let found = false;
      const sim = createSimulation({ seed, strategy: pctFromSeed(seed, depth, EXPECTED_STEPS) });
      const outcome = await sim.run({ main: async (rt) => void (found = await borrowers(rt)) });
      assert.equal(outcome.status, 'done', String(outcome.error));
      assert.ok(outcome.steps <= EXPECTED_STEPS, `${outcome.steps} steps`);
      if (found) return seed;
    }
    return undefined;
  };
  const seed = await firstFailing(2);
  assert.notEqual(seed, undefined, `depth 2 did not find the bug in ${SEEDS} seeds`);
  assert.equal(await firstFailing(1), undefined, 'depth 1 schedules never preempt, so never find the box empty');
});
