/**
 * An invariant is a pure function from a trace to violations with evidence. Safety invariants judge any prefix
 * of a trace; liveness invariants are judged only where the run reached quiescence (nothing runnable, no timer
 * due) or its recorded end, which the caller says by passing `{ atQuiescence: true }`.
 */

import type { InvariantName } from '../requirement.ts';
import type { TraceEvent } from '../trace/events.ts';

export interface Violation {
  readonly invariant: InvariantName;
  /** The requirement IDs this violation breaks. */
  readonly requirements: readonly string[];
  readonly message: string;
  /** `seq` numbers of the events involved, in trace order. */
  readonly evidence: readonly number[];
}

export interface CheckContext {
  /** True when the trace ends at quiescence or at the end of a completed run, so liveness may be judged. */
  readonly atQuiescence: boolean;
  /**
   * True when the trace is a whole run that ended at rest (every thread ended or blocked), not a cut from a
   * longer one: safety invariants may then judge what is still owed at its end.
   */
  readonly complete?: boolean;
  /** Lateness tolerated in timing checks: 0 for simulated traces, more for traces recorded on real machines. */
  readonly timeSlackMs?: number;
}

export interface Invariant {
  readonly name: InvariantName;
  readonly kind: 'safety' | 'liveness';
  /** Requirement IDs it proves; a violation names them. */
  readonly requirements: readonly string[];
  /** One sentence, for reports. */
  readonly description: string;
  check(trace: readonly TraceEvent[], context: CheckContext): Violation[];
}

/** Builds a Violation for `invariant`, with evidence sorted and deduplicated. */
export function violation(invariant: Invariant, message: string, evidence: readonly number[], requirements = invariant.requirements): Violation {
  return { invariant: invariant.name, requirements, message, evidence: [...new Set(evidence)].sort((a, b) => a - b) };
}
