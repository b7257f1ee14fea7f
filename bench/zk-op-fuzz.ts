/**
 * The long differential fuzz of well-formed request sequences (conformance/zookeeper/op-sequence-diff.ts): `--runs`
 * seeded op sequences played on Apache ZooKeeper 3.8 and on the reference; the differences are grouped by signature
 * (operation and what differed), counted, and for each group the first sequence is shrunk and printed with both
 * servers' streams up to the first difference. Not part of npm test; findings in docs/differential-fuzz.md.
 *
 *     node --import tsx bench/zk-op-fuzz.ts [--runs 300] [--seed 2026] [--max-ops 14] [--shrink-budget 150] [--pipeline]
 *
 * --pipeline sends consecutive operations of one session together, as asynchronous clients do (op-sequence-player.ts).
 *
 * Exits 0 when every sequence agreed, 1 when some differed, 2 when an option is bad or Apache ZooKeeper is not available.
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { findApacheZooKeeper } from '../conformance/zookeeper/apache-zookeeper.ts';
import { opSequence, type OpSequence } from '../conformance/zookeeper/op-sequence.ts';
import { diffSequence, shrinkSequence, startOpFuzzPair } from '../conformance/zookeeper/op-sequence-diff.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    seed: { type: 'string', default: '2026' },
    'max-ops': { type: 'string', default: '14' },
    'shrink-budget': { type: 'string', default: '150' },
    pipeline: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
const maxOps = Number(values['max-ops']);
const budget = Number(values['shrink-budget']);
const play = { pipeline: values.pipeline };
for (const [name, n, least] of [['--runs', runs, 0], ['--seed', seed, 0], ['--max-ops', maxOps, 1], ['--shrink-budget', budget, 0]] as const) {
  if (!Number.isInteger(n) || n < least) {
    console.error(`${name} must be a whole number >= ${least}, got ${String(n)}`);
    process.exit(2);
  }
}

const apache = findApacheZooKeeper();
if (!apache.found) {
  console.error(`Apache ZooKeeper is not available: ${apache.reason}`);
  process.exit(2);
}
const pair = await startOpFuzzPair();
const groups = new Map<string, { count: number; first: OpSequence; report: string }>();
const started = Date.now();
let ops = 0;
try {
  for (const [i, sequence] of fc.sample(opSequence(maxOps), { numRuns: runs, seed }).entries()) {
    ops += sequence.ops.length;
    const difference = await diffSequence(pair, sequence, play);
    if (difference !== undefined) {
      const group = groups.get(difference.signature) ?? { count: 0, first: sequence, report: difference.report };
      group.count += 1;
      groups.set(difference.signature, group);
    }
    if ((i + 1) % 100 === 0) console.error(`${i + 1}/${runs} sequences, ${groups.size} signature(s) so far`);
  }
  const differing = [...groups.values()].reduce((n, g) => n + g.count, 0);
  console.log(`${runs} sequences (${ops} operations, seed ${seed}${play.pipeline ? ', pipelined' : ''}) in ${((Date.now() - started) / 1000).toFixed(0)} s: ${differing} differed, ${groups.size} signature(s)\n`);
  for (const [signature, { count, first, report }] of [...groups].sort((a, b) => b[1].count - a[1].count)) {
    const shrunk = await shrinkSequence(pair, first, signature, budget, play);
    const shown = shrunk.difference?.signature === signature ? shrunk.difference.report : `(did not show again when replayed: timing?) as first seen:\n${report}`;
    console.log(`## ${signature} (${count} sequence(s))\n${shown}\n`);
  }
} finally {
  await pair.stop();
}
process.exit(groups.size === 0 ? 0 : 1);
