/**
 * Turns a conformance run into the result file's shape (spec/result): every requirement of the spec gets a
 * status, the checked ones from the run, the rest not-applicable.
 */

import { createRequire } from 'node:module';
import { requirements as allRequirements } from '../../spec/requirements/index.ts';
import { REQUIREMENT_STATUSES, type ConformanceReport, type ReportedEvidence, type ReportStatus } from '../../spec/result/conformance-report.ts';
import type { ConformanceResult } from '../harness/conformance-run.ts';
import type { Finding } from '../harness/run-suite.ts';
import { replayCommand } from '../harness/failure-report.ts';
import { PACKAGE_VERSION } from '../package-root.ts';

const require = createRequire(import.meta.url);

export interface RunDescription {
  /** The factory as named on the command line; absent for the reference. */
  readonly module?: string;
  readonly name: string;
  readonly seed: number;
  readonly strategy: string;
  readonly runs: number;
  readonly timeBudgetSeconds: number;
  readonly startedAt: Date;
}

function evidenceOf(finding: Finding): ReportedEvidence {
  return { source: finding.source, message: finding.message, events: [...finding.evidence] };
}

function versionOf(pkg: string): string {
  return (require(`${pkg}/package.json`) as { version: string }).version;
}

export function buildReport(result: ConformanceResult, run: RunDescription): ConformanceReport {
  const byId = new Map(result.requirements.map((r) => [r.id, r]));
  const failures = result.failures.map((f) => ({
    requirements: [...f.finding.requirements],
    evidence: evidenceOf(f.finding),
    replay: replayCommand(f.token, run.module),
    token: f.token,
    events: f.trace.length,
    shrinks: f.shrinks,
    runsToFailure: f.runsToFailure,
    scenario: f.scenario,
  }));
  const requirements = allRequirements.map((req) => {
    const checked = byId.get(req.id);
    const base = { id: req.id, area: req.area, level: req.level };
    if (!checked) return { ...base, status: 'not-applicable' as const };
    const failure = checked.failure === undefined ? undefined : failures[checked.failure];
    return {
      ...base,
      status: checked.status,
      ...(failure ? { evidence: failure.evidence, replay: failure.replay } : {}),
      ...(checked.reason ? { reason: checked.reason } : {}),
    };
  });
  const counts = Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, requirements.filter((r) => r.status === s).length])) as Record<ReportStatus, number>;
  const mustChecked = requirements.filter((r) => r.level === 'MUST' && r.status !== 'not-applicable');
  return {
    format: 'cnxnspec-result/1',
    factory: { name: run.name, module: run.module ?? null },
    versions: { cnxnspec: PACKAGE_VERSION, node: process.version, fastCheck: versionOf('fast-check') },
    seed: run.seed,
    strategy: run.strategy,
    budget: { runs: run.runs, timeBudgetSeconds: run.timeBudgetSeconds },
    startedAt: run.startedAt.toISOString(),
    durationMs: result.durationMs,
    runs: result.runs,
    ok: result.ok,
    counts,
    must: { passed: mustChecked.filter((r) => r.status === 'pass' || r.status === 'expected-fail').length, checked: mustChecked.length },
    requirements,
    failures,
  };
}
