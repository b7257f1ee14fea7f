/**
 * Fuzz: malformed frames and jute records of every request type (malformed-input.ts), each on its own raw
 * connection, interleaved with a healthy node-zookeeper-client that writes and reads back after every input.
 * The server must never crash or log a bug (an `error` line), must keep answering the healthy client correctly
 * on its one session, and must end each offending connection without touching the others.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exchange } from '../../conformance/zookeeper/raw-exchange.ts';
import { malformedInput, type InputClass } from './malformed-input.ts';
import { startZk, zk } from './test-support.ts';

const RUNS = 150;

test('[zk.bad-request, zk.jute-encoding] fuzz: 150 malformed inputs of six classes never crash the server, never disturb a healthy client and close only their own connection', { timeout: 180_000 }, async (t) => {
  const f = await startZk(t);
  const healthy = await f.connect();
  const sessionId = healthy.getSessionId().toString('hex');
  const states: string[] = [];
  healthy.on('state', (state: { name: string }) => states.push(state.name));
  const path = '/healthy-7f3a';
  await zk.create(healthy, path, Buffer.from('0'));
  const classes = new Map<InputClass, number>();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(malformedInput, async (input) => {
      classes.set(input.kind, (classes.get(input.kind) ?? 0) + 1);
      await exchange(f.address, [input.bytes], { noHandshake: input.noHandshake, quietMs: 30 });
      n += 1;
      await zk.setData(healthy, path, Buffer.from(String(n)));
      assert.equal((await zk.getData(healthy, path)).data.toString(), String(n));
    }),
    { numRuns: RUNS, seed: 1618 },
  );
  assert.deepEqual(states, [], 'the healthy client never lost its connection');
  assert.equal(healthy.getSessionId().toString('hex'), sessionId);
  const bugs = f.logs.filter((line) => line.startsWith('error '));
  assert.deepEqual(bugs, [], 'no input made the server fail unexpectedly');
  // Every fuzz connection is gone once its client has gone: only the healthy one (and maybe one closing) remain.
  for (let i = 0; i < 200 && f.factory.connections().length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(f.factory.connections().length, 1);
  t.diagnostic(`inputs by class: ${JSON.stringify(Object.fromEntries(classes))}`);
});
