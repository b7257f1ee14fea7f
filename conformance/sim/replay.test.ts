import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { traceEventSchema } from '../../spec/trace/schema.ts';
import { createSimulation, type SimulationOptions } from './simulation.ts';
import { decodeReplayToken, encodeReplayToken } from './replay-token.ts';
import { traceToJsonl } from './trace-recorder.ts';
import { echoServer, handoff } from './test-scenarios.ts';

const TIMEOUT = { timeout: 60_000 };
const validate = new Ajv2020({ allErrors: true }).compile(traceEventSchema);

async function runHandoff(options: SimulationOptions) {
  const sim = createSimulation(options);
  const outcome = await sim.run({ main: (rt) => handoff(rt, 350) });
  assert.equal(outcome.status, 'done', String(outcome.error));
  return outcome;
}

test('[runtime.deterministic-replay] sim: 3 threads x 1,000 steps replay byte-identically from their token', TIMEOUT, async () => {
  const first = await runHandoff({ seed: 1822734 });
  const calls = (thread: string) => first.trace.filter((e) => e.thread === thread).length;
  for (const thread of ['AcceptThread', 'NIOWorker-0', 'SelectorThread-0']) {
    assert.ok(calls(thread) >= 1_000, `${thread} made ${calls(thread)} traced calls`);
  }

  const decoded = decodeReplayToken(first.token);
  assert.equal(decoded.seed, 1822734);
  const again = await runHandoff({ token: first.token });
  assert.equal(traceToJsonl(again.trace), traceToJsonl(first.trace), 'the token replays byte for byte');

  // The recorded picks, as explicit random-walk choices, replay the same schedule (what a shrinker starts from).
  const picks = encodeReplayToken({ seed: decoded.seed, strategy: { kind: 'random-walk' }, choices: first.choices });
  const fromPicks = await runHandoff({ token: picks });
  assert.equal(traceToJsonl(fromPicks.trace), traceToJsonl(first.trace), 'the picks replay byte for byte');

  const other = await runHandoff({ seed: 1822735 });
  assert.notEqual(traceToJsonl(other.trace), traceToJsonl(first.trace), 'a different seed takes a different schedule');
});

test('[runtime.deterministic-replay] sim: any choices array gives one trace, schema-valid, for an echo server and peers', TIMEOUT, async () => {
  const scenario = (choices: readonly number[], seed: number): SimulationOptions => ({
    seed,
    choices,
    peers: [
      { ip: '10.0.0.1', port: 2181, actions: [{ do: 'send', data: 'hello', chunks: [2] }, { do: 'expect', n: 5 }, { do: 'close' }] },
      { ip: '10.0.0.2', port: 2181, at: 3, actions: [{ do: 'send', data: 'abc' }, { do: 'halfClose' }, { do: 'expect', n: 3 }] },
    ],
  });
  const once = async (choices: readonly number[], seed: number) => {
    const sim = createSimulation(scenario(choices, seed));
    const outcome = await sim.run({ main: (rt) => echoServer(rt, 2181, 2) });
    return { outcome, sim, jsonl: traceToJsonl(outcome.trace) };
  };
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 300 }), fc.integer(), async (choices, seed) => {
      const a = await once(choices, seed);
      const b = await once(choices, seed);
      assert.equal(a.jsonl, b.jsonl);
      assert.equal(a.outcome.status, 'done', String(a.outcome.error));
      for (const e of a.outcome.trace) assert.ok(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`);
      const [p1, p2] = a.sim.network.peers;
      assert.equal(new TextDecoder().decode(p1!.received()), 'hello');
      assert.equal(new TextDecoder().decode(p2!.received()), 'abc');
      const replay = await once(decodeReplayToken(a.outcome.token).choices ?? [], seed);
      assert.equal(replay.jsonl, a.jsonl, 'the token carries the choices');
    }),
    { numRuns: 60 },
  );
});

test('[runtime.deterministic-replay] sim: runtime.shuffle draws from the seed', { timeout: 10_000 }, async () => {
  const shuffled = (seed: number) => createSimulation({ seed }).runtime.shuffle([...Array(20).keys()]).join(',');
  assert.equal(shuffled(5), shuffled(5));
  assert.notEqual(shuffled(5), shuffled(6));
  assert.deepEqual(shuffled(5).split(',').map(Number).sort((a, b) => a - b), [...Array(20).keys()]);
});
