/**
 * Turns a conformance run into the result file's shape (spec/result): every requirement of the spec gets a
 * status and the modes that judged it, or not-judged with the reason; failures of the search carry their replay
 * line, failures of harness and wire checks the command that reruns the check.
 */

import { createRequire } from 'node:module';
import { JUDGING } from '../../spec/judging.ts';
import { requirements as allRequirements } from '../../spec/requirements/index.ts';
import {
  REQUIREMENT_STATUSES,
  type ConformanceReport,
  type ReportedCheckFailure,
  type ReportedEvidence,
  type ReportedRequirement,
  type ReportStatus,
} from '../../spec/result/conformance-report.ts';
import type { ConformanceResult, RequirementResult } from '../harness/conformance-run.ts';
import type { Finding } from '../harness/run-suite.ts';
import { factoryFlags, replayCommand } from '../harness/failure-report.ts';
import { PACKAGE_VERSION } from '../package-root.ts';

const require = createRequire(import.meta.url);

export interface RunDescription {
  /** The factory as named on the command line; absent for the reference. */
  readonly module?: string;
  readonly name: string;
  readonly profile?: string;
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

function rerunCommand(id: string, run: RunDescription): string {
  return `npx cnxnspec test${factoryFlags(contextOf(run))} --only '^${id.replace(/\./g, '\\.')}$'`;
}

function contextOf(run: RunDescription): { factoryArg?: string; profile?: string } {
  return { ...(run.module ? { factoryArg: run.module } : {}), ...(run.profile ? { profile: run.profile } : {}) };
}

/** Why a requirement the run did not report was not judged: the spec's own reason where it has one. */
function unreported(id: string): string {
  const judging = JUDGING[id];
  return judging?.by === 'not-judgeable' ? judging.reason : 'the run did not report it';
}

const JUDGED_STATUSES: readonly ReportStatus[] = ['pass', 'fail', 'expected-fail', 'unexpected-pass'];

export function buildReport(result: ConformanceResult, run: RunDescription): ConformanceReport {
  const byId = new Map(result.requirements.map((r) => [r.id, r]));
  const failures = result.failures.map((f) => ({
    requirements: [...f.finding.requirements],
    evidence: evidenceOf(f.finding),
    replay: replayCommand(f.token, contextOf(run)),
    token: f.token,
    events: f.trace.length,
    shrinks: f.shrinks,
    runsToFailure: f.runsToFailure,
    scenario: f.scenario,
  }));
  const checkFailures = new Map<string, ReportedCheckFailure>();
  for (const r of result.requirements) {
    for (const f of r.checkFindings ?? []) {
      const key = `${f.check}\u0000${f.message}`;
      const seen = checkFailures.get(key);
      checkFailures.set(key, {
        requirements: [...(seen?.requirements ?? []), r.id],
        check: f.check,
        mode: f.mode,
        message: f.message,
        evidence: [...f.evidence],
        rerun: rerunCommand(r.id, run),
      });
    }
  }
  const requirements: ReportedRequirement[] = allRequirements.map((req) => {
    const judged: RequirementResult = byId.get(req.id) ?? { id: req.id, status: 'not-judged', judgedBy: [], notJudged: unreported(req.id) };
    const failure = judged.failure === undefined ? undefined : failures[judged.failure];
    const check = judged.checkFindings?.[0];
    const evidence = failure?.evidence ?? (check ? { source: check.check, message: check.message, events: [] } : undefined);
    return {
      id: req.id,
      area: req.area,
      level: req.level,
      status: judged.status,
      judgedBy: [...judged.judgedBy],
      ...(judged.notJudged ? { notJudged: judged.notJudged } : {}),
      ...(evidence ? { evidence } : {}),
      ...(failure ? { replay: failure.replay } : check ? { replay: rerunCommand(req.id, run) } : {}),
      ...(judged.reason ? { reason: judged.reason } : {}),
    };
  });
  const counts = Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, requirements.filter((r) => r.status === s).length])) as Record<ReportStatus, number>;
  const judgedMust = requirements.filter((r) => r.level === 'MUST' && JUDGED_STATUSES.includes(r.status));
  return {
    format: 'cnxnspec-result/2',
    profile: run.profile ?? 'nio',
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
    judged: { judged: requirements.filter((r) => JUDGED_STATUSES.includes(r.status)).length, total: requirements.length },
    must: { passed: judgedMust.filter((r) => r.status === 'pass' || r.status === 'expected-fail').length, judged: judgedMust.length },
    requirements,
    failures,
    checkFailures: [...checkFailures.values()],
  };
}
