/**
 * The soak: correct factories under long searches, to find false failures. A false failure is as bad as a missed
 * bug, so every factory that is meant to be conformant (the reference NIO factory, the independently written
 * NIO-style one in fixtures/factories/, the Netty-style reference and the independent event-loop one under the netty profile) runs `runs` scenarios on each of `seeds` seeds with the random walk and PCT d=2 and
 * d=3, through the same guarded search `cnxnspec test` uses. Any failure is printed with its replay line and
 * listed in docs/soak.md. Not part of npm test.
 * With --workers N (default 1) each search runs on N worker processes (search-pool.ts), as `cnxnspec test --workers`.
 * Run: npx tsx bench/soak.ts [--runs 20000] [--seeds 5] [--factories reference,independent,netty,loops] [--budget 3600] [--workers 2]
 */

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHECKED_REQUIREMENTS } from '../conformance/harness/conformance-run.ts';
import { PROFILES, profilePattern, type ProfileName } from '../conformance/harness/profile.ts';
import { searchInPool } from '../conformance/harness/search-pool.ts';
import { WHOLE } from '../conformance/harness/search-slice.ts';
import { walk } from '../conformance/harness/search-walk.ts';
import { renderFailure } from '../conformance/harness/failure-report.ts';
import type { StrategyName } from '../conformance/harness/suite-token.ts';
import { machineFacts } from './machine.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Each correct factory with the profile it is judged under. */
const FACTORIES: Readonly<Record<string, { readonly path?: string; readonly profile: ProfileName }>> = {
  reference: { profile: 'nio' },
  independent: { path: 'fixtures/factories/independent-nio/index.ts', profile: 'nio' },
  netty: { path: 'reference/netty/netty-server-cnxn-factory.ts', profile: 'netty' },
  loops: { path: 'fixtures/factories/independent-loops/index.ts', profile: 'netty' },
};
const STRATEGIES: readonly StrategyName[] = [{ kind: 'random' }, { kind: 'pct', depth: 2 }, { kind: 'pct', depth: 3 }];
const strategyText = (s: StrategyName) => (s.kind === 'pct' ? `pct d=${s.depth}` : 'random walk');

interface Row {
  readonly factory: string;
  readonly strategy: string;
  readonly seed: number;
  readonly runs: number;
  readonly seconds: number;
  readonly failure?: string;
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20000' },
    seeds: { type: 'string', default: '5' },
    factories: { type: 'string', default: Object.keys(FACTORIES).join(',') },
    budget: { type: 'string', default: '3600' },
    out: { type: 'string', default: 'docs/soak.md' },
    workers: { type: 'string', default: '1' },
  },
});
const runs = Number(values.runs);
const seeds = Number(values.seeds);
const budgetMs = Number(values.budget) * 1000;
const chosen = values.factories.split(',').filter((f) => f in FACTORIES);
const started = Date.now();
const machine = machineFacts();
const rows: Row[] = [];
const skipped: string[] = [];

for (const factory of chosen) {
  for (const strategy of STRATEGIES) {
    for (let seed = 1; seed <= seeds; seed++) {
      const label = `${factory} ${strategyText(strategy)} seed ${seed}`;
      const left = budgetMs - (Date.now() - started);
      if (left <= 0) {
        skipped.push(label);
        continue;
      }
      const t0 = Date.now();
      const { path, profile } = FACTORIES[factory]!;
      const record = await searchInPool({
        ...(path ? { factoryPath: join(root, path) } : {}),
        seed: 7919 * seed,
        strategy,
        only: profilePattern(PROFILES[profile], CHECKED_REQUIREMENTS).source,
        profile,
        runs,
        shard: WHOLE,
        workers: Number(values.workers),
        timeBudgetMs: left,
        maxFailures: 1,
        stallMs: 60_000,
      });
      const result = walk(record, 1);
      const seconds = (Date.now() - t0) / 1000;
      const found = result.failures[0];
      const failure = found ? renderFailure(found, { ...(path ? { factoryArg: path } : {}), profile }) : undefined;
      rows.push({ factory, strategy: strategyText(strategy), seed, runs: result.runs, seconds, ...(failure ? { failure } : {}) });
      console.log(`${label}: ${result.runs} runs in ${seconds.toFixed(0)} s (${(result.runs / seconds).toFixed(0)} runs/s)${failure ? ' FAILED' : ''}`);
      if (failure) console.log(failure);
    }
  }
}

const failed = rows.filter((r) => r.failure);
const lines = [
  '# Soak: correct factories under long searches',
  '',
  `Written by \`npx tsx bench/soak.ts --runs ${runs} --seeds ${seeds}\` on ${new Date().toISOString()} (${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, load average at start ${machine.loadStart.map((l) => l.toFixed(1)).join(' ')}).`,
  'Each row is one guarded search of generated scenarios and schedules, as `cnxnspec test` runs it. A failure here is',
  'a false failure of the suite (or a real bug in a factory meant to be correct): either way it is fixed, not tolerated.',
  '',
  `**${failed.length === 0 ? 'No false failure' : `${failed.length} failures`}** in ${rows.reduce((n, r) => n + r.runs, 0).toLocaleString('en-US')} runs.`,
  '',
  '| factory | strategy | seed | runs | seconds | runs/s | result |',
  '|---|---|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.factory} | ${r.strategy} | ${r.seed} | ${r.runs} | ${r.seconds.toFixed(0)} | ${(r.runs / Math.max(r.seconds, 0.001)).toFixed(0)} | ${r.failure ? 'FAIL' : 'pass'} |`),
  '',
];
if (skipped.length > 0) lines.push(`Not run (the ${values.budget} s budget ran out): ${skipped.join('; ')}.`, '');
for (const r of failed) lines.push(`## ${r.factory}, ${r.strategy}, seed ${r.seed}`, '', '```', r.failure ?? '', '```', '');
writeFileSync(resolve(root, values.out), `${lines.join('\n')}\n`);
console.log(`wrote ${values.out}`);
