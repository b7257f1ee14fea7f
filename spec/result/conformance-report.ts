/**
 * The result of a conformance run, as written to `cnxnspec-result.json`: per requirement a status, the evidence
 * and the replay line of a failure; the factory, versions, seed and budget, so that the file says exactly what
 * was tested and how to reproduce it. The JSON Schema of this shape is in ./schema.ts.
 */

import type { Area, Level } from '../requirement.ts';

/**
 * pass: checked and never broken within the budget; fail: broken; expected-fail: broken, and the factory's
 * expectations file says so; unexpected-pass: listed as expected to fail, yet passed; not-applicable: the
 * suite does not judge it (checked by the project's own tests, or by probes of a running server); not-judged:
 * the suite checks it, but this run could not (the factory never started), and the reason says why.
 */
export const REQUIREMENT_STATUSES = ['pass', 'fail', 'expected-fail', 'unexpected-pass', 'not-applicable', 'not-judged'] as const;

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
  readonly evidence?: ReportedEvidence;
  /** The command that reproduces the failure. */
  readonly replay?: string;
  /** From the expectations file. */
  readonly reason?: string;
}

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

export interface ConformanceReport {
  readonly format: 'cnxnspec-result/1';
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
  /** MUST requirements the suite checks, and how many of them passed (the badge's numbers). */
  readonly must: { readonly passed: number; readonly checked: number };
  readonly requirements: readonly ReportedRequirement[];
  readonly failures: readonly ReportedFailure[];
}
