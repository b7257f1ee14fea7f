/**
 * Harness checks: what the suite can see of a factory as a whole, beyond what one trace's invariants judge:
 * which threads its options make it start, what start and configure do, statistics over many selects. Each check
 * drives the factory itself (in the simulation, or on real sockets for wire checks) and judges only what it
 * observed, never the factory's own facts.
 */

import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';

export interface CheckFinding {
  readonly requirements: readonly string[];
  readonly message: string;
  /** A few events of the check's own trace, as text, that show the problem. */
  readonly evidence: readonly string[];
}

export interface CheckOutcome {
  /** Requirements this check judged (passed unless a finding names them). */
  readonly judged: readonly string[];
  readonly findings: readonly CheckFinding[];
  /** Requirements the check meant to judge but could not, with the reason (e.g. the factory failed to start). */
  readonly notJudged?: readonly { readonly id: string; readonly reason: string }[];
}

export interface HarnessCheck {
  readonly name: string;
  readonly mode: 'harness' | 'wire';
  /** Every requirement the check can judge. */
  readonly requirements: readonly string[];
  run(factory: FactoryModule): Promise<CheckOutcome>;
}

/** A thrown error as one line with its stack's first frames, for findings. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim());
  return [err.message, ...frames].join(' | ');
}

/** What one seeded run of a check found, or why it could not judge. */
export type SeededRun = CheckFinding[] | { readonly notJudged: string };

/**
 * A check made of one scripted run under several seeds: every run's findings, or nothing judged (with the reason)
 * as soon as one run cannot judge, so a check never passes what it did not see.
 */
export async function overSeeds(requirements: readonly string[], seeds: readonly number[], run: (seed: number) => Promise<SeededRun>): Promise<CheckOutcome> {
  const findings: CheckFinding[] = [];
  for (const seed of seeds) {
    const result = await run(seed);
    if ('notJudged' in result) return { judged: [], findings: [], notJudged: requirements.map((id) => ({ id, reason: result.notJudged })) };
    findings.push(...result);
  }
  return { judged: requirements, findings };
}
