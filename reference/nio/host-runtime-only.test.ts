/** The NIO factory touches threads, sockets, queues and time only through the host runtime it is given. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { withEcho } from './scenarios.ts';
import { SIM, simulate } from './sim-support.ts';
import { eventsOf, handshake, readReply, requestFrame } from './test-support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const FORBIDDEN: readonly [RegExp, string][] = [
  [/from 'node:(net|tls|dgram|http|https|timers|fs|child_process|worker_threads|dns)(\/[a-z]+)?'/, 'a real IO or timer module'],
  [/\bDate\.now\(|\bnew Date\(/, 'the wall clock'],
  [/\b(setTimeout|setInterval|setImmediate)\(/, 'a real timer'],
  [/\bperformance\.now\(|\bprocess\.hrtime/, 'a real clock'],
];

test('[factory.host-runtime-only] unit: the NIO factory\'s source uses no socket, timer or clock of its own', { timeout: 10_000 }, () => {
  const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !/support|scenarios/.test(f));
  assert.ok(sources.includes('nio-server-cnxn-factory.ts') && sources.length >= 10);
  const found: string[] = [];
  for (const file of sources) {
    const text = readFileSync(join(here, file), 'utf8');
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(text)) found.push(`${file}: ${what}`);
  }
  assert.deepEqual(found, []);
});

test('[factory.host-runtime-only] sim: every factory thread ends cleanly and the run never waits on anything outside the runtime', SIM, async () => {
  for (const seed of [181, 182, 183]) {
    const h = simulate(seed);
    // A run that awaited a real timer or promise outside the runtime would not finish: run() rejects then.
    await withEcho(h, { numSelectorThreads: 2, numWorkerThreads: 2, sessionlessCnxnTimeout: 500 }, async ({ address }) => {
      const peer = await h.connect(address);
      await handshake(peer);
      await peer.send(requestFrame(XID_PING, OP_PING));
      await readReply(peer);
      await (await h.connect(address)).closed();
    });
    const ends = eventsOf(h.trace(), 'threadEnd').filter((e) => e.name !== 'main');
    assert.equal(ends.length, eventsOf(h.trace(), 'threadStart').filter((e) => e.name !== 'main').length);
    assert.deepEqual(ends.filter((e) => e.error !== undefined), [], `seed ${seed}: no thread ended with an exception`);
  }
});
