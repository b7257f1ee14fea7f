/**
 * A thin adapter from per-requirement verdicts (of a trace check or a wire probe) to the result file's shape
 * (spec/result), so both write the same JSON, Markdown, JUnit and badge as `cnxnspec test` through
 * conformance/report's writeReport. A requirement the mode cannot see is `not-judged` with the reason; it
 * never counts as passed.
 */

import { createRequire } from 'node:module';
import { requirements as allRequirements } from '../../spec/requirements/index.ts';
import type { JudgeMode } from '../../spec/requirement.ts';
import {
  REQUIREMENT_STATUSES,
  type ConformanceReport,
  type ReportedEvidence,
  type ReportedRequirement,
  type ReportStatus,
} from '../../spec/result/conformance-report.ts';

const require = createRequire(import.meta.url);

export interface JudgedRequirement {
  readonly id: string;
  readonly status: 'pass' | 'fail' | 'not-judged';
  readonly reason?: string;
  readonly evidence?: ReportedEvidence;
}

export interface VerdictRun {
  /** What was judged: the trace file, or host:port. */
  readonly name: string;
  /** `trace check` or `wire probe`, shown where `cnxnspec test` shows its strategy. */
  readonly mode: string;
  /** The judging mode verdicts come from: a trace check judges as the simulation's invariants do, a probe on the wire. */
  readonly judgeMode: JudgeMode;
  /** The command that judges it again. */
  readonly rerun: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** Events read, or connections opened: shown as the report's run count. */
  readonly units: number;
}

function versionOf(pkg: string): string {
  return (require(`${pkg}/package.json`) as { version: string }).version;
}

export function buildVerdictReport(verdicts: readonly JudgedRequirement[], run: VerdictRun): ConformanceReport {
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  const requirements: ReportedRequirement[] = allRequirements.map((req) => {
    const base = { id: req.id, area: req.area, level: req.level };
    const v = byId.get(req.id);
    if (!v || v.status === 'not-judged') return { ...base, status: 'not-judged', judgedBy: [], notJudged: `not judged by ${run.mode}: ${v?.reason ?? 'not something it can observe'}` };
    if (v.status === 'pass') return { ...base, status: 'pass', judgedBy: [run.judgeMode] };
    return { ...base, status: 'fail', judgedBy: [run.judgeMode], ...(v.evidence ? { evidence: v.evidence } : {}), replay: run.rerun };
  });
  const failures = requirements
    .filter((r) => r.status === 'fail')
    .map((r) => ({
      requirements: [r.id],
      evidence: r.evidence ?? { source: run.mode, message: 'failed', events: [] },
      replay: run.rerun,
      token: run.name,
      events: run.units,
      shrinks: 0,
      runsToFailure: 1,
      scenario: { mode: run.mode, target: run.name },
    }));
  const counts = Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, requirements.filter((r) => r.status === s).length])) as Record<ReportStatus, number>;
  const judged = requirements.filter((r) => r.status !== 'not-judged');
  const mustJudged = judged.filter((r) => r.level === 'MUST');
  return {
    format: 'cnxnspec-result/2',
    profile: run.mode,
    factory: { name: run.name, module: null },
    versions: { cnxnspec: versionOf('../..'), node: process.version, fastCheck: versionOf('fast-check') },
    seed: 0,
    strategy: run.mode,
    budget: { runs: 1, timeBudgetSeconds: Math.ceil(run.durationMs / 1000) },
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.round(run.durationMs),
    runs: run.units,
    ok: counts.fail === 0,
    counts,
    judged: { judged: judged.length, total: requirements.length },
    must: { passed: mustJudged.filter((r) => r.status === 'pass').length, judged: mustJudged.length },
    requirements,
    failures,
    checkFailures: [],
  };
}
