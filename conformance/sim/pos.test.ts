import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeReplayToken } from './replay-token.ts';
import { pos, posFromSeed } from './pos.ts';
import { createSimulation, type SimulationOptions } from './simulation.ts';
import { handoff } from './test-scenarios.ts';
import { traceToJsonl } from './trace-recorder.ts';

const TIMEOUT = { timeout: 30_000 };

test('pos: the highest priority runs, and only the actor that ran draws a new one', { timeout: 10_000 }, () => {
  // a=5, b=9, c=1 on first sight; b runs and redraws 2; then a (5) beats b (2) and c (1); a redraws 0.
  const strategy = pos([5, 9, 1, 2, 0]);
  assert.equal(strategy.pick(['a', 'b', 'c'], 0), 1);
  assert.equal(strategy.pick(['a', 'b', 'c'], 1), 0);
  // b (2) now beats a (0) and c (1): c, never picked, keeps its first draw and stays behind.
  assert.equal(strategy.pick(['a', 'b', 'c'], 2), 1);
  // No draws left: ties at 0 go to the first runnable, as a shrunk random walk does.
  assert.equal(pos([]).pick(['x', 'y'], 0), 0);
});

const handoffUnder = async (options: SimulationOptions) => {
  const outcome = await createSimulation(options).run({ main: (rt) => handoff(rt, 12) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  return outcome;
};

test('[runtime.deterministic-replay] pos: a run under POS replays byte-identically from its token, seeded or explicit', TIMEOUT, async () => {
  for (const strategy of [pos([7, 300, 2, 65_000, 9, 9, 41]), posFromSeed(5)]) {
    const first = await handoffUnder({ seed: 5, strategy });
    const again = await handoffUnder({ token: first.token });
    assert.equal(traceToJsonl(again.trace), traceToJsonl(first.trace), `${strategy.name} from ${first.token}`);
    assert.deepEqual(decodeReplayToken(first.token).strategy, { kind: 'pos' });
  }
  assert.equal((await handoffUnder({ seed: 5, strategy: posFromSeed(5) })).token, 'c1.s5.o');
});
