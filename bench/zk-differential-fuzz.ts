/**
 * The long differential fuzz: seeded malformed inputs of every class (reference/zk/malformed-input.ts) sent, each on
 * a fresh connection, to Apache ZooKeeper 3.8 and to the reference; their reactions (handshake, reply codes,
 * closed or not) are compared and the differences grouped by class and by the pair of reactions. Not part of
 * npm test (it takes minutes); the findings and their reasons are in docs/differential-fuzz.md.
 *
 *     node --import tsx bench/zk-differential-fuzz.ts [--runs 600] [--seed 2024]
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { findApacheZooKeeper, startApacheZooKeeper } from '../conformance/zookeeper/apache-zookeeper.ts';
import { exchange, type Exchange } from '../conformance/zookeeper/raw-exchange.ts';
import { malformedInput, type InputClass } from '../reference/zk/malformed-input.ts';
import { startZk } from '../reference/zk/test-support.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '600' }, seed: { type: 'string', default: '2024' } } });
const runs = Number(values.runs);
const seed = Number(values.seed);

/** A reaction in a few words: handshake, reply codes in order, whether the server closed. */
function reaction(e: Exchange): string {
  const replies = e.replies.map((r) => `${r.xid === -2 ? 'ping ' : ''}err ${r.err}`).join(', ');
  return `${e.connected ? '' : 'no session; '}${replies === '' ? 'no reply' : replies}; ${e.closed ? 'closed' : 'open'}`;
}

const apache = findApacheZooKeeper();
if (!apache.found) {
  console.error(`Apache ZooKeeper is not available: ${apache.reason}`);
  process.exit(2);
}
const cleanups: (() => Promise<void> | void)[] = [];
const real = await startApacheZooKeeper(apache, ['4lw.commands.whitelist=ruok']);
cleanups.push(() => real.stop());
const reference = await startZk({ after: (fn) => void cleanups.push(fn) });
const targets = [{ host: '127.0.0.1', port: real.port }, reference.address];
const inputs = fc.sample(malformedInput, { numRuns: runs, seed });
const byClass = new Map<InputClass, { total: number; differ: Map<string, number> }>();
for (const input of inputs) {
  const [a, b] = await Promise.all(targets.map((t) => exchange(t, [input.bytes], { noHandshake: input.noHandshake, quietMs: 300 })));
  const entry = byClass.get(input.kind) ?? { total: 0, differ: new Map() };
  byClass.set(input.kind, entry);
  entry.total += 1;
  const [ra, rb] = [reaction(a as Exchange), reaction(b as Exchange)];
  if (ra !== rb) {
    const op = input.noHandshake || input.bytes.length < 12 ? '' : `op ${new DataView(input.bytes.buffer, input.bytes.byteOffset).getInt32(8)}: `;
    const key = `${op}ZooKeeper: ${ra} | reference: ${rb}`;
    entry.differ.set(key, (entry.differ.get(key) ?? 0) + 1);
  }
}
for (const cleanup of cleanups.reverse()) await cleanup();
console.log(`| class | inputs | differing | differences (count) |\n|---|---|---|---|`);
for (const [kind, { total, differ }] of byClass) {
  const n = [...differ.values()].reduce((x, y) => x + y, 0);
  const list = [...differ].sort((x, y) => y[1] - x[1]).map(([k, c]) => `${k} (${c})`).join('<br>');
  console.log(`| ${kind} | ${total} | ${n} | ${list} |`);
}
process.exit(0);
