/**
 * The conformance suite against the reference NIO factory in this one process: the harness checks, then the
 * search of generated scenarios at the default budget (2,000 runs, random walk). `cnxnspec test` runs both in
 * child processes that it kills once they have answered, so a coverage tool never sees their counters; this
 * runs the same code where c8 can (docs/coverage.md):
 *   npx c8 --all --src reference/nio --include 'reference/nio/**' --exclude '**\/*.test.ts' npx tsx bench/suite-in-process.ts
 * Run: npx tsx bench/suite-in-process.ts [--runs 2000] [--seed 1]
 */

import { parseArgs } from 'node:util';
import { runChecks } from '../conformance/harness/checks/run-checks.ts';
import { loadFactory } from '../conformance/harness/factory-module.ts';
import { runSuite } from '../conformance/harness/run-suite.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const { module: factory } = await loadFactory();
for (const outcome of await runChecks(factory)) {
  const verdict = outcome.findings.length ? `fail: ${outcome.findings.map((f) => f.message).join('; ')}` : `pass (${outcome.judged.length} judged)`;
  console.log(`check ${outcome.check}: ${verdict}`);
}
const started = Date.now();
const result = await runSuite({ factory, runs: Number(values.runs), seed: Number(values.seed), strategy: { kind: 'random' } });
const verdict = result.failure ? `failure: ${result.failure.finding.message} (${result.failure.token})` : 'no failure';
console.log(`search: ${result.runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${verdict}`);
