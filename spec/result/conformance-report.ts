/**
 * The result of a conformance run, as written to `cnxnspec-result.json`: per requirement a status, the evidence
 * and the replay line of a failure; the factory, versions, seed and budget, so that the file says exactly what
 * was tested and how to reproduce it. The JSON Schema of this shape is in ./schema.ts.
 */

import type { Area, JudgeMode, Level } from '../requirement.ts';

/**
 * pass: judged and never broken within the budget; fail: broken; expected-fail: broken, and the factory's
 * expectations file says so; unexpected-pass: listed as expected to fail, yet passed; not-judged: no check saw
 * it in this run, and `notJudged` says why (a requirement on something other than the factory, another profile's,
 * excluded by --only, or a check that could not run). A not-judged requirement is never counted as passed.
 */
export const REQUIREMENT_STATUSES = ['pass', 'fail', 'expected-fail', 'unexpected-pass', 'not-judged'] as const;

export const JUDGE_MODES: readonly JudgeMode[] = ['simulation', 'wire', 'harness', 'trace'];

export type ReportStatus = (typeof REQUIREMENT_STATUSES)[number];

export interface ReportedEvidence {
  /** The invariant that found it, `harness` or `watchdog`. */
  readonly source: string;
  readonly message: string;
  /** `seq` numbers in the failure's shrunk trace. */
  readonly events: readonly number[];
}

export interface ReportedRequirement {
  readonly id: string;
  readonly area: Area;
  readonly level: Level;
  readonly status: ReportStatus;
  /** The modes that judged it; empty when not judged. */
  readonly judgedBy: readonly JudgeMode[];
  /** Why it was not judged. */
  readonly notJudged?: string;
  readonly evidence?: ReportedEvidence;
  /** The command that reproduces the failure. */
  readonly replay?: string;
  /** From the expectations file. */
  readonly reason?: string;
}

/** A failure the search of generated scenarios found, shrunk, with the line that replays it. */
export interface ReportedFailure {
  readonly requirements: readonly string[];
  readonly evidence: ReportedEvidence;
  readonly replay: string;
  readonly token: string;
  /** Events in the shrunk trace, and how many shrinking attempts got there. */
  readonly events: number;
  readonly shrinks: number;
  readonly runsToFailure: number;
  /** The shrunk scenario, as data. */
  readonly scenario: unknown;
}

/** A failure a harness or wire check found (no interleaving to replay: the check itself reruns it). */
export interface ReportedCheckFailure {
  readonly requirements: readonly string[];
  readonly check: string;
  readonly mode: JudgeMode;
  readonly message: string;
  /** What the check saw, a line each. */
  readonly evidence: readonly string[];
  /** The command that reruns the check. */
  readonly rerun: string;
}

export interface ConformanceReport {
  readonly format: 'cnxnspec-result/2';
  /** The design the factory was judged as (which requirements apply). */
  readonly profile: string;
  readonly factory: { readonly name: string; readonly module: string | null };
  readonly versions: { readonly cnxnspec: string; readonly node: string; readonly fastCheck: string };
  readonly seed: number;
  readonly strategy: string;
  readonly budget: { readonly runs: number; readonly timeBudgetSeconds: number };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly runs: number;
  readonly ok: boolean;
  readonly counts: Readonly<Record<ReportStatus, number>>;
  /** Requirements judged in this run out of every requirement the spec has (the badge's numbers). */
  readonly judged: { readonly judged: number; readonly total: number };
  /** Judged MUST requirements, and how many of them passed or failed only as expected. */
  readonly must: { readonly passed: number; readonly judged: number };
  readonly requirements: readonly ReportedRequirement[];
  readonly failures: readonly ReportedFailure[];
  readonly checkFailures: readonly ReportedCheckFailure[];
}
