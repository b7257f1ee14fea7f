/**
 * Runs every invariant over a read trace: safety invariants over the whole trace, liveness invariants at each
 * point the trace marks quiescent and at its end when it is complete. Each invariant is judged or not judged
 * (with the reason: no judgment point, or the events it reads are absent), and each requirement follows from
 * the invariants that prove it: fail if one was violated, pass if at least one was judged, otherwise not judged.
 * Evidence is given as line numbers of the trace file as well as seq numbers.
 */

import { invariants as allInvariants, type Invariant, type Violation } from '../../spec/invariants/index.ts';
import { requirements as allRequirements } from '../../spec/requirements/index.ts';
import { missingInput, vacuousBecause } from './invariant-inputs.ts';
import type { ReadTrace } from './read-trace.ts';

export interface LocatedViolation extends Violation {
  /** Line numbers of the evidence events, in the same order as `evidence`. */
  readonly lines: readonly number[];
  /** Where a liveness violation was judged: the line of the quiescent marker's last event, or the end. */
  readonly judgedAt?: string;
}

export interface InvariantVerdict {
  readonly invariant: Invariant;
  readonly judged: boolean;
  readonly reason?: string;
  readonly violations: readonly LocatedViolation[];
}

export interface RequirementVerdict {
  readonly id: string;
  readonly status: 'pass' | 'fail' | 'not-judged';
  readonly reason?: string;
  readonly violations: readonly LocatedViolation[];
}

export interface TraceJudgement {
  readonly invariants: readonly InvariantVerdict[];
  readonly requirements: readonly RequirementVerdict[];
  readonly ok: boolean;
}

export interface JudgeOptions {
  /** Treat the end of the trace as a judgment point for liveness, whatever the header says. */
  readonly complete?: boolean;
  /** Overrides the header's timeSlackMs. */
  readonly timeSlackMs?: number;
  readonly invariants?: readonly Invariant[];
}

/** Line of the event with this seq (seqs strictly increase in a read trace, so binary search works). */
function lineOf(trace: ReadTrace, seq: number): number {
  let lo = 0;
  let hi = trace.events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = trace.events[mid]!.seq;
    if (at === seq) return trace.lines[mid]!;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

function judgmentPoints(trace: ReadTrace, complete: boolean): number[] {
  const points = new Set(trace.quiescentAt.filter((n) => n > 0));
  if (complete && trace.events.length > 0) points.add(trace.events.length);
  return [...points].sort((a, b) => a - b);
}

export function judgeTrace(trace: ReadTrace, options: JudgeOptions = {}): TraceJudgement {
  const complete = options.complete ?? trace.meta.complete;
  const timeSlackMs = options.timeSlackMs ?? trace.meta.timeSlackMs ?? 0;
  const points = judgmentPoints(trace, complete);
  const locate = (v: Violation, judgedAt?: string): LocatedViolation => ({ ...v, lines: v.evidence.map((seq) => lineOf(trace, seq)), ...(judgedAt ? { judgedAt } : {}) });
  const verdicts = (options.invariants ?? allInvariants).map((invariant): InvariantVerdict => {
    const missing = trace.events.length === 0 ? ['any event'] : missingInput(invariant.name, trace.eventCounts);
    if (missing) return { invariant, judged: false, reason: `the trace has no ${missing.join(' or ')} events, which ${invariant.name} reads`, violations: [] };
    const vacuous = vacuousBecause(invariant.name, trace.events);
    if (vacuous) return { invariant, judged: false, reason: vacuous, violations: [] };
    if (invariant.kind === 'safety') {
      // A safety invariant may also owe an end-of-run judgement (an offer never followed by its wakeup), which is
      // only fair when the trace is complete.
      return { invariant, judged: true, violations: invariant.check(trace.events, { atQuiescence: false, complete, timeSlackMs }).map((v) => locate(v)) };
    }
    if (points.length === 0) {
      return {
        invariant,
        judged: false,
        reason: 'liveness is judged only where the trace says it was quiescent or complete: add {"ev":"quiescent"} lines or "complete":true to a version-2 header, or pass --complete',
        violations: [],
      };
    }
    const seen = new Set<string>();
    const violations: LocatedViolation[] = [];
    for (const n of points) {
      const prefix = n === trace.events.length ? trace.events : trace.events.slice(0, n);
      for (const v of invariant.check(prefix, { atQuiescence: true, timeSlackMs })) {
        if (seen.has(v.message)) continue;
        seen.add(v.message);
        violations.push(locate(v, n === trace.events.length && complete ? 'the end of the trace' : `the quiescent point after line ${trace.lines[n - 1]}`));
      }
    }
    return { invariant, judged: true, violations };
  });
  const requirements = allRequirements.map((req): RequirementVerdict => {
    const proving = verdicts.filter((v) => v.invariant.requirements.includes(req.id));
    const violations = proving.flatMap((v) => v.violations.filter((x) => x.requirements.includes(req.id)));
    if (violations.length > 0) return { id: req.id, status: 'fail', violations };
    if (proving.some((v) => v.judged)) return { id: req.id, status: 'pass', violations };
    const reason =
      proving.length === 0
        ? `no trace invariant proves it; it is judged by ${req.tests}`
        : proving.map((v) => `${v.invariant.name}: ${v.reason}`).join('; ');
    return { id: req.id, status: 'not-judged', reason, violations };
  });
  return { invariants: verdicts, requirements, ok: requirements.every((r) => r.status !== 'fail') };
}
